"""Global Bolt middleware: hand listeners the shared services, and drop events and clicks already answered.

An event's id is recorded in the shared store (bot/store/events.py), so a retry or a duplicate
delivery that reaches any replica is acknowledged without being answered again. A button click is
recorded the same way: the same interactive payload delivered twice, or a double click, is
acknowledged and answered once, whichever replicas the deliveries reach."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.slack.services import SERVICES_KEY, Services
from bot.store.events import EventLedger, click_key, first_click

log = logging.getLogger("careerfw.slack")

# A de-duplication check runs before the ack: past this the event is treated as new (fail open), as
# Slack wants its ack within 3 s and a double answer is better than none.
DEDUPE_WAIT_S = 1.0


def attach_services(services: Services) -> Callable[..., Awaitable[Any]]:
    async def middleware(context: dict[str, Any], next: Callable[[], Awaitable[Any]]) -> Any:  # noqa: A002
        context[SERVICES_KEY] = services
        return await next()

    return middleware


async def _first_time(ledger: EventLedger, event_id: str) -> bool:
    try:
        return await asyncio.wait_for(asyncio.to_thread(ledger.first_time, f"slack:{event_id}"), DEDUPE_WAIT_S)
    except TimeoutError:
        log.warning("event %s: de-duplication took over %.1f s; answering it", event_id, DEDUPE_WAIT_S)
        return True


def drop_retried_events(ledger: EventLedger) -> Callable[..., Awaitable[Any]]:
    async def middleware(
        req: AsyncBoltRequest, body: dict[str, Any], logger: Any, next: Callable[[], Awaitable[Any]]  # noqa: A002
    ) -> Any:
        event_id = body.get("event_id") if isinstance(body, dict) else None
        if event_id and not await _first_time(ledger, str(event_id)):
            retry = (req.headers.get("x-slack-retry-num") or ["?"])[0]
            reason = (req.headers.get("x-slack-retry-reason") or ["?"])[0]
            logger.info("event %s already handled; acknowledging retry %s (%s)", event_id, retry, reason)
            return BoltResponse(status=200, body="")
        return await next()

    return middleware


def _click(body: dict[str, Any]) -> tuple[str, str] | None:
    """The keys of a block_actions click (see EventLedger.first_click): this delivery, by the action's
    own action_ts, and the button pressed, by who pressed which button on which message."""
    if body.get("type") != "block_actions":
        return None
    actions = body.get("actions") or []
    action = actions[0] if actions and isinstance(actions[0], dict) else {}
    user = (body.get("user") or {}).get("id")
    action_ts = action.get("action_ts")
    if not user or not action_ts:
        return None  # nothing identifies the click: answer it
    team = (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id") or ""
    message_ts = (body.get("container") or {}).get("message_ts") or (body.get("message") or {}).get("ts") or ""
    button = (team, user, action.get("action_id"), action.get("block_id"), message_ts, action.get("value"))
    return click_key("slack-click", *button, action_ts), click_key("slack-button", *button)


def drop_repeated_clicks(ledger: EventLedger) -> Callable[..., Awaitable[Any]]:
    async def middleware(body: dict[str, Any], logger: Any, next: Callable[[], Awaitable[Any]]) -> Any:  # noqa: A002
        keys = _click(body) if isinstance(body, dict) else None
        if keys and not await first_click(ledger, *keys, DEDUPE_WAIT_S):
            logger.info("button %s clicked again or delivered twice; acknowledged without answering",
                        (body.get("actions") or [{}])[0].get("action_id"))
            return BoltResponse(status=200, body="")
        return await next()

    return middleware
