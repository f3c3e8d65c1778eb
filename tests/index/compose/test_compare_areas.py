"""index/compose/compare_areas.py: two areas compared, both cells at the level the question names, else
the craft page's definitions of both."""

from __future__ import annotations

import pytest

from index.compose import compare_areas
from tests.index.compose.helpers import kinds_of


@pytest.mark.parametrize("kind", kinds_of(compare_areas))
def test_the_area_comparison_composer_alone_gives_the_answer_of_its_intent(kind: str, asked_on_multilevel) -> None:
    asked_on_multilevel(kind)


def test_two_areas_at_a_named_level_are_both_its_cells(harbor, composed) -> None:
    answer = composed(harbor, "compare_areas", "Delivery vs Mentoring at Engineer 3")
    assert answer.confident
    assert [(q.entry.kind, q.entry.level, q.entry.area) for q in answer.quotes] == [
        ("level", "Engineer 3", "Delivery"), ("level", "Engineer 3", "Mentoring")]


def test_two_areas_every_level_has_are_compared_by_the_craft_pages_definitions(harbor, composed) -> None:
    answer = composed(harbor, "compare_areas", "difference between delivery and collaboration?")
    assert [(q.entry.kind, q.entry.area, q.text) for q in answer.quotes] == [
        ("definition", "Delivery", "How you plan, scope and ship work."),
        ("definition", "Collaboration", "How you work with the people around you.")]
