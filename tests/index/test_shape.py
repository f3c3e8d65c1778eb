"""`careerfw check --shape`: the framework as the bot reads it, every form shown one that really names its level."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from index.parse import load_content
from index.shape import framework_shape

SHARED = Path(__file__).resolve().parents[3] / "shared" / "frameworks"


def _page(root: Path, name: str, title: str, parent: str, nav: int) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / name).write_text(
        f"---\ntitle: {title}\nparent: {parent}\nnav_order: {nav}\n---\n\n# {title}\n\n"
        f"| Area | Expectation |\n|---|---|\n| Delivery | Ships work of scope {nav}. |\n",
        "utf-8",
    )


def test_check_shape_prints_each_level_with_the_forms_that_name_it(tmp_path: Path, capsys) -> None:
    for n in (1, 2, 3):
        _page(tmp_path, f"m{n}.md", f"Milestone {n}", "Engineering", n)
    assert main(["check", "--shape", "--content", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert '  Milestone 2 ← "milestone 2", "level 2", "l2", "2nd level", "m2"   (m2.md:11)' in out.splitlines()
    assert out.splitlines()[0] == "Engineering"


def test_crafts_of_one_level_each_are_warned_about(tmp_path: Path) -> None:
    _page(tmp_path, "a.md", "Associate", "Design", 1)
    _page(tmp_path, "b.md", "Practitioner", "Desing", 2)
    shape = framework_shape(load_content(tmp_path).entries)
    assert any("have one level each" in w and "Design" in w and "Desing" in w for w in shape.warnings)


def _frameworks() -> list[Path]:
    return sorted(p for p in SHARED.iterdir() if p.is_dir() and any(p.glob("*.md"))) if SHARED.is_dir() else []


@pytest.mark.parametrize("folder", _frameworks(), ids=lambda p: p.name)
def test_every_level_of_every_shared_framework_has_a_form(folder: Path) -> None:
    shape = framework_shape(load_content(folder).entries)
    assert shape.levels
    assert [lv.title for lv in shape.levels if not lv.forms] == []
