"""One composer per intent (index/compose/; docs/retrieval.md, "Answer"; issue 19 item 4): every intent of
the decision table (index/query.py `ROWS`) is answered by exactly one module of index/compose, and that
module's `compose` alone turns the question model and its ranking into the answer the asker sees."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import replace
from typing import Any, get_args

import pytest

import index.compose
from index import Answer, Answerer
from index.compose import COMPOSERS
from index.intents import IntentKind
from index.query import ROWS, asked

# Questions of each intent on tests/fixtures/multilevel (two crafts, an IC and a manager track, TODO
# cells), with what the asker sees of the answer: its intent and words of its message or of a quoted area.
ASKED: dict[str, tuple[str, str, str]] = {
    "lookup": ("who runs the technical interviews?", "lookup", "Hiring"),
    "level": ("what is expected at level 2?", "level", "Level 2: 4 area(s)."),
    "compare": ("Engineer 1 vs Engineer 2 for delivery", "compare", "Delivery"),
    "compare_areas": ("Experimentation vs Modelling at Level 3", "compare", "Modelling"),
    "levels": ("which levels are there?", "levels", "Levels of each craft, in order:"),
    "next": ("what comes after Engineer 1?", "next", "After Engineer 1 comes Engineer 2."),
    "previous": ("what comes before Level 3?", "previous", "Before Level 3 comes Level 2."),
    "missing_level": ("what is expected at level 9?", "missing_level", "This framework has no Level 9; it has:"),
    "checklist": ("how do I get from Engineer 1 to Engineer 2?", "checklist", "From Engineer 1 to Engineer 2"),
    "todo": ("which areas are not written yet?", "todo", "3 area(s) not written yet:"),
}

# Modules of index/compose that compose no intent of the table: the answer types, what composers share,
# the restriction a meaning question puts on the lookup, and careerfw.yaml's answers made before any Query.
NOT_COMPOSERS = {"answers", "shared", "definition", "redirect"}


def test_each_intent_of_the_decision_table_maps_to_exactly_one_composer_module() -> None:
    kinds = set(get_args(IntentKind))
    assert {row.intent for row in ROWS} == kinds
    assert set(COMPOSERS) == kinds
    modules = {kind: importlib.import_module(composer.__module__) for kind, composer in COMPOSERS.items()}
    for kind, module in modules.items():
        # The composer is its module's one `compose`, in a module of its own under index/compose.
        assert module.__name__.startswith("index.compose."), kind
        assert module.compose is COMPOSERS[kind], kind
    found = {m.name for m in pkgutil.iter_modules(index.compose.__path__)}
    assert {m.__name__.removeprefix("index.compose.") for m in modules.values()} == found - NOT_COMPOSERS
    assert ASKED.keys() == kinds


@pytest.mark.parametrize("kind", sorted(ASKED))
def test_each_composer_alone_gives_the_answer_of_its_intent(
    kind: str, multilevel_answerer: Answerer, monkeypatch: pytest.MonkeyPatch
) -> None:
    question, intent, shown = ASKED[kind]
    calls: list[tuple[Any, ...]] = []
    composer = COMPOSERS[kind]

    def recording(*args: Any) -> Answer | None:
        calls.append(args)
        return composer(*args)

    monkeypatch.setitem(COMPOSERS, kind, recording)
    answer = multilevel_answerer.ask(question)
    assert answer.intent == intent
    assert shown in " | ".join([answer.message or "", *(q.entry.area for q in answer.quotes)])
    assert len(calls) == 1, f"{kind}: its composer composes it, once"
    asking, query, ranking, plan = calls[0]
    assert plan.kind == kind and query.intent == kind
    # Called on its own with what the answerer handed it, the composer gives the same answer: everything it
    # reads is the state, the Query, the ranking and the plan, none of it kept in the answerer.
    monkeypatch.undo()
    alone = COMPOSERS[kind](asking, query, ranking, plan)
    assert alone is not None
    same = replace(alone, question=answer.question, context=answer.context, carried=answer.carried)
    assert same.to_json() == answer.to_json()


def test_a_meaning_question_is_answered_from_the_definitions_alone(multilevel_answerer: Answerer) -> None:
    """"What does delivery mean?" is answered from the craft page's definition of Delivery, not from a level's
    cell (docs/retrieval.md, step 3; index/compose/definition.py), while "what does a level 2 do?" is not."""
    structure = multilevel_answerer.ranker.structure
    answer = multilevel_answerer.ask("what does delivery mean?")
    assert answer.confident
    assert [(q.entry.kind, q.entry.area) for q in answer.quotes] == [("definition", "Delivery")]
    assert asked(structure, "what does delivery mean?").meaning
    assert not asked(structure, "what does a level 2 do?").meaning
