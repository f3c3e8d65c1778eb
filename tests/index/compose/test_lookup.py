"""index/compose/lookup.py: the best ranked cells, or the nearest areas when the gate is not sure
(docs/retrieval.md, steps 3 and 4)."""

from __future__ import annotations

import pytest

from index.compose import lookup
from index.compose.answers import NO_MATCH, NOT_WRITTEN
from tests.index.compose.helpers import kinds_of


@pytest.mark.parametrize("kind", kinds_of(lookup))
def test_the_lookup_composer_alone_gives_the_answer_of_its_intent(kind: str, asked_on_multilevel) -> None:
    asked_on_multilevel(kind)


def test_a_lookup_quotes_the_cell_that_answers_first_verbatim(harbor, composed) -> None:
    answer = composed(harbor, "lookup", "who joins the on-call rota?")
    assert answer.confident and answer.message is None
    first = answer.quotes[0]
    assert (first.entry.level, first.entry.area) == ("Engineer 2", "On-call")
    assert first.text == "Joins the on-call rota for the services the team owns." and first.complete


def test_a_cell_not_written_yet_is_quoted_empty_and_said_so(harbor, composed) -> None:
    answer = composed(harbor, "lookup", "what is expected for on-call at engineer 1?")
    first = answer.quotes[0]
    assert (first.entry.level, first.entry.area, first.text) == ("Engineer 1", "On-call", "")
    assert answer.todo and answer.message == NOT_WRITTEN


def test_a_question_the_framework_does_not_answer_gets_the_nearest_areas_not_quotes(harbor, composed) -> None:
    answer = composed(harbor, "lookup", "what is the office wifi password?")
    assert not answer.confident and answer.quotes == [] and answer.message == NO_MATCH
    areas = [q.entry.area for q in answer.suggestions]
    assert areas and len(areas) == len(set(areas))  # each area once, not three cells of one area
