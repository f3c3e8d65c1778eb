"""The weekly owners' report: once per owner per ISO week, on the nudge's ledger (bot/nudge/ledger.py).

Each owner is a ledger target of its own, `report:<surface>:<id>` (never a nudge target's key), so
the claim that keeps the nudge to one post a week across replicas, the CronJob and `careerfw report
--send` keeps the report to one message per owner a week in the same way, on SQLite and PostgreSQL.
A surface implements `ReportTarget` beside its own code (bot/slack/report.py: a DM with the HTML
attached; bot/teams/report.py: the personal chat) and this package imports none.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from bot.config import Settings
from bot.nudge.ledger import Claim, NudgeLedger
from bot.nudge.runner import NudgeOutcome, week_of, zone
from bot.nudge.target import NudgeDeliveryError, NudgeMaybeDelivered
from bot.owners import read_owners
from bot.report.compute import Embed, Report, build_report
from bot.store import Store, StoreUnavailable
from index import Answerer, Entry, Owners

log = logging.getLogger(__name__)

KIND = "report"  # nudge_weeks.kind of a sent report
WEEK = timedelta(days=7)  # what the weekly message covers


@runtime_checkable
class ReportTarget(Protocol):
    """One owner who gets the weekly report. `key` is "report:<surface>:<owner id>".

    `send(report)` delivers it, returning once the surface accepted it; on failure it raises
    NudgeDeliveryError (NudgeMaybeDelivered when the surface may have posted it anyway)."""

    key: str

    def send(self, report: Report) -> None: ...


def owner_ids(owners: Owners) -> list[str]:
    """Every id in owners.yaml once, in the file's order."""
    seen: dict[str, None] = {}
    for ids in owners.by_name.values():
        for owner in ids:
            seen.setdefault(owner, None)
    return list(seen)


def run_reports(
    targets: Sequence[ReportTarget], make_report: Callable[[], Report], ledger: NudgeLedger, *, now: datetime,
    tz: str = "UTC",
) -> list[NudgeOutcome]:
    """One round: each target that has not had this week's report gets it. The report is computed once,
    and only when some target holds a claim. One target's failure never stops the others."""
    week = week_of(now, tz)
    made: list[Report] = []

    def report() -> Report:
        if not made:
            made.append(make_report())
        return made[0]

    outcomes = []
    for target in targets:
        outcome = _one(target, report, ledger, week, now, tz)
        (log.warning if not outcome.ok else log.info)("report %s", outcome)
        outcomes.append(outcome)
    return outcomes


def _one(target: ReportTarget, report: Callable[[], Report], ledger: NudgeLedger, week: str, now: datetime,
         tz: str) -> NudgeOutcome:
    try:
        claim = ledger.claim(target.key, week, now)
    except StoreUnavailable as exc:
        return NudgeOutcome(target.key, week, "failed", f"not sending the {week} report: {exc}", retryable=True)
    if claim.status == "already_sent":
        return NudgeOutcome(target.key, week, "already_sent", f"{week} report already sent ({_when(claim.at, tz)})")
    if claim.status == "in_progress":
        return NudgeOutcome(target.key, week, "in_progress", f"another run is sending the {week} report")
    try:
        target.send(report())
    except NudgeMaybeDelivered as exc:
        # At most once: it may have arrived, so the week counts as sent.
        _record(ledger, claim, now)
        return NudgeOutcome(target.key, week, "unconfirmed", f"{week} report maybe sent: {exc.reason}")
    except NudgeDeliveryError as exc:
        ledger.release(claim, error=exc.reason)
        return NudgeOutcome(target.key, week, "failed", f"{week} report not sent: {exc.reason}",
                            retryable=exc.retryable)
    except BaseException as exc:
        ledger.release(claim, error=f"interrupted ({type(exc).__name__})")
        raise
    if not _record(ledger, claim, now):
        return NudgeOutcome(target.key, week, "unrecorded", f"sent the {week} report but could not record it")
    return NudgeOutcome(target.key, week, "sent", f"sent the {week} report")


def _when(ts: float | None, tz: str) -> str:
    return "earlier" if ts is None else datetime.fromtimestamp(ts, zone(tz)).strftime("%a %d %b %H:%M %Z")


def _record(ledger: NudgeLedger, claim: Claim, now: datetime) -> bool:
    try:
        ledger.mark_sent(claim, now, KIND, {})
    except StoreUnavailable as exc:
        log.error("report %s: sent, but not recorded: %s", claim.target, exc)
        return False
    return True


def preview_note(key: str, ledger: NudgeLedger | None, now: datetime, tz: str) -> str:
    """What a real run would do for `key` this week. Writes nothing."""
    week = week_of(now, tz)
    record = ledger.record(key, week) if ledger is not None else None
    if record is not None and record.status == "sent":
        return f"{key} already got the {week} report ({_when(record.sent_at, tz)}); a real run would send nothing"
    return f"a real run would send this to {key} for {week}"


def weekly_round(
    settings: Settings,
    store: Store,
    targets: Callable[[Owners], Sequence[ReportTarget]],
    entries: Callable[[], Sequence[Entry]],
    embed: Embed | None,
    answerer: Callable[[], Answerer] | None = None,
) -> Callable[[datetime], list[NudgeOutcome]]:
    """The report as a round on the nudge's scheduler (bot.nudge.scheduler, `rounds`): at each run,
    owners.yaml read again, the surface's owners, and the week's report to each one not yet sent it."""

    def run(now: datetime) -> list[NudgeOutcome]:
        owners = read_owners(settings.content_dir, log)
        chosen = targets(owners)
        if not chosen:
            return []

        def make() -> Report:
            return build_report(store, entries(), now=now, period=WEEK, tz=settings.tz,
                                min_group=settings.report_min_group, embed=embed, answerer=answerer,
                                content_dir=settings.content_dir)

        return run_reports(chosen, make, NudgeLedger(store), now=now, tz=settings.tz)

    return run
