"""The Teams bot: an Agents SDK `AgentApplication` whose listeners are thin adapters over the core.

Listeners are grouped by what triggers them and registered from one place (`register_listeners`),
like the SDK's own samples:

- messages: personal chats get every message answered; channels and group chats only messages that
  @mention the bot (the SDK strips that mention from the text before we see it). `help` and `todo`
  are commands; anything else is a question. Replies go to the message's thread.
- card buttons (Action.Submit): "Did you mean" areas, helpful / not helpful votes, the optional
  reason a "not helpful" vote asks for, and "Send me this as a DM" on a promotion checklist (posted
  proactively into the clicker's personal chat with the bot, in the context the checklist followed on
  from; not offered in that chat itself); a submit delivered twice (the connector
  redelivering an activity, to any replica) or pressed twice in a row is answered once.
- follow-up buttons on an answer's last card, in every kind of chat (Teams shows suggested actions
  only under a message without a card): "Compare with the next level" and "TODO areas" ask a question
  ("ask"), "Whole text" posts back the area like a "Did you mean" button, so the existing routes answer
  all three.
- the bot being added or removed: conversation references for the weekly nudge.
"""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, Protocol

from microsoft_agents.activity import Activity, ActivityTypes
from microsoft_agents.hosting.core import (
    AgentApplication,
    CardFactory,
    MemoryStorage,
    MessageFactory,
    TurnContext,
    TurnState,
)
from microsoft_agents.hosting.core.authorization import Connections

from bot.feedback import MAX_REASON_CHARS, StoreBusy, question_id_from
from bot.nudge.target import NudgeDeliveryError, NudgeMaybeDelivered
from bot.prompts import compare_with_next
from bot.store.clean import clean_text
from bot.store.events import EventLedger, click_key, first_click
from bot.teams import cards
from bot.teams.conversations import StoredConversation, conversation_type
from bot.teams.services import Services
from bot.view import SENT_AS_DM, keyword
from index.answer import MAX_QUESTION_CHARS, Answer
from index.followup import Context
from index.levelorder import LevelOrder

log = logging.getLogger("careerfw.teams")

# A click check runs before the answer; past this the click is answered (fail open, as for Slack).
CLICK_WAIT_S = 1.0

SORRY = "Sorry, something went wrong on my side while answering that. Please try again in a minute."
STALE_BUTTON = "That button belongs to an older answer I can no longer act on. Please ask the question again."
NOT_YOURS = "Only the person who asked can vote on this answer. Ask the question yourself to get your own."
VOTE_NOT_RECORDED = "Sorry, I could not record that vote just now. Please try again in a few minutes."
FEEDBACK_THANKS = {
    "helpful": "Thanks! Noted that this answer was helpful.",
    "not_helpful": "Thanks for saying so. Noted that this answer was not helpful.",
}
REASON_THANKS = "Thanks! Recorded your reason with your vote."
REASON_EMPTY = "Nothing to record: the box was empty. Your vote stands as it is."
REASON_NOT_KEPT = "That vote is no longer a \"not helpful\" one (changed since), so the reason was not kept."
REASON_NOT_RECORDED = "Sorry, I could not record your reason just now (your vote itself is recorded). " \
    "Please send it again in a few minutes."
NO_CHECKLIST = "The framework no longer gives that checklist (it has changed since). Please ask the question again."
NO_PERSONAL_CHAT = (
    "I can't message you privately yet: Teams lets me write to you only once you have chatted with me. "
    "Open a chat with careerfw (Chat, then search for careerfw), say hi, then press the button again."
)
DM_FAILED = "Sorry, I couldn't send that to our personal chat just now. Please try again in a few minutes."
DM_REFUSED = (
    "Sorry, Teams refused to deliver that to our personal chat, and pressing the button again won't change "
    "that. I've logged why for whoever runs this bot."
)
DM_UNSURE = "Teams didn't confirm that it arrived. Please look in our personal chat before pressing the button again."
ALREADY_IN_PERSONAL_CHAT = "This checklist is already here in our personal chat, so I haven't sent another copy."
_AT_TAG = re.compile(r"<at>(.*?)</at>", re.IGNORECASE | re.DOTALL)
COMPARE_NEXT = "Compare with the next level"
WHOLE_TEXT = "Whole text"
TODO_AREAS = "TODO areas"


# --- reading activities -----------------------------------------------------------------------------


def user_id(activity: Activity) -> str:
    """The Entra object id when Teams sends one (stable across chats), else the channel account id."""
    sender = activity.from_property
    if sender is None:
        return "unknown"
    return sender.aad_object_id or sender.id or "unknown"


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


def card_activity(card: dict[str, Any], lead: str) -> Activity:
    """A message carrying one Adaptive Card. Its text is a one-line lead in the bot's own words (Teams
    shows it in notifications and the chat list); the whole answer as plain text is the card's
    fallbackText and the activity's summary, for clients that cannot render the card."""
    activity = MessageFactory.attachment(CardFactory.adaptive_card(card), text=lead)
    activity.text_format = "plain"  # the lead may hold area names; never read them as markdown
    activity.summary = card["fallbackText"]
    return activity


def answer_activities(answer: Answer, question_id: int | None, follow_ups: list[dict[str, Any]] | None = None, *,
                      dm: bool = False, followed: Context | None = None) -> list[Activity]:
    """The answer's messages; `dm`: for the asker's personal chat, `followed`: the context the question
    followed on from (cards.answer_card)."""
    made = cards.answer_messages(answer, question_id, follow_ups, dm=dm, followed=followed)
    return [card_activity(card, lead) for lead, card in made]


def follow_up_buttons(answer: Answer, order: LevelOrder, has_todo: bool) -> list[dict[str, Any]]:
    """What to offer after an answer, as buttons on its last card: the same area one level up (after a
    comparison, above its higher side), the whole cell when only part of it was quoted, and the
    unwritten areas when there are any.

    Card buttons (Action.Submit, which reaches the bot without an @mention), in every kind of chat:
    Teams shows suggested actions only under a message without a card, which an answer never is."""
    buttons: list[dict[str, Any]] = []
    if answer.confident and answer.quotes and answer.intent in ("lookup", "area", "compare"):
        top = answer.quotes[-1] if answer.intent == "compare" else answer.quotes[0]
        question = compare_with_next(top.entry, order)
        if question is not None:
            buttons.append(cards.submit(COMPARE_NEXT, cards.ASK, question=question))
        first = answer.quotes[0]
        if not first.complete and not first.todo:
            # Posts back the area the way a "Did you mean" button does.
            buttons.append(cards.submit(WHOLE_TEXT, cards.EXPLAIN, entry_id=first.entry.id, question=answer.question))
    if has_todo and answer.intent != "todo":
        buttons.append(cards.submit(TODO_AREAS, cards.ASK, question="todo"))
    return buttons


def _str(data: dict[str, Any], key: str, limit: int = MAX_QUESTION_CHARS) -> str | None:
    """A string from a button's data, as user text: it may be echoed into the reply's card."""
    value = data.get(key)
    value = clean_text(value)[:limit] if isinstance(value, str) else None
    return value if value and value.strip() else None


def _int(data: dict[str, Any], key: str) -> int | None:
    return question_id_from(data.get(key))  # past SQLite's range a query would raise OverflowError


def submit_keys(activity: Activity) -> tuple[str, str] | None:
    """For a card button press (Action.Submit: a message with our `value`), the keys of
    EventLedger.first_click: this delivery, by the activity's id, and the button pressed, by who
    pressed which button (its data) on which card (the activity it replies to)."""
    value = activity.value
    if activity.type != ActivityTypes.message or not isinstance(value, dict) or cards.SUBMIT_KEY not in value:
        return None
    conversation = activity.conversation.id if activity.conversation else ""
    button = (conversation, user_id(activity), activity.reply_to_id or "", json.dumps(value, sort_keys=True))
    if not activity.id:
        return None  # nothing identifies this delivery: answer it
    return click_key("teams-submit", conversation, activity.id), click_key("teams-button", *button)


# --- listeners --------------------------------------------------------------------------------------


def personal_chat_of(stored: list[StoredConversation], activity: Activity) -> StoredConversation | None:
    """The stored personal chat between the bot and the sender of `activity`, if Teams has given us one."""
    sender = activity.from_property
    if sender is None:
        return None
    ids = {i for i in (sender.id, sender.aad_object_id) if i}
    for conv in stored:
        if conv.conversation_type != "personal":
            continue
        user = conv.conversation.conversation_reference.user
        if user is not None and ids & {i for i in (user.id, user.aad_object_id) if i}:
            return conv
    return None


class Sender(Protocol):
    """Posts into a stored conversation outside the current turn (bot.teams.nudge.ProactiveSender)."""

    def send(self, stored: StoredConversation, activity: Activity) -> None: ...


def register_listeners(app: AgentApplication[TurnState], services: Services, sender: Sender | None = None) -> None:
    """Every listener, registered from one place. `sender` (bot.teams.nudge.ProactiveSender) posts
    into a stored conversation outside the current turn: the checklist sent as a DM."""

    clicks = EventLedger(services.store)

    @app.before_turn
    async def once_per_click(context: TurnContext, state: TurnState) -> bool:
        keys = submit_keys(context.activity)
        if keys and not await first_click(clicks, *keys, CLICK_WAIT_S):
            log.info("card button pressed again or delivered twice in %s; not answered again",
                     context.activity.conversation.id if context.activity.conversation else "?")
            return False
        return True

    # Card buttons first: a button press is a message activity with `value` and no text, and must not
    # need an @mention even in a channel.
    async def send_answer(context: TurnContext, answer: Answer, question_id: int | None,
                          followed: Context | None = None) -> None:
        answerer = services.answerer
        buttons = follow_up_buttons(answer, answerer.level_order, bool(answerer.todo()))
        personal = conversation_type(context.activity) == "personal"
        await context.send_activities(answer_activities(answer, question_id, buttons, dm=personal, followed=followed))

    async def answer_button(context: TurnContext, work: Callable[..., tuple[Any, ...]], *args: Any) -> None:
        """A button that answers: counted against the clicker's rate limit like a question. `work` gives
        the answer, its stored id and (an `Asked`) the context it followed on from."""
        limited = await services.rate_check(user_id(context.activity))
        if limited:
            await context.send_activity(limited)
            return
        answer, question_id, *followed = await services.run(work, user_id(context.activity), *args)
        await send_answer(context, answer, question_id, *followed)

    async def answer_text(context: TurnContext, text: str) -> None:
        """A message's text, or what a follow-up button sends: a command, or a question answered in
        its conversation."""
        activity = context.activity
        command = keyword(text)
        if command == "help":
            await context.send_activity(MessageFactory.text(cards.HELP_TEXT))
            return
        if command == "todo":
            todo = services.answerer.todo()
            await context.send_activity(
                card_activity(cards.todo_card(todo, services.settings.site_url), cards.todo_lead(todo))
            )
            return
        limited = await services.rate_check(user_id(activity))
        if limited:
            await context.send_activity(limited)
            return
        # The conversation (a personal chat, a group chat, a channel thread) is where follow-ups follow on.
        conversation = activity.conversation.id if activity.conversation else None
        answer, question_id, followed = await services.run(services.ask_following, user_id(activity), text,
                                                           conversation)
        await send_answer(context, answer, question_id, followed)

    @app.adaptive_card.action_submit(cards.EXPLAIN, submit_filter=cards.SUBMIT_KEY)
    async def on_explain(context: TurnContext, state: TurnState, data: Any) -> None:
        entry_id = _str(data, "entry_id", 2000)
        if entry_id is None:
            await context.send_activity(STALE_BUTTON)
            return
        await answer_button(context, services.explain_and_record, entry_id, _str(data, "question"))

    @app.adaptive_card.action_submit(cards.CHOOSE_VERB, submit_filter=cards.SUBMIT_KEY)
    async def on_choose(context: TurnContext, state: TurnState, data: Any) -> None:
        question = _str(data, "question")
        if question is None:
            await context.send_activity(STALE_BUTTON)
            return
        conversation = context.activity.conversation.id if context.activity.conversation else None
        await answer_button(context, services.ask_following, question, conversation)

    @app.adaptive_card.action_submit(cards.ASK, submit_filter=cards.SUBMIT_KEY)
    async def on_ask(context: TurnContext, state: TurnState, data: Any) -> None:
        text = _str(data, "question")
        if text is None:
            await context.send_activity(STALE_BUTTON)
            return
        await answer_text(context, text)

    @app.adaptive_card.action_submit(cards.FEEDBACK, submit_filter=cards.SUBMIT_KEY)
    async def on_feedback(context: TurnContext, state: TurnState, data: Any) -> None:
        question = _str(data, "question")
        if question is None or not isinstance(data.get("helpful"), bool):
            await context.send_activity(STALE_BUTTON)
            return
        verdict = "helpful" if data["helpful"] else "not_helpful"
        voter = user_id(context.activity)
        question_id = _int(data, "question_id")
        # As in Slack: a vote counts only as the asker's. In a group chat or channel everyone sees the
        # card; its stored question says who asked. Without one (never stored, or pruned) only a personal
        # chat, which only the asker sees, can keep the vote.
        if question_id is not None:
            try:
                asked = await services.run(services.own_question, question_id, voter)
            except StoreBusy:
                await context.send_activity(VOTE_NOT_RECORDED)
                return
            if asked is False:
                await context.send_activity(NOT_YOURS)
                return
            if asked is None:
                question_id = None
        if question_id is None and conversation_type(context.activity) != "personal":
            await context.send_activity(STALE_BUTTON)
            return
        recorded = await services.run(services.vote, voter, verdict, question_id, question,
                                      _str(data, "entry_id", 2000))
        if recorded is None:  # the store has logged why
            await context.send_activity(VOTE_NOT_RECORDED)
        elif verdict == "not_helpful":
            # The thanks comes with an optional box for what was wrong (Slack opens a modal instead).
            await context.send_activity(
                card_activity(cards.reason_card(recorded, MAX_REASON_CHARS), FEEDBACK_THANKS[verdict])
            )
        else:
            await context.send_activity(FEEDBACK_THANKS[verdict])

    @app.adaptive_card.action_submit(cards.REASON, submit_filter=cards.SUBMIT_KEY)
    async def on_reason(context: TurnContext, state: TurnState, data: Any) -> None:
        feedback_id = _int(data, "feedback_id")
        if feedback_id is None:
            await context.send_activity(STALE_BUTTON)
            return
        reason = data.get(cards.REASON_INPUT)
        if not isinstance(reason, str) or not reason.strip():
            await context.send_activity(REASON_EMPTY)
            return
        stored = await services.run(services.feedback_log.add_reason, feedback_id, surface=services.surface,
                                    user_id=user_id(context.activity), reason=reason)
        reply = {True: REASON_THANKS, False: REASON_NOT_KEPT, None: REASON_NOT_RECORDED}[stored]
        await context.send_activity(reply)

    @app.adaptive_card.action_submit(cards.CHECKLIST_DM, submit_filter=cards.SUBMIT_KEY)
    async def on_checklist_dm(context: TurnContext, state: TurnState, data: Any) -> None:
        question = _str(data, "question")
        if question is None:
            await context.send_activity(STALE_BUTTON)
            return
        activity = context.activity
        if conversation_type(activity) == "personal":
            # A checklist card from before personal chats stopped offering the button: it is here already.
            await context.send_activity(ALREADY_IN_PERSONAL_CHAT)
            return
        limited = await services.rate_check(user_id(activity))
        if limited:
            await context.send_activity(limited)
            return
        # Asked again in the context it followed on from, so a follow-up gives the same checklist.
        carried = data.get("context")
        if isinstance(carried, dict):  # its names may be echoed ("following on from …"): user text
            carried = {k: clean_text(v) if isinstance(v, str) else v for k, v in carried.items()}
        followed = Context.from_json(carried)
        answer, question_id, _ = await services.run(services.ask_following, user_id(activity), question, None,
                                                    followed)
        if answer.checklist is None:
            await context.send_activity(NO_CHECKLIST)
            return
        personal = personal_chat_of(await services.run(services.conversations.all), activity)
        if personal is None or sender is None:
            await context.send_activity(NO_PERSONAL_CHAT)
            return
        try:
            for made in answer_activities(answer, question_id, dm=True):
                await services.run(sender.send, personal, made)
        except NudgeMaybeDelivered as exc:
            log.warning("a checklist to the personal chat %s may not have arrived: %s", personal.conversation_id,
                        exc.reason)
            await context.send_activity(DM_UNSURE)
            return
        except NudgeDeliveryError as exc:
            # A refusal (4xx but 429) is the same on every try: the user is told so, the operator why.
            log.error("could not send a checklist to the personal chat %s: %s%s", personal.conversation_id,
                      exc.reason, "" if exc.retryable else " (retrying will not help; a person has to look)")
            await context.send_activity(DM_FAILED if exc.retryable else DM_REFUSED)
            return
        except Exception:
            log.exception("could not send a checklist to the personal chat %s", personal.conversation_id)
            await context.send_activity(DM_FAILED)
            return
        await context.send_activity(SENT_AS_DM)

    @app.members_added()
    async def on_members_added(context: TurnContext, state: TurnState) -> None:
        activity = context.activity
        bot_id = activity.recipient.id if activity.recipient else None
        if not any(m.id == bot_id for m in activity.members_added or []):
            return  # someone else joined the team or chat
        await _remember(services, context, installed=True)
        await context.send_activity(MessageFactory.text(cards.HELP_TEXT))

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
            await _remember(services, context, installed=True)

    # `message()` with no pattern ranks last, after the button routes above.
    @app.message()
    async def on_message(context: TurnContext, state: TurnState) -> None:
        activity = context.activity
        if not addressed_to_bot(activity):
            return  # channel chatter not meant for the bot
        await _remember(services, context, installed=False)
        text = question_text(activity)
        if not text:
            if activity.value is not None:
                await context.send_activity(STALE_BUTTON)
            else:
                await context.send_activity(MessageFactory.text(cards.HELP_TEXT))
            return
        await answer_text(context, text)

    @app.error
    async def on_error(context: TurnContext, error: Exception) -> None:
        log.error("Teams turn failed (%s)", type(error).__name__, exc_info=error)
        await polite_error(context)


async def polite_error(context: TurnContext) -> None:
    """Tell the user something went wrong, never what (no stack traces in chat)."""
    if context.activity is None or context.activity.type not in (ActivityTypes.message, ActivityTypes.invoke):
        return
    try:
        await context.send_activity(SORRY)
    except Exception:  # the connector itself may be what failed
        log.exception("could not send the error reply either")


# Set by the HTTP handler (app.messages) for one request: the activity's serviceUrl is this bot's own
# listen address, as in docs/teams.md's curl example. Such a conversation is answered (expectReplies)
# but never stored: a nudge posted there reaches the bot itself and fails every week.
ADDRESSED_TO_SELF: ContextVar[bool] = ContextVar("careerfw_teams_addressed_to_self", default=False)


async def _remember(services: Services, context: TurnContext, *, installed: bool) -> None:
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


def build_agent(services: Services, connection_manager: Connections,
                sender: Sender | None = None) -> AgentApplication[TurnState]:
    app = AgentApplication[TurnState](
        storage=MemoryStorage(),
        connection_manager=connection_manager,
        # Answers take well under a second; a typing indicator would only add a message per turn.
        start_typing_timer=False,
        remove_recipient_mention=True,
    )
    register_listeners(app, services, sender)
    return app
