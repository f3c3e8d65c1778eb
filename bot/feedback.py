"""Questions asked and helpful / not-helpful votes, in the SQLite state DB (CAREERFW_STATE_DB).

Surface neutral: Slack and Teams record through the same two functions into the same tables.

    db = StateDB(settings.state_db)
    qid = record_question(db, surface="slack", user_id="U123", answer=answer)
    record_feedback(db, surface="slack", user_id="U123", verdict="helpful", question_id=qid)
    # or, without a recorded question:
    record_feedback(db, surface="teams", user_id=aad_id, verdict="not_helpful",
                    question="...", entries=[q.entry for q in answer.quotes])
    summary(db)  # per area: asked, helpful, not helpful

User ids are never stored: each is an HMAC-SHA256 under a random key kept in a file beside the
database (`<state db>.key`, mode 0600; never in the database itself), so the table cannot be reversed
by hashing every workspace member's id, even from a copy of the database, yet one person's repeated
votes on one answer still count once (the latest vote wins).
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import secrets
import sqlite3
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from bot.config import Settings
from bot.state import StateDB
from index.answer import Answer
from index.entry import Entry

Surface = Literal["slack", "teams", "cli"]
Verdict = Literal["helpful", "not_helpful"]
VERDICTS: tuple[str, ...] = ("helpful", "not_helpful")
NO_MATCH_AREA = "(no good match)"

SCHEMA = """
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


class FeedbackError(RuntimeError):
    """The state DB exists but its feedback tables cannot be read."""


@dataclass(frozen=True)
class Question:
    id: int
    asked_at: float
    surface: str
    user_hash: str
    question: str
    kind: str
    entry_id: str | None
    intent: str | None
    confident: bool
    entries: list[dict[str, str]]


@dataclass(frozen=True)
class AreaSummary:
    area: str
    level: str
    craft: str
    framework: str
    entry_id: str
    asked: int
    helpful: int
    not_helpful: int


def _schema(db: StateDB) -> None:
    db.ensure_schema(SCHEMA)


def key_path(db: StateDB) -> Path:
    return db.path.with_name(db.path.name + ".key")


def _read_key(path: Path) -> bytes | None:
    try:
        return bytes.fromhex(path.read_text("ascii").strip())
    except FileNotFoundError:
        return None
    except (ValueError, OSError) as exc:
        raise FeedbackError(f"the user-hash key {path} is unreadable: {exc}") from None


def _hash_key(db: StateDB) -> bytes:
    """The user-hash key: in `<state db>.key` (mode 0600) beside the database, never inside it, so a
    copy of the database (a backup, one shared to read feedback) cannot be used to test user ids
    against the hashes. A key older versions kept in the database moves to the file once."""
    cached = getattr(db, "_user_hash_key", None)
    if cached is not None:
        return cached
    _schema(db)
    if str(db.path) == ":memory:":
        key = secrets.token_bytes(32)
    else:
        path = key_path(db)
        key = _read_key(path)
        with db.transaction() as conn:
            row = conn.execute("SELECT value FROM feedback_meta WHERE key = 'user_hash_key'").fetchone()
            if key is None:
                # An existing key keeps existing hashes meaningful; otherwise a new one. O_EXCL: of two
                # processes racing to create the file, the loser reads the winner's.
                fresh = row["value"] if row is not None else secrets.token_hex(32)
                try:
                    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
                    with os.fdopen(fd, "w", encoding="ascii") as handle:
                        handle.write(fresh + "\n")
                    key = bytes.fromhex(fresh)
                except FileExistsError:
                    key = _read_key(path)
            if row is not None and key is not None:
                conn.execute("DELETE FROM feedback_meta WHERE key = 'user_hash_key'")
    if not key:
        raise FeedbackError(f"the user-hash key {key_path(db)} is empty or unreadable")
    db._user_hash_key = key  # type: ignore[attr-defined]
    return key


def hash_user(db: StateDB, surface: str, user_id: str) -> str:
    """The stored stand-in for a user id: stable per database, not reversible without its key."""
    return hmac.new(_hash_key(db), f"{surface}:{user_id}".encode(), hashlib.sha256).hexdigest()


def _entry_refs(entries: Iterable[Entry]) -> list[dict[str, str]]:
    return [
        {"id": e.id, "area": e.area, "level": e.level, "craft": e.craft, "framework": e.framework}
        for e in entries
    ]


def record_question(
    db: StateDB,
    *,
    surface: str,
    user_id: str,
    answer: Answer,
    kind: Literal["ask", "explain"] = "ask",
    entry_id: str | None = None,
) -> int:
    """Store one answered question and the entries it quoted; returns its id (for buttons/cards)."""
    _schema(db)
    user_hash = hash_user(db, surface, user_id)
    cur = db.conn.execute(
        "INSERT INTO questions (asked_at, surface, user_hash, question, kind, entry_id, intent, confident, entries)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            time.time(),
            surface,
            user_hash,
            answer.question,
            kind,
            entry_id,
            answer.intent,
            int(answer.confident),
            json.dumps(_entry_refs(q.entry for q in answer.quotes), ensure_ascii=False),
        ),
    )
    return int(cur.lastrowid or 0)


MAX_QUESTION_ID = 2**63 - 1  # SQLite's INTEGER PRIMARY KEY range


def question_id_from(value: object) -> int | None:
    """A question id read from a button or card value, or None when it cannot be one (a bool, a
    string, zero, or past SQLite's range, which would raise OverflowError in a query)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_QUESTION_ID:
        return value
    return None


def asked_by(db: StateDB, question: Question, surface: str, user_id: str) -> bool:
    """Whether `user_id` on `surface` asked `question` (compared as hashes: ids are never stored)."""
    return question.surface == surface and hmac.compare_digest(question.user_hash, hash_user(db, surface, user_id))


def get_question(db: StateDB, question_id: int) -> Question | None:
    _schema(db)
    row = db.conn.execute("SELECT * FROM questions WHERE id = ?", (question_id,)).fetchone()
    if row is None:
        return None
    return Question(
        id=row["id"],
        asked_at=row["asked_at"],
        surface=row["surface"],
        user_hash=row["user_hash"],
        question=row["question"],
        kind=row["kind"],
        entry_id=row["entry_id"],
        intent=row["intent"],
        confident=bool(row["confident"]),
        entries=json.loads(row["entries"]),
    )


def record_feedback(
    db: StateDB,
    *,
    surface: str,
    user_id: str,
    verdict: str,
    question_id: int | None = None,
    question: str | None = None,
    entries: Sequence[Entry] | None = None,
) -> int:
    """Store one vote. With `question_id` the question and its entries come from `questions`, and a
    second vote by the same user on the same answer replaces the first. Returns the feedback row id."""
    if verdict not in VERDICTS:
        raise ValueError(f"verdict must be one of {VERDICTS}, not {verdict!r}")
    _schema(db)
    user_hash = hash_user(db, surface, user_id)
    refs: list[dict[str, str]] = _entry_refs(entries or ())
    if question_id is not None:
        asked = get_question(db, question_id)
        if asked is None:
            question_id = None  # the question row was pruned; keep the vote with what we were given
        else:
            question = asked.question if question is None else question
            refs = refs or asked.entries
    if question is None:
        raise ValueError("record_feedback needs a question_id or the question text")
    with db.transaction() as conn:
        if question_id is not None:
            conn.execute("DELETE FROM feedback WHERE question_id = ? AND user_hash = ?", (question_id, user_hash))
        cur = conn.execute(
            "INSERT INTO feedback (created_at, surface, user_hash, question_id, question, entries, verdict)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (time.time(), surface, user_hash, question_id, question, json.dumps(refs, ensure_ascii=False), verdict),
        )
        return int(cur.lastrowid or 0)


def summary(db: StateDB) -> list[AreaSummary]:
    """Per quoted area: times quoted in an answer, helpful and not-helpful votes; most asked first.
    Questions with no good match are counted under one NO_MATCH_AREA row."""
    _schema(db)
    rows: dict[str, dict[str, Any]] = {}

    def row_for(ref: dict[str, str] | None) -> dict[str, Any]:
        key = ref["id"] if ref else NO_MATCH_AREA
        if key not in rows:
            rows[key] = {
                "area": ref["area"] if ref else NO_MATCH_AREA,
                "level": ref.get("level", "") if ref else "",
                "craft": ref.get("craft", "") if ref else "",
                "framework": ref.get("framework", "") if ref else "",
                "entry_id": ref["id"] if ref else "",
                "asked": 0,
                "helpful": 0,
                "not_helpful": 0,
            }
        return rows[key]

    try:
        for r in db.conn.execute("SELECT entries FROM questions"):
            refs = json.loads(r["entries"])
            for ref in refs or [None]:
                row_for(ref)["asked"] += 1
        for r in db.conn.execute("SELECT entries, verdict FROM feedback"):
            refs = json.loads(r["entries"])
            for ref in refs or [None]:
                row_for(ref)[r["verdict"]] += 1
    except (sqlite3.DatabaseError, json.JSONDecodeError, KeyError) as exc:
        raise FeedbackError(f"{db.path}: the feedback tables are unreadable ({exc})") from None
    result = [AreaSummary(**v) for v in rows.values()]
    result.sort(key=lambda s: (-s.asked, -(s.helpful + s.not_helpful), s.area, s.level))
    return result


def render_summary(rows: list[AreaSummary]) -> str:
    if not rows:
        return "No questions or feedback recorded yet.\n"
    labels = [f"{r.area} — {r.level}" if r.level else r.area for r in rows]
    width = min(max(len(label) for label in labels), 70)
    lines = [f"{'area':<{width}}  {'asked':>5}  {'helpful':>7}  {'not helpful':>11}"]
    for label, r in zip(labels, rows, strict=True):
        if len(label) > width:
            label = label[: width - 1] + "…"
        lines.append(f"{label:<{width}}  {r.asked:>5}  {r.helpful:>7}  {r.not_helpful:>11}")
    return "\n".join(lines) + "\n"


def feedback_command(args: argparse.Namespace, settings: Settings) -> int:
    """`careerfw feedback [--json]`: per area, how often it was quoted and how people voted."""
    if not settings.state_db.exists():
        rows: list[AreaSummary] = []
    else:
        try:
            rows = summary(StateDB(settings.state_db))
        except (FeedbackError, sqlite3.DatabaseError) as exc:
            print(f"careerfw: {exc}", file=sys.stderr)
            return 1
    if getattr(args, "json", False):
        print(json.dumps([asdict(r) for r in rows], ensure_ascii=False))
    else:
        sys.stdout.write(render_summary(rows))
    return 0
