"""One SQLAlchemy engine for the shared state, from CAREERFW_DATABASE_URL or the SQLite file.

The two backends differ only here, in how a connection is opened and how long it may wait:
- SQLite: bot.state.connect opens the file (its location, file mode and WAL are the state DB's own),
  and every transaction is BEGIN IMMEDIATE, so check-then-write is serialised between processes;
- PostgreSQL through psycopg 3: short connect, statement and lock timeouts, and a pre-ping so a
  connection that died with a server restart is replaced instead of failing a request.
Everything above this module is dialect-free SQLAlchemy Core.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url

from bot import state
from bot.config import ConfigError, Settings

URL_VARIABLE = "CAREERFW_DATABASE_URL"


class StoreUnavailable(ConfigError):
    """The shared state database cannot be reached or used; the message names where it is and why,
    with any password masked."""


@dataclass(frozen=True)
class Timeouts:
    """How long one database call may wait. `serving` bounds what an answer can be held up by;
    `admin` is for migrations and `careerfw db …`, where waiting for a lock is right; `background` for
    the weekly nudge."""

    connect_s: int  # libpq counts whole seconds, and treats 1 as 2
    statement_s: float
    lock_s: float


SERVING = Timeouts(connect_s=2, statement_s=1.0, lock_s=0.5)
ADMIN = Timeouts(connect_s=10, statement_s=300.0, lock_s=60.0)
# The weekly nudge's claims and records: nobody waits on them, and a lock held by another process
# (a racing replica, a backup holding the SQLite file) is waited out rather than given up on.
BACKGROUND = Timeouts(connect_s=5, statement_s=30.0, lock_s=30.0)


@dataclass(frozen=True)
class Target:
    """Where the state lives: a SQLAlchemy URL and how to name it in messages (password masked)."""

    url: URL
    sqlite_path: Path | None  # set for the SQLite file

    @classmethod
    def from_settings(cls, settings: Settings) -> Target:
        if settings.database_url:
            url = make_url(settings.database_url).set(drivername="postgresql+psycopg")
            return cls(url=url, sqlite_path=None)
        path = Path(settings.state_db)
        return cls(url=URL.create("sqlite", database=str(path)), sqlite_path=path)

    @property
    def is_sqlite(self) -> bool:
        return self.sqlite_path is not None

    def describe(self) -> str:
        if self.sqlite_path is not None:
            return f"the SQLite state database {self.sqlite_path} (CAREERFW_STATE_DB)"
        shown = self.url.set(drivername="postgresql").render_as_string(hide_password=True)
        return f"{URL_VARIABLE}={shown}"


def create_engine(target: Target, timeouts: Timeouts = SERVING) -> Engine:
    if target.sqlite_path is not None:
        return _sqlite_engine(target.sqlite_path, timeouts)
    options = (
        f"-c statement_timeout={int(timeouts.statement_s * 1000)} -c lock_timeout={int(timeouts.lock_s * 1000)}"
    )
    return sa.create_engine(
        target.url,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=5,
        pool_timeout=timeouts.lock_s + timeouts.statement_s,
        connect_args={"connect_timeout": timeouts.connect_s, "options": options, "application_name": "careerfw"},
    )


def _sqlite_engine(path: Path, timeouts: Timeouts) -> Engine:
    def connect() -> sqlite3.Connection:
        conn = state.connect(path)
        conn.row_factory = None  # SQLAlchemy reads plain tuples
        conn.execute(f"PRAGMA busy_timeout = {int(timeouts.lock_s * 1000)}")
        return conn

    # QueuePool: one connection per concurrent caller. (A creator on a bare "sqlite://" URL would get
    # SQLAlchemy's :memory: pool, which shares connections between threads.)
    engine = sa.create_engine("sqlite://", creator=connect, poolclass=sa.pool.QueuePool, pool_size=5, max_overflow=5)

    # The pysqlite recipe from SQLAlchemy's documentation: the driver is left in autocommit
    # (state.connect opens it so) and SQLAlchemy's begin emits BEGIN IMMEDIATE, taking the write lock
    # up front, so a read-then-write transaction cannot interleave with another process's.
    @sa.event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def reason(exc: BaseException) -> str:
    """The driver's own first line (e.g. "password authentication failed for user …"), without
    SQLAlchemy's wrapping, the SQL, or a traceback."""
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip() or type(orig).__name__
    return text.splitlines()[0].strip()
