"""Follow-ups after a Teams answer, over real HTTP (bot/view.py decides them, bot/teams/cards.py renders
them): "Compare with the next level", "Whole text" and "TODO areas" are buttons on the answer's last card
in every kind of chat (Teams shows suggested actions only under a message without a card); each one,
sent back the way Teams sends it, gets its answer from the framework."""

from __future__ import annotations

from typing import Any

import pytest

from bot.teams.cards import ASK, SUBMIT_KEY
from bot.teams.listeners.replies import STALE_BUTTON
from bot.view import COMPARE_NEXT, TODO_AREAS, WHOLE_TEXT
from index.answer import Answerer
from index.request import Request
from tests.teams.harness import (
    BOT_NAME,
    Bot,
    Connector,
    adaptive_card,
    assert_valid_card,
    card_actions,
    card_texts,
    message,
)


@pytest.fixture(scope="module")
def bot(start_bot: Any, multilevel_answerer: Answerer) -> Bot:
    return start_bot(multilevel_answerer, teams_allow_anonymous=True, rate_limit_per_minute=1000)


@pytest.fixture(scope="module")
def partial_question(multilevel_answerer: Answerer) -> str:
    """A test input, not an expected answer: the first paragraph of a long cell below the top level, asked
    as a question, whose answer quotes only part of a cell that has a level above it."""
    entries = multilevel_answerer.entries
    for entry in entries:
        if entry.kind != "level" or entry.todo or len(entry.paragraphs) < 2:
            continue
        if next_level(multilevel_answerer, entry.craft, entry.level) is None:
            continue
        question = entry.paragraphs[-1][:300]
        answer = multilevel_answerer.ask(question)
        if answer.confident and answer.intent == "lookup" and not answer.quotes[0].complete \
                and next_level(multilevel_answerer, answer.quotes[0].entry.craft, answer.quotes[0].entry.level):
            return question
    pytest.fail("no cell of the multilevel fixture is quoted in part by a question about it")


def next_level(answerer: Answerer, craft: str, level: str) -> str | None:
    above = answerer.level_order.next(level, craft)
    return above[0].title if above else None


FOLLOW_UPS = (COMPARE_NEXT, WHOLE_TEXT, TODO_AREAS)


def _card_buttons(reply: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["title"]: a for a in card_actions(adaptive_card(reply).get("actions", [])) if a["title"] in FOLLOW_UPS}


def _chat(connector: Connector, kind: str, name: str) -> dict[str, Any]:
    chat: dict[str, Any] = {"service_url": connector.url, "kind": kind}
    if kind == "channel":
        return chat | {"conversation": f"19:{name}@thread.tacv2;messageid=1700000000001", "team": f"team-{name}"}
    return chat | {"conversation": f"19:{name}@thread.v2" if kind == "groupChat" else f"a:{name}"}


def _ask(bot: Bot, question: str, chat: dict[str, Any]) -> list[dict[str, Any]]:
    if chat["kind"] == "personal":
        return bot.replies(message(question, **chat))
    return bot.replies(message(f"<at>{BOT_NAME}</at> {question}", mention=True, **chat))


@pytest.mark.parametrize("kind", ["personal", "groupChat", "channel"])
def test_the_follow_ups_are_card_buttons_in_every_chat_and_each_works(
    bot: Bot, connector: Connector, multilevel_answerer: Answerer, partial_question: str, kind: str
) -> None:
    """docs/teams.md, follow-ups: Teams shows suggested actions only under a message without a card, and
    every answer has one, so in a personal chat too the three are Action.Submit buttons on the answer's
    last card (Teams documents Action.Submit for cards); nothing is sent as suggestedActions."""
    expected = multilevel_answerer.ask(partial_question)
    cell = expected.quotes[0].entry
    above = next_level(multilevel_answerer, cell.craft, cell.level)
    chat = _chat(connector, kind, f"follow-{kind}")
    replies = _ask(bot, partial_question, chat)
    assert replies and not any("suggestedActions" in r for r in replies)
    for reply in replies:
        assert_valid_card(adaptive_card(reply))
    buttons = _card_buttons(replies[-1])
    assert list(buttons) == list(FOLLOW_UPS)
    assert all(b["type"] == "Action.Submit" for b in buttons.values())
    assert all(not _card_buttons(r) for r in replies[:-1])  # offered once, on the last card
    # Structured: the names as the index has them, never a question in words to parse again.
    assert Request.from_json(buttons[COMPARE_NEXT]["data"]["request"]) == Request(
        "compare", cell.framework, cell.craft, (cell.level, above), (cell.area,))
    assert "question" not in buttons[COMPARE_NEXT]["data"]

    # A click is a submit (no text, no @mention): "Compare with the next level" gets both cells...
    (answer,) = bot.replies(message(None, value=buttons[COMPARE_NEXT]["data"], **chat))
    texts = card_texts(adaptive_card(answer)["body"])
    upper = next(e for e in multilevel_answerer.entries
                 if e.craft == cell.craft and e.level == above and e.area == cell.area)
    joined = "".join(texts)  # the higher cell's new words are runs of their own (bold)
    assert cell.paragraphs[0] in joined and upper.paragraphs[0] in joined

    # ..."Whole text" the whole cell...
    (answer,) = bot.replies(message(None, value=buttons[WHOLE_TEXT]["data"], **chat))
    texts = card_texts(adaptive_card(answer)["body"])
    assert all(p in texts for p in cell.paragraphs)

    # ...and "TODO areas" every unwritten area, without offering itself again.
    (answer,) = bot.replies(message(None, value=buttons[TODO_AREAS]["data"], **chat))
    shown = "\n".join(card_texts(adaptive_card(answer)["body"]))
    unwritten = multilevel_answerer.todo()
    assert unwritten and all(e.area in shown for e in unwritten)
    assert TODO_AREAS not in _card_buttons(answer)


def test_after_a_comparison_the_next_step_is_one_level_higher(bot: Bot, connector: Connector,
                                                                multilevel_answerer: Answerer,
                                                                partial_question: str) -> None:
    chat = _chat(connector, "personal", "follow-ups-2")
    compare = _card_buttons(_ask(bot, partial_question, chat)[-1])[COMPARE_NEXT]
    replies = bot.replies(message(None, value=compare["data"], **chat))
    onward = _card_buttons(replies[-1]).get(COMPARE_NEXT)
    cell = multilevel_answerer.ask(partial_question).quotes[0].entry
    above = next_level(multilevel_answerer, cell.craft, cell.level)
    higher = next_level(multilevel_answerer, cell.craft, above) if above else None
    if higher is None:
        assert onward is None  # the comparison reached the top level
    else:
        assert onward["data"]["request"]["levels"] == [above, higher]


def test_a_follow_up_button_with_no_text_is_a_polite_stale_notice(bot: Bot, connector: Connector) -> None:
    (reply,) = bot.replies(message(None, value={SUBMIT_KEY: ASK}, service_url=connector.url,
                                   conversation="19:group-stale@thread.v2", kind="groupChat"))
    assert reply["text"] == STALE_BUTTON


def test_without_a_level_above_or_todo_areas_those_are_not_offered(start_bot: Any, seed_answerer: Answerer,
                                                                   connector: Connector) -> None:
    seed = start_bot(seed_answerer, teams_allow_anonymous=True, rate_limit_per_minute=1000)
    question = next(q for q in ("what does Head of ML own?", "who owns ML Ops?")
                    if seed_answerer.ask(q).confident)
    actions = _card_buttons(seed.replies(message(question, service_url=connector.url,
                                                 conversation="a:follow-ups-3"))[-1])
    assert COMPARE_NEXT not in actions  # the seed framework has one level
    assert TODO_AREAS in actions  # and two areas marked TODO
