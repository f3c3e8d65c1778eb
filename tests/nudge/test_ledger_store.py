"""The nudge ledger in the shared state (bot/store), on the SQLite file and on a real PostgreSQL server:
one post per target per week however many processes claim it, nothing posted when the database
cannot be reached, and an existing SQLite state file upgraded without losing its records."""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import Settings
from bot.nudge.ledger import NudgeLedger
from bot.nudge.message import NudgeMessage
from bot.nudge.runner import run_nudges
from bot.store import Store, StoreUnavailable
from bot.store.engine import SERVING, Target, create_engine
from index.parse import load_content
from tests.nudge.helpers import MONDAY, SEED, WEDNESDAY, run_nudge, settings_for
from tests.support.ports import free_port
from tests.support.slack import FakeSlack

WEEK = "2026-W48"  # MONDAY's ISO week


class Recorder:
    """A nudge target that keeps what it was sent."""

    def __init__(self, key: str = "test:C0NUDGE") -> None:
        self.key = key
        self.sent: list[NudgeMessage] = []

    def send(self, message: NudgeMessage) -> None:
        self.sent.append(message)


@pytest.fixture
def replicas(stores: tuple[Store, Store]) -> tuple[NudgeLedger, NudgeLedger]:
    """Two ledgers on two Store objects over one database: two processes, as far as the database sees."""
    return NudgeLedger(stores[0]), NudgeLedger(stores[1])


def test_racing_rounds_on_two_replicas_post_once(replicas: tuple[NudgeLedger, NudgeLedger]) -> None:
    entries = load_content(SEED).entries
    target = Recorder()
    start = threading.Barrier(6)
    statuses: list[str] = []

    def round_on(ledger: NudgeLedger) -> None:
        start.wait()
        statuses.extend(o.status for o in run_nudges([target], entries, ledger, now=MONDAY))

    threads = [threading.Thread(target=round_on, args=(replicas[i % 2],)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(target.sent) == 1
    assert sorted(statuses).count("sent") == 1 and len(statuses) == 6
    assert set(statuses) <= {"sent", "in_progress", "already_sent"}
    # Recorded for both: the other replica's later round this week posts nothing.
    a, b = replicas
    assert b.record(target.key, WEEK).status == "sent"
    assert [o.status for o in run_nudges([target], entries, a, now=WEDNESDAY)] == ["already_sent"]
    assert len(target.sent) == 1


def test_the_snapshot_written_by_one_replica_drives_the_others_next_nudge(
    replicas: tuple[NudgeLedger, NudgeLedger],
) -> None:
    a, b = replicas
    entries = load_content(SEED).entries
    target = Recorder()
    run_nudges([target], entries, a, now=MONDAY)
    first = target.sent[0]
    assert b.snapshot(target.key) == first.snapshot()
    run_nudges([target], entries, b, now=MONDAY + timedelta(days=7))
    assert len(target.sent) == 2
    assert "Nothing changed since the last nudge." in target.sent[1].text


def test_a_claim_left_by_a_crashed_replica_is_taken_over_after_the_lease(
    replicas: tuple[NudgeLedger, NudgeLedger],
) -> None:
    a, b = replicas
    crashed = a.claim("test:C0NUDGE", WEEK, MONDAY)
    assert crashed.status == "claimed"
    assert b.claim("test:C0NUDGE", WEEK, MONDAY + timedelta(minutes=1)).status == "in_progress"
    later = MONDAY + timedelta(seconds=b.lease_seconds + 1)
    taken = b.claim("test:C0NUDGE", WEEK, later)
    assert taken.status == "claimed" and taken.token != crashed.token
    assert b.record("test:C0NUDGE", WEEK).attempts == 2
    b.mark_sent(taken, later, "todo", {})
    assert a.claim("test:C0NUDGE", WEEK, later).status == "already_sent"


def test_an_unreachable_database_posts_nothing_and_leaves_the_week_for_a_later_run(tmp_path: Path) -> None:
    # Nobody listens on this port: the ledger cannot claim, so the nudge fails closed.
    url = f"postgresql://careerfw:secret@127.0.0.1:{free_port()}/careerfw"
    target_db = Target.from_settings(Settings(state_db=tmp_path / "unused.db", database_url=url))
    store = Store(create_engine(target_db, SERVING), target_db)
    target = Recorder()
    (outcome,) = run_nudges([target], load_content(SEED).entries, NudgeLedger(store, patience_s=0.5), now=MONDAY)
    assert target.sent == []
    assert outcome.status == "failed" and outcome.retryable
    assert "could not be claimed" in outcome.detail and "a later run retries" in outcome.detail
    assert "secret" not in outcome.detail and "***" in outcome.detail
    with pytest.raises(StoreUnavailable):
        NudgeLedger(store, patience_s=0.2).claim("test:C0NUDGE", WEEK, MONDAY)


def test_careerfw_nudge_with_an_unreachable_database_posts_nothing_in_one_line(
    slack: FakeSlack, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.cli import main

    for name, value in {
        "CAREERFW_DATABASE_URL": f"postgresql://careerfw:secret@127.0.0.1:{free_port()}/careerfw",
        "CAREERFW_STATE_DB": str(tmp_path / "state.db"), "CAREERFW_NUDGE_CHANNEL": "C0NUDGE",
        "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_API_URL": slack.api_url,
    }.items():
        monkeypatch.setenv(name, value)
    assert main(["nudge", "--content", str(SEED)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "CAREERFW_DATABASE_URL=" in err and "secret" not in err, err
    assert slack.calls == []


# The DDL earlier releases ran on the SQLite state file (bot/nudge/ledger.py, bot/teams/conversations.py).
LEGACY_DDL = """
CREATE TABLE IF NOT EXISTS nudge_weeks (
    target TEXT NOT NULL, week TEXT NOT NULL, status TEXT NOT NULL, claim_token TEXT, claimed_at REAL,
    sent_at REAL, attempts INTEGER NOT NULL DEFAULT 0, kind TEXT, last_error TEXT, PRIMARY KEY (target, week)
);
CREATE TABLE IF NOT EXISTS nudge_snapshots (
    target TEXT PRIMARY KEY, week TEXT NOT NULL, todo_json TEXT NOT NULL, sent_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS teams_conversations (
    conversation_id TEXT PRIMARY KEY, conversation_type TEXT NOT NULL, team_id TEXT, tenant_id TEXT,
    service_url TEXT NOT NULL, conversation TEXT NOT NULL, added_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS teams_conversations_team ON teams_conversations(team_id);
"""


def test_upgrading_a_state_file_written_by_an_earlier_release_keeps_every_record(
    slack: FakeSlack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_for(slack, tmp_path)
    old = sqlite3.connect(settings.state_db)
    old.executescript(LEGACY_DDL)
    sent_at = MONDAY.timestamp()
    old.execute(
        "INSERT INTO nudge_weeks (target, week, status, sent_at, attempts, kind) VALUES (?, ?, 'sent', ?, 1, 'todo')",
        ("slack:C0NUDGE", WEEK, sent_at),
    )
    old.execute(
        "INSERT INTO nudge_weeks (target, week, status, attempts, last_error) VALUES (?, ?, 'failed', 2, ?)",
        ("slack:C0OTHER", WEEK, "not_in_channel"),
    )
    old.execute(
        "INSERT INTO nudge_snapshots VALUES (?, ?, ?, ?)",
        ("slack:C0NUDGE", WEEK, '{"e1": {"area": "Architecture Design"}}', sent_at),
    )
    old.execute(
        "INSERT INTO teams_conversations VALUES (?, 'personal', NULL, 't1', 'https://smba.example/', '{}', ?, ?)",
        ("a:chat", "2026-11-01T09:00:00+00:00", "2026-11-01T09:00:00+00:00"),
    )
    old.commit()
    old.close()

    # The week was posted before the upgrade: after it, no run posts it again.
    assert run_nudge(settings, WEDNESDAY) == 0
    assert "already posted" in capsys.readouterr().out
    assert slack.calls == []
    ledger = NudgeLedger(Store.open(settings))
    assert ledger.snapshot("slack:C0NUDGE") == {"e1": {"area": "Architecture Design"}}
    failed = ledger.record("slack:C0OTHER", WEEK)
    assert failed is not None and (failed.status, failed.attempts, failed.last_error) == ("failed", 2, "not_in_channel")
    conn = sqlite3.connect(settings.state_db)
    assert conn.execute("SELECT conversation_id, tenant_id FROM teams_conversations").fetchall() == [("a:chat", "t1")]
    assert conn.execute("SELECT count(*) FROM alembic_version").fetchone() == (1,)
    conn.close()
    # The next week posts, with the change since the snapshot the old release stored.
    assert run_nudge(settings, MONDAY + timedelta(days=7)) == 0
    assert len(slack.posts()) == 1


def test_the_scheduler_retries_a_round_that_could_not_reach_the_database(slack: FakeSlack, tmp_path: Path) -> None:
    from bot.nudge.scheduler import start_scheduler

    target = Recorder()
    calls: list[int] = []

    def targets() -> list[Recorder]:
        calls.append(1)
        if len(calls) == 1:  # listing Teams conversations needs the database, which is restarting
            raise StoreUnavailable("listing Teams conversations: cannot use the test database: restarting")
        return [target]

    settings = settings_for(slack, tmp_path)
    scheduler = start_scheduler(
        settings, targets=targets, clock=lambda: MONDAY + timedelta(minutes=1), retry_soon=timedelta(milliseconds=300)
    )
    assert scheduler is not None
    try:
        deadline = time.monotonic() + 20
        while not target.sent and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        scheduler.shutdown(wait=True)
    assert len(target.sent) == 1 and len(calls) == 2
