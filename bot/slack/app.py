"""The Bolt app, and the ASGI app that serves it over HTTP.

    services = Services.create(settings, answerer)
    app = build_app(settings, services)                    # Bolt AsyncApp, listeners registered
    asgi = build_asgi_app(settings, answerer)              # Starlette: POST /slack/events, GET /healthz

`build_asgi_app` is the one function any server needs: uvicorn in `careerfw serve --http`, and tests or
load tests that start it in-process on a loopback port, e.g.

    asgi = build_asgi_app(settings, answerer)              # settings.slack_api_url -> a fake Web API
    server = uvicorn.Server(uvicorn.Config(asgi, log_level="warning"))
    threading.Thread(target=server.run, kwargs={"sockets": [bound_socket]}, daemon=True).start()

`asgi.state.services` holds the shared Services (answerer, state DB, limiter, health, executor): a hot
reload calls `asgi.state.services.answerer.reload(content_dir, index_dir)`, which swaps the index
while requests keep being served.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

import aiohttp
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.config import Settings
from bot.health import Health, starlette_healthz
from bot.slack import guard
from bot.slack.delivery import retry_handlers, retrying_respond
from bot.slack.listeners import register_listeners
from bot.slack.middleware import attach_services, drop_repeated_clicks, drop_retried_events
from bot.slack.services import Services
from bot.store import Store
from bot.store.events import EventLedger
from index import Answerer

log = logging.getLogger("careerfw.slack")
EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"


def web_client(settings: Settings) -> AsyncWebClient:
    """The Web API client; SLACK_API_URL (GovSlack, tests) replaces Slack's base URL."""
    return AsyncWebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        retry_handlers=retry_handlers(settings.slack_retry_seconds),  # answers survive a bad minute
    )


class StartupAuthorization:
    """Single-workspace authorization whose one auth.test happens at start-up (`warm`).

    Bolt's built-in single-team authorization calls auth.test lazily, inside the first request,
    before that request can be acknowledged; a slow Web API would then eat into Slack's 3 s. Here
    the result is fetched before requests are accepted and reused for every request."""

    def __init__(self, client: AsyncWebClient, bot_token: str | None) -> None:
        self.client = client
        self.bot_token = bot_token
        self.result: AuthorizeResult | None = None

    async def warm(self) -> AuthorizeResult:
        if self.result is None:
            response = await self.client.auth_test(token=self.bot_token)
            self.result = AuthorizeResult.from_auth_test_response(
                auth_test_response=response, bot_token=self.bot_token, user_token=None
            )
        return self.result

    def authorize_function(self) -> Callable[..., Awaitable[AuthorizeResult]]:
        # A plain function: Bolt injects arguments by parameter name and would mistake `self` for one.
        async def authorize(enterprise_id: str | None, team_id: str | None, user_id: str | None) -> AuthorizeResult:
            return self.result or await self.warm()

        return authorize


def build_app(settings: Settings, services: Services, client: AsyncWebClient | None = None) -> AsyncApp:
    """The Bolt app with every listener. Request signatures are checked whenever a signing secret is
    set (always in HTTP mode); Socket Mode needs none. The bot token is handed to each request by
    `services.authorization` (warm it before accepting requests)."""
    client = client or web_client(settings)
    bot_token = client.token or settings.slack_bot_token
    client.token = None  # Bolt gives every request its own client carrying the authorized token
    services.authorization = StartupAuthorization(client, bot_token)
    app = AsyncApp(
        name="careerfw",
        signing_secret=settings.slack_signing_secret,
        client=client,
        authorize=services.authorization.authorize_function(),
        request_verification_enabled=bool(settings.slack_signing_secret),
        logger=logging.getLogger("careerfw.slack.bolt"),
    )
    app.use(attach_services(services))
    app.use(retrying_respond(settings.slack_retry_seconds))
    ledger = EventLedger(services.store)
    app.use(drop_retried_events(ledger))
    app.use(drop_repeated_clicks(ledger))
    register_listeners(app)
    return app


async def warm_authorization(services: Services) -> None:
    """auth.test before the first request; if Slack is unreachable right now, the first request retries."""
    if services.authorization is None:
        return
    try:
        await services.authorization.warm()
    except (SlackApiError, SlackClientError, OSError, aiohttp.ClientError) as exc:
        log.warning("auth.test at start-up failed (%s); the first request will try again", exc)


def build_asgi_app(
    settings: Settings,
    answerer: Answerer,
    client: AsyncWebClient | None = None,
    *,
    services: Services | None = None,
    health: Health | None = None,
    store: Store | None = None,
    mark_ready: bool = True,
) -> Starlette:
    """POST /slack/events (Slack-signed requests) and GET /healthz, over an already loaded answerer.

    Health is marked ready here because the answerer is loaded and warm by the time this is called,
    unless `mark_ready` is False (the server marks it once this app is the one serving); pass a
    `health` to share it with other servers in the process."""
    services = services or Services.create(settings, answerer, health, store)
    if mark_ready and not services.health.ready:
        services.health.mark_ready(entries=len(answerer.entries))
    handler = AsyncSlackRequestHandler(build_app(settings, services, client))
    verifier = SignatureVerifier(settings.slack_signing_secret) if settings.slack_signing_secret else None

    async def events(request: Request) -> Response:
        return await guard.refusal(request, verifier) or await handler.handle(request)

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await warm_authorization(services)
        yield
        # Answers acknowledged but not yet posted finish before the answer pool closes (SIGTERM):
        # uvicorn has closed its connections by now, but listeners run on after their ack.
        await services.drain()
        services.close()

    asgi = Starlette(
        routes=[
            Route(EVENTS_PATH, events, methods=["POST"]),
            Route(HEALTH_PATH, starlette_healthz(services.health), methods=["GET"]),
        ],
        lifespan=lifespan,
    )
    asgi.state.services = services
    return asgi
