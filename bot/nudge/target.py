"""Where a nudge goes: the surface-neutral delivery contract every chat surface implements."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from bot.nudge.message import NudgeMessage


class NudgeDeliveryError(Exception):
    """A target could not deliver a nudge.

    `reason` is one line a person can act on, naming the surface's own error (e.g. Slack's
    `channel_not_found`). `retryable` is True when trying again later may work without anyone changing
    anything (rate limits, network trouble, 5xx); False when a person must fix something first (wrong
    channel, bot not invited, bad token). Either way the week stays unsent, so a later run posts.
    """

    def __init__(self, reason: str, retryable: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


class NudgeMaybeDelivered(NudgeDeliveryError):
    """The post reached the surface but its reply did not come back (a timeout after sending): it may
    have been posted. The nudge is at-most-once, so the week is recorded as sent and not retried;
    a missed nudge is a smaller harm than the same nudge twice in a channel."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason, retryable=False)


@runtime_checkable
class NudgeTarget(Protocol):
    """One conversation that gets the weekly nudge.

    `key` identifies the conversation across processes and restarts, prefixed by surface
    ("slack:C0123ABCD", "teams:<conversation id>"); the once-per-ISO-week record and the TODO snapshot
    for "what changed" are kept per key, so it must be stable.

    `send(message)` renders the message for the surface and delivers it, returning only once the
    surface has accepted it (Slack `ok: true`, a 2xx from the Teams connector). On failure it raises
    NudgeDeliveryError; it must not retry forever (the runner records the failure and a later run
    retries).
    """

    key: str

    def send(self, message: NudgeMessage) -> None: ...
