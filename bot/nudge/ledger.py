"""Once per target per ISO week, in the SQLite state DB: claims, sent records and TODO snapshots.

The protocol, for each target and week:
1. `claim()` in one BEGIN IMMEDIATE transaction: if the week is already sent, or another run holds a
   live claim, do nothing; otherwise record a claim (token, time). Two processes racing serialise
   on SQLite's write lock, so exactly one wins.
2. Post. Only the claim holder posts.
3. `mark_sent()` after the surface said ok (and store the TODO snapshot in the same transaction), or
   `release()` on failure / when there was nothing to send, which leaves the week open for a later run.

A claim left by a process that crashed between 1 and 3 expires after `lease_seconds`; after that a
later run may claim and post. The lease is far longer than a post can take (rate-limit waits
included), so a slow but live post is never duplicated.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.state import StateDB

log = logging.getLogger(__name__)

DEFAULT_LEASE_SECONDS = 15 * 60

SCHEMA = """
CREATE TABLE IF NOT EXISTS nudge_weeks (
    target      TEXT NOT NULL,            -- NudgeTarget.key, e.g. slack:C0123ABCD
    week        TEXT NOT NULL,            -- ISO week in CAREERFW_TZ, e.g. 2026-W48
    status      TEXT NOT NULL,            -- claimed | sent | failed
    claim_token TEXT,
    claimed_at  REAL,                     -- unix seconds of the live claim
    sent_at     REAL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    kind        TEXT,                     -- todo | all_filled_in, once sent
    last_error  TEXT,
    PRIMARY KEY (target, week)
);
CREATE TABLE IF NOT EXISTS nudge_snapshots (
    target     TEXT PRIMARY KEY,
    week       TEXT NOT NULL,             -- week of the nudge this snapshot was sent with
    todo_json  TEXT NOT NULL,             -- {entry id: {area, level, craft, …}} TODO at that nudge
    sent_at    REAL NOT NULL
);
"""

ClaimStatus = Literal["claimed", "already_sent", "in_progress"]


@dataclass(frozen=True)
class Claim:
    status: ClaimStatus
    target: str
    week: str
    token: str | None = None
    # For already_sent / in_progress: when the other run sent or claimed it.
    at: float | None = None


@dataclass(frozen=True)
class WeekRecord:
    target: str
    week: str
    status: str
    attempts: int
    sent_at: float | None
    claimed_at: float | None
    last_error: str | None


def iso_week(now: datetime) -> str:
    """"2026-W48" for an aware datetime already in the schedule's time zone."""
    year, week, _ = now.isocalendar()
    return f"{year}-W{week:02d}"


class NudgeLedger:
    """The nudge tables of one StateDB. Times are passed in (`now`), never read from the clock here."""

    def __init__(self, db: StateDB, lease_seconds: float = DEFAULT_LEASE_SECONDS) -> None:
        self.db = db
        self.lease_seconds = lease_seconds
        db.ensure_schema(SCHEMA)

    def claim(self, target: str, week: str, now: datetime) -> Claim:
        ts = now.timestamp()
        with self.db.transaction() as conn:
            row = conn.execute(
                "SELECT status, claimed_at, sent_at FROM nudge_weeks WHERE target = ? AND week = ?", (target, week)
            ).fetchone()
            if row is not None and row["status"] == "sent":
                return Claim("already_sent", target, week, at=row["sent_at"])
            if (
                row is not None
                and row["status"] == "claimed"
                and row["claimed_at"] is not None
                and ts - row["claimed_at"] < self.lease_seconds
                # A claim "from the future" (clock moved back) beyond one lease is stale too.
                and row["claimed_at"] - ts < self.lease_seconds
            ):
                return Claim("in_progress", target, week, at=row["claimed_at"])
            if row is not None and row["status"] == "claimed":
                log.warning("nudge %s %s: taking over a claim that expired (a crashed run?)", target, week)
            token = uuid.uuid4().hex
            conn.execute(
                """INSERT INTO nudge_weeks (target, week, status, claim_token, claimed_at, attempts)
                   VALUES (?, ?, 'claimed', ?, ?, 1)
                   ON CONFLICT (target, week) DO UPDATE SET
                     status = 'claimed', claim_token = excluded.claim_token,
                     claimed_at = excluded.claimed_at, attempts = nudge_weeks.attempts + 1""",
                (target, week, token, ts),
            )
            return Claim("claimed", target, week, token=token, at=ts)

    def mark_sent(self, claim: Claim, now: datetime, kind: str, snapshot: dict[str, dict[str, str]]) -> None:
        """Record the week as sent and store the TODO snapshot it was sent with, atomically."""
        ts = now.timestamp()
        with self.db.transaction() as conn:
            row = conn.execute(
                "SELECT claim_token FROM nudge_weeks WHERE target = ? AND week = ?", (claim.target, claim.week)
            ).fetchone()
            if row is None or row["claim_token"] != claim.token:
                # Our lease ran out while posting; the post did happen, so the week is sent regardless.
                log.warning("nudge %s %s: claim expired while posting; recording it as sent", claim.target, claim.week)
            conn.execute(
                """INSERT INTO nudge_weeks (target, week, status, sent_at, kind, attempts)
                   VALUES (?, ?, 'sent', ?, ?, 1)
                   ON CONFLICT (target, week) DO UPDATE SET
                     status = 'sent', sent_at = excluded.sent_at, kind = excluded.kind,
                     claim_token = NULL, last_error = NULL""",
                (claim.target, claim.week, ts, kind),
            )
            conn.execute(
                """INSERT INTO nudge_snapshots (target, week, todo_json, sent_at) VALUES (?, ?, ?, ?)
                   ON CONFLICT (target) DO UPDATE SET
                     week = excluded.week, todo_json = excluded.todo_json, sent_at = excluded.sent_at""",
                (claim.target, claim.week, json.dumps(snapshot, sort_keys=True), ts),
            )

    def release(self, claim: Claim, error: str | None = None) -> None:
        """Give the week back: failed (with the error, for `careerfw nudge` to show) or nothing to send."""
        with self.db.transaction() as conn:
            if error is None:
                conn.execute(
                    "DELETE FROM nudge_weeks WHERE target = ? AND week = ? AND claim_token = ? AND status = 'claimed'",
                    (claim.target, claim.week, claim.token),
                )
            else:
                conn.execute(
                    """UPDATE nudge_weeks SET status = 'failed', claim_token = NULL, claimed_at = NULL,
                       last_error = ? WHERE target = ? AND week = ? AND claim_token = ?""",
                    (error, claim.target, claim.week, claim.token),
                )

    def snapshot(self, target: str) -> dict[str, dict[str, str]] | None:
        """TODO areas at the last nudge sent to `target`; None if none was ever sent."""
        row = self.db.conn.execute("SELECT todo_json FROM nudge_snapshots WHERE target = ?", (target,)).fetchone()
        return None if row is None else json.loads(row["todo_json"])

    def record(self, target: str, week: str) -> WeekRecord | None:
        row = self.db.conn.execute(
            "SELECT * FROM nudge_weeks WHERE target = ? AND week = ?", (target, week)
        ).fetchone()
        if row is None:
            return None
        return WeekRecord(
            target=row["target"],
            week=row["week"],
            status=row["status"],
            attempts=row["attempts"],
            sent_at=row["sent_at"],
            claimed_at=row["claimed_at"],
            last_error=row["last_error"],
        )
