"""Events: direct messages (message.im) answered in the DM, @mentions (app_mention) answered in the
thread, App Home (app_home_opened): how to ask, and what the framework has not written yet, and Slack's
agent messaging experience: suggested prompts made from the loaded framework when the Messages tab or
a new agent thread opens, and a status while a question in an agent thread is being answered.

An agent thread is a DM message with a thread_ts, as bolt-python's Assistant defines it; it is answered
by the same path as any DM, with the status first and Slack's own feedback buttons on the answer. A
thread someone starts in a classic DM, under a question or its answer, is one too: it follows on from
that answer, while the DM outside threads stays one conversation."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.set_status.async_set_status import AsyncSetStatus
from slack_bolt.context.set_suggested_prompts.async_set_suggested_prompts import AsyncSetSuggestedPrompts
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.prompts import suggested_prompts
from bot.slack.blocks import home_view, how_to_ask, plain_question
from bot.slack.blocks import suggested_prompts as prompt_payload
from bot.slack.listeners.replies import conversation_of, reply_for
from bot.slack.services import Services, services_of, tracked

log = logging.getLogger("careerfw.slack")
STATUS = "Searching the framework…"
STATUS_WAIT_S = 3.0
PROMPTS_TITLE = "Ask the framework, for example:"
HOME_BLOCKS = 100  # Slack's limit for a Home tab view


def _from_a_person(event: dict[str, Any], bot_user_id: str | None) -> bool:
    """Edits, deletions, joins (any subtype), other bots and our own messages are not questions."""
    return not (
        event.get("subtype")
        or event.get("bot_id")
        or event.get("bot_profile")
        or not event.get("user")
        or (bot_user_id and event.get("user") == bot_user_id)
    )


def _well_formed(event: dict[str, Any], *required: str) -> bool:
    """Whether `event` has each `required` field as a non-empty string, and `text` and `thread_ts` (when
    present) as strings. Slack always sends them so; a signed event that does not is acknowledged
    (so it is not retried) and ignored with one warning line, never a listener traceback."""
    problem = next((f"no `{name}`" for name in required if not event.get(name)), None)
    problem = problem or next((f"`{name}` is not a string" for name in (*required, "text", "thread_ts")
                               if name in event and not isinstance(event[name], str)), None)
    if problem is None:
        return True
    log.warning("ignored a %s event: %s", str(event.get("type"))[:40], problem)
    return False


async def _show_status(set_status: AsyncSetStatus) -> None:
    """The "Searching…" status of an agent thread. Cosmetic: a thread Slack refuses it for (a classic DM
    thread, an app without the agent view) still gets its answer."""
    try:
        await set_status(STATUS)
    except (SlackApiError, SlackClientError, OSError) as exc:
        log.debug("assistant.threads.setStatus refused (%s); answering without a status", exc)


async def direct_message(event: dict[str, Any], client: AsyncWebClient, context: Any,
                         set_status: AsyncSetStatus | None = None) -> None:
    if event.get("channel_type") != "im" or not _from_a_person(event, context.get("bot_user_id")):
        return
    if not _well_formed(event, "channel", "user"):
        return
    agent_thread = bool(event.get("thread_ts"))
    # The status request goes out first and runs while the question is answered; it is done before
    # the answer is posted, which is what clears it.
    status = asyncio.create_task(_show_status(set_status)) if agent_thread and set_status else None
    services = services_of(context)
    reply = await reply_for(services, event["user"], plain_question(event.get("text", "")), share=False,
                            conversation=conversation_of(event["channel"], event.get("thread_ts")),
                            native_feedback=agent_thread, dm=True)
    if status is not None:
        # Cosmetic, so bounded: a Web API retrying a rate-limited status never holds up the answer.
        try:
            await asyncio.wait_for(status, STATUS_WAIT_S)
        except TimeoutError:
            log.info("assistant.threads.setStatus still pending after %.0f s; answering without it", STATUS_WAIT_S)
    posted = await client.chat_postMessage(
        channel=event["channel"],
        thread_ts=event.get("thread_ts"),
        unfurl_links=False,
        unfurl_media=False,
        **reply.message,
    )
    if not agent_thread:
        # A reply in a thread under the question or its answer follows on from this answer, as in a
        # mention's thread; the DM itself goes on as one conversation.
        under = [ts for ts in (event.get("ts"), posted.get("ts")) if isinstance(ts, str) and ts]
        await services.start_conversations(
            event["user"], [conversation_of(event["channel"], ts) for ts in under], reply.context)


async def app_mention(event: dict[str, Any], client: AsyncWebClient, context: Any) -> None:
    if not _from_a_person(event, context.get("bot_user_id")) or not _well_formed(event, "channel", "user", "ts"):
        return
    # A mention inside our DM also arrives as message.im, which answers it: never answer twice.
    if event["channel"].startswith("D"):
        return
    bot_user_id = context.get("bot_user_id") or ""
    text = event.get("text", "")
    if bot_user_id:  # our own mention is how we were called, not part of the question
        text = re.sub(rf"<@{re.escape(bot_user_id)}(\|[^>]*)?>", " ", text)
    thread_ts = event.get("thread_ts") or event["ts"]
    reply = await reply_for(services_of(context), event["user"], plain_question(text), share=False,
                            conversation=conversation_of(event["channel"], thread_ts))
    if reply.refused:  # only the asker needs to hear it, not the whole channel
        await client.chat_postEphemeral(channel=event["channel"], user=event["user"], thread_ts=thread_ts,
                                        **reply.message)
        return
    await client.chat_postMessage(
        channel=event["channel"], thread_ts=thread_ts, unfurl_links=False, unfurl_media=False, **reply.message
    )


async def _offer_prompts(services: Services, set_suggested_prompts: AsyncSetSuggestedPrompts | None) -> None:
    if set_suggested_prompts is None:
        return
    answerer = services.answerer
    prompts = suggested_prompts(answerer.entries, answerer.todo(), order=answerer.level_order)
    if not prompts:
        return
    try:
        await set_suggested_prompts(prompt_payload(prompts), title=PROMPTS_TITLE)
    except (SlackApiError, SlackClientError, OSError) as exc:
        # An app whose manifest lacks the agent view (or assistant:write) has no prompts to set.
        log.warning("assistant.threads.setSuggestedPrompts failed (%s); see docs/slack.md, agent view", exc)


async def assistant_thread_started(context: Any,
                                   set_suggested_prompts: AsyncSetSuggestedPrompts | None = None) -> None:
    await _offer_prompts(services_of(context), set_suggested_prompts)


async def assistant_thread_context_changed() -> None:
    """Which channel the person is looking at does not change what the framework says: nothing to do,
    but the event is acknowledged rather than left unhandled."""


async def app_home_opened(event: dict[str, Any], client: AsyncWebClient, context: Any,
                          set_suggested_prompts: AsyncSetSuggestedPrompts | None = None) -> None:
    tab = event.get("tab", "home")
    if tab == "messages":
        await _offer_prompts(services_of(context), set_suggested_prompts)
        return
    if tab != "home" or not _well_formed(event, "user"):
        return
    services = services_of(context)
    view = home_view(services.answerer.todo(), services.settings.site_url, how_to_ask(services.answerer))
    # Owners in owners.yaml also see the owners' report summary; everyone else the home above.
    answerer = services.answerer
    # Read here, not at import: the weekly report's modules are not needed before /healthz says 200.
    from bot.slack.report import owner_home_blocks

    owners_part = await services.run(owner_home_blocks, services.settings, services.store, answerer.entries,
                                     answerer.embedder.encode, event["user"])
    if owners_part:
        view = {**view, "blocks": [*view["blocks"], *owners_part][:HOME_BLOCKS]}
    await client.views_publish(user_id=event["user"], view=view)


def register(app: AsyncApp) -> None:
    app.event("message")(tracked(direct_message))
    app.event("app_mention")(tracked(app_mention))
    app.event("app_home_opened")(tracked(app_home_opened))
    app.event("assistant_thread_started")(tracked(assistant_thread_started))
    app.event("assistant_thread_context_changed")(assistant_thread_context_changed)
