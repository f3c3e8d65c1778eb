"""index/compose/definition.py: a question about what a name means is answered from the craft page's
definitions of it, not from one level's cell (docs/retrieval.md, step 3)."""

from __future__ import annotations

from index import Answerer
from index.compose.definition import definitions_asked
from index.query import asked


def test_a_meaning_question_is_answered_from_the_definitions_alone(multilevel_answerer: Answerer) -> None:
    """"What does delivery mean?" is answered from the craft page's definition of Delivery, not from a level's
    cell (docs/retrieval.md, step 3; index/compose/definition.py), while "what does a level 2 do?" is not."""
    structure = multilevel_answerer.ranker.structure
    answer = multilevel_answerer.ask("what does delivery mean?")
    assert answer.confident
    assert [(q.entry.kind, q.entry.area) for q in answer.quotes] == [("definition", "Delivery")]
    assert asked(structure, "what does delivery mean?").meaning
    assert not asked(structure, "what does a level 2 do?").meaning


def test_the_definitions_asked_are_those_of_the_area_named_and_only_for_a_meaning_question(
        harbor: Answerer, composer_call) -> None:
    answer, (asking, query, _, _) = composer_call(harbor, "lookup", "what does collaboration mean?")
    assert [(q.entry.kind, q.entry.area, q.text) for q in answer.quotes] == [
        ("definition", "Collaboration", "How you work with the people around you.")]
    rows = definitions_asked(asking.state, query)
    entries = asking.state.index.entries
    assert rows is not None and [(entries[i].kind, entries[i].area) for i in rows.nonzero()[0]] == [
        ("definition", "Collaboration")]
    _, (asking, query, _, _) = composer_call(harbor, "lookup", "who joins the on-call rota?")
    assert definitions_asked(asking.state, query) is None
