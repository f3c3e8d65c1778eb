"""The Slack app end to end over real HTTP: Slack-signed requests in, Web API calls out to a loopback
stand-in for Slack. Expected quotes come from the answering core itself, never hard-coded."""

from __future__ import annotations

import json
import sqlite3
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from bot.slack.mrkdwn import escape
from tests.slack.harness import (
    BOT_USER,
    Call,
    SlackApp,
    assert_valid_message,
    blocks_text,
    normalised,
    pick_confident_question,
    pick_no_match_question,
    quoted,
    send_action,
    send_command,
    send_event,
    sign,
)


@pytest.fixture(scope="module")
def question(seed_answerer) -> str:
    return pick_confident_question(seed_answerer)


@pytest.fixture(scope="module")
def no_match_question(seed_answerer) -> str:
    return pick_no_match_question(seed_answerer)


def _to(url: str):
    return lambda c: c.method == url.split("/", 3)[-1]


def _message(call: Call) -> dict[str, Any]:
    data = dict(call.body)
    if isinstance(data.get("blocks"), str):
        data["blocks"] = json.loads(data["blocks"])
    return data


def _buttons(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        el["action_id"]: el
        for block in message["blocks"] if block["type"] == "actions"
        for el in block["elements"]
    }


def _dm(text: str, channel: str, user: str = "U0DMUSER", **extra: Any) -> dict[str, Any]:
    return {"type": "message", "channel_type": "im", "channel": channel, "user": user, "text": text,
            "ts": f"{time.time():.6f}", **extra}


def _posts_to(app: SlackApp, channel: str) -> list[Call]:
    return app.fake.matching(lambda c: c.method == "chat.postMessage" and c.body.get("channel") == channel)


def _barrier(app: SlackApp, channel: str) -> None:
    """Send a DM on a fresh channel and wait for its answer: events sent before it have been handled."""
    send_event(app, _dm("help", channel))
    app.fake.wait_for(lambda c: c.method == "chat.postMessage" and c.body.get("channel") == channel)


def test_auth_test_happens_at_start_up_not_inside_the_first_request(slack_app: SlackApp) -> None:
    # uvicorn reports "started" only after the app's start-up, before it accepts any request.
    auth = [c for c in slack_app.startup_calls if c.method == "auth.test"]
    assert len(auth) == 1 and auth[0].headers.get("authorization") == "Bearer xoxb-test-token"


def test_healthz_is_200_once_loaded(slack_app: SlackApp, seed_answerer) -> None:
    with urllib.request.urlopen(slack_app.url + "/healthz", timeout=10) as resp:
        body = json.loads(resp.read())
    assert resp.status == 200 and body["status"] == "ok" and body["entries"] == len(seed_answerer.entries)


def test_slash_command_is_acked_fast_and_the_quote_arrives_privately(
    slack_app: SlackApp, seed_answerer, question: str
) -> None:
    expected = seed_answerer.ask(question)
    assert expected.confident

    resp, response_url = send_command(slack_app, question)

    assert resp.status == 200 and resp.seconds < 3.0
    (call,) = slack_app.fake.wait_for(_to(response_url))
    message = _message(call)
    assert message["response_type"] == "ephemeral"
    assert_valid_message(message)
    shown = blocks_text(message["blocks"])
    assert normalised(escape(expected.quotes[0].text)) in quoted(message["blocks"])
    top = expected.quotes[0].entry
    assert f"*{escape(top.area)}*" in shown and escape(top.level) in shown and escape(top.framework) in shown
    assert {"feedback_helpful", "feedback_not_helpful", "share_answer"} <= set(_buttons(message))
    assert escape(expected.quotes[0].text)[:80] in message["text"]


def test_help_empty_and_todo_commands(slack_app: SlackApp, seed_answerer) -> None:
    for text in ("", "help"):
        resp, url = send_command(slack_app, text)
        assert resp.status == 200
        message = _message(slack_app.fake.wait_for(_to(url))[0])
        assert_valid_message(message)
        assert "/careerfw" in message["text"] and "direct message" in message["text"]

    resp, url = send_command(slack_app, "todo")
    message = _message(slack_app.fake.wait_for(_to(url))[0])
    assert_valid_message(message)
    todo = seed_answerer.todo()
    assert todo, "the seed content marks some areas TODO"
    shown = blocks_text(message["blocks"])
    assert all(escape(e.area) in shown for e in todo)


def test_direct_message_is_answered_with_chat_post_message(slack_app: SlackApp, seed_answerer, question: str) -> None:
    expected = seed_answerer.ask(question)
    resp = send_event(slack_app, _dm(question, "D0DIRECT1"))
    assert resp.status == 200 and resp.seconds < 3.0

    (call,) = slack_app.fake.wait_for(lambda c: c.method == "chat.postMessage" and c.body.get("channel") == "D0DIRECT1")
    message = _message(call)
    assert_valid_message(message)
    assert escape(expected.quotes[0].entry.area) in blocks_text(message["blocks"])
    assert call.headers["authorization"] == "Bearer xoxb-test-token"
    assert "share_answer" not in _buttons(message)  # a DM is already private and already visible


def test_mention_is_answered_in_its_thread(slack_app: SlackApp, seed_answerer, question: str) -> None:
    expected = seed_answerer.ask(question)
    event = {"type": "app_mention", "channel": "C0MENTION", "user": "U0MENTIONER", "ts": "1700000001.000200",
             "text": f"<@{BOT_USER}> {question}"}
    assert send_event(slack_app, event).status == 200

    (call,) = slack_app.fake.wait_for(lambda c: c.method == "chat.postMessage" and c.body.get("channel") == "C0MENTION")
    message = _message(call)
    assert message["thread_ts"] == "1700000001.000200"
    assert_valid_message(message)
    shown = blocks_text(message["blocks"])
    assert escape(expected.quotes[0].entry.area) in shown
    assert BOT_USER not in shown  # our own mention is not part of the question echoed back


def test_a_retried_event_is_acked_and_not_answered_twice(slack_app: SlackApp, question: str) -> None:
    event = _dm(question, "D0RETRY01")
    first = send_event(slack_app, event, event_id="Ev0RETRY0001")
    retry = send_event(slack_app, event, event_id="Ev0RETRY0001",
                       headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    assert first.status == 200 and retry.status == 200
    slack_app.fake.wait_for(lambda c: c.method == "chat.postMessage" and c.body.get("channel") == "D0RETRY01")
    _barrier(slack_app, "D0RETRYBAR")
    assert len(_posts_to(slack_app, "D0RETRY01")) == 1


def test_bot_own_and_subtype_messages_are_ignored(slack_app: SlackApp) -> None:
    ignored = {
        "D0IGNORE1": _dm("edited question", "D0IGNORE1", subtype="message_changed"),
        "D0IGNORE2": _dm("a bot speaking", "D0IGNORE2", bot_id="B0OTHER"),
        "D0IGNORE3": _dm("our own message", "D0IGNORE3", user=BOT_USER),
        "D0IGNORE4": _dm("someone joined", "D0IGNORE4", subtype="channel_join"),
    }
    for event in ignored.values():
        assert send_event(slack_app, event).status == 200
    _barrier(slack_app, "D0IGNOREBAR")
    for channel in ignored:
        assert _posts_to(slack_app, channel) == []


def test_forged_signature_and_stale_timestamp_are_refused(slack_app: SlackApp, question: str) -> None:
    import urllib.parse

    from tests.slack.harness import post

    def command(headers: dict[str, str], name: str) -> int:
        body = urllib.parse.urlencode({"command": "/careerfw", "text": question, "user_id": "U0FORGER",
                                       "team_id": "T0TEST", "channel_id": "C0X",
                                       "response_url": slack_app.fake.response_url(name)})
        return post(slack_app.url + "/slack/events", body, "application/x-www-form-urlencoded", headers(body)).status

    assert command(lambda b: sign(b, secret="not-the-signing-secret"), "forged") == 401
    assert command(lambda b: sign(b, timestamp=int(time.time()) - 600), "stale") == 401
    assert command(lambda b: {}, "unsigned") == 401
    _barrier(slack_app, "D0FORGEBAR")
    assert slack_app.fake.matching(lambda c: c.method.startswith("response/") and c.method.split("/")[1] in
                                   ("forged", "stale", "unsigned")) == []


def test_mass_mentions_in_a_question_never_ping(slack_app: SlackApp) -> None:
    sneaky = "<!channel> <!here> <!everyone> <@U0VICTIM> <!subteam^S0TEAM|@leads> what does Head of ML own?"
    event = {"type": "app_mention", "channel": "C0PING", "user": "U0PINGER", "ts": "1700000002.000300",
             "text": f"<@{BOT_USER}> {sneaky}"}
    send_event(slack_app, event)
    _, url = send_command(slack_app, sneaky, user="U0PINGER2")
    visible = _message(slack_app.fake.wait_for(
        lambda c: c.method == "chat.postMessage" and c.body.get("channel") == "C0PING")[0])
    private = _message(slack_app.fake.wait_for(_to(url))[0])
    for message in (visible, private):
        wire = json.dumps(message)
        assert "<!" not in wire and "<@" not in wire, wire[:500]
        assert "@channel" in blocks_text(message["blocks"])  # shown as words, so the asker sees what was asked


def test_share_button_posts_the_answer_in_channel(slack_app: SlackApp, seed_answerer, question: str) -> None:
    expected = seed_answerer.ask(question)
    _, url = send_command(slack_app, question, user="U0SHARER")
    share = _buttons(_message(slack_app.fake.wait_for(_to(url))[0]))["share_answer"]

    resp, action_url = send_action(slack_app, "share_answer", share["value"], user="U0SHARER")
    assert resp.status == 200 and resp.seconds < 3.0

    calls = slack_app.fake.wait_for(_to(action_url), count=2)
    posted = _message(calls[0])
    assert posted["response_type"] == "in_channel" and posted.get("replace_original") is False
    assert_valid_message(posted)
    shown = blocks_text(posted["blocks"])
    assert escape(expected.quotes[0].entry.area) in shown and "Shared by <@U0SHARER>" in shown
    assert "share_answer" not in _buttons(posted)
    assert calls[1].body.get("delete_original") is True  # the private copy goes away


def test_feedback_buttons_record_votes_in_sqlite(slack_app: SlackApp, seed_answerer, question: str) -> None:
    expected = seed_answerer.ask(question)
    _, url = send_command(slack_app, question, user="U0VOTER")
    buttons = _buttons(_message(slack_app.fake.wait_for(_to(url))[0]))
    qid = json.loads(buttons["feedback_helpful"]["value"])["q"]

    _, thanks_url = send_action(slack_app, "feedback_helpful", buttons["feedback_helpful"]["value"], user="U0VOTER")
    thanks = _message(slack_app.fake.wait_for(_to(thanks_url))[0])
    assert "helped" in thanks["text"] and thanks["response_type"] == "ephemeral"

    db = sqlite3.connect(slack_app.settings.state_db)
    rows = db.execute("SELECT question, entries, verdict, user_hash FROM feedback WHERE question_id = ?",
                      (qid,)).fetchall()
    assert len(rows) == 1
    question, entries, verdict, user_hash = rows[0]
    assert question == question and verdict == "helpful" and "U0VOTER" not in user_hash
    assert json.loads(entries)[0]["id"] == expected.quotes[0].entry.id

    # Changing one's mind replaces the vote rather than counting twice.
    _, url2 = send_action(slack_app, "feedback_not_helpful", buttons["feedback_not_helpful"]["value"], user="U0VOTER")
    slack_app.fake.wait_for(_to(url2))
    rows = db.execute("SELECT verdict FROM feedback WHERE question_id = ?", (qid,)).fetchall()
    assert rows == [("not_helpful",)]


def test_no_match_offers_did_you_mean_buttons_that_answer_for_that_area(
    slack_app: SlackApp, seed_answerer, no_match_question: str
) -> None:
    expected = seed_answerer.ask(no_match_question)
    assert not expected.confident and expected.suggestions
    _, url = send_command(slack_app, no_match_question, user="U0LOST")
    message = _message(slack_app.fake.wait_for(_to(url))[0])
    assert_valid_message(message)
    assert "no good match" in message["text"]
    # The nearest areas are offered, never quoted as the answer.
    assert quoted(message["blocks"]) == ""
    button = _buttons(message)["did_you_mean_0"]
    assert json.loads(button["value"])["e"] == expected.suggestions[0].entry.id

    _, pick_url = send_action(slack_app, "did_you_mean_0", button["value"], user="U0LOST")
    picked = _message(slack_app.fake.wait_for(_to(pick_url))[0])
    assert_valid_message(picked)
    entry = expected.suggestions[0].entry
    assert quoted(picked["blocks"]) == normalised(escape(entry.description))
    assert f"*{escape(entry.area)}*" in blocks_text(picked["blocks"])


def test_rate_limit_answers_politely(slack_app: SlackApp, question: str) -> None:
    limit = slack_app.settings.rate_limit_per_minute
    urls = [send_command(slack_app, f"{question} ({i})", user="U0EAGER")[1] for i in range(limit + 1)]
    replies = [_message(slack_app.fake.wait_for(_to(u))[0]) for u in urls]
    refused = [r for r in replies if "Please ask again" in r["text"]]
    assert len(refused) == 1 and f"{limit} questions in the last minute" in refused[0]["text"]
    assert sum("feedback_helpful" in _buttons(r) for r in replies) == limit
    # Another person is not affected by this one's limit.
    _, other = send_command(slack_app, question, user="U0PATIENT")
    assert "Please ask again" not in _message(slack_app.fake.wait_for(_to(other))[0])["text"]


def test_twenty_concurrent_slash_commands_are_all_acked_within_3_s(slack_app: SlackApp, question: str) -> None:
    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(lambda i: send_command(slack_app, f"{question} #{i}", user=f"U0CROWD{i:02d}"),
                                range(20)))
    slowest = max(r.seconds for r, _ in results)
    assert all(r.status == 200 for r, _ in results)
    assert slowest < 3.0, f"slowest ack took {slowest:.2f} s"
    for _, url in results:
        message = _message(slack_app.fake.wait_for(_to(url), timeout=60)[0])
        assert "feedback_helpful" in _buttons(message)


def test_app_home_shows_how_to_ask_and_the_todo_summary(slack_app: SlackApp, seed_answerer) -> None:
    send_event(slack_app, {"type": "app_home_opened", "user": "U0HOMER", "channel": "D0HOME", "tab": "home"})
    (call,) = slack_app.fake.wait_for(lambda c: c.method == "views.publish" and c.body.get("user_id") == "U0HOMER")
    view = call.body["view"] if isinstance(call.body["view"], dict) else json.loads(call.body["view"])
    from slack_sdk.models.views import View

    View(**view).validate_json()
    shown = blocks_text(view["blocks"])
    assert "/careerfw" in shown
    assert all(escape(e.area) in shown for e in seed_answerer.todo())


def test_acks_do_not_wait_for_answering(slack_app: SlackApp, question: str) -> None:
    """With every answering thread busy, a slash command is still acked at once, and its answer
    follows as soon as a thread frees up."""
    import threading

    services = slack_app.asgi.state.services
    release = threading.Event()
    busy = [services.executor.submit(release.wait, 30) for _ in range(services.executor._max_workers)]
    try:
        resp, url = send_command(slack_app, question, user="U0WAITER")
        assert resp.status == 200 and resp.seconds < 3.0
        assert slack_app.fake.matching(_to(url)) == []  # acked before any answering could happen
    finally:
        release.set()
    for f in busy:
        f.result(timeout=30)
    assert "feedback_helpful" in _buttons(_message(slack_app.fake.wait_for(_to(url))[0]))


def test_url_verification_challenge_is_answered(slack_app: SlackApp) -> None:
    from tests.slack.harness import post

    body = json.dumps({"token": "legacy", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
                       "type": "url_verification"})
    resp = post(slack_app.url + "/slack/events", body, "application/json", sign(body))
    assert resp.status == 200 and "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" in resp.body


def test_an_overlong_question_is_cut_with_a_note(slack_app: SlackApp, question: str) -> None:
    long_question = question + " " + "and also tell me more about it " * 60
    assert len(long_question) > 1000
    _, url = send_command(slack_app, long_question, user="U0LONGWINDED")
    message = _message(slack_app.fake.wait_for(_to(url))[0])
    assert_valid_message(message)
    assert "only its first 1,000 were used" in blocks_text(message["blocks"])


def test_did_you_mean_in_a_dm_answers_in_the_dm(slack_app: SlackApp, seed_answerer, no_match_question: str) -> None:
    expected = seed_answerer.ask(no_match_question)
    assert not expected.confident and expected.suggestions
    pick = next(i for i, s in enumerate(expected.suggestions[:5]) if not s.todo)
    send_event(slack_app, _dm(no_match_question, "D0LOSTDM", user="U0LOSTDM"))
    (first,) = slack_app.fake.wait_for(lambda c: c.method == "chat.postMessage" and c.body.get("channel") == "D0LOSTDM")
    message = _message(first)
    button = _buttons(message)[f"did_you_mean_{pick}"]
    original = {"type": "message", "ts": "1700000004.000100", "text": message["text"], "blocks": message["blocks"]}
    send_action(slack_app, f"did_you_mean_{pick}", button["value"], user="U0LOSTDM", channel="D0LOSTDM",
                ephemeral=False, message=original)
    calls = slack_app.fake.wait_for(lambda c: c.method == "chat.postMessage" and c.body.get("channel") == "D0LOSTDM",
                                    count=2)
    picked = _message(calls[1])
    assert_valid_message(picked)
    assert quoted(picked["blocks"]) == normalised(escape(expected.suggestions[pick].entry.description))


def test_whole_text_button_quotes_the_whole_cell(slack_app: SlackApp, seed_answerer, question: str) -> None:
    expected = seed_answerer.ask(question)
    _, url = send_command(slack_app, question, user="U0WHOLE")
    buttons = _buttons(_message(slack_app.fake.wait_for(_to(url))[0]))
    # Offered exactly when the answer quotes only part of its cell.
    assert ("whole_cell" in buttons) is (not expected.quotes[0].complete)

    entry = next(e for e in seed_answerer.entries if len(e.paragraphs) > 1)
    value = buttons["whole_cell"]["value"] if "whole_cell" in buttons else json.dumps({"e": entry.id, "q": None})
    entry = next(e for e in seed_answerer.entries if e.id == json.loads(value)["e"])
    _, click_url = send_action(slack_app, "whole_cell", value, user="U0WHOLE")
    whole = _message(slack_app.fake.wait_for(_to(click_url))[0])
    assert_valid_message(whole)
    assert quoted(whole["blocks"]) == normalised(escape(entry.description))
