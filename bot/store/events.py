"""Event de-duplication shared by every replica: the first to record an event's key answers it.

Button clicks too (`first_click`): one click delivered twice (the same payload reaching two replicas,
a proxy retrying it) and a double click (two payloads for one press of a button by an impatient
person) are answered once.

Fails open: when the database cannot be reached, `first_time` says yes, so an event may (rarely) be
answered twice but is never left unanswered. Slack retries an unacknowledged event for minutes;
silence would be the worse failure for someone waiting on an answer.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from bot.store import Store
from bot.store.clean import clean_text
from bot.store.schema import seen_events

DEFAULT_TTL_S = 3600.0  # Slack retries within minutes; an hour is generous and keeps the table small
SWEEP_EVERY_S = 60.0
# The same button on the same message pressed again by the same person this soon is one click: long
# enough to cover clicking again because a slow answer seemed not to come, short enough that asking
# again on purpose a little later works.
DOUBLE_CLICK_S = 10.0

log = logging.getLogger("careerfw.store")


def click_key(kind: str, *parts: object) -> str:
    """A fixed-length key for one click or one button (values can be long; the key column is not)."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:40]
    return f"{kind}:{digest}"


class EventLedger:
    def __init__(self, store: Store, ttl_s: float = DEFAULT_TTL_S, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.ttl = ttl_s
        self._clock = clock
        self._next_sweep = 0.0

    def first_time(self, key: str, within_s: float | None = None) -> bool:
        """Record `key` (e.g. "slack:Ev123") and say whether no replica had recorded it within `within_s`
        (default, and at most: the ledger's expiry, after which rows are swept)."""
        now = self._clock()
        window = self.ttl if within_s is None else min(within_s, self.ttl)
        # A key is built from what a request carried (an event id): one the column cannot hold is
        # digested like a click's, so it still de-duplicates and never fails its insert.
        if not isinstance(key, str) or clean_text(key) != key or len(key) > 255:
            key = click_key("key", key)

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
            # Seen before; an entry older than the window (not swept yet) counts as new and is renewed.
            renewed = conn.execute(
                sa.update(seen_events)
                .where(seen_events.c.key == key, seen_events.c.seen_at < now - window)
                .values(seen_at=now)
            )
            return renewed.rowcount == 1

        return self.store.attempt("event de-duplication", work, fallback=True)

    def first_click(self, delivery: str, button: str) -> bool:
        """Whether to answer a click. `delivery` names this one click (e.g. Slack's action_ts), so a
        second delivery of it is dropped whenever it comes; `button` names what was pressed (person,
        button, message), so pressing it again within DOUBLE_CLICK_S is dropped too. Fails open."""
        return self.first_time(delivery) and self.first_time(button, within_s=DOUBLE_CLICK_S)


async def first_click(ledger: EventLedger, delivery: str, button: str, wait_s: float) -> bool:
    """`ledger.first_click` off the event loop, abandoned (the click answered) after `wait_s`: the
    surface's acknowledgement deadline matters more than a rare double answer."""
    try:
        return await asyncio.wait_for(asyncio.to_thread(ledger.first_click, delivery, button), wait_s)
    except TimeoutError:
        log.warning("click de-duplication took over %.1f s; answering it", wait_s)
        return True
