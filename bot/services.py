"""What every chat front end shares: the answering core, the state DB, the rate limiter, health, and the
thread pool answering runs on. `bot.slack.services` and `bot.teams.services` subclass it with their
own parts (Slack: async wrappers and shutdown drain; Teams: stored conversations). Whose stored
question a button acts on, what a click on an area records, and how a vote and its reason are recorded,
are written here once for both, so the owners' report counts the same things from either surface.

Answering (embedding a question) and SQLite writes are blocking work; they run on `executor`, never on
the event loop, so the server keeps accepting requests (and /healthz) meanwhile.
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
from typing import Any, ClassVar, Literal, NamedTuple, Self, TypeVar

from bot import feedback
from bot.config import Settings
from bot.health import Health
from bot.ratelimit import RateLimiter, limit_message
from bot.state import StateUnusable, unusable
from bot.store import Store
from bot.store.clean import valid_id
from bot.store.contexts import ConversationContexts
from bot.store.retention import Retention
from index import Answer, Answerer, Context, Request

T = TypeVar("T")


class Asked(NamedTuple):
    """An answered question: the answer, its stored id (None: not stored), and the context it followed
    on from (None: asked on its own), which is what a button needs to give the same answer again."""

    answer: Answer
    question_id: int | None
    followed: Context | None

# A rate-limit check runs before the answer: past this it is skipped and the question admitted.
STATE_WAIT_S = 1.0
# A question whose sender's id is not an id (a signed event carrying a list as `user`) is refused
# before the store: the limit could not be kept for it, and its rows would fail their own writes.
NO_SENDER = "Sorry, I couldn't tell who sent that, so I can't answer it."


def answer_pool_size() -> int:
    # Model inference is CPU bound: more threads than cores only queue inside torch.
    return max(2, min(4, os.cpu_count() or 2))


@dataclass
class AnswerServices:
    # Set by each surface's class keywords: the name questions and rate-limit keys are stored under,
    # where failures are logged (careerfw.<surface>), and how the answer threads are named.
    surface: ClassVar[feedback.Surface]
    log: ClassVar[logging.Logger]
    thread_name_prefix: ClassVar[str]

    def __init_subclass__(cls, *, surface: feedback.Surface, thread_name_prefix: str, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.surface = surface
        cls.log = logging.getLogger(f"careerfw.{surface}")
        cls.thread_name_prefix = thread_name_prefix

    settings: Settings
    answerer: Answerer
    store: Store
    limiter: RateLimiter
    health: Health = field(default_factory=Health)
    executor: ThreadPoolExecutor = field(init=False)
    contexts: ConversationContexts = field(init=False)
    feedback_log: feedback.Feedback = field(init=False)
    retention: Retention = field(init=False)

    def __post_init__(self) -> None:
        self.executor = ThreadPoolExecutor(answer_pool_size(), thread_name_prefix=self.thread_name_prefix)
        self.contexts = ConversationContexts(self.store)
        self.feedback_log = feedback.Feedback(self.store)
        self.store.on_failure(self._state_failed)
        # Old questions and votes go at start and daily after, from every serving process (harmless:
        # a delete of what another replica already deleted deletes nothing).
        self.retention = Retention(self.store, self.settings.retention_days)
        self.retention.start()

    @classmethod
    def create(
        cls, settings: Settings, answerer: Answerer, health: Health | None = None, store: Store | None = None
    ) -> Self:
        store = store or Store.open(settings)
        return cls(
            settings=settings,
            answerer=answerer,
            store=store,
            limiter=RateLimiter(store, settings.rate_limit_per_minute),
            health=health or Health(),
        )

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.executor, partial(fn, *args, **kwargs))

    async def rate_check(self, user_id: str) -> str | None:
        """None when the user may ask; otherwise the polite reply. The check reads the shared store on
        a thread of its own (not the answer pool, where it would queue behind answers), and a store
        slower than STATE_WAIT_S admits the question rather than hold up the answer."""
        if valid_id(user_id) is None:
            self.log.warning("refused a question: the user id %.80r is not an id", user_id)
            return NO_SENDER
        try:
            decision = await asyncio.wait_for(
                asyncio.to_thread(self.limiter.check, f"{self.surface}:{user_id}"), STATE_WAIT_S
            )
        except TimeoutError:
            self.log.warning("rate limit check took over %.1f s; question admitted", STATE_WAIT_S)
            return None
        return None if decision.allowed else limit_message(decision, self.limiter.limit)

    def record(
        self, user_id: str, answer: Answer, kind: Literal["ask", "explain"] = "ask", entry_id: str | None = None
    ) -> int | None:
        """The stored question's id (for feedback buttons), or None when it could not be stored.

        The answer waits for this, but never long: the store gives up within its retry budget (a lock
        held elsewhere, PostgreSQL restarting) and the answer goes out without it, with the surface's
        fallback (Slack: no feedback buttons; Teams: the buttons carry the question text)."""
        return self.feedback_log.record_question(
            surface=self.surface, user_id=user_id, answer=answer, kind=kind, entry_id=entry_id
        )

    def explain_and_record(self, user_id: str, entry_id: str, question: str | None) -> tuple[Answer, int | None]:
        """Blocking. A "Did you mean" or "Whole text" click: the area's whole cell, recorded as a question about
        it. An area the content no longer has is told so and not recorded: the click asked nothing the
        framework could not answer, and the owners' report would count it as a refused question."""
        answer = self.answerer.explain(entry_id, question)
        if not answer.quotes:
            return answer, None
        return answer, self.record(user_id, answer, "explain", entry_id)

    def stored_question(self, question_id: int, user_id: str, *,
                        strict: bool = False) -> feedback.Question | None | bool:
        """Blocking. The stored question if `user_id` asked it on this surface; False if someone else did;
        None if it is not on record. `strict`: feedback.StoreBusy when the store cannot say right now (a
        vote must not call that "gone", nor count for the wrong person). Every button that acts on a
        stored question as its asker's (votes, Share, Send me this as a DM) asks this one question."""
        asked = self.feedback_log.get_question(question_id, strict=strict)
        if asked is None:
            return None
        return asked if self.feedback_log.asked_by(asked, self.surface, user_id, strict=strict) else False

    def record_vote(self, user_id: str, verdict: str, question_id: int | None, question: str | None = None,
                    entry_id: str | None = None) -> int | None:
        """Blocking. The vote's row id, or None when the database could not take it. With a recorded
        question the vote is about everything that answer quoted; without one (the question could not be
        stored) about `question` and the area `entry_id` the answer led with."""
        entries = [e for e in self.answerer.entries if e.id == entry_id] if entry_id and question_id is None else []
        return self.feedback_log.record_feedback(
            surface=self.surface, user_id=user_id, verdict=verdict, question_id=question_id, question=question,
            entries=entries or None,
        )

    def record_reason(self, user_id: str, feedback_id: int, reason: str) -> bool | None:
        """Blocking. True: stored; False: not this person's thumbs-down (any more), or nothing to store;
        None: the database could not."""
        return self.feedback_log.add_reason(feedback_id, surface=self.surface, user_id=user_id, reason=reason)

    def _state_failed(self, exc: Exception) -> None:
        """A SQLite file that stopped being a database while serving, or was replaced or overwritten
        (bot.state.FileWatch): answers go on, and /healthz says so, so an orchestrator restarts the
        process, whose start then stops with one line naming the file (bot.state.check_state) or opens
        the new one. A lock or a PostgreSQL outage passes by itself: nothing to do."""
        orig = exc if isinstance(exc, StateUnusable) else getattr(exc, "orig", None)
        # A file overwritten under open connections may first read as a database without our tables
        # ("no such table") rather than as no database at all: broken all the same, and it will not
        # pass by itself, whichever table's call happens to meet it first.
        schema_gone = isinstance(orig, sqlite3.OperationalError) and str(orig).startswith("no such table")
        if isinstance(orig, StateUnusable) or type(orig) is sqlite3.DatabaseError or schema_gone:
            # One wording for /healthz, whichever call met the broken file first.
            reason = str(orig if isinstance(orig, StateUnusable) else unusable(self.settings.state_db, str(orig)))
            self.log.error("answering without shared state: %s", reason)
            self.health.mark_unready(reason)

    def ask_following(self, user_id: str, question: str, conversation: str | None = None,
                      context: Context | None = None) -> Asked:
        """Blocking: run it on `executor`. The answer, recorded, and the context the question followed on
        from. With `conversation` (a Slack thread or DM, a Teams conversation) the question is a follow-up
        of that conversation's previous answer (its context read from the store), and its own answer
        becomes the context of the next one; without, `context` is given outright (a button carrying the
        one its answer had), or None: asked on its own."""
        if conversation is not None:
            context = self.contexts.get(self.surface, user_id, conversation)
        answer = self.answerer.ask(question, context=context)
        if conversation is not None:
            self.contexts.put(self.surface, user_id, conversation, answer.context)
        return Asked(answer, self.record(user_id, answer), context)

    def answer_request(self, user_id: str, request: Request, conversation: str | None = None) -> Asked:
        """Blocking: run it on `executor`. A button's request (bot.view.Action) answered from the names it
        carries, nothing parsed (`Answerer.answer_request`), and recorded. In `conversation` its answer
        becomes the context the next question there follows on from; it followed on from nothing."""
        answer = self.answerer.answer_request(request)
        if conversation is not None and answer.context is not None:
            self.contexts.put(self.surface, user_id, conversation, answer.context)
        return Asked(answer, self.record(user_id, answer), None)

    def close(self) -> None:
        self.retention.stop()
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.store.close()
