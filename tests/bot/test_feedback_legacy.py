"""A state file written by the release before the shared store (bot/feedback.py's own DDL in the
SQLite file) is adopted by schema revision feedback_questions: every row kept, votes and hashes still meaningful."""

from __future__ import annotations

import secrets
import sqlite3
from pathlib import Path

from bot.config import Settings
from bot.feedback import Feedback
from bot.store import Store
from index.answer import Answer, Quote
from index.entry import Entry

# Verbatim what the previous release ran (CREATE … IF NOT EXISTS on first use).
LEGACY_DDL = """
CREATE TABLE IF NOT EXISTS feedback_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS questions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    asked_at   REAL NOT NULL,
    surface    TEXT NOT NULL,
    user_hash  TEXT NOT NULL,
    question   TEXT NOT NULL,
    kind       TEXT NOT NULL DEFAULT 'ask',   -- 'ask' (free question) or 'explain' (a named area)
    entry_id   TEXT,                          -- the area asked for, when kind = 'explain'
    intent     TEXT,
    confident  INTEGER NOT NULL,
    entries    TEXT NOT NULL                  -- JSON: the quoted entries, in the order shown
);
CREATE INDEX IF NOT EXISTS questions_asked_at ON questions (asked_at);
CREATE TABLE IF NOT EXISTS feedback (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at   REAL NOT NULL,
    surface      TEXT NOT NULL,
    user_hash    TEXT NOT NULL,
    question_id  INTEGER REFERENCES questions (id) ON DELETE SET NULL,
    question     TEXT NOT NULL,
    entries      TEXT NOT NULL,               -- JSON: the entries the verdict is about
    verdict      TEXT NOT NULL CHECK (verdict IN ('helpful', 'not_helpful'))
);
CREATE UNIQUE INDEX IF NOT EXISTS feedback_one_vote
    ON feedback (question_id, user_hash) WHERE question_id IS NOT NULL;
"""

ENTRIES = '[{"id": "fw/craft/l1#ops", "area": "Ops", "level": "Level 1", "craft": "Craft", "framework": "FW"}]'


def write_legacy_state(path: Path, questions: int) -> str:
    """A state file as the previous release left it, with `questions` questions, a vote on each, and
    the user-hash key file beside it; the hash of user U1 under that key."""
    import hashlib
    import hmac

    key = secrets.token_hex(32)
    path.with_name(path.name + ".key").write_text(key + "\n")
    user_hash = hmac.new(bytes.fromhex(key), b"slack:U1", hashlib.sha256).hexdigest()
    conn = sqlite3.connect(path)
    conn.executescript(LEGACY_DDL)
    for i in range(1, questions + 1):
        conn.execute(
            "INSERT INTO questions (asked_at, surface, user_hash, question, kind, entry_id, intent, confident, entries)"
            " VALUES (?, 'slack', ?, ?, 'ask', NULL, 'lookup', 1, ?)",
            (1_700_000_000.0 + i, user_hash, f"question {i}", ENTRIES),
        )
        conn.execute(
            "INSERT INTO feedback (created_at, surface, user_hash, question_id, question, entries, verdict)"
            " VALUES (?, 'slack', ?, ?, ?, ?, ?)",
            (1_700_000_000.5 + i, user_hash, i, f"question {i}", ENTRIES, "helpful" if i % 2 else "not_helpful"),
        )
    conn.commit()
    conn.close()
    return user_hash


def test_an_old_state_file_is_adopted_without_losing_a_row(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    user_hash = write_legacy_state(path, questions=7)
    before = sqlite3.connect(path).execute("SELECT * FROM feedback ORDER BY id").fetchall()

    store = Store.open(Settings(state_db=path))  # what every serving process does at start
    try:
        conn = sqlite3.connect(path)
        assert conn.execute("SELECT COUNT(*) FROM questions").fetchone() == (7,)
        after = conn.execute("SELECT id, created_at, surface, user_hash, question_id, question, entries, verdict, "
                             "reason FROM feedback ORDER BY id").fetchall()
        assert [row[:-1] for row in after] == before and all(row[-1] is None for row in after)
        conn.close()

        log = Feedback(store)
        (row,) = log.summary()
        assert (row.area, row.asked, row.helpful, row.not_helpful) == ("Ops", 7, 4, 3)
        # The key file beside it still hashes U1 the same way: U1's old answers are still U1's.
        asked = log.get_question(3)
        assert asked is not None and asked.user_hash == user_hash and log.asked_by(asked, "slack", "U1")
        # A new vote replaces U1's old one on that answer, and can carry a reason.
        fid = log.record_feedback(surface="slack", user_id="U1", verdict="not_helpful", question_id=3)
        assert fid is not None and log.add_reason(fid, surface="slack", user_id="U1", reason="wrong level")
        (row,) = log.summary()
        assert (row.helpful, row.not_helpful, row.reasons) == (3, 4, ["wrong level"])
        # New questions continue the numbering: ids on old buttons are never reused.
        new = log.record_question(surface="slack", user_id="U1", answer=Answer("q", "lookup", False))
        assert new == 8
    finally:
        store.close()


def test_adopting_is_repeatable_and_the_old_release_can_still_write(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    write_legacy_state(path, questions=2)
    Store.open(Settings(state_db=path)).close()
    Store.open(Settings(state_db=path)).close()  # a second replica or restart: nothing to do
    # The previous release, still running during a rollout, writes as it always did.
    conn = sqlite3.connect(path)
    conn.executescript(LEGACY_DDL)
    conn.execute("INSERT INTO feedback (created_at, surface, user_hash, question_id, question, entries, verdict)"
                 " VALUES (1.0, 'teams', 'h', NULL, 'q', '[]', 'helpful')")
    conn.commit()
    assert conn.execute("SELECT COUNT(*) FROM feedback").fetchone() == (3,)


def test_a_new_sqlite_file_gets_the_same_tables(tmp_path: Path) -> None:
    store = Store.open(Settings(state_db=tmp_path / "state.db"))
    try:
        entry = Entry(framework="FW", craft="C", level="L1", role="R", section="S", area="Ops", description="d",
                      todo=False, source="c/l1.md:1")
        log = Feedback(store)
        answer = Answer("q", "lookup", True, quotes=[Quote(entry, "d", 1, True, None)])
        qid = log.record_question(surface="slack", user_id="U1", answer=answer)
        assert qid == 1
    finally:
        store.close()
    columns = {r[1] for r in sqlite3.connect(tmp_path / "state.db").execute("PRAGMA table_info(feedback)")}
    assert "reason" in columns
