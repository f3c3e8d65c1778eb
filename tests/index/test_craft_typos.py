"""`careerfw check` reports a `parent:` that splits a craft (docs/content.md, "A misspelt parent"):
a near-miss of an existing craft is an error, a lone one-page craft beside big ones a warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from index.checks import craft_typos
from index.parse import load_content

LEVEL = """---
title: Level {n}
parent: {craft}
grand_parent: Acme Framework
nav_order: {n}
---
# {craft} - Level {n}

|Area|Description|
|--|--|
| Delivery | I ship work of size {n}. |
"""


def framework(root: Path, crafts: dict[str, int]) -> Path:
    for craft, levels in crafts.items():
        for n in range(1, levels + 1):
            page = root / craft.lower().replace(" ", "-") / f"level{n}.md"
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(LEVEL.format(n=n, craft=craft), "utf-8")
    return root


def level_page(root: Path, name: str, craft: str, n: int) -> None:
    (root / name).write_text(LEVEL.format(n=n, craft=craft), "utf-8")


def run_check(content: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(["check", "--content", str(content)])
    out = capsys.readouterr()
    return code, [line for line in (out.out + out.err).splitlines() if line]


def test_a_parent_one_edit_from_a_craft_fails_check_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = framework(tmp_path, {"Engineering": 4, "Design": 3})
    level_page(root, "level5.md", "Enginering", 5)
    code, lines = run_check(root, capsys)
    assert code == 1
    assert any(
        line.startswith('level5.md:3: parent "Enginering" is not a craft here but one letter away from '
                        '"Engineering" (4 pages)') and 'correct the spelling to "Engineering"' in line
        for line in lines
    ), lines


def test_two_edits_on_a_long_name_and_case_only_differences_are_caught(tmp_path: Path) -> None:
    root = framework(tmp_path, {"Backend Engineering": 3, "Product Design": 3})
    level_page(root, "a.md", "Backend Enginering", 4)  # one letter dropped
    level_page(root, "b.md", "Backend Engineerign", 5)  # two letters swapped: two edits
    level_page(root, "c.md", "backend engineering", 6)
    problems = craft_typos(load_content(root))
    assert sorted((p.path, p.line, p.severity) for p in problems) == [
        ("a.md", 3, "error"), ("b.md", 3, "error"), ("c.md", 3, "error")
    ]
    assert "differs only in case or spacing" in next(str(p) for p in problems if p.path == "c.md")


def test_short_names_allow_one_edit_only(tmp_path: Path) -> None:
    # On a short name two slips turn one real name into another ("Data" -> "Java"), so only one is taken
    # for a typo (`spelling.slips`); the two-slip page is still a lone one-page craft, hence a warning.
    root = framework(tmp_path, {"Data": 3, "Mobile": 3})
    level_page(root, "one.md", "Dta", 4)
    level_page(root, "two.md", "Mbolie", 4)  # two edits from "Mobile": left alone, but a lone page
    problems = {p.path: p for p in craft_typos(load_content(root))}
    assert problems["one.md"].severity == "error"
    assert problems["two.md"].severity == "warning"


def test_two_swapped_letters_in_a_short_name_are_one_slip(tmp_path: Path) -> None:
    # "Desgin" is "Design" typed fast: one slip, as a question's typo of a name is read, so check names it.
    root = framework(tmp_path, {"Design": 3, "Data": 3})
    level_page(root, "swap.md", "Desgin", 4)
    problems = {p.path: p for p in craft_typos(load_content(root))}
    assert problems["swap.md"].severity == "error"
    assert 'correct the spelling to "Design"' in str(problems["swap.md"])


def test_an_eight_letter_name_two_slips_away_is_not_called_a_typo(tmp_path: Path) -> None:
    # "Datalake" and "Database" differ by two letters: a word under nine letters carries one slip wherever a
    # misspelling is read (a question's names, BM25's words), so check does not tell the admin to rename it;
    # being a lone one-page craft, it is still a warning.
    root = framework(tmp_path, {"Database": 3, "Frontend": 3})
    level_page(root, "lake.md", "Datalake", 1)
    problems = {p.path: p for p in craft_typos(load_content(root))}
    assert problems["lake.md"].severity == "warning"
    assert "correct the spelling" not in str(problems["lake.md"])


def test_a_lone_one_page_craft_is_a_warning_that_passes_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = framework(tmp_path, {"Engineering": 4, "Design": 3})
    level_page(root, "research.md", "Research", 1)
    code, lines = run_check(root, capsys)
    assert code == 0, lines
    assert any(line.startswith('research.md:3: warning: parent "Research" is a craft with only this page')
               for line in lines), lines


def test_real_crafts_of_any_size_are_left_alone(tmp_path: Path) -> None:
    # Small crafts beside each other, and crafts whose names share words, are not typos.
    root = framework(tmp_path, {"Engineering": 2, "Engineering Management": 2, "QA": 1, "ML": 1})
    assert craft_typos(load_content(root)) == []


def test_shipped_and_fixture_frameworks_have_no_split_crafts() -> None:
    repo = Path(__file__).resolve().parents[2]
    for folder in (repo / "content", repo / "tests" / "fixtures" / "multilevel"):
        assert craft_typos(load_content(folder)) == [], folder
