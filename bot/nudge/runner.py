"""One weekly nudge round: for each target, claim the week, build its message, send, record.

Used by `careerfw nudge` (one shot) and by the in-process scheduler; both pass `now` in, so tests
choose the week instead of waiting for Monday.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.config import ConfigError
from bot.nudge.ledger import Claim, NudgeLedger, iso_week
from bot.nudge.message import NudgeMessage, build_message
from bot.nudge.target import NudgeDeliveryError, NudgeMaybeDelivered, NudgeTarget
from bot.store import StoreUnavailable
from index import Entry, Owners

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
OutcomeStatus = Literal[
    "sent", "unconfirmed", "unrecorded", "already_sent", "in_progress", "nothing_to_send", "failed"
]
# Posted (or maybe posted), but worth a person's attention: printed to stderr, logged as warnings.
NOTEWORTHY: frozenset[str] = frozenset({"failed", "unconfirmed", "unrecorded"})


def system_clock() -> datetime:
    return datetime.now(UTC)


def zone(tz: str) -> tzinfo:
    """CAREERFW_TZ as a tzinfo, or a ConfigError naming the variable."""
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        if tz.upper() in ("UTC", "ETC/UTC", "Z"):
            return UTC  # the default must work even where the OS ships no time zone database
        if not available_timezones():
            raise ConfigError(
                f"CAREERFW_TZ={tz!r}: this system has no time zone database (install the OS tzdata package "
                "or `pip install tzdata`)"
            ) from None
        raise ConfigError(f"CAREERFW_TZ={tz!r} is not a time zone (use an IANA name such as Europe/London)") from None


def week_of(now: datetime, tz: str) -> str:
    """The ISO week `now` falls in, in the schedule's time zone (Monday 00:30 in London is the new week)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return iso_week(now.astimezone(zone(tz)))


@dataclass(frozen=True)
class NudgeOutcome:
    target: str
    week: str
    status: OutcomeStatus
    detail: str = ""
    retryable: bool = False
    message: NudgeMessage | None = None

    @property
    def ok(self) -> bool:
        return self.status != "failed"

    def __str__(self) -> str:
        return f"{self.target}: {self.detail}"


def _when(ts: float | None, tz: str) -> str:
    if ts is None:
        return "earlier"
    return datetime.fromtimestamp(ts, zone(tz)).strftime("%a %d %b %H:%M %Z")


def nudge_target(
    target: NudgeTarget,
    entries: Sequence[Entry],
    ledger: NudgeLedger,
    *,
    now: datetime,
    tz: str = "UTC",
    site_url: str | None = None,
    owners: Owners | None = None,
) -> NudgeOutcome:
    """This week's nudge to one target, at most once per ISO week, whoever else runs it."""
    week = week_of(now, tz)
    try:
        claim = ledger.claim(target.key, week, now)
    except StoreUnavailable as exc:
        # Fail closed: without the claim another process may be posting this very nudge.
        return NudgeOutcome(
            target.key, week, "failed",
            f"not posting the {week} nudge, as it could not be claimed ({exc}); a later run retries",
            retryable=True,
        )
    try:
        return _post(target, entries, ledger, claim, now=now, tz=tz, site_url=site_url, owners=owners)
    except StoreUnavailable as exc:
        # Claimed, but the snapshot could not be read (nothing was posted) or the claim not given back:
        # the claim then lapses with its lease, and a later run posts.
        log.error("nudge %s: %s", target.key, exc)
        return NudgeOutcome(
            target.key, week, "failed",
            f"not posting the {week} nudge: {exc}; a later run retries once the claim's lease ends",
            retryable=True,
        )


def _post(
    target: NudgeTarget,
    entries: Sequence[Entry],
    ledger: NudgeLedger,
    claim: Claim,
    *,
    now: datetime,
    tz: str,
    site_url: str | None,
    owners: Owners | None,
) -> NudgeOutcome:
    week = claim.week
    if claim.status == "already_sent":
        return NudgeOutcome(target.key, week, "already_sent", f"{week} nudge already posted ({_when(claim.at, tz)})")
    if claim.status == "in_progress":
        return NudgeOutcome(
            target.key, week, "in_progress", f"another run is posting the {week} nudge (claimed {_when(claim.at, tz)})"
        )
    try:
        message = build_message(entries, previous=ledger.snapshot(target.key), site_url=site_url, owners=owners)
        if message is None:
            ledger.release(claim)
            return NudgeOutcome(target.key, week, "nothing_to_send", "nothing is TODO; no nudge this week")
        target.send(message)
    except NudgeMaybeDelivered as exc:
        # At-most-once: the post may have landed, so the week counts as sent and is not retried.
        unrecorded = _mark_sent(ledger, claim, now, message)
        if unrecorded:
            return unrecorded
        return NudgeOutcome(
            target.key, week, "unconfirmed",
            f"{exc.reason}; the {week} nudge may have been posted and is not retried this week (at most once)",
            message=message,
        )
    except NudgeDeliveryError as exc:
        ledger.release(claim, error=exc.reason)
        return NudgeOutcome(
            target.key, week, "failed",
            # A refusal (removed bot, bad credentials) fails the same way on every run until someone acts.
            f"{exc.reason} (the {week} nudge is not sent; "
            + ("a later run retries)" if exc.retryable else "this needs a person: retrying fails the same way until "
               "it is fixed)"),
            retryable=exc.retryable,
        )
    except StoreUnavailable:
        raise  # reading the last snapshot failed: nothing was posted (nudge_target reports it)
    except Exception as exc:
        # A bug in a target or the message: this target's week stays open, and other targets still go.
        log.exception("nudge %s: unexpected error", target.key)
        ledger.release(claim, error=f"{type(exc).__name__}: {exc}")
        return NudgeOutcome(
            target.key, week, "failed", f"unexpected error {type(exc).__name__}: {exc} (the {week} nudge is not sent)"
        )
    except BaseException as exc:
        # Interrupted: give the week back rather than leave it claimed until the lease ends.
        ledger.release(claim, error=f"interrupted ({type(exc).__name__})")
        raise
    unrecorded = _mark_sent(ledger, claim, now, message)
    if unrecorded:
        return unrecorded
    what = "all areas filled in" if message.kind == "all_filled_in" else f"{message.todo_count} TODO area(s)"
    return NudgeOutcome(target.key, week, "sent", f"posted the {week} nudge ({what})", message=message)


def _mark_sent(ledger: NudgeLedger, claim: Claim, now: datetime, message: NudgeMessage) -> NudgeOutcome | None:
    """Record the post; None when recorded. The post happened either way, so a database outage that
    outlasts Store.patiently is reported, not treated as a failure to retry (which would post twice)."""
    try:
        ledger.mark_sent(claim, now, message.kind, message.snapshot())
    except StoreUnavailable as exc:
        log.error("nudge %s: posted, but not recorded: %s", claim.target, exc)
        return NudgeOutcome(
            claim.target, claim.week, "unrecorded",
            f"posted the {claim.week} nudge but could not record it ({exc}); its claim holds off other runs "
            "until the lease ends",
            message=message,
        )
    return None


def run_nudges(
    targets: Sequence[NudgeTarget],
    entries: Sequence[Entry],
    ledger: NudgeLedger,
    *,
    now: datetime,
    tz: str = "UTC",
    site_url: str | None = None,
    owners: Owners | None = None,
) -> list[NudgeOutcome]:
    """One round over every target; one target's failure never stops the others."""
    outcomes = []
    for target in targets:
        outcome = nudge_target(target, entries, ledger, now=now, tz=tz, site_url=site_url, owners=owners)
        (log.warning if outcome.status in NOTEWORTHY else log.info)("nudge %s", outcome)
        outcomes.append(outcome)
    return outcomes


def preview(
    target_key: str | None,
    entries: Sequence[Entry],
    ledger: NudgeLedger | None,
    *,
    now: datetime,
    tz: str = "UTC",
    site_url: str | None = None,
    owners: Owners | None = None,
) -> tuple[NudgeMessage | None, str]:
    """What a run would post to `target_key` now, and a note on whether it would post. Writes nothing."""
    week = week_of(now, tz)
    previous = ledger.snapshot(target_key) if ledger is not None and target_key else None
    message = build_message(entries, previous=previous, site_url=site_url, owners=owners)
    record = ledger.record(target_key, week) if ledger is not None and target_key else None
    if record is not None and record.status == "sent":
        note = f"{target_key} already got the {week} nudge ({_when(record.sent_at, tz)}); a real run would post nothing"
    elif message is None:
        note = "nothing is TODO and the last nudge said so; a real run would post nothing"
    else:
        where = target_key or "the nudge channel"
        note = f"a real run would post this to {where} for {week}"
    return message, note
