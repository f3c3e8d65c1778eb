"""Event de-duplication shared by every replica: the first to record an event's key answers it.

Fails open: when the database cannot be reached, `first_time` says yes, so an event may (rarely) be
answered twice but is never left unanswered. Slack retries an unacknowledged event for minutes;
silence would be the worse failure for someone waiting on an answer.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from bot.store import Store
from bot.store.schema import seen_events

DEFAULT_TTL_S = 3600.0  # Slack retries within minutes; an hour is generous and keeps the table small
SWEEP_EVERY_S = 60.0


class EventLedger:
    def __init__(self, store: Store, ttl_s: float = DEFAULT_TTL_S, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.ttl = ttl_s
        self._clock = clock
        self._next_sweep = 0.0

    def first_time(self, key: str) -> bool:
        """Record `key` (e.g. "slack:Ev123") and say whether no replica had recorded it within the expiry."""
        now = self._clock()

        def work(conn: Connection) -> bool:
            if now >= self._next_sweep:
                self._next_sweep = now + SWEEP_EVERY_S
                conn.execute(sa.delete(seen_events).where(seen_events.c.seen_at < now - self.ttl))
            try:
                with conn.begin_nested():  # a savepoint: the duplicate's failed insert leaves the sweep
                    conn.execute(sa.insert(seen_events).values(key=key, seen_at=now))
                return True
            except IntegrityError:
                pass
            # Seen before; an entry past its expiry (not swept yet) counts as new and is renewed.
            renewed = conn.execute(
                sa.update(seen_events)
                .where(seen_events.c.key == key, seen_events.c.seen_at < now - self.ttl)
                .values(seen_at=now)
            )
            return renewed.rowcount == 1

        return self.store.attempt("event de-duplication", work, fallback=True)
