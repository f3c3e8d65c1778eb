"""Per-user question limit, shared by every chat surface (Slack, Teams).

A sliding one-minute window per key: `limiter.check("slack:U123")` either admits the question
(and counts it) or says how many seconds until the oldest counted question leaves the window.
In memory and per process: a limit is politeness towards the shared model, not security.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

WINDOW_S = 60.0


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: float  # seconds until the next question would be admitted (0 when allowed)

    @property
    def retry_after_s(self) -> int:
        return max(1, math.ceil(self.retry_after))


class RateLimiter:
    def __init__(
        self, per_minute: int, window_s: float = WINDOW_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = per_minute
        self.window = window_s
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, key: str) -> Decision:
        """Admit and count one question for `key`, or refuse it without counting."""
        if self.limit <= 0:  # 0 or less switches the limit off
            return Decision(True, 0.0)
        now = self._clock()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return Decision(False, hits[0] + self.window - now)
            hits.append(now)
            if len(self._hits) > 10_000:
                self._forget_idle(now)
            return Decision(True, 0.0)

    def _forget_idle(self, now: float) -> None:
        # Bounded memory under many distinct users: drop keys with nothing left in the window.
        for key in [k for k, h in self._hits.items() if not h or h[-1] <= now - self.window]:
            del self._hits[key]


def limit_message(decision: Decision, per_minute: int) -> str:
    """The polite reply when a user is over the limit (plain text; no markup to escape)."""
    return (
        f"You've asked {per_minute} questions in the last minute, which is as many as I take from one "
        f"person. Please ask again in {decision.retry_after_s} s."
    )
