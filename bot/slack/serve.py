"""`careerfw serve` (and `careerfw run` with Slack tokens): check the tokens (startup.py), open the
shared runtime (model, index, /healthz, reload, nudges), build the Slack app and run it.

Socket Mode when SLACK_APP_TOKEN is set and --http is not given (no public URL needed; GET /healthz on
--health-port if given). HTTP mode otherwise: uvicorn serving POST /slack/events and GET /healthz,
listening from the start and answering 503 until the model and index are loaded (`Gate`).
Every start-up failure is one line on stderr and exit code 1.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import socket
import sys
import threading
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from slack_sdk.errors import SlackApiError, SlackClientError
from starlette.requests import Request
from starlette.responses import PlainTextResponse

from bot.collector import pause_collection, resume_collection
from bot.config import Settings
from bot.health import Health, starlette_healthz
from bot.runtime import Preloaded, Runtime, on_daemon_thread, open_store
from bot.slack.startup import StartupError, bind, check_tokens

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from bot.store import Store

log = logging.getLogger("careerfw.slack")
CLOSE_TIMEOUT_S = 5.0


def _health_thread(health: Health, sock: socket.socket) -> None:
    """Socket Mode's optional GET /healthz, served from its own thread before the model loads."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.routing import Route

    asgi = Starlette(routes=[Route("/healthz", starlette_healthz(health), methods=["GET"])])
    server = uvicorn.Server(uvicorn.Config(asgi, log_level="warning", access_log=False))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="careerfw-health", daemon=True).start()


def _start_weekly(runtime: Runtime) -> None:
    """The weekly nudge and owners' report. Imported here: their modules (bot.report, bot.nudge) are not
    needed to answer, so a start does not wait for them before /healthz says 200 (issue 23, item 4). With
    the scheduler off (CAREERFW_SCHEDULER=off, as every replica of the deployment runs) no weekly round can
    start, so they are not imported at all: about 0.9 MB of a serving process's peak (issue 23, memory)."""
    if not runtime.settings.scheduler_enabled:
        return
    from bot.slack.report import start_slack_weekly

    start_slack_weekly(runtime)


def _go_live(runtime: Runtime) -> None:
    """/healthz 200 first, then the weekly rounds: a weekly run is days away, a probe is waiting now."""
    runtime.go_live()
    _start_weekly(runtime)


class Gate:
    """The ASGI app uvicorn serves from the moment the port opens (HTTP mode). While the model and
    index load, GET /healthz answers 503 from `health` and every other request 503 with Retry-After,
    so Kubernetes probes and Slack get an answer rather than "connection refused"; once `load` has
    built the Slack app, every request goes to it and its lifespan (auth.test, then drain on SIGTERM)
    runs inside this one."""

    def __init__(self, health: Health, load: Callable[[], Awaitable[tuple[Starlette, Callable[[], None]]]],
                 stop: Callable[[], None]) -> None:
        self.health = health
        self.load = load  # returns the app, and what to call once it serves (marks /healthz ready)
        self.stop = stop
        self.app: Starlette | None = None
        self.failure: BaseException | None = None
        self._healthz = starlette_healthz(health)
        self._loading: asyncio.Task[None] | None = None
        self._exits = contextlib.AsyncExitStack()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif self.app is not None:
            await self.app(scope, receive, send)
        elif scope["type"] == "http":
            if scope["path"] == "/healthz" and scope["method"] == "GET":
                response = await self._healthz(Request(scope, receive))
            else:
                response = PlainTextResponse("still loading the model and index; try again shortly",
                                             status_code=503, headers={"Retry-After": "5"})
            await response(scope, receive, send)

    async def _open(self) -> None:
        try:
            app, live = await self.load()
            await self._exits.enter_async_context(app.router.lifespan_context(app))
            self.app = app
            live()
        except Exception as exc:  # re-raised by serve_command once uvicorn has stopped
            self.failure = exc
            self.stop()

    async def _lifespan(self, receive: Any, send: Any) -> None:
        await receive()  # lifespan.startup
        self._loading = asyncio.create_task(self._open())
        await send({"type": "lifespan.startup.complete"})
        await receive()  # lifespan.shutdown
        if not self._loading.done():  # SIGTERM while loading: nothing to drain, stop now
            self._loading.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loading
        await self._exits.aclose()
        await send({"type": "lifespan.shutdown.complete"})


def _serve_http(settings: Settings, health: Health, store: Store, sock: socket.socket) -> int:
    # The model's session is built on its own thread from here, without the GIL, while this thread imports
    # the web server and the Slack app (a third of a start); Runtime.load takes it over.
    try:
        preloaded = Preloaded(settings)
    except BaseException:
        store.close()
        raise
    import uvicorn

    from bot.slack.app import build_asgi_app

    class Server(uvicorn.Server):
        async def shutdown(self, sockets: Any = None) -> None:
            await super().shutdown(sockets)
            # uvicorn re-raises SIGTERM/SIGINT after a graceful shutdown, so the process would die by
            # the signal; the shutdown is complete, so exit 0 like any orderly stop.
            getattr(self, "_captured_signals", []).clear()

    opened: list[Runtime] = []

    async def load() -> tuple[Starlette, Callable[[], None]]:
        runtime = await on_daemon_thread(Runtime.load, settings, health, False, store, preloaded)
        opened.append(runtime)
        asgi = build_asgi_app(settings, runtime.answerer, health=health, store=store, mark_ready=False)
        return asgi, lambda: _go_live(runtime)  # on the loop, so on the main thread: SIGHUP reloads

    def stop() -> None:
        server.should_exit = True

    gate = Gate(health, load, stop)
    server = Server(uvicorn.Config(gate, log_level="info", access_log=False, timeout_graceful_shutdown=10))
    try:
        server.run(sockets=[sock])
    finally:
        preloaded.join()
        if opened:
            opened[0].stop()
        else:
            store.close()
    if gate.failure is not None:
        raise gate.failure
    log.info("stopped")
    return 0


class _OneLineRetries(logging.Filter):
    """slack_sdk's Socket Mode client logs every failed reconnect with a full traceback, every 10 s while
    Slack is unreachable; the reason in the message says it all."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.getMessage().startswith(("Failed to connect", "Failed to retrieve WSS URL")):
            record.exc_info = None
            record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


async def _socket_mode(runtime: Runtime) -> int:
    import aiohttp
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    from bot.slack.app import build_app, warm_authorization
    from bot.slack.services import Services

    settings = runtime.settings
    services = Services.create(settings, runtime.answerer, runtime.health, runtime.store)
    socket_log = logging.getLogger("careerfw.slack.socket")
    socket_log.addFilter(_OneLineRetries())
    handler = AsyncSocketModeHandler(build_app(settings, services), settings.slack_app_token, logger=socket_log)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    stopping = asyncio.ensure_future(stop.wait())
    # slack_sdk's connect retries for as long as Slack cannot be reached (apps.connections.open refused,
    # the WebSocket unreachable) and never returns meanwhile: SIGTERM must not wait for it.
    connecting = asyncio.ensure_future(_connect(handler, services, warm_authorization))
    try:
        await asyncio.wait([connecting, stopping], return_when=asyncio.FIRST_COMPLETED)
        if connecting.done():
            try:
                connecting.result()
            except SlackApiError as exc:
                error = exc.response.get("error", "unknown_error")
                raise StartupError(f"Slack refused SLACK_APP_TOKEN: {error}") from None
            except (SlackClientError, OSError, aiohttp.ClientError) as exc:
                raise StartupError(f"cannot open the Socket Mode connection: {exc}") from None
            log.info("connected to Slack in Socket Mode")
            await stopping
    finally:
        connecting.cancel()
        stopping.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await connecting
        # Closing tells the client to stop reconnecting; bounded, as a close handshake with a Slack that
        # does not answer would otherwise hold the stop up.
        try:
            await asyncio.wait_for(handler.close_async(), CLOSE_TIMEOUT_S)
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            log.warning("the Socket Mode connection did not close cleanly (%s); stopping anyway", exc or "timeout")
        await services.drain()
        services.close()
    return 0


async def _connect(handler: Any, services: Any, warm: Callable[[Any], Awaitable[None]]) -> None:
    await warm(services)
    await handler.connect_async()


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
    pause_collection()  # until /healthz says 200 (Runtime.go_live), or any other way out (below)
    try:
        auth = check_tokens(settings, http)
        log.info("Slack accepted the bot token: %s in %s", auth.get("user", "?"), auth.get("team", "?"))
        health = Health()
        if http:
            sock = bind(host, port)
            store = open_store(settings)  # a broken state database fails now, not after the model loads
            log.info("serving Slack over HTTP on %s:%d (POST /slack/events, GET /healthz; 503 until loaded)",
                     host, port)
            return _serve_http(settings, health, store, sock)
        if health_port:
            _health_thread(health, bind(host, health_port))
        # Model and index load before Socket Mode connects, so the first question is as fast as any.
        runtime = Runtime.open(settings, health, progress=False)
        _start_weekly(runtime)
        try:
            return asyncio.run(_socket_mode(runtime))
        finally:
            runtime.stop()
    except StartupError as exc:
        print(f"careerfw: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        resume_collection()
