"""Retention: questions and votes older than CAREERFW_RETENTION_DAYS are deleted, automatically.

Every serving process prunes once at start and then once a day, on a thread of its own, so no answer
waits for it. Several replicas doing the same is harmless: a delete of rows another replica already
deleted deletes nothing, and each is one indexed range delete (`questions_asked_at`,
`feedback_created_at`). A vote on a pruned question stays until its own age says so: it carries the
question text and entries itself.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.store import Store
from bot.store.schema import feedback, questions

log = logging.getLogger("careerfw.store")

DAY_S = 86_400.0


@dataclass(frozen=True)
class Pruned:
    questions: int
    feedback: int


def prune(store: Store, days: int, now: float | None = None) -> Pruned | None:
    """Delete questions asked, and votes cast, more than `days` days before `now`; what was deleted,
    or None when the database could not be reached (the next run tries again)."""
    cutoff = (time.time() if now is None else now) - days * DAY_S

    def work(conn: Connection) -> Pruned:
        # Votes first: deleting questions first would have ON DELETE SET NULL rewrite votes about to go.
        votes = conn.execute(sa.delete(feedback).where(feedback.c.created_at < cutoff)).rowcount
        asked = conn.execute(sa.delete(questions).where(questions.c.asked_at < cutoff)).rowcount
        return Pruned(questions=asked, feedback=votes)

    return store.attempt("pruning old questions and votes", work, fallback=None)


class Retention:
    """Prunes at start and every `every_s` after, until stopped. `days` <= 0 keeps everything."""

    def __init__(self, store: Store, days: int, every_s: float = DAY_S, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.days = days
        self.every_s = every_s
        self._clock = clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.runs = 0  # completed runs, for tests and logs

    def start(self) -> None:
        if self.days <= 0 or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._loop, name="careerfw-retention", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.run_once()
            self._stop.wait(self.every_s)

    def run_once(self) -> Pruned | None:
        pruned = prune(self.store, self.days, self._clock())
        self.runs += 1
        if pruned and (pruned.questions or pruned.feedback):
            log.info("retention (%d days): deleted %d question(s) and %d vote(s)", self.days,
                     pruned.questions, pruned.feedback)
        return pruned

    def stop(self) -> None:
        self._stop.set()
