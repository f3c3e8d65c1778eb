"""Buttons carry structured requests, over real HTTP (Bot Framework activities): a choice names its
intent, craft, levels and areas as the index has them, and pressing it answers as typing its question
does, without the words being parsed again (issue 19, item 4). Buttons on cards posted by an older
version (a question in words) keep working; a request naming what a content reload took away gets a
polite reply."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.teams import cards
from index.answer import GONE, Answerer
from tests.support.frameworks import level_renamed
from tests.teams.harness import Bot, Connector, adaptive_card, assert_valid_card, card_actions, card_texts, message

# Two areas every level of the data ladder writes: the framework asks at which level.
CHOOSING = "what's the difference between modelling and experimentation?"


@pytest.fixture(scope="module")
def bot(start_bot: Any, reloadable_answerer: Answerer) -> Bot:
    return start_bot(reloadable_answerer, teams_allow_anonymous=True, rate_limit_per_minute=1000)


def choice_buttons(reply: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for b in card_actions(adaptive_card(reply)) if b["data"][cards.SUBMIT_KEY] == cards.REQUEST]


def shown(replies: list[dict[str, Any]]) -> list[str]:
    return [t for r in replies for t in card_texts(adaptive_card(r)["body"])]


def test_a_choice_button_answers_as_its_question_typed(
        bot: Bot, connector: Connector, reloadable_answerer: Answerer
) -> None:
    chat = {"service_url": connector.url, "conversation": "a:requests-1"}
    (choosing,) = bot.replies(message(CHOOSING, **chat))
    assert_valid_card(adaptive_card(choosing))
    buttons = choice_buttons(choosing)
    choices = reloadable_answerer.ask(CHOOSING).choices
    assert [b["title"] for b in buttons] == [c.label for c in choices] and len(buttons) > 1
    for button, choice in zip(buttons, choices, strict=True):
        # The names as the index spells them, and no words to parse.
        assert button["data"]["request"] == choice.request.to_json() and "question" not in button["data"]
        pressed = bot.replies(message(None, value=button["data"], **chat))
        typed = bot.replies(message(choice.question, **chat))
        assert shown(pressed) == shown(typed)
        assert all(area in " ".join(shown(pressed)) for area in choice.request.areas)  # side by side


def test_a_button_from_an_older_card_is_still_answered(
        bot: Bot, connector: Connector, reloadable_answerer: Answerer
) -> None:
    """Cards already posted carry a question in words ("choose") or text sent as if typed ("ask")."""
    chat = {"service_url": connector.url, "conversation": "a:requests-2"}
    choice = reloadable_answerer.ask(CHOOSING).choices[0]
    old = bot.replies(message(None, value={cards.SUBMIT_KEY: cards.CHOOSE_VERB, "question": choice.question}, **chat))
    assert shown(old) == shown(bot.replies(message(choice.question, **chat)))
    compare = "Compare Experimentation at Level 1 and Level 2"
    old = bot.replies(message(None, value={cards.SUBMIT_KEY: cards.ASK, "question": compare}, **chat))
    assert shown(old) == shown(bot.replies(message(compare, **chat)))


@pytest.mark.parametrize("request_", [
    {"intent": "compare_areas", "levels": ["Level 1"]},  # no areas
    {"intent": "level", "levels": [{"$gt": ""}]},
    {"intent": "teleport", "levels": ["Level 1"]},
    "Level 1",
])
def test_a_damaged_request_gets_the_stale_notice(bot: Bot, connector: Connector, request_: Any) -> None:
    (reply,) = bot.replies(message(None, value={cards.SUBMIT_KEY: cards.REQUEST, "request": request_},
                                   service_url=connector.url, conversation="a:requests-3"))
    assert reply["text"] == "That button belongs to an older answer I can no longer act on. " \
        "Please ask the question again."


def test_a_request_for_a_level_a_reload_removed_is_told_so(
        bot: Bot, connector: Connector, reloadable_answerer: Answerer, multilevel_copy: Path
) -> None:
    """The content changes under a posted card (hot reload): its button names a level no longer there."""
    chat = {"service_url": connector.url, "conversation": "a:requests-4"}
    (choosing,) = bot.replies(message(CHOOSING, **chat))
    last = choice_buttons(choosing)[-1]
    gone = last["data"]["request"]["levels"][0]
    with level_renamed(reloadable_answerer, multilevel_copy, gone):
        replies = bot.replies(message(None, value=last["data"], **chat))
        assert GONE in shown(replies)
        assert all("Traceback" not in t for t in shown(replies))


def test_a_checklist_asked_by_request_is_sent_as_a_dm_by_the_same_request(bot: Bot, connector: Connector,
                                                                         reloadable_answerer: Answerer) -> None:
    """"Send me this as a DM" gives the checklist again by the request's names, not by its words."""
    ladder = max(reloadable_answerer.level_order.by_craft(), key=len)
    request = {"intent": "checklist", "framework": ladder[0].framework, "craft": ladder[0].craft,
               "levels": [ladder[0].title, ladder[1].title]}
    replies = bot.replies(message(None, value={cards.SUBMIT_KEY: cards.REQUEST, "request": request},
                                  service_url=connector.url, conversation="19:requests-5@thread.v2", kind="groupChat"))
    sends = [b for r in replies for b in card_actions(adaptive_card(r))
             if b["data"][cards.SUBMIT_KEY] == cards.CHECKLIST_DM]
    assert len(sends) == 1 and sends[0]["data"]["request"] == request
