"""The forms people use for levels, on small made-up ladders: read from the titles alone, no model needed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from index.aliases import Structure
from index.intents import asks_for_todo
from index.tokens import words
from tests.support.frameworks import Ladder, area_table, page, structure_of, write_ladders, write_pages

if TYPE_CHECKING:
    from index.answer import Answerer


def _ladder(root: Path, titles: list[str], craft: str = "Engineering") -> Structure:
    for n, title in enumerate(titles, start=1):
        (root / f"p{n}.md").write_text(
            f'---\ntitle: "{title}"\nparent: {craft}\nnav_order: {n}\n---\n\n# {title}\n\n'
            "| Area | Expectation |\n|---|---|\n"
            f"| Delivery | Ships work of scope s{n}. |\n| Collaboration | Helps peers in circle c{n}. |\n",
            "utf-8",
        )
    return structure_of(root)


def named(structure: Structure, question: str) -> set[str]:
    return {v for m in structure.detect(question).mentions for f, v in m.values if f == "level"}


def missing(structure: Structure, question: str) -> list[str]:
    return [m.label for m in structure.detect(question).missing]


def test_a_ladder_noun_is_its_word_for_level(tmp_path: Path) -> None:
    s = _ladder(tmp_path, ["Milestone 1", "Milestone 2", "Milestone 3"])
    assert named(s, "what is expected at level 2?") == {"Milestone 2"}
    assert named(s, "milestone 3 collaboration") == {"Milestone 3"}
    assert named(s, "m2 delivery") == {"Milestone 2"}
    assert named(s, "the 2nd milestone") == {"Milestone 2"}
    # A number past the ladder is missing, named the way the ladder names it, never "no Level 2".
    assert missing(s, "what does milestone 7 look like") == ["Milestone 7"]
    assert missing(s, "level 2 delivery") == []


SRE = ["L1 Site Reliability Engineer", "L2 Site Reliability Engineer"]


@pytest.mark.parametrize(("titles", "question", "level"), [
    (SRE, "what does an L1 do", "L1 Site Reliability Engineer"),
    (SRE, "level 2 delivery", "L2 Site Reliability Engineer"),
    (["P1 - Product Manager 1", "P3 - Product Manager 3"], "P3 delivery", "P3 - Product Manager 3"),
    (["EM5 Engineering Manager", "EM6 Engineering Manager"], "em6 collaboration", "EM6 Engineering Manager"),
    (["TL4 Tech Lead", "TL5 Tech Lead"], "what do TL4s do", "TL4 Tech Lead"),
])
def test_a_code_at_the_start_of_a_title_names_it(tmp_path: Path, titles: list[str], question: str,
                                                   level: str) -> None:
    s = _ladder(tmp_path, titles)
    assert named(s, question) == {level}
    assert missing(s, question) == []


def test_the_words_after_a_titles_code_name_it(tmp_path: Path) -> None:
    """"L3 Senior Engineer", "TL5 Tech Lead": people say "a senior engineer", "a tech lead", "a TL", not only the
    code. Words that are only the job ("E3 Engineer") name no one level."""
    s = _ladder(tmp_path, ["E3 Engineer", "E4 Senior Engineer", "TL5 Tech Lead", "D6 Director"])
    assert named(s, "what does a senior engineer do?") == {"E4 Senior Engineer"}
    assert named(s, "what does a senior do for delivery?") == {"E4 Senior Engineer"}
    assert named(s, "what does a tech lead do?") == {"TL5 Tech Lead"}
    assert named(s, "what does a TL do?") == {"TL5 Tech Lead"}
    assert named(s, "director collaboration") == {"D6 Director"}
    assert named(s, "what do engineers do for delivery?") == set()
    # A code is no word of the title's initials: "DD" and "EE" name nothing.
    assert named(s, "what is the DD process?") == set()


def test_a_ladder_words_first_letter_and_an_ordinal_count_its_missing_levels(tmp_path: Path) -> None:
    """"m2" names Milestone 2, so "m5" is a Milestone 5 the ladder lacks, not a lookup; and "the 4th level" of a
    ladder numbered to 3 is missing as "level 4" is."""
    s = _ladder(tmp_path, ["Milestone 1", "Milestone 2", "Milestone 3"])
    assert missing(s, "what is m5?") == ["Milestone 5"]
    assert missing(s, "m5 delivery") == ["Milestone 5"]
    assert missing(s, "what is the 4th level?") == ["Level 4"]
    assert missing(s, "what is the 2nd level?") == []
    (tmp_path / "e").mkdir()
    numbered = _ladder(tmp_path / "e", ["Engineer I", "Engineer II", "Senior Engineer"])
    assert missing(numbered, "what is the fourth level?") == ["Level 4"]


def test_a_grade_letter_is_no_slip_of_another(tmp_path: Path) -> None:
    """A letter names its grade as a number does: "grade d" of Grades A-C is no Grade A misspelt (it was, and
    "grade d delivery" quoted Grade A's text), while a slip in the word beside the letter is still read."""
    s = _ladder(tmp_path, ["Grade A", "Grade B", "Grade C"])
    assert named(s, "grade d delivery") == set()
    assert named(s, "grde b delivery") == {"Grade B"}
    assert named(s, "what does a grade c do?") == {"Grade C"}


def test_a_job_nouns_first_letter_is_no_code_of_a_missing_level(tmp_path: Path) -> None:
    """"E5", "s3" are other companies' codes or other things (docs/retrieval.md): a job noun numbering a ladder
    ("Software Engineer I", "Data Scientist II") gives its first letter no level, so "im an e5 at my last job" and
    "is s3 knowledge expected" are no Engineer 5 or Scientist 3 the framework lacks; a ladder's own word still
    does ("m5" of Milestone 1-3)."""
    s = _ladder(tmp_path, ["Software Engineer I", "Software Engineer II", "Data Scientist I", "Data Scientist II"])
    assert missing(s, "im an e5 at my last job, what would i be here") == []
    assert missing(s, "is s3 knowledge expected of a software engineer ii") == []
    assert missing(s, "level 5 delivery") == ["Level 5"]
    (tmp_path / "m").mkdir()
    milestones = _ladder(tmp_path / "m", ["Milestone 1", "Milestone 2", "Milestone 3"])
    assert missing(milestones, "m5 delivery") == ["Milestone 5"]


def test_a_code_after_a_colon_numbers_the_title(tmp_path: Path) -> None:
    """"Backend:IC2" is numbered IC2, as "Backend - IC2" is: a colon sets a name apart with or without spaces
    (the same separator reads a step's name, "Task: small work"). So a number past its ladder is missing."""
    s = _ladder(tmp_path, ["Backend:IC1", "Backend:IC2", "Backend:IC3"])
    assert named(s, "ic2 delivery") == {"Backend:IC2"}
    assert missing(s, "what about ic5?") == ["IC5"]


def test_roman_numerals_are_numbers_in_titles_and_after_a_level_word(tmp_path: Path) -> None:
    s = _ladder(tmp_path, ["Level I", "Level II", "Level III", "Level IV", "Level V"])
    assert named(s, "level V delivery") == {"Level V"}
    assert named(s, "lvl iv") == {"Level IV"}
    assert named(s, "level 4 collaboration") == {"Level IV"}
    assert missing(s, "level 6") == ["Level 6"]
    # Alone, "I" is a pronoun: "do I need…" names no level; and "v" is "versus", no Level V.
    assert named(s, "do I need to write docs?") == set()
    assert named(s, "level 2 v level 3 delivery") == {"Level II", "Level III"}
    assert named(s, "iv") == set()


def test_sub_levels_written_in_roman_are_told_apart(tmp_path: Path) -> None:
    s = _ladder(tmp_path, ["Engineer I", "Engineer II", "Senior Engineer", "Staff Engineer"])
    assert named(s, "engineer ii delivery") == {"Engineer II"}
    assert named(s, "engineer 2 delivery") == {"Engineer II"}
    assert named(s, "engineer i collaboration") == {"Engineer I"}
    assert named(s, "level 2") == {"Engineer II"}
    # "engineers" is the job, not "Engineer I" a letter off.
    assert named(s, "what do engineers do for delivery") == set()
    # The titles number their own sub-levels, so "level 3" is not counted along the ladder.
    assert missing(s, "level 3 delivery") == ["Level 3"]


def test_a_ladder_of_names_is_counted_by_its_rungs(tmp_path: Path) -> None:
    s = _ladder(tmp_path, ["Associate", "Practitioner", "Expert", "Leader"])
    assert named(s, "level 2 delivery") == {"Practitioner"}
    assert named(s, "what is expected at the third level?") == {"Expert"}
    assert missing(s, "level 5") == ["Level 5"]


def test_a_seniority_word_no_title_carries_is_said_to_be_missing(tmp_path: Path) -> None:
    # What detection reports; whether it is the answer depends on the question's topic (below).
    s = _ladder(tmp_path, ["Associate", "Practitioner", "Expert"])
    assert missing(s, "what does a senior do?") == ['level called "Senior"']
    assert missing(s, "what does a senior backend engineer do?") == ['level called "Senior"']
    assert missing(s, "what's expected at junior level") == ['level called "Junior"']
    # People, not a level: left to the ranker.
    assert missing(s, "how do I work with senior stakeholders?") == []


def test_a_seniority_word_a_title_carries_names_that_title(tmp_path: Path) -> None:
    s = _ladder(tmp_path, ["Engineer", "Senior Engineer", "Staff Engineer"])
    assert named(s, "what does a senior engineer do?") == {"Senior Engineer"}
    assert missing(s, "what does a senior engineer do?") == []
    assert missing(s, "what does a principal engineer do?") == ['level called "Principal"']


@pytest.mark.parametrize(("question", "todo"), [
    ("do I need to do code reviews at level 2?", False),
    ("which areas are still to do?", True),
    ("what areas are left to do in level 3", True),
    ("which levels still have TODO areas", True),
])
def test_to_do_as_a_verb_is_no_todo_request(question: str, todo: bool) -> None:
    assert asks_for_todo(words(question), names_area=False) is todo


def test_a_missing_seniority_word_is_the_answer_only_when_the_level_is_the_topic(
        tmp_path: Path, open_answerer: Callable[[Path], Answerer]) -> None:
    content = tmp_path / "content"
    content.mkdir()
    _ladder(content, ["Associate", "Practitioner", "Expert"])
    answerer = open_answerer(content)
    level = answerer.ask("what does a senior engineer do?")
    assert level.intent == "missing_level"
    assert level.message == ('Engineering has no level called "Senior"; it has: Associate, Practitioner, Expert.')
    # A topic of its own ("peers in a circle") is answered from the text, whatever the level is called.
    topical = answerer.ask("how should a senior help peers in their circle?")
    assert topical.intent != "missing_level"
    assert topical.quotes and "Helps peers in circle" in topical.quotes[0].text


def _ladders(root: Path, ladders: dict[str, list[str]]) -> Structure:
    for craft, titles in ladders.items():
        for n, title in enumerate(titles, start=1):
            (root / f"{craft[:4]}{n}.md").write_text(
                f'---\ntitle: "{title}"\nparent: {craft}\ngrand_parent: Ladders\nnav_order: {n}\n---\n\n'
                f"# {title}\n\n- Works on tasks of size {n} for {craft}.\n- Writes notes n{n}.\n",
                "utf-8",
            )
    return structure_of(root)


PARALLEL = {
    "Engineering": ["Engineer I", "Engineer II", "Senior Engineer", "Staff Engineer"],
    "Developer Experience": ["DX Engineer I", "DX Engineer II", "Senior DX Engineer", "Staff DX Engineer"],
    "Documentation": ["Technical Writer I", "Technical Writer II", "Senior Technical Writer",
                      "Staff Technical Writer"],
}


def test_parallel_ladders_numbered_from_their_first_rung(tmp_path: Path) -> None:
    s = _ladders(tmp_path, PARALLEL)
    # A roman numeral after a name, even in the plural or after an abbreviated name, is that name's number.
    assert named(s, "what do tech writer IIs do with feedback") == {"Technical Writer II"}
    assert named(s, "do dx eng IIs talk to customers") == {"DX Engineer II"}
    assert named(s, "engineer ii tasks") == {"Engineer II"}
    # The last word of a numbered name is its code; "level 2" is every ladder's second.
    assert named(s, "writer 2 tasks") == {"Technical Writer II"}
    assert named(s, "level 2 writer") == {"Engineer II", "DX Engineer II", "Technical Writer II"}
    # A word that starts several titles names all of them: the rest of the question picks one.
    assert named(s, "how should a staff writer review prs") == {
        "Staff Engineer", "Staff DX Engineer", "Staff Technical Writer"}


def test_numbers_that_start_above_the_first_rung_are_sub_levels(tmp_path: Path) -> None:
    s = _ladders(tmp_path, {"Engineering": ["Junior Engineer", "Engineer", "Senior Engineer 1", "Senior Engineer 2"]})
    assert named(s, "senior engineer 2 tasks") == {"Senior Engineer 2"}
    assert missing(s, "what does a level 1 do") == ["Level 1"]


# Made up: a ladder beside a level outside it, written "Misc: Tech Lead" as a page title, and an introduction
# whose "tl;dr" section shares the letters "tl" with the question.
TECH_LEAD = {
    "eng": Ladder("Engineering", [
        ("Engineer I", area_table({"Delivery": "Ships small, well-defined changes with help from a mentor."})),
        ("Engineer II", area_table({"Delivery": "Ships features end to end and reviews the changes of peers."})),
        ("Misc: Tech Lead", "A tech lead leads one project and answers for the quality of what it delivers.\n\n"
                            "- Keeps the project's work moving, unblocks people and raises concerns to management.\n"
                            "- Pairs with and mentors the engineers on the project.\n"),
    ]),
}
INTRODUCTION = page(
    "# Introduction\n\nThis ladder shows what each level of the role expects.\n\n## tl;dr\n\n"
    "Up to Engineer II you grow your own craft; beyond it you grow the people around you.\n",
    title="Introduction", permalink="/introduction", parent="Acme Ladder", nav_order=0)


def test_initials_of_a_titles_name_after_its_label_name_that_level(
        tmp_path: Path, open_answerer: Callable[[Path], Answerer]) -> None:
    """docs/retrieval.md step 2: capitalised initials of every name, and of each part a title is written in
    ("Misc: Tech Lead" is "Tech Lead", so "TL"), name it; the initials are written out before the question is
    embedded, so "what does a TL actually do" quotes the Tech Lead page, not the "tl;dr" section."""
    content = write_ladders(tmp_path / "content", TECH_LEAD)
    write_pages(content, {"introduction.md": INTRODUCTION})
    assert named(structure_of(content), "what does a TL actually do") == {"Misc: Tech Lead"}
    answer = open_answerer(content).ask("what does a TL actually do")
    assert answer.confident and answer.quotes, answer
    assert answer.quotes[0].entry.level == "Misc: Tech Lead", answer.quotes[:2]


def test_level_n_is_the_ladder_counted_from_one_not_the_track_that_borrows_its_numbers(
        tmp_path: Path, open_answerer: Callable[[Path], Answerer]) -> None:
    # One craft, two tracks: IC1..IC4 counts its levels, M3..M4 starts beside IC3. Asked "level 3" with no code,
    # people mean the third level, IC3; the manager's cell, though its words are closer, is M3's, named "M3".
    delivery = {
        "IC1": "Ships small fixes with help.", "IC2": "Ships features with some help.",
        "IC3": "Ships whole projects alone and sets their plans.", "IC4": "Ships work across several teams.",
        "M3": "Owns the delivery of a team: its delivery plans, delivery dates and delivery reviews.",
        "M4": "Owns the delivery of several teams through their managers.",
    }
    content = tmp_path / "content"
    content.mkdir()
    for n, (title, text) in enumerate(delivery.items(), start=1):
        (content / f"p{n}.md").write_text(
            f'---\ntitle: "{title}"\nparent: Engineering\nnav_order: {n}\n---\n\n# {title}\n\n'
            f"| Area | Expectation |\n|---|---|\n| Delivery | {text} |\n| Collaboration | Works with peers p{n}. |\n",
            "utf-8",
        )
    answerer = open_answerer(content)
    answer = answerer.ask("what does delivery look like at level 3?")
    assert answer.confident and answer.quotes
    assert (answer.quotes[0].entry.level, answer.quotes[0].entry.area) == ("IC3", "Delivery")
    # The code still names the manager's level.
    coded = answerer.ask("what does delivery look like for an M3?")
    assert coded.quotes and coded.quotes[0].entry.level == "M3"


def test_a_bare_numeral_after_a_sub_level_is_its_sibling(open_answerer: Callable[[Path], Answerer],
                                                         multilevel_answerer: Answerer, tmp_path: Path) -> None:
    """"from senior engineer I to II" moves between the rung's two sub-levels: the bare "II" was no level
    (refused), and "senior engineer 1 to 2" moved from Engineer 2, every title numbered 2 being read."""
    cells = "## Craft\n" + area_table({"Delivery": "Ships planned work.", "Mentoring": "Helps others grow."})
    titles = ["Engineer", "Senior Engineer I", "Senior Engineer II", "Staff Engineer"]
    ladder = Ladder("Engineering", [(t, cells) for t in titles])
    answerer = open_answerer(write_ladders(tmp_path / "fw", {"eng": ladder}))
    answer = answerer.ask("how do I go from senior engineer I to II?")
    assert answer.intent == "checklist"
    assert [lv.title for lv in answer.levels] == ["Senior Engineer I", "Senior Engineer II"]
    compared = answerer.ask("senior engineer I vs II delivery")
    assert compared.intent == "compare"
    assert [q.entry.level for q in compared.quotes] == ["Senior Engineer I", "Senior Engineer II"]
    # Two tracks share the number: which one is the asker's to say, never Engineer 2.
    choice = multilevel_answerer.ask("how do I go from senior engineer 1 to 2?")
    assert choice.intent == "choose" and "Engineer 2" not in (choice.message or "")
    assert {c.label for c in choice.choices} and all("Senior Engineer 2" in c.label for c in choice.choices)
