"""index/compose/todo.py: the areas not written yet, among those the question's names allow, grouped by
level."""

from __future__ import annotations

import pytest

from index.compose import todo
from tests.index.compose.helpers import kinds_of


@pytest.mark.parametrize("kind", kinds_of(todo))
def test_the_todo_composer_alone_gives_the_answer_of_its_intent(kind: str, asked_on_multilevel) -> None:
    asked_on_multilevel(kind)


def test_the_areas_not_written_yet_are_listed_by_level(harbor, composed) -> None:
    answer = composed(harbor, "todo", "which areas are not written yet?")
    assert answer.message == "1 area(s) not written yet:\n• Engineer 1: On-call"
    assert [(q.entry.level, q.entry.area, q.text) for q in answer.quotes] == [("Engineer 1", "On-call", "")]


def test_a_craft_with_nothing_left_to_write_says_so(harbor, composed) -> None:
    answer = composed(harbor, "todo", "what is still TODO in product design?")
    assert answer.confident and answer.quotes == []
    assert answer.message == "Every area there is written: nothing is left to do."
