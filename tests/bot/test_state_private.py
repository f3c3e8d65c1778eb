"""The state database is private: created 0600 with its -wal/-shm, an older world-readable one is
tightened at open, and the user-hash key lives beside it (0600), never inside it."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

from bot.config import Settings
from bot.feedback import Feedback, key_path
from bot.state import StateDB
from bot.store import Store
from index.answer import Answer, Quote
from index.entry import Entry


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def record_question(path: Path, user_id: str = "U1") -> Feedback:
    """A question recorded as a serving process does, through the shared store on the SQLite file."""
    log = Feedback(Store.open(Settings(state_db=path)))
    assert log.record_question(surface="slack", user_id=user_id, answer=answer()) is not None
    return log


def answer() -> Answer:
    entry = Entry(framework="FW", craft="Craft", level="Level 1", role="Role", section="Section", area="Hiring",
                  description="I interview candidates.", todo=False, source="craft/level1.md:9")
    return Answer("who hires?", "lookup", True, quotes=[Quote(entry, entry.description, 0.9, True, None)])


def test_a_new_state_database_and_its_wal_and_shm_are_readable_by_the_owner_only(tmp_path: Path) -> None:
    old = os.umask(0o022)  # the usual umask, under which SQLite creates files 0644
    try:
        record_question(tmp_path / "state" / "state.db")
    finally:
        os.umask(old)
    for name in ("state.db", "state.db-wal", "state.db-shm", "state.db.key"):
        assert mode(tmp_path / "state" / name) == 0o600, name
    assert mode(tmp_path / "state") == 0o700


def test_an_existing_world_readable_database_is_made_private_at_open(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
    path.chmod(0o644)
    StateDB(path).conn.execute("SELECT 1")
    assert mode(path) == 0o600


def test_the_user_hash_key_is_not_in_the_database(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    first = record_question(path).hash_user("slack", "U1")
    rows = sqlite3.connect(path).execute("SELECT key FROM feedback_meta").fetchall()
    assert ("user_hash_key",) not in rows
    assert key_path(path).is_file() and mode(key_path(path)) == 0o600
    # The key is stable: a new process (a new store) hashes the same id the same way.
    assert Feedback(Store.open(Settings(state_db=path))).hash_user("slack", "U1") == first


def test_a_key_kept_in_the_database_by_an_older_version_moves_out_and_hashes_stay_the_same(tmp_path: Path) -> None:
    import hashlib
    import hmac

    path = tmp_path / "state.db"
    record_question(path)
    key_file = key_path(path)
    legacy = key_file.read_text().strip()
    key_file.unlink()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO feedback_meta (key, value) VALUES ('user_hash_key', ?)", (legacy,))
    conn.commit()
    conn.close()

    expected = hmac.new(bytes.fromhex(legacy), b"slack:U1", hashlib.sha256).hexdigest()
    assert Feedback(Store.open(Settings(state_db=path))).hash_user("slack", "U1") == expected
    assert key_file.read_text().strip() == legacy
    assert sqlite3.connect(path).execute("SELECT COUNT(*) FROM feedback_meta WHERE key = 'user_hash_key'"
                                         ).fetchone() == (0,)
