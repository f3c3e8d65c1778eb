"""index/compose/ladder.py: the ladder itself, from the level order and the titles only: which levels
there are, a level no title carries, and the level one step away."""

from __future__ import annotations

import pytest

from index.compose import ladder
from tests.index.compose.helpers import kinds_of

ENGINEERS = ["Engineer 1", "Engineer 2", "Engineer 3"]
DESIGNERS = ["Designer 1", "Designer 2"]


@pytest.mark.parametrize("kind", kinds_of(ladder))
def test_the_ladder_composer_alone_gives_the_answers_of_its_intents(kind: str, asked_on_multilevel) -> None:
    asked_on_multilevel(kind)


def test_the_levels_are_listed_craft_by_craft_in_order(harbor, composed) -> None:
    answer = composed(harbor, "levels", "which levels are there?")
    assert answer.message == "Levels of each craft, in order:"
    titles = [lv.title for lv in answer.levels]
    assert sorted([titles[:2], titles[2:]]) == [DESIGNERS, ENGINEERS]


def test_the_next_level_is_named_and_its_areas_quoted(harbor, composed) -> None:
    answer = composed(harbor, "next", "what comes after Engineer 1?")
    assert answer.message == "After Engineer 1 comes Engineer 2."
    assert {q.entry.level for q in answer.quotes} == {"Engineer 2"}
    assert [q.entry.area for q in answer.quotes] == ["Delivery", "Collaboration", "Mentoring", "On-call"]
    before = composed(harbor, "previous", "what comes before Designer 2?")
    assert before.message == "Before Designer 2 comes Designer 1."


def test_the_top_of_a_ladder_is_said_to_be_its_highest_level(harbor, composed) -> None:
    answer = composed(harbor, "next", "what comes after Engineer 3?")
    assert answer.message == "Engineer 3 is the highest level of Platform Engineering." and answer.quotes == []


def test_a_level_no_title_carries_is_said_missing_with_every_ladder_it_has(harbor, composed) -> None:
    answer = composed(harbor, "missing_level", "what is expected at level 7?")
    assert answer.message is not None and answer.message.startswith("This framework has no Level 7; it has: ")
    has = answer.message.removeprefix("This framework has no Level 7; it has: ").removesuffix(".")
    assert sorted(has.split("; ")) == [f"Platform Engineering: {', '.join(ENGINEERS)}",
                                       f"Product Design: {', '.join(DESIGNERS)}"]
