"""A question naming an area by another form of its word ("communicate" for Communication) ranks that area's
entry first, though another area's text reads closer to the question. Such a name is no constraint
(index/search.py `named_areas`), so only the features keep it: it is marked `area_partial`, as a part of the
name is (index/ranking.py `_named`), not the exact names' `area_match`, whose weight the fit trades against
the wider areas' `area_partial` (issue 19)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from index.answer import Answerer
from tests.support.frameworks import Ladder, area_table, write_ladders


def _level(communication: str, leadership: str) -> str:
    return area_table({
        "Communication": communication,
        "Leadership": leadership,
        "Delivery": "Ships small changes to the rota app every week and keeps the backlog tidy",
    })


# Made up: a volunteer rota whose Leadership cells speak of talking to people, as Communication's do.
ROTA = {
    "rota": Ladder("Lifeboat Rota", [
        ("Trainee", _level(
            "Gives useful feedback to the people around them; writes clear handover notes",
            "Talks to the shore team at the right level of detail and keeps the whole crew informed and working "
            "together")),
        ("Crew", _level(
            "Explains the state of a launch to the coastguard in plain words; listens before answering",
            "Brings the whole crew together, speaks up for the station and guides the trainees in how they talk")),
    ]),
}


@pytest.fixture(scope="module")
def rota(open_answerer: Callable[..., Answerer], tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    return open_answerer(write_ladders(tmp_path_factory.mktemp("rota"), ROTA))


@pytest.mark.parametrize("question, level", [
    ("how should a crew member communicate?", "Crew"),
    ("how should a trainee communicate?", "Trainee"),
])
def test_an_area_named_by_another_form_of_its_word_is_quoted_first(rota: Answerer, question: str,
                                                                   level: str) -> None:
    # "communicate" names Communication; the Leadership cell beside it talks of talking too, and a follow-up
    # carries whichever area is quoted first.
    answer = rota.ask(question)
    assert answer.confident and answer.quotes, answer
    first = answer.quotes[0]
    assert (first.entry.level, first.entry.area) == (level, "Communication"), answer.quotes[:2]
