"""Card buttons (Action.Submit: a message activity with our `value` and no text, which needs no
@mention even in a channel): the view's buttons (bot/view.py `answer_actions`), votes and their reason,
and "Send me this as a DM".

- A request ("Level 3" in which craft?, "Compare with the next level") is answered from the names it
  carries (`Answerer.answer_request`), never by writing it out as a question to parse. A request naming
  what the content no longer has is told so.
- An area ("Did you mean", "Whole text") is quoted whole by its entry id; "TODO areas" lists them.
- Cards posted before buttons carried requests asked a question in words ("choose") or sent text as if
  typed ("ask"): those are still answered, as the questions they carry.
- A vote counts only as the asker's; a "not helpful" one offers a box for the reason.
- "Send me this as a DM" posts the checklist again, proactively, into the clicker's personal chat with
  the bot, in the context it followed on from.

A submit delivered twice (the connector redelivering an activity, to any replica) or pressed twice in a
row is answered once (`once_per_click`).
"""

from __future__ import annotations

import json
import logging
from typing import Any, Protocol

from microsoft_agents.activity import Activity, ActivityTypes
from microsoft_agents.hosting.core import AgentApplication, TurnContext, TurnState

from bot.feedback import MAX_REASON_CHARS, StoreBusy, question_id_from
from bot.nudge.target import NudgeDeliveryError, NudgeMaybeDelivered
from bot.services import Asked
from bot.store.clean import clean_text
from bot.store.events import EventLedger, click_key, first_click
from bot.teams import cards
from bot.teams.conversations import StoredConversation, conversation_type
from bot.teams.listeners.replies import (
    STALE_BUTTON,
    admitted,
    answer_activities,
    answer_text,
    card_activity,
    conversation_id,
    send_answer,
    send_todo,
    user_id,
)
from bot.teams.services import Services
from bot.view import NO_CHECKLIST, SENT_AS_DM
from index import MAX_QUESTION_CHARS, Context, Request

log = logging.getLogger("careerfw.teams")

# A click check runs before the answer; past this the click is answered (fail open, as for Slack).
CLICK_WAIT_S = 1.0

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


class Sender(Protocol):
    """Posts into a stored conversation outside the current turn (bot.teams.nudge.ProactiveSender)."""

    def send(self, stored: StoredConversation, activity: Activity) -> None: ...


def _str(data: dict[str, Any], key: str, limit: int = MAX_QUESTION_CHARS) -> str | None:
    """A string from a button's data, as user text: it may be echoed into the reply's card."""
    value = data.get(key)
    value = clean_text(value)[:limit] if isinstance(value, str) else None
    return value if value and value.strip() else None


def _int(data: dict[str, Any], key: str) -> int | None:
    return question_id_from(data.get(key))  # past SQLite's range a query would raise OverflowError


def _carried(data: dict[str, Any], key: str) -> Any:
    """What a button carries under `key` (a request, the context it followed on from): its names may be
    echoed (the answer's question, "following on from …"), so they are user text, cleaned as typed text is."""
    carried = data.get(key)
    if isinstance(carried, dict):
        carried = {k: clean_text(v) if isinstance(v, str) else
                   [clean_text(x) if isinstance(x, str) else x for x in v] if isinstance(v, list) else v
                   for k, v in carried.items()}
    return carried


def _request(data: dict[str, Any]) -> Request | None:
    return Request.from_json(_carried(data, "request"))


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


def register(app: AgentApplication[TurnState], services: Services, sender: Sender | None = None) -> None:
    """`sender` (bot.teams.nudge.ProactiveSender) posts the checklist into the clicker's personal chat."""
    clicks = EventLedger(services.store)

    @app.before_turn
    async def once_per_click(context: TurnContext, state: TurnState) -> bool:
        keys = submit_keys(context.activity)
        if keys and not await first_click(clicks, *keys, CLICK_WAIT_S):
            log.info("card button pressed again or delivered twice in %s; not answered again",
                     context.activity.conversation.id if context.activity.conversation else "?")
            return False
        return True

    @app.adaptive_card.action_submit(cards.EXPLAIN, submit_filter=cards.SUBMIT_KEY)
    async def on_explain(context: TurnContext, state: TurnState, data: Any) -> None:
        entry_id = _str(data, "entry_id", 2000)
        if entry_id is None:
            await context.send_activity(STALE_BUTTON)
            return
        if not await admitted(services, context):
            return
        answer, question_id = await services.run(services.explain_and_record, user_id(context.activity), entry_id,
                                                 _str(data, "question"))
        await send_answer(services, context, Asked(answer, question_id, None))

    @app.adaptive_card.action_submit(cards.REQUEST, submit_filter=cards.SUBMIT_KEY)
    async def on_request(context: TurnContext, state: TurnState, data: Any) -> None:
        request = _request(data)
        if request is None:
            await context.send_activity(STALE_BUTTON)
            return
        if not await admitted(services, context):
            return
        # Answered in the conversation the card is in: a follow-up there follows on from this answer.
        asked = await services.run(services.answer_request, user_id(context.activity), request,
                                   conversation_id(context.activity))
        await send_answer(services, context, asked)

    @app.adaptive_card.action_submit(cards.TODO, submit_filter=cards.SUBMIT_KEY)
    async def on_todo(context: TurnContext, state: TurnState, data: Any) -> None:
        await send_todo(services, context)

    @app.adaptive_card.action_submit(cards.CHOOSE_VERB, submit_filter=cards.SUBMIT_KEY)
    async def on_choose(context: TurnContext, state: TurnState, data: Any) -> None:
        """A choice on a card from before requests: the question it carries, asked in its conversation."""
        question = _str(data, "question")
        if question is None:
            await context.send_activity(STALE_BUTTON)
            return
        if not await admitted(services, context):
            return
        asked = await services.run(services.ask_following, user_id(context.activity), question,
                                   conversation_id(context.activity))
        await send_answer(services, context, asked)

    @app.adaptive_card.action_submit(cards.ASK, submit_filter=cards.SUBMIT_KEY)
    async def on_ask(context: TurnContext, state: TurnState, data: Any) -> None:
        """A follow-up on a card from before requests: its text, as if typed."""
        text = _str(data, "question")
        if text is None:
            await context.send_activity(STALE_BUTTON)
            return
        await answer_text(services, context, text)

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
                asked = await services.run(services.stored_question, question_id, voter, strict=True)
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
        recorded = await services.run(services.record_vote, voter, verdict, question_id, question,
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
        stored = await services.run(services.record_reason, user_id(context.activity), feedback_id, reason)
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
        if not await admitted(services, context):
            return
        # Asked again in the context it followed on from, so a follow-up gives the same checklist.
        followed = Context.from_json(_carried(data, "context"))
        request = _request(data)
        if request is not None:  # a choice's checklist: asked again by its names, not its words
            answer, question_id, _ = await services.run(services.answer_request, user_id(activity), request)
        else:
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
            for made in answer_activities(services, answer, question_id, dm=True):
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
