"""The state DB locked by another process: writes wait (busy timeout) instead of being lost; the state
file replaced or overwritten under a serving app: noticed, and /healthz says so."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.feedback import Feedback
from bot.state import BUSY_TIMEOUT_S, StateDB
from bot.store import RETRY_BUDGET_S, Store
from tests.slack.harness import (
    SlackApp,
    buttons_of,
    message_of,
    pick_confident_question,
    send_command,
    serve_slack,
    slack_settings,
    to_url,
)
from tests.support.slack import FakeSlack, fake_slack  # noqa: F401  (pytest fixture)

HOLD_S = 1.5
# Another process (a backup, `sqlite3` at a shell, a second replica) holding the write lock.
LOCKER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
"""


@contextmanager
def locked_by_another_process(path: Path, seconds: float) -> Iterator[subprocess.Popen[str]]:
    proc = subprocess.Popen([sys.executable, "-c", LOCKER, str(path), str(seconds)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
        yield proc
    finally:
        proc.wait(timeout=seconds + 30)
    assert proc.returncode == 0


def test_busy_timeout_is_thirty_seconds(tmp_path: Path) -> None:
    db = StateDB(tmp_path / "state.db")
    assert BUSY_TIMEOUT_S == 30.0
    assert db.conn.execute("PRAGMA busy_timeout").fetchone()[0] == 30_000
    assert db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_feedback_waits_briefly_for_another_process_then_answers_go_on_without_it(
    tmp_path: Path, seed_answerer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Questions and votes go through the shared store: a lock held elsewhere is waited out briefly
    (retried within RETRY_BUDGET_S), then the write is dropped rather than holding up the answer;
    after the lock goes, writes land again."""
    import bot.store

    monkeypatch.setattr(bot.store, "PAUSE_S", 0.0)  # no pause after the failure: the next write tries
    path = tmp_path / "state.db"
    store = Store.open(Settings(state_db=path))
    log = Feedback(store)
    answer = seed_answerer.ask("what does Head of ML own?")
    assert answer.confident
    first = log.record_question(surface="slack", user_id="U1", answer=answer)  # schema and key exist
    assert first is not None
    # Held far longer than the store's whole retry budget, so giving up is what returns.
    with locked_by_another_process(path, RETRY_BUDGET_S * 8) as locker:
        dropped = log.record_question(surface="slack", user_id="U2", answer=answer)
        assert locker.poll() is None, "the write waited for the other process to let go"
    assert dropped is None, "a write went through another process's exclusive lock"
    qid = log.record_question(surface="slack", user_id="U2", answer=answer)
    assert qid is not None
    assert log.record_feedback(surface="slack", user_id="U2", verdict="helpful", question_id=qid)
    assert log.record_feedback(surface="slack", user_id="U1", verdict="not_helpful", question_id=first)
    store.close()
    # Nothing else lost: read back through a fresh store, as another replica would.
    fresh = Feedback(Store.open(Settings(state_db=path)))
    assert fresh.get_question(qid) is not None and fresh.get_question(first) is not None
    area = answer.quotes[0].entry.area
    rows = {s.area: s for s in fresh.summary()}
    assert rows[area].helpful == 1 and rows[area].not_helpful == 1 and rows[area].asked == 2


def test_nudge_records_written_while_another_process_holds_the_lock(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from bot.config import Settings
    from bot.nudge.ledger import NudgeLedger, iso_week
    from bot.store import Store

    path = tmp_path / "state.db"
    ledger = NudgeLedger(Store.open(Settings(state_db=path)))
    now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    week = iso_week(now)
    with locked_by_another_process(path, HOLD_S):
        started = time.monotonic()
        claim = ledger.claim("slack:C0123", week, now)
        assert claim.status == "claimed"
        ledger.mark_sent(claim, now, "todo", {"entry-1": {"area": "Architecture Design"}})
        waited = time.monotonic() - started
    assert waited >= HOLD_S * 0.5, "the nudge ledger did not wait for the other process's lock"
    # Recorded for good: a second run this week (another replica, the CronJob's next hour) posts nothing.
    again = NudgeLedger(Store.open(Settings(state_db=path)))
    record = again.record("slack:C0123", week)
    assert record is not None and record.status == "sent"
    assert again.claim("slack:C0123", week, now).status == "already_sent"
    assert again.snapshot("slack:C0123") == {"entry-1": {"area": "Architecture Design"}}


def _overwrite_in_place(path: Path, tmp: Path) -> None:
    """`cp other.db state.db`: the same file (inode), another SQLite database's bytes."""
    other = tmp / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    with open(path, "r+b") as handle:
        handle.truncate(0)
        handle.write(other.read_bytes())


def _replace(path: Path, tmp: Path) -> None:
    """`mv backup.db state.db`: a copy of this very state database, restored as a new file."""
    backup = tmp / "backup.db"
    source = sqlite3.connect(path)
    target = sqlite3.connect(backup)
    source.backup(target)
    source.close()
    target.close()
    os.replace(backup, path)


@pytest.mark.parametrize("change", [_overwrite_in_place, _replace], ids=["overwritten-in-place", "replaced"])
def test_a_state_file_overwritten_or_replaced_while_serving_marks_the_process_unready(
    seed_answerer, fake_slack: FakeSlack, tmp_path: Path, change: Callable[[Path, Path], None]  # noqa: F811
) -> None:
    """docs/state.md, "Start-up errors" and docs/security.md, "Unusable file": answers went on with
    feedback buttons whose rows were written into a file nobody would read again, and /healthz stayed
    200. Now the process notices, answers without recording, and /healthz turns 503 naming the file."""
    state = tmp_path / "state.db"
    question = pick_confident_question(seed_answerer)
    with serve_slack(slack_settings(fake_slack, state), seed_answerer, fake_slack) as app:
        _, url = send_command(app, question, user="U0BEFORE")
        assert "feedback_helpful" in buttons_of(message_of(app.fake.wait_for(to_url(url))[0]))
        assert _healthz(app)[0] == 200

        change(state, tmp_path)

        _, url = send_command(app, question, user="U0AFTER")
        after = message_of(app.fake.wait_for(to_url(url))[0])
        assert after["blocks"], "the question is still answered"
        assert "feedback_helpful" not in buttons_of(after), "a vote on it would be lost: no buttons"
        code, body = _healthz(app)
        assert code == 503
        assert f"the state database {state} (CAREERFW_STATE_DB) is unusable: the file was " in body["reason"]


def _healthz(app: SlackApp) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(app.url + "/healthz", timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())
