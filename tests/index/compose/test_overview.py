"""index/compose/overview.py: everything expected at one level, the first paragraph of each of its areas
in page order ("what is expected at level 3?")."""

from __future__ import annotations

import pytest

from index import Answerer
from index.compose import overview
from tests.index.compose.helpers import kinds_of
from tests.support.answers import converse
from tests.support.frameworks import Ladder, area_table, write_ladders


@pytest.mark.parametrize("kind", kinds_of(overview))
def test_the_overview_composer_alone_gives_the_answer_of_its_intent(kind: str, asked_on_multilevel) -> None:
    asked_on_multilevel(kind)


def test_a_level_overview_quotes_each_area_of_the_level_in_page_order(harbor, composed) -> None:
    answer = composed(harbor, "level", "what is expected of an Engineer 2?")
    assert answer.confident and answer.message == "Engineer 2: 4 area(s)."
    assert [(q.entry.level, q.entry.area) for q in answer.quotes] == [
        ("Engineer 2", "Delivery"), ("Engineer 2", "Collaboration"), ("Engineer 2", "Mentoring"),
        ("Engineer 2", "On-call")]


def test_a_level_overview_counts_the_areas_not_written_yet(harbor, composed) -> None:
    answer = composed(harbor, "level", "what is expected at Engineer 1?")
    assert answer.message == "Engineer 1: 3 area(s), 1 not written yet."
    assert [q.entry.area for q in answer.quotes if q.todo] == ["On-call"]


# Made up: one level copied between two ladders, one copy with a note added, and a level both ladders write
# differently.
COPIED = {
    "web": Ladder("Web Engineering", [
        ("Tech Lead", area_table({"Scope": "Leads one project and answers for the quality of what it ships."})),
        ("Staff", area_table({"Scope": "Sets the web platform's direction for a year."})),
    ]),
    "dx": Ladder("Developer Experience", [
        ("Tech Lead", area_table({"Scope": "Leads one project and answers for the quality of what it ships.",
                                  "Note": "Developer Experience mixes engineering and advocacy."})),
        ("Staff", area_table({"Scope": "Sets the direction of the public developer tools for a year."})),
    ]),
}


@pytest.fixture(scope="module")
def copied(open_answerer, tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    return open_answerer(write_ladders(tmp_path_factory.mktemp("copied"), COPIED))


def test_a_level_copied_between_crafts_is_answered_without_asking_which(copied: Answerer, composed) -> None:
    # The fuller copy holds every word of the other: which craft is meant changes nothing, so the overview
    # quotes it and says so, instead of a choice with nothing to choose.
    answer = composed(copied, "level", "is tech lead a level?")
    assert answer.confident and not answer.choices
    assert [(q.entry.craft, q.entry.area) for q in answer.quotes] == [
        ("Developer Experience", "Scope"), ("Developer Experience", "Note")]
    assert answer.message == "Tech Lead: 2 area(s); what Web Engineering writes of it is part of this."
    # A level the crafts write differently still asks which one.
    other = copied.ask("what is expected of a staff?")
    assert other.intent == "choose" and not other.quotes
    assert sorted(c.label for c in other.choices) == ["Developer Experience", "Web Engineering"]


def test_the_next_level_up_and_what_it_needs_leads_with_what_it_takes(volunteers: Answerer) -> None:
    # "What do I need for it?" of the level above: the level as written, the area that says what it takes first,
    # not its page's first section.
    _, up = converse(volunteers, "what does a helper do?", "what's the next role up and what do I need for it?")
    assert up.confident and up.quotes
    assert {q.entry.level for q in up.quotes} == {"Organiser"}
    top = up.quotes[0]
    assert top.entry.area == "Requirements" and "nominated by an organiser" in top.text


def test_reaching_a_level_embeds_the_questions_words_not_its_area_names(volunteers: Answerer,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # The area names were embedded with the index (the vocabulary bridge's): asking again costs the question's own
    # words, not one more encode per area of the level.
    first = volunteers.ask("what does a helper do?")
    asked: list[str] = []
    encode = volunteers.embedder.encode_query
    monkeypatch.setattr(volunteers.embedder, "encode_query", lambda text: asked.append(text) or encode(text))
    up = volunteers.ask("what's the next role up and what do I need for it?", context=first.context)
    assert up.quotes[0].entry.area == "Requirements"
    areas = {e.area for e in volunteers.index.entries}
    assert asked and not areas & set(asked)


@pytest.mark.parametrize("step", ["and the next level up?", "and the level above?", "and one level up?"])
def test_a_step_alone_to_the_next_level_quotes_it_as_written(harbor: Answerer, step: str) -> None:
    # The step says nothing of the level above but that it is wanted: its areas in page order, not led by
    # whichever area name the model puts nearest "next level up".
    _, up = converse(harbor, "what is expected of engineer 2?", step)
    assert up.confident and {q.entry.level for q in up.quotes} == {"Engineer 3"}
    written = [q.entry.area for q in harbor.ask("what is expected of engineer 3?").quotes]
    assert [q.entry.area for q in up.quotes] == written, step
