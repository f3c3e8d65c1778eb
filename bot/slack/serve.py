"""`careerfw serve` (and `careerfw run` with Slack tokens): check the tokens (startup.py), open the
shared runtime (model, index, /healthz, reload, nudges), build the Slack app and run it.

Socket Mode when SLACK_APP_TOKEN is set and --http is not given (no public URL needed; GET /healthz on
--health-port if given). HTTP mode otherwise: uvicorn serving POST /slack/events and GET /healthz.
Every start-up failure is one line on stderr and exit code 1.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import socket
import sys
import threading
from typing import Any

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.config import Settings
from bot.health import Health, starlette_healthz
from bot.runtime import Runtime
from bot.slack.nudge import start_slack_nudges
from bot.slack.startup import StartupError, bind, check_tokens

log = logging.getLogger("careerfw.slack")


def _health_thread(health: Health, sock: socket.socket) -> None:
    """Socket Mode's optional GET /healthz, served from its own thread before the model loads."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.routing import Route

    asgi = Starlette(routes=[Route("/healthz", starlette_healthz(health), methods=["GET"])])
    server = uvicorn.Server(uvicorn.Config(asgi, log_level="warning", access_log=False))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="careerfw-health", daemon=True).start()


def _serve_http(runtime: Runtime, sock: socket.socket) -> int:
    import uvicorn

    from bot.slack.app import build_asgi_app

    class Server(uvicorn.Server):
        async def shutdown(self, sockets: Any = None) -> None:
            await super().shutdown(sockets)
            # uvicorn re-raises SIGTERM/SIGINT after a graceful shutdown, so the process would die by
            # the signal; the shutdown is complete, so exit 0 like any orderly stop.
            getattr(self, "_captured_signals", []).clear()

    asgi = build_asgi_app(runtime.settings, runtime.answerer, health=runtime.health, store=runtime.store)
    server = Server(uvicorn.Config(asgi, log_level="info", access_log=False, timeout_graceful_shutdown=10))
    server.run(sockets=[sock])
    log.info("stopped")
    return 0


async def _socket_mode(runtime: Runtime) -> int:
    import aiohttp
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    from bot.slack.app import build_app, warm_authorization
    from bot.slack.services import Services

    settings = runtime.settings
    services = Services.create(settings, runtime.answerer, runtime.health, runtime.store)
    handler = AsyncSocketModeHandler(build_app(settings, services), settings.slack_app_token)
    await warm_authorization(services)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await handler.connect_async()
    except SlackApiError as exc:
        raise StartupError(f"Slack refused SLACK_APP_TOKEN: {exc.response.get('error', 'unknown_error')}") from None
    except (SlackClientError, OSError, aiohttp.ClientError) as exc:
        raise StartupError(f"cannot open the Socket Mode connection: {exc}") from None
    log.info("connected to Slack in Socket Mode")
    try:
        await stop.wait()
    finally:
        await handler.close_async()
        await services.drain()
        services.close()
    return 0


def serve_command(args: argparse.Namespace, settings: Settings) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if getattr(args, "http", False) or settings.mode == "http":
        http = True
    elif settings.mode == "socket":  # asked for explicitly: a missing app token is an error, not HTTP
        http = False
    else:
        http = not settings.slack_app_token
    host = getattr(args, "host", None) or "0.0.0.0"
    port = getattr(args, "port", None)
    port = settings.port if port is None else port
    health_port = getattr(args, "health_port", None)
    try:
        auth = check_tokens(settings, http)
        log.info("Slack accepted the bot token: %s in %s", auth.get("user", "?"), auth.get("team", "?"))
        health = Health()
        sock = bind(host, port) if http else None
        if not http and health_port:
            _health_thread(health, bind(host, health_port))
        # Model and index load before any request is accepted, so the first question is as fast as any.
        runtime = Runtime.open(settings, health, progress=False)
        start_slack_nudges(runtime)
        try:
            if http:
                assert sock is not None
                log.info("serving Slack over HTTP on %s:%d (POST /slack/events, GET /healthz)", host, port)
                return _serve_http(runtime, sock)
            return asyncio.run(_socket_mode(runtime))
        finally:
            runtime.stop()
    except StartupError as exc:
        print(f"careerfw: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
