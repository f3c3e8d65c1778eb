"""/careerfw <question> | help | todo: acknowledged at once, answered privately via response_url."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.slack.blocks import plain_question
from bot.slack.listeners.replies import reply_for
from bot.slack.services import services_of, tracked

COMMAND = "/careerfw"


async def careerfw_command(ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, context: Any) -> None:
    # Ack first and empty: Slack needs it within 3 s, and the answer follows through response_url.
    await ack()
    question = plain_question(command.get("text", ""))
    reply = await reply_for(services_of(context), command["user_id"], question, share=True)
    await respond(
        response_type="ephemeral", replace_original=False, unfurl_links=False, unfurl_media=False, **reply.message
    )


def register(app: AsyncApp) -> None:
    app.command(COMMAND)(tracked(careerfw_command))
