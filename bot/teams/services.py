"""What every Teams listener shares: `bot.services.AnswerServices` (the answering core, the state DB,
the rate limiter, the thread pool answering runs on, votes) plus the stored conversations.

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
