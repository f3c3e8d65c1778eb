"""index/compose/compare.py: two levels compared on one area, side by side, the higher level's words new
against the lower's marked."""

from __future__ import annotations

import pytest

from index.compose import compare
from tests.index.compose.helpers import kinds_of


@pytest.mark.parametrize("kind", kinds_of(compare))
def test_the_compare_composer_alone_gives_the_answer_of_its_intent(kind: str, asked_on_multilevel) -> None:
    asked_on_multilevel(kind)


def test_two_levels_are_quoted_side_by_side_with_the_higher_ones_new_words_marked(harbor, composed) -> None:
    answer = composed(harbor, "compare", "Engineer 1 vs Engineer 3 for delivery")
    assert answer.confident
    assert [(q.entry.level, q.entry.area) for q in answer.quotes] == [("Engineer 1", "Delivery"),
                                                                      ("Engineer 3", "Delivery")]
    lower, higher = answer.quotes
    assert lower.new_words is None
    assert higher.new_against == "Engineer 1" and higher.new_words


def test_a_level_without_the_area_is_named(harbor, composed) -> None:
    answer = composed(harbor, "compare", "Engineer 1 vs Engineer 2 for mentoring")
    assert [(q.entry.level, q.entry.area) for q in answer.quotes] == [("Engineer 2", "Mentoring")]
    assert (answer.message or "").lower() == "engineer 1 has no mentoring area."
