"""Shared state that every replica must see the same: SQLAlchemy Core over the SQLite state file by
default, or PostgreSQL when CAREERFW_DATABASE_URL is set (docs/state.md).

    store = Store.open(settings)        # connects, applies safe schema upgrades, or raises StoreUnavailable
    store.attempt("rate limit", work, fallback=...)

Answers never wait on the database. Every call goes through `attempt`: a transaction, retried
briefly on a lost connection, a lock timeout or a lost insert race (tenacity), and past that the
caller's fallback is returned and the failure logged once per outage. After a failure that says the
database cannot be used now (a lost or refused connection, a timeout, a lock held elsewhere, a broken
file) the store is left alone for PAUSE_S, so while PostgreSQL restarts each answer costs nothing
extra; the first call after the pause tries again, and de-duplication resumes by itself. A failure
that is about one call's own data (a value the database refuses, a constraint) drops that call alone:
one bad row never pauses the store for everyone else.

Background work that must not be dropped, and may wait (the weekly nudge's claims and records), goes
through `patiently` instead: its own connections with longer timeouts, retried for longer, and past
that StoreUnavailable is raised, so the caller fails closed (the nudge is skipped, never sent blind).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import (
    DBAPIError,
    DisconnectionError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, stop_after_delay, wait_random_exponential

from bot.config import Settings
from bot.state import FileWatch, StateUnusable, unusable
from bot.store import migrate
from bot.store.engine import ADMIN, BACKGROUND, SERVING, StoreUnavailable, Target, create_engine, reason

__all__ = ["Store", "StoreUnavailable", "Target"]

log = logging.getLogger("careerfw.store")

T = TypeVar("T")

RETRY_BUDGET_S = 1.0  # all attempts of one call, after which it gives up and falls back
PAUSE_S = 5.0  # after a failed call, skip the database for this long (answers go on meanwhile)
PATIENT_BUDGET_S = 60.0  # background work: a PostgreSQL restart or failover usually fits in this


def store_down(exc: SQLAlchemyError) -> bool:
    """Whether `exc` says the database cannot be used now, by anyone (worth pausing for): no connection,
    a timeout or a lock held elsewhere (OperationalError on both backends), or a state file that is no
    longer a database. Anything else (DataError, IntegrityError, ProgrammingError: a value or row this
    one call brought) is that call's own failure."""
    if isinstance(exc, (OperationalError, InterfaceError, DisconnectionError, PoolTimeout)):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    orig = getattr(exc, "orig", None)
    return isinstance(orig, StateUnusable) or type(orig) is sqlite3.DatabaseError


class Store:
    def __init__(self, engine: Engine, target: Target) -> None:
        self.engine = engine
        self.target = target
        self._paused_until = 0.0
        self._down = False
        self._lock = threading.Lock()
        self._watchers: list[Callable[[Exception], None]] = []
        path = target.sqlite_path
        self._file = FileWatch(path) if path is not None and str(path) != ":memory:" else None
        self._lost: StateUnusable | None = None
        self._retrying = Retrying(
            stop=stop_after_attempt(3) | stop_after_delay(RETRY_BUDGET_S),
            wait=wait_random_exponential(multiplier=0.05, max=0.25),
            retry=retry_if_exception_type((OperationalError, IntegrityError)),
            reraise=True,
        )
        self._background: Engine | None = None

    @classmethod
    def open(cls, settings: Settings, *, upgrade: bool = True) -> Store:
        """Connect once (a wrong password or unreachable host raises StoreUnavailable, one line naming
        the setting, password masked) and apply schema revisions that are safe at start."""
        target = Target.from_settings(settings)
        admin = create_engine(target, ADMIN)
        try:
            with admin.connect() as conn:
                conn.execute(text("SELECT 1"))
            if upgrade:
                migrate.upgrade_at_start(admin)
        except SQLAlchemyError as exc:
            raise StoreUnavailable(f"cannot use {target.describe()}: {reason(exc)}") from None
        except migrate.UnsafeUpgrade as exc:
            raise StoreUnavailable(f"{target.describe()}: {exc}") from None
        finally:
            admin.dispose()
        return cls(create_engine(target, SERVING), target)

    def attempt(self, what: str, work: Callable[[Connection], T], fallback: T) -> T:
        """`work` in one transaction, retried briefly; `fallback` if the database cannot be used now."""
        if time.monotonic() < self._paused_until or self._file_lost():
            return fallback
        try:
            result = self._retrying(self._transaction, work)
        except SQLAlchemyError as exc:
            if store_down(exc):
                self._failed(what, exc)
            else:
                log.warning("%s refused %s (%s); that call alone is dropped", self.target.describe(), what,
                            reason(exc))
            for watcher in self._watchers:
                watcher(exc)
            return fallback
        if self._down:
            with self._lock:
                self._down = False
            log.warning("%s is reachable again; shared state resumes", self.target.describe())
        return result

    def _file_lost(self) -> bool:
        """Whether the SQLite file was replaced or overwritten under us (bot.state.FileWatch): then no
        call goes through again (its writes would be lost), and the watchers hear of it once."""
        if self._lost is not None:
            return True
        problem = self._file.broken() if self._file is not None else None
        if problem is None:
            return False
        with self._lock:
            first = self._lost is None
            self._lost = unusable(self.target.sqlite_path or Path(), problem)
        if first:
            log.error("%s; the shared state is no longer used by this process (restart it)", self._lost)
            for watcher in self._watchers:
                watcher(self._lost)
        return True

    def on_failure(self, watcher: Callable[[Exception], None]) -> None:
        """Call `watcher` with every failure given up on (e.g. to tell /healthz that the SQLite file
        stopped being a database), whichever call met it first."""
        self._watchers.append(watcher)

    def _transaction(self, work: Callable[[Connection], T]) -> T:
        with self.engine.begin() as conn:
            return work(conn)

    def _failed(self, what: str, exc: SQLAlchemyError) -> None:
        with self._lock:
            first = not self._down
            self._down = True
            self._paused_until = time.monotonic() + PAUSE_S
        if first:
            log.warning(
                "%s unavailable (%s): %s skipped, answers go on; retrying every %.0f s",
                self.target.describe(), reason(exc), what, PAUSE_S,
            )
        else:
            log.debug("%s still unavailable: %s skipped", self.target.describe(), what)

    def patiently(self, what: str, work: Callable[[Connection], T], budget_s: float | None = None) -> T:
        """`work` in one transaction for background work that may wait but must not be dropped or
        guessed: retried for up to `budget_s` (default PATIENT_BUDGET_S), then StoreUnavailable (naming
        `what` and the database, password masked). Never paused by, nor pausing, the answers' calls."""
        retrying = Retrying(
            stop=stop_after_delay(PATIENT_BUDGET_S if budget_s is None else budget_s),
            wait=wait_random_exponential(multiplier=0.2, max=5.0),
            retry=retry_if_exception_type((OperationalError, IntegrityError)),
            reraise=True,
        )
        if self._file_lost():
            raise StoreUnavailable(f"{what}: {self._lost}")
        try:
            return retrying(self._background_transaction, work)
        except SQLAlchemyError as exc:
            raise StoreUnavailable(f"{what}: cannot use {self.target.describe()}: {reason(exc)}") from None

    def _background_transaction(self, work: Callable[[Connection], T]) -> T:
        with self._lock:
            if self._background is None:
                self._background = create_engine(self.target, BACKGROUND)
            engine = self._background
        with engine.begin() as conn:
            return work(conn)

    def has_tables(self, *tables: sa.Table) -> bool:
        """Whether the schema has these tables yet (a read-only command opened without upgrading)."""
        try:
            with self.engine.connect() as conn:
                inspector = sa.inspect(conn)
                return all(inspector.has_table(table.name) for table in tables)
        except SQLAlchemyError as exc:
            raise StoreUnavailable(f"cannot use {self.target.describe()}: {reason(exc)}") from None

    def close(self) -> None:
        self.engine.dispose()
        if self._background is not None:
            self._background.dispose()
