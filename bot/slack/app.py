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
from collections.abc import AsyncIterator

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.config import Settings
from bot.health import Health, starlette_healthz
from bot.slack.delivery import retry_handlers, retrying_respond
from bot.slack.listeners import register_listeners
from bot.slack.middleware import EventDedupe, attach_services, drop_retried_events
from bot.slack.services import Services
from index.answer import Answerer

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"


def web_client(settings: Settings) -> AsyncWebClient:
    """The Web API client; SLACK_API_URL (GovSlack, tests) replaces Slack's base URL."""
    return AsyncWebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        retry_handlers=retry_handlers(settings.slack_retry_seconds),  # answers survive a bad minute
    )


def build_app(settings: Settings, services: Services, client: AsyncWebClient | None = None) -> AsyncApp:
    """The Bolt app with every listener. Request signatures are checked whenever a signing secret is
    set (always in HTTP mode); Socket Mode needs none."""
    client = client or web_client(settings)
    if client.token is None:  # the bot token travels on the client; Bolt takes it from there
        client.token = settings.slack_bot_token
    app = AsyncApp(
        name="careerfw",
        signing_secret=settings.slack_signing_secret,
        client=client,
        request_verification_enabled=bool(settings.slack_signing_secret),
        logger=logging.getLogger("careerfw.slack.bolt"),
    )
    app.use(attach_services(services))
    app.use(retrying_respond(settings.slack_retry_seconds))
    app.use(drop_retried_events(EventDedupe()))
    register_listeners(app)
    return app


def build_asgi_app(
    settings: Settings,
    answerer: Answerer,
    client: AsyncWebClient | None = None,
    *,
    services: Services | None = None,
    health: Health | None = None,
) -> Starlette:
    """POST /slack/events (Slack-signed requests) and GET /healthz, over an already loaded answerer.

    Health is marked ready here because the answerer is loaded and warm by the time this is called;
    pass a `health` to share it with other servers in the process."""
    services = services or Services.create(settings, answerer, health)
    if not services.health.ready:
        services.health.mark_ready(entries=len(answerer.entries))
    handler = AsyncSlackRequestHandler(build_app(settings, services, client))

    async def events(request: Request) -> Response:
        return await handler.handle(request)

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
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
