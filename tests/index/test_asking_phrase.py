"""A phrase of two asking words ("look like") is no topic of the question (index/tokens.py `asked_pairs`,
docs/retrieval.md step 3, *Phrases*): asked on a framework made up for the test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from index.answer import Answerer
from tests.support.frameworks import Ladder, area_table, write_ladders

_LEVELS = {
    1: ("Delivers small well-defined tasks with help.",
        "Shadows interviews and onboarding sessions.",
        "Applies the team's practices to their own tasks."),
    2: ("Delivers large well-defined tasks and breaks problems into smaller steps.",
        "Onboards and mentors new engineers, and finds learning opportunities for others in code review.",
        "Knows what a good enough solution would look like for the analysis at hand, and picks the right "
        "tool for it."),
    3: ("Delivers projects across several teams.",
        "Coaches mentors and grows the people around them.",
        "Sets the practices others follow and improves them."),
}


@pytest.fixture(scope="module")
def acme(open_answerer: Callable[[Path], Answerer], tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    levels = [(f"Level {n}", area_table({"Impact": impact, "Leadership": leadership, "Mastery": mastery}))
              for n, (impact, leadership, mastery) in _LEVELS.items()]
    content = tmp_path_factory.mktemp("asking-phrase") / "content"
    return open_answerer(write_ladders(content, {"engineering": Ladder("Engineering", levels)}, framework=None,
                                       file="level-{n}.md", slug="level-{n}"))


def test_what_a_topic_looks_like_is_answered_by_the_topic_not_by_text_that_says_look_like(acme: Answerer) -> None:
    # "look like" is how the question asks; Mastery's text happens to say "would look like", Leadership's is
    # the one about mentoring.
    answer = acme.ask("what does mentoring look like at level 2?")
    assert answer.confident and answer.quotes
    assert (answer.quotes[0].entry.area, answer.quotes[0].entry.level) == ("Leadership", "Level 2")
