"""Buttons on answers: helpful / not helpful, "Share in channel", the buttons that answer for one
named area ("Did you mean" choices, and "Whole text" when only part of a cell was quoted), the
choices of a question the framework answers several ways ("Level 3" in which craft?) and "Compare with
the next level", "TODO areas", and "Send me this as a DM" on a promotion checklist.

A choice and "Compare with the next level" carry a request (bot/view.py `Action`: intent, craft, level
titles and areas as the index has them), answered from those names without parsing words again
(`Answerer.answer_request`); a choice on a message posted before requests carries its question in words,
which is still asked."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot import feedback
from bot.services import Asked
from bot.slack.blocks import (
    ACTION_CHECKLIST_DM,
    ACTION_CHOOSE,
    ACTION_COMPARE_NEXT,
    ACTION_DID_YOU_MEAN,
    ACTION_FEEDBACK,
    ACTION_HELPFUL,
    ACTION_NOT_HELPFUL,
    ACTION_SHARE,
    ACTION_SHOW_ALL,
    ACTION_TODO_AREAS,
    ACTION_WHOLE_CELL,
    answer_message,
    notice_message,
    todo_message,
)
from bot.slack.listeners.replies import conversation_of
from bot.slack.modals import reason_modal
from bot.slack.services import Services, services_of, tracked
from bot.view import NO_CHECKLIST, SENT_AS_DM
from index import Answer, Answerer, Context, Request

log = logging.getLogger("careerfw.slack")

THANKS = {
    "helpful": "Thanks! Recorded that this answer helped.",
    "not_helpful": "Thanks for saying so. Recorded that this answer did not help; it helps us improve the framework.",
}
STALE = "That answer is no longer on record, so I can't do that. Please ask the question again."


NOT_RECORDED = "Sorry, I couldn't record that just now. Please try again in a moment."
NOT_YOURS = "Only the person who asked can do that with this answer. Ask the question yourself to get your own."
DM_FAILED = "Sorry, I couldn't send you a direct message just now. Please try again, or ask me in a DM."
ALREADY_IN_DM = "This checklist is already here in our direct messages, so I haven't sent another copy."
MAX_ENTRY_ID_CHARS = 2000


def _value(action: dict[str, Any]) -> dict[str, Any]:
    try:
        value = json.loads(action.get("value") or "{}")
    except (json.JSONDecodeError, RecursionError):
        return {}
    return value if isinstance(value, dict) else {}


def _question_id(action: dict[str, Any]) -> int | None:
    return feedback.question_id_from(_value(action).get("q"))


async def _private(respond: AsyncRespond, text: str) -> None:
    await respond(response_type="ephemeral", replace_original=False, **notice_message(text))


def _verdict(action: dict[str, Any]) -> str | None:
    """Our buttons say it in their action id; Slack's feedback_buttons in the value of the one clicked."""
    if action["action_id"] == ACTION_FEEDBACK:
        verdict = _value(action).get("v")
        return verdict if verdict in THANKS else None
    return "helpful" if action["action_id"] == ACTION_HELPFUL else "not_helpful"


async def feedback_button(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond,
                          client: AsyncWebClient, context: Any) -> None:
    await ack()
    verdict = _verdict(action)
    services = services_of(context)
    user_id = body["user"]["id"]
    if not await _admitted(services, user_id, respond):
        return
    question_id = _question_id(action)
    try:
        asked = await services.own_question(question_id, user_id, strict=True)
        if asked is None or verdict is None:
            text = STALE
        elif asked is False:
            text = NOT_YOURS
        else:
            recorded = await services.vote(user_id, question_id, verdict)  # type: ignore[arg-type]
            text = THANKS[verdict] if recorded is not None else NOT_RECORDED
            if recorded is not None and verdict == "not_helpful" and isinstance(asked, feedback.Question):
                await _ask_reason(client, body, recorded, asked.question)
    except (LookupError, ValueError):
        text = STALE
    except feedback.StoreBusy:  # the store could not say whether the answer is on record: try again
        text = NOT_RECORDED
    except Exception:
        log.exception("recording feedback failed")
        text = NOT_RECORDED
    await _private(respond, text)


async def _ask_reason(client: AsyncWebClient, body: dict[str, Any], feedback_id: int, question: str) -> None:
    """Open the modal asking what was wrong (optional). The trigger_id is only good for 3 s after the
    click, so this comes right after the vote; if Slack refuses it, the vote stands without a reason."""
    trigger_id = body.get("trigger_id")
    if not isinstance(trigger_id, str) or not trigger_id:
        return
    try:
        await client.views_open(trigger_id=trigger_id, view=reason_modal(feedback_id, question))
    except SlackApiError as exc:
        log.warning("could not open the reason modal: %s", exc.response.get("error", exc))


async def share_button(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond,
                       context: Any) -> None:
    await ack()
    services = services_of(context)
    user_id = body["user"]["id"]
    if not await _admitted(services, user_id, respond):
        return
    value = _value(action)
    question_id = feedback.question_id_from(value.get("q"))
    asked = await services.own_question(question_id, user_id)
    if asked is False:
        await _private(respond, NOT_YOURS)
        return
    # Only the asker sees the private answer this button is on, so with its stored question gone
    # (retention) the button's own copy of the question is asked again as the one who clicked.
    again = await answer_again(services, user_id, value)
    if again is None:
        await _private(respond, STALE)
        return
    answer, question_id, followed = again
    message = answer_message(answer, question_id, share=False, shared_by=user_id, followed=followed,
                             answerer=services.answerer)
    # Through response_url the answer reaches the channel even when the bot is not a member of it.
    await respond(response_type="in_channel", replace_original=False, unfurl_links=False, unfurl_media=False,
                  **message)
    await respond(delete_original=True)


async def explain_button(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond,
                              client: AsyncWebClient, context: Any) -> None:
    await ack()
    services = services_of(context)
    user_id = body["user"]["id"]
    if not await _admitted(services, user_id, respond):
        return
    value = _value(action)
    entry_id = value.get("e")
    if not isinstance(entry_id, str) or not entry_id or len(entry_id) > MAX_ENTRY_ID_CHARS:
        await _private(respond, STALE)
        return
    question_id = feedback.question_id_from(value.get("q"))
    # The original question is context for the asker only; anyone else gets the area on its own.
    asked = await services.own_question(question_id, user_id)
    original = asked.question if isinstance(asked, feedback.Question) else None
    answer, question_id = await services.explain(user_id, entry_id, original)
    await _deliver(body, respond, client, answer, question_id, explained=entry_id, answerer=services.answerer)


async def request_button(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond,
                         client: AsyncWebClient, context: Any) -> None:
    """A choice ("Level 3" in which craft?) or "Compare with the next level": the request it carries,
    answered as the one who clicked. A choice posted before requests asks the question it carries."""
    await ack()
    services = services_of(context)
    user_id = body["user"]["id"]
    if not await _admitted(services, user_id, respond):
        return
    value = _value(action)
    request = Request.from_json(value.get("request"))
    question = value.get("c") if "request" not in value else None
    if request is None and (not isinstance(question, str) or not question.strip()):
        await _private(respond, STALE)
        return
    # Answered in the conversation the button is in, and a follow-up there follows on from it.
    channel = _channel_of(body)
    conversation = conversation_of(channel, (body.get("message") or {}).get("thread_ts")) if channel else None
    if request is not None:
        answer, question_id, followed = await services.request(user_id, request, conversation)
    else:
        answer, question_id, followed = await services.ask(user_id, str(question), conversation)
    posted = await _deliver(body, respond, client, answer, question_id, followed=followed, answerer=services.answerer)
    if posted is not None:  # a thread under the chosen answer follows on from it, as under any DM answer
        await services.start_conversations(user_id, [conversation_of(channel, posted)], answer.context)


async def todo_button(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, context: Any) -> None:
    """"TODO areas": the unwritten areas, privately, as `/careerfw todo` lists them."""
    await ack()
    services = services_of(context)
    await respond(response_type="ephemeral", replace_original=False, unfurl_links=False,
                  **todo_message(services.answerer.todo(), services.settings.site_url))


async def checklist_dm_button(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond,
                              client: AsyncWebClient, context: Any) -> None:
    """"Send me this as a DM": the checklist, answered again from the current content in the context
    it followed on from (which the button carries), in the clicker's direct messages with the bot
    (conversations.open, then chat.postMessage). Only the asker can have it sent (like Share); a click
    on a checklist already there (a message posted before DMs stopped offering the button) sends no
    second copy."""
    await ack()
    services = services_of(context)
    user_id = body["user"]["id"]
    if not await _admitted(services, user_id, respond):
        return
    value = _value(action)
    # Like Share and the votes: a stored question is answered again only for the one who asked it, so
    # a value carrying someone else's question id (tampered, or a public answer's button) never puts
    # their question, which may have been asked privately, in the clicker's DMs.
    question_id = feedback.question_id_from(value.get("q"))
    if await services.own_question(question_id, user_id) is False:
        await _private(respond, NOT_YOURS)
        return
    try:
        opened = await client.conversations_open(users=user_id)
        channel = (opened.get("channel") or {}).get("id")
        if not channel:
            raise LookupError("conversations.open returned no channel")
    except (SlackApiError, LookupError) as exc:
        log.warning("could not open a DM with %s for a checklist: %s", user_id, exc)
        await _private(respond, DM_FAILED)
        return
    container = body.get("container") or {}
    if channel == _channel_of(body) and not container.get("is_ephemeral"):
        await _private(respond, ALREADY_IN_DM)
        return
    again = await answer_again(services, user_id, value)
    if again is None:
        await _private(respond, STALE)
        return
    answer, question_id, _ = again
    if answer.checklist is None:
        await _private(respond, NO_CHECKLIST)
        return
    try:
        await client.chat_postMessage(channel=channel, unfurl_links=False, unfurl_media=False,
                                      **answer_message(answer, question_id, dm=True, answerer=services.answerer,
                                                       whole=True))
    except SlackApiError as exc:
        log.warning("could not send a checklist to %s as a DM: %s", user_id, exc)
        await _private(respond, DM_FAILED)
        return
    await _private(respond, SENT_AS_DM)


async def show_all_button(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond,
                          client: AsyncWebClient, context: Any) -> None:
    """"Show all": the answer again from the current content, never cut to one screen (every area of a
    checklist, whole texts). Someone other than the asker gets the question the button shows asked as
    themselves, never the asker's stored (possibly private) one."""
    await ack()
    services = services_of(context)
    user_id = body["user"]["id"]
    if not await _admitted(services, user_id, respond):
        return
    value = _value(action)
    question_id = feedback.question_id_from(value.get("q"))
    if await services.own_question(question_id, user_id) is False:
        value = {k: v for k, v in value.items() if k != "q"}
    again = await answer_again(services, user_id, value)
    if again is None:
        await _private(respond, STALE)
        return
    answer, question_id, followed = again
    explained = value.get("e") if isinstance(value.get("e"), str) else None
    await _deliver(body, respond, client, answer, question_id, followed=followed, explained=explained, whole=True,
                   answerer=services.answerer)


async def answer_again(services: Services, user_id: str, value: dict[str, Any]) -> Asked | None:
    """The answer a button's value (bot.slack.blocks.again_value) gives again, from the current content:
    the request a button asked, by its names; else its stored question asked again in the context it
    followed on from, or, with that row gone, the question (or named area) the value carries, asked as
    `user_id`. None when there is nothing to ask."""
    followed = Context.from_json(value.get("x"))
    question_id = feedback.question_id_from(value.get("q"))
    request = Request.from_json(value.get("r"))
    if request is not None:  # what a button asked by its names: asked so again, not by its words
        return await services.request(user_id, request)
    again = await services.answer_again(question_id, followed) if question_id is not None else None
    if again is not None:
        answer, asked = again
        return Asked(answer, question_id, None if asked.kind == "explain" else followed)
    question = value.get("c")
    if not isinstance(question, str) or not question.strip():
        return None
    entry_id = value.get("e")
    if isinstance(entry_id, str) and entry_id and len(entry_id) <= MAX_ENTRY_ID_CHARS:
        answer, question_id = await services.explain(user_id, entry_id, question)
        return Asked(answer, question_id, None)
    return await services.ask(user_id, question, context=followed)


def _channel_of(body: dict[str, Any]) -> str:
    container = body.get("container") or {}
    return (body.get("channel") or {}).get("id") or container.get("channel_id") or ""


async def _admitted(services: Services, user_id: str, respond: AsyncRespond) -> bool:
    """Each click counts against the clicker's rate limit, like a question: the polite reply, privately."""
    limited = await services.rate_check(user_id)
    if limited:
        await _private(respond, limited)
        return False
    return True


async def _deliver(body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient, answer: Answer,
                   question_id: int | None, followed: Context | None = None,
                   explained: str | None = None, answerer: Answerer | None = None, whole: bool = False) -> str | None:
    """Where a button's answer goes: beside the message the button was on, privately unless in a DM.
    The ts of a message posted in a DM outside threads (where a thread may start), else None.
    `followed`, `explained` and `answerer` as for blocks.answer_message."""
    container = body.get("container") or {}
    channel = _channel_of(body)
    if container.get("is_ephemeral") or not channel.startswith("D"):
        # An ephemeral answer, or a channel message someone else may be reading: answer privately.
        await respond(response_type="ephemeral", replace_original=False, unfurl_links=False,
                      **answer_message(answer, question_id, answerer=answerer, share=True, followed=followed,
                                       explained=explained, whole=whole))
        return None
    thread_ts = (body.get("message") or {}).get("thread_ts")
    posted = await client.chat_postMessage(channel=channel, thread_ts=thread_ts, unfurl_links=False,
                                           unfurl_media=False,
                                           **answer_message(answer, question_id, answerer=answerer, dm=True,
                                                            whole=whole))
    ts = posted.get("ts")
    return ts if not thread_ts and isinstance(ts, str) and ts else None


def register(app: AsyncApp) -> None:
    app.action(re.compile(f"^({ACTION_HELPFUL}|{ACTION_NOT_HELPFUL}|{ACTION_FEEDBACK})$"))(tracked(feedback_button))
    app.action(ACTION_SHARE)(tracked(share_button))
    app.action(re.compile(rf"^{ACTION_DID_YOU_MEAN}_\d+$"))(tracked(explain_button))
    app.action(ACTION_WHOLE_CELL)(tracked(explain_button))
    app.action(re.compile(rf"^{ACTION_CHOOSE}_\d+$"))(tracked(request_button))
    app.action(ACTION_COMPARE_NEXT)(tracked(request_button))
    app.action(ACTION_TODO_AREAS)(tracked(todo_button))
    app.action(ACTION_CHECKLIST_DM)(tracked(checklist_dm_button))
    app.action(ACTION_SHOW_ALL)(tracked(show_all_button))
