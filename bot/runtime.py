"""What every chat surface runs on: the answerer, /healthz, hot reload, the weekly nudge, shutdown.

A surface's serve module builds its app and runs it; everything around the app is here, once:

    runtime = Runtime.open(settings)              # model and index loaded, /healthz 200
    # or, listening first (503 until loaded): open_store, Runtime.load on a thread, then go_live
    runtime.start_nudges(lambda: my_targets())    # the weekly nudge, to targets the surface names
    try:
        ...run the app until SIGTERM...
    finally:
        runtime.stop()

Hot reload (SIGHUP, or the CAREERFW_RELOAD_SECONDS folder watch) reports to `health`, so /healthz
names the index build that is serving on every surface.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from bot.config import Settings
from bot.health import Health

if TYPE_CHECKING:
    from apscheduler.schedulers.background import BackgroundScheduler

    from bot.nudge.scheduler import Round
    from bot.nudge.target import NudgeTarget
    from bot.reload import Reloader, ReloadOutcome
    from bot.store import Store
    from index.answer import Answerer

log = logging.getLogger("careerfw.runtime")
T = TypeVar("T")


def open_answerer(settings: Settings, progress: bool | None = None) -> Answerer:
    """The answering core for these settings: content parsed, index loaded (built first if stale)."""
    from index.answer import Answerer

    return Answerer.open(
        settings.content_dir,
        settings.index_dir,
        model=settings.model,
        backend=settings.model_backend,
        site_url=settings.site_url,
        progress=progress,
    )


def open_store(settings: Settings) -> Store:
    """The shared state, checked: fast, so a server opens it before it listens, and a state database
    that cannot be used (StateUnusable) or reached is one clear error before the model loads."""
    from bot.state import check_state
    from bot.store import Store

    check_state(settings.state_db)
    return Store.open(settings)


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port; OSError (the port taken, the address not ours) before anything
    slow happens. A server listens at once and answers 503 until loaded (`Health`), so probes and
    Slack get an answer rather than "connection refused" while the model loads."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


async def on_daemon_thread(fn: Callable[..., T], *args: Any) -> T:
    """`fn(*args)` on a daemon thread, awaited. Not the loop's executor: a SIGTERM while the model is
    still loading must stop the process at once, and asyncio.run waits for executor threads to end."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(result: Any, error: BaseException | None) -> None:
        if not future.done():
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(result)

    def run() -> None:
        try:
            result, error = fn(*args), None
        except BaseException as exc:  # handed to the awaiting task, which decides
            result, error = None, exc
        try:
            loop.call_soon_threadsafe(settle, result, error)
        except RuntimeError:
            pass  # the loop is closed: the server stopped while this was loading, nobody waits for it

    threading.Thread(target=run, name="careerfw-load", daemon=True).start()
    return await future


class Runtime:
    """One serving process's answerer and the machinery around it, shared by Slack and Teams."""

    def __init__(
        self, settings: Settings, answerer: Answerer, health: Health | None = None, store: Store | None = None
    ) -> None:
        self.settings = settings
        self.answerer = answerer
        self.health = health or Health()
        self.store = store
        self.reloader: Reloader | None = None
        self.scheduler: BackgroundScheduler | None = None

    @classmethod
    def open(cls, settings: Settings, health: Health | None = None, progress: bool | None = None) -> Runtime:
        """Load the model and index before any request is accepted (so the first question is as fast
        as any), mark /healthz ready, and start listening for content reloads. A state database that
        cannot be used (StateUnusable) or reached stops the start with one clear error before the model
        loads."""
        runtime = cls.load(settings, health, progress, open_store(settings))
        runtime.go_live()
        return runtime

    @classmethod
    def load(cls, settings: Settings, health: Health | None, progress: bool | None, store: Store) -> Runtime:
        """The slow part of `open`: the model and index loaded and warm. Safe on any thread, so a server
        can listen (and answer 503) meanwhile; /healthz stays 503 until `go_live`. The store is closed
        if loading fails."""
        try:
            answerer = open_answerer(settings, progress=progress)
            answerer.warm()
        except BaseException:
            store.close()
            raise
        log.info("%d framework entries loaded from %s; model %s on %s", len(answerer.entries), settings.content_dir,
                 answerer.embedder.name, answerer.embedder.backend)
        return cls(settings, answerer, health, store)

    def go_live(self) -> None:
        """/healthz 200 and content reloads on. Call it from the main thread (SIGHUP's handler can only be
        set there) once the surface serves the answerer."""
        self.health.mark_ready(entries=len(self.answerer.entries), backend=self.answerer.embedder.backend)
        self.install_reload()

    # --- hot reload --------------------------------------------------------------------------------

    def on_reload(self, outcome: ReloadOutcome) -> None:
        """A reload that went live is what /healthz reports from then on; a refused one changes nothing
        (the old index keeps serving and stays healthy)."""
        if outcome.ok:
            self.health.mark_ready(entries=len(self.answerer.entries), index=outcome.build_id,
                                   backend=self.answerer.embedder.backend)

    def install_reload(self) -> Reloader:
        """SIGHUP always, the folder watch with CAREERFW_RELOAD_SECONDS; each outcome reaches health."""
        from bot.reload import install

        s = self.settings
        self.reloader = install(self.answerer, s.content_dir, s.index_dir, s.reload_seconds, on_reload=self.on_reload)
        return self.reloader

    # --- the weekly nudge --------------------------------------------------------------------------

    def start_nudges(
        self,
        targets: Callable[[], Sequence[NudgeTarget]],
        catch_up: bool = True,
        rounds: Sequence[tuple[str, Round]] = (),
    ) -> BackgroundScheduler | None:
        """The weekly TODO nudge on CAREERFW_NUDGE_CRON to the targets the surface names (asked at each
        run, so targets added since start are included), about exactly the entries being served (a
        reload included), and any other weekly `rounds` on the same schedule (the owners' report). None
        when CAREERFW_SCHEDULER=off."""
        from bot.nudge.scheduler import start_scheduler

        self.scheduler = start_scheduler(
            self.settings, targets=targets, store=self.store, answerer=self.answerer, catch_up=catch_up, rounds=rounds
        )
        return self.scheduler

    # --- shutdown ----------------------------------------------------------------------------------

    def stop(self) -> None:
        """Stop scheduling nudges; an answer in flight finishes (the surface drains its own work)."""
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
        if self.store is not None:
            self.store.close()
