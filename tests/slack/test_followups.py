"""Follow-up questions over real HTTP with signed events, on the shared Monzo framework: a DM, then "and at
level 4?" in the same DM; a channel mention, then "@bot what about mobile?" in its thread. The context is
kept per person and conversation in the state store (bot/store/contexts.py) and fails open."""

from __future__ import annotations

import sqlite3
from pathlib import Path

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
from tests.support.wait import wait_for

FIRST = "what does mastery look like for a level 3 backend engineer?"


def cell(answerer: Answerer, craft: str, level: str, area: str) -> Entry:
    (entry,) = [e for e in answerer.entries if e.kind == "level" and e.craft.startswith(craft) and e.level == level
                and e.area == area]
    return entry


def first_paragraph(entry: Entry) -> str:
    return normalised(escape(entry.paragraphs[0]))


def answers_in(app: SlackApp, channel: str, count: int) -> list[dict]:
    calls = app.fake.wait_for(lambda c: c.method == "chat.postMessage" and c.body.get("channel") == channel, count)
    return [message_of(c) for c in calls]


def test_a_dm_follow_up_is_answered_from_the_level_it_names(monzo_slack: SlackApp, monzo_answerer: Answerer) -> None:
    send_event(monzo_slack, dm_event(FIRST, "D0FOLLOW1", user="U0FOLLOW"))
    (first,) = answers_in(monzo_slack, "D0FOLLOW1", 1)
    assert first_paragraph(cell(monzo_answerer, "Backend", "Level 3", "Mastery")) in quoted(first["blocks"])
    assert "following on" not in blocks_text(first["blocks"])

    send_event(monzo_slack, dm_event("and at level 4?", "D0FOLLOW1", user="U0FOLLOW"))
    follow = answers_in(monzo_slack, "D0FOLLOW1", 2)[1]
    assert_valid_message(follow)
    shown = quoted(follow["blocks"])
    assert first_paragraph(cell(monzo_answerer, "Backend", "Level 4", "Mastery")) in shown
    assert first_paragraph(cell(monzo_answerer, "Backend", "Level 3", "Mastery")) not in shown
    assert "Backend Engineering › Level 4 › Mastery, following on from your last question" in blocks_text(
        follow["blocks"])


def test_context_is_never_used_for_another_person(monzo_slack: SlackApp) -> None:
    send_event(monzo_slack, dm_event(FIRST, "D0FOLLOW2", user="U0FIRST"))
    answers_in(monzo_slack, "D0FOLLOW2", 1)
    # Someone else, in their own DM: "and at level 4?" on its own asks which craft.
    send_event(monzo_slack, dm_event("and at level 4?", "D0FOLLOW3", user="U0SECOND"))
    (other,) = answers_in(monzo_slack, "D0FOLLOW3", 1)
    text = blocks_text(other["blocks"])
    assert "which one do you mean?" in text and "following on" not in text


def test_a_follow_up_in_a_mention_thread_keeps_the_level(monzo_slack: SlackApp, monzo_answerer: Answerer) -> None:
    root = "1700000100.000100"
    send_event(monzo_slack, {"type": "app_mention", "channel": "C0FOLLOW", "user": "U0THREAD", "ts": root,
                           "text": f"<@{BOT_USER}> {FIRST}"})
    (first,) = answers_in(monzo_slack, "C0FOLLOW", 1)
    assert first["thread_ts"] == root

    send_event(monzo_slack, {"type": "app_mention", "channel": "C0FOLLOW", "user": "U0THREAD",
                           "ts": "1700000100.000300", "thread_ts": root,
                           "text": f"<@{BOT_USER}> what about mobile?"})
    follow = answers_in(monzo_slack, "C0FOLLOW", 2)[1]
    assert follow["thread_ts"] == root  # answered in the thread
    assert_valid_message(follow)
    assert first_paragraph(cell(monzo_answerer, "Mobile", "Level 3", "Mastery")) in quoted(follow["blocks"])
    assert "Mobile Engineering › Level 3 › Mastery, following on from your last question" in blocks_text(
        follow["blocks"])

    # A mention in another thread of the same channel is another conversation.
    send_event(monzo_slack, {"type": "app_mention", "channel": "C0FOLLOW", "user": "U0THREAD",
                           "ts": "1700000200.000100", "text": f"<@{BOT_USER}> and at level 4?"})
    other = answers_in(monzo_slack, "C0FOLLOW", 3)[2]
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
    monzo_slack: SlackApp, monzo_answerer: Answerer
) -> None:
    send_event(monzo_slack, dm_event("what is expected at level 3?", "D0CHOOSE", user="U0CHOOSE"))
    (choose,) = answers_in(monzo_slack, "D0CHOOSE", 1)
    button = next(b for b in buttons_of(choose).values() if b["text"]["text"].startswith("Mobile"))
    send_action(monzo_slack, button["action_id"], button["value"], user="U0CHOOSE", channel="D0CHOOSE",
                ephemeral=False)
    answers_in(monzo_slack, "D0CHOOSE", 2)
    send_event(monzo_slack, dm_event("and for mastery?", "D0CHOOSE", user="U0CHOOSE"))
    follow = answers_in(monzo_slack, "D0CHOOSE", 3)[2]
    assert first_paragraph(cell(monzo_answerer, "Mobile", "Level 3", "Mastery")) in quoted(follow["blocks"])


def _settle(app: SlackApp, conversation: str, timeout: float = 10.0) -> None:
    """The app records a DM answer's context for threads under it just after posting the answer; a test
    replies faster than a person, so it gives that write time to land. Only a barrier: what is asserted
    is the answer in the thread."""
    def written() -> bool:
        with sqlite3.connect(app.settings.state_db) as conn:
            sql = "SELECT 1 FROM conversation_context WHERE conversation = ?"
            return conn.execute(sql, (conversation,)).fetchone() is not None

    wait_for(written, timeout)


def test_a_thread_in_a_dm_follows_on_from_the_message_it_is_under(monzo_slack: SlackApp,
                                                                   monzo_answerer: Answerer) -> None:
    """docs/slack.md, follow-ups: a thread started in a classic DM, under a question or its answer,
    follows on from that answer, like a mention's thread; the DM outside threads goes on as before."""
    dm, user = "D0DMTHREAD", "U0DMTHREAD"
    question_ts = "1700000500.000100"
    send_event(monzo_slack, dm_event(FIRST, dm, user=user, ts=question_ts))
    (first,) = monzo_slack.fake.wait_for(lambda c: c.method == "chat.postMessage" and c.body.get("channel") == dm)
    answer_ts = first.reply["ts"]
    _settle(monzo_slack, f"{dm}/{answer_ts}")
    # The DM moves on to mobile...
    send_event(monzo_slack, dm_event("what about mobile?", dm, user=user, ts="1700000500.000300"))
    moved = answers_in(monzo_slack, dm, 2)[1]
    assert first_paragraph(cell(monzo_answerer, "Mobile", "Level 3", "Mastery")) in quoted(moved["blocks"])

    # ...and a reply in the thread under the first answer follows on from that answer: backend, not mobile.
    send_event(monzo_slack, dm_event("and at level 4?", dm, user=user, ts="1700000500.000400", thread_ts=answer_ts))
    in_thread = answers_in(monzo_slack, dm, 3)[2]
    assert in_thread["thread_ts"] == answer_ts
    assert_valid_message(in_thread)
    assert first_paragraph(cell(monzo_answerer, "Backend", "Level 4", "Mastery")) in quoted(in_thread["blocks"])
    assert "Backend Engineering › Level 4 › Mastery, following on from your last question" in blocks_text(
        in_thread["blocks"])

    # The thread is a conversation of its own from then on, like a mention's thread.
    send_event(monzo_slack, dm_event("what about mobile?", dm, user=user, ts="1700000500.000500", thread_ts=answer_ts))
    onward = answers_in(monzo_slack, dm, 4)[3]
    assert first_paragraph(cell(monzo_answerer, "Mobile", "Level 4", "Mastery")) in quoted(onward["blocks"])

    # A thread under the question itself follows on from its answer too.
    send_event(monzo_slack, dm_event("and at level 2?", dm, user=user, ts="1700000500.000600", thread_ts=question_ts))
    under_question = answers_in(monzo_slack, dm, 5)[4]
    assert under_question["thread_ts"] == question_ts
    assert first_paragraph(cell(monzo_answerer, "Backend", "Level 2", "Mastery")) in quoted(under_question["blocks"])

    # Outside threads the DM is still one conversation, where mobile was the last answer.
    send_event(monzo_slack, dm_event("and at level 2?", dm, user=user, ts="1700000500.000700"))
    plain = answers_in(monzo_slack, dm, 6)[5]
    assert plain.get("thread_ts") is None
    assert first_paragraph(cell(monzo_answerer, "Mobile", "Level 2", "Mastery")) in quoted(plain["blocks"])


def test_a_thread_in_another_persons_dm_or_under_an_old_message_starts_afresh(monzo_slack: SlackApp) -> None:
    # A thread under a DM message the bot never answered (nothing recorded for it) has no context to carry.
    send_event(monzo_slack, dm_event("and at level 4?", "D0DMFRESH", user="U0DMFRESH", ts="1700000600.000200",
                                   thread_ts="1700000600.000100"))
    (fresh,) = answers_in(monzo_slack, "D0DMFRESH", 1)
    text = blocks_text(fresh["blocks"])
    assert "which one do you mean?" in text and "following on" not in text
