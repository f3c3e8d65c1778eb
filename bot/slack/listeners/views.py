"""Modal submissions: the optional reason given with a thumbs-down (bot/slack/modals.py)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.slack.modals import (
    NOT_A_THUMBS_DOWN,
    NOT_RECORDED,
    REASON_BLOCK,
    REASON_CALLBACK,
    notice_view,
    reason_thanks,
    submitted,
)
from bot.slack.services import services_of, tracked

log = logging.getLogger("careerfw.slack")


async def reason_submitted(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: Any) -> None:
    """Store the reason with the vote, then answer the submission: the modal shows the reason back,
    or stays open saying it could not be kept, so nothing typed is lost without the person knowing.
    The store gives up within about a second, well inside Slack's 3 s for the ack."""
    feedback_id, reason = submitted(view)
    if feedback_id is None or not reason.strip():
        await ack()  # sent empty (the reason is optional) or not ours: the modal just closes
        return
    services = services_of(context)
    stored = await services.add_reason(body["user"]["id"], feedback_id, reason)
    if stored is None:
        await ack(response_action="errors", errors={REASON_BLOCK: NOT_RECORDED})
    elif not stored:
        await ack(response_action="update", view=notice_view(NOT_A_THUMBS_DOWN))
    else:
        await ack(response_action="update", view=reason_thanks(reason.strip()))


def register(app: AsyncApp) -> None:
    app.view(REASON_CALLBACK)(tracked(reason_submitted))
