"""Questions about the ladder itself and its cells side by side: which levels there are, what comes
after one, a level that does not exist, two areas compared, and the promotion checklist.

Every expectation is read from the content (titles, nav_order, cells), never written out as an answer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from index.answer import Answer, Answerer
from index.levelorder import LevelOrder
from index.parse import load_content
from tests.support.answers import converse
from tests.support.frameworks import Ladder, area_table, page, write_ladders, write_pages
from tests.support.shared import shared_framework

REPO = Path(__file__).resolve().parents[2]
MULTILEVEL = REPO / "tests" / "fixtures" / "multilevel"


@pytest.fixture(scope="module")
def ft(open_answerer: Callable[[Path], Answerer]) -> Answerer:
    return open_answerer(shared_framework("ft-engineering"))


@pytest.fixture(scope="module")
def ladder(open_answerer: Callable[[Path], Answerer]) -> Answerer:
    return open_answerer(shared_framework("danscratch-ladder"))


@pytest.fixture(scope="module")
def artsy(open_answerer: Callable[[Path], Answerer]) -> Answerer:
    return open_answerer(shared_framework("artsy-engineering"))


def _levels_in_order(root: Path, craft: str | None = None) -> list[str]:
    return [lv.title for lv in LevelOrder(load_content(root).entries).levels(craft)]


def titles(answer: Answer) -> list[str]:
    return [lv.title for lv in answer.levels]


def cell(answerer: Answerer, craft_start: str, level: str, area: str):
    (entry,) = [e for e in answerer.entries
                if e.kind == "level" and e.craft.startswith(craft_start) and e.level == level and e.area == area]
    return entry


# --- which levels are there ---------------------------------------------------------------------------


@pytest.mark.parametrize("question", ["which levels are there?", "what levels does the framework have?",
                                      "how many levels are there?"])
def test_which_levels_on_the_seed(seed_answerer: Answerer, question: str) -> None:
    answer = seed_answerer.ask(question)
    assert answer.intent == "levels" and answer.confident
    assert titles(answer) == ["Level 1 (Head Of)"]
    assert answer.quotes == []  # labels and citations only
    (level,) = answer.to_json()["levels"]
    assert level["source"].startswith("careerframework/mlengineer/level1.md:")
    assert level["url"] == "/careerframework/mlengineer/level1"


def test_which_levels_lists_every_craft_in_its_own_order(multilevel_answerer: Answerer) -> None:
    answer = multilevel_answerer.ask("which levels are there?")
    assert answer.intent == "levels"
    assert titles(answer) == _levels_in_order(MULTILEVEL)
    # The manager track's Senior Engineer 2 has nav_order 4, the individual contributor's 5.
    assert titles(answer).index("Senior Engineer 2 (People Manager)") < titles(answer).index(
        "Senior Engineer 2 (Individual Contributor)")


def test_which_levels_in_one_named_craft(monzo_answerer: Answerer, monzo_dir: Path) -> None:
    answer = monzo_answerer.ask("what levels are there for mobile engineers?")
    assert answer.intent == "levels"
    assert {lv.craft for lv in answer.levels} == {"Mobile Engineering Craft"}
    assert titles(answer) == _levels_in_order(monzo_dir, "Mobile Engineering Craft")


def test_a_question_about_levels_with_a_topic_is_no_list(monzo_answerer: Answerer) -> None:
    answer = monzo_answerer.ask("at which levels am I expected to mentor others?")
    assert answer.intent != "levels"


# --- what comes after -------------------------------------------------------------------------------


def test_what_comes_after_quotes_the_next_levels_areas(multilevel_answerer: Answerer) -> None:
    answer = multilevel_answerer.ask("what comes after Engineer 2?")
    assert answer.intent == "next" and answer.confident
    assert titles(answer) == ["Senior Engineer 1"]
    assert answer.message == "After Engineer 2 comes Senior Engineer 1."
    areas = [e.area for e in multilevel_answerer.entries if e.kind == "level" and e.level == "Senior Engineer 1"]
    assert [q.entry.area for q in answer.quotes] == areas
    for q in answer.quotes:
        assert q.entry.level == "Senior Engineer 1"
        assert q.todo or q.text == q.entry.paragraphs[0]  # verbatim: the first paragraph of each area


def test_the_level_before_and_the_top_of_a_ladder(multilevel_answerer: Answerer, seed_answerer: Answerer) -> None:
    answer = multilevel_answerer.ask("which level is below Senior Engineer 1?")
    assert answer.intent == "previous" and titles(answer) == ["Engineer 2"]
    top = seed_answerer.ask("what comes after level 1?")
    assert top.intent == "next" and top.quotes == []
    assert top.message == "Level 1 (Head Of) is the highest level of ML and Edge ML Engineer Craft."


def test_what_comes_after_in_several_crafts_offers_each(monzo_answerer: Answerer) -> None:
    answer = monzo_answerer.ask("what comes after Level 2?")
    assert answer.intent == "next"
    assert set(titles(answer)) == {"Level 3"} and len(answer.levels) == 4
    assert [c.question for c in answer.choices] == [
        f"what is expected of Level 3 in {lv.craft}?" for lv in answer.levels
    ]
    one = monzo_answerer.ask("what comes after level 2 for backend engineers?")
    assert titles(one) == ["Level 3"] and {q.entry.craft for q in one.quotes} == {"Backend Engineering Craft"}
    # A choice asks a question the core answers for that craft's Level 3.
    chosen = monzo_answerer.ask(answer.choices[0].question)
    assert chosen.intent == "level" and {q.entry.level for q in chosen.quotes} == {"Level 3"}


def test_what_comes_after_a_shared_step_names_both_tracks(ft: Answerer) -> None:
    answer = ft.ask("what comes after senior engineer 1?")
    assert answer.intent == "next"
    assert titles(answer) == ["Senior Engineer 2 (Individual Contributor)", "Senior Engineer 2 (People Manager)"]
    assert [c.label for c in answer.choices] == titles(answer)
    track = ft.ask("what is the next level after senior engineer 2 IC?")
    assert titles(track) == ["Principal Engineer (Individual Contributor)"]


# --- a level that does not exist --------------------------------------------------------------------


def test_a_level_the_seed_does_not_have(seed_answerer: Answerer) -> None:
    answer = seed_answerer.ask("what does a level 9 engineer do?")
    assert answer.intent == "missing_level"
    assert answer.message == "This framework has no Level 9; it has: Level 1 (Head Of)."
    assert answer.quotes == [] and titles(answer) == ["Level 1 (Head Of)"]


def test_a_level_monzo_does_not_have(monzo_answerer: Answerer) -> None:
    answer = monzo_answerer.ask("what does a level 9 engineer do?")
    listed = ", ".join(f"Level {n}" for n in range(1, 7))
    assert answer.message == f"This framework has no Level 9; it has: {listed}."
    craft = monzo_answerer.ask("what is expected of an L7 backend engineer?")
    assert craft.message == f"Backend Engineering Craft has no Level 7; it has: {listed}."


def test_a_level_missing_from_other_frameworks(ladder: Answerer, artsy: Answerer, ft: Answerer,
                                                multilevel_answerer: Answerer) -> None:
    assert ladder.ask("what does an L8 do?").message == (
        "This framework has no Level 8; it has: " + ", ".join(f"L{n}" for n in range(1, 7)) + ".")
    # A code the titles use names its own ladder: IC9 is no level, IC3 is.
    assert artsy.ask("what does an IC9 do?").intent == "missing_level"
    assert artsy.ask("what does an IC3 do?").intent != "missing_level"
    # A framework whose titles have no numbers has no "Level 3" either; it lists its titles.
    answer = ft.ask("what does a level 3 engineer do?")
    assert answer.intent == "missing_level"
    assert answer.message and answer.message.startswith("This framework has no Level 3; it has: Junior Engineer, ")
    # The data craft has Levels 1-3: a Level 4 is missing there, whatever the other craft calls its levels.
    assert multilevel_answerer.ask("what does a level 4 data scientist do?").intent == "missing_level"


@pytest.mark.parametrize("noun", ["Band", "Grade"])
def test_a_missing_number_is_said_with_the_ladders_own_noun(open_answerer: Callable[[Path], Answerer],
                                                             tmp_path: Path, noun: str) -> None:
    """A ladder of Bands hears "This framework has no Band 7", whether the question said "band 7",
    "level 7" or "the 7th level": "Level 7" names a rung this company does not count by."""
    cells = area_table({"Delivery": "Ships planned work on time.", "Mentoring": "Helps others grow."})
    content = write_ladders(tmp_path / "fw", {"eng": Ladder("Engineering", [(f"{noun} {n}", f"## Craft\n{cells}")
                                                                            for n in range(1, 5)])})
    answerer = open_answerer(content)
    listed = ", ".join(f"{noun} {n}" for n in range(1, 5))
    for question in (f"what is expected at {noun.lower()} 7?", "what is expected at level 7?",
                     "what is the 7th level?"):
        answer = answerer.ask(question)
        assert answer.intent == "missing_level", question
        assert answer.message == f"This framework has no {noun} 7; it has: {listed}.", question


def test_a_ladder_with_two_nouns_or_none_says_level(open_answerer: Callable[[Path], Answerer], tmp_path: Path) -> None:
    cells = area_table({"Delivery": "Ships planned work on time."})
    content = write_ladders(tmp_path / "fw", {
        "eng": Ladder("Engineering", [(f"Band {n}", f"## Craft\n{cells}") for n in range(1, 4)]),
        "ops": Ladder("Operations", [(f"Grade {n}", f"## Craft\n{cells}") for n in range(1, 4)])})
    answerer = open_answerer(content)
    assert (answerer.ask("what is expected at level 7?").message or "").startswith("This framework has no Level 7")
    assert (answerer.ask("what is expected at band 7?").message or "").startswith("This framework has no Band 7")


@pytest.mark.parametrize("question", [
    "what are the top 3 things a level 2 engineer should focus on?",
    "how should a level 3 engineer handle tier 1 incidents?",
    "what should I do in my first 90 days at level 1?",
    "who handles a P1 incident?",
    "what does E5 mean?",
])
def test_numbers_that_are_not_levels_are_not_missing_levels(monzo_answerer: Answerer, question: str) -> None:
    assert monzo_answerer.ask(question).intent != "missing_level"


def test_a_title_written_loosely_is_not_a_missing_level(ft: Answerer) -> None:
    answer = ft.ask("what does a senior engineer level 1 do?")
    assert answer.intent != "missing_level"


# --- two areas compared -------------------------------------------------------------------------------


def test_two_areas_of_the_seed_side_by_side(seed_answerer: Answerer) -> None:
    answer = seed_answerer.ask("what's the difference between ML Ops and AI Governance?")
    assert answer.intent == "compare" and answer.confident
    assert [q.entry.area for q in answer.quotes] == ["ML Ops", "AI Governance"]
    for q in answer.quotes:
        assert q.complete and q.text == q.entry.description  # whole cells, verbatim
    flipped = seed_answerer.ask("AI Governance vs ML Ops")
    assert [q.entry.area for q in flipped.quotes] == ["AI Governance", "ML Ops"]


def test_two_areas_at_a_named_level(monzo_answerer: Answerer) -> None:
    answer = monzo_answerer.ask("what's the difference between impact and influence for a level 3 backend engineer?")
    assert answer.intent == "compare"
    assert [(q.entry.level, q.entry.area) for q in answer.quotes] == [("Level 3", "Impact"), ("Level 3", "Influence")]
    assert {q.entry.craft for q in answer.quotes} == {"Backend Engineering Craft"}
    assert answer.quotes[0].text == cell(monzo_answerer, "Backend", "Level 3", "Impact").description


def test_two_areas_at_no_level_ask_which(monzo_answerer: Answerer) -> None:
    answer = monzo_answerer.ask("what's the difference between impact and influence?")
    assert answer.intent == "choose" and len(answer.choices) == 4  # the four crafts
    craft = monzo_answerer.ask(answer.choices[0].question)
    assert craft.intent == "choose" and [c.label for c in craft.choices] == [f"Level {n}" for n in range(1, 7)]
    level = monzo_answerer.ask(craft.choices[2].question)
    assert level.intent == "compare"
    assert [(q.entry.craft, q.entry.level, q.entry.area) for q in level.quotes] == [
        (answer.choices[0].label, "Level 3", "Impact"), (answer.choices[0].label, "Level 3", "Influence")]


# --- promotion checklist ----------------------------------------------------------------------------------


def _expected_changes(answerer: Answerer, craft: str, current: str, target: str) -> list[tuple[str, str]]:
    before = {e.area: e for e in answerer.entries if e.kind == "level" and e.craft == craft and e.level == current}
    out = []
    for e in answerer.entries:
        if e.kind == "level" and e.craft == craft and e.level == target and e.area != target:
            old = before.get(e.area)
            if old is None:
                out.append((e.area, "new"))
            else:
                same = " ".join(old.description.split()) == " ".join(e.description.split())
                out.append((e.area, "same" if same else "changed"))
    return out


def test_checklist_from_level_3_to_level_4_as_a_backend_engineer(monzo_answerer: Answerer) -> None:
    answer = monzo_answerer.ask("what do I need to go from level 3 to level 4 as a backend engineer?")
    assert answer.intent == "checklist" and answer.confident and answer.checklist is not None
    craft = "Backend Engineering Craft"
    assert (answer.checklist.current, answer.checklist.target, answer.checklist.craft) == ("Level 3", "Level 4", craft)
    expected = _expected_changes(monzo_answerer, craft, "Level 3", "Level 4")
    assert [(q.entry.area, c) for q, c in zip(answer.quotes, answer.checklist.changes, strict=True)] == expected
    for q in answer.quotes:
        assert q.entry.level == "Level 4" and q.complete and q.text == q.entry.description
    items = answer.to_json()["checklist"]["items"]
    assert [(i["area"], i["change"]) for i in items] == expected


def test_checklist_marks_an_area_new_at_the_target(monzo_answerer: Answerer) -> None:
    answer = monzo_answerer.ask("how do I get promoted from level 2 to level 3 as a backend engineer?")
    assert answer.intent == "checklist" and answer.checklist is not None
    changes = dict(zip((q.entry.area for q in answer.quotes), answer.checklist.changes, strict=True))
    assert changes == dict(_expected_changes(monzo_answerer, "Backend Engineering Craft", "Level 2", "Level 3"))
    assert "new" in changes.values()  # Leadership starts at Level 3


@pytest.mark.parametrize("question", ["what do I need to get promoted to level 4 as a backend engineer?",
                                      "I'm a level 3 backend engineer, how do I get promoted?"])
def test_checklist_with_one_level_uses_the_level_order(monzo_answerer: Answerer, question: str) -> None:
    answer = monzo_answerer.ask(question)
    assert answer.intent == "checklist" and answer.checklist is not None
    assert (answer.checklist.current, answer.checklist.target) == ("Level 3", "Level 4")


def test_checklist_without_a_craft_asks_which(monzo_answerer: Answerer) -> None:
    answer = monzo_answerer.ask("what do I need to go from level 3 to level 4?")
    assert answer.intent == "choose" and len(answer.choices) == 4
    chosen = monzo_answerer.ask(answer.choices[1].question)
    assert chosen.intent == "checklist" and chosen.checklist is not None
    assert chosen.checklist.craft == answer.choices[1].label


def test_checklist_to_a_rung_of_two_tracks_asks_which(ft: Answerer) -> None:
    answer = ft.ask("what do I need to go from senior engineer 1 to senior engineer 2?")
    assert answer.intent == "choose"
    assert [c.label for c in answer.choices] == [
        "Senior Engineer 1 → Senior Engineer 2 (Individual Contributor)",
        "Senior Engineer 1 → Senior Engineer 2 (People Manager)",
    ]
    chosen = ft.ask(answer.choices[1].question)
    assert chosen.intent == "checklist" and chosen.checklist is not None
    assert chosen.checklist.target == "Senior Engineer 2 (People Manager)"


def test_comparing_two_levels_is_still_a_comparison(monzo_answerer: Answerer) -> None:
    answer = monzo_answerer.ask("compare level 1 and level 2 for communication")
    assert answer.intent == "compare"


def _write_ladder(root: Path) -> None:
    rows = {
        1: {"Craft": "I use the design system as it is.", "Feedback": "I ask for feedback on my work.",
            "Research": "TODO"},
        2: {"Craft": "I extend the design system where it falls short.",
            "Feedback": "I ask for feedback on my work.", "Research": "I plan and run user interviews.",
            "Mentoring": "TODO"},
    }
    pages = {"craft.md": page("# Design\n\nHow designers grow.\n", title="Design", parent="Acme Ladder")}
    for n, cells in rows.items():
        pages[f"d{n}.md"] = page(f"# Designer {n}\n\n{area_table(cells)}", title=f"Designer {n}", parent="Design",
                                 grand_parent="Acme Ladder", nav_order=n)
    write_pages(root, pages)


def test_checklist_marks_same_changed_new_and_unwritten(open_answerer: Callable[[Path], Answerer],
                                                       tmp_path: Path) -> None:
    _write_ladder(tmp_path / "content")
    answerer = open_answerer(tmp_path / "content")
    answer = answerer.ask("what do I need to go from designer 1 to designer 2?")
    assert answer.intent == "checklist" and answer.checklist is not None
    assert [(q.entry.area, c, q.todo) for q, c in zip(answer.quotes, answer.checklist.changes, strict=True)] == [
        ("Craft", "changed", False), ("Feedback", "same", False), ("Research", "changed", False),
        ("Mentoring", "new", True),
    ]
    assert not answer.todo  # one unwritten item does not make the whole checklist "not written"
    assert answer.message and "same as Designer 1" in answer.message


# --- with follow-ups (index/followup.py): the ladder questions in a conversation ---------------------------


def test_whats_next_after_a_level_overview_is_one_step_not_two(monzo_answerer: Answerer) -> None:
    _, nxt = converse(monzo_answerer, "what is expected of a level 3 backend engineer?", "what's next after that?")
    assert {(q.entry.craft, q.entry.level) for q in nxt.quotes} == {("Backend Engineering Craft", "Level 4")}


def test_which_levels_in_a_conversation_is_the_whole_ladder(monzo_answerer: Answerer) -> None:
    _, levels = converse(monzo_answerer, "what is expected of a level 3 backend engineer?", "which levels are there?")
    assert levels.intent == "levels" and len(levels.levels) == 24


def test_a_missing_level_as_a_follow_up_keeps_the_craft(monzo_answerer: Answerer) -> None:
    _, missing = converse(monzo_answerer, "what does a level 3 backend engineer do for communication?",
                           "and at level 9?")
    assert missing.intent == "missing_level"
    assert missing.message and missing.message.startswith("Backend Engineering Craft has no Level 9; it has: ")


def test_promotion_from_there_starts_at_the_last_answers_level(monzo_answerer: Answerer) -> None:
    _, checklist = converse(monzo_answerer, "what does a level 3 backend engineer do for communication?",
                             "how do I get promoted from there?")
    assert checklist.intent == "checklist" and checklist.checklist is not None
    assert (checklist.checklist.current, checklist.checklist.target) == ("Level 3", "Level 4")


def test_a_comparison_keeps_the_one_craft_named_on_both_sides(monzo_answerer: Answerer) -> None:
    # What Teams' "Compare with the next level" sends after a Backend Level 3 Mastery answer: the craft
    # sits beside Level 4 in the words, but both levels are Backend's.
    answer = monzo_answerer.ask("Compare Mastery at Level 3 and Level 4 in Backend Engineering Craft")
    assert answer.intent == "compare"
    assert [(q.entry.craft, q.entry.level, q.entry.area) for q in answer.quotes] == [
        ("Backend Engineering Craft", "Level 3", "Mastery"), ("Backend Engineering Craft", "Level 4", "Mastery")]
