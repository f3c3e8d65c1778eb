"""A name the question sets aside ("user researcher (not junior)", "the ML craft (not edge)") is not what it asks
about (index/aliases.py `Structure.negated`, docs/retrieval.md step 2): it names no level and weighs for no cell."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from index.answer import Answerer
from tests.support.frameworks import Ladder, area_table, write_ladders

# Made up: a ladder whose first rung carries a seniority word, and a level with two areas one word tells apart.
RESEARCH = {
    "research": Ladder("Research", [
        ("Junior Researcher", area_table({
            "Studies": "Runs interviews that a mentor plans and reviews with them.",
            "Teamwork": "Shares notes with the researchers who plan each study.",
        })),
        ("Researcher", area_table({
            "Studies": "Plans and runs studies alone, embedded in a delivery team, and works independently.",
            "Teamwork": "Shares findings with the whole team after each study.",
        })),
        ("Senior Researcher", area_table({
            "Studies": "Plans which studies several teams run in a year.",
            "Edge cases": "Finds the users at the edge of a service, such as those offline.",
        })),
    ]),
}


@pytest.fixture(scope="module")
def research(open_answerer: Callable[..., Answerer], tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    return open_answerer(write_ladders(tmp_path_factory.mktemp("research"), RESEARCH))


def test_a_level_set_aside_is_not_named(research: Answerer) -> None:
    # "(not junior)" says which researcher is not meant: without reading it so, "junior" names Junior Researcher
    # beside "researcher", and two levels are compared, the junior one first.
    answer = research.ask("researcher (not junior) - will i work on my own?")
    assert answer.intent == "lookup"
    assert {q.entry.level for q in answer.quotes} == {"Researcher"}


def test_an_area_word_set_aside_weighs_for_no_cell(research: Answerer) -> None:
    # "not edge" sets the Edge cases area aside: left in, its one rare word makes it the answer.
    answer = research.ask("senior researcher (not edge) - what do i plan?")
    assert answer.quotes and answer.quotes[0].entry.area == "Studies"


def test_not_before_a_word_of_no_name_stays_in_the_question(research: Answerer) -> None:
    # "not alone" names nothing: the question still asks about working alone, as typed.
    structure = research.ranker.structure
    question = "do researchers not plan studies alone?"
    assert structure.corrected(question, structure.detect(question)) == question


def test_not_written_still_asks_for_the_todo_list(research: Answerer) -> None:
    assert research.ask("which areas are not written yet?").intent == "todo"
