"""Layouts other than a level x area table, on small made-up frameworks written here."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from index.answer import Answerer
from index.levelorder import LevelOrder
from index.parse import load_content


def _page(root: Path, name: str, front: str, body: str) -> None:
    (root / name).write_text(f"---\n{front}\n---\n\n{body}", "utf-8")


def _skills_framework(root: Path) -> None:
    fw = "grand_parent: Capability Framework"
    _page(root, "analyst.md", f"title: Analyst\nparent: Data roles\n{fw}\nnav_order: 1",
          "# Analyst\n\nAn analyst turns questions from the business into numbers people trust.\n\n"
          "| Skill | Description | Skill level |\n|---|---|---|\n"
          "| Modelling | You can build simple models. | Working |\n"
          "| Ethics | You can spot consent issues. | Awareness |\n")
    _page(root, "lead.md", f"title: Lead analyst\nparent: Data roles\n{fw}\nnav_order: 2",
          "# Lead analyst\n\nA lead analyst sets the direction of analysis across several teams.\n\n"
          "| Skill | Description | Skill level |\n|---|---|---|\n"
          "| Modelling | You can review the models of others. | Expert |\n"
          "| Ethics | You can run ethics reviews. | Working |\n")
    for n, tier in enumerate(("Awareness", "Working", "Expert"), start=1):
        _page(root, f"skills-{tier.lower()}.md", f"title: {tier}\nparent: Skills\n{fw}\nnav_order: {n}",
              f"# {tier}\n\n| Skill | Description |\n|---|---|\n"
              f"| Modelling | At {tier.lower()} you handle models of grade g{n}. |\n"
              f"| Ethics | At {tier.lower()} you handle consent questions of grade e{n}. |\n")


def test_a_page_other_pages_name_as_a_skill_level_is_a_tier_not_a_job_level(tmp_path: Path) -> None:
    _skills_framework(tmp_path)
    content = load_content(tmp_path)
    tiers = [e for e in content.entries if e.kind == "tier"]
    assert {e.section for e in tiers} == {"Awareness", "Working", "Expert"}
    assert all(not e.level for e in tiers)
    # The job ladder is the roles alone: "which levels are there?" lists no tier.
    ladders = [[lv.title for lv in ladder] for ladder in LevelOrder(content.entries).by_craft()]
    assert ladders == [["Analyst", "Lead analyst"]]


def test_a_tier_is_still_quoted_and_a_level_overview_leads_with_its_introduction(
        tmp_path: Path, open_answerer: Callable[[Path], Answerer]) -> None:
    _skills_framework(tmp_path)
    answerer = open_answerer(tmp_path)
    tier = answerer.ask("what does expert modelling look like?")
    assert tier.confident and "models of grade g3" in tier.quotes[0].text
    overview = answerer.ask("what is expected of a lead analyst?")
    assert overview.intent == "level"
    assert overview.quotes[0].text.startswith("A lead analyst sets the direction")
    levels = answerer.ask("which levels are there?")
    assert [lv.title for lv in levels.levels] == ["Analyst", "Lead analyst"]


# --- entry kinds by layout -------------------------------------------------------------------------------------

_FW = "grand_parent: Widget Ladder"


def _craft(root: Path, body: str = "# Engineering\n\nHow engineers grow here.\n") -> None:
    _page(root, "engineering.md", "title: Engineering\nparent: Widget Ladder\nnav_order: 1", body)


def _axes_framework(root: Path) -> None:
    _craft(root, "# Engineering\n\n## Scope\n\n- Task: one piece of work\n- Feature\n- Whole product\n\n"
                 "## Influence\n\n- Self\n- Team: the people you work with daily\n- Organisation\n")
    _page(root, "e1.md", f"title: Engineer One\nparent: Engineering\n{_FW}\nnav_order: 1",
          "# Engineer One\n\n_Learning the ropes._\n\nAt this level you will:\n\n"
          "- Finish each task you pick up with help.\n- Ask your team for review early.\n\n"
          "_**Experience**: Usually none required._\n")
    _page(root, "e2.md", f"title: Engineer Two\nparent: Engineering\n{_FW}\nnav_order: 2",
          "# Engineer Two\n\n- Ships a feature from design to release.\n- Helps the organisation hire.\n"
          "- Keeps a tidy desk.\n\n_**Experience**: Usually 3 years._\n")


def test_a_label_of_a_few_capitalised_words_and_a_colon_is_its_own_entry(tmp_path: Path) -> None:
    # A label is what entry.is_label says everywhere (a few capitalised words), before a colon as alone.
    _axes_framework(tmp_path)
    _page(tmp_path, "e3.md", f"title: Engineer Three\nparent: Engineering\n{_FW}\nnav_order: 3",
          "# Engineer Three\n\n- Ships a whole product.\n- Grows the organisation.\n\n"
          "_**Time In Each Role**: Usually 2 years._\n")
    three = {e.description: e for e in load_content(tmp_path).entries if e.level == "Engineer Three"}
    assert three["Time In Each Role: Usually 2 years."].area == "Time In Each Role"


def test_bullets_naming_an_axis_step_are_entries_of_that_axis(tmp_path: Path) -> None:
    _axes_framework(tmp_path)
    content = load_content(tmp_path)
    assert content.axes == {"Scope": ["Task", "Feature", "Whole product"],
                            "Influence": ["Self", "Team", "Organisation"]}
    two = {e.description: e for e in content.entries if e.level == "Engineer Two"}
    assert two["Ships a feature from design to release."].area == "Scope"
    assert two["Helps the organisation hire."].area == "Influence"
    # A bullet that names no step keeps its heading's area, and is still an entry of its own.
    assert two["Keeps a tidy desk."].area == "Engineer Two"
    assert {two[t].entry_kind for t in ("Ships a feature from design to release.", "Keeps a tidy desk.")} == {"bullet"}
    assert two["Experience: Usually 3 years."].area == "Experience"
    one = [e for e in content.entries if e.level == "Engineer One"]
    # The lead-in ("At this level you will:") introduces the bullets: no entry holds it.
    assert not any("At this level you will" in e.description for e in one)
    assert [e.description for e in one if e.area == "Engineer One"] == ["Learning the ropes."]
    assert len({e.id for e in content.entries}) == len(content.entries)


def test_a_list_under_an_area_the_framework_defines_stays_that_areas(tmp_path: Path) -> None:
    """A level's bullets under a competency the craft page defines ("## Delivery") are that competency's, though
    one happens to name a step of an axis ("a feature" of Scope); a list under a heading the framework does not
    define (a page's "At a glance") is still read step by step."""
    _craft(tmp_path, "# Engineering\n\n## Scope\n\n- Task\n- Feature\n- Whole product\n\n"
                     "## Delivery\n\nHow work reaches users.\n")
    _page(tmp_path, "e2.md", f"title: Engineer Two\nparent: Engineering\n{_FW}\nnav_order: 2",
          "# Engineer Two\n\n## At a glance\n\n- Scope: Feature\n\n## Delivery\n\n"
          "- Releases each feature behind a flag.\n- Writes the release notes.\n")
    two = [e for e in load_content(tmp_path).entries if e.level == "Engineer Two"]
    delivery = [e for e in two if e.area == "Delivery"]
    assert [e.paragraphs for e in delivery] == [["Releases each feature behind a flag.", "Writes the release notes."]]
    assert [e.description for e in two if e.area == "Scope"] == ["Scope: Feature"]


def test_a_list_whose_bullets_name_no_axis_stays_one_entry(tmp_path: Path) -> None:
    _craft(tmp_path)
    _page(tmp_path, "e1.md", f"title: Engineer One\nparent: Engineering\n{_FW}\nnav_order: 1",
          "# Engineer One\n\n- Finishes tasks.\n- Asks for review.\n")
    entries = [e for e in load_content(tmp_path).entries if e.level == "Engineer One"]
    assert [(e.entry_kind, e.paragraphs) for e in entries] == [("prose", ["Finishes tasks.", "Asks for review."])]


def test_each_cell_of_a_comparison_table_is_quotable_under_its_column(tmp_path: Path) -> None:
    _craft(tmp_path, "# Engineering\n\n## Two tracks\n\nThe table below shows how the two tracks differ.\n\n"
                     "| Individual contributor | Manager |\n|---|---|\n"
                     "| You solve the hardest technical problems yourself. | You grow the people who solve them. |\n"
                     "| You are measured by the systems you build. | You are measured by your team's results. |\n")
    content = load_content(tmp_path)
    cells = [e for e in content.entries if e.entry_kind == "comparison"]
    assert [(e.area, e.description) for e in cells] == [
        ("Individual contributor", "You solve the hardest technical problems yourself."),
        ("Manager", "You grow the people who solve them."),
        ("Individual contributor", "You are measured by the systems you build."),
        ("Manager", "You are measured by your team's results."),
    ]
    assert all(e.section == "Two tracks" for e in cells)
    assert not any("table below" in e.description for e in content.entries)
    assert len({e.id for e in content.entries}) == len(content.entries)


def test_an_area_table_is_not_a_comparison(tmp_path: Path) -> None:
    _page(tmp_path, "e1.md", f"title: Engineer One\nparent: Engineering\n{_FW}",
          "# Engineer One\n\n| Area | Expectation |\n|---|---|\n| Delivery | Ships small changes. |\n")
    (entry,) = load_content(tmp_path).entries
    assert (entry.area, entry.entry_kind, entry.level) == ("Delivery", "cell", "Engineer One")


def test_a_faq_question_labels_the_answer_under_it(tmp_path: Path) -> None:
    _page(tmp_path, "faq.md", "title: FAQ\nparent: Widget Ladder\nnav_order: 9",
          "# FAQ\n\n## Can I skip a level?\n\nNo: each level is reached in turn.\n\n"
          "**Do managers still write code?**\n\nSome do, up to a fifth of their time.\n\nIt depends on the team.\n")
    content = load_content(tmp_path)
    faq = {e.area: e for e in content.entries if e.entry_kind == "faq"}
    assert faq["Can I skip a level?"].description == "No: each level is reached in turn."
    assert faq["Do managers still write code?"].paragraphs == ["Some do, up to a fifth of their time.",
                                                               "It depends on the team."]
    assert all(e.section == "FAQ" for e in faq.values())
    # A question is no area of the framework.
    assert content.pages[0].defined_areas == []


def test_a_table_of_levels_by_row_gives_an_entry_per_cell_labelled_by_its_column(tmp_path: Path) -> None:
    _craft(tmp_path, "# Engineering\n\n## Time and tenure\n\n| Level | Experience | % time coding |\n|---|---|---|\n"
                     "| Engineer One | 0-2 years | 90% |\n| Engineer Two | 2-5 years | 70% |\n")
    for n, title in enumerate(("Engineer One", "Engineer Two"), start=1):
        _page(tmp_path, f"e{n}.md", f"title: {title}\nparent: Engineering\n{_FW}\nnav_order: {n}",
              f"# {title}\n\n| Area | Expectation |\n|---|---|\n| Delivery | Ships scope s{n}. |\n")
    content = load_content(tmp_path)
    rows = {(e.level, e.area): e for e in content.entries if e.path == "engineering.md"}
    assert rows[("Engineer Two", "% time coding")].description == "70%"
    assert rows[("Engineer One", "Experience")].description == "0-2 years"
    assert {e.craft for e in rows.values()} == {"Engineering"}
    ladders = [[lv.title for lv in ladder] for ladder in LevelOrder(content.entries).by_craft()]
    assert ladders == [["Engineer One", "Engineer Two"]]


def test_a_row_naming_a_level_by_its_code_joins_that_levels_page(tmp_path: Path) -> None:
    """A craft page's table of levels by row that names each by its code ("| P2 | … |") is about the level pages
    below it ("P2 Engineer"): each row joins its page's level and role, so the ladder is P1 Engineer, P2 Engineer,
    not P1, P2 beside them, and "p2" selects the row with the page."""
    _craft(tmp_path, "# Engineering\n\nEngineers build the widgets.\n\n## On-call\n\n"
                     "| Level | On-call |\n|---|---|\n| P1 | Shadows two rotations. |\n| P2 | Joins the rota. |\n")
    for n in (1, 2):
        _page(tmp_path, f"p{n}.md", f"title: P{n} Engineer\nparent: Engineering\n{_FW}\nnav_order: {n}",
              f"# P{n} - Widget Engineer\n\n| Area | Expectation |\n|---|---|\n| Delivery | Ships scope s{n}. |\n")
    content = load_content(tmp_path)
    row = next(e for e in content.entries if e.description == "Joins the rota.")
    page = next(e for e in content.entries if e.description == "Ships scope s2.")
    assert (row.level, row.role, row.area) == ("P2 Engineer", page.role, "On-call")
    ladders = [[lv.title for lv in ladder] for ladder in LevelOrder(content.entries).by_craft()]
    assert ladders == [["P1 Engineer", "P2 Engineer"]]


def test_a_craft_page_with_a_table_of_levels_by_row_stays_the_craft(tmp_path: Path) -> None:
    """Its introduction and axes define the craft, as on any craft page: the table does not make the page a level
    of its own (first on the ladder, its prose that level's text, its axes lost), and each level is still cited
    by its own page, not by its row."""
    _craft(tmp_path, "# Engineering\n\nEngineers build the widgets.\n\n## Scope\n\n- Task\n- Feature\n- Product\n\n"
                     "| Level | Experience |\n|---|---|\n| Engineer Two | 2-5 years |\n| Engineer One | 0-2 years |\n")
    for n, title in enumerate(("Engineer One", "Engineer Two"), start=1):
        _page(tmp_path, f"e{n}.md", f"title: {title}\nparent: Engineering\n{_FW}\nnav_order: {n}",
              f"# {title}\n\n- Ships a feature of size {n}.\n- Keeps notes.\n")
    content = load_content(tmp_path)
    assert content.axes == {"Scope": ["Task", "Feature", "Product"]}
    (intro,) = [e for e in content.entries if e.description == "Engineers build the widgets."]
    assert (intro.kind, intro.level) == ("definition", "")
    two = {e.description: e for e in content.entries if e.level == "Engineer Two"}
    assert two["Ships a feature of size 2."].area == "Scope"
    assert two["2-5 years"].area == "Experience"
    (ladder,) = LevelOrder(content.entries).by_craft()
    assert [(lv.title, lv.source) for lv in ladder] == [("Engineer One", "e1.md:10"), ("Engineer Two", "e2.md:10")]


def test_an_includes_line_is_never_found_or_quoted_alone(tmp_path: Path) -> None:
    from index.answer import quote_for
    from index.documents import entry_documents

    _page(tmp_path, "e1.md", f"title: Engineer One\nparent: Engineering\n{_FW}",
          "# Engineer One\n\n| Area | Expectation |\n|---|---|\n"
          "| Delivery | Ships small changes. <br><br> Includes: tests, reviews, releases <br><br> Writes notes. |\n")
    (entry,) = load_content(tmp_path).entries
    docs = [d.text for d in entry_documents(0, entry)]
    assert docs == ["Delivery: Ships small changes. Includes: tests, reviews, releases", "Delivery: Writes notes."]
    assert quote_for(entry, 1.0, (1,), None).text == "Ships small changes.\n\nIncludes: tests, reviews, releases"


def test_sub_levels_written_as_headings_are_two_levels(tmp_path: Path) -> None:
    _craft(tmp_path)
    _page(tmp_path, "senior.md", f"title: Senior Engineer\nparent: Engineering\n{_FW}\nnav_order: 2",
          "# Senior Engineer\n\nSeniors lead the work of their team.\n\n"
          "## Senior Engineer I\n\nLeads small projects.\n\n### Delivery\n\nShips a project a quarter.\n\n"
          "## Senior Engineer II\n\nLeads large projects.\n\n### Delivery\n\nShips a programme a year.\n")
    _page(tmp_path, "junior.md", f"title: Engineer\nparent: Engineering\n{_FW}\nnav_order: 1",
          "# Engineer\n\nEngineers learn.\n")
    content = load_content(tmp_path)
    delivery = {e.level: e.description for e in content.entries if e.area == "Delivery"}
    assert delivery == {"Senior Engineer I": "Ships a project a quarter.",
                        "Senior Engineer II": "Ships a programme a year."}
    ladders = [[lv.title for lv in ladder] for ladder in LevelOrder(content.entries).by_craft()]
    assert ladders == [["Engineer", "Senior Engineer I", "Senior Engineer II"]]
    # The text above the first sub-level is about both: a definition of the title, not a third level.
    (intro,) = [e for e in content.entries if e.area == "Senior Engineer"]
    assert (intro.kind, intro.description) == ("definition", "Seniors lead the work of their team.")


def test_sub_levels_are_asked_about_apart(tmp_path: Path, open_answerer: Callable[[Path], Answerer]) -> None:
    _craft(tmp_path)
    _page(tmp_path, "senior.md", f"title: Senior Engineer\nparent: Engineering\n{_FW}\nnav_order: 2",
          "# Senior Engineer\n\n## I\n\n### Delivery\n\nShips a project a quarter.\n\n"
          "## II\n\n### Delivery\n\nShips a programme a year.\n")
    _page(tmp_path, "junior.md", f"title: Engineer\nparent: Engineering\n{_FW}\nnav_order: 1",
          "# Engineer\n\n### Delivery\n\nShips tickets.\n")
    answerer = open_answerer(tmp_path)
    answer = answerer.ask("what delivery is expected of a senior engineer II?")
    assert answer.confident and answer.quotes[0].text == "Ships a programme a year."
    assert answer.quotes[0].entry.level == "Senior Engineer II"


def test_a_faq_answer_and_a_comparison_cell_are_quoted_as_answers(
        tmp_path: Path, open_answerer: Callable[[Path], Answerer]) -> None:
    _axes_framework(tmp_path)
    _page(tmp_path, "faq.md", "title: FAQ\nparent: Widget Ladder\nnav_order: 9",
          "# FAQ\n\n**Can I skip a level?**\n\nNo: each level is reached in turn, one review at a time.\n\n"
          "## Tracks\n\nHow the tracks differ:\n\n| Individual contributor | Manager |\n|---|---|\n"
          "| You solve the hardest technical problems yourself. | You grow the people who solve them. |\n")
    answerer = open_answerer(tmp_path)
    skip = answerer.ask("can I skip a level?")
    assert skip.confident and skip.quotes[0].text == "No: each level is reached in turn, one review at a time."
    assert skip.quotes[0].entry.area == "Can I skip a level?"
    assert skip.to_json()["answers"][0]["kind"] == "faq"  # careerfw ask --json says how the text is written
    manager = answerer.ask("what does a manager do differently from an individual contributor?")
    top = manager.quotes[0] if manager.quotes else manager.suggestions[0]
    assert top.entry.entry_kind == "comparison" and top.entry.area in ("Manager", "Individual contributor")
    assert "How the tracks differ" not in " ".join(q.text for q in manager.quotes + manager.suggestions)


def test_numbered_headings_that_name_no_level_stay_areas(tmp_path: Path) -> None:
    _craft(tmp_path)
    _page(tmp_path, "e1.md", f"title: Engineer One\nparent: Engineering\n{_FW}\nnav_order: 1",
          "# Engineer One\n\n## Phase 1\n\nLearn the codebase.\n\n## Phase 2\n\nShip a change.\n")
    content = load_content(tmp_path)
    assert {(e.level, e.area) for e in content.entries if e.path == "e1.md"} == {
        ("Engineer One", "Phase 1"), ("Engineer One", "Phase 2")}


def test_an_area_table_with_long_area_names_is_not_a_comparison(tmp_path: Path) -> None:
    _page(tmp_path, "e1.md", f"title: Engineer One\nparent: Engineering\n{_FW}",
          "# Engineer One\n\n| Skill | Description |\n|---|---|\n"
          "| Communicating between the technical and the non-technical people | You can listen to and interpret the "
          "needs of technical and non-technical stakeholders, and manage their expectations well. |\n")
    (entry,) = load_content(tmp_path).entries
    assert entry.entry_kind == "cell"
    assert entry.area == "Communicating between the technical and the non-technical people"


# --- competency x proficiency-tier matrices ---------------------------------------------------------------------

_CAP = "grand_parent: Capability Framework"


def _roles(root: Path, parent: str = "Data roles") -> None:
    """Two job levels whose tables name each skill's tier as a value ("| Modelling | … | Practitioner |")."""
    for n, (title, tiers) in enumerate((("Analyst", ("Working", "Awareness")),
                                        ("Lead analyst", ("Expert", "Practitioner"))), start=1):
        _page(root, f"role{n}.md", f"title: {title}\nparent: {parent}\n{_CAP}\nnav_order: {n}",
              f"# {title}\n\nAn {title.lower()} turns questions into numbers of grade r{n}.\n\n"
              "| Skill | Description | Skill level |\n|---|---|---|\n"
              f"| Modelling | You build models of size m{n}. | {tiers[0]} |\n"
              f"| Ethics | You handle consent of kind c{n}. | {tiers[1]} |\n")


def test_a_matrix_whose_columns_other_tables_name_as_values_gives_tier_cells(tmp_path: Path) -> None:
    _roles(tmp_path)
    _page(tmp_path, "skills.md", "title: Skills\nparent: Capability Framework\nnav_order: 9",
          "# Skills\n\n| Skill | Description | Awareness | Working | Practitioner | Expert |\n"
          "|---|---|---|---|---|---|\n"
          "| Modelling | Building models of data. | You know what a model is. | You build simple models. "
          "| You build models for a service. | You set how models are built. |\n"
          "| Ethics | Using data fairly. | You know consent matters. | You spot consent issues. "
          "| You run consent reviews. | |\n")
    content = load_content(tmp_path)
    tiers = {(e.area, e.section): e for e in content.entries if e.kind == "tier"}
    assert set(tiers) == {(skill, tier) for skill in ("Modelling", "Ethics")
                          for tier in ("Awareness", "Working", "Practitioner", "Expert")} - {("Ethics", "Expert")}
    assert tiers[("Modelling", "Practitioner")].description == "You build models for a service."
    ethics = {(e.level, e.entry_kind, e.source) for e in tiers.values() if e.area == "Ethics"}
    assert ethics == {("", "tier", "skills.md:12")}
    # The column beside the tiers that is no tier is the skill's own definition.
    defined = [(e.area, e.description) for e in content.entries if e.path == "skills.md" and e.kind == "definition"]
    assert defined == [("Modelling", "Building models of data."), ("Ethics", "Using data fairly.")]
    ladders = [[lv.title for lv in ladder] for ladder in LevelOrder(content.entries).by_craft()]
    assert ladders == [["Analyst", "Lead analyst"]]


def _wide_matrix_framework(root: Path) -> None:
    """A ladder of three levels, and a skills page under the same craft with one wide matrix per competency group:
    six tiers no other page names, recurring over both groups."""
    _page(root, "eng.md", "title: Engineering\nparent: Widget Ladder\nnav_order: 1", "# Engineering\n\nHow we grow.\n")
    for n in (1, 2, 3):
        _page(root, f"e{n}.md", f"title: Engineer {n}\nparent: Engineering\n{_FW}\nnav_order: {n}",
              f"# Engineer {n}\n\n| Area | Expectation |\n|---|---|\n| Delivery | Ships scope s{n}. |\n")
    tiers = ("Foundation", "Developing", "Proficient", "Advanced", "Leading", "Mastery")
    head = "| Competency | " + " | ".join(tiers) + " |\n|" + "---|" * 7 + "\n"

    def row(skill: str) -> str:
        return f"| {skill} | " + " | ".join(f"{skill} at step {t.lower()}." for t in tiers) + " |\n"

    _page(root, "skills.md", f"title: Competencies\nparent: Engineering\n{_FW}\nnav_order: 9",
          "# Competencies\n\nEach competency grows through six steps.\n\n"
          f"## Technical\n\n{head}{row('Testing')}{row('Architecture')}\n## People\n\n{head}{row('Mentoring')}")


def test_a_wide_matrix_split_by_competency_group_gives_tier_cells_not_levels(tmp_path: Path) -> None:
    _wide_matrix_framework(tmp_path)
    content = load_content(tmp_path)
    tiers = [e for e in content.entries if e.kind == "tier"]
    assert len(tiers) == 18
    assert {e.section for e in tiers} == {"Foundation", "Developing", "Proficient", "Advanced", "Leading", "Mastery"}
    assert {e.area for e in tiers} == {"Testing", "Architecture", "Mentoring"}
    assert next(e for e in tiers if e.area == "Mentoring" and e.section == "Leading").description == \
        "Mentoring at step leading."
    assert {(e.craft, e.framework, e.level) for e in tiers} == {("Engineering", "Widget Ladder", "")}
    # The page of matrices is no level, though it sits where a level page would.
    ladders = [[lv.title for lv in ladder] for ladder in LevelOrder(content.entries).by_craft()]
    assert ladders == [["Engineer 1", "Engineer 2", "Engineer 3"]]
    assert not any(e.kind == "level" for e in content.entries if e.path == "skills.md")


def test_a_matrix_whose_rows_are_a_scale_defined_as_an_axis_gives_tier_cells(tmp_path: Path) -> None:
    _page(tmp_path, "scale.md", "title: Skill scale\nparent: Widget Ladder\nnav_order: 8",
          "# Skill scale\n\n## Proficiency\n\n- Awareness: you know it exists\n- Working: you do it with help\n"
          "- Expert: you teach it\n\n## By skill\n\n| Proficiency | Data modelling | Ethics |\n|---|---|---|\n"
          "| Awareness | You can read a schema. | You know consent matters. |\n"
          "| Working | You can change a schema. | You spot consent issues. |\n"
          "| Expert | You design schemas for many teams. | You set consent policy. |\n")
    _craft(tmp_path)
    for n in (1, 2):
        _page(tmp_path, f"e{n}.md", f"title: Engineer {n}\nparent: Engineering\n{_FW}\nnav_order: {n}",
              f"# Engineer {n}\n\n| Area | Expectation |\n|---|---|\n| Delivery | Ships scope s{n}. |\n")
    content = load_content(tmp_path)
    tiers = {(e.area, e.section): e.description for e in content.entries if e.kind == "tier"}
    assert tiers[("Data modelling", "Expert")] == "You design schemas for many teams."
    assert tiers[("Ethics", "Awareness")] == "You know consent matters."
    assert len(tiers) == 6
    assert {lv.title for ladder in LevelOrder(content.entries).by_craft() for lv in ladder} == {"Engineer 1",
                                                                                             "Engineer 2"}


def test_recurring_extra_columns_on_level_pages_are_no_tiers(tmp_path: Path) -> None:
    """"| Area | Expectation | Examples |" on every level page, each with its own areas, stays an area table: two
    columns beside the first are too few to be told a scale by recurring alone."""
    _craft(tmp_path)
    for n, area in enumerate(("Delivery", "Design", "Hiring"), start=1):
        _page(tmp_path, f"e{n}.md", f"title: Engineer {n}\nparent: Engineering\n{_FW}\nnav_order: {n}",
              f"# Engineer {n}\n\n| Area | Expectation | Examples |\n|---|---|---|\n"
              f"| {area} | Owns scope s{n}. | A thing x{n}. |\n")
    content = load_content(tmp_path)
    assert not any(e.kind == "tier" for e in content.entries)
    assert [(e.level, e.area, e.columns) for e in content.entries if e.layout == "cell"] == [
        ("Engineer 1", "Delivery", {"Examples": "A thing x1."}), ("Engineer 2", "Design", {"Examples": "A thing x2."}),
        ("Engineer 3", "Hiring", {"Examples": "A thing x3."})]


def test_the_same_level_columns_on_each_crafts_table_stay_levels(tmp_path: Path) -> None:
    """With no other ladder, columns that head each craft's table are that framework's levels, not tiers."""
    for craft, areas in (("Backend", ("Delivery", "Design")), ("Frontend", ("Accessibility", "Styling"))):
        _page(tmp_path, f"{craft.lower()}.md", f"title: {craft}\nparent: Widget Ladder",
              f"# {craft}\n\n| Area | Level 1 | Level 2 | Level 3 |\n|---|---|---|---|\n"
              + "".join(f"| {a} | {a} one. | {a} two. | {a} three. |\n" for a in areas))
    content = load_content(tmp_path)
    assert not any(e.kind == "tier" for e in content.entries)
    assert {e.level for e in content.entries} == {"Level 1", "Level 2", "Level 3"}


def test_a_tier_cell_is_quoted_and_never_offered_as_a_level(
        tmp_path: Path, open_answerer: Callable[[Path], Answerer]) -> None:
    _wide_matrix_framework(tmp_path)
    answerer = open_answerer(tmp_path)
    tier = answerer.ask("what does mentoring look like at the leading step?")
    assert tier.confident and tier.quotes[0].text == "Mentoring at step leading."
    assert tier.to_json()["answers"][0]["kind"] == "tier"
    levels = answerer.ask("which levels are there?")
    assert [lv.title for lv in levels.levels] == ["Engineer 1", "Engineer 2", "Engineer 3"]
    missing = answerer.ask("what is expected at level 7?")
    assert missing.intent == "missing_level"
    assert not any(t in (missing.message or "") for t in ("Foundation", "Mastery", "Leading"))
    overview = answerer.ask("what is expected at mastery?")
    assert overview.intent != "level" and not any(lv.title == "Mastery" for lv in overview.levels)


def test_a_tier_matrix_on_a_level_page_leaves_the_level_its_own_text(tmp_path: Path) -> None:
    """A level page that also holds a skills matrix: the level keeps its own rows, the matrix gives tiers, and a
    skill's description beside the tiers stays the skill's definition rather than becoming that level's text."""
    _roles(tmp_path)
    _page(tmp_path, "role3.md", f"title: Head of analysis\nparent: Data roles\n{_CAP}\nnav_order: 3",
          "# Head of analysis\n\n| Skill | Description |\n|---|---|\n| Strategy | You set the data strategy. |\n\n"
          "## Skills at each step\n\n| Skill | Description | Awareness | Working | Expert |\n|---|---|---|---|---|\n"
          "| Modelling | Building models of data. | You know what a model is. | You build simple models. "
          "| You set how models are built. |\n")
    content = load_content(tmp_path)
    head = [(e.kind, e.level, e.area, e.section) for e in content.entries if e.path == "role3.md"]
    assert head == [("level", "Head of analysis", "Strategy", "Head of analysis"),
                    ("tier", "", "Modelling", "Awareness"), ("tier", "", "Modelling", "Working"),
                    ("tier", "", "Modelling", "Expert"), ("definition", "", "Modelling", "Skills at each step")]
    assert [lv.title for ladder in LevelOrder(content.entries).by_craft() for lv in ladder] == [
        "Analyst", "Lead analyst", "Head of analysis"]


GOVUK = Path(__file__).resolve().parents[3] / "shared" / "frameworks" / "govuk-ddat-capability"


def test_the_govuk_skill_tiers_written_as_one_matrix_read_as_the_tier_pages_do(tmp_path: Path) -> None:
    """The shared GOV.UK framework splits its skills x tier matrix into a page per tier. Written back as the one
    wide matrix upstream publishes (a column per tier, built here at test time from the pages), every cell is the
    same tier entry, and the ladders are the same role levels."""
    if not GOVUK.is_dir():
        pytest.skip("../shared/frameworks/govuk-ddat-capability is not present")
    split = load_content(GOVUK)
    tiers = [e for e in split.entries if e.kind == "tier"]
    order = list(dict.fromkeys(e.section for e in sorted(tiers, key=lambda e: e.nav_order or 0.0)))
    cells: dict[str, dict[str, str]] = {}
    for e in tiers:
        cells.setdefault(e.area, {})[e.section] = e.description.replace("|", "\\|").replace("\n\n", " <br><br> ")
    for page in GOVUK.glob("*.md"):
        if not page.name.startswith("skills-"):
            shutil.copy(page, tmp_path / page.name)
    rows = "".join(f"| {skill} | " + " | ".join(by_tier.get(t, "") for t in order) + " |\n"
                   for skill, by_tier in cells.items())
    framework = tiers[0].framework
    _page(tmp_path, "skills-matrix.md",
          f'title: Skill levels\nparent: "Skills A to Z"\ngrand_parent: "{framework}"\nnav_order: 1',
          "# Skill levels\n\n| Skill | " + " | ".join(order) + " |\n|" + "---|" * (len(order) + 1) + "\n" + rows)
    matrix = load_content(tmp_path)
    assert order == ["Awareness", "Working", "Practitioner", "Expert"]

    def read(entries: list) -> set:
        return {(e.craft, e.area, e.section, e.description) for e in entries if e.kind == "tier"}

    assert len(read(matrix.entries)) == len(tiers) and read(matrix.entries) == read(split.entries)
    assert not any(e.level for e in matrix.entries if e.kind == "tier")
    ladders = [[lv.title for lv in ladder] for ladder in LevelOrder(matrix.entries).by_craft()]
    assert ladders == [[lv.title for lv in ladder] for ladder in LevelOrder(split.entries).by_craft()]


def test_a_page_under_the_framework_whose_columns_are_levels_is_their_craft(tmp_path: Path) -> None:
    """A craft written as one page with one matrix, its levels as columns, sits right under the framework: the
    page is the craft and each column a level of it, most columns naming a level ("AE I", "Senior AE") and one
    among them by its place ("SDR"); two such pages are two crafts, not levels of the framework."""
    _page(tmp_path, "index.md", "title: Revenue Framework\nnav_order: 1", "# Revenue Framework\n\nHow we grow.\n")
    _page(tmp_path, "new-business.md", "title: New Business\nparent: Revenue Framework\nnav_order: 2",
          "# New Business\n\nFinding new customers.\n\n"
          "| Competency | SDR | AE I | AE II | Senior AE |\n|---|---|---|---|---|\n"
          "| Discovery | Asks the standard questions. | Runs discovery alone. | Finds the real buyer. | Coaches. |\n")
    _page(tmp_path, "accounts.md", "title: Accounts\nparent: Revenue Framework\nnav_order: 3",
          "# Accounts\n\n| Competency | AM1 | AM2 |\n|---|---|---|\n| Renewals | Renews on time. | Grows them. |\n")
    entries = load_content(tmp_path).entries
    cells = {(e.craft, e.level): e.description for e in entries if e.kind == "level"}
    assert cells[("New Business", "SDR")] == "Asks the standard questions."
    assert cells[("New Business", "AE II")] == "Finds the real buyer."
    assert cells[("Accounts", "AM2")] == "Grows them."
    assert {e.framework for e in entries if e.kind == "level"} == {"Revenue Framework"}
    intro = [e for e in entries if e.description == "Finding new customers."]
    assert [(e.kind, e.craft, e.level) for e in intro] == [("definition", "New Business", "")]


def test_a_craft_written_as_one_page_of_level_sections_has_those_levels(tmp_path: Path) -> None:
    """A craft's one page right under the framework, its levels as sections ("## Junior Engineer", "## Engineer")
    over the same competencies ("### Delivery", "### Collaboration"): each section is a level of the craft, its
    competencies its areas, and the text above the first a definition of the craft. The same shape on a level
    page is that level's own parts ("## Core", "## Specialism"), not levels."""
    _page(tmp_path, "index.md", "title: Kestrel Levels\nnav_order: 1", "# Kestrel Levels\n\nOne page per craft.\n")
    sections = "".join(f"## {level}\n\n{level}s ship.\n\n### Delivery\n\n{level} delivery.\n\n"
                       f"### Collaboration\n\n{level} collaboration.\n\n" for level in ("Junior Engineer", "Engineer"))
    _page(tmp_path, "backend.md", "title: Backend\nparent: Kestrel Levels\nnav_order: 2",
          f"# Backend\n\nFor the routing engine.\n\n{sections}")
    _page(tmp_path, "web.md", "title: Web\nparent: Kestrel Levels\nnav_order: 3", "# Web\n\nFor the site.\n")
    _page(tmp_path, "web1.md", "title: Web One\nparent: Web\ngrand_parent: Kestrel Levels\nnav_order: 1",
          "# Web One\n\n## Core\n\n### Delivery\n\nShips pages.\n\n## Specialism\n\n### Delivery\n\nShips widgets.\n")
    content = load_content(tmp_path)
    assert not [p for p in content.problems if p.severity == "error"]
    backend = {(e.kind, e.level, e.area): e.description for e in content.entries if e.craft == "Backend"}
    assert backend[("level", "Engineer", "Delivery")] == "Engineer delivery."
    assert backend[("level", "Junior Engineer", "Junior Engineer")] == "Junior Engineers ship."
    assert backend[("definition", "", "Backend")] == "For the routing engine."
    assert {e.level for e in content.entries if e.craft == "Web" and e.kind == "level"} == {"Web One"}
    ladders = [[lv.title for lv in ladder] for ladder in LevelOrder(content.entries).by_craft()]
    assert ["Junior Engineer", "Engineer"] in ladders


def test_rows_naming_one_code_in_different_words_are_one_level(tmp_path: Path) -> None:
    """A framework of competency pages, each a table of levels by row, that writes one level's title two ways
    ("M2 Sr. Manager" on one page, "M2 Senior Manager" on the others) has that one level, named as most rows name
    it: the ladder lists M1, M2, not a second M2 after them."""
    _craft(tmp_path, "# Marketing\n\nThe competencies.\n")
    for n, (name, second) in enumerate((("Brand", "M2 Senior Manager"), ("Budget", "M2 Sr. Manager"),
                                         ("Campaigns", "M2 Senior Manager")), start=1):
        _page(tmp_path, f"c{n}.md", f"title: {name}\nparent: Engineering\n{_FW}\nnav_order: {n}",
              f"# {name}\n\n| Level | What good looks like |\n|---|---|\n| M1 Associate | Learns {name}. |\n"
              f"| {second} | Owns {name}. |\n")
    content = load_content(tmp_path)
    assert {e.level for e in content.entries if e.description.startswith("Owns")} == {"M2 Senior Manager"}
    ladders = [[lv.title for lv in ladder] for ladder in LevelOrder(content.entries).by_craft()]
    assert ladders == [["M1 Associate", "M2 Senior Manager"]]


def test_rows_with_one_bare_number_and_different_qualifiers_stay_two_levels(tmp_path: Path) -> None:
    """Only a code joins rows written in different words: "Level 2 (IC)" and "Level 2 (Manager)", on competency
    pages' tables of levels by row, carry the same bare number and are two levels of the ladder."""
    _craft(tmp_path, "# Engineering\n\nThe competencies.\n")
    for n, name in enumerate(("Delivery", "People"), start=1):
        _page(tmp_path, f"c{n}.md", f"title: {name}\nparent: Engineering\n{_FW}\nnav_order: {n}",
              f"# {name}\n\n| Level | What good looks like |\n|---|---|\n| Level 1 | Learns {name}. |\n"
              f"| Level 2 (IC) | Owns {name}. |\n| Level 2 (Manager) | Grows people in {name}. |\n")
    levels = {e.level for e in load_content(tmp_path).entries if e.kind == "level"}
    assert levels == {"Level 1", "Level 2 (IC)", "Level 2 (Manager)"}
