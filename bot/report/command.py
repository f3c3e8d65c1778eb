"""`careerfw report`: the owners' report from the shared store, printed, as JSON, as an HTML page, as
the weekly message would send it (--dry-run), or sent once now (--send, for cron).

Reading never creates the state database, a table or a schema revision; only --send writes (the
ledger's claim and record of each owner's week).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from bot.config import ConfigError, Settings
from bot.nudge.ledger import NudgeLedger
from bot.nudge.runner import NOTEWORTHY, system_clock
from bot.owners import read_owners
from bot.report.compute import Report, parse_since
from bot.report.compute import build_report as compute_report
from bot.report.deliver import ReportTarget, preview_note, run_reports
from bot.report.html import render_html
from bot.report.text import render_text, summary
from bot.state import check_state
from bot.store import Store
from bot.store.schema import feedback, nudge_weeks, questions
from bot.text import for_terminal
from index import Answerer, Entry, Owners, load_content

DEFAULT_SINCE = "7d"


class Lazy:
    """The served answerer (model and index), opened on first use: a report with nothing refused never
    loads it. It groups refused questions (its model) and checks suggested careerfw.yaml lines."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._answerer: Answerer | None = None

    def answerer(self) -> Answerer:
        if self._answerer is None:
            from bot.runtime import open_answerer

            self._answerer = open_answerer(self.settings)
        return self._answerer

    def embed(self, texts: list[str]) -> np.ndarray:
        return self.answerer().embedder.encode(texts)


def open_read_only(settings: Settings) -> Store | None:
    """The shared store as it is, or None when nothing was ever recorded there (no file, no tables)."""
    if not settings.database_url:
        check_state(settings.state_db)
        if not settings.state_db.is_file():
            return None
    store = Store.open(settings, upgrade=False)
    if not store.has_tables(questions, feedback):
        store.close()
        return None
    return store


def build_report(settings: Settings, store: Store | None, entries: Sequence[Entry], *, now: datetime,
                 period: timedelta, lazy: Lazy) -> Report:
    return compute_report(store, entries, now=now, period=period, tz=settings.tz,
                          min_group=settings.report_min_group, embed=lazy.embed, answerer=lazy.answerer,
                          content_dir=settings.content_dir)


def report_command(
    args: argparse.Namespace,
    settings: Settings,
    *,
    targets: Callable[[Owners], Sequence[ReportTarget]],
    dry_run_keys: Callable[[Owners], Sequence[str]],
    now: datetime | None = None,
) -> int:
    """The CLI names the surface (`targets`, `dry_run_keys`: the owners it would send to), so this
    package imports none. `now` lets tests pick the week."""
    now = now or system_clock()
    period = parse_since(args.since or DEFAULT_SINCE)
    content = load_content(settings.content_dir)
    for problem in content.errors:
        print(problem, file=sys.stderr)
    lazy = Lazy(settings)

    if args.send:
        if args.json or args.html or args.dry_run:
            raise ConfigError("--send sends the report; leave out --json, --html and --dry-run with it")
        owners = read_owners(settings.content_dir)
        chosen = targets(owners)
        if not chosen:
            raise ConfigError("no owner to send the report to: owners.yaml lists none this surface can reach")
        if not settings.database_url:
            check_state(settings.state_db)
        store = Store.open(settings)
        try:
            outcomes = run_reports(
                chosen, lambda: build_report(settings, store, content.entries, now=now, period=period, lazy=lazy),
                NudgeLedger(store), now=now, tz=settings.tz,
            )
        finally:
            store.close()
        for outcome in outcomes:
            print(outcome, file=sys.stderr if outcome.status in NOTEWORTHY else sys.stdout)
        return 0 if all(o.ok for o in outcomes) else 1

    store = open_read_only(settings)
    try:
        report = build_report(settings, store, content.entries, now=now, period=period, lazy=lazy)
        if args.dry_run:
            owners = read_owners(settings.content_dir)
            keys = dry_run_keys(owners)
            ledger = NudgeLedger(store) if store is not None and store.has_tables(nudge_weeks) else None
            if not keys:
                print("(dry run: owners.yaml lists no owner this surface can reach; nothing would be sent)")
            for key in keys:
                print(f"(dry run: nothing is sent; {preview_note(key, ledger, now, settings.tz)})")
            print()
            print("\n".join(for_terminal(line) for line in summary(report)))
            return 0
    finally:
        if store is not None:
            store.close()
    if args.html:
        path = Path(args.html)
        try:
            path.write_text(render_html(report), encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot write {path}: {exc.strerror or exc}") from None
        print(f"wrote {path}", file=sys.stderr)
    if args.json:
        import json

        print(json.dumps(report.to_json(), ensure_ascii=False))
    elif not args.html:
        sys.stdout.write(render_text(report))
    return 0
