"""Slack's agent messaging experience over real HTTP (bot/slack/listeners/events.py): suggested prompts
made from the loaded framework when the Messages tab or a new agent thread opens, the status while an
agent-thread question is answered, Slack's own feedback buttons on that answer and their votes; and
classic DMs left as they were."""

from __future__ import annotations

import json
import re
import sqlite3
import time
from typing import Any

import pytest

from index.entry import Entry
from tests.slack.harness import (
    TEAM,
    SlackApp,
    assert_valid_message,
    blocks_text,
    buttons_of,
    dm_event,
    message_of,
    posts_to,
    send_action,
    send_event,
    serve_slack,
    slack_settings,
    to_url,
)
from tests.support.slack import FakeSlack

SET_PROMPTS = "assistant.threads.setSuggestedPrompts"
SET_STATUS = "assistant.threads.setStatus"


def _prompts_for(app: SlackApp, channel: str) -> dict[str, Any]:
    (call,) = app.fake.wait_for(lambda c: c.method == SET_PROMPTS and c.body.get("channel_id") == channel)
    return call.body


def _open_messages_tab(app: SlackApp, user: str, channel: str) -> dict[str, Any]:
    event = {"type": "app_home_opened", "user": user, "channel": channel, "tab": "messages",
             "event_ts": f"{time.time():.6f}"}
    assert send_event(app, event).status == 200
    return _prompts_for(app, channel)


def _levels(entries: list[Entry]) -> set[str]:
    return {e.level for e in entries if e.kind == "level" and e.level}


def _named_levels(text: str, levels: set[str]) -> set[str]:
    """The real level names a text mentions, longest first so "Level 1 (Head Of)" is not read as "Level 1"."""
    named: set[str] = set()
    for level in sorted(levels, key=len, reverse=True):
        if level in text:
            named.add(level)
            text = text.replace(level, " ")
    return named


def _agent_thread_event(user: str, channel: str, thread_ts: str) -> dict[str, Any]:
    return {"type": "assistant_thread_started", "event_ts": f"{time.time():.6f}",
            "assistant_thread": {"user_id": user, "channel_id": channel, "thread_ts": thread_ts,
                                 "context": {"channel_id": "C0ELSEWHERE", "team_id": TEAM}}}


def _context_actions(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for b in message["blocks"] if b["type"] == "context_actions"]


# --- suggested prompts ------------------------------------------------------------------------------


def test_messages_tab_sets_prompts_made_from_the_seed_framework(slack_app: SlackApp, seed_answerer) -> None:
    body = _open_messages_tab(slack_app, "U0TABBER", "D0MSGTAB1")
    prompts = body["prompts"]
    assert 1 <= len(prompts) <= 4 and "thread_ts" not in body  # the tab itself, not a thread
    text = "\n".join(p["message"] for p in prompts)
    levels = _levels(seed_answerer.entries)
    assert _named_levels(text, levels), f"no real level named in {text!r}"
    areas = {e.area for e in seed_answerer.entries}
    compared = [p for p in prompts
                if sum(a in p["message"] for a in areas) >= 2 or len(_named_levels(p["message"], levels)) >= 2]
    assert compared, "a comparison of two real areas or levels is offered"
    assert seed_answerer.todo(), "the seed framework has TODO areas, so a TODO question is offered"
    todo_prompt = [p for p in prompts if seed_answerer.ask(p["message"]).intent == "todo"]
    assert len(todo_prompt) == 1

    # Every prompt, sent in an agent thread, gets an answer quoted from the framework.
    for i, prompt in enumerate(prompts):
        channel, thread = "D0MSGTAB1", f"1700000300.00010{i}"
        send_event(slack_app, dm_event(prompt["message"], channel, user="U0TABBER", thread_ts=thread))
        (call,) = slack_app.fake.wait_for(lambda c, t=thread: c.method == "chat.postMessage"
                                          and c.body.get("thread_ts") == t)
        answer = message_of(call)
        assert_valid_message(answer)
        assert seed_answerer.ask(prompt["message"]).confident
        assert any(area in blocks_text(answer["blocks"]) for area in areas)


def test_a_new_agent_thread_gets_the_prompts_in_that_thread(slack_app: SlackApp, seed_answerer) -> None:
    assert send_event(slack_app, _agent_thread_event("U0THREADER", "D0AGENT01", "1700000100.000100")).status == 200
    body = _prompts_for(slack_app, "D0AGENT01")
    assert body["thread_ts"] == "1700000100.000100"
    assert _named_levels("\n".join(p["message"] for p in body["prompts"]), _levels(seed_answerer.entries))
    assert all(p["title"].strip() and len(p["title"]) <= 75 for p in body["prompts"])


def test_thread_context_changes_are_acknowledged_and_change_nothing(slack_app: SlackApp) -> None:
    event = _agent_thread_event("U0MOVER", "D0AGENT02", "1700000200.000100") | {
        "type": "assistant_thread_context_changed"}
    before = len(slack_app.fake.calls)
    assert send_event(slack_app, event).status == 200
    assert_no_calls_for(slack_app, "D0AGENT02", since=before)


def assert_no_calls_for(app: SlackApp, channel: str, since: int) -> None:
    # A DM on a fresh channel answered means the earlier event has been handled.
    send_event(app, dm_event("help", "D0BARRIER9"))
    app.fake.wait_for(lambda c: c.method == "chat.postMessage" and c.body.get("channel") == "D0BARRIER9")
    assert not [c for c in app.fake.calls[since:] if channel in json.dumps(c.body)]


def test_prompts_over_the_shared_monzo_framework_name_its_levels(monzo_slack: SlackApp, monzo_answerer) -> None:
    prompts = _open_messages_tab(monzo_slack, "U0MONZOTAB", "D0MONZOTAB")["prompts"]
    text = "\n".join(p["message"] for p in prompts)
    levels = _levels(monzo_answerer.entries)
    named = _named_levels(text, levels)
    assert len(named) >= 2, f"a level and a comparison of two levels: {text!r}"
    # No made-up level: every "Level N" in a prompt is one the framework has.
    assert set(re.findall(r"Level \d+", text)) <= levels
    assert any(c in text for c in {e.craft for e in monzo_answerer.entries})
    assert not monzo_answerer.todo() and all(monzo_answerer.ask(p["message"]).intent != "todo" for p in prompts)


# --- answering in an agent thread ---------------------------------------------------------------------


def test_an_agent_thread_question_shows_a_status_then_the_answer(slack_app: SlackApp, seed_answerer,
                                                                  question: str) -> None:
    thread = "1700000400.000100"
    send_event(slack_app, dm_event(question, "D0AGENT03", user="U0AGENTASK", thread_ts=thread))
    (post,) = slack_app.fake.wait_for(lambda c: c.method == "chat.postMessage" and c.body.get("channel") == "D0AGENT03")
    (status,) = slack_app.fake.matching(lambda c: c.method == SET_STATUS and c.body.get("channel_id") == "D0AGENT03")
    assert status.body["thread_ts"] == thread and status.body["status"] == "Searching the framework…"
    assert status.at <= post.at, "the status is set before the answer is posted"

    answer = message_of(post)
    assert answer["thread_ts"] == thread
    assert_valid_message(answer)  # context_actions and feedback_buttons validate with slack_sdk.models
    assert seed_answerer.ask(question).quotes[0].entry.area in blocks_text(answer["blocks"])
    (native,) = _context_actions(answer)
    assert native["elements"][0]["type"] == "feedback_buttons"
    assert not {"feedback_helpful", "feedback_not_helpful"} & set(buttons_of(answer))  # not two sets of thumbs


def test_native_feedback_buttons_record_the_vote(slack_app: SlackApp, question: str) -> None:
    send_event(slack_app, dm_event(question, "D0AGENT04", user="U0NATIVE", thread_ts="1700000500.000100"))
    (post,) = slack_app.fake.wait_for(lambda c: c.method == "chat.postMessage" and c.body.get("channel") == "D0AGENT04")
    thumbs = _context_actions(message_of(post))[0]["elements"][0]
    down = thumbs["negative_button"]["value"]
    qid = json.loads(down)["q"]

    opened_before = len(slack_app.fake.matching(lambda c: c.method == "views.open"))
    _, url = send_action(slack_app, thumbs["action_id"], down, user="U0NATIVE", channel="D0AGENT04",
                         ephemeral=False, action_type="feedback_buttons")
    thanks = message_of(slack_app.fake.wait_for(to_url(url))[0])
    assert "did not help" in thanks["text"]
    # Slack's own 👎 asks for the optional reason just as ours does.
    slack_app.fake.wait_for(lambda c: c.method == "views.open", count=opened_before + 1)
    db = sqlite3.connect(slack_app.settings.state_db)
    assert db.execute("SELECT verdict FROM feedback WHERE question_id = ?", (qid,)).fetchall() == [("not_helpful",)]

    # A value that is not a verdict records nothing.
    _, url = send_action(slack_app, thumbs["action_id"], json.dumps({"q": qid, "v": "maybe"}), user="U0NATIVE",
                         channel="D0AGENT04", ephemeral=False, action_type="feedback_buttons")
    assert "no longer on record" in message_of(slack_app.fake.wait_for(to_url(url))[0])["text"]
    assert db.execute("SELECT verdict FROM feedback WHERE question_id = ?", (qid,)).fetchall() == [("not_helpful",)]


def test_a_refused_status_still_gets_the_answer(question: str, seed_answerer,
                                                tmp_path_factory: pytest.TempPathFactory) -> None:
    with FakeSlack() as fake:
        fake.errors[SET_STATUS] = "not_allowed"  # e.g. a classic DM thread, or an app without the agent view
        settings = slack_settings(fake, tmp_path_factory.mktemp("slack-refused") / "state.db")
        with serve_slack(settings, seed_answerer, fake) as app:
            send_event(app, dm_event(question, "D0AGENT05", thread_ts="1700000600.000100"))
            (post,) = fake.wait_for(lambda c: c.method == "chat.postMessage" and c.body.get("channel") == "D0AGENT05")
            assert_valid_message(message_of(post))
            assert fake.matching(lambda c: c.method == SET_STATUS)


def test_a_classic_dm_gets_no_status_and_keeps_our_buttons(slack_app: SlackApp, question: str) -> None:
    send_event(slack_app, dm_event(question, "D0CLASSIC1", user="U0CLASSIC"))
    (post,) = slack_app.fake.wait_for(lambda c: c.method == "chat.postMessage"
                                      and c.body.get("channel") == "D0CLASSIC1")
    message = message_of(post)
    assert_valid_message(message)
    assert {"feedback_helpful", "feedback_not_helpful"} <= set(buttons_of(message))
    assert not _context_actions(message)
    assert not slack_app.fake.matching(lambda c: c.method == SET_STATUS and c.body.get("channel_id") == "D0CLASSIC1")
    assert len(posts_to(slack_app, "D0CLASSIC1")) == 1
