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

SURFACE: feedback.Surface = "teams"


@dataclass
class Services(AnswerServices, surface=SURFACE, thread_name_prefix="careerfw-teams"):
    conversations: ConversationStore = field(init=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        self.conversations = ConversationStore(self.store)
