"""The question model (index/query.py, docs/retrieval.md "The question model"): a question read once into
a `Query` whose intent comes from the ordered decision table of index/intents.py, before any ranking and
without the embedding model. Every framework here is made up in the test."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.aliases import Structure
from index.parse import load_content
from index.query import Query, asked


def _ladder(root: Path, titles: list[str], craft: str = "Engineering",
            areas: tuple[str, ...] = ("Delivery", "Collaboration")) -> Structure:
    root.mkdir(parents=True, exist_ok=True)
    for n, title in enumerate(titles, start=1):
        rows = "".join(f"| {a} | {a} work of scope s{n}, with circle c{n}. |\n" for a in areas)
        (root / f"p{n}.md").write_text(
            f'---\ntitle: "{title}"\nparent: {craft}\nnav_order: {n}\n---\n\n# {title}\n\n'
            f"| Area | Expectation |\n|---|---|\n{rows}",
            "utf-8",
        )
    content = load_content(root)
    assert not content.errors, content.errors
    return Structure(content.entries)


def levels(q: Query) -> set[str]:
    return {v for m in q.levels for f, v in m.values if f == "level"}


# --- level forms ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("titles", "question", "level"), [
    (["L1 Site Reliability Engineer", "L2 Site Reliability Engineer", "L3 Site Reliability Engineer"],
     "what does an L3 do about incidents?", "L3 Site Reliability Engineer"),
    (["Level I", "Level II", "Level III", "Level IV", "Level V"], "level V delivery", "Level V"),
    (["Associate", "Practitioner", "Expert"], "what does the 2nd level do for delivery?", "Practitioner"),
    (["Milestone 1", "Milestone 2", "Milestone 3"], "milestone 2 collaboration", "Milestone 2"),
    (["Milestone 1", "Milestone 2", "Milestone 3"], "what is expected at level 2?", "Milestone 2"),
    (["Junior Engineer", "Engineer", "Senior Engineer", "Staff Engineer"], "how does a senior ship work?",
     "Senior Engineer"),
])
def test_level_forms_name_the_level(tmp_path: Path, titles: list[str], question: str, level: str) -> None:
    q = asked(_ladder(tmp_path, titles), question)
    assert levels(q) == {level}
    assert not q.missing


def test_a_level_no_title_carries_is_missing_not_another(tmp_path: Path) -> None:
    q = asked(_ladder(tmp_path, ["Milestone 1", "Milestone 2", "Milestone 3"]), "what does milestone 7 look like?")
    assert [m.label for m in q.missing] == ["Milestone 7"]
    assert q.intent == "missing_level" and q.fired == ("missing-level",)


def test_crafts_and_areas_are_read_with_the_forms_that_matched(tmp_path: Path) -> None:
    _ladder(tmp_path / "backend", ["Level 1", "Level 2"], craft="Backend Engineering")
    s = _ladder(tmp_path / "mobile", ["Level 1", "Level 2"], craft="Mobile Engineering")
    content = load_content(tmp_path)
    s = Structure(content.entries)
    q = asked(s, "what does collaboration look like at level 2 in mobile engineering?")
    assert {v for m in q.crafts for f, v in m.values if f == "craft"} == {"Mobile Engineering"}
    assert [v for m in q.areas for f, v in m.values if f == "area"] == ["Collaboration"]
    assert levels(q) == {"Level 2"}
    explained = q.to_json()
    assert explained["crafts"][0]["typed"] == "mobile engineering"
    assert explained["levels"][0]["names"] == ["Level 2"]


# --- the asker's own level ----------------------------------------------------------------------------------


@pytest.mark.parametrize("question", ["I'm an L3, how do I grow my delivery?", "I am an L3 - what about delivery?"])
def test_the_askers_own_level(tmp_path: Path, question: str) -> None:
    s = _ladder(tmp_path, ["L1 Engineer", "L2 Engineer", "L3 Engineer", "L4 Engineer"])
    q = asked(s, question)
    assert q.own_level is not None
    assert " ".join(q.words[q.own_level[0]:q.own_level[1]]) == "level 3"


def test_as_a_senior_engineer_is_the_askers_level(tmp_path: Path) -> None:
    s = _ladder(tmp_path, ["Junior Engineer", "Engineer", "Senior Engineer", "Staff Engineer"])
    q = asked(s, "as a senior engineer, how much delivery do I own?")
    assert q.own_level is not None and levels(q) == {"Senior Engineer"}
    # Naming a level is not being at it.
    assert asked(s, "what does a senior engineer own in delivery?").own_level is None


def test_im_a_level_and_a_move_is_the_level_after_it(tmp_path: Path) -> None:
    s = _ladder(tmp_path, ["L1 Engineer", "L2 Engineer", "L3 Engineer", "L4 Engineer"])
    q = asked(s, "I'm an L3, how do I get promoted?")
    assert q.intent == "checklist" and q.fired == ("move-from-one-level",)
    assert q.plan.current_named


# --- intents from the decision table -----------------------------------------------------------------------


def test_do_i_need_to_do_code_reviews_is_no_todo_request(tmp_path: Path) -> None:
    s = _ladder(tmp_path, ["Level 1", "Level 2"], areas=("Code Review", "Delivery"))
    q = asked(s, "do I need to do code reviews?")
    assert not q.todo
    assert q.intent == "lookup" and q.fired == ("lookup",)
    # The TODO list is asked for in words about the framework's areas.
    todo = asked(s, "which areas are still to do?")
    assert todo.intent == "todo" and todo.fired == ("todo",)


def test_staff_ii_against_staff_i_compares_two_levels(tmp_path: Path) -> None:
    s = _ladder(tmp_path, ["Senior Engineer", "Staff Engineer I", "Staff Engineer II", "Principal Engineer"])
    q = asked(s, "how is staff II different from staff I?")
    assert q.intent == "compare" and q.fired == ("two-names",)
    assert [levels_of(s, side) for side in q.plan.sides] == [{"Staff Engineer II"}, {"Staff Engineer I"}]


def test_two_roles_compared_that_prose_names_together_are_two_names_and_uncompared_select_that_prose(
        tmp_path: Path) -> None:
    # The ladder's own page speaks of both roles in one sentence.
    _ladder(tmp_path, ["Reviewer", "Approver"], craft="Code Ownership")
    (tmp_path / "craft.md").write_text('---\ntitle: "Code Ownership"\nhas_children: true\n---\n\n'
                                       "# Code Ownership\n\n## Merging\n\n"
                                       "Every change needs one reviewer and one approver.\n", "utf-8")
    s = Structure(load_content(tmp_path).entries)
    compared = asked(s, "what's the difference between a reviewer and an approver?")
    assert compared.intent == "compare" and compared.fired == ("two-names",)
    assert [levels_of(s, side) for side in compared.plan.sides] == [{"Reviewer"}, {"Approver"}]
    both = asked(s, "do I need to be a reviewer before an approver?")
    assert both.intent != "compare" and both.narrowed is not None
    assert {s.area_of[i] for i in both.narrowed.nonzero()[0]} == {"Merging"}


def levels_of(s: Structure, rows: object) -> set[str]:
    return s.levels(rows)  # type: ignore[arg-type]


def test_what_is_a_principal_asks_what_the_role_is(tmp_path: Path) -> None:
    s = _ladder(tmp_path, ["Engineer", "Senior Engineer", "Principal Engineer"])
    q = asked(s, "what is a principal?")
    assert q.intent == "level" and q.fired == ("what-is-a-level",)
    assert levels_of(s, q.plan.sides[0]) == {"Principal Engineer"}
    # Where no title says "principal", the honest answer is that there is no such level.
    none = asked(_ladder(tmp_path / "other", ["Engineer", "Senior Engineer"]), "what is a principal?")
    assert none.intent == "missing_level"


@pytest.mark.parametrize(("question", "intent", "row"), [
    ("what comes after L2?", "next", "level-above"),
    ("what is the level below L3?", "previous", "level-below"),
    ("what do I need to go from L2 to L3?", "checklist", "move-between-two-levels"),
    ("which levels are there?", "levels", "list-of-levels"),
    ("what is expected at L2?", "level", "whole-level"),
    ("how does an L2 handle delivery?", "lookup", "lookup"),
    ("what's the difference between delivery and collaboration?", "compare_areas", "two-areas-compared"),
    ("which cells are not written yet?", "todo", "todo"),
])
def test_the_decision_table_rows(tmp_path: Path, question: str, intent: str, row: str) -> None:
    s = _ladder(tmp_path, ["L1 Engineer", "L2 Engineer", "L3 Engineer", "L4 Engineer"])
    q = asked(s, question)
    assert (q.intent, q.fired) == (intent, (row,))


@pytest.mark.parametrize(("area", "question"), [
    ("Competencies", "what comes after senior engineer?"),
    ("Measurement", "what does senior engineer mean?"),
    ("Serviceability", "who does a senior engineer serve?"),
])
def test_an_ordinary_word_before_a_level_is_no_abbreviation_of_an_area(tmp_path: Path, area: str,
                                                                       question: str) -> None:
    """A word of the language is no abbreviation of a longer name (docs/retrieval.md, "Names"), though
    it has that name's first letters and the framework's text never uses it: "comes" is not short for
    Competencies, so the question names one level and asks what follows it, not two names to compare."""
    s = _ladder(tmp_path, ["Engineer", "Senior Engineer", "Staff Engineer"], areas=(area, "Delivery"))
    q = asked(s, question)
    assert levels(q) == {"Senior Engineer"}
    assert not q.areas and q.text == question  # not rewritten as the area's name either
    assert q.intent != "compare"


def test_a_word_cut_short_that_is_no_word_still_names_an_area(tmp_path: Path) -> None:
    s = _ladder(tmp_path, ["Engineer", "Senior Engineer"], areas=("Conversations", "Delivery"))
    q = asked(s, "convo skills for a senior engineer?")
    assert {v for m in q.areas for _, v in m.values} == {"Conversations"}


def test_topic_words_are_the_questions_own(tmp_path: Path) -> None:
    s = _ladder(tmp_path, ["L1 Engineer", "L2 Engineer"])
    q = asked(s, "what is expected of an L2 engineer about incidents in delivery?")
    assert q.unnamed == ("incident",)  # names, asking words and glue left out
    assert q.topic == ("incident", "delivery")  # an area's name is what the question is about


def test_a_slip_of_a_function_word_is_read_as_every_function_word_is_tried() -> None:
    """The function words kept by first letter (issue 23) find the same slips as trying every function
    word: typed slips, the words of a real page, and function words themselves."""
    from rapidfuzz.distance import OSA

    from index import load_content
    from index.query import _glue
    from index.tokens import STOPWORDS, words

    def slowly(word: str, vocabulary: set[str]) -> bool:
        if word in STOPWORDS:
            return True
        if len(word) < 3 or word in vocabulary:
            return False
        return any(len(g) >= 3 and g[0] == word[0] and OSA.distance(word, g) <= 1 for g in STOPWORDS)

    entries = load_content(Path(__file__).resolve().parents[2] / "tests/fixtures/multilevel").entries
    vocabulary = {w for e in entries for w in words(e.description)}
    typed = ["wht", "abot", "shuold", "whihc", "teh", "thier", "backend", "wich", "hwo", "doe", "a", "xyz"]
    checked = typed + sorted(STOPWORDS) + sorted({w for e in entries for w in words(e.description + " " + e.area)})
    assert [_glue(w, set()) for w in checked] == [slowly(w, set()) for w in checked]
    assert [_glue(w, vocabulary) for w in checked] == [slowly(w, vocabulary) for w in checked]
    assert sum(_glue(w, vocabulary) and w not in STOPWORDS for w in typed) >= 4  # slips are found at all
