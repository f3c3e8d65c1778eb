"""Getting answers back to Slack through a bad minute: retry with capped backoff, then report.

An answer is computed after the ack, so when Slack's Web API or a response URL answers 5xx, refuses
connections or rate-limits, the only copy of that answer is in this process. slack_sdk retries only
connection errors, once, by default, and Bolt's `respond()` ignores the status it gets back, so an
answer would vanish without a trace. Here both retry for CAREERFW_SLACK_RETRY_SECONDS (default 120 s:
beyond a minute-long outage; a response URL stays valid for 30 minutes) and a delivery that still
fails is logged as an error naming what was lost.

auth.test is never retried here: Bolt calls it before acknowledging a request, and Slack's 3 s ack
limit matters more than one authorisation.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.context.respond.internals import _build_message
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.interval_calculator import RetryIntervalCalculator
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.webhook import WebhookResponse
from slack_sdk.webhook.async_client import AsyncWebhookClient

log = logging.getLogger("careerfw.slack.delivery")

FIRST_WAIT_S = 1.0
MAX_WAIT_S = 15.0
NOT_RETRIED = ("auth.test",)


class CappedBackoff(RetryIntervalCalculator):
    """1, 2, 4, 8, 15, 15, … seconds, each ±20% so replicas do not retry in step."""

    def __init__(self, first: float = FIRST_WAIT_S, cap: float = MAX_WAIT_S) -> None:
        self.first = first
        self.cap = cap

    def nominal(self, attempt: int) -> float:
        return min(self.cap, self.first * (2**attempt))

    def calculate_sleep_duration(self, current_attempt: int) -> float:
        return self.nominal(current_attempt) * random.uniform(0.8, 1.2)


def retries_within(budget_s: float, backoff: CappedBackoff) -> int:
    """How many retries fit in `budget_s` seconds of waiting."""
    count, waited = 0, 0.0
    while count < 100 and waited + backoff.nominal(count) <= budget_s:
        waited += backoff.nominal(count)
        count += 1
    return count


def _retried(request: HttpRequest) -> bool:
    return not any(request.url.rstrip("/").endswith(method) for method in NOT_RETRIED)


class ServerErrorRetry(AsyncRetryHandler):
    """Any 5xx (slack_sdk's own handler knows only 500 and 503)."""

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return response is not None and response.status_code >= 500 and _retried(request)


class ConnectionErrorRetry(AsyncConnectionErrorRetryHandler):
    async def _can_retry_async(self, *, state: RetryState, request: HttpRequest, **kwargs: Any) -> bool:
        return _retried(request) and await super()._can_retry_async(state=state, request=request, **kwargs)


def retry_handlers(budget_s: float) -> list[AsyncRetryHandler]:
    backoff = CappedBackoff()
    count = retries_within(budget_s, backoff)
    return [
        ConnectionErrorRetry(max_retry_count=count, interval_calculator=backoff),
        ServerErrorRetry(max_retry_count=count, interval_calculator=backoff),
        AsyncRateLimitErrorRetryHandler(max_retry_count=count),  # waits as long as Retry-After says
    ]


class RetryingRespond(AsyncRespond):
    """Bolt's `respond()`, retried, and loud when it finally fails."""

    def __init__(self, *, response_url: str | None, budget_s: float, proxy: str | None = None,
                 ssl: Any = None) -> None:
        super().__init__(response_url=response_url, proxy=proxy, ssl=ssl)
        self.budget_s = budget_s

    async def __call__(self, text: str | dict[str, Any] = "", **kwargs: Any) -> WebhookResponse:  # type: ignore[override]
        if self.response_url is None:
            raise ValueError("respond is unsupported here as there is no response_url")
        client = AsyncWebhookClient(
            url=self.response_url, proxy=self.proxy, ssl=self.ssl, retry_handlers=retry_handlers(self.budget_s)
        )
        message = _build_message(**text) if isinstance(text, dict) else _build_message(text=text, **kwargs)
        try:
            response = await client.send_dict(message)
        except Exception as exc:
            log.error("an answer was lost: Slack's response URL could not be reached for %.0f s (%s)",
                      self.budget_s, exc)
            raise
        if response.status_code != 200:
            log.error("an answer was lost: Slack's response URL kept answering HTTP %s for %.0f s (%s)",
                      response.status_code, self.budget_s, (response.body or "")[:200])
        return response


def retrying_respond(budget_s: float) -> Callable[..., Awaitable[Any]]:
    """Global Bolt middleware: listeners' `respond` retries like the Web API client does."""

    async def middleware(context: Any, next: Callable[[], Awaitable[Any]]) -> Any:  # noqa: A002
        if context.response_url:
            client = context.client
            context["respond"] = RetryingRespond(
                response_url=context.response_url,
                budget_s=budget_s,
                proxy=getattr(client, "proxy", None),
                ssl=getattr(client, "ssl", None),
            )
        return await next()

    return middleware
