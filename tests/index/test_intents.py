"""Intents beyond a single lookup: the TODO list, two levels side by side, everything at one level."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from index.answer import Answer, Answerer
from tests.support.frameworks import area_table, page, write_pages


def pairs(answer: Answer) -> list[tuple[str, str]]:
    return [(q.entry.level, q.entry.area) for q in answer.quotes]



@pytest.mark.parametrize("question", ["which areas are still TODO?", "what parts haven't been written yet?"])
def test_todo_list_on_the_seed(seed_answerer: Answerer, question: str) -> None:
    answer = seed_answerer.ask(question)
    assert answer.intent == "todo" and answer.confident
    assert sorted(q.entry.area for q in answer.quotes) == ["Architecture Design", "Technical Strategy"]
    assert all(q.todo and q.text == "" for q in answer.quotes)
    assert answer.message and "Level 1 (Head Of): Architecture Design, Technical Strategy" in answer.message
    assert "TODO" not in answer.message


def test_todo_list_is_grouped_by_level(multilevel_answerer: Answerer) -> None:
    answer = multilevel_answerer.ask("which areas are not filled in yet?")
    assert answer.intent == "todo"
    assert {(q.entry.level, q.entry.area) for q in answer.quotes} == {
        ("Level 1", "Data Ethics"),
        ("Engineer 1", "Site Reliability Engineering (SRE)"),
        ("Senior Engineer 2 (Individual Contributor)", "Hiring"),
    }
    groups = [line for line in (answer.message or "").splitlines() if line.startswith("•")]
    assert len(groups) == 3 and any("Engineer 1" in g and "Site Reliability" in g for g in groups)


def test_todo_list_narrowed_to_a_named_level(multilevel_answerer: Answerer) -> None:
    answer = multilevel_answerer.ask("what is still TODO for Engineer 1?")
    assert answer.intent == "todo"
    assert pairs(answer) == [("Engineer 1", "Site Reliability Engineering (SRE)")]


def test_a_missing_skill_is_not_the_todo_list(seed_answerer: Answerer) -> None:
    assert seed_answerer.ask("what skills am I missing to be a good head of ML?").intent != "todo"


def test_compare_two_levels_for_one_area(multilevel_answerer: Answerer) -> None:
    # The example that started it: "team work" is the area Teamwork, "Senior Engineer 2" names both tracks.
    answer = multilevel_answerer.ask("difference between Senior Engineer 1 and Senior Engineer 2 in team work")
    assert answer.intent == "compare" and answer.confident
    assert {q.entry.area for q in answer.quotes} == {"Teamwork"}
    assert [q.entry.level for q in answer.quotes][0] == "Senior Engineer 1"
    assert {q.entry.level for q in answer.quotes[1:]} == {
        "Senior Engineer 2 (People Manager)",
        "Senior Engineer 2 (Individual Contributor)",
    }
    assert all(q.complete and q.text == q.entry.description for q in answer.quotes)


def test_compare_reads_levels_in_the_order_asked(multilevel_answerer: Answerer) -> None:
    answer = multilevel_answerer.ask("how does delivery change from engineer 2 to engineer 1?")
    assert answer.intent == "compare"
    assert pairs(answer) == [("Engineer 2", "Delivery"), ("Engineer 1", "Delivery")]


def test_compare_on_monzo(monzo_answerer: Answerer) -> None:
    answer = monzo_answerer.ask("compare level 1 and level 2 for communication")
    assert answer.intent == "compare"
    assert pairs(answer) == [("Level 1", "Communication"), ("Level 2", "Communication")]
    assert len({q.entry.craft for q in answer.quotes}) == 1


def test_everything_expected_at_one_level(multilevel_answerer: Answerer) -> None:
    answer = multilevel_answerer.ask("what is expected at level 3?")
    assert answer.intent == "level" and answer.confident
    areas = ["Experimentation", "Modelling", "Stakeholder Management", "Data Ethics"]
    assert [q.entry.area for q in answer.quotes] == areas
    assert {q.entry.level for q in answer.quotes} == {"Level 3"}


def test_level_overview_is_brief(multilevel_answerer: Answerer) -> None:
    answer = multilevel_answerer.ask("what is expected of an Engineer 2?")
    assert answer.intent == "level"
    assert len(answer.quotes) == 5 and {q.entry.level for q in answer.quotes} == {"Engineer 2"}
    # Briefly: the first paragraph of each area, the rest one click away.
    for q in answer.quotes:
        assert q.text == q.entry.paragraphs[0]
        assert q.complete == (len(q.entry.paragraphs) == 1)


def test_level_overview_on_the_seed_flags_unwritten_areas(seed_answerer: Answerer) -> None:
    answer = seed_answerer.ask("what is expected at level 1?")
    assert answer.intent == "level" and len(answer.quotes) == 7
    assert sorted(q.entry.area for q in answer.quotes if q.todo) == ["Architecture Design", "Technical Strategy"]
    assert all(q.text == "" for q in answer.quotes if q.todo)
    assert "2 not written yet" in (answer.message or "")


def test_a_question_with_substance_stays_a_lookup(seed_answerer: Answerer) -> None:
    assert seed_answerer.ask("what does Head of ML own?").intent == "lookup"
    assert seed_answerer.ask("what does level 1 say about cloud costs?").intent == "lookup"


def _level_pages(tmp_path: Path, parent: str, cells: dict[str, dict[str, str]], heading: str = "{title}") -> Path:
    """A page per level under `parent`, each one table of its areas: a framework whose names the code never saw."""
    return write_pages(tmp_path / "content", {
        f"{title.lower().replace(' ', '-')}.md":
            page(f"# {heading.format(title=title)}\n\n## All\n\n{area_table(areas)}", title=title, parent=parent)
        for title, areas in cells.items()})


def test_intents_work_on_a_framework_with_other_names(open_answerer: Callable[..., Answerer], tmp_path: Path) -> None:
    # Names nothing in the code knows: intents come from the content's own structure.
    cells = {"Associate": {"Pruning": "I prune shrubs under supervision.", "Composting": "TBD"},
             "Principal": {"Pruning": "I prune orchards and teach others.",
                           "Composting": "I design the composting system for the estate."}}
    answerer = open_answerer(_level_pages(tmp_path, "Gardening Guild", cells, heading="Gardeners - {title}"))
    compare = answerer.ask("associate vs principal on pruning")
    assert compare.intent == "compare"
    assert [q.entry.level for q in compare.quotes] == ["Associate", "Principal"]
    level = answerer.ask("what is expected of a principal?")
    assert level.intent == "level" and {q.entry.area for q in level.quotes} == {"Pruning", "Composting"}
    todo = answerer.ask("which areas are TBD?")
    assert todo.intent == "todo" and pairs(todo) == [("Associate", "Composting")]


def test_a_gap_a_named_level_should_spot_is_a_lookup_not_the_todo_list(
        open_answerer: Callable[..., Answerer], tmp_path: Path) -> None:
    # docs/retrieval.md step 2, the TODO row: "gaps" asks for unwritten areas only beside a word for the
    # framework's parts; the "level" of "level 3" names who is asked about.
    cells = {"Level 2": {"Delivery": "I ship small features.", "Scouting": "TBD"},
             "Level 3": {"Delivery": "I ship whole projects.",
                         "Scouting": "I spot gaps in the hiking routes and report them to the wardens."}}
    answerer = open_answerer(_level_pages(tmp_path, "Rangers", cells))
    answer = answerer.ask("what kind of gaps should a level 3 ranger be spotting?")
    assert answer.intent == "lookup" and answer.confident
    assert (answer.quotes[0].entry.level, answer.quotes[0].entry.area) == ("Level 3", "Scouting")
    todo = answerer.ask("which areas have gaps?")
    assert todo.intent == "todo" and pairs(todo) == [("Level 2", "Scouting")]
