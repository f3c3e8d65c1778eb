"""`careerfw db migrate-from-sqlite PATH`: copy a SQLite state file into the PostgreSQL database at
CAREERFW_DATABASE_URL, for an install that outgrows one pod.

Every table that is both in the file and in the shared store's schema (bot/store/schema.py) is
copied, whatever layout the file has (one written before the shared store, or a current one): only
the columns both sides have, so a column the file lacks is left empty. Rows keep their keys (ids on
buttons in old messages still find their question), and a row whose key is already taken is left
alone, so running it twice copies nothing the second time. A row that cannot be copied because
PostgreSQL holds a different row under its key is counted and reported, and the command exits 1:
nothing is lost silently.

The file is only read (opened read-only). Counts per table are printed before and after.
"""

from __future__ import annotations

import argparse
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.config import ConfigError, Settings
from bot.state import KEY_FILE_LIMIT, read_small_file
from bot.store import migrate, store_down
from bot.store.engine import ADMIN, URL_VARIABLE, StoreUnavailable, Target, create_engine, reason
from bot.store.rows import continue_numbering, insert_new
from bot.store.schema import feedback_meta, metadata

BATCH = 500
# A copied id past this is refused: PostgreSQL's sequence would follow it and run out (2^63 - 1) within
# the next few inserts, so no question could be recorded again.
MAX_COPIED_ID = 2**62
KEY_ROW = "user_hash_key"  # bot.feedback's key row; the file's key moves with its hashes


@dataclass
class TableCopy:
    name: str
    in_file: int
    before: int
    after: int = 0
    conflicts: int = 0  # rows of the file PostgreSQL holds something else under the same key
    skipped: int = 0  # rows PostgreSQL refused (a value it cannot hold, an id past MAX_COPIED_ID)

    @property
    def copied(self) -> int:
        return self.after - self.before


def migrate_from_sqlite_command(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.database_url:
        raise ConfigError(
            f"db migrate-from-sqlite copies into PostgreSQL: set {URL_VARIABLE} to the database to copy into "
            "(unset, the state already is the SQLite file at CAREERFW_STATE_DB)"
        )
    path = Path(args.path).expanduser()
    source = _open_file(path)
    target = Target.from_settings(settings)
    engine = create_engine(target, ADMIN)
    try:
        found = _state_tables(source, path)
        before = migrate.status(engine)
        if not before.known:
            raise StoreUnavailable(
                f"{target.describe()} is at schema revision {before.current}, newer than this release "
                f"knows ({before.head}); copy with that release instead"
            )
        if before.pending:
            migrate.upgrade(engine)
            print(f"{target.describe()}: schema upgraded from {before.current or 'empty'} to {before.head}")
        print(f"Copying {path} into {target.describe()}")
        copies = _copy(source, engine, found, path)
    except SQLAlchemyError as exc:
        raise StoreUnavailable(f"cannot use {target.describe()}: {reason(exc)}") from None
    finally:
        engine.dispose()
        source.dispose()
    _report(copies)
    lost = [c for c in copies if c.conflicts]
    for c in lost:
        print(f"careerfw: {c.conflicts} row(s) of {c.name} in {path} were not copied: PostgreSQL already "
              "holds different rows under the same keys (state written there since?); nothing was overwritten")
    skipped = sum(c.skipped for c in copies)
    if skipped:
        print(f"careerfw: {skipped} row(s) of {path} were skipped (each named above); every other row was copied")
    if lost or skipped:
        return 1
    print("Every row of the file is in PostgreSQL; running this again copies nothing new.")
    return 0


def _open_file(path: Path) -> Engine:
    if not path.exists():
        raise ConfigError(f"{path}: no such file (db migrate-from-sqlite needs the SQLite state database to copy)")
    if not path.is_file():
        raise ConfigError(f"{path} is not a file (db migrate-from-sqlite needs the SQLite state database to copy)")

    def connect() -> sqlite3.Connection:
        # Read-only: the file is a source, and may still be in use by a running bot.
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)

    return sa.create_engine("sqlite://", creator=connect, poolclass=sa.pool.NullPool)


def _state_tables(source: Engine, path: Path) -> dict[str, set[str]]:
    """Per state table in the file, its columns. Refuses a file that is no SQLite database, or has
    none of the tables the shared store holds."""
    try:
        inspector = sa.inspect(source)
        names = set(inspector.get_table_names())
        found = {t.name: {c["name"] for c in inspector.get_columns(t.name)} for t in metadata.sorted_tables
                 if t.name in names}
    except SQLAlchemyError as exc:
        raise ConfigError(f"{path} is not a SQLite state database: {reason(exc)}") from None
    if not found:
        raise ConfigError(
            f"{path} is not a careerfw state database: it has none of the tables "
            f"{', '.join(t.name for t in metadata.sorted_tables)}"
        )
    return found


def _count(conn: Connection, table: sa.Table) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def _copy(source: Engine, engine: Engine, found: dict[str, set[str]], path: Path) -> list[TableCopy]:
    tables = [t for t in metadata.sorted_tables if t.name in found]  # parents before children
    with source.connect() as src, engine.begin() as dst:
        copies = [TableCopy(t.name, _count(src, t), _count(dst, t)) for t in tables]
        _copy_key(path, dst)
        for table, copy in zip(tables, copies, strict=True):
            columns = [c for c in table.columns if c.name in found[table.name]]
            _check_columns(table, columns, path)
            numbered = _numbered(table)
            for batch in _batches(src, columns):
                if numbered is not None:
                    batch = [row for row in batch if _safe_id(row, numbered, table, copy, path)]
                batch = _insert(dst, table, batch, copy, path)
                copy.conflicts += _differing(dst, table, columns, batch)
            continue_numbering(dst, table)
            copy.after = _count(dst, table)
    return copies


def _numbered(table: sa.Table) -> sa.Column[Any] | None:
    """The table's generated id column (its sequence continues after the copied ids), if it has one."""
    key = list(table.primary_key.columns)
    if len(key) == 1 and isinstance(key[0].type, sa.Integer) and key[0].autoincrement in (True, "auto"):
        return key[0]
    return None


def _where(table: sa.Table, row: dict[str, Any]) -> str:
    return ", ".join(f"{c.name}={row.get(c.name)!r}" for c in table.primary_key.columns)


def _skip(copy: TableCopy, table: sa.Table, row: dict[str, Any], path: Path, why: str) -> None:
    copy.skipped += 1
    print(f"careerfw: {path}: table {table.name}, row {_where(table, row)}: not copied: {why}")


def _safe_id(row: dict[str, Any], column: sa.Column[Any], table: sa.Table, copy: TableCopy, path: Path) -> bool:
    value = row.get(column.name)
    if isinstance(value, int) and value > MAX_COPIED_ID:
        _skip(copy, table, row, path, f"its id is past {MAX_COPIED_ID}, after which PostgreSQL could number "
              "no new row")
        return False
    return True


def _insert(dst: Connection, table: sa.Table, batch: list[dict[str, Any]], copy: TableCopy,
            path: Path) -> list[dict[str, Any]]:
    """Insert `batch`; the rows that went in (or were already there). When PostgreSQL refuses the batch
    for one row's data (a NUL in a text, an integer out of range), each row is tried alone, so that one
    is named and skipped and the rest are copied. A lost connection still stops the copy."""
    try:
        with dst.begin_nested():
            insert_new(dst, table, batch)
        return batch
    except SQLAlchemyError as exc:
        if store_down(exc):
            raise
    kept = []
    for row in batch:
        try:
            with dst.begin_nested():
                insert_new(dst, table, [row])
            kept.append(row)
        except SQLAlchemyError as exc:
            if store_down(exc):
                raise
            _skip(copy, table, row, path, reason(exc))
    return kept


def _copy_key(path: Path, dst: Connection) -> None:
    """The user-hash key beside the file (bot/feedback.py), so the copied hashes still match the
    people they stand for. A database that already has a key keeps it (with a warning): its own
    hashes depend on it."""
    key_file = path.with_name(path.name + ".key")
    data = read_small_file(key_file, KEY_FILE_LIMIT)
    try:
        key = (data or b"").decode("ascii").strip()
        bytes.fromhex(key)
    except ValueError:
        return
    if not key:
        return
    insert_new(dst, feedback_meta, [{"key": KEY_ROW, "value": key}])
    kept = dst.execute(sa.select(feedback_meta.c.value).where(feedback_meta.c.key == KEY_ROW)).scalar_one()
    if kept != key:
        print(f"warning: the database already has a user-hash key; votes copied from {path} will not be "
              "recognised as the same people's when they vote again")


def _check_columns(table: sa.Table, columns: Sequence[sa.Column[Any]], path: Path) -> None:
    names = {c.name for c in columns}
    for c in table.columns:
        if c.name not in names and not c.nullable and c.server_default is None:
            raise ConfigError(f"{path}: table {table.name} has no column {c.name}, which the database needs")


def _batches(src: Connection, columns: Sequence[sa.Column[Any]]) -> Iterator[list[dict[str, Any]]]:
    names = [c.name for c in columns]
    result = src.execution_options(yield_per=BATCH).execute(sa.select(*columns))
    for rows in result.partitions(BATCH):
        yield [dict(zip(names, row, strict=True)) for row in rows]


def _differing(dst: Connection, table: sa.Table, columns: Sequence[sa.Column[Any]],
               batch: list[dict[str, Any]]) -> int:
    """How many rows of `batch` PostgreSQL does not hold as they are in the file (under their key)."""
    key = list(table.primary_key.columns)
    names = [c.name for c in columns]
    wanted = {tuple(row[c.name] for c in key): tuple(row[n] for n in names) for row in batch}
    if len(key) == 1:
        where = key[0].in_([k[0] for k in wanted])
    else:
        where = sa.tuple_(*key).in_(list(wanted))
    rows = dst.execute(sa.select(*key, *columns).where(where))
    held = {tuple(row[: len(key)]): tuple(row[len(key):]) for row in rows}
    return sum(1 for k, values in wanted.items() if held.get(k) != values)


def _report(copies: list[TableCopy]) -> None:
    width = max(len("table"), *(len(c.name) for c in copies))
    print(f"{'table':<{width}}  {'in the file':>11}  {'database before':>15}  {'copied':>6}  {'database after':>14}")
    for c in copies:
        print(f"{c.name:<{width}}  {c.in_file:>11}  {c.before:>15}  {c.copied:>6}  {c.after:>14}")
