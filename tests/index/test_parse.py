"""The content parser on the seed page and on every kind of messy page real frameworks contain."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.parse import load_content

REPO = Path(__file__).resolve().parents[2]
SEED_PAGE = REPO / "content" / "careerframework" / "mlengineer" / "level1.md"
SHARED_SEED = REPO.parent / "shared" / "seed" / "level1.md"

FRONT = """---
layout: page
title: Level 2
permalink: /fw/craft/level2
nav_order: 2
parent: Test Craft
grand_parent: Test Framework
---
"""
TABLE = "|Area|Description|\n|--|--|\n| Scope | Wide. |\n"


def write(tmp_path: Path, text: str, name: str = "page.md", raw: bytes | None = None) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if raw is not None:
        path.write_bytes(raw)
    else:
        path.write_text(text, encoding="utf-8")
    return tmp_path


def only_page(tmp_path: Path, text: str):
    content = load_content(write(tmp_path, text))
    return content


def test_seed_ships_byte_identical() -> None:
    if not SHARED_SEED.is_file():
        pytest.skip("../shared/seed is not present")
    assert SEED_PAGE.read_bytes() == SHARED_SEED.read_bytes()


def test_seed_page_entries() -> None:
    content = load_content(REPO / "content")
    assert content.problems == []
    entries = content.entries
    assert [e.area for e in entries] == [
        "ML Ops",
        "AI Governance",
        "AI Strategy",
        "Architecture Design",
        "Technical Strategy",
        "Machine Learning and Deep Learning",
        "Edge Computing",
    ]
    assert sorted({e.section for e in entries}) == ["Craft - All", "Craft - Edge ML Engineer", "Craft - ML Engineer"]
    assert [e.area for e in entries if e.todo] == ["Architecture Design", "Technical Strategy"]
    first = entries[0]
    assert first.framework == "Vaarst Career Framework"
    assert first.craft == "ML and Edge ML Engineer Craft"
    assert first.level == "Level 1 (Head Of)"
    assert first.role == "Head of ML and Edge ML - Level 1"
    assert first.area_link == "/careerframework/mlengineer#ml-ops"
    assert first.source == "careerframework/mlengineer/level1.md:16"
    assert first.url("https://fw.example.com/") == "https://fw.example.com/careerframework/mlengineer/level1#ml-ops"
    assert len(first.paragraphs) == 5
    assert first.paragraphs[1].startswith("I architect systems that reduce technical friction")


def test_seed_last_row_with_closing_pipe_after_blank_lines_keeps_its_text() -> None:
    edge = next(e for e in load_content(REPO / "content").entries if e.area == "Edge Computing")
    assert edge.paragraphs == [
        "I may have deep expertise in implementation or principles behind some of the libraries, platforms and "
        "systems relevant to my team's work.",
        "I track the state of art Edge ML developments in areas related to my team’s work and when beneficial, "
        "I incorporate those results into my team’s work. I ensure the quality of Edge ML systems my team "
        "builds. My analysis goes beyond standard metrics, incorporating concerns such as ethics, privacy, bias, "
        "security and maintainability.",
    ]
    assert "|" not in edge.description
    assert edge.source.endswith(":33")


@pytest.mark.parametrize("br", ["<br>", "<br/>", "<br />", "<BR>", "<br><br>", "<br/><br/>", " <br> <br> ",
                                '<br class="gap">', "<br\tstyle=clear:both/>"])
def test_br_variants_become_one_paragraph_break(tmp_path: Path, br: str) -> None:
    content = only_page(tmp_path, FRONT + f"# Role\n\n|Area|Description|\n|--|--|\n| Impact | First.{br}Second. |\n")
    assert content.entries[0].description == "First.\n\nSecond."


def test_bold_and_italic_fragments_read_as_plain_words(tmp_path: Path) -> None:
    page = FRONT + (
        "# Role\n\n## **Key** **B****ehaviors**\n\n|Area|Description|\n|--|--|\n"
        "| **Deli***very* | I *ship* **often** and _safely_. |\n"
    )
    entry = only_page(tmp_path, page).entries[0]
    assert entry.section == "Key Behaviors"
    assert entry.area == "Delivery"
    assert entry.description == "I ship often and safely."


def test_emoji_in_headings(tmp_path: Path) -> None:
    page = FRONT + "# 🚀 Staff Engineer\n\n## 🧭 Craft - Everything ✨\n\n" + TABLE
    entry = only_page(tmp_path, page).entries[0]
    assert entry.role == "🚀 Staff Engineer"
    assert entry.section == "🧭 Craft - Everything ✨"


def test_extra_columns_are_labelled_by_their_headers(tmp_path: Path) -> None:
    page = FRONT + (
        "# Role\n\n|Area|Description|Examples|Evidence|\n|--|--|--|--|\n"
        "| Impact | I deliver. | Shipped X | Design docs |\n"
    )
    entry = only_page(tmp_path, page).entries[0]
    assert entry.description == "I deliver."
    assert entry.columns == {"Examples": "Shipped X", "Evidence": "Design docs"}


def test_level_matrix_table_gives_one_entry_per_level_column(tmp_path: Path) -> None:
    page = FRONT + (
        "# Engineering levels\n\n|Area|Level 1|Level 2|Level 3|\n|--|--|--|--|\n"
        "| Communication | Listens. | Explains. | Persuades. |\n"
    )
    entries = only_page(tmp_path, page).entries
    assert [(e.level, e.description) for e in entries] == [
        ("Level 1", "Listens."),
        ("Level 2", "Explains."),
        ("Level 3", "Persuades."),
    ]


def test_columns_named_by_seniority_words_alone_are_a_level_matrix(tmp_path: Path) -> None:
    # No number in any header: the seniority words of the word table (index/words.tsv) name the levels, as
    # they do in a question ("what does a graduate do?").
    page = FRONT + (
        "# Engineering levels\n\n|Area|Graduate|Mid|Distinguished|\n|--|--|--|--|\n"
        "| Communication | Listens. | Explains. | Persuades. |\n"
    )
    entries = only_page(tmp_path, page).entries
    assert [(e.level, e.description) for e in entries] == [
        ("Graduate", "Listens."),
        ("Mid", "Explains."),
        ("Distinguished", "Persuades."),
    ]


def test_links_inside_cells_keep_their_text(tmp_path: Path) -> None:
    page = FRONT + (
        "# Role\n\n|Area|Description|\n|--|--|\n"
        "| [Mastery](/fw/craft#mastery) | Follows the [style guide](https://example.com/style) closely. |\n"
    )
    entry = only_page(tmp_path, page).entries[0]
    assert entry.area == "Mastery"
    assert entry.area_link == "/fw/craft#mastery"
    assert entry.description == "Follows the style guide closely."
    assert entry.url() == "/fw/craft/level2#mastery"


def test_crlf_line_endings(tmp_path: Path) -> None:
    page = (FRONT + "# Role\n\n|Area|Description|\n|--|--|\n| Impact | A.<br>B. |\n").replace("\n", "\r\n")
    content = load_content(write(tmp_path, "", raw=page.encode("utf-8")))
    assert content.problems == []
    entry = content.entries[0]
    assert entry.level == "Level 2"
    assert entry.description == "A.\n\nB."
    assert entry.source == "page.md:13"


def test_utf8_bom(tmp_path: Path) -> None:
    page = FRONT + "# Role\n\n|Area|Description|\n|--|--|\n| Impact | A. |\n"
    content = load_content(write(tmp_path, "", raw=b"\xef\xbb\xbf" + page.encode("utf-8")))
    assert content.problems == []
    assert content.entries[0].level == "Level 2"
    assert content.entries[0].craft == "Test Craft"


def test_page_without_grand_parent_takes_framework_from_parent_page(tmp_path: Path) -> None:
    write(tmp_path, "---\ntitle: Test Craft\nparent: The Framework\n---\n# Test Craft\n", "craft.md")
    write(tmp_path, FRONT.replace("grand_parent: Test Framework\n", "") + "# Role\n\n|Area|Description|\n|--|--|\n"
          "| Impact | A. |\n", "level2.md")
    entry = load_content(tmp_path).entries[0]
    assert entry.craft == "Test Craft"
    assert entry.framework == "The Framework"


def test_page_without_grand_parent_or_parent_page_still_parses(tmp_path: Path) -> None:
    page = FRONT.replace("grand_parent: Test Framework\n", "") + "# Role\n\n" + TABLE
    entry = only_page(tmp_path, page).entries[0]
    assert entry.craft == "Test Craft"
    assert entry.framework == "Test Craft"


def test_page_with_no_tables_gives_its_prose_as_quotable_text_and_no_problem(tmp_path: Path) -> None:
    write(tmp_path, "---\ntitle: About\n---\n# About this framework\n\nJust prose.\n", "about.md")
    write(tmp_path, FRONT + "# Role\n\n|Area|Description|\n|--|--|\n| Impact | A. |\n", "level.md")
    content = load_content(tmp_path)
    assert content.problems == []
    by_area = {e.area: e for e in content.entries}
    assert set(by_area) == {"About", "Impact"}
    intro = by_area["About"]
    assert (intro.kind, intro.description, intro.source) == ("definition", "Just prose.", "about.md:6")
    assert by_area["Impact"].kind == "level"


def test_level_page_prose_and_bullets_are_that_levels_text(tmp_path: Path) -> None:
    # A level written as headings, paragraphs and bullets instead of tables, under a craft page.
    write(tmp_path, "---\ntitle: Test Craft\nparent: Test Framework\n---\n# Test Craft\n\n## Impact\n\n"
          "What you deliver.\n", "craft.md")
    write(tmp_path, "---\ntitle: Level 2\nparent: Test Craft\ngrand_parent: Test Framework\nnav_order: 2\n---\n"
          "# Level 2\n\nA level 2 works on their own.\n\n## Impact\n\n- Ships features alone.\n"
          "- Fixes their own bugs.\n", "level2.md")
    content = load_content(tmp_path)
    assert content.errors == []
    levels = {e.area: e for e in content.entries if e.kind == "level"}
    assert set(levels) == {"Level 2", "Impact"}
    assert levels["Impact"].paragraphs == ["Ships features alone.", "Fixes their own bugs."]
    assert levels["Impact"].source == "level2.md:11" and levels["Impact"].level == "Level 2"
    assert levels["Level 2"].description == "A level 2 works on their own."
    assert levels["Impact"].craft == "Test Craft" and levels["Impact"].nav_order == 2
    definition = next(e for e in content.entries if e.kind == "definition")
    assert (definition.area, definition.description) == ("Impact", "What you deliver.")


def test_markdown_without_front_matter_is_not_a_page(tmp_path: Path) -> None:
    write(tmp_path, FRONT + "# Role\n\n|Area|Description|\n|--|--|\n| Impact | A. |\n", "level.md")
    write(tmp_path, "# Source\n\n- Converted from somewhere, under some licence.\n", "SOURCE.md")
    write(tmp_path, "# Lost its front matter\n\n|Area|Description|\n|--|--|\n| Scope | B. |\n", "level3.md")
    content = load_content(tmp_path)
    assert [e.area for e in content.entries] == ["Impact"]
    # Silent for a plain file; a warning where a framework table shows a page lost its front matter.
    assert [str(p) for p in content.problems] == [
        "level3.md:1: no front matter: Jekyll publishes it as a plain file, not a page; skipped"
    ]
    assert content.errors == []


def test_craft_page_headings_with_prose_become_definition_entries(tmp_path: Path) -> None:
    write(tmp_path, "---\ntitle: Test Craft\nparent: Test Framework\npermalink: /fw/craft\n---\n# Test Craft\n\n"
          "## Impact\n\nThe scale of what you deliver.\n\n## Mastery\n\n", "craft.md")
    content = load_content(tmp_path)
    [definition] = content.entries
    assert definition.kind == "definition"
    assert definition.area == "Impact"
    assert definition.description == "The scale of what you deliver."
    assert definition.craft == "Test Craft"
    assert definition.framework == "Test Framework"
    assert definition.source == "craft.md:8"


@pytest.mark.parametrize("placeholder", ["TODO", "TBD", "todo.", "", " "])
def test_placeholder_descriptions_are_todo(tmp_path: Path, placeholder: str) -> None:
    page = FRONT + f"# Role\n\n|Area|Description|\n|--|--|\n| Impact |{placeholder}|\n| Scope | Real text. |\n"
    entries = only_page(tmp_path, page).entries
    assert [e.todo for e in entries] == [True, False]


def test_monzo_framework_parses_cleanly(monzo_dir: Path) -> None:
    content = load_content(monzo_dir)
    assert content.problems == []
    crafts = {e.craft for e in content.entries}
    assert crafts == {
        "Backend Engineering Craft",
        "Data Engineering Craft",
        "Mobile Engineering Craft",
        "Web Engineering Craft",
    }
    assert {e.level for e in content.entries} == {f"Level {n}" for n in range(1, 7)}
    assert {e.framework for e in content.entries} == {"Monzo Progression Framework"}
    for entry in content.entries:
        assert entry.description and "<br" not in entry.description


def test_every_layout_builds_its_entries_through_the_page(tmp_path: Path) -> None:
    """Prose, table and comparison entries are made by one helper (Page.entry), so a field an entry gains is
    filled the same way for every layout; each still carries its page's role, permalink and line."""
    import ast

    import index.parse

    tree = ast.parse(Path(index.parse.__file__).read_text("utf-8"))
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
             and n.func.id == "Entry"]
    assert len(calls) == 1
    page = FRONT + ("# Role two\n\nWhat level 2 means.\n\n|Area|Description|\n|--|--|\n| Scope | Wide. |\n\n"
                    "## Tracks\n\n| Individual contributor | Manager |\n|--|--|\n"
                    "| You write the code that ships each week. | You hire the people who write it. |\n")
    entries = only_page(tmp_path, page).entries
    assert {e.layout for e in entries} == {"prose", "cell", "comparison"}
    assert {(e.role, e.permalink) for e in entries} == {("Role two", "/fw/craft/level2")}
    assert sorted(e.source for e in entries) == ["page.md:11", "page.md:15", "page.md:21", "page.md:21"]


def test_a_row_is_counted_as_markdown_it_splits_it(tmp_path: Path) -> None:
    """A pipe inside a code span still splits a GFM cell, so the row's text is cut there: the warning says
    so, counted the way the parser that made the entries counts (an escaped pipe does not split)."""
    page = FRONT + "|Area|Description|\n|--|--|\n| Tooling | Runs `make test | tee log`. |\n| Craft | Uses a \\| b. |\n"
    content = only_page(tmp_path, page)
    assert [e.description for e in content.entries] == ["Runs `make test", "Uses a | b."]
    warnings = [str(p) for p in content.problems]
    assert warnings == ["page.md:11: table row has 3 cells but the header has 2"]


def test_any_run_of_spaces_in_a_cell_is_one_space(tmp_path: Path) -> None:
    """Padding written as non-breaking spaces (`&nbsp;`, or the character itself) is spacing, not words: the
    quote reads one space, as it does for a run of ordinary spaces."""
    page = FRONT + "|Area|Description|\n|--|--|\n| Scope | Wide&nbsp;&nbsp; reach,\u00a0across teams. |\n"
    assert only_page(tmp_path, page).entries[0].description == "Wide reach, across teams."


def test_a_page_with_nothing_but_its_title_is_warned_about(tmp_path: Path) -> None:
    """A level page not written yet ("# Level 3" and nothing more) is no level and quoted nowhere, so the bot says
    the framework has no Level 3: check says why, at the file, and the rest still builds."""
    write(tmp_path, FRONT + "\n# Level 2\n\n" + TABLE, "level2.md")
    write(tmp_path, FRONT.replace("Level 2", "Level 3").replace("level2", "level3") + "\n# Level 3\n", "level3.md")
    content = load_content(tmp_path)
    assert not content.errors
    assert [(str(p), p.severity) for p in content.problems] == [(
        'level3.md:1: "Level 3" has no text below its title: it is quoted nowhere and is no level; write '
        "its text (an area whose text is TODO is listed as unwritten)", "warning")]
    assert {e.level for e in content.entries} == {"Level 2"}


def test_a_sub_section_knows_the_section_over_it_only_when_that_section_has_text(tmp_path: Path) -> None:
    # Entry.under: "How absence is counted" is part of "Leave of absence", whose own text it goes on from; a
    # heading with no text of its own ("## Policies") is a heading over several topics, no one topic.
    page = FRONT.replace("title: Level 2", "title: Club Rules").replace("nav_order: 2\n", "") + (
        "# Club Rules\n\n## Leave of absence\n\nMembers may step away.\n\n### How absence is counted\n\n"
        "After 90 days without a change.\n\n## Policies\n\n### Conduct\n\nBe kind.\n")
    under = {e.area: e.under for e in only_page(tmp_path, page).entries}
    assert under == {"Leave of absence": "", "How absence is counted": "Leave of absence", "Conduct": ""}
