"""What every chat surface runs on: the answerer, /healthz, hot reload, the weekly nudge, shutdown.

A surface's serve module builds its app and runs it; everything around the app is here, once:

    runtime = Runtime.open(settings)              # model and index loaded, /healthz 200
    runtime.start_nudges(lambda: my_targets())    # the weekly nudge, to targets the surface names
    try:
        ...run the app until SIGTERM...
    finally:
        runtime.stop()

Hot reload (SIGHUP, or the CAREERFW_RELOAD_SECONDS folder watch) reports to `health`, so /healthz
names the index build that is serving on every surface.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.health import Health

if TYPE_CHECKING:
    from apscheduler.schedulers.background import BackgroundScheduler

    from bot.nudge.target import NudgeTarget
    from bot.reload import Reloader, ReloadOutcome
    from bot.store import Store
    from index.answer import Answerer

log = logging.getLogger("careerfw.runtime")


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
        from bot.state import check_state
        from bot.store import Store

        check_state(settings.state_db)
        store = Store.open(settings)
        answerer = open_answerer(settings, progress=progress)
        answerer.warm()
        runtime = cls(settings, answerer, health, store)
        runtime.health.mark_ready(entries=len(answerer.entries), backend=answerer.embedder.backend)
        log.info("%d framework entries loaded from %s; model %s on %s", len(answerer.entries), settings.content_dir,
                 answerer.embedder.name, answerer.embedder.backend)
        runtime.install_reload()
        return runtime

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
    ) -> BackgroundScheduler | None:
        """The weekly TODO nudge on CAREERFW_NUDGE_CRON to the targets the surface names (asked at each
        run, so targets added since start are included), about exactly the entries being served (a
        reload included). None when CAREERFW_SCHEDULER=off."""
        from bot.nudge.scheduler import start_scheduler

        self.scheduler = start_scheduler(
            self.settings, targets=targets, store=self.store, answerer=self.answerer, catch_up=catch_up
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
