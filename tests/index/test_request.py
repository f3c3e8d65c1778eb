"""Requests: a question already understood, as a choice button carries it (index/request.py,
`Answerer.answer_request`). A choice answers as its question typed out does, without the words being
parsed again; a request naming what the content no longer has is told so."""

from __future__ import annotations

import pytest

from index.answer import GONE, Answer, Answerer
from index.request import Request

# Questions the Monzo framework answers with a choice of crafts, levels or moves.
CHOOSING = (
    "what is expected at level 3?",
    "what comes after level 2?",
    "how do I get promoted from level 2 to level 3",
    "what's the difference between mastery and impact?",
)


def shown(answer: Answer) -> tuple[object, ...]:
    return (answer.intent, answer.confident, answer.message, [(q.entry.id, q.text) for q in answer.quotes],
            [c.label for c in answer.choices], answer.context)


@pytest.mark.parametrize("question", CHOOSING)
def test_a_choice_answers_as_its_question_typed_out(monzo_answerer: Answerer, question: str) -> None:
    choices = monzo_answerer.ask(question).choices
    assert len(choices) > 1
    for choice in choices:
        assert choice.request is not None and choice.question == choice.request.describe()
        pressed = monzo_answerer.answer_request(choice.request)
        assert pressed.question == choice.question
        # What a button giving this answer again ("Share in channel", "Send me this as a DM") carries.
        assert pressed.request == choice.request and pressed.to_json()["request"] == choice.request.to_json()
        assert shown(pressed) == shown(monzo_answerer.ask(choice.question))


def test_a_choice_carries_the_index_names_and_survives_json(monzo_answerer: Answerer) -> None:
    (first, *_) = monzo_answerer.ask("how do I get promoted from level 2 to level 3").choices
    assert first.request == Request("checklist", "Monzo Progression Framework", first.label, ("Level 2", "Level 3"))
    assert Request.from_json(first.to_json()["request"]) == first.request


def test_compare_with_the_next_level_by_request(monzo_answerer: Answerer) -> None:
    request = Request("compare", "Monzo Progression Framework", "Backend Engineering Craft",
                      ("Level 3", "Level 4"), ("Mastery",))
    answer = monzo_answerer.answer_request(request)
    assert answer.confident and answer.intent == "compare"
    assert [(q.entry.level, q.entry.area, q.entry.craft) for q in answer.quotes] == [
        ("Level 3", "Mastery", "Backend Engineering Craft"), ("Level 4", "Mastery", "Backend Engineering Craft")]
    assert shown(answer)[:4] == shown(monzo_answerer.ask(request.describe()))[:4]
    # What a follow-up in the same conversation takes from it, as from the typed comparison.
    assert answer.context is not None and answer.context.level == "Level 4" and answer.context.area == "Mastery"


@pytest.mark.parametrize("request_", [
    Request("level", "Monzo Progression Framework", "Backend Engineering Craft", ("Level 9",)),
    Request("level", "Monzo Progression Framework", "Quantum Engineering Craft", ("Level 3",)),
    Request("checklist", "Another Framework", "Backend Engineering Craft", ("Level 2", "Level 3")),
    Request("compare", "Monzo Progression Framework", "Backend Engineering Craft", ("Level 3", "Level 4"),
            ("Telepathy",)),
])
def test_a_request_for_what_is_no_longer_there_is_told_so(monzo_answerer: Answerer, request_: Request) -> None:
    answer = monzo_answerer.answer_request(request_)
    assert not answer.confident and answer.message == GONE and not answer.quotes


@pytest.mark.parametrize("data", [
    None, "level", [], {}, {"intent": "lookup", "levels": ["Level 3"]},
    {"intent": "level"},  # no level
    {"intent": "level", "levels": "Level 3"},  # not a list
    {"intent": "level", "levels": [3]},
    {"intent": "level", "levels": [" "]},
    {"intent": "checklist", "levels": ["Level 2"]},
    {"intent": "compare", "levels": ["Level 2", "Level 3"]},  # no area
    {"intent": "level", "levels": ["x" * 10_000]},
    {"intent": "level", "levels": ["Level 3"], "craft": {"$ne": 1}},
])
def test_a_damaged_request_is_none(data: object) -> None:
    assert Request.from_json(data) is None
