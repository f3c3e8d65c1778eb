"""Questions asked and helpful / not-helpful votes (with an optional reason for a thumbs-down), in the
shared store (bot/store): the SQLite state file by default, PostgreSQL when CAREERFW_DATABASE_URL is
set, so every replica records into, and reads back from, the same tables.

Surface neutral: Slack and Teams record through the same methods into the same tables.

    log = Feedback(store)
    qid = log.record_question(surface="slack", user_id="U123", answer=answer)
    fid = log.record_feedback(surface="slack", user_id="U123", verdict="not_helpful", question_id=qid)
    log.add_reason(fid, surface="slack", user_id="U123", reason="It quoted the wrong level")
    log.summary()  # per area: asked, helpful, not helpful, the reasons given

Writes never hold up an answer: each goes through `Store.attempt`, and when the database cannot take
it the row is logged and dropped (a question without feedback buttons, a vote the person is told
was not recorded).

User ids are never stored: each is an HMAC-SHA256 under a random key, so the tables cannot be
reversed by hashing every workspace member's id, yet one person's repeated votes on one answer still
count once (the latest vote wins). With the SQLite file the key sits in a file beside it
(`<state db>.key`, mode 0600), never in the database, so a copy of the database cannot be tested
against ids. On PostgreSQL every replica must hash alike, so the key is kept in the database
(`feedback_meta`), behind its access control (docs/state.md).
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import logging
import os
import secrets
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from bot.config import ConfigError, Settings
from bot.state import KEY_FILE_LIMIT, read_small_file
from bot.store import Store
from bot.store.clean import clean_text, valid_id
from bot.store.rows import insert_new
from bot.store.schema import feedback, feedback_meta, questions
from index import Answer, Entry

log = logging.getLogger("careerfw.feedback")

Surface = Literal["slack", "teams", "cli"]
Verdict = Literal["helpful", "not_helpful"]
VERDICTS: tuple[str, ...] = ("helpful", "not_helpful")
NO_MATCH_AREA = "(no good match)"
KEY_ROW = "user_hash_key"
MAX_REASON_CHARS = 3000  # Slack's plain-text input allows 3000; Teams is held to the same


class FeedbackError(RuntimeError):
    """The feedback tables or the user-hash key cannot be read."""


class StoreBusy(FeedbackError):
    """The store could not be read just now (locked, unreachable, paused after a failure): whether a
    question is on record is unknown, which a vote must not report as "no longer on record"."""


_UNREAD: Any = object()  # Store.attempt's fallback when the caller must tell "not read" from "not there"


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
    reasons: list[str] = field(default_factory=list)  # given with a thumbs-down, newest first


def key_path(state_db: Path) -> Path:
    return state_db.with_name(state_db.name + ".key")


def _read_key(path: Path) -> bytes | None:
    # Only a small regular file: a FIFO there would hang every start, a link to /dev/zero fill memory.
    try:
        data = read_small_file(path, KEY_FILE_LIMIT)
        return None if data is None else bytes.fromhex(data.decode("ascii").strip())
    except ConfigError as exc:
        raise FeedbackError(f"the user-hash key is unreadable: {exc}") from None
    except ValueError as exc:
        raise FeedbackError(f"the user-hash key {path} is unreadable: {exc}") from None


def _entry_refs(entries: Iterable[Entry]) -> list[dict[str, str]]:
    return [
        {"id": e.id, "area": e.area, "level": e.level, "craft": e.craft, "framework": e.framework}
        for e in entries
    ]


MAX_QUESTION_ID = 2**63 - 1  # the id column's range on both backends


def question_id_from(value: object) -> int | None:
    """A row id read from a button or card value, or None when it cannot be one (a bool, a string,
    zero, or past the column's range, which would raise OverflowError in a query)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_QUESTION_ID:
        return value
    return None


class Feedback:
    """The questions log and votes in one store. Thread safe (every call is its own transaction)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._key: bytes | None = None
        self._key_lock = threading.Lock()

    # --- the user-hash key -----------------------------------------------------------------------

    def _hash_key(self, conn: Connection) -> bytes:
        if self._key is None:
            with self._key_lock:
                if self._key is None:
                    path = self.store.target.sqlite_path
                    self._key = self._file_key(conn, key_path(path)) if path else self._database_key(conn)
        return self._key

    def _database_key(self, conn: Connection) -> bytes:
        # The first replica to insert wins; the rest read its key.
        insert_new(conn, feedback_meta, [{"key": KEY_ROW, "value": secrets.token_hex(32)}])
        value = conn.execute(sa.select(feedback_meta.c.value).where(feedback_meta.c.key == KEY_ROW)).scalar_one()
        return bytes.fromhex(value)

    def _file_key(self, conn: Connection, path: Path) -> bytes:
        """The key in `<state db>.key` (mode 0600) beside the SQLite file. A key older versions kept in
        the database moves to the file once, so existing hashes stay meaningful."""
        key = _read_key(path)
        where = feedback_meta.c.key == KEY_ROW
        legacy = conn.execute(sa.select(feedback_meta.c.value).where(where)).scalar_one_or_none()
        if key is None:
            fresh = legacy if legacy is not None else secrets.token_hex(32)
            try:
                # O_EXCL: of two processes racing to create the file, the loser reads the winner's.
                fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
                with os.fdopen(fd, "w", encoding="ascii") as handle:
                    handle.write(fresh + "\n")
                key = bytes.fromhex(fresh)
            except FileExistsError:
                key = _read_key(path)
        if legacy is not None and key is not None:
            conn.execute(sa.delete(feedback_meta).where(where))
        if not key:
            raise FeedbackError(f"the user-hash key {path} is empty or unreadable")
        return key

    def _hash(self, conn: Connection, surface: str, user_id: str) -> str:
        return hmac.new(self._hash_key(conn), f"{surface}:{user_id}".encode(), hashlib.sha256).hexdigest()

    def hash_user(self, surface: str, user_id: str) -> str:
        """The stored stand-in for a user id: stable per database, not reversible without its key."""
        with self.store.engine.begin() as conn:
            return self._hash(conn, surface, user_id)

    # --- writes (log and drop when the database cannot take them) --------------------------------

    def record_question(
        self,
        *,
        surface: str,
        user_id: str,
        answer: Answer,
        kind: Literal["ask", "explain"] = "ask",
        entry_id: str | None = None,
    ) -> int | None:
        """Store one answered question and the entries it quoted; its id (for buttons and cards), or
        None when the database could not take it (the answer goes out anyway), or when `user_id` is not
        an id (refused without touching the store)."""
        if _bad_user(user_id, "a question"):
            return None
        text = clean_text(answer.question)

        def work(conn: Connection) -> int:
            row = conn.execute(
                sa.insert(questions).values(
                    asked_at=time.time(),
                    surface=surface,
                    user_hash=self._hash(conn, surface, user_id),
                    question=text,
                    kind=kind,
                    entry_id=entry_id,
                    intent=answer.intent,
                    confident=int(answer.confident),
                    entries=json.dumps(_entry_refs(q.entry for q in answer.quotes), ensure_ascii=False),
                ).returning(questions.c.id)
            )
            return int(row.scalar_one())

        return self.store.attempt("recording a question", work, fallback=None)

    def record_feedback(
        self,
        *,
        surface: str,
        user_id: str,
        verdict: str,
        question_id: int | None = None,
        question: str | None = None,
        entries: Sequence[Entry] | None = None,
    ) -> int | None:
        """Store one vote; the feedback row's id, or None when the database could not take it. With
        `question_id` the question and its entries come from `questions`, and a second vote by the
        same user on the same answer replaces the first."""
        if verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, not {verdict!r}")
        if question_id is None and question is None:
            raise ValueError("record_feedback needs a question_id or the question text")
        if _bad_user(user_id, "a vote"):
            return None
        refs = _entry_refs(entries or ())
        question = None if question is None else clean_text(question)

        def work(conn: Connection) -> int:
            user_hash = self._hash(conn, surface, user_id)
            qid, text, about = question_id, question, refs
            asked = _question(conn, qid) if qid is not None else None
            if asked is None:
                qid = None  # the question row was pruned; keep the vote with what we were given
            else:
                text = asked.question if text is None else text
                about = about or asked.entries
            if text is None:
                raise ValueError("the question this vote is about is no longer on record")
            if qid is not None:
                mine = (feedback.c.question_id == qid) & (feedback.c.user_hash == user_hash)
                conn.execute(sa.delete(feedback).where(mine))
            row = conn.execute(
                sa.insert(feedback).values(
                    created_at=time.time(), surface=surface, user_hash=user_hash, question_id=qid, question=text,
                    entries=json.dumps(about, ensure_ascii=False), verdict=verdict,
                ).returning(feedback.c.id)
            )
            return int(row.scalar_one())

        return self.store.attempt("recording a vote", work, fallback=None)

    def add_reason(self, feedback_id: int, *, surface: str, user_id: str, reason: str) -> bool | None:
        """Attach what a thumbs-down said was wrong to that vote. Only the voter's own not-helpful vote
        takes it (not one changed to helpful since, nor someone else's): False otherwise, and None
        when the database could not take it (worth sending again)."""
        text = clean_text(reason).strip()[:MAX_REASON_CHARS]
        if not text:
            return False
        if _bad_user(user_id, "a reason"):
            return None

        def work(conn: Connection) -> bool:
            done = conn.execute(
                sa.update(feedback)
                .where(
                    feedback.c.id == feedback_id,
                    feedback.c.user_hash == self._hash(conn, surface, user_id),
                    feedback.c.verdict == "not_helpful",
                )
                .values(reason=text)
            )
            return done.rowcount == 1

        return self.store.attempt("recording a reason", work, fallback=None)

    # --- reads ------------------------------------------------------------------------------------

    def get_question(self, question_id: int, *, strict: bool = False) -> Question | None:
        """The stored question, or None when it is not on record (pruned, never stored), or when the
        database cannot be read right now; with `strict`, that last case raises StoreBusy instead."""
        found = self.store.attempt("reading a question", lambda conn: _question(conn, question_id),
                                   fallback=_UNREAD if strict else None)
        if found is _UNREAD:
            raise StoreBusy("the question could not be read just now")
        return found

    def asked_by(self, question: Question, surface: str, user_id: str, *, strict: bool = False) -> bool:
        """Whether `user_id` on `surface` asked `question` (compared as hashes: ids are never stored).
        False when the database cannot be read right now; with `strict`, StoreBusy instead."""
        if question.surface != surface or valid_id(user_id) is None:
            return False
        mine = self.store.attempt("hashing a user id", lambda conn: self._hash(conn, surface, user_id), fallback="")
        if not mine and strict:
            raise StoreBusy("the user-hash key could not be read just now")
        return bool(mine) and hmac.compare_digest(question.user_hash, mine)

    def summary(self) -> list[AreaSummary]:
        """Per quoted area: times quoted in an answer, helpful and not-helpful votes, and the reasons
        given; most asked first. Questions with no good match count under one NO_MATCH_AREA row.
        Raises FeedbackError when the tables cannot be read (a report, not an answer: say so)."""
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
                    "reasons": [],
                }
            return rows[key]

        try:
            with self.store.engine.connect() as conn:
                for (entries,) in conn.execute(sa.select(questions.c.entries)):
                    for ref in json.loads(entries) or [None]:
                        row_for(ref)["asked"] += 1
                votes = sa.select(feedback.c.entries, feedback.c.verdict, feedback.c.reason).order_by(
                    feedback.c.created_at.desc(), feedback.c.id.desc()
                )
                for entries, verdict, reason in conn.execute(votes):
                    for ref in json.loads(entries) or [None]:
                        row = row_for(ref)
                        row[verdict] += 1
                        if reason:
                            row["reasons"].append(reason)
        except (SQLAlchemyError, json.JSONDecodeError, KeyError) as exc:
            raise FeedbackError(f"{self.store.target.describe()}: the feedback tables are unreadable ({exc})") from None
        result = [AreaSummary(**v) for v in rows.values()]
        result.sort(key=lambda s: (-s.asked, -(s.helpful + s.not_helpful), s.area, s.level))
        return result


def _bad_user(user_id: object, what: str) -> bool:
    """Refuse (and say so in the log) a user id that cannot be one, before it reaches the store."""
    if valid_id(user_id) is not None:
        return False
    log.warning("not recording %s: the user id %.80r is not an id", what, user_id)
    return True


def _question(conn: Connection, question_id: int) -> Question | None:
    row = conn.execute(sa.select(questions).where(questions.c.id == question_id)).mappings().first()
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


def _label(r: AreaSummary) -> str:
    return f"{r.area} — {r.level}" if r.level else r.area


def render_summary(rows: list[AreaSummary]) -> str:
    """The report for a terminal. Reasons and areas are people's and content's words: any control
    character in them is shown escaped, never sent raw to the terminal."""
    from bot.text import for_terminal

    if not rows:
        return "No questions or feedback recorded yet.\n"
    labels = [for_terminal(_label(r)) for r in rows]
    width = min(max(len(label) for label in labels), 70)
    lines = [f"{'area':<{width}}  {'asked':>5}  {'helpful':>7}  {'not helpful':>11}"]
    for label, r in zip(labels, rows, strict=True):
        if len(label) > width:
            label = label[: width - 1] + "…"
        lines.append(f"{label:<{width}}  {r.asked:>5}  {r.helpful:>7}  {r.not_helpful:>11}")
    explained = [r for r in rows if r.reasons]
    if explained:
        lines += ["", "Reasons given with a thumbs-down (newest first):"]
        for r in explained:
            lines.append(f"{for_terminal(_label(r))}:")
            # One line per reason: a reason's own line breaks would read as another reason.
            lines += [f"  - {for_terminal(' '.join(reason.split()))}" for reason in r.reasons]
    return "\n".join(lines) + "\n"


def feedback_command(args: argparse.Namespace, settings: Settings) -> int:
    """`careerfw feedback [--json]`: per area, how often it was quoted, how people voted, and the
    reasons given with a thumbs-down."""
    from bot.state import check_state

    if settings.database_url is None and not settings.state_db.exists():
        rows: list[AreaSummary] = []  # nothing recorded yet: no need to create the file to say so
    else:
        if settings.database_url is None:
            check_state(settings.state_db)  # a broken file: one line naming it, not a driver error
        store = Store.open(settings)
        try:
            rows = Feedback(store).summary()
        except FeedbackError as exc:
            print(f"careerfw: {exc}", file=sys.stderr)
            return 1
        finally:
            store.close()
    if getattr(args, "json", False):
        print(json.dumps([asdict(r) for r in rows], ensure_ascii=False))
    else:
        sys.stdout.write(render_summary(rows))
    return 0
