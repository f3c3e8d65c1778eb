"""The bot being added to or removed from a chat or team: its conversation reference is stored for the
weekly nudge, or forgotten; on being added, it says how to ask."""

from __future__ import annotations

import logging
from contextvars import ContextVar

from microsoft_agents.hosting.core import AgentApplication, MessageFactory, TurnContext, TurnState

from bot.teams import cards
from bot.teams.services import Services

log = logging.getLogger("careerfw.teams")

# Set by the HTTP handler (app.messages) for one request: the activity's serviceUrl is this bot's own
# listen address, as in docs/teams.md's curl example. Such a conversation is answered (expectReplies)
# but never stored: a nudge posted there reaches the bot itself and fails every week.
ADDRESSED_TO_SELF: ContextVar[bool] = ContextVar("careerfw_teams_addressed_to_self", default=False)


async def remember(services: Services, context: TurnContext, *, installed: bool) -> None:
    if ADDRESSED_TO_SELF.get():
        log.info("not storing conversation %s for the weekly nudge: its serviceUrl %s is this bot itself, "
                 "not a Teams connector", context.activity.conversation.id, context.activity.service_url)
        return
    try:
        new = await services.run(
            services.conversations.remember, context.activity, context.identity, installed=installed
        )
    except Exception:
        # Losing a nudge target must not cost the user their answer.
        log.exception("could not store the conversation reference for %s", context.activity.conversation.id)
        return
    if new:
        log.info("stored conversation %s for the weekly nudge", context.activity.conversation.id)


def register(app: AgentApplication[TurnState], services: Services) -> None:
    @app.members_added()
    async def on_members_added(context: TurnContext, state: TurnState) -> None:
        activity = context.activity
        bot_id = activity.recipient.id if activity.recipient else None
        if not any(m.id == bot_id for m in activity.members_added or []):
            return  # someone else joined the team or chat
        await remember(services, context, installed=True)
        await context.send_activity(MessageFactory.text(cards.help_text(services.answerer)))

    @app.members_removed()
    async def on_members_removed(context: TurnContext, state: TurnState) -> None:
        activity = context.activity
        bot_id = activity.recipient.id if activity.recipient else None
        if any(m.id == bot_id for m in activity.members_removed or []):
            removed = await services.run(services.conversations.forget, activity)
            log.info("bot removed from %s; forgot %d conversation(s)", activity.conversation.id, removed)

    @app.installation_update()
    async def on_installation_update(context: TurnContext, state: TurnState) -> None:
        action = (context.activity.action or "").lower()
        if action.startswith("remove"):
            await services.run(services.conversations.forget, context.activity)
        elif action.startswith("add"):
            await remember(services, context, installed=True)
