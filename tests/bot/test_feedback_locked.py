"""A vote while the state database is locked (docs/state.md, table `feedback`: "log and drop, and the
person is told: Sorry, I couldn't record that just now"). It said "That answer is no longer on record",
so people gave up on a vote that a moment later would have counted. Real HTTP through the Slack
harness, a real SQLite file whose write lock another connection holds."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import bot.store
from tests.slack.harness import (
    SlackApp,
    buttons_of,
    message_of,
    pick_confident_question,
    send_action,
    send_command,
    serve_slack,
    slack_settings,
    to_url,
)
from tests.support.slack import FakeSlack, fake_slack  # noqa: F401  (pytest fixture)

PAUSE_S = 0.5


@pytest.fixture
def app(seed_answerer, fake_slack: FakeSlack, tmp_path: Path,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> Iterator[SlackApp]:
    monkeypatch.setattr(bot.store, "PAUSE_S", PAUSE_S)
    with serve_slack(slack_settings(fake_slack, tmp_path / "state.db"), seed_answerer, fake_slack) as running:
        yield running


def _vote(app: SlackApp, value: str, action_id: str = "feedback_helpful") -> str:
    _, url = send_action(app, action_id, value, user="U0VOTER", message_ts=f"1700000001.{app.next_id():06d}")
    return str(message_of(app.fake.wait_for(to_url(url), timeout=30)[0])["text"])


def test_a_vote_while_the_state_lock_is_held_says_it_was_not_recorded(app: SlackApp, seed_answerer) -> None:
    _, url = send_command(app, pick_confident_question(seed_answerer), user="U0VOTER")
    buttons = buttons_of(message_of(app.fake.wait_for(to_url(url))[0]))
    value = buttons["feedback_helpful"]["value"]
    qid = json.loads(value)["q"]

    holder = sqlite3.connect(app.settings.state_db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # the write lock, as a stuck process or a long export holds it
    try:
        first = _vote(app, value)
        again = _vote(app, value)  # tried again at once, while the store is still left alone
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    for reply in (first, again):
        assert reply.startswith("Sorry, I couldn't record that just now"), reply
        assert "no longer on record" not in reply

    time.sleep(PAUSE_S + 0.2)  # the lock gone, the next try is recorded
    assert "helped" in _vote(app, value)
    db = sqlite3.connect(app.settings.state_db)
    assert db.execute("SELECT verdict FROM feedback WHERE question_id = ?", (qid,)).fetchall() == [("helpful",)]
    db.close()
