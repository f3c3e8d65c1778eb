"""index/compose/checklist.py: a promotion checklist, every area of the target level in page order, each
marked changed, same or new against the current level, with the changed words marked."""

from __future__ import annotations

import pytest

from index.compose import checklist
from tests.index.compose.helpers import kinds_of


@pytest.mark.parametrize("kind", kinds_of(checklist))
def test_the_checklist_composer_alone_gives_the_answer_of_its_intent(kind: str, asked_on_multilevel) -> None:
    asked_on_multilevel(kind)


def test_each_area_of_the_target_level_is_marked_by_how_it_changed(harbor, composed) -> None:
    answer = composed(harbor, "checklist", "how do I get from Engineer 1 to Engineer 2?")
    assert answer.message == ("From Engineer 1 to Engineer 2 (Platform Engineering): 4 area(s); "
                              "2 changed, 1 new, 1 same as Engineer 1.")
    assert answer.checklist is not None
    items = dict(zip([q.entry.area for q in answer.quotes], answer.checklist.changes, strict=True))
    # On-call was TODO at Engineer 1: now written, so changed; Mentoring is no area of Engineer 1.
    assert items == {"Delivery": "changed", "Collaboration": "same", "Mentoring": "new", "On-call": "changed"}
    delivery = answer.quotes[0]
    assert delivery.new_against == "Engineer 1" and delivery.new_words
    marked = "".join(delivery.text[a:b] for a, b in delivery.new_words)
    assert "whole features" in marked and "Ships" not in marked  # the words Engineer 1's cell does not have
    assert answer.quotes[1].new_words is None  # the same text: nothing to mark
