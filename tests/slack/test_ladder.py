"""The ladder questions over real HTTP with signed requests: the promotion checklist (a rich-text list,
valid per slack_sdk's models) and its "Send me this as a DM" button (conversations.open, then
chat.postMessage on the loopback Web API), two areas side by side, and the list of levels."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.slack.blocks import ACTION_CHECKLIST_DM
from bot.slack.mrkdwn import escape
from bot.view import SEND_AS_DM, SENT_AS_DM
from tests.slack.harness import (
    SlackApp,
    assert_valid_message,
    blocks_text,
    buttons_of,
    message_of,
    send_action,
    send_command,
    serve_slack,
    slack_settings,
    to_url,
)
from tests.support.slack import FakeSlack

CHECKLIST = "what do I need to go from level 3 to level 4 as a backend engineer?"


@pytest.fixture(scope="module")
def monzo_slack(monzo_answerer, monzo_dir: Path, fake_slack: FakeSlack,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlackApp]:
    state = tmp_path_factory.mktemp("slack-ladder") / "state.db"
    with serve_slack(slack_settings(fake_slack, state, content_dir=monzo_dir), monzo_answerer, fake_slack) as app:
        yield app


def _checklist_blocks(message: dict) -> list[dict]:
    return [b for b in message["blocks"] if b["type"] == "rich_text"]


def test_checklist_is_a_rich_text_list_with_every_area_verbatim(monzo_slack: SlackApp, monzo_answerer) -> None:
    expected = monzo_answerer.ask(CHECKLIST)
    assert expected.checklist is not None
    resp, url = send_command(monzo_slack, CHECKLIST, user="U0CLIMBER")
    assert resp.status == 200
    message = message_of(monzo_slack.fake.wait_for(to_url(url))[0])
    assert_valid_message(message)  # slack_sdk's Block.parse + validate_json on every block
    items = _checklist_blocks(message)
    assert len(items) == len(expected.quotes)
    for block, quote, change in zip(items, expected.quotes, expected.checklist.changes, strict=True):
        listed, body = block["elements"]
        assert listed["type"] == "rich_text_list" and listed["style"] == "bullet"
        name, mark = listed["elements"][0]["elements"]
        assert name["text"] == quote.entry.area and name["style"] == {"bold": True}
        assert mark["text"].endswith({"changed": "changed from Level 3", "new": "new at Level 4",
                                      "same": "same as Level 3"}[change])
        # Rich text is literal: the cell exactly as written, no mrkdwn escaping.
        assert body["type"] == "rich_text_quote" and body["elements"][0]["text"] == quote.text
    assert SEND_AS_DM in blocks_text(message["blocks"])


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
    assert [b["elements"][1]["elements"][0]["text"] for b in _checklist_blocks(dm)] == [
        q.text for q in expected.quotes]
    assert ACTION_CHECKLIST_DM not in buttons_of(dm)  # no button to send it again from the DM itself
    notice = message_of(monzo_slack.fake.wait_for(to_url(action_url))[0])
    assert notice["text"] == SENT_AS_DM and notice["response_type"] == "ephemeral"


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
    for field, quote in zip((left, right), expected.quotes, strict=True):
        shown = " ".join(line[1:].strip() for line in field["text"].split("\n") if line.startswith(">"))
        assert " ".join(shown.split()) == " ".join(escape(quote.text).split())


def test_which_levels_lists_each_craft_in_order(monzo_slack: SlackApp, monzo_answerer) -> None:
    expected = monzo_answerer.ask("which levels are there?")
    _, url = send_command(monzo_slack, "which levels are there?")
    message = message_of(monzo_slack.fake.wait_for(to_url(url))[0])
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
