"""What every Teams listener shares: the answering core, the state DB, the rate limiter, the stored
conversations, and the thread pool answering runs on.

Answering (embedding a question) and SQLite writes are blocking work; they run on `executor`, never
on the aiohttp event loop, so the server keeps accepting activities (and /healthz) meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from bot import feedback
from bot.config import Settings
from bot.health import Health
from bot.ratelimit import RateLimiter, limit_message
from bot.state import StateDB
from bot.teams.conversations import ConversationStore
from index.answer import Answer, Answerer

SURFACE = "teams"
log = logging.getLogger("careerfw.teams")
T = TypeVar("T")


def answer_pool_size() -> int:
    # Model inference is CPU bound: more threads than cores only queue inside torch.
    return max(2, min(4, os.cpu_count() or 2))


@dataclass
class Services:
    settings: Settings
    answerer: Answerer
    db: StateDB
    limiter: RateLimiter
    conversations: ConversationStore
    health: Health = field(default_factory=Health)
    executor: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(answer_pool_size(), thread_name_prefix="careerfw-teams")
    )

    @classmethod
    def create(cls, settings: Settings, answerer: Answerer, health: Health | None = None) -> Services:
        db = StateDB(settings.state_db)
        return cls(
            settings=settings,
            answerer=answerer,
            db=db,
            limiter=RateLimiter(settings.rate_limit_per_minute),
            conversations=ConversationStore(db),
            health=health or Health(),
        )

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.executor, partial(fn, *args, **kwargs))

    def rate_check(self, user_id: str) -> str | None:
        """None when the user may ask; otherwise the polite reply."""
        decision = self.limiter.check(f"{SURFACE}:{user_id}")
        return None if decision.allowed else limit_message(decision, self.limiter.limit)

    def record(self, user_id: str, answer: Answer, kind: str = "ask", entry_id: str | None = None) -> int | None:
        try:
            return feedback.record_question(
                self.db, surface=SURFACE, user_id=user_id, answer=answer, kind=kind, entry_id=entry_id  # type: ignore[arg-type]
            )
        except sqlite3.Error:
            # The answer matters more than the statistics: the buttons then carry the question text.
            log.exception("could not record the question in %s", self.db.path)
            return None

    def ask(self, user_id: str, question: str) -> tuple[Answer, int | None]:
        answer = self.answerer.ask(question)
        return answer, self.record(user_id, answer)

    def explain(self, user_id: str, entry_id: str, question: str | None) -> tuple[Answer, int | None]:
        answer = self.answerer.explain(entry_id, question)
        return answer, self.record(user_id, answer, kind="explain", entry_id=entry_id)

    def vote(self, user_id: str, verdict: str, question_id: int | None, question: str, entry_id: str | None) -> None:
        # With a recorded question the vote is about everything that answer quoted; without one (the
        # question could not be stored) about the area the card led with.
        entries = [e for e in self.answerer.entries if e.id == entry_id] if entry_id and question_id is None else []
        feedback.record_feedback(
            self.db,
            surface=SURFACE,
            user_id=user_id,
            verdict=verdict,
            question_id=question_id,
            question=question,
            entries=entries or None,
        )

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
