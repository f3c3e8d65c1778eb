"""A question word that is the initials of words the framework writes out in a row ("SLOs" for "service level
objectives") is found in that text and asks for those words (index/ranking.py `Features.spelt_out`), so the
text it asks about ranks first. On a made-up framework nobody tuned the ranker on."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from index import Answerer
from tests.support.frameworks import Ladder, area_table, write_ladders

CELLS = {
    "Reliability": "Defines service level objectives for the services the team runs and reviews them each "
                   "quarter.",
    "Delivery": "Ships medium-sized features end to end with little guidance.",
    "Communication": "Writes clear design documents and explains trade-offs to product partners.",
    "Mentoring": "Pairs with newer engineers and reviews their pull requests kindly.",
    "Hiring": "Runs technical interviews and writes fair, specific feedback on candidates.",
}


def test_a_question_in_initials_finds_the_text_that_writes_them_out(
        tmp_path: Path, open_answerer: Callable[..., Answerer]) -> None:
    levels = [("Engineer 1", area_table(CELLS)), ("Engineer 2", area_table(CELLS))]
    answerer = open_answerer(write_ladders(tmp_path, {"eng": Ladder("Engineering", levels)}))
    for question in ("what about SLOs?", "do I own SLOs?", "are SLOs part of my job?"):
        answer = answerer.ask(question)
        # Quoted or, below the gate, offered first: never another area for sharing a word with the question
        # ("part" of "product partners" in Communication) while the word it asks about reads as unknown.
        best = (answer.quotes or answer.suggestions)[0]
        assert best.entry.area == "Reliability", question
