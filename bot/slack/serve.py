"""`careerfw serve` (and `careerfw run` with Slack tokens): check the tokens, load the model and
index, then accept Slack requests.

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

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.config import Settings
from bot.health import Health, starlette_healthz

log = logging.getLogger("careerfw.slack")
AUTH_TIMEOUT_S = 15


class StartupError(Exception):
    """A reason the app cannot start, worded for the person starting it."""


def check_tokens(settings: Settings, http: bool) -> dict[str, Any]:
    """Fail fast, before the slow model load: every token present and accepted by Slack.
    Returns auth.test's answer (bot user id, team)."""
    if not settings.slack_bot_token:
        raise StartupError("SLACK_BOT_TOKEN is not set: the app needs its bot token (xoxb-…, from OAuth & Permissions)")
    if http and not settings.slack_signing_secret:
        raise StartupError(
            "SLACK_SIGNING_SECRET is not set: HTTP mode needs it to verify requests (Basic Information > App "
            "Credentials); for Socket Mode set SLACK_APP_TOKEN instead"
        )
    if not http and not settings.slack_app_token:
        raise StartupError("SLACK_APP_TOKEN is not set: Socket Mode needs an app-level token (xapp-…)")
    client = WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url, timeout=AUTH_TIMEOUT_S)
    try:
        auth = client.auth_test()
    except SlackApiError as exc:
        raise StartupError(f"Slack refused SLACK_BOT_TOKEN: {exc.response.get('error', 'unknown_error')}") from None
    except (SlackClientError, OSError) as exc:
        raise StartupError(f"cannot reach the Slack Web API at {settings.slack_api_url}: {exc}") from None
    if not http:
        try:
            WebClient(base_url=settings.slack_api_url, timeout=AUTH_TIMEOUT_S).apps_connections_open(
                app_token=settings.slack_app_token or ""
            )
        except SlackApiError as exc:
            error = exc.response.get("error", "unknown_error")
            raise StartupError(f"Slack refused SLACK_APP_TOKEN: {error}") from None
        except (SlackClientError, OSError) as exc:
            raise StartupError(f"cannot reach the Slack Web API at {settings.slack_api_url}: {exc}") from None
    return dict(auth.data) if isinstance(auth.data, dict) else {}


def bind(host: str, port: int) -> socket.socket:
    """Claim the port now, so "address in use" fails before the model loads; the server calls
    listen() later, so until then connections are refused rather than queued unanswered."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise StartupError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.set_inheritable(True)
    return sock


def start_nudges(settings: Settings, answerer: Any) -> Any:
    """The weekly TODO nudge, in-process, when CAREERFW_NUDGE_CHANNEL is set and CAREERFW_SCHEDULER is
    not off. It reads `answerer.entries` at each run, so it nudges about the content being served."""
    if not (settings.scheduler_enabled and settings.nudge_channel):
        return None
    from bot.nudge.scheduler import start_scheduler

    return start_scheduler(settings, answerer=answerer)


def _content_reload(settings: Settings, answerer: Any, health: Health) -> None:
    """Content updates while serving: SIGHUP (and CAREERFW_RELOAD_SECONDS) check, rebuild and swap."""
    from bot.reload import install

    def report(outcome: Any) -> None:
        if outcome.ok:
            health.mark_ready(entries=len(answerer.entries), index=outcome.build_id)

    install(answerer, settings.content_dir, settings.index_dir, settings.reload_seconds, on_reload=report)


def _health_thread(health: Health, sock: socket.socket) -> None:
    """Socket Mode's optional GET /healthz, served from its own thread before the model loads."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.routing import Route

    asgi = Starlette(routes=[Route("/healthz", starlette_healthz(health), methods=["GET"])])
    server = uvicorn.Server(uvicorn.Config(asgi, log_level="warning", access_log=False))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="careerfw-health", daemon=True).start()


def _serve_http(settings: Settings, answerer: Any, health: Health, sock: socket.socket) -> int:
    import uvicorn

    from bot.slack.app import build_asgi_app

    class Server(uvicorn.Server):
        async def shutdown(self, sockets: Any = None) -> None:
            await super().shutdown(sockets)
            # uvicorn re-raises SIGTERM/SIGINT after a graceful shutdown, so the process would die by
            # the signal; the shutdown is complete, so exit 0 like any orderly stop.
            getattr(self, "_captured_signals", []).clear()

    asgi = build_asgi_app(settings, answerer, health=health)
    server = Server(uvicorn.Config(asgi, log_level="info", access_log=False, timeout_graceful_shutdown=10))
    server.run(sockets=[sock])
    log.info("stopped")
    return 0


async def _socket_mode(settings: Settings, answerer: Any, health: Health) -> int:
    import aiohttp
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    from bot.slack.app import build_app, warm_authorization
    from bot.slack.services import Services

    services = Services.create(settings, answerer, health)
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
        from bot.cli import open_answerer

        # Model and index load before any request is accepted, so the first question is as fast as any.
        answerer = open_answerer(settings, progress=False)
        answerer.warm()
        health.mark_ready(entries=len(answerer.entries))
        log.info("%d framework entries loaded from %s", len(answerer.entries), settings.content_dir)
        scheduler = start_nudges(settings, answerer)
        _content_reload(settings, answerer, health)
        try:
            if http:
                assert sock is not None
                log.info("serving Slack over HTTP on %s:%d (POST /slack/events, GET /healthz)", host, port)
                return _serve_http(settings, answerer, health, sock)
            return asyncio.run(_socket_mode(settings, answerer, health))
        finally:
            if scheduler is not None and hasattr(scheduler, "shutdown"):
                scheduler.shutdown(wait=False)
    except StartupError as exc:
        print(f"careerfw: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
