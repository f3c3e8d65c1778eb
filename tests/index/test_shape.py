"""`careerfw check --shape`: the framework as the bot reads it, every form shown one that really names its level."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from index.parse import load_content
from index.shape import framework_shape
from tests.support.shared import shared_frameworks


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
    assert ('  Milestone 2 ← "milestone 2", "level 2", "l2", "2nd level", "level ii", "m2", "milestone ii"   (m2.md:11)'
            in out.splitlines())
    assert out.splitlines()[0] == "Engineering"


def test_crafts_of_one_level_each_are_warned_about(tmp_path: Path) -> None:
    _page(tmp_path, "a.md", "Associate", "Design", 1)
    _page(tmp_path, "b.md", "Practitioner", "Desing", 2)
    shape = framework_shape(load_content(tmp_path).entries)
    assert any("have one level each" in w and "Design" in w and "Desing" in w for w in shape.warnings)


def test_check_shape_names_a_parent_one_letter_from_a_craft(tmp_path: Path, capsys) -> None:
    for n in (1, 2, 3):
        _page(tmp_path, f"m{n}.md", f"Milestone {n}", "Engineering", n)
    _page(tmp_path, "m4.md", "Milestone 4", "Enginering", 4)
    assert main(["check", "--shape", "--content", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "Enginering\n  Milestone 4 ←" in out  # the shape shows the stray craft as read
    assert 'm4.md:3: parent "Enginering" is not a craft here but one letter away from "Engineering"' in out


def test_a_level_no_form_reaches_is_warned_about(tmp_path: Path) -> None:
    _page(tmp_path, "a.md", "1", "Engineering", 1)
    _page(tmp_path, "b.md", "2", "Engineering", 2)
    shape = framework_shape(load_content(tmp_path).entries)
    assert [lv.forms for lv in shape.levels] == [[], []]
    assert [w.split("): ")[0] for w in shape.warnings] == ["Engineering › 1 (a.md:11", "Engineering › 2 (b.md:11"]
    assert "no form of a question names this level" in shape.warnings[0]


def test_a_level_page_left_off_the_ladder_is_warned_about(tmp_path: Path) -> None:
    _page(tmp_path, "a.md", "I", "Engineering", 1)
    _page(tmp_path, "b.md", "II", "Engineering", 2)
    shape = framework_shape(load_content(tmp_path).entries)
    assert any(w.startswith("Engineering › I (a.md:11): read as a page about every level") for w in shape.warnings)


def _axes_pages(root: Path, bullets: str) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "eng.md").write_text("---\ntitle: Engineering\nparent: Ladder\n---\n\n# Engineering\n\n"
                                 "## Scope\n\n- Task\n- Feature\n- Product\n", "utf-8")
    (root / "e1.md").write_text(f"---\ntitle: Engineer 1\nparent: Engineering\ngrand_parent: Ladder\n---\n\n"
                                f"# Engineer 1\n\n{bullets}", "utf-8")


def test_check_shape_shows_axes_and_entry_kinds(tmp_path: Path, capsys) -> None:
    _axes_pages(tmp_path, "- Finishes each task.\n- Keeps notes.\n\n**Can I skip it?**\n\nNo.\n")
    assert main(["check", "--shape", "--content", str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "axis Scope: Task → Feature → Product" in out
    assert "entries: 2 bullet, 1 faq, 1 definition" in out
    assert not any(line.startswith("warning:") for line in out)


def test_an_axis_no_level_uses_is_warned_about(tmp_path: Path) -> None:
    _axes_pages(tmp_path, "- Keeps notes.\n- Answers questions.\n")
    shape = framework_shape(load_content(tmp_path).entries, load_content(tmp_path).axes)
    assert shape.warnings == ['the axis "Scope" has steps (Task, Feature, Product) that no level\'s text names; '
                              "its bullets are filed under their headings instead"]


def test_sub_levels_written_as_headings_are_shown_apart(tmp_path: Path, capsys) -> None:
    (tmp_path / "eng.md").write_text("---\ntitle: Engineering\nparent: Ladder\n---\n\n# Engineering\n", "utf-8")
    (tmp_path / "s.md").write_text(
        "---\ntitle: Senior Engineer\nparent: Engineering\ngrand_parent: Ladder\n---\n\n# Senior Engineer\n\n"
        "## Senior Engineer I\n\nLeads small projects.\n\n## Senior Engineer II\n\nLeads large projects.\n", "utf-8")
    assert main(["check", "--shape", "--content", str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    one = next(line for line in out if line.startswith("  Senior Engineer I ←"))
    two = next(line for line in out if line.startswith("  Senior Engineer II ←"))
    assert '"senior engineer 1"' in one and one.endswith("(s.md:9)")
    assert '"senior engineer 2"' in two and '"level ii"' in two and two.endswith("(s.md:13)")


def test_check_shape_shows_tiers_apart_from_levels(tmp_path: Path, capsys) -> None:
    """A competency x tier matrix whose tiers are defined as an axis: the tiers are listed as a scale, never as
    levels, and the axis is not warned about as one no level uses."""
    for n in (1, 2):
        _page(tmp_path, f"m{n}.md", f"Milestone {n}", "Engineering", n)
    (tmp_path / "scale.md").write_text(
        "---\ntitle: Skill scale\nparent: Ladder\n---\n\n# Skill scale\n\n## Proficiency\n\n- Awareness\n- Working\n"
        "- Expert\n\n## Skills\n\n| Skill | Awareness | Working | Expert |\n|---|---|---|---|\n"
        "| Testing | Knows tests exist. | Writes tests. | Sets how teams test. |\n", "utf-8")
    assert main(["check", "--shape", "--content", str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "tiers (a skill scale, never a level): Awareness → Working → Expert" in out
    assert "entries: 2 cell, 1 definition, 3 tier" in out
    assert [line.split(" ←")[0].strip() for line in out if " ← " in line] == ["Milestone 1", "Milestone 2"]
    assert not any(line.startswith("warning:") for line in out)


REPO = Path(__file__).resolve().parents[2]


def _own_frameworks() -> list[Path]:
    """The frameworks in this repository: the seed, the example and every test fixture with pages."""
    fixtures = sorted(p for p in (REPO / "tests" / "fixtures").iterdir() if p.is_dir() and any(p.rglob("*.md")))
    return [REPO / "content", REPO / "examples" / "harbour", *fixtures]


def _assert_every_level_named(folder: Path) -> None:
    content = load_content(folder)
    shape = framework_shape(content.entries, content.axes)
    assert shape.levels
    assert [lv.title for lv in shape.levels if not lv.forms] == []
    assert not [w for w in shape.warnings if "no form" in w or "left off" in w or "every level" in w]
    assert not {lv.title for lv in shape.levels} & set(shape.tiers)


@pytest.mark.parametrize("folder", shared_frameworks(), ids=lambda p: p.name)
def test_every_level_of_every_shared_framework_has_a_form(folder: Path) -> None:
    # ../shared sits beside the clone in CI; without it the parameter set is empty and pytest skips this.
    _assert_every_level_named(folder)


@pytest.mark.parametrize("folder", _own_frameworks(), ids=lambda p: p.name)
def test_every_level_of_every_framework_in_the_repository_has_a_form(folder: Path) -> None:
    _assert_every_level_named(folder)


def test_check_shape_shows_the_names_a_title_is_written_as_and_their_initials(tmp_path: Path, capsys) -> None:
    """A title written "Misc: Tech Lead" is named "tech lead" and, in capitals, "TL" (docs/retrieval.md step 2):
    the shape lists those forms, each one a question really names the level by."""
    for n in (1, 2):
        _page(tmp_path, f"e{n}.md", f"Engineer {n}", "Engineering", n)
    (tmp_path / "tl.md").write_text(
        '---\ntitle: "Misc: Tech Lead"\nparent: Engineering\nnav_order: 3\n---\n\n# Misc: Tech Lead\n\n'
        "| Area | Expectation |\n|---|---|\n| Delivery | Leads one project and answers for what it delivers. |\n",
        "utf-8")
    assert main(["check", "--shape", "--content", str(tmp_path)]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("  Misc: Tech Lead ←"))
    assert '"tech lead"' in line and '"TL"' in line, line


def test_check_shape_does_not_offer_initials_that_name_two_levels(tmp_path: Path, capsys) -> None:
    """"SE" is the initials of Senior Engineer and of Staff Engineer: a question saying it names both, so the
    shape lists it as a form of neither, while "TL", one title's, is still listed."""
    for n, title in enumerate(("Engineer", "Senior Engineer", "Staff Engineer", "Tech Lead"), start=1):
        _page(tmp_path, f"e{n}.md", title, "Engineering", n)
    assert main(["check", "--shape", "--content", str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    for title in ("Senior Engineer", "Staff Engineer"):
        line = next(x for x in out if x.startswith(f"  {title} ←"))
        assert f'"{title.lower()}"' in line and '"SE"' not in line, line
    assert '"TL"' in next(x for x in out if x.startswith("  Tech Lead ←"))
