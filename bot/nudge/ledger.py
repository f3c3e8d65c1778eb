"""Once per target per ISO week, in the shared state (bot/store): claims, sent records and TODO snapshots.

The protocol, for each target and week:
1. `claim()` in one transaction: if the week is already sent, or another run holds a live claim, do
   nothing; otherwise record a claim (token, time). The claim is the row itself: on PostgreSQL the
   first process to insert (target, week) wins the primary key and the others find its row (read under
   a row lock, as is a row being taken over); on SQLite every transaction takes the write lock up front.
   However many processes race (two `careerfw nudge` runs, the schedulers of several replicas, the
   CronJob and a replica), exactly one wins; process timing plays no part.
2. Post. Only the claim holder posts.
3. `mark_sent()` after the surface said ok (and store the TODO snapshot in the same transaction), or
   `release()` on failure / when there was nothing to send, which leaves the week open for a later run.

A claim left by a process that crashed between 1 and 3 expires after `lease_seconds`; after that a
later run may claim and post. The lease is far longer than a post can take (rate-limit waits
included), so a slow but live post is never duplicated.

When the database cannot be reached the nudge fails closed: every call goes through
`Store.patiently` (longer timeouts, retried for up to a minute) and then raises StoreUnavailable, so
`claim` never guesses and a run posts nothing it could not claim; the week stays open and a later run
(the scheduler's retry, the CronJob's next hour) posts it. A week's nudge late is better than twice.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import IntegrityError

from bot.store import Store
from bot.store.schema import nudge_snapshots, nudge_weeks

log = logging.getLogger(__name__)

DEFAULT_LEASE_SECONDS = 15 * 60

T = TypeVar("T")

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


def _week(target: str, week: str) -> Any:
    return sa.and_(nudge_weeks.c.target == target, nudge_weeks.c.week == week)


class NudgeLedger:
    """The nudge tables in the shared store. Times are passed in (`now`), never read from the clock here."""

    def __init__(
        self, store: Store, lease_seconds: float = DEFAULT_LEASE_SECONDS, patience_s: float | None = None
    ) -> None:
        self.store = store
        self.lease_seconds = lease_seconds
        # How long one call waits out a database outage before failing closed (None: PATIENT_BUDGET_S).
        self.patience_s = patience_s

    def _patiently(self, what: str, work: Callable[[Connection], T]) -> T:
        return self.store.patiently(what, work, budget_s=self.patience_s)

    def claim(self, target: str, week: str, now: datetime) -> Claim:
        """Claim the week for `target`, or say who has it. Raises StoreUnavailable (the caller posts nothing)."""
        ts = now.timestamp()

        def work(conn: Connection) -> Claim:
            token = uuid.uuid4().hex
            row = conn.execute(sa.select(nudge_weeks).where(_week(target, week)).with_for_update()).first()
            if row is None:
                try:
                    with conn.begin_nested():  # a savepoint: losing the race leaves the transaction usable
                        conn.execute(
                            sa.insert(nudge_weeks).values(
                                target=target, week=week, status="claimed", claim_token=token, claimed_at=ts,
                                attempts=1,
                            )
                        )
                    return Claim("claimed", target, week, token=token, at=ts)
                except IntegrityError:
                    # Another process inserted it first (PostgreSQL held our insert until it committed):
                    # read its row, under the lock, and decide as for any existing row.
                    row = conn.execute(sa.select(nudge_weeks).where(_week(target, week)).with_for_update()).one()
            return self._decide(conn, row, token, ts)

        return self._patiently(f"claiming the {week} nudge for {target}", work)

    def _decide(self, conn: Connection, row: Row[Any], token: str, ts: float) -> Claim:
        target, week = row.target, row.week
        if row.status == "sent":
            return Claim("already_sent", target, week, at=row.sent_at)
        if (
            row.status == "claimed"
            and row.claimed_at is not None
            and ts - row.claimed_at < self.lease_seconds
            # A claim "from the future" (clock moved back) beyond one lease is stale too.
            and row.claimed_at - ts < self.lease_seconds
        ):
            return Claim("in_progress", target, week, at=row.claimed_at)
        if row.status == "claimed":
            log.warning("nudge %s %s: taking over a claim that expired (a crashed run?)", target, week)
        conn.execute(
            sa.update(nudge_weeks)
            .where(_week(target, week))
            .values(status="claimed", claim_token=token, claimed_at=ts, attempts=nudge_weeks.c.attempts + 1)
        )
        return Claim("claimed", target, week, token=token, at=ts)

    def mark_sent(self, claim: Claim, now: datetime, kind: str, snapshot: dict[str, dict[str, str]]) -> None:
        """Record the week as sent and store the TODO snapshot it was sent with, atomically.

        The post has happened by now, so this waits out a database outage for as long as
        `Store.patiently` allows; past that StoreUnavailable is raised and the claim stays held until
        its lease ends."""
        ts = now.timestamp()
        todo_json = json.dumps(snapshot, sort_keys=True)

        def work(conn: Connection) -> None:
            row = conn.execute(
                sa.select(nudge_weeks.c.claim_token).where(_week(claim.target, claim.week)).with_for_update()
            ).first()
            if row is None or row.claim_token != claim.token:
                # Our lease ran out while posting; the post did happen, so the week is sent regardless.
                log.warning("nudge %s %s: claim expired while posting; recording it as sent", claim.target, claim.week)
            sent = {"status": "sent", "sent_at": ts, "kind": kind, "claim_token": None, "last_error": None}
            if row is None:
                conn.execute(sa.insert(nudge_weeks).values(target=claim.target, week=claim.week, attempts=1, **sent))
            else:
                conn.execute(sa.update(nudge_weeks).where(_week(claim.target, claim.week)).values(**sent))
            values = {"week": claim.week, "todo_json": todo_json, "sent_at": ts}
            updated = conn.execute(
                sa.update(nudge_snapshots).where(nudge_snapshots.c.target == claim.target).values(**values)
            )
            if updated.rowcount == 0:
                conn.execute(sa.insert(nudge_snapshots).values(target=claim.target, **values))

        self._patiently(f"recording the {claim.week} nudge to {claim.target} as sent", work)

    def release(self, claim: Claim, error: str | None = None) -> None:
        """Give the week back: failed (with the error, for `careerfw nudge` to show) or nothing to send."""
        mine = sa.and_(_week(claim.target, claim.week), nudge_weeks.c.claim_token == claim.token)

        def work(conn: Connection) -> None:
            if error is None:
                conn.execute(sa.delete(nudge_weeks).where(mine, nudge_weeks.c.status == "claimed"))
            else:
                conn.execute(
                    sa.update(nudge_weeks)
                    .where(mine)
                    .values(status="failed", claim_token=None, claimed_at=None, last_error=error)
                )

        self._patiently(f"releasing the {claim.week} nudge claim for {claim.target}", work)

    def snapshot(self, target: str) -> dict[str, dict[str, str]] | None:
        """TODO areas at the last nudge sent to `target`; None if none was ever sent."""

        def work(conn: Connection) -> str | None:
            return conn.execute(
                sa.select(nudge_snapshots.c.todo_json).where(nudge_snapshots.c.target == target)
            ).scalar_one_or_none()

        found = self._patiently(f"reading the last nudge to {target}", work)
        return None if found is None else json.loads(found)

    def record(self, target: str, week: str) -> WeekRecord | None:
        def work(conn: Connection) -> Row[Any] | None:
            return conn.execute(sa.select(nudge_weeks).where(_week(target, week))).first()

        row = self._patiently(f"reading the {week} nudge record for {target}", work)
        if row is None:
            return None
        return WeekRecord(
            target=row.target,
            week=row.week,
            status=row.status,
            attempts=row.attempts,
            sent_at=row.sent_at,
            claimed_at=row.claimed_at,
            last_error=row.last_error,
        )
