"""Follow-up questions over real HTTP with signed events, on the shared Monzo framework: a DM, then "and at
level 4?" in the same DM; a channel mention, then "@bot what about mobile?" in its thread. The context is
kept per person and conversation in the state store (bot/store/contexts.py) and fails open."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.slack.mrkdwn import escape
from index.answer import Answerer
from index.entry import Entry
from tests.slack.harness import (
    BOT_USER,
    SlackApp,
    assert_valid_message,
    blocks_text,
    buttons_of,
    dm_event,
    message_of,
    normalised,
    quoted,
    send_action,
    send_event,
    serve_slack,
    slack_settings,
)
from tests.support.slack import FakeSlack

FIRST = "what does mastery look like for a level 3 backend engineer?"


@pytest.fixture(scope="module")
def monzo_app(monzo_answerer: Answerer, fake_slack: FakeSlack, monzo_dir: Path,
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlackApp]:
    state = tmp_path_factory.mktemp("slack-followups") / "state.db"
    with serve_slack(slack_settings(fake_slack, state, content_dir=monzo_dir), monzo_answerer, fake_slack) as app:
        yield app


def cell(answerer: Answerer, craft: str, level: str, area: str) -> Entry:
    (entry,) = [e for e in answerer.entries if e.kind == "level" and e.craft.startswith(craft) and e.level == level
                and e.area == area]
    return entry


def first_paragraph(entry: Entry) -> str:
    return normalised(escape(entry.paragraphs[0]))


def answers_in(app: SlackApp, channel: str, count: int) -> list[dict]:
    calls = app.fake.wait_for(lambda c: c.method == "chat.postMessage" and c.body.get("channel") == channel, count)
    return [message_of(c) for c in calls]


def test_a_dm_follow_up_is_answered_from_the_level_it_names(monzo_app: SlackApp, monzo_answerer: Answerer) -> None:
    send_event(monzo_app, dm_event(FIRST, "D0FOLLOW1", user="U0FOLLOW"))
    (first,) = answers_in(monzo_app, "D0FOLLOW1", 1)
    assert first_paragraph(cell(monzo_answerer, "Backend", "Level 3", "Mastery")) in quoted(first["blocks"])
    assert "following on" not in blocks_text(first["blocks"])

    send_event(monzo_app, dm_event("and at level 4?", "D0FOLLOW1", user="U0FOLLOW"))
    follow = answers_in(monzo_app, "D0FOLLOW1", 2)[1]
    assert_valid_message(follow)
    shown = quoted(follow["blocks"])
    assert first_paragraph(cell(monzo_answerer, "Backend", "Level 4", "Mastery")) in shown
    assert first_paragraph(cell(monzo_answerer, "Backend", "Level 3", "Mastery")) not in shown
    assert "Backend Engineering › Level 4 › Mastery, following on from your last question" in blocks_text(
        follow["blocks"])


def test_context_is_never_used_for_another_person(monzo_app: SlackApp) -> None:
    send_event(monzo_app, dm_event(FIRST, "D0FOLLOW2", user="U0FIRST"))
    answers_in(monzo_app, "D0FOLLOW2", 1)
    # Someone else, in their own DM: "and at level 4?" on its own asks which craft.
    send_event(monzo_app, dm_event("and at level 4?", "D0FOLLOW3", user="U0SECOND"))
    (other,) = answers_in(monzo_app, "D0FOLLOW3", 1)
    text = blocks_text(other["blocks"])
    assert "which one do you mean?" in text and "following on" not in text


def test_a_follow_up_in_a_mention_thread_keeps_the_level(monzo_app: SlackApp, monzo_answerer: Answerer) -> None:
    root = "1700000100.000100"
    send_event(monzo_app, {"type": "app_mention", "channel": "C0FOLLOW", "user": "U0THREAD", "ts": root,
                           "text": f"<@{BOT_USER}> {FIRST}"})
    (first,) = answers_in(monzo_app, "C0FOLLOW", 1)
    assert first["thread_ts"] == root

    send_event(monzo_app, {"type": "app_mention", "channel": "C0FOLLOW", "user": "U0THREAD",
                           "ts": "1700000100.000300", "thread_ts": root,
                           "text": f"<@{BOT_USER}> what about mobile?"})
    follow = answers_in(monzo_app, "C0FOLLOW", 2)[1]
    assert follow["thread_ts"] == root  # answered in the thread
    assert_valid_message(follow)
    assert first_paragraph(cell(monzo_answerer, "Mobile", "Level 3", "Mastery")) in quoted(follow["blocks"])
    assert "Mobile Engineering › Level 3 › Mastery, following on from your last question" in blocks_text(
        follow["blocks"])

    # A mention in another thread of the same channel is another conversation.
    send_event(monzo_app, {"type": "app_mention", "channel": "C0FOLLOW", "user": "U0THREAD",
                           "ts": "1700000200.000100", "text": f"<@{BOT_USER}> and at level 4?"})
    other = answers_in(monzo_app, "C0FOLLOW", 3)[2]
    assert other["thread_ts"] == "1700000200.000100"
    assert "following on" not in blocks_text(other["blocks"])


def test_without_the_context_table_a_follow_up_is_answered_as_a_fresh_question(
    monzo_answerer: Answerer, fake_slack: FakeSlack, monzo_dir: Path, tmp_path: Path
) -> None:
    state = tmp_path / "state.db"
    with serve_slack(slack_settings(fake_slack, state, content_dir=monzo_dir), monzo_answerer, fake_slack) as app:
        send_event(app, dm_event(FIRST, "D0NOSTATE", user="U0NOSTATE"))
        answers_in(app, "D0NOSTATE", 1)
        # The database loses the table (a broken restore, say): answers go on, without follow-ups.
        with sqlite3.connect(state) as conn:
            conn.execute("DROP TABLE conversation_context")
        send_event(app, dm_event("and at level 4?", "D0NOSTATE", user="U0NOSTATE"))
        follow = answers_in(app, "D0NOSTATE", 2)[1]
        text = blocks_text(follow["blocks"])
        assert "which one do you mean?" in text and "following on" not in text


def test_a_craft_chosen_by_button_is_the_context_of_the_next_question(
    monzo_app: SlackApp, monzo_answerer: Answerer
) -> None:
    send_event(monzo_app, dm_event("what is expected at level 3?", "D0CHOOSE", user="U0CHOOSE"))
    (choose,) = answers_in(monzo_app, "D0CHOOSE", 1)
    button = next(b for b in buttons_of(choose).values() if b["text"]["text"].startswith("Mobile"))
    send_action(monzo_app, button["action_id"], button["value"], user="U0CHOOSE", channel="D0CHOOSE",
                ephemeral=False)
    answers_in(monzo_app, "D0CHOOSE", 2)
    send_event(monzo_app, dm_event("and for mastery?", "D0CHOOSE", user="U0CHOOSE"))
    follow = answers_in(monzo_app, "D0CHOOSE", 3)[2]
    assert first_paragraph(cell(monzo_answerer, "Mobile", "Level 3", "Mastery")) in quoted(follow["blocks"])
