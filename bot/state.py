"""The SQLite state database (CAREERFW_STATE_DB): where the shared state (bot/store: questions,
feedback, the nudge ledger, Teams conversation references, event de-duplication, the rate limit)
lives when CAREERFW_DATABASE_URL is unset. Alembic (bot/store/migrations) owns its tables.

This module opens connections the same way everywhere (bot/store/engine.py included): private file
mode, WAL so readers never block the writer, and a generous busy timeout so a lock held by another
process delays a write instead of losing it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

from bot.config import ConfigError

log = logging.getLogger("careerfw.state")

BUSY_TIMEOUT_S = 30.0


PRIVATE_MODE = 0o600  # the database holds questions people asked; SQLite gives -wal/-shm the same mode


def _private_file(path: Path) -> None:
    """Create `path` readable by its owner only before SQLite opens it, and take group and world access
    away from one created by an older version (SQLite's default is 0644 under a usual umask)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_MODE))
        return
    except FileExistsError:
        pass
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            mode = stat.S_IMODE(candidate.stat().st_mode)
            if mode & 0o077:
                candidate.chmod(mode & 0o700)
                log.warning("%s was readable by other users (mode %o); now %o", candidate, mode, mode & 0o700)
        except FileNotFoundError:
            continue
        except PermissionError:
            log.warning("%s is readable by other users and not ours to change (chmod 600 it)", candidate)


def connect(path: Path) -> sqlite3.Connection:
    path = Path(path)
    if str(path) != ":memory:":
        _private_file(path)
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.DatabaseError as exc:
        conn.close()
        if type(exc) is sqlite3.DatabaseError:  # "file is not a database", "… malformed"
            raise unusable(path, str(exc)) from None
        raise
    return conn


class StateUnusable(ConfigError, sqlite3.DatabaseError):
    """The state database exists but SQLite cannot use it (not a database, malformed, unreadable).

    A ConfigError, so a command stops with its one line; and an sqlite3.DatabaseError, so code that
    copes with a failing database (the shared store's fail-open calls, recording a question) copes
    with this too."""


def unusable_reason(exc: sqlite3.Error) -> str | None:
    """Why `exc` means the database itself is broken, or None for a passing condition (a lock)."""
    text = str(exc) or type(exc).__name__
    if isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text):
        return None
    return text


def check_state(path: Path) -> None:
    """Raise StateUnusable, naming the file and what to do, when the state database at `path` cannot be
    used; a missing one is fine (it is created on first use). Run once at start: a broken file would
    otherwise surface as a traceback in every answer, vote and nudge."""
    path = Path(path)
    if str(path) == ":memory:" or not path.exists():
        return
    try:
        conn = sqlite3.connect(str(path), timeout=5.0)
        try:
            row = conn.execute("PRAGMA quick_check(1)").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        reason = unusable_reason(exc)
        if reason is None:
            return  # locked by another process right now: usable, just busy
    else:
        if row is not None and row[0] == "ok":
            return
        reason = str(row[0]) if row else "integrity check returned nothing"
    raise unusable(path, reason)


def unusable(path: Path, reason: str) -> StateUnusable:
    return StateUnusable(
        f"the state database {path} (CAREERFW_STATE_DB) is unusable: {reason}. Move it aside to start "
        "with a new one (feedback, nudge records and Teams conversations in it are lost), or restore it "
        "from a backup"
    )


class StateDB:
    """One connection per thread to one database file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._schemas: set[str] = set()
        self._schema_lock = threading.Lock()

    @property
    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = connect(self.path)
            self._local.conn = conn
        return conn

    def ensure_schema(self, ddl: str) -> None:
        """Create a feature's tables once per process (idempotent DDL: CREATE … IF NOT EXISTS)."""
        with self._schema_lock:
            if ddl in self._schemas:
                return
            self.conn.executescript(ddl)
            self._schemas.add(ddl)

    @contextlib.contextmanager
    def busy_timeout(self, seconds: float) -> Iterator[None]:
        """Wait at most `seconds` for another writer's lock in this block (instead of BUSY_TIMEOUT_S)."""
        conn = self.conn
        conn.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")
        try:
            yield
        finally:
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE: takes the write lock up front, so check-then-write is race free."""
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


class FileWatch:
    """Notices the state file being replaced or overwritten under a serving process.

    Open connections keep using the file they opened: after `mv new.db state.db` they write into the
    old, unlinked inode, and after `cp other.db state.db` (in place) into a WAL the new contents do not
    match. Either way every write seems to succeed and is lost, so nothing else would notice. `broken`
    is cheap enough for every store call: one stat, and only when the file's size or mtime changed
    (which our own checkpoints do too) a read-only look at the file itself, ignoring the WAL."""

    MAGIC = b"SQLite format 3\x00"

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        first = self._stat()
        self._identity = None if first is None else (first.st_dev, first.st_ino)
        self._seen = None if first is None else (first.st_mtime_ns, first.st_size)

    def _stat(self) -> os.stat_result | None:
        try:
            return os.stat(self.path)
        except FileNotFoundError:
            return None

    def broken(self) -> str | None:
        """Why the file is no longer the database the process opened, or None while it is."""
        now = self._stat()
        if now is None:
            return "the file was removed while in use"
        with self._lock:
            if self._identity is None:
                self._identity = (now.st_dev, now.st_ino)
            elif (now.st_dev, now.st_ino) != self._identity:
                return "the file was replaced by another while in use (its device and inode changed)"
            if (now.st_mtime_ns, now.st_size) == self._seen:
                return None
            problem = self._contents()
            if problem is None:
                self._seen = (now.st_mtime_ns, now.st_size)
            return problem

    def _contents(self) -> str | None:
        try:
            with open(self.path, "rb") as handle:
                head = handle.read(len(self.MAGIC))
        except OSError as exc:
            return f"the file cannot be read: {exc}"
        if head != self.MAGIC:
            return "the file was overwritten while in use: file is not a database"
        try:
            # immutable: the file alone, as written, without taking locks or reading the WAL.
            conn = sqlite3.connect(f"file:{self.path}?immutable=1", uri=True)
            try:
                names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            finally:
                conn.close()
        except sqlite3.Error as exc:
            return f"the file was overwritten while in use: {exc}"
        # Tables not checkpointed yet are still only in the WAL; a file holding tables but not ours is
        # another database copied over this one.
        if names and "alembic_version" not in names:
            return "the file was overwritten while in use by another database (no alembic_version table)"
        return None


KEY_FILE_LIMIT = 4096  # the user-hash key file: 64 hex digits and a newline


def read_small_file(path: Path, limit: int) -> bytes | None:
    """The bytes of `path`, or None when there is no such file. Only a regular file of at most `limit`
    bytes is read: a FIFO would block the reader for ever and a link to /dev/zero would fill memory,
    so anything else raises ConfigError, one line naming the file."""
    try:
        # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer before fstat can tell.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigError(f"{path} cannot be read: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ConfigError(f"{path} is not a regular file; refusing to read it")
        data = os.read(fd, limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise ConfigError(f"{path} is over {limit} bytes, too large for what it should hold; refusing to read it")
    return data
