"""A question that names a level and asks about one thing gets that area; one that only names a level
gets the level overview. On a framework written here, so nothing in the code or the eval sets knows it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from index.answer import Answerer
from tests.support.frameworks import area_table, page, write_pages

# (page title = level, H1 = role, {area: cell}). At Level 2 only Collaboration talks about engineers;
# at Level 3 most areas do, so there the word picks no area out.
LEVELS = [
    ("Level 1", "Platform - Engineer 1", {
        "Incident Response": "Joins the on-call rota with a buddy and follows runbooks during outages.",
        "Code Quality": "Writes tests for every change and fixes review comments promptly.",
        "Collaboration": "Asks teammates for help early when blocked and shares progress at stand-up.",
        "Planning": "Breaks assigned tickets into tasks and estimates them with guidance.",
    }),
    ("Level 2", "Platform - Senior Engineer 1", {
        "Incident Response": "Leads the response to outages on the services the squad owns and writes the postmortem.",
        "Code Quality": "Sets linting and testing conventions for the squad's repositories.",
        "Collaboration": "Pairs with other engineers across squads to unblock shared changes and reviews designs.",
        "Planning": "Shapes quarterly roadmaps into milestones and flags risks to delivery dates.",
    }),
    ("Level 3", "Platform - Staff Engineer", {
        "Incident Response": "Coaches engineers through running major incidents and improves the paging policy.",
        "Code Quality": "Reviews architecture proposals from engineers across the platform group.",
        "Collaboration": "Aligns engineers in several teams around one technical direction.",
        "Planning": "Sets the multi-quarter technical plan for the platform group.",
    }),
]


@pytest.fixture(scope="module")
def platform(open_answerer: Callable[[Path], Answerer], tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    pages = {f"level{n}.md": page(f"# {role}\n\n## Competencies\n\n{area_table(cells)}",
                                  title=title, parent="Platform Craft", nav_order=n)
             for n, (title, role, cells) in enumerate(LEVELS, 1)}
    return open_answerer(write_pages(tmp_path_factory.mktemp("platform-content"), pages))


@pytest.mark.parametrize(
    "question",
    ["how should a level 2 work with other engineers?", "how does a senior engineer 1 work with engineers?"],
)
def test_a_level_question_about_one_topic_gets_that_area(platform: Answerer, question: str) -> None:
    answer = platform.ask(question)
    assert answer.intent == "lookup" and answer.confident, answer.to_json()
    top = answer.quotes[0]
    assert (top.entry.level, top.entry.area) == ("Level 2", "Collaboration")
    assert top.text == LEVELS[1][2]["Collaboration"]


@pytest.mark.parametrize(
    "question, level",
    [
        ("what is expected at level 3?", "Level 3"),
        ("what does a senior engineer 1 do?", "Level 2"),
        ("give me an overview of level 2", "Level 2"),
        ("what are the expectations for a Staff Engineer?", "Level 3"),
        # "engineer" right after the level's name says who is asked about, though Collaboration uses it.
        ("what does a level 2 engineer do?", "Level 2"),
        # At Level 3 most areas talk about engineers: the word picks none of them out.
        ("how should a level 3 work with engineers?", "Level 3"),
    ],
)
def test_a_question_that_only_names_a_level_gets_the_overview(platform: Answerer, question: str, level: str) -> None:
    answer = platform.ask(question)
    assert answer.intent == "level" and answer.confident, answer.to_json()
    assert [q.entry.area for q in answer.quotes] == list(LEVELS[0][2])
    assert {q.entry.level for q in answer.quotes} == {level}
