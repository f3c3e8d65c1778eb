"""Buttons over real HTTP (bot/slack/listeners/actions.py): share, votes in SQLite, "Did you mean" and
"Whole text" answering for the area they name."""

from __future__ import annotations

import json
import sqlite3

from bot.slack.mrkdwn import escape
from tests.slack.harness import (
    SlackApp,
    assert_valid_message,
    blocks_text,
    buttons_of,
    dm_event,
    message_of,
    normalised,
    quoted,
    send_action,
    send_command,
    send_event,
    to_url,
)


def test_share_button_posts_the_answer_in_channel(slack_app: SlackApp, seed_answerer, question: str) -> None:
    expected = seed_answerer.ask(question)
    _, url = send_command(slack_app, question, user="U0SHARER")
    share = buttons_of(message_of(slack_app.fake.wait_for(to_url(url))[0]))["share_answer"]

    resp, action_url = send_action(slack_app, "share_answer", share["value"], user="U0SHARER")
    assert resp.status == 200

    calls = slack_app.fake.wait_for(to_url(action_url), count=2)
    posted = message_of(calls[0])
    assert posted["response_type"] == "in_channel" and posted.get("replace_original") is False
    assert_valid_message(posted)
    shown = blocks_text(posted["blocks"])
    assert escape(expected.quotes[0].entry.area) in shown and "Shared by <@U0SHARER>" in shown
    assert "share_answer" not in buttons_of(posted)
    assert calls[1].body.get("delete_original") is True  # the private copy goes away


def test_feedback_buttons_record_votes_in_sqlite(slack_app: SlackApp, seed_answerer, question: str) -> None:
    expected = seed_answerer.ask(question)
    _, url = send_command(slack_app, question, user="U0VOTER")
    buttons = buttons_of(message_of(slack_app.fake.wait_for(to_url(url))[0]))
    qid = json.loads(buttons["feedback_helpful"]["value"])["q"]

    _, thanks_url = send_action(slack_app, "feedback_helpful", buttons["feedback_helpful"]["value"], user="U0VOTER")
    thanks = message_of(slack_app.fake.wait_for(to_url(thanks_url))[0])
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
    slack_app.fake.wait_for(to_url(url2))
    rows = db.execute("SELECT verdict FROM feedback WHERE question_id = ?", (qid,)).fetchall()
    assert rows == [("not_helpful",)]


def test_no_match_offers_did_you_mean_buttons_that_answer_for_that_area(
    slack_app: SlackApp, seed_answerer, no_match_question: str
) -> None:
    expected = seed_answerer.ask(no_match_question)
    assert not expected.confident and expected.suggestions
    _, url = send_command(slack_app, no_match_question, user="U0LOST")
    message = message_of(slack_app.fake.wait_for(to_url(url))[0])
    assert_valid_message(message)
    assert "no good match" in message["text"]
    # The nearest areas are offered, never quoted as the answer.
    assert quoted(message["blocks"]) == ""
    button = buttons_of(message)["did_you_mean_0"]
    assert json.loads(button["value"])["e"] == expected.suggestions[0].entry.id

    _, pick_url = send_action(slack_app, "did_you_mean_0", button["value"], user="U0LOST")
    picked = message_of(slack_app.fake.wait_for(to_url(pick_url))[0])
    assert_valid_message(picked)
    entry = expected.suggestions[0].entry
    assert quoted(picked["blocks"]) == normalised(escape(entry.description))
    assert f"*{escape(entry.area)}*" in blocks_text(picked["blocks"])


def test_did_you_mean_in_a_dm_answers_in_the_dm(slack_app: SlackApp, seed_answerer, no_match_question: str) -> None:
    expected = seed_answerer.ask(no_match_question)
    assert not expected.confident and expected.suggestions
    pick = next(i for i, s in enumerate(expected.suggestions[:5]) if not s.todo)
    send_event(slack_app, dm_event(no_match_question, "D0LOSTDM", user="U0LOSTDM"))
    (first,) = slack_app.fake.wait_for(lambda c: c.method == "chat.postMessage" and c.body.get("channel") == "D0LOSTDM")
    message = message_of(first)
    button = buttons_of(message)[f"did_you_mean_{pick}"]
    original = {"type": "message", "ts": "1700000004.000100", "text": message["text"], "blocks": message["blocks"]}
    send_action(slack_app, f"did_you_mean_{pick}", button["value"], user="U0LOSTDM", channel="D0LOSTDM",
                ephemeral=False, message=original)
    calls = slack_app.fake.wait_for(lambda c: c.method == "chat.postMessage" and c.body.get("channel") == "D0LOSTDM",
                                    count=2)
    picked = message_of(calls[1])
    assert_valid_message(picked)
    assert quoted(picked["blocks"]) == normalised(escape(expected.suggestions[pick].entry.description))


def test_a_did_you_mean_click_on_an_area_since_removed_is_not_counted_as_a_question(slack_app: SlackApp) -> None:
    # As on Teams (tests/teams/test_chat.py): told the area is gone, and no refused question for the owners' report.
    db = sqlite3.connect(slack_app.settings.state_db)
    before = db.execute("SELECT count(*) FROM questions").fetchone()[0]
    _, url = send_action(slack_app, "did_you_mean_0", json.dumps({"e": "removed-area", "q": None}), user="U0GONE")
    told = message_of(slack_app.fake.wait_for(to_url(url))[0])
    assert "no longer in the framework" in json.dumps(told)
    assert db.execute("SELECT count(*) FROM questions").fetchone()[0] == before


def test_whole_text_button_quotes_the_whole_cell(slack_app: SlackApp, seed_answerer, question: str) -> None:
    expected = seed_answerer.ask(question)
    _, url = send_command(slack_app, question, user="U0WHOLE")
    buttons = buttons_of(message_of(slack_app.fake.wait_for(to_url(url))[0]))
    # Offered exactly when the answer quotes only part of its cell.
    assert ("whole_cell" in buttons) is (not expected.quotes[0].complete)

    entry = next(e for e in seed_answerer.entries if len(e.paragraphs) > 1)
    value = buttons["whole_cell"]["value"] if "whole_cell" in buttons else json.dumps({"e": entry.id, "q": None})
    entry = next(e for e in seed_answerer.entries if e.id == json.loads(value)["e"])
    _, click_url = send_action(slack_app, "whole_cell", value, user="U0WHOLE")
    whole = message_of(slack_app.fake.wait_for(to_url(click_url))[0])
    assert_valid_message(whole)
    assert quoted(whole["blocks"]) == normalised(escape(entry.description))


def test_a_choice_button_asks_the_question_it_carries(slack_app: SlackApp, seed_answerer, question: str) -> None:
    # The buttons of a "which craft?" answer (index/answer.py, intent "choose") carry a question each.
    expected = seed_answerer.ask(question)
    value = json.dumps({"c": question})
    resp, url = send_action(slack_app, "choose_0", value, user="U0CHOOSER")
    assert resp.status == 200
    posted = message_of(slack_app.fake.wait_for(to_url(url))[0])
    assert posted["response_type"] == "ephemeral"
    assert_valid_message(posted)
    assert escape(expected.quotes[0].entry.area) in blocks_text(posted["blocks"])


def test_a_choice_button_without_a_question_says_so(slack_app: SlackApp) -> None:
    _, url = send_action(slack_app, "choose_1", "{}", user="U0CHOOSER")
    posted = message_of(slack_app.fake.wait_for(to_url(url))[0])
    assert "no longer on record" in posted["text"]


def test_share_in_channel_on_a_whole_text_answer_shares_the_whole_cell_after_its_question_is_gone(
    slack_app: SlackApp, seed_answerer
) -> None:
    # A "Whole text" answer (here privately, in a channel) quotes one named area; with its stored question
    # gone (retention), "Share in channel" still shares that cell, not an answer searched from the words.
    entry = next(e for e in seed_answerer.entries if len(e.paragraphs) > 1)
    _, url = send_action(slack_app, "whole_cell", json.dumps({"e": entry.id, "q": None}), user="U0WHOLESHARE")
    whole = message_of(slack_app.fake.wait_for(to_url(url))[0])
    share = buttons_of(whole)["share_answer"]
    with sqlite3.connect(slack_app.settings.state_db) as conn:
        assert conn.execute("DELETE FROM questions WHERE id = ?", (json.loads(share["value"])["q"],)).rowcount == 1
    _, share_url = send_action(slack_app, "share_answer", share["value"], user="U0WHOLESHARE")
    posted = message_of(slack_app.fake.wait_for(to_url(share_url), count=2)[0])
    assert posted["response_type"] == "in_channel"
    assert_valid_message(posted)
    assert quoted(posted["blocks"]) == quoted(whole["blocks"]) == normalised(escape(entry.description))
