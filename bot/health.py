"""GET /healthz for every server (Slack HTTP mode, Socket Mode's health port, Teams).

200 only once the model and index are loaded; 503 with a reason until then. Framework neutral: a
server asks `health.status()` and writes the pair out.
"""

from __future__ import annotations

import threading
import time
from typing import Any


class Health:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ready = False
        self._detail: dict[str, Any] = {"status": "loading", "reason": "loading the model and index"}

    @property
    def ready(self) -> bool:
        return self._ready

    def mark_ready(self, entries: int, **detail: Any) -> None:
        with self._lock:
            self._ready = True
            self._detail = {"status": "ok", "entries": entries, "ready_since": round(time.time(), 3), **detail}

    def mark_unready(self, reason: str) -> None:
        with self._lock:
            self._ready = False
            self._detail = {"status": "unavailable", "reason": reason}

    def status(self) -> tuple[int, dict[str, Any]]:
        with self._lock:
            return (200 if self._ready else 503), dict(self._detail)


def starlette_healthz(health: Health):  # -> starlette endpoint
    from starlette.requests import Request
    from starlette.responses import JSONResponse

    async def healthz(request: Request) -> JSONResponse:
        code, body = health.status()
        return JSONResponse(body, status_code=code, headers={"Cache-Control": "no-store"})

    return healthz
