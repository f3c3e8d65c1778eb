"""Answer buttons belong to the person who asked: nobody else can share or vote on their answer,
out-of-range values get a polite reply, and clicks count against the same per-user rate limit as
questions. Real HTTP with Slack-signed interactivity payloads, real SQLite."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from bot.slack.listeners.actions import NOT_YOURS, STALE
from tests.slack.harness import SlackApp, buttons_of, message_of, send_action, send_command, to_url


def answered(app: SlackApp, question: str, user: str) -> dict[str, Any]:
    _, url = send_command(app, question, user=user)
    return buttons_of(message_of(app.fake.wait_for(to_url(url))[0]))


def reply(app: SlackApp, url: str, count: int = 1) -> list[dict[str, Any]]:
    return [message_of(c) for c in app.fake.wait_for(to_url(url), count=count)]


def test_someone_else_cannot_share_the_askers_answer(slack_app: SlackApp, question: str) -> None:
    buttons = answered(slack_app, question, "U0BOUNDASK1")
    _, url = send_action(slack_app, "share_answer", buttons["share_answer"]["value"], user="U0INTRUDER1")
    (refused,) = reply(slack_app, url)
    assert refused["text"] == NOT_YOURS and refused["response_type"] == "ephemeral"
    assert not [m for m in reply(slack_app, url) if m.get("response_type") == "in_channel"]


def test_someone_else_cannot_vote_on_the_askers_answer(slack_app: SlackApp, question: str) -> None:
    buttons = answered(slack_app, question, "U0BOUNDASK2")
    qid = json.loads(buttons["feedback_helpful"]["value"])["q"]
    _, url = send_action(slack_app, "feedback_helpful", buttons["feedback_helpful"]["value"], user="U0INTRUDER2")
    assert reply(slack_app, url)[0]["text"] == NOT_YOURS
    votes = sqlite3.connect(slack_app.settings.state_db).execute(
        "SELECT COUNT(*) FROM feedback WHERE question_id = ?", (qid,)).fetchone()[0]
    assert votes == 0


def test_out_of_range_button_values_get_a_polite_reply(slack_app: SlackApp) -> None:
    for action_id, value in [("feedback_helpful", {"q": 2**70}), ("share_answer", {"q": 2**70}),
                             ("share_answer", {"q": -1}), ("feedback_not_helpful", {"q": True}),
                             ("did_you_mean_0", {"e": "x" * 10_000, "q": 2**70})]:
        _, url = send_action(slack_app, action_id, json.dumps(value), user="U0RANGES")
        assert reply(slack_app, url)[0]["text"] == STALE, (action_id, value)


def test_button_clicks_count_against_the_rate_limit(slack_app: SlackApp, seed_answerer: Any) -> None:
    limit = slack_app.settings.rate_limit_per_minute
    entry_id = next(e.id for e in seed_answerer.entries if not e.todo)
    texts = []
    for _ in range(limit + 1):
        _, url = send_action(slack_app, "did_you_mean_0", json.dumps({"e": entry_id}), user="U0CLICKER")
        texts.append(reply(slack_app, url)[0].get("text") or "")
    assert texts[-1].startswith(f"You've asked {limit} questions in the last minute")
    assert not any(t.startswith("You've asked") for t in texts[:limit])
