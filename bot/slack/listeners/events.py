"""Events: direct messages (message.im) answered in the DM, @mentions (app_mention) answered in the
thread, and App Home (app_home_opened): how to ask, and what the framework has not written yet."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.blocks import home_view, plain_question
from bot.slack.listeners.replies import conversation_of, reply_for
from bot.slack.services import services_of, tracked


def _from_a_person(event: dict[str, Any], bot_user_id: str | None) -> bool:
    """Edits, deletions, joins (any subtype), other bots and our own messages are not questions."""
    return not (
        event.get("subtype")
        or event.get("bot_id")
        or event.get("bot_profile")
        or not event.get("user")
        or (bot_user_id and event.get("user") == bot_user_id)
    )


async def direct_message(event: dict[str, Any], client: AsyncWebClient, context: Any) -> None:
    if event.get("channel_type") != "im" or not _from_a_person(event, context.get("bot_user_id")):
        return
    reply = await reply_for(services_of(context), event["user"], plain_question(event.get("text", "")), share=False,
                            conversation=conversation_of(event["channel"], event.get("thread_ts")))
    await client.chat_postMessage(
        channel=event["channel"],
        thread_ts=event.get("thread_ts"),
        unfurl_links=False,
        unfurl_media=False,
        **reply.message,
    )


async def app_mention(event: dict[str, Any], client: AsyncWebClient, context: Any) -> None:
    # A mention inside our DM also arrives as message.im, which answers it: never answer twice.
    if not _from_a_person(event, context.get("bot_user_id")) or str(event.get("channel", "")).startswith("D"):
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


async def app_home_opened(event: dict[str, Any], client: AsyncWebClient, context: Any) -> None:
    if event.get("tab", "home") != "home":
        return
    services = services_of(context)
    view = home_view(services.answerer.todo(), services.settings.site_url)
    await client.views_publish(user_id=event["user"], view=view)


def register(app: AsyncApp) -> None:
    app.event("message")(tracked(direct_message))
    app.event("app_mention")(tracked(app_mention))
    app.event("app_home_opened")(tracked(app_home_opened))
