"""`careerfw nudge`: the weekly TODO nudge, once, for cron or a Kubernetes CronJob.

Safe to run as often as you like (e.g. hourly on Mondays, so a failed post is retried the same day):
each target gets at most one nudge per ISO week. Exit 0 when every target is done for the week (posted
now or earlier, or nothing to post); 1 when a post failed (the week stays unsent) or the set-up is wrong.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import datetime

from bot.config import Settings
from bot.nudge.ledger import NudgeLedger
from bot.nudge.runner import NOTEWORTHY, preview, run_nudges, system_clock
from bot.nudge.target import NudgeTarget
from bot.owners import read_owners
from bot.state import check_state
from bot.store import Store
from bot.store.schema import nudge_snapshots, nudge_weeks
from index import load_content


def _open_ledger(settings: Settings, read_only: bool) -> NudgeLedger | None:
    """The nudge ledger in the shared store (StoreUnavailable, one line naming CAREERFW_DATABASE_URL or
    the SQLite file, when it cannot be used: nothing is posted). A dry run never creates the state DB,
    its tables or a schema revision; None when there is no ledger to read yet."""
    if not settings.database_url:
        check_state(settings.state_db)
        if read_only and not settings.state_db.is_file():
            return None
    store = Store.open(settings, upgrade=not read_only)
    if read_only and not store.has_tables(nudge_weeks, nudge_snapshots):
        store.close()
        return None
    return NudgeLedger(store)


def nudge_command(
    args: argparse.Namespace,
    settings: Settings,
    *,
    targets: Callable[[], Sequence[NudgeTarget]],
    dry_run_keys: Callable[[], Sequence[str | None]],
    now: datetime | None = None,
) -> int:
    """`careerfw nudge` once. The caller (the CLI) names the surface: `targets()` for a real run,
    `dry_run_keys()` (the ledger keys those targets would use, None for "no target set") for a dry
    run, which must post nothing and need no token. `now` lets tests pick the week."""
    now = now or system_clock()
    content = load_content(settings.content_dir)
    if content.errors:
        # A half-parsed framework would report areas as "filled in" that merely failed to parse.
        for problem in content.errors:
            print(problem, file=sys.stderr)
        print(f"careerfw: not nudging: {settings.content_dir} has errors (see `careerfw check`)", file=sys.stderr)
        return 1
    owners = read_owners(settings.content_dir)

    if args.dry_run:
        ledger = _open_ledger(settings, read_only=True)
        try:
            for key in dry_run_keys():
                message, note = preview(
                    key, content.entries, ledger, now=now, tz=settings.tz, site_url=settings.site_url, owners=owners
                )
                print(f"(dry run: nothing is posted; {note})\n")
                if message is not None:
                    sys.stdout.write(message.text)
        finally:
            if ledger is not None:
                ledger.store.close()
        return 0

    chosen = targets()
    ledger = _open_ledger(settings, read_only=False)
    assert ledger is not None
    try:
        outcomes = run_nudges(
            chosen, content.entries, ledger, now=now, tz=settings.tz, site_url=settings.site_url, owners=owners
        )
    finally:
        ledger.store.close()
    for outcome in outcomes:
        print(outcome, file=sys.stderr if outcome.status in NOTEWORTHY else sys.stdout)
    return 0 if all(o.ok for o in outcomes) else 1
