"""Global Bolt middleware: hand listeners the shared services, and drop events already answered.

An event's id is recorded in the shared store (bot/store/events.py), so a retry or a duplicate
delivery that reaches any replica is acknowledged without being answered again."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.slack.services import SERVICES_KEY, Services
from bot.store.events import EventLedger

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
