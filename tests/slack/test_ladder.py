"""The ladder questions over real HTTP with signed requests: the promotion checklist (a rich-text list,
valid per slack_sdk's models) and its "Send me this as a DM" button (conversations.open, then
chat.postMessage on the loopback Web API; not offered in the DM itself, and on a follow-up the same
checklist), "Share in channel" on a private follow-up, two areas side by side, and the list of levels."""

from __future__ import annotations

import json
import sqlite3

import pytest

from bot.slack.blocks import ACTION_CHECKLIST_DM, ACTION_SHARE, ACTION_SHOW_ALL
from bot.slack.listeners.actions import ALREADY_IN_DM, NOT_YOURS
from bot.slack.mrkdwn import escape
from bot.view import SEND_AS_DM, SENT_AS_DM
from index.request import Request
from tests.slack.harness import (
    BOT_USER,
    SlackApp,
    assert_valid_message,
    blocks_text,
    buttons_of,
    dm_event,
    message_of,
    posts_to,
    send_action,
    send_command,
    send_event,
    to_url,
)
from tests.support.slack import Call

CHECKLIST = "what do I need to go from level 3 to level 4 as a backend engineer?"


def _checklist_blocks(message: dict) -> list[dict]:
    return [b for b in message["blocks"] if b["type"] == "rich_text"]


def test_checklist_is_a_rich_text_list_with_every_area_verbatim(monzo_slack: SlackApp, monzo_answerer) -> None:
    expected = monzo_answerer.ask(CHECKLIST)
    assert expected.checklist is not None
    resp, url = send_command(monzo_slack, CHECKLIST, user="U0CLIMBER")
    assert resp.status == 200
    first = message_of(monzo_slack.fake.wait_for(to_url(url))[0])
    assert_valid_message(first)  # slack_sdk's Block.parse + validate_json on every block
    assert SEND_AS_DM in blocks_text(first["blocks"])
    # One phone screen first; "Show all" gives every area, through the real action.
    assert len(_checklist_blocks(first)) < len(expected.quotes)
    _, more_url = send_action(monzo_slack, ACTION_SHOW_ALL, buttons_of(first)[ACTION_SHOW_ALL]["value"],
                              user="U0CLIMBER")
    message = message_of(monzo_slack.fake.wait_for(to_url(more_url))[0])
    assert_valid_message(message)
    items = _checklist_blocks(message)
    assert len(items) == len(expected.quotes)
    for block, quote, change in zip(items, expected.quotes, expected.checklist.changes, strict=True):
        listed, body = block["elements"]
        assert listed["type"] == "rich_text_list" and listed["style"] == "bullet"
        name, mark = listed["elements"][0]["elements"]
        assert name["text"] == quote.entry.area and name["style"] == {"bold": True}
        assert mark["text"].endswith({"changed": "changed from Level 3", "new": "new at Level 4",
                                      "same": "same as Level 3"}[change])
        # Rich text is literal: the cell exactly as written (new words in bold runs), no mrkdwn escaping.
        assert body["type"] == "rich_text_quote" and "".join(e["text"] for e in body["elements"]) == quote.text


def test_send_me_this_as_a_dm_opens_a_dm_and_posts_the_checklist(monzo_slack: SlackApp, monzo_answerer) -> None:
    expected = monzo_answerer.ask(CHECKLIST)
    _, url = send_command(monzo_slack, CHECKLIST, user="U0DMWANTED")
    button = buttons_of(message_of(monzo_slack.fake.wait_for(to_url(url))[0]))[ACTION_CHECKLIST_DM]
    assert json.loads(button["value"])["q"] is not None

    monzo_slack.fake.replies["conversations.open"] = {"ok": True, "channel": {"id": "D0CLIMBER"}}
    try:
        resp, action_url = send_action(monzo_slack, ACTION_CHECKLIST_DM, button["value"], user="U0DMWANTED")
        assert resp.status == 200
        (opened,) = monzo_slack.fake.wait_for(
            lambda c: c.method == "conversations.open" and c.body.get("users") == "U0DMWANTED")
        assert opened.ok
        (posted,) = monzo_slack.fake.wait_for(
            lambda c: c.method == "chat.postMessage" and c.body.get("channel") == "D0CLIMBER")
    finally:
        monzo_slack.fake.replies.pop("conversations.open", None)
    dm = message_of(posted)
    assert_valid_message(dm)
    assert ["".join(e["text"] for e in b["elements"][1]["elements"]) for b in _checklist_blocks(dm)] == [
        q.text for q in expected.quotes]
    assert ACTION_CHECKLIST_DM not in buttons_of(dm)  # no button to send it again from the DM itself
    notice = message_of(monzo_slack.fake.wait_for(to_url(action_url))[0])
    assert notice["text"] == SENT_AS_DM and notice["response_type"] == "ephemeral"


def test_send_me_this_as_a_dm_with_someone_elses_question_sends_them_nothing(monzo_slack: SlackApp) -> None:
    # A asks privately (the slash command's answer only A sees); B clicks a "Send me this as a DM"
    # whose value carries A's question id (copied, or tampered with). Bound to the asker like Share.
    _, url = send_command(monzo_slack, CHECKLIST, user="U0PRIVATEA")
    value = buttons_of(message_of(monzo_slack.fake.wait_for(to_url(url))[0]))[ACTION_CHECKLIST_DM]["value"]
    assert json.loads(value)["q"] is not None
    before = len(monzo_slack.fake.calls)
    for tampered in (value, json.dumps({"q": json.loads(value)["q"]})):
        _, action_url = send_action(monzo_slack, ACTION_CHECKLIST_DM, tampered, user="U0CURIOUSB")
        notice = message_of(monzo_slack.fake.wait_for(to_url(action_url))[0])
        assert notice["text"] == NOT_YOURS and notice["response_type"] == "ephemeral"
    after = monzo_slack.fake.calls[before:]
    assert not [c for c in after if c.method == "chat.postMessage"], [c.body.get("channel") for c in after]
    assert not [c for c in after if c.method == "conversations.open"]


def test_a_dm_slack_refuses_is_a_polite_notice(monzo_slack: SlackApp) -> None:
    _, url = send_command(monzo_slack, CHECKLIST, user="U0NODM")
    button = buttons_of(message_of(monzo_slack.fake.wait_for(to_url(url))[0]))[ACTION_CHECKLIST_DM]
    monzo_slack.fake.errors["conversations.open"] = "missing_scope"
    try:
        _, action_url = send_action(monzo_slack, ACTION_CHECKLIST_DM, button["value"], user="U0NODM")
        notice = message_of(monzo_slack.fake.wait_for(to_url(action_url))[0])
    finally:
        monzo_slack.fake.errors.pop("conversations.open", None)
    assert "couldn't send you a direct message" in notice["text"]
    assert not monzo_slack.fake.matching(lambda c: c.method == "chat.postMessage" and c.body.get("channel") == "")


def test_two_areas_are_two_fields_side_by_side(slack_app: SlackApp, seed_answerer) -> None:
    question = "what's the difference between ML Ops and AI Governance?"
    expected = seed_answerer.ask(question)
    _, url = send_command(slack_app, question)
    message = message_of(slack_app.fake.wait_for(to_url(url))[0])
    assert_valid_message(message)
    (paired,) = [b for b in message["blocks"] if b["type"] == "section" and "fields" in b]
    left, right = paired["fields"]
    assert left["text"].startswith("*ML Ops*") and right["text"].startswith("*AI Governance*")
    # On one phone screen each cell starts verbatim (cut after a sentence when both are too long for it);
    # "Show all" gives both whole.
    for field, quote in zip((left, right), expected.quotes, strict=True):
        shown = " ".join(line[1:].strip() for line in field["text"].split("\n") if line.startswith(">"))
        assert " ".join(escape(quote.text).split()).startswith(" ".join(shown.split())) and shown
    button = buttons_of(message).get(ACTION_SHOW_ALL)
    if button is not None:
        _, more_url = send_action(slack_app, ACTION_SHOW_ALL, button["value"])
        message = message_of(slack_app.fake.wait_for(to_url(more_url))[0])
        (paired,) = [b for b in message["blocks"] if b["type"] == "section" and "fields" in b]
    for field, quote in zip(paired["fields"], expected.quotes, strict=True):
        shown = " ".join(line[1:].strip() for line in field["text"].split("\n") if line.startswith(">"))
        assert " ".join(shown.split()) == " ".join(escape(quote.text).split())


def test_which_levels_lists_each_craft_in_order(monzo_slack: SlackApp, monzo_answerer) -> None:
    expected = monzo_answerer.ask("which levels are there?")
    _, url = send_command(monzo_slack, "which levels are there?")
    first_screen = message_of(monzo_slack.fake.wait_for(to_url(url))[0])
    assert_valid_message(first_screen)
    # A long list ends with the crafts left out, named, and "Show all", which lists every level.
    assert "more: " in blocks_text(first_screen["blocks"])
    _, more_url = send_action(monzo_slack, ACTION_SHOW_ALL, buttons_of(first_screen)[ACTION_SHOW_ALL]["value"])
    message = message_of(monzo_slack.fake.wait_for(to_url(more_url))[0])
    assert_valid_message(message)
    shown = blocks_text(message["blocks"])
    for level in expected.levels:
        assert f"`{level.source}`" in shown
    first = shown.index("*Backend Engineering Craft*")
    assert shown.index("1. Level 1", first) < shown.index("6. Level 6", first)


def test_a_missing_level_names_the_levels_there_are(monzo_slack: SlackApp) -> None:
    _, url = send_command(monzo_slack, "what does a level 9 engineer do?")
    message = message_of(monzo_slack.fake.wait_for(to_url(url))[0])
    assert_valid_message(message)
    assert "This framework has no Level 9; it has: Level 1, Level 2" in blocks_text(message["blocks"])


# --- "Send me this as a DM" where it would only make a copy, and on a follow-up (docs/slack.md) ------


def _checklist_of(message: dict) -> list[str]:
    return ["".join(e["text"] for e in b["elements"][1]["elements"]) for b in _checklist_blocks(message)]


def test_a_checklist_asked_in_the_dm_offers_no_send_as_dm(monzo_slack: SlackApp, monzo_answerer) -> None:
    expected = monzo_answerer.ask(CHECKLIST)
    send_event(monzo_slack, dm_event(CHECKLIST, "D0LADDERDM", user="U0LADDERDM"))
    (posted,) = monzo_slack.fake.wait_for(
        lambda c: c.method == "chat.postMessage" and c.body.get("channel") == "D0LADDERDM")
    message = message_of(posted)
    assert_valid_message(message)
    shown = _checklist_of(message)  # one phone screen: the first areas, verbatim, and "Show all"
    assert shown and shown == [q.text for q in expected.quotes][:len(shown)]
    assert ACTION_SHOW_ALL in buttons_of(message)
    assert ACTION_CHECKLIST_DM not in buttons_of(message) and SEND_AS_DM not in blocks_text(message["blocks"])


def test_a_click_on_a_checklist_already_in_the_dm_sends_no_second_copy(monzo_slack: SlackApp) -> None:
    # A checklist posted in the DM before the button stopped being offered there still has one.
    _, url = send_command(monzo_slack, CHECKLIST, user="U0ALREADY")
    button = buttons_of(message_of(monzo_slack.fake.wait_for(to_url(url))[0]))[ACTION_CHECKLIST_DM]
    dm = "D0ALREADY"  # the fake's conversations.open: the clicker's DM with the bot
    _, action_url = send_action(monzo_slack, ACTION_CHECKLIST_DM, button["value"], user="U0ALREADY", channel=dm,
                                ephemeral=False)
    notice = message_of(monzo_slack.fake.wait_for(to_url(action_url))[0])
    assert notice["text"] == ALREADY_IN_DM and notice["response_type"] == "ephemeral"
    # The same button on the slash command's ephemeral answer in that DM (gone on reload) does send it.
    _, action_url = send_action(monzo_slack, ACTION_CHECKLIST_DM, button["value"], user="U0ALREADY", channel=dm)
    assert message_of(monzo_slack.fake.wait_for(to_url(action_url))[0])["text"] == SENT_AS_DM
    assert len(posts_to(monzo_slack, dm)) == 1


def _follow_up_in_a_thread(app: SlackApp, channel: str, user: str, first: str, ts: str) -> tuple[str, Call]:
    """A mention asking `first`, then FOLLOW_UP_CHECKLIST in its thread (which names no level or craft):
    the thread's root ts and the follow-up's answer as posted."""
    root = f"{ts}.{app.next_id():06d}"
    send_event(app, {"type": "app_mention", "channel": channel, "user": user, "ts": root,
                     "text": f"<@{BOT_USER}> {first}"})
    app.fake.wait_for(lambda c: c.method == "chat.postMessage" and c.body.get("channel") == channel)
    send_event(app, {"type": "app_mention", "channel": channel, "user": user, "ts": f"{root}1", "thread_ts": root,
                     "text": f"<@{BOT_USER}> {FOLLOW_UP_CHECKLIST}"})
    posted = app.fake.wait_for(lambda c: c.method == "chat.postMessage" and c.body.get("channel") == channel, 2)[1]
    return root, posted


def _follow_up_checklist(app: SlackApp, channel: str, user: str) -> dict:
    """A checklist answered as a follow-up in a mention's thread: "how do I get promoted from there?"
    after a question about a level of a craft, which names neither."""
    _, posted = _follow_up_in_a_thread(
        app, channel, user, "what does mastery look like for a level 3 backend engineer?", "1700000400")
    return message_of(posted)


FOLLOW_UP_CHECKLIST = "how do I get promoted from there?"


@pytest.mark.parametrize("stored", [True, False], ids=["stored-question", "question-row-gone"])
def test_send_as_dm_on_a_follow_up_checklist_sends_that_checklist(monzo_slack: SlackApp, monzo_answerer,
                                                                   stored: bool) -> None:
    user = f"U0PROMO{int(stored)}"
    asked = _follow_up_checklist(monzo_slack, f"C0PROMO{int(stored)}", user)
    assert "following on from your last question" in blocks_text(asked["blocks"])
    shown = _checklist_of(asked)
    assert shown, "the follow-up is answered with a checklist"
    assert monzo_answerer.ask(FOLLOW_UP_CHECKLIST).checklist is None  # on its own it is no checklist at all
    button = buttons_of(asked)[ACTION_CHECKLIST_DM]
    value = json.loads(button["value"])
    assert len(button["value"]) <= 2000
    if not stored:  # the stored question is gone (retention): the question and context in the value suffice
        value.pop("q")
    _, action_url = send_action(monzo_slack, ACTION_CHECKLIST_DM, json.dumps(value), user=user,
                                channel=f"C0PROMO{int(stored)}", ephemeral=False)
    assert message_of(monzo_slack.fake.wait_for(to_url(action_url))[0])["text"] == SENT_AS_DM
    (posted,) = posts_to(monzo_slack, "D" + user[1:])
    dm = message_of(posted)
    assert_valid_message(dm)
    # The DM holds the whole checklist; the private answer showed its first screen of it.
    whole = _checklist_of(dm)
    assert len(whole) >= len(shown) and all(w.startswith(v) for w, v in zip(whole, shown, strict=False))
    assert "From Level 3 to Level 4 (Backend Engineering Craft)" in blocks_text(dm["blocks"])


# --- "Share in channel" on a private answer that followed on from a thread (docs/slack.md) -----------


def _private_follow_up_checklist(app: SlackApp, channel: str, user: str) -> tuple[dict, str]:
    """A checklist answered privately as a follow-up: in a mention's thread, "what is expected at level
    3?", then "how do I get promoted from there?" (which names no level: it follows on from level 3),
    and a click on the craft it asks for. A choice clicked in a channel is answered privately, with
    "Share in channel". Returns that private answer and the choice's question."""
    root, posted = _follow_up_in_a_thread(app, channel, user, "what is expected at level 3?", "1700000700")
    choices = message_of(posted)
    assert "following on from your last question" in blocks_text(choices["blocks"])
    backend = next(b for b in buttons_of(choices).values() if b["text"]["text"].startswith("Backend"))
    _, url = send_action(app, backend["action_id"], backend["value"], user=user, channel=channel, ephemeral=False,
                         message={"ts": posted.reply.get("ts", f"{root}2"), "thread_ts": root})
    private = message_of(app.fake.wait_for(to_url(url))[0])
    assert private["response_type"] == "ephemeral"
    request = Request.from_json(json.loads(backend["value"])["request"])  # the choice's names, not words
    assert request is not None
    return private, request.describe()


@pytest.mark.parametrize("stored", [True, False], ids=["stored-question", "question-row-gone"])
def test_share_in_channel_on_a_private_follow_up_shares_that_answer(monzo_slack: SlackApp, stored: bool) -> None:
    user, channel = f"U0SHAREFU{int(stored)}", f"C0SHAREFU{int(stored)}"
    private, _ = _private_follow_up_checklist(monzo_slack, channel, user)
    shown = _checklist_of(private)
    assert shown and "From Level 3 to Level 4 (Backend Engineering Craft)" in blocks_text(private["blocks"])
    share = buttons_of(private)[ACTION_SHARE]
    assert len(share["value"]) <= 2000
    if not stored:  # the stored question is gone (retention): the button's own value still answers
        question_id = json.loads(share["value"])["q"]
        with sqlite3.connect(monzo_slack.settings.state_db) as conn:
            assert conn.execute("DELETE FROM questions WHERE id = ?", (question_id,)).rowcount == 1
    _, url = send_action(monzo_slack, ACTION_SHARE, share["value"], user=user, channel=channel)
    calls = monzo_slack.fake.wait_for(to_url(url), count=2)
    posted = message_of(calls[0])
    assert posted["response_type"] == "in_channel"
    assert_valid_message(posted)
    # The same checklist, from its first cell: each surface fits it to one screen under its own lines
    # ("Shared by", no Share button), so the cut may fall a line apart, never off the framework's text.
    again = _checklist_of(posted)
    assert again and all(a.startswith(b) or b.startswith(a) for a, b in zip(again, shown, strict=False))
    text = blocks_text(posted["blocks"])
    assert "From Level 3 to Level 4 (Backend Engineering Craft)" in text and f"Shared by <@{user}>" in text
    assert calls[1].body.get("delete_original") is True
