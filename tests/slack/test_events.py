"""Events over real HTTP (bot/slack/listeners/events.py): DMs answered in the DM, mentions in their
thread, App Home; retries, our own and edited messages never answered."""

from __future__ import annotations

import json

from bot.slack.mrkdwn import escape
from tests.slack.harness import (
    BOT_USER,
    SlackApp,
    assert_valid_message,
    barrier,
    blocks_text,
    buttons_of,
    dm_event,
    message_of,
    posts_to,
    send_event,
)


def test_direct_message_is_answered_with_chat_post_message(slack_app: SlackApp, seed_answerer, question: str) -> None:
    expected = seed_answerer.ask(question)
    resp = send_event(slack_app, dm_event(question, "D0DIRECT1"))
    assert resp.status == 200

    (call,) = slack_app.fake.wait_for(lambda c: c.method == "chat.postMessage" and c.body.get("channel") == "D0DIRECT1")
    message = message_of(call)
    assert_valid_message(message)
    assert escape(expected.quotes[0].entry.area) in blocks_text(message["blocks"])
    assert call.headers["authorization"] == "Bearer xoxb-test-token"
    assert "share_answer" not in buttons_of(message)  # a DM is already private and already visible


def test_mention_is_answered_in_its_thread(slack_app: SlackApp, seed_answerer, question: str) -> None:
    expected = seed_answerer.ask(question)
    event = {"type": "app_mention", "channel": "C0MENTION", "user": "U0MENTIONER", "ts": "1700000001.000200",
             "text": f"<@{BOT_USER}> {question}"}
    assert send_event(slack_app, event).status == 200

    (call,) = slack_app.fake.wait_for(lambda c: c.method == "chat.postMessage" and c.body.get("channel") == "C0MENTION")
    message = message_of(call)
    assert message["thread_ts"] == "1700000001.000200"
    assert_valid_message(message)
    shown = blocks_text(message["blocks"])
    assert escape(expected.quotes[0].entry.area) in shown
    assert BOT_USER not in shown  # our own mention is not part of the question echoed back


def test_a_retried_event_is_acked_and_not_answered_twice(slack_app: SlackApp, question: str) -> None:
    event = dm_event(question, "D0RETRY01")
    first = send_event(slack_app, event, event_id="Ev0RETRY0001")
    retry = send_event(slack_app, event, event_id="Ev0RETRY0001",
                       headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    assert first.status == 200 and retry.status == 200
    slack_app.fake.wait_for(lambda c: c.method == "chat.postMessage" and c.body.get("channel") == "D0RETRY01")
    barrier(slack_app, "D0RETRYBAR")
    assert len(posts_to(slack_app, "D0RETRY01")) == 1


def test_bot_own_and_subtype_messages_are_ignored(slack_app: SlackApp) -> None:
    ignored = {
        "D0IGNORE1": dm_event("edited question", "D0IGNORE1", subtype="message_changed"),
        "D0IGNORE2": dm_event("a bot speaking", "D0IGNORE2", bot_id="B0OTHER"),
        "D0IGNORE3": dm_event("our own message", "D0IGNORE3", user=BOT_USER),
        "D0IGNORE4": dm_event("someone joined", "D0IGNORE4", subtype="channel_join"),
    }
    for event in ignored.values():
        assert send_event(slack_app, event).status == 200
    barrier(slack_app, "D0IGNOREBAR")
    for channel in ignored:
        assert posts_to(slack_app, channel) == []


def test_app_home_shows_how_to_ask_and_the_todo_summary(slack_app: SlackApp, seed_answerer) -> None:
    send_event(slack_app, {"type": "app_home_opened", "user": "U0HOMER", "channel": "D0HOME", "tab": "home"})
    (call,) = slack_app.fake.wait_for(lambda c: c.method == "views.publish" and c.body.get("user_id") == "U0HOMER")
    view = call.body["view"] if isinstance(call.body["view"], dict) else json.loads(call.body["view"])
    from slack_sdk.models.views import View

    View(**view).validate_json()
    shown = blocks_text(view["blocks"])
    assert "/careerfw" in shown
    assert all(escape(e.area) in shown for e in seed_answerer.todo())
