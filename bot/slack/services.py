"""What every listener shares: the answering core, the state DB, the rate limiter, and the thread
pool answering runs on.

Answering (embedding a question) is CPU work; it runs on `executor`, never on the event loop, so
Bolt keeps acknowledging requests while questions are being answered.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import sqlite3
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from bot import feedback
from bot.config import Settings
from bot.health import Health
from bot.ratelimit import Decision, RateLimiter, limit_message
from bot.state import StateDB
from index.answer import Answer, Answerer

SERVICES_KEY = "careerfw"
SURFACE = "slack"
log = logging.getLogger("careerfw.slack")
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
    health: Health = field(default_factory=Health)
    executor: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(answer_pool_size(), thread_name_prefix="careerfw-answer")
    )
    inflight: int = 0  # listeners still working after their ack (answers not yet delivered)
    authorization: Any = None  # bot.slack.app.StartupAuthorization, set by build_app

    @classmethod
    def create(cls, settings: Settings, answerer: Answerer, health: Health | None = None) -> Services:
        return cls(
            settings=settings,
            answerer=answerer,
            db=StateDB(settings.state_db),
            limiter=RateLimiter(settings.rate_limit_per_minute),
            health=health or Health(),
        )

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.executor, partial(fn, *args, **kwargs))

    def rate_check(self, user_id: str) -> str | None:
        """None when the user may ask; otherwise the polite reply."""
        decision: Decision = self.limiter.check(f"{SURFACE}:{user_id}")
        return None if decision.allowed else limit_message(decision, self.limiter.limit)

    def _record(self, user_id: str, answer: Answer, kind: str = "ask", entry_id: str | None = None) -> int | None:
        try:
            return feedback.record_question(
                self.db, surface=SURFACE, user_id=user_id, answer=answer, kind=kind, entry_id=entry_id  # type: ignore[arg-type]
            )
        except sqlite3.Error:
            # The answer matters more than the statistics: answer without feedback buttons.
            log.exception("could not record the question in %s", self.db.path)
            return None

    def _ask(self, user_id: str, question: str) -> tuple[Answer, int | None]:
        answer = self.answerer.ask(question)
        return answer, self._record(user_id, answer)

    def _explain(self, user_id: str, entry_id: str, question: str | None) -> tuple[Answer, int | None]:
        answer = self.answerer.explain(entry_id, question)
        if not answer.quotes:
            return answer, None
        return answer, self._record(user_id, answer, "explain", entry_id)

    async def ask(self, user_id: str, question: str) -> tuple[Answer, int | None]:
        return await self.run(self._ask, user_id, question)

    async def explain(self, user_id: str, entry_id: str, question: str | None = None) -> tuple[Answer, int | None]:
        return await self.run(self._explain, user_id, entry_id, question)

    async def answer_again(self, question_id: int) -> tuple[Answer, feedback.Question] | None:
        """The answer to a stored question, computed again (for "Share in channel")."""

        def work() -> tuple[Answer, feedback.Question] | None:
            asked = feedback.get_question(self.db, question_id)
            if asked is None:
                return None
            if asked.kind == "explain" and asked.entry_id:
                return self.answerer.explain(asked.entry_id, asked.question), asked
            return self.answerer.ask(asked.question), asked

        return await self.run(work)

    async def question_text(self, question_id: int) -> str | None:
        asked = await self.run(feedback.get_question, self.db, question_id)
        return asked.question if asked else None

    async def vote(self, user_id: str, question_id: int, verdict: str) -> None:
        await self.run(
            feedback.record_feedback, self.db, surface=SURFACE, user_id=user_id, verdict=verdict,
            question_id=question_id,
        )

    async def drain(self, timeout_s: float = 10.0) -> bool:
        """On shutdown: let questions already acknowledged get their answers (bounded wait)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while self.inflight and loop.time() < deadline:
            await asyncio.sleep(0.05)
        if self.inflight:
            log.warning("stopping with %d answer(s) still in progress", self.inflight)
        return not self.inflight

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)


def services_of(context: Any) -> Services:
    return context[SERVICES_KEY]


def tracked(listener: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
    """Count a listener as in flight until it has delivered its reply, so shutdown can wait for it.
    Bolt injects arguments by the wrapped function's parameter names (it unwraps), so `context`
    must be one of them."""

    @functools.wraps(listener)
    async def wrapper(*args: Any, **kwargs: Any) -> None:
        services = services_of(kwargs["context"])
        services.inflight += 1  # only ever touched on the event loop thread
        try:
            await listener(*args, **kwargs)
        finally:
            services.inflight -= 1

    return wrapper
