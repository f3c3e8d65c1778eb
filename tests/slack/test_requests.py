"""Buttons carry structured requests, over real HTTP with signed requests: a choice and "Compare with
the next level" name their intent, craft, levels and areas as the index has them, and a press answers as
typing the question does, without the words being parsed again (issue 19, item 4); the buttons are the
view's (bot/view.py), the same as Teams offers. Buttons on messages posted before keep working; a
request naming a level a content reload took away gets a polite reply."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.slack.blocks import ACTION_COMPARE_NEXT, ACTION_SHARE, ACTION_TODO_AREAS
from bot.view import COMPARE_NEXT, TODO_AREAS
from index.answer import GONE, Answerer
from index.request import Request
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
from tests.support.frameworks import level_renamed
from tests.support.slack import FakeSlack

# Two areas every level of the data ladder writes: the framework asks at which level.
CHOOSING = "what's the difference between modelling and experimentation?"


@pytest.fixture(scope="module")
def app(reloadable_answerer: Answerer, multilevel_copy: Path, fake_slack: FakeSlack,
        tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlackApp]:
    state = tmp_path_factory.mktemp("slack-requests") / "state.db"
    settings = slack_settings(fake_slack, state, content_dir=multilevel_copy, rate_limit_per_minute=1000)
    with serve_slack(settings, reloadable_answerer, fake_slack) as running:
        yield running


def asked(app: SlackApp, question: str, user: str) -> dict[str, Any]:
    _, url = send_command(app, question, user=user)
    return message_of(app.fake.wait_for(to_url(url))[0])


def pressed(app: SlackApp, action_id: str, value: str, user: str) -> dict[str, Any]:
    resp, url = send_action(app, action_id, value, user=user)
    assert resp.status == 200
    return message_of(app.fake.wait_for(to_url(url))[0])


def shown(message: dict[str, Any]) -> str:
    return blocks_text([b for b in message["blocks"] if b["type"] != "actions"])


def test_a_choice_button_answers_as_its_question_typed(app: SlackApp, reloadable_answerer: Answerer) -> None:
    choosing = asked(app, CHOOSING, "U0CHOICE")
    assert_valid_message(choosing)
    choices = reloadable_answerer.ask(CHOOSING).choices
    buttons = {k: b for k, b in buttons_of(choosing).items() if k.startswith("choose_")}
    assert len(buttons) == len(choices) > 1
    for n, choice in enumerate(choices):
        value = json.loads(buttons[f"choose_{n}"]["value"])
        # The names as the index spells them, and no words to parse.
        assert value == {"request": choice.request.to_json()}
        by_button = pressed(app, f"choose_{n}", buttons[f"choose_{n}"]["value"], "U0CHOICE")
        typed = asked(app, choice.question, "U0CHOICE")
        assert shown(by_button) == shown(typed) and choice.question in shown(typed)


def test_compare_with_the_next_level_and_todo_areas_are_offered_as_in_teams(app: SlackApp,
                                                                           reloadable_answerer: Answerer) -> None:
    """bot/view.py decides the follow-ups once: Slack renders the same ones Teams does."""
    cell = next(e for e in reloadable_answerer.entries if e.kind == "level" and e.area == "Experimentation"
                and e.level == "Level 1")
    question = f"What does {cell.area} look like at {cell.level}?"
    message = asked(app, question, "U0NEXT")
    assert_valid_message(message)
    buttons = buttons_of(message)
    assert buttons[ACTION_COMPARE_NEXT]["text"]["text"] == COMPARE_NEXT
    assert buttons[ACTION_TODO_AREAS]["text"]["text"] == TODO_AREAS
    request = Request.from_json(json.loads(buttons[ACTION_COMPARE_NEXT]["value"])["request"])
    assert request == Request("compare", cell.framework, cell.craft, ("Level 1", "Level 2"), (cell.area,))
    compared = pressed(app, ACTION_COMPARE_NEXT, buttons[ACTION_COMPARE_NEXT]["value"], "U0NEXT")
    assert shown(compared) == shown(asked(app, request.describe(), "U0NEXT"))
    todo = pressed(app, ACTION_TODO_AREAS, buttons[ACTION_TODO_AREAS]["value"], "U0NEXT")
    assert all(e.area in blocks_text(todo["blocks"]) for e in reloadable_answerer.todo())


def test_a_choice_posted_before_requests_is_still_answered(app: SlackApp, reloadable_answerer: Answerer) -> None:
    choice = reloadable_answerer.ask(CHOOSING).choices[0]
    old = pressed(app, "choose_0", json.dumps({"c": choice.question}), "U0OLD")
    assert shown(old) == shown(asked(app, choice.question, "U0OLD"))


@pytest.mark.parametrize("value", [
    json.dumps({"request": {"intent": "compare_areas", "levels": ["Level 1"]}}),  # no areas
    json.dumps({"request": {"intent": "level", "levels": [["Level 1"]]}}),
    json.dumps({"request": "Level 1"}),
    json.dumps({"request": {"intent": "level", "levels": [None]}, "c": "what is expected at level 1?"}),
    "not json",
])
def test_a_damaged_request_gets_a_polite_reply(app: SlackApp, value: str) -> None:
    reply = pressed(app, "choose_0", value, "U0DAMAGED")
    assert "no longer on record" in blocks_text(reply["blocks"])


def test_a_request_for_a_level_a_reload_removed_is_told_so(
        app: SlackApp, reloadable_answerer: Answerer, multilevel_copy: Path
) -> None:
    """The content changes under a posted message (hot reload): its button names a level no longer there."""
    choosing = asked(app, CHOOSING, "U0RELOAD")
    last = max((k for k in buttons_of(choosing) if k.startswith("choose_")), key=lambda k: int(k.split("_")[1]))
    value = buttons_of(choosing)[last]["value"]
    gone = json.loads(value)["request"]["levels"][0]
    with level_renamed(reloadable_answerer, multilevel_copy, gone):
        reply = pressed(app, last, value, "U0RELOAD")
        assert GONE in blocks_text(reply["blocks"])


def test_share_in_channel_gives_a_choice_answer_again_by_its_request_not_its_words(
        app: SlackApp, reloadable_answerer: Answerer
) -> None:
    choosing = asked(app, CHOOSING, "U0SHARE")
    chosen = json.loads(buttons_of(choosing)["choose_0"]["value"])["request"]
    answer = pressed(app, "choose_0", buttons_of(choosing)["choose_0"]["value"], "U0SHARE")
    value = json.loads(buttons_of(answer)[ACTION_SHARE]["value"])
    assert value["r"] == chosen
    # The stored question gone and its words replaced: the request alone says what to share.
    value |= {"q": None, "c": "what is for lunch on friday?"}
    _, url = send_action(app, ACTION_SHARE, json.dumps(value), user="U0SHARE")
    shared = message_of(app.fake.wait_for(to_url(url))[0])
    expected = reloadable_answerer.answer_request(Request.from_json(chosen) or Request("level"))
    assert expected.quotes and all(q.text.split("\n")[0] in blocks_text(shared["blocks"]) for q in expected.quotes)
    assert "lunch" not in blocks_text(shared["blocks"])


def test_show_all_offers_the_views_buttons_too(app: SlackApp, reloadable_answerer: Answerer) -> None:
    """"Show all" gives the answer again uncut, with the same buttons as any answer (bot/view.py)."""
    from bot.slack.blocks import ACTION_SHOW_ALL

    question = "What does Experimentation look like at Level 1?"
    whole = pressed(app, ACTION_SHOW_ALL, json.dumps({"q": None, "c": question}), "U0SHOWALL")
    assert {ACTION_COMPARE_NEXT, ACTION_TODO_AREAS} <= set(buttons_of(whole))
