"""Let answers in flight finish on shutdown (SIGTERM from Kubernetes, a rolling update, Ctrl-C).

Slack is acknowledged at once and the answer follows later: Bolt runs each listener as its own asyncio
task after the ack, so by the time uvicorn has closed its connections the HTTP side looks idle while
answers are still being computed and posted. Those tasks are untracked; without this, closing the
answer pool and the event loop drops them and the person who asked never hears back.

    inflight = InflightTasks.install()        # on the serving loop, before requests arrive
    ...
    await inflight.drain(DRAIN_TIMEOUT_S)    # at shutdown, before the answer pool closes
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger("careerfw.shutdown")

# Inside Kubernetes' default 30 s termination grace, after uvicorn's own 10 s for open connections.
DRAIN_TIMEOUT_S = 15.0


class InflightTasks:
    """Every task created on one loop from `install()` on, weakly held, so shutdown can await them."""

    def __init__(self) -> None:
        self._tasks: weakref.WeakSet[asyncio.Task[Any]] = weakref.WeakSet()

    @classmethod
    def install(cls, loop: asyncio.AbstractEventLoop | None = None) -> InflightTasks:
        loop = loop or asyncio.get_running_loop()
        tracker = cls()
        previous = loop.get_task_factory()

        def factory(
            loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, Any], **kwargs: Any
        ) -> asyncio.Task[Any]:
            if previous is not None:
                task = previous(loop, coro, **kwargs)
            else:
                task = asyncio.Task(coro, loop=loop, **kwargs)
            tracker._tasks.add(task)
            return task

        loop.set_task_factory(factory)  # type: ignore[arg-type]
        return tracker

    def pending(self) -> list[asyncio.Task[Any]]:
        current = asyncio.current_task()
        return [t for t in list(self._tasks) if not t.done() and t is not current]

    async def drain(self, timeout: float = DRAIN_TIMEOUT_S) -> int:
        """Wait until tasks started while serving have finished (including any they start meanwhile),
        at most `timeout` seconds. Returns how many were still running when time ran out."""
        deadline = time.monotonic() + timeout
        pending = self.pending()
        if pending:
            log.info("shutting down: waiting for %d answer(s) in flight", len(pending))
        while pending:
            left = deadline - time.monotonic()
            if left <= 0:
                log.warning("shutting down with %d answer(s) unfinished after %.0f s", len(pending), timeout)
                return len(pending)
            await asyncio.wait(pending, timeout=left)
            pending = self.pending()
        return 0
