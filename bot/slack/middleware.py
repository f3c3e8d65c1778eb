"""Global Bolt middleware: hand listeners the shared services, and drop retried events."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.slack.services import SERVICES_KEY, Services

DEDUPE_TTL_S = 3600.0  # Slack retries within minutes; an hour is generous and still bounded
DEDUPE_MAX = 50_000


class EventDedupe:
    """event_ids already accepted, so a retry (x-slack-retry-num) is acknowledged but not answered
    again. In memory: one process serves one app; after a restart a retry is answered, which is
    right when the first delivery died with the old process."""

    def __init__(self, ttl_s: float = DEDUPE_TTL_S, max_size: int = DEDUPE_MAX) -> None:
        self.ttl = ttl_s
        self.max_size = max_size
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, event_id: str) -> bool:
        now = time.monotonic()
        with self._lock:
            while self._seen and (len(self._seen) > self.max_size or next(iter(self._seen.values())) < now - self.ttl):
                self._seen.popitem(last=False)
            if event_id in self._seen:
                return False
            self._seen[event_id] = now
            return True


def attach_services(services: Services) -> Callable[..., Awaitable[Any]]:
    async def middleware(context: dict[str, Any], next: Callable[[], Awaitable[Any]]) -> Any:  # noqa: A002
        context[SERVICES_KEY] = services
        return await next()

    return middleware


def drop_retried_events(dedupe: EventDedupe) -> Callable[..., Awaitable[Any]]:
    async def middleware(
        req: AsyncBoltRequest, body: dict[str, Any], logger: Any, next: Callable[[], Awaitable[Any]]  # noqa: A002
    ) -> Any:
        event_id = body.get("event_id") if isinstance(body, dict) else None
        if event_id and not dedupe.first_time(str(event_id)):
            retry = (req.headers.get("x-slack-retry-num") or ["?"])[0]
            reason = (req.headers.get("x-slack-retry-reason") or ["?"])[0]
            logger.info("event %s already handled; acknowledging retry %s (%s)", event_id, retry, reason)
            return BoltResponse(status=200, body="")
        return await next()

    return middleware
