"""`careerfw nudge`: the weekly TODO nudge, once, for cron or a Kubernetes CronJob.

Safe to run as often as you like (e.g. hourly on Mondays, so a failed post is retried the same day):
each target gets at most one nudge per ISO week. Exit 0 when every target is done for the week (posted
now or earlier, or nothing to post); 1 when a post failed (the week stays unsent) or the set-up is wrong.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from datetime import datetime

from bot.config import ConfigError, Settings
from bot.nudge.ledger import NudgeLedger
from bot.nudge.runner import preview, run_nudges, system_clock
from bot.nudge.target import NudgeTarget
from bot.state import StateDB
from index.owners import Owners, load_owners
from index.parse import load_content


def teams_targets(settings: Settings) -> list[NudgeTarget]:
    """The Teams conversations to nudge, from the Teams front end (imported only when asked for)."""
    try:
        module = importlib.import_module("bot.teams.nudge")
    except ModuleNotFoundError as exc:
        if exc.name not in ("bot.teams", "bot.teams.nudge"):
            raise
        raise ConfigError("Teams nudges are not available: bot/teams/nudge.py (teams_targets) is missing") from None
    factory = getattr(module, "teams_targets", None)
    if factory is None:
        raise ConfigError("Teams nudges are not available: bot.teams.nudge has no teams_targets(settings)")
    return list(factory(settings))


def _load_owners(settings: Settings) -> Owners:
    owners = load_owners(settings.content_dir)
    for problem in owners.problems:
        print(f"careerfw: {problem} (run `careerfw check`; that part of owners.yaml is ignored)", file=sys.stderr)
    return owners


def _open_ledger(settings: Settings, read_only: bool) -> NudgeLedger | None:
    """The nudge ledger; a dry run never creates the state DB or its tables."""
    if read_only:
        if not settings.state_db.is_file():
            return None
        db = StateDB(settings.state_db)
        found = db.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'nudge_snapshots'").fetchone()
        if found is None:
            return None
        return NudgeLedger(db)
    return NudgeLedger(StateDB(settings.state_db))


def _targets(args: argparse.Namespace, settings: Settings) -> Sequence[NudgeTarget]:
    if args.teams:
        if args.channel:
            raise ConfigError("--channel names a Slack channel; leave it out with --teams")
        targets = teams_targets(settings)
        if not targets:
            raise ConfigError("no Teams conversations are stored yet: add the bot to a team or chat first")
        return targets
    from bot.slack.nudge import SlackTarget

    return [SlackTarget.from_settings(settings, args.channel)]


def _dry_run_keys(args: argparse.Namespace, settings: Settings) -> list[str | None]:
    if args.teams:
        return [t.key for t in teams_targets(settings)] or [None]
    channel = args.channel or settings.nudge_channel
    return [f"slack:{channel}" if channel else None]


def nudge_command(args: argparse.Namespace, settings: Settings, *, now: datetime | None = None) -> int:
    """Entry point of `careerfw nudge`; `now` lets tests pick the week (default: the system clock)."""
    now = now or system_clock()
    content = load_content(settings.content_dir)
    if content.errors:
        # A half-parsed framework would report areas as "filled in" that merely failed to parse.
        for problem in content.errors:
            print(problem, file=sys.stderr)
        print(f"careerfw: not nudging: {settings.content_dir} has errors (see `careerfw check`)", file=sys.stderr)
        return 1
    owners = _load_owners(settings)

    if args.dry_run:
        ledger = _open_ledger(settings, read_only=True)
        for key in _dry_run_keys(args, settings):
            message, note = preview(
                key, content.entries, ledger, now=now, tz=settings.tz, site_url=settings.site_url, owners=owners
            )
            print(f"(dry run: nothing is posted; {note})\n")
            if message is not None:
                sys.stdout.write(message.text)
        return 0

    targets = _targets(args, settings)
    ledger = _open_ledger(settings, read_only=False)
    assert ledger is not None
    outcomes = run_nudges(
        targets, content.entries, ledger, now=now, tz=settings.tz, site_url=settings.site_url, owners=owners
    )
    for outcome in outcomes:
        print(outcome, file=sys.stdout if outcome.ok else sys.stderr)
    return 0 if all(o.ok for o in outcomes) else 1
