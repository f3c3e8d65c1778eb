"""index/compose/overview.py: everything expected at one level, the first paragraph of each of its areas
in page order ("what is expected at level 3?")."""

from __future__ import annotations

import pytest

from index.compose import overview
from tests.index.compose.helpers import kinds_of


@pytest.mark.parametrize("kind", kinds_of(overview))
def test_the_overview_composer_alone_gives_the_answer_of_its_intent(kind: str, asked_on_multilevel) -> None:
    asked_on_multilevel(kind)


def test_a_level_overview_quotes_each_area_of_the_level_in_page_order(harbor, composed) -> None:
    answer = composed(harbor, "level", "what is expected of an Engineer 2?")
    assert answer.confident and answer.message == "Engineer 2: 4 area(s)."
    assert [(q.entry.level, q.entry.area) for q in answer.quotes] == [
        ("Engineer 2", "Delivery"), ("Engineer 2", "Collaboration"), ("Engineer 2", "Mentoring"),
        ("Engineer 2", "On-call")]


def test_a_level_overview_counts_the_areas_not_written_yet(harbor, composed) -> None:
    answer = composed(harbor, "level", "what is expected at Engineer 1?")
    assert answer.message == "Engineer 1: 3 area(s), 1 not written yet."
    assert [q.entry.area for q in answer.quotes if q.todo] == ["On-call"]
