"""Prompts made from the content (bot/prompts.py): real names, the framework's own level order (the
core's LevelOrder), a TODO question only when something is TODO, and no prompts for a framework with
no levels."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.prompts import MAX_SLACK_PROMPTS, PLAIN_EXAMPLE, central_areas, help_example, suggested_prompts
from bot.view import next_level_request
from index.levelorder import LevelOrder
from index.parse import load_content
from index.request import Request
from tests.support.frameworks import Ladder, write_ladders

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEED = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture(scope="module")
def multilevel():
    return load_content(FIXTURES / "multilevel").entries


CRAFT = "Software Engineering Craft"  # the fixture's craft with the most levels
ORDER = ["Engineer 1", "Engineer 2", "Senior Engineer 1", "Senior Engineer 2 (People Manager)",
         "Senior Engineer 2 (Individual Contributor)"]  # nav_order 1-5, whatever the titles say


def test_prompts_name_real_levels_areas_and_compare_the_first_two_levels(multilevel) -> None:
    assert [lv.title for lv in LevelOrder(multilevel).levels(CRAFT)] == ORDER
    todo = [e for e in multilevel if e.todo]
    prompts = suggested_prompts(multilevel, todo)
    assert len(prompts) == MAX_SLACK_PROMPTS
    first, second = ORDER[:2]
    area = central_areas(multilevel, CRAFT, ORDER)[0]
    assert area in {e.area for e in multilevel if e.craft == CRAFT}
    level_q, area_q, compare_q, todo_q = (p.message for p in prompts)
    assert first in level_q
    assert area in area_q and second in area_q
    assert first in compare_q and second in compare_q and area in compare_q
    assert "not written" in todo_q
    assert all(p.title.strip() for p in prompts)
    assert suggested_prompts(multilevel, todo) == prompts  # the same content, the same prompts
    assert suggested_prompts(multilevel, todo, order=LevelOrder(multilevel)) == prompts


def test_no_todo_question_when_nothing_is_todo(multilevel) -> None:
    prompts = suggested_prompts(multilevel, [])
    assert len(prompts) == 3 and not any("not written" in p.message for p in prompts)


def test_one_level_frameworks_compare_two_areas_instead() -> None:
    entries = load_content(SEED).entries
    levels = {e.level for e in entries if e.kind == "level"}
    assert len(levels) == 1
    prompts = suggested_prompts(entries, [e for e in entries if e.todo])
    compare = [p.message for p in prompts if "difference" in p.message]
    assert len(compare) == 1
    assert sum(area in compare[0] for area in {e.area for e in entries}) == 2


def test_an_area_written_at_more_levels_is_more_central(multilevel) -> None:
    areas = central_areas(multilevel, CRAFT, ORDER)
    cells = {a: len({e.level for e in multilevel if e.craft == CRAFT and e.area == a and not e.todo}) for a in areas}
    assert [cells[a] for a in areas] == sorted(cells.values(), reverse=True)


def test_compare_with_the_next_level_names_the_level_above(multilevel) -> None:
    """bot/view.py: "Compare with the next level" asks for the same area one level up, by the index's names."""
    order = LevelOrder(multilevel)
    cell = next(e for e in multilevel if e.level == "Engineer 1" and e.kind == "level")
    assert next_level_request(cell, order) == Request("compare", cell.framework, cell.craft,
                                                      ("Engineer 1", "Engineer 2"), (cell.area,))
    top = next(e for e in multilevel if e.level == "Senior Engineer 2 (Individual Contributor)")
    assert next_level_request(top, order) is None
    assert next_level_request(replace(cell, kind="definition"), order) is None


def test_no_levels_no_prompts() -> None:
    assert suggested_prompts([], []) == []


@pytest.mark.parametrize("limit", [32, 24])
def test_prompt_starters_fit_the_title_limit_and_use_real_names(multilevel, limit: int) -> None:
    from bot.prompts import prompt_starters

    starters = prompt_starters(multilevel, limit=10, title_limit=limit)
    assert starters and all(0 < len(s.title) <= limit and s.message for s in starters)
    assert len({s.title for s in starters}) == len(starters)
    levels = {e.level for e in multilevel if e.kind == "level"}
    assert any(level in s.title for s in starters for level in levels)


def test_the_help_example_asks_about_this_frameworks_top_level_and_an_area_it_writes(multilevel) -> None:
    example = help_example(multilevel)
    top = ORDER[-1]
    written = {e.area for e in multilevel if e.craft == CRAFT and e.level == top and not e.todo}
    assert top in example and any(area in example for area in written), example
    assert "Head of ML" not in example  # the seed's level, which this framework does not have
    assert help_example(multilevel, LevelOrder(multilevel)) == example  # deterministic


def test_the_help_example_falls_back_without_areas_or_levels(multilevel, tmp_path: Path) -> None:
    prose = write_ladders(tmp_path, {"eng": Ladder("Engineering", [("Band 1", "Writes code that works.\n"),
                                                                   ("Band 2", "Leads a team of people.\n")])})
    assert help_example(load_content(prose).entries) == "what is expected at Band 2?"  # no areas: the level
    no_levels = [replace(e, kind="definition") for e in multilevel]
    example = help_example(no_levels)
    assert not any(level in example for level in ORDER) and example.startswith("what does the framework say about")
    assert help_example([]) == PLAIN_EXAMPLE
