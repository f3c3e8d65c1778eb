"""Words as people write them (index/tokens.py): forms of one word are one family, and the word "how"
asks the degree of is no topic."""

from __future__ import annotations

import pytest

from index.tokens import degree_words, same_family, words


@pytest.mark.parametrize("a, b, family", [
    ("lead", "leadership", True), ("leads", "leadership", True), ("communicate", "communication", True),
    ("impactful", "impact", True), ("master", "mastery", True), ("mentoring", "mentorship", True),
    ("community", "communication", False), ("general", "generation", False), ("count", "communication", False),
])
def test_forms_of_one_word_are_one_family(a: str, b: str, family: bool) -> None:
    assert same_family(a, b) is family


@pytest.mark.parametrize("question, degree", [
    ("how good at debugging does an ic4 need to be", {"good"}),
    ("how comfortable with incidents is a senior?", {"comfortable"}),
    ("how technical does a level 5 mobile dev have to be?", set()),  # the topic itself
    ("how engineers grow at level 2", set()),
])
def test_the_word_how_asks_the_degree_of_is_no_topic(question: str, degree: set[str]) -> None:
    ws = words(question)
    assert {ws[i] for i in degree_words(ws)} == degree
