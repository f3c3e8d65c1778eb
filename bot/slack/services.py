"""What every listener shares: `bot.services.AnswerServices` (the answering core, the state DB, the
rate limiter, and the thread pool answering runs on) plus Slack's own parts.

Answering (embedding a question) is CPU work; it runs on `executor`, never on the event loop, so
Bolt keeps acknowledging requests while questions are being answered.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot import feedback
from bot.services import AnswerServices, Asked
from index import Answer, Context, Request

SERVICES_KEY = "careerfw"
SURFACE: feedback.Surface = "slack"


@dataclass
class Services(AnswerServices, surface=SURFACE, thread_name_prefix="careerfw-answer"):
    inflight: int = 0  # listeners still working after their ack (answers not yet delivered)
    authorization: Any = None  # bot.slack.app.StartupAuthorization, set by build_app

    async def ask(self, user_id: str, question: str, conversation: str | None = None,
                  context: Context | None = None) -> Asked:
        """The question answered in `conversation` (following on from its context), or in `context`
        given outright, or on its own."""
        return await self.run(self.ask_following, user_id, question, conversation, context)

    async def request(self, user_id: str, request: Request, conversation: str | None = None) -> Asked:
        """A button's request answered from the names it carries (AnswerServices.answer_request)."""
        return await self.run(self.answer_request, user_id, request, conversation)

    async def start_conversations(self, user_id: str, conversations: list[str], context: Context | None) -> None:
        """Give each of `conversations` (threads not started yet) `context`: a thread someone may start
        under a DM message follows on from that message's answer, as a mention's thread does."""
        if context is None:
            return

        def work() -> None:
            for conversation in conversations:
                self.contexts.put(SURFACE, user_id, conversation, context)

        await self.run(work)

    async def explain(self, user_id: str, entry_id: str, question: str | None = None) -> tuple[Answer, int | None]:
        return await self.run(self.explain_and_record, user_id, entry_id, question)

    async def answer_again(self, question_id: int,
                           context: Context | None = None) -> tuple[Answer, feedback.Question] | None:
        """The answer to a stored question, computed again ("Share in channel", "Send me this as a DM")
        in `context`, the one it followed on from, which those buttons carry."""

        def work() -> tuple[Answer, feedback.Question] | None:
            asked = self.feedback_log.get_question(question_id)
            if asked is None:
                return None
            if asked.kind == "explain" and asked.entry_id:
                return self.answerer.explain(asked.entry_id, asked.question), asked
            return self.answerer.ask(asked.question, context=context), asked

        return await self.run(work)

    async def own_question(self, question_id: int | None, user_id: str,
                           strict: bool = False) -> feedback.Question | None | bool:
        """AnswerServices.stored_question, on the answer pool; None for a button that carries no stored
        question's id (nothing on record)."""
        if question_id is None:
            return None
        return await self.run(self.stored_question, question_id, user_id, strict=strict)

    async def question_text(self, question_id: int) -> str | None:
        asked = await self.run(self.feedback_log.get_question, question_id)
        return asked.question if asked else None

    async def vote(self, user_id: str, question_id: int, verdict: str) -> int | None:
        """AnswerServices.record_vote on the answer pool: a Slack vote always has its stored question."""
        return await self.run(self.record_vote, user_id, verdict, question_id)

    async def add_reason(self, user_id: str, feedback_id: int, reason: str) -> bool | None:
        """AnswerServices.record_reason on the answer pool."""
        return await self.run(self.record_reason, user_id, feedback_id, reason)

    async def drain(self, timeout_s: float = 10.0) -> bool:
        """On shutdown: let questions already acknowledged get their answers (bounded wait)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while self.inflight and loop.time() < deadline:
            await asyncio.sleep(0.05)
        if self.inflight:
            self.log.warning("stopping with %d answer(s) still in progress", self.inflight)
        return not self.inflight


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
