"""Fixtures of the tests of index/compose: the Harbor framework (helpers.py) answered once a session;
`composer_call`, what the answerer hands a composer for a question; `composed`, which asks a question
and checks that its intent's composer alone made the answer; and `asked_on_multilevel`, which does so
with an intent's question of helpers.ASKED."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from index import Answer, Answerer
from index.compose import COMPOSERS
from tests.index.compose.helpers import ASKED, HARBOR, VOLUNTEERS, shown
from tests.support.frameworks import write_ladders

Call = tuple[Answer, tuple[Any, ...]]  # the answer, and the composer's arguments (asking, query, ranking, plan)


@pytest.fixture(scope="session")
def harbor(open_answerer, tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    return open_answerer(write_ladders(tmp_path_factory.mktemp("harbor") / "content", HARBOR, framework="Harbor"))


@pytest.fixture(scope="session")
def volunteers(open_answerer, tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    return open_answerer(write_ladders(tmp_path_factory.mktemp("volunteers") / "content", VOLUNTEERS))


@pytest.fixture
def composer_call(monkeypatch: pytest.MonkeyPatch) -> Callable[[Answerer, str, str], Call]:
    """Asks `question` of `answerer`: the answer, and the arguments the composer of intent `kind` was
    called with, checked to be its one call."""

    def ask(answerer: Answerer, kind: str, question: str) -> Call:
        calls: list[tuple[Any, ...]] = []
        composer = COMPOSERS[kind]  # type: ignore[index]

        def recording(*args: Any) -> Answer | None:
            calls.append(args)
            return composer(*args)

        monkeypatch.setitem(COMPOSERS, kind, recording)
        try:
            answer = answerer.ask(question)
        finally:
            monkeypatch.undo()
        assert len(calls) == 1, f"{kind}: its composer composes it, once"
        return answer, calls[0]

    return ask


@pytest.fixture
def composed(composer_call: Callable[[Answerer, str, str], Call]) -> Callable[[Answerer, str, str], Answer]:
    """Asks `question` of `answerer` and returns the answer, having checked that the composer of intent
    `kind` made it and, called again on its own with what the answerer handed it, gives the same answer:
    everything a composer reads is the state, the Query, the ranking and the plan, none of it kept in the
    answerer."""

    def ask(answerer: Answerer, kind: str, question: str) -> Answer:
        answer, (asking, query, ranking, plan) = composer_call(answerer, kind, question)
        assert plan.kind == kind and query.intent == kind
        alone = COMPOSERS[kind](asking, query, ranking, plan)  # type: ignore[index]
        assert alone is not None
        same = replace(alone, question=answer.question, context=answer.context, carried=answer.carried)
        assert same.to_json() == answer.to_json()
        return answer

    return ask


@pytest.fixture
def asked_on_multilevel(multilevel_answerer: Answerer, composed: Callable[[Answerer, str, str], Answer]
                        ) -> Callable[[str], None]:
    """Asks the question of intent `kind` in helpers.ASKED on tests/fixtures/multilevel: its composer alone
    gives the answer (`composed`), of the intent and with the words the asker is to see."""

    def ask(kind: str) -> None:
        question, intent, words = ASKED[kind]
        answer = composed(multilevel_answerer, kind, question)
        assert answer.intent == intent and words in shown(answer)

    return ask
