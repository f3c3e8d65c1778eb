"""Messages: personal chats get every message answered; channels and group chats only messages that
@mention the bot (the SDK strips that mention from the text before we see it). `help` and `todo` are
commands; anything else is a question, answered in its conversation, following on from the previous
answer there. Replies go to the message's thread. A turn that fails gets a polite reply, never a trace."""

from __future__ import annotations

import logging

from microsoft_agents.hosting.core import AgentApplication, MessageFactory, TurnContext, TurnState

from bot.teams import cards
from bot.teams.listeners.install import remember
from bot.teams.listeners.replies import STALE_BUTTON, addressed_to_bot, answer_text, polite_error, question_text
from bot.teams.services import Services

log = logging.getLogger("careerfw.teams")


def register(app: AgentApplication[TurnState], services: Services) -> None:
    # `message()` with no pattern ranks last, after the card buttons' routes (listeners/actions.py).
    @app.message()
    async def on_message(context: TurnContext, state: TurnState) -> None:
        activity = context.activity
        if not addressed_to_bot(activity):
            return  # channel chatter not meant for the bot
        await remember(services, context, installed=False)
        text = question_text(activity)
        if not text:
            if activity.value is not None:
                await context.send_activity(STALE_BUTTON)  # a card button this version does not know
            else:
                await context.send_activity(MessageFactory.text(cards.help_text(services.answerer)))
            return
        await answer_text(services, context, text)

    @app.error
    async def on_error(context: TurnContext, error: Exception) -> None:
        log.error("Teams turn failed (%s)", type(error).__name__, exc_info=error)
        await polite_error(context)
