"""The Teams bot: an Agents SDK `AgentApplication` whose listeners (bot/teams/listeners/) are thin
adapters over the core."""

from __future__ import annotations

from microsoft_agents.hosting.core import AgentApplication, MemoryStorage, TurnState
from microsoft_agents.hosting.core.authorization import Connections

from bot.teams import listeners
from bot.teams.listeners.actions import Sender
from bot.teams.services import Services


def build_agent(services: Services, connection_manager: Connections,
                sender: Sender | None = None) -> AgentApplication[TurnState]:
    """`sender` (bot.teams.nudge.ProactiveSender) posts a checklist into the asker's personal chat."""
    app = AgentApplication[TurnState](
        storage=MemoryStorage(),
        connection_manager=connection_manager,
        # Answers take well under a second; a typing indicator would only add a message per turn.
        start_typing_timer=False,
        remove_recipient_mention=True,
    )
    listeners.register(app, services, sender)
    return app
