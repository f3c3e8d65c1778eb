"""index/compose/compare.py: two levels compared on one area, side by side, the higher level's words new
against the lower's marked."""

from __future__ import annotations

import pytest

from index import Answerer
from index.compose import compare
from tests.index.compose.helpers import kinds_of
from tests.support.frameworks import Ladder, area_table, bullets, page, write_ladders, write_pages


@pytest.mark.parametrize("kind", kinds_of(compare))
def test_the_compare_composer_alone_gives_the_answer_of_its_intent(kind: str, asked_on_multilevel) -> None:
    asked_on_multilevel(kind)


def test_two_levels_are_quoted_side_by_side_with_the_higher_ones_new_words_marked(harbor, composed) -> None:
    answer = composed(harbor, "compare", "Engineer 1 vs Engineer 3 for delivery")
    assert answer.confident
    assert [(q.entry.level, q.entry.area) for q in answer.quotes] == [("Engineer 1", "Delivery"),
                                                                      ("Engineer 3", "Delivery")]
    lower, higher = answer.quotes
    assert lower.new_words is None
    assert higher.new_against == "Engineer 1" and higher.new_words


def test_a_level_without_the_area_is_named(harbor, composed) -> None:
    answer = composed(harbor, "compare", "Engineer 1 vs Engineer 2 for mentoring")
    assert [(q.entry.level, q.entry.area) for q in answer.quotes] == [("Engineer 2", "Mentoring")]
    assert (answer.message or "").lower() == "engineer 1 has no mentoring area."


# Level pages written as prose under the level's own title (no area table), and one level (Staff Engineer)
# written only as areas: a comparison anchored on a level's introduction compares the two levels.
LANTERN = {
    "eng": Ladder("Platform Engineering", [
        ("Engineer 1", bullets(["Fixes small bugs in one service with a reviewer's help.",
                                "Asks teammates early when stuck."])),
        ("Engineer 2", bullets(["Ships whole features across two services on their own.",
                                "Reviews the pull requests of newer teammates."])),
        ("Senior Engineer", bullets(["Leads the design of the services their team owns.",
                                     "Mentors engineers through their first on-call rota."])),
        ("Staff Engineer", area_table({"Delivery": "Plans the quarterly delivery of the whole platform.",
                                       "Mentoring": "Coaches senior engineers on design reviews."})),
    ]),
}


@pytest.fixture(scope="module")
def lantern(open_answerer, tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    return open_answerer(write_ladders(tmp_path_factory.mktemp("lantern") / "content", LANTERN, framework="Lantern"))


@pytest.mark.parametrize("question", ["Engineer 2 vs Senior Engineer?", "engineer 2 vs senior?"])
def test_two_levels_introductions_are_compared_and_no_level_is_called_a_missing_area(lantern, composed,
                                                                                    question: str) -> None:
    answer = composed(lantern, "compare", question)
    assert answer.confident
    assert "area" not in (answer.message or "")
    by_level = {q.entry.level: q for q in answer.quotes}
    assert sorted(by_level) == ["Engineer 2", "Senior Engineer"]
    assert "Ships whole features across two services" in by_level["Engineer 2"].text
    assert "Leads the design of the services" in by_level["Senior Engineer"].text
    assert by_level["Senior Engineer"].new_against == "Engineer 2" and by_level["Senior Engineer"].new_words


@pytest.mark.parametrize(("question", "leads"), [
    ("Engineer 2 vs Senior Engineer - who mentors engineers on call?", "Senior Engineer"),
    ("Senior Engineer vs Engineer 2 - who reviews pull requests?", "Engineer 2"),
])
def test_of_two_levels_introductions_the_one_that_answers_the_question_leads(lantern, composed, question: str,
                                                                             leads: str) -> None:
    answer = composed(lantern, "compare", question)
    assert [q.entry.level for q in answer.quotes][0] == leads and len(answer.quotes) == 2


def test_a_level_without_an_introduction_is_said_to_have_none_and_its_areas_are_quoted(lantern, composed) -> None:
    answer = composed(lantern, "compare", "Senior Engineer vs Staff Engineer?")
    assert (answer.message or "").lower() == ("staff engineer has no introduction of its own: the first "
                                              "paragraph of each of its areas is quoted instead.")
    assert sorted((q.entry.level, q.entry.area) for q in answer.quotes) == [
        ("Senior Engineer", "Senior Engineer"), ("Staff Engineer", "Delivery"), ("Staff Engineer", "Mentoring")]


@pytest.mark.parametrize(("question", "carried"), [
    ("Engineer 2 vs Senior Engineer - who mentors engineers on call?", "Senior Engineer"),
    ("Senior Engineer vs Engineer 2 - who reviews pull requests?", "Engineer 2"),
])
def test_after_two_levels_introductions_the_conversation_carries_the_leading_level_and_no_other_levels_name(
        lantern, question: str, carried: str) -> None:
    context = lantern.ask(question).context
    assert context is not None
    assert (context.level, context.area) == (carried, carried)


# Two roles on one ladder, and the ladder's page speaking of both in one sentence: prose that names two roles is
# about each of them, so it must not make "a reviewer and an approver" one name (docs/retrieval.md, step 4).
QUAY = {
    "owners": Ladder("Code Ownership", [
        ("Reviewer", bullets(["Checks each change for correctness and for the tests it needs.",
                              "Answers review requests within two working days."])),
        ("Approver", bullets(["Accepts a change as a whole, for how it fits the rest of the system.",
                              "Decides when a change is ready to merge."])),
    ], intro="## Merging\n\nEvery change needs one reviewer and one approver before it merges.\n"),
}


@pytest.fixture(scope="module")
def quay(open_answerer, tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    return open_answerer(write_ladders(tmp_path_factory.mktemp("quay") / "content", QUAY, framework="Quay"))


@pytest.mark.parametrize("question", ["what's the difference between a reviewer and an approver?",
                                      "reviewer vs approver"])
def test_two_roles_the_ladders_prose_names_together_are_compared(quay, composed, question: str) -> None:
    answer = composed(quay, "compare", question)
    assert answer.confident
    by_level = {q.entry.level: q.text for q in answer.quotes}
    assert sorted(by_level) == ["Approver", "Reviewer"]
    assert "Checks each change for correctness" in by_level["Reviewer"]
    assert "Accepts a change as a whole" in by_level["Approver"]
    assert all("Every change needs one reviewer" not in q.text for q in answer.quotes)


# The same two roles in a second ladder whose text happens to say "differ" and "differences": a word of comparison
# asks for the two side by side and names no topic, so it is no evidence for that text (docs/retrieval.md, step 3).
QUAY_RELEASES = {**QUAY, "release": Ladder("Release Team", [
    ("Reviewer", bullets(["Release notes differ from team to team; reads each team's differences aloud."])),
    ("Approver", bullets(["Release dates differ by region; lists the differences in the release calendar."])),
])}


@pytest.fixture(scope="module")
def quay_releases(open_answerer, tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    return open_answerer(write_ladders(tmp_path_factory.mktemp("quay-releases") / "content", QUAY_RELEASES,
                                       framework="Quay"))


def test_a_word_of_comparison_does_not_pick_the_text_that_happens_to_use_it(quay_releases, composed) -> None:
    answer = composed(quay_releases, "compare", "what's the difference between a reviewer and an approver?")
    assert {q.entry.craft for q in answer.quotes} == {"Code Ownership"}


# Two ladders whose titles share their seniority words, and an introduction outside both that says in its
# own words how the levels differ, whatever the ladder (docs/retrieval.md, compare).
QUILL = {
    "eng": Ladder("Engineering", [
        ("Engineer I", bullets(["Fixes small bugs with a reviewer's help."])),
        ("Engineer II", bullets(["Ships whole features on their own."])),
        ("Senior Engineer", bullets(["Owns the design of one service end to end.",
                                     "Reviews code for the whole team."])),
        ("Staff Engineer", bullets(["Sets the technical direction for several teams.",
                                    "Grows other engineers into service owners."])),
    ]),
    "docs": Ladder("Technical Writing", [
        ("Technical Writer I", bullets(["Writes release notes from a template."])),
        ("Technical Writer II", bullets(["Writes whole tutorials on their own."])),
        ("Senior Technical Writer", bullets(["Plans the documentation of a product area.",
                                             "Edits the drafts of other writers."])),
        ("Staff Technical Writer", bullets(["Sets the style guide every writer follows.",
                                            "Trains engineers to write their own guides."])),
    ]),
}
QUILL_INTRO = page("# Introduction\n\n## In short\n\nUp to Senior, you become the best you can be yourself.\n\n"
                   "At Staff level, the job turns to helping others succeed and scaling yourself.\n",
                   title="Introduction", permalink="/introduction", parent="Quill", nav_order=0)


@pytest.fixture(scope="module")
def quill(open_answerer, tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    content = write_ladders(tmp_path_factory.mktemp("quill") / "content", QUILL, framework="Quill")
    return open_answerer(write_pages(content, {"introduction.md": QUILL_INTRO}))


@pytest.mark.parametrize("question", ["senior vs staff - what actually changes?", "staff vs senior?"])
def test_two_levels_every_ladder_has_are_compared_in_the_frameworks_own_words(quill, composed,
                                                                             question: str) -> None:
    answer = composed(quill, "compare", question)
    assert answer.confident
    assert "At Staff level, the job turns to helping others" in answer.quotes[0].text
    assert not any(q.entry.level for q in answer.quotes)  # no one ladder's levels picked at random


@pytest.mark.parametrize("question", ["what's the difference in salary between senior and staff?",
                                      "senior vs staff: how much are they paid?"])
def test_two_levels_compared_on_a_topic_the_framework_never_speaks_to_are_not_answered_from_prose(
        quill, composed, question: str) -> None:
    # The introduction compares Senior and Staff, but not their pay: the question is asked back, as it is where
    # no such prose exists, not answered confidently with the introduction.
    answer = composed(quill, "compare", question)
    assert not answer.confident and not answer.quotes
    assert answer.message.startswith("Which area should I compare?")


def test_two_levels_of_one_named_ladder_are_still_side_by_side(quill, composed) -> None:
    answer = composed(quill, "compare", "senior engineer vs staff engineer?")
    assert [q.entry.level for q in answer.quotes] == ["Senior Engineer", "Staff Engineer"]


# The same ladders with no introduction, and a page outside them that names both levels only in passing.
QUILL_IN_PASSING = page("# Hiring\n\n## Panels\n\nEvery panel has a senior or staff interviewer and a note taker.\n",
                        title="Hiring", permalink="/hiring", parent="Quill", nav_order=9)


@pytest.fixture(scope="module")
def quill_in_passing(open_answerer, tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    content = write_ladders(tmp_path_factory.mktemp("quill-passing") / "content", QUILL, framework="Quill")
    return open_answerer(write_pages(content, {"hiring.md": QUILL_IN_PASSING}))


def test_prose_that_names_both_levels_in_passing_is_no_comparison(quill_in_passing, composed) -> None:
    answer = composed(quill_in_passing, "compare", "senior vs staff - who sets the technical direction?")
    assert sorted(q.entry.level for q in answer.quotes) == ["Senior Engineer", "Staff Engineer"]
