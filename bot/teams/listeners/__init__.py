"""The Teams bot's listeners, grouped by what triggers them like Slack's bot/slack/listeners/ and
registered from one place (`register`), as the Agents SDK's samples do:

- actions.py: card buttons (the view's buttons, votes and their reason, "Send me this as a DM"), each
  press answered once;
- messages.py: messages (questions, `help`, `todo`) and the polite reply to a failed turn;
- install.py: the bot added to or removed from a chat: conversation references for the weekly nudge;
- replies.py: what they share (reading activities, answers as card messages).
"""

from __future__ import annotations

from microsoft_agents.hosting.core import AgentApplication, TurnState

from bot.teams.listeners import actions, install, messages
from bot.teams.listeners.actions import Sender
from bot.teams.services import Services


def register(app: AgentApplication[TurnState], services: Services, sender: Sender | None = None) -> None:
    """Every listener. Card buttons first: a button press is a message activity with `value` and no
    text, answered by its own route before the catch-all message route. `sender`
    (bot.teams.nudge.ProactiveSender) posts into a stored conversation outside the current turn."""
    actions.register(app, services, sender)
    install.register(app, services)
    messages.register(app, services)
