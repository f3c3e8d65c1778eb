"""What every Teams listener shares: `bot.services.AnswerServices` (the answering core, the state DB,
the rate limiter, and the thread pool answering runs on) plus the stored conversations and its vote.

Answering (embedding a question) and SQLite writes are blocking work; they run on `executor`, never
on the aiohttp event loop, so the server keeps accepting activities (and /healthz) meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot import feedback
from bot.services import AnswerServices
from bot.teams.conversations import ConversationStore
from index import Answer

SURFACE: feedback.Surface = "teams"


@dataclass
class Services(AnswerServices, surface=SURFACE, thread_name_prefix="careerfw-teams"):
    conversations: ConversationStore = field(init=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        self.conversations = ConversationStore(self.store)

    def explain_and_record(self, user_id: str, entry_id: str, question: str | None) -> tuple[Answer, int | None]:
        """Blocking: run it on `executor`. Unlike Slack, recorded even without quotes."""
        answer = self.answerer.explain(entry_id, question)
        return answer, self.record(user_id, answer, kind="explain", entry_id=entry_id)

    def own_question(self, question_id: int, user_id: str) -> feedback.Question | None | bool:
        """Blocking. The stored question if `user_id` asked it; False if someone else did; None if it
        is not on record. feedback.StoreBusy when the store cannot say right now (a vote must not call
        that "gone", nor count for the wrong person)."""
        asked = self.feedback_log.get_question(question_id, strict=True)
        if asked is None:
            return None
        return asked if self.feedback_log.asked_by(asked, SURFACE, user_id, strict=True) else False

    def vote(
        self, user_id: str, verdict: str, question_id: int | None, question: str, entry_id: str | None
    ) -> int | None:
        """Blocking. The vote's row id, or None when the database could not take it."""
        # With a recorded question the vote is about everything that answer quoted; without one (the
        # question could not be stored) about the area the card led with.
        entries = [e for e in self.answerer.entries if e.id == entry_id] if entry_id and question_id is None else []
        return self.feedback_log.record_feedback(
            surface=SURFACE,
            user_id=user_id,
            verdict=verdict,
            question_id=question_id,
            question=question,
            entries=entries or None,
        )
