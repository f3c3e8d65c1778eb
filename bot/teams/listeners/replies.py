"""What the Teams listeners share: who sent an activity and what it says, and how an answer becomes
messages (one Adaptive Card each), like Slack's bot/slack/listeners/replies.py.

Replies go to the activity's conversation (and its thread). Nothing here decides what an answer says or
which buttons it offers: that is bot/view.py, rendered by bot/teams/cards.py.
"""

from __future__ import annotations

import html
import logging
import re
from typing import Any

from microsoft_agents.activity import Activity, ActivityTypes
from microsoft_agents.hosting.core import CardFactory, MessageFactory, TurnContext

from bot.services import Asked
from bot.store.clean import clean_text
from bot.teams import cards
from bot.teams.conversations import conversation_type
from bot.teams.services import Services
from bot.view import keyword
from index import Answer, Context

log = logging.getLogger("careerfw.teams")

SORRY = "Sorry, something went wrong on my side while answering that. Please try again in a minute."
STALE_BUTTON = "That button belongs to an older answer I can no longer act on. Please ask the question again."
_AT_TAG = re.compile(r"<at>(.*?)</at>", re.IGNORECASE | re.DOTALL)


# --- reading activities -----------------------------------------------------------------------------


def user_id(activity: Activity) -> str:
    """The Entra object id when Teams sends one (stable across chats), else the channel account id."""
    sender = activity.from_property
    if sender is None:
        return "unknown"
    return sender.aad_object_id or sender.id or "unknown"


def conversation_id(activity: Activity) -> str | None:
    """The conversation (a personal chat, a group chat, a channel thread): where follow-ups follow on."""
    return activity.conversation.id if activity.conversation else None


def mentions_bot(activity: Activity) -> bool:
    bot_id = activity.recipient.id if activity.recipient else None
    return bool(bot_id) and any(m.mentioned and m.mentioned.id == bot_id for m in activity.get_mentions())


def addressed_to_bot(activity: Activity) -> bool:
    """Personal chats: always. Channels and group chats: only when the bot is @mentioned."""
    return conversation_type(activity) == "personal" or mentions_bot(activity)


def question_text(activity: Activity) -> str:
    """The message text with mentions of other people reduced to their names, entities decoded."""
    text = activity.text or ""
    bot_name = activity.recipient.name if activity.recipient else None
    if bot_name:
        # The SDK strips the mention matching the mention entity; this catches a client that sent the
        # <at> tag without an entity.
        text = re.sub(rf"<at>\s*{re.escape(bot_name)}\s*</at>", " ", text, flags=re.IGNORECASE)
    text = _AT_TAG.sub(lambda m: m.group(1), text)
    # The question is echoed into the card (its buttons, the fallback): no NUL, ESC or other C0 control.
    return " ".join(clean_text(html.unescape(text)).split())


# --- replying --------------------------------------------------------------------------------------------


def card_activity(card: dict[str, Any], lead: str) -> Activity:
    """A message carrying one Adaptive Card. Its text is a one-line lead in the bot's own words (Teams
    shows it in notifications and the chat list); the whole answer as plain text is the card's
    fallbackText and the activity's summary, for clients that cannot render the card."""
    activity = MessageFactory.attachment(CardFactory.adaptive_card(card), text=lead)
    activity.text_format = "plain"  # the lead may hold area names; never read them as markdown
    activity.summary = card["fallbackText"]
    return activity


def answer_activities(services: Services, answer: Answer, question_id: int | None, *, dm: bool = False,
                      followed: Context | None = None) -> list[Activity]:
    """The answer's messages, with the buttons the view offers (bot.view.answer_actions, over the loaded
    framework); `dm`: for the asker's personal chat, `followed`: the context the question followed on
    from (cards.answer_card)."""
    made = cards.answer_messages(answer, question_id, services.answerer, dm=dm, followed=followed)
    return [card_activity(card, lead) for lead, card in made]


async def send_answer(services: Services, context: TurnContext, asked: Asked) -> None:
    personal = conversation_type(context.activity) == "personal"
    await context.send_activities(answer_activities(services, asked.answer, asked.question_id, dm=personal,
                                                    followed=asked.followed))


async def admitted(services: Services, context: TurnContext) -> bool:
    """Each question, and each button that answers one, counts against the sender's rate limit."""
    limited = await services.rate_check(user_id(context.activity))
    if limited:
        await context.send_activity(limited)
        return False
    return True


async def send_todo(services: Services, context: TurnContext) -> None:
    todo = services.answerer.todo()
    await context.send_activity(card_activity(cards.todo_card(todo, services.settings.site_url), cards.todo_lead(todo)))


async def answer_text(services: Services, context: TurnContext, text: str) -> None:
    """A message's text (or what an older card's follow-up button sent as if typed): a command, or a
    question answered in its conversation, following on from the previous answer there."""
    command = keyword(text)
    if command == "help":
        await context.send_activity(MessageFactory.text(cards.help_text(services.answerer)))
        return
    if command == "todo":
        await send_todo(services, context)
        return
    if not await admitted(services, context):
        return
    activity = context.activity
    asked = await services.run(services.ask_following, user_id(activity), text, conversation_id(activity))
    await send_answer(services, context, asked)


async def polite_error(context: TurnContext) -> None:
    """Tell the user something went wrong, never what (no stack traces in chat)."""
    if context.activity is None or context.activity.type not in (ActivityTypes.message, ActivityTypes.invoke):
        return
    try:
        await context.send_activity(SORRY)
    except Exception:  # the connector itself may be what failed
        log.exception("could not send the error reply either")
