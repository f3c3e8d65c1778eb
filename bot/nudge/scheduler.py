"""The weekly nudge inside a long-running app (Slack or Teams), on APScheduler 3's BackgroundScheduler.

    scheduler = start_scheduler(
        settings,
        entries=lambda: answerer.entries,          # what the app is serving right now
        targets=lambda: slack_targets(settings),   # or Teams: bot.teams.nudge.teams_targets(settings)
        store=runtime.store,                       # the shared state (bot/store): claims, records
    )
    ...
    if scheduler is not None:
        scheduler.shutdown(wait=False)

Every replica may run it, and a `careerfw nudge` CronJob beside them: the ledger's claims live in
the shared state (CAREERFW_DATABASE_URL), so each target gets one nudge per ISO week however many
processes fire. When the database cannot be reached the round posts nothing and is retried soon.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from apscheduler.events import EVENT_SCHEDULER_SHUTDOWN
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.config import ConfigError, Settings
from bot.nudge.ledger import DEFAULT_LEASE_SECONDS, NudgeLedger
from bot.nudge.runner import Clock, NudgeOutcome, run_nudges, system_clock, week_of, zone
from bot.nudge.target import NudgeTarget
from bot.owners import read_owners
from bot.store import Store, StoreUnavailable
from index import Entry, Owners, load_content

log = logging.getLogger(__name__)

JOB_ID = "careerfw-weekly-nudge"
# A failure Slack may get over by itself (rate limit, 5xx, network) is retried soon; one a person must
# fix (channel_not_found, not_in_channel, invalid_auth) hourly, until the week ends.
RETRY_SOON = timedelta(minutes=5)
RETRY_LATER = timedelta(hours=1)


def nudge_trigger(settings: Settings) -> CronTrigger:
    """CAREERFW_NUDGE_CRON in CAREERFW_TZ, or a ConfigError naming the variable."""
    tz = zone(settings.tz)
    try:
        return CronTrigger.from_crontab(settings.nudge_cron, timezone=tz)
    except ValueError as exc:
        raise ConfigError(
            f"CAREERFW_NUDGE_CRON={settings.nudge_cron!r} is not a cron expression "
            f"(minute hour day month weekday, e.g. '0 9 * * mon'): {exc}"
        ) from None


def next_nudge_time(settings: Settings, now: datetime) -> datetime | None:
    """When the schedule fires next after `now` (aware), in CAREERFW_TZ."""
    return nudge_trigger(settings).get_next_fire_time(None, now.astimezone(zone(settings.tz)))


def missed_this_week(settings: Settings, now: datetime) -> bool:
    """Whether the schedule already fired earlier in `now`'s ISO week (e.g. the app was down on Monday)."""
    local = now.astimezone(zone(settings.tz))
    week_start = (local - timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    first = nudge_trigger(settings).get_next_fire_time(None, week_start)
    return first is not None and first <= local


Round = Callable[[datetime], Sequence[NudgeOutcome]]


class RoundJob:
    """One weekly round as the scheduler runs it (the nudge itself, or another round on its schedule and
    ledger such as the owners' report, bot/report), plus the retry it books after a failure."""

    def __init__(self, name: str, settings: Settings, scheduler: BackgroundScheduler, round_: Round, clock: Clock,
                 retry_soon: timedelta, retry_later: timedelta) -> None:
        self.name = name
        self.settings = settings
        self.scheduler = scheduler
        self.round = round_
        self.clock = clock
        self.retry_soon = retry_soon
        self.retry_later = retry_later
        self._lock = threading.Lock()
        self.rounds = 0

    @property
    def retry_id(self) -> str:
        return f"careerfw-weekly-{self.name}-retry"

    def __call__(self) -> list[NudgeOutcome]:
        # The cron job and a retry job never overlap; the ledger would stop a double post anyway.
        with self._lock:
            self.rounds += 1
            now = self.clock()
            try:
                outcomes = list(self.round(now))
            except StoreUnavailable as exc:
                # Listing the targets (Teams conversations) needs the database too: fail closed, retry soon.
                log.error("weekly %s not sent: %s", self.name, exc)
                self._book_retry(now, self.retry_soon)
                return []
            except ConfigError as exc:
                log.error("weekly %s not sent: %s", self.name, exc)
                return []
            except Exception:
                log.exception("weekly %s round failed; the week stays unsent", self.name)
                self._book_retry(now, self.retry_later)
                return []
            failed = [o for o in outcomes if not o.ok]
            if failed:
                self._book_retry(now, self.retry_soon if all(o.retryable for o in failed) else self.retry_later)
            return outcomes

    def _book_retry(self, now: datetime, delay: timedelta) -> None:
        at = now + delay
        if week_of(at, self.settings.tz) != week_of(now, self.settings.tz):
            log.warning("weekly %s: no retry this week; the next scheduled run tries again", self.name)
            return
        # The scheduler runs on the real clock; the delay is what matters, not the injected `now`.
        run_date = datetime.now(zone(self.settings.tz)) + delay
        self.scheduler.add_job(self, "date", run_date=run_date, id=self.retry_id, replace_existing=True,
                               misfire_grace_time=3600)
        log.info("weekly %s: retrying at %s", self.name, run_date.isoformat(timespec="seconds"))


def _content_entries(settings: Settings) -> Callable[[], Sequence[Entry]]:
    def load() -> Sequence[Entry]:
        content = load_content(settings.content_dir)
        if content.errors:
            raise ConfigError(f"{settings.content_dir} has errors (see `careerfw check`): {content.errors[0]}")
        return content.entries

    return load


def _owners(settings: Settings) -> Callable[[], Owners]:
    def load() -> Owners:
        return read_owners(settings.content_dir, log)

    return load


def start_scheduler(
    settings: Settings,
    *,
    targets: Callable[[], Sequence[NudgeTarget]],
    store: Store | None = None,
    entries: Callable[[], Sequence[Entry]] | None = None,
    answerer: Any = None,
    owners: Callable[[], Owners] | None = None,
    clock: Clock = system_clock,
    catch_up: bool = True,
    lease_seconds: float = DEFAULT_LEASE_SECONDS,
    retry_soon: timedelta = RETRY_SOON,
    retry_later: timedelta = RETRY_LATER,
    rounds: Sequence[tuple[str, Round]] = (),
) -> BackgroundScheduler | None:
    """Start the weekly nudge on CAREERFW_NUDGE_CRON in CAREERFW_TZ; None when CAREERFW_SCHEDULER=off.

    targets: called at each run (so Teams conversations added since start are included); the caller
      names them (`bot.slack.nudge.start_slack_nudges`, `bot.teams.nudge.start_teams_nudges`): this
      package knows no chat surface.
    store: the shared state the ledger lives in (default: Store.open(settings), which the scheduler
      then owns and closes at shutdown).
    entries: the entries to report (default: re-read from settings.content_dir at each run).
    answerer: shorthand for `entries=lambda: answerer.entries`, so a serving app nudges about exactly
      the content it answers from, including after a hot reload.
    owners: owners.yaml loader (default: settings.content_dir/owners.yaml at each run).
    clock: the time used to pick the ISO week (tests inject one); the firing itself is APScheduler's.
    catch_up: when the schedule already fired this week before start (the app was down on Monday),
      run once right away; the ledger makes that a no-op if the week was already posted.
    rounds: other weekly rounds on the same schedule, by name (("report", fn) for the owners' report):
      `fn(now)` returns outcomes like run_nudges'; each gets job id `careerfw-weekly-<name>`.

    Returns the started scheduler; its job `JOB_ID` (`scheduler.get_job(JOB_ID).func` is the nudge's RoundJob).
    Callers shut it down with `scheduler.shutdown(wait=False)`.
    """
    if not settings.scheduler_enabled:
        log.info("weekly nudge scheduler is off (CAREERFW_SCHEDULER=off)")
        return None
    trigger = nudge_trigger(settings)
    if entries is None and answerer is not None:
        entries = lambda: answerer.entries  # noqa: E731 (read at each run: reloads swap the entries)
    owned = store is None
    if store is None:
        store = Store.open(settings)
    scheduler = BackgroundScheduler(timezone=zone(settings.tz), daemon=True)
    if owned:
        scheduler.add_listener(lambda _event: store.close(), EVENT_SCHEDULER_SHUTDOWN)
    ledger = NudgeLedger(store, lease_seconds=lease_seconds)
    read_entries = entries or _content_entries(settings)
    read_owners = owners or _owners(settings)

    def nudge_round(now: datetime) -> Sequence[NudgeOutcome]:
        return run_nudges(targets(), read_entries(), ledger, now=now, tz=settings.tz, site_url=settings.site_url,
                          owners=read_owners())

    job = RoundJob("nudge", settings, scheduler, nudge_round, clock, retry_soon, retry_later)
    # A late start (busy process, suspended VM) still posts that day, once.
    scheduler.add_job(job, trigger, id=JOB_ID, coalesce=True, max_instances=1, misfire_grace_time=6 * 3600)
    others = [RoundJob(name, settings, scheduler, fn, clock, retry_soon, retry_later) for name, fn in rounds]
    for other in others:
        scheduler.add_job(other, trigger, id=f"careerfw-weekly-{other.name}", coalesce=True, max_instances=1,
                          misfire_grace_time=6 * 3600)
    if catch_up and missed_this_week(settings, clock()):
        run_date = datetime.now(zone(settings.tz))
        scheduler.add_job(job, "date", run_date=run_date, id=job.retry_id, misfire_grace_time=3600)
        for other in others:
            scheduler.add_job(other, "date", run_date=run_date, id=other.retry_id, misfire_grace_time=3600)
    scheduler.start()
    nxt = scheduler.get_job(JOB_ID).next_run_time
    log.info("weekly nudge scheduled (%s %s); next at %s", settings.nudge_cron, settings.tz, nxt)
    return scheduler
