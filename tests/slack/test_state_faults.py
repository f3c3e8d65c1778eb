"""The state database misbehaving under a serving Slack app: answers never wait on it.
Real HTTP, real SQLite (another connection holds the write lock, as a stuck process would)."""

from __future__ import annotations

import logging
import sqlite3

import pytest

from tests.slack.harness import SlackApp, buttons_of, message_of, send_command, to_url


def test_a_writer_holding_the_lock_does_not_stall_answers(
    slack_app: SlackApp, question: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    holder = sqlite3.connect(slack_app.settings.state_db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # the write lock, held until this test lets go
    try:
        _, url = send_command(slack_app, question, user="U0LOCKED")
        # Well before the 30 s busy timeout a write would otherwise wait.
        (call,) = slack_app.fake.wait_for(to_url(url), timeout=10)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    message = message_of(call)
    assert "feedback_helpful" not in buttons_of(message)  # the question could not be recorded
    # One line says the state database is locked and answers go on (the store logs once per outage).
    assert "unavailable (database is locked)" in caplog.text and "answers go on" in caplog.text
    assert not [r for r in caplog.records if r.exc_info]
