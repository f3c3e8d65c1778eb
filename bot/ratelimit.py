"""Per-user question limit, shared by every chat surface (Slack, Teams) and every replica.

A sliding one-minute window per key: `limiter.check("slack:U123")` either admits the question
(and counts it) or says how many seconds until the oldest counted question leaves the window.
The counted times live in the shared store (bot/store), one row per key read under a row lock,
so one person's questions spread over several replicas meet one limit.

Fails open: when the database cannot be reached the question is admitted (and not counted). A limit
is politeness towards the shared model, not security; refusing everyone during a database restart
would be the worse failure.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.store import Store
from bot.store.schema import rate_limits

WINDOW_S = 60.0
SWEEP_EVERY_S = 60.0


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: float  # seconds until the next question would be admitted (0 when allowed)

    @property
    def retry_after_s(self) -> int:
        return max(1, math.ceil(self.retry_after))


ADMITTED = Decision(True, 0.0)


def admit(hits: Sequence[float], now: float, limit: int, window: float) -> tuple[Decision, list[float]]:
    """The sliding window itself: the decision, and the hits to keep (this one counted if admitted)."""
    kept = [t for t in hits if now - window < t <= now + window]  # drops old ones, and any from a clock gone wild
    kept.sort()
    if len(kept) >= limit:
        return Decision(False, kept[-limit] + window - now), kept
    return ADMITTED, [*kept, now]


class RateLimiter:
    def __init__(
        self, store: Store, per_minute: int, window_s: float = WINDOW_S, clock: Callable[[], float] = time.time
    ) -> None:
        self.store = store
        self.limit = per_minute
        self.window = window_s
        self._clock = clock  # wall clock: replicas compare each other's times
        self._next_sweep = 0.0

    def check(self, key: str) -> Decision:
        """Admit and count one question for `key`, or refuse it without counting."""
        if self.limit <= 0:  # 0 or less switches the limit off
            return ADMITTED
        now = self._clock()

        def work(conn: Connection) -> Decision:
            if now >= self._next_sweep:
                self._next_sweep = now + SWEEP_EVERY_S
                conn.execute(sa.delete(rate_limits).where(rate_limits.c.updated_at <= now - self.window))
            row = conn.execute(
                sa.select(rate_limits.c.hits).where(rate_limits.c.key == key).with_for_update()
            ).first()
            decision, kept = admit(json.loads(row.hits) if row else [], now, self.limit, self.window)
            if decision.allowed:
                values = {"hits": json.dumps(kept), "updated_at": now}
                if row is None:
                    # A replica racing to insert the same key makes this fail; the store retries the whole
                    # check, which then finds the row and locks it.
                    conn.execute(sa.insert(rate_limits).values(key=key, **values))
                else:
                    conn.execute(sa.update(rate_limits).where(rate_limits.c.key == key).values(**values))
            return decision

        return self.store.attempt("the rate limit", work, fallback=ADMITTED)


def limit_message(decision: Decision, per_minute: int) -> str:
    """The polite reply when a user is over the limit (plain text; no markup to escape)."""
    return (
        f"You've asked {per_minute} questions in the last minute, which is as many as I take from one "
        f"person. Please ask again in {decision.retry_after_s} s."
    )
