"""`careerfw teams`: build the Teams app (app.py) on the shared runtime and run it until SIGTERM.

The port opens first: while the model and index load, GET /healthz answers 503 and POST /api/messages
503 (Teams retries), so probes get an answer rather than "connection refused". Once loaded, the Teams
app takes over the same listening socket and /healthz turns 200.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import socket
import sys
from typing import TYPE_CHECKING

from bot.collector import pause_collection, resume_collection
from bot.config import Settings
from bot.health import Health
from bot.runtime import Preloaded, Runtime, bind, on_daemon_thread, open_store

# aiohttp, the Agents SDK and the Teams app are imported by serve_command after the model has started
# loading (about half a start, on a quiet machine, which ONNX Runtime's session build overlaps).
if TYPE_CHECKING:
    from aiohttp import web
    from microsoft_agents.hosting.core.authorization import Connections

    from bot.store import Store

log = logging.getLogger("careerfw.teams")
SHUTDOWN_TIMEOUT_S = 10.0  # answers in flight at SIGTERM get this long, as in Slack's HTTP mode


def _loading_app(health: Health) -> web.Application:
    from aiohttp import web

    async def healthz(request: web.Request) -> web.Response:
        code, body = health.status()
        return web.json_response(body, status=code, headers={"Cache-Control": "no-store"})

    async def loading(request: web.Request) -> web.Response:
        return web.Response(status=503, text="still loading the model and index; try again shortly",
                            headers={"Retry-After": "5"})

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_route("*", "/{tail:.*}", loading)
    return app


def _start_weekly(runtime: Runtime, manager: Connections) -> None:
    """The weekly rounds, once /healthz says 200, imported only then: their modules (bot.report) are not
    needed to answer, and a start should not wait for them (issue 23, item 4). With the scheduler off
    (CAREERFW_SCHEDULER=off, as every replica of the deployment runs) no round can start, so they are not
    imported at all: about 0.9 MB of a serving process's peak (issue 23, memory)."""
    if not runtime.settings.scheduler_enabled:
        return
    from bot.teams.report import start_teams_weekly

    start_teams_weekly(runtime, manager)


async def _serve(args: argparse.Namespace, settings: Settings, manager: Connections, health: Health,
                 store: Store, sock: socket.socket, preloaded: Preloaded | None) -> int:
    from aiohttp import web

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)

    # Two servers take turns on one listening socket (each its own descriptor of it): the kernel keeps
    # queueing connections while the loading one hands over, so none is refused.
    loading = web.AppRunner(_loading_app(health), access_log=None)
    await loading.setup()
    await web.SockSite(loading, sock.dup()).start()
    load = asyncio.ensure_future(on_daemon_thread(Runtime.load, settings, health, None, store, preloaded))
    await asyncio.sleep(0)  # the task runs to its thread's start, so the kept state loads from here on
    # Imported once the port is open (a probe waits for its 503 rather than being refused) and while the
    # answerer loads on its thread: the Teams app is needed only when the answerer is, and nothing reaches
    # it before it is built below (until then every request gets the loading app's 503).
    from bot.teams.app import create_app
    from bot.teams.services import Services

    stopped = asyncio.ensure_future(stop.wait())
    await asyncio.wait([load, stopped], return_when=asyncio.FIRST_COMPLETED)
    if not load.done():  # SIGTERM while loading: nothing to drain
        load.cancel()
        stopped.cancel()
        await loading.cleanup()
        store.close()
        return 0
    try:
        runtime = load.result()
    except BaseException:
        stopped.cancel()
        await loading.cleanup()
        raise
    services = Services.create(settings, runtime.answerer, runtime.health, runtime.store)
    try:
        serving = web.AppRunner(create_app(services, manager), access_log=None, shutdown_timeout=SHUTDOWN_TIMEOUT_S)
        await serving.setup()
        await web.SockSite(serving, sock).start()
        await loading.cleanup()
        runtime.go_live()  # on the loop, so on the main thread: SIGHUP reloads
        # Said once serving, before the weekly rounds start: what a start imported to serve is what the
        # log shows above this line.
        print(f"careerfw Teams bot: {len(runtime.answerer.entries)} entries loaded; "
              f"POST http://{args.host}:{args.port}/api/messages, GET /healthz", file=sys.stderr)
        _start_weekly(runtime, manager)
        await stopped
        await serving.cleanup()
    finally:
        runtime.stop()
        services.close()
    return 0


def serve_command(args: argparse.Namespace, settings: Settings) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    pause_collection()  # until /healthz says 200 (Runtime.go_live), or any other way out (below)
    # The model's session is built on its own thread from here, without the GIL, while this thread imports
    # the Agents SDK, aiohttp and the Teams app; Runtime.load takes it over. Every way out waits for it:
    # its thread may be inside native code, which must not outlive the process.
    from index import ModelError

    try:
        preloaded: Preloaded | None = Preloaded(settings)
    except ModelError:  # said where it always was, after the credentials: Runtime.load meets it again
        preloaded = None
    try:
        return _serve_command(args, settings, preloaded)
    finally:
        resume_collection()
        if preloaded is not None:
            preloaded.join()


def _serve_command(args: argparse.Namespace, settings: Settings, preloaded: Preloaded | None) -> int:
    from bot.teams import connection

    connection.check_credentials(settings)
    manager = connection.connection_manager(settings)
    if settings.teams_allow_anonymous:
        log.warning("CAREERFW_TEAMS_ALLOW_ANONYMOUS=1: requests without a token are accepted (development only)")
    try:
        sock = bind(args.host, args.port)
    except OSError as exc:
        print(f"careerfw: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    with contextlib.closing(sock):
        store = open_store(settings)  # a broken state database fails now, before the index loads
        print(f"Loading the framework… (GET http://{args.host}:{args.port}/healthz answers 503 until loaded)",
              file=sys.stderr)
        return asyncio.run(_serve(args, settings, manager, Health(), store, sock, preloaded))
