"""One phone screen by default (issue 21, item 3): every shared framework's longest default answers, a
level's overview and a promotion checklist, fit the budget each surface sets (bot.slack.blocks.BUDGET,
bot.teams.cards.BUDGET; docs/slack.md, docs/teams.md), valid, with "Show all" for what was left out."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.slack import blocks
from bot.teams import cards
from index.answer import Answer, Answerer
from tests.slack.harness import assert_valid_message, buttons_of
from tests.support.shared import shared_frameworks
from tests.teams.harness import assert_valid_card

LONGEST = 3


def _longest_answers(answerer: Answerer) -> list[Answer]:
    """The framework's longest answers to what people ask most: each level's overview, each move up."""
    questions = []
    for ladder in answerer.level_order.by_craft():
        for n, level in enumerate(ladder):
            questions.append(f"what is expected of {level.title} in {level.craft}?")
            if n:
                questions.append(f"what do I need to go from {ladder[n - 1].title} to {level.title} in {level.craft}?")
    answers = [answerer.ask(q) for q in questions]
    answers = [a for a in answers if a.quotes]
    return sorted(answers, key=lambda a: -sum(len(q.text) for q in a.quotes))[:LONGEST]


@pytest.mark.parametrize("folder", shared_frameworks(), ids=lambda p: p.name)
def test_the_longest_default_answers_fit_one_phone_screen(folder: Path,
                                                         open_answerer: Callable[[Path], Answerer]) -> None:
    answerer = open_answerer(folder)
    longest = _longest_answers(answerer)
    assert longest, "no level overview or checklist answered"
    for answer in longest:
        message = blocks.answer_message(answer, 1)
        assert_valid_message(message)
        assert blocks.BUDGET.holds(blocks.screen_texts(message["blocks"])), (answer.question, message["blocks"])
        (card,) = cards.answer_cards(answer, 1)
        assert_valid_card(card)
        assert cards.BUDGET.holds([*cards.screen_texts(card["body"]), "", ""]), answer.question
        whole = sum(len(q.text) for q in answer.quotes)
        shown = sum(len(t) for t in blocks.screen_texts(message["blocks"]))
        if shown < whole:  # something was left out or cut: the rest is one click away
            assert blocks.ACTION_SHOW_ALL in buttons_of(message) or blocks.ACTION_WHOLE_CELL in buttons_of(message)
            assert any(a["type"] == "Action.ShowCard" and a["title"] == "Show all" for a in card.get("actions", []))
