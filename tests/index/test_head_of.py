"""A title of one short word and a function word before its craft's name ("Head of Data Engineering") is named by
those two words ("the head of", "head of delivery"; index/levelnames.py role nouns, docs/retrieval.md step 2): the
word alone, of four letters, is read only as initials in capitals, so it named no level at all."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from index.answer import Answerer
from tests.support.answers import converse
from tests.support.frameworks import Ladder, area_table, write_ladders

# Made up: two crafts, each topped by a "Head of" title that its text uses as words ("a head of data engineering").
HEADS = {
    "data": Ladder("Data Engineer", [
        ("Data Engineer", area_table({"Pipelines": "Builds pipelines a senior colleague designs."})),
        ("Senior Data Engineer", area_table({"Pipelines": "Designs the pipelines of one service."})),
        ("Lead Data Engineer", area_table({"Pipelines": "Sets how every team's pipelines are tested."})),
        ("Head of Data Engineering", area_table({
            "Hiring": "A head of data engineering recruits the data engineers every team needs.",
        })),
    ]),
    "delivery": Ladder("Delivery Manager", [
        ("Delivery Manager", area_table({"Teams": "Runs the stand-ups and planning of one team."})),
        ("Senior Delivery Manager", area_table({"Teams": "Runs the planning of several teams on one service."})),
        ("Head of (Agile) Delivery Management", area_table({
            "Hiring": "A head of delivery management recruits delivery managers and decides which teams they join.",
        })),
    ]),
}


@pytest.fixture(scope="module")
def heads(open_answerer: Callable[..., Answerer], tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    return open_answerer(write_ladders(tmp_path_factory.mktemp("heads"), HEADS))


def test_the_head_of_after_a_level_is_that_crafts_head(heads: Answerer) -> None:
    # After the lead, "and the head of?" is the head of the same craft, not the lead answered again.
    answers = converse(heads, "what does a lead data engineer do?", "and the head of?")
    assert {q.entry.level for q in answers[1].quotes} == {"Head of Data Engineering"}


def test_head_of_and_a_crafts_word_names_that_head(heads: Answerer) -> None:
    # "head of delivery" is the title without its qualifier and last word: the head's own text answers.
    answer = heads.ask("who runs the planning of teams, is it the head of delivery?")
    assert answer.quotes and answer.quotes[0].entry.level == "Head of (Agile) Delivery Management"


def test_head_of_alone_asks_which_head(heads: Answerer) -> None:
    # Both crafts have a head: "a head of" names neither, so the asker picks one, rather than reading
    # whichever head's text ranked first.
    answer = heads.ask("what does a head of do?")
    assert not answer.confident and not answer.quotes
    assert {c.label for c in answer.choices} == {"Head of Data Engineering", "Head of (Agile) Delivery Management"}
    # A button answers with that head's own text.
    pressed = next(c for c in answer.choices if c.label == "Head of Data Engineering")
    assert pressed.request is not None
    assert {q.entry.level for q in heads.answer_request(pressed.request).quotes} == {"Head of Data Engineering"}


def test_the_head_of_my_team_is_no_heads_answer(heads: Answerer) -> None:
    # "the head of my team" names no craft: no head's cell is quoted as the answer.
    answer = heads.ask("who is the head of my team?")
    assert not answer.confident and not answer.quotes


def test_a_crafts_word_still_picks_its_head(heads: Answerer) -> None:
    # A craft named beside "head of" narrows it to that craft's head, asked of nothing else.
    answer = heads.ask("what does a head of data engineering do?")
    assert answer.confident and {q.entry.level for q in answer.quotes} == {"Head of Data Engineering"}
