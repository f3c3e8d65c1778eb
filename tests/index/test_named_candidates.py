"""The candidates a question's names leave (index/aliases.py `Structure.mask`, index/search.py): the right
entry must stay among them, since no ranking can reach an entry the names have excluded."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from index.answer import Answerer
from tests.support.frameworks import Ladder, area_table, structure_of, write_ladders


def _first_level(answerer: Answerer, question: str) -> str:
    """The level of the entry ranked first for the question: the names must have left it a candidate."""
    answer = answerer.ask(question)
    assert answer.ranking is not None and answer.ranking.hits
    return answerer.entries[answer.ranking.hits[0].entry].level


# Made up: titles that end in a roman numeral above an unnumbered first rung, beside a ladder numbered
# "Level I", "Level II".
TRANSFORMERS = {
    "dt": Ladder("Digital Transformer", [
        ("Associate Digital Transformer", area_table({"Planning": "Follows the plan a senior colleague sets."})),
        ("Digital Transformer I", area_table({"Planning": "Plans the digital work of one team for a quarter."})),
        ("Digital Transformer II",
         area_table({"Planning": "Plans the digital work of several disciplines for a year."})),
    ]),
    "consultant": Ladder("Consultant", [
        ("Level I", area_table({"Delivery": "Delivers client work with support from a lead."})),
        ("Level II", area_table({"Delivery": "Delivers client work alone and plans the next phase."})),
    ]),
}


@pytest.fixture(scope="module")
def transformers(open_answerer: Callable[..., Answerer], tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    return open_answerer(write_ladders(tmp_path_factory.mktemp("transformers"), TRANSFORMERS))


@pytest.mark.parametrize("question", ["what does a DT II plan for?", "how far ahead does a dt 2 plan?"])
def test_a_titles_initials_and_roman_number_name_it(transformers: Answerer, question: str) -> None:
    # "DT II" is Digital Transformer II by its initials and number, as "EM1" is Engineering Manager 1; it is
    # no unknown code before a bare number (which would be every ladder's second rung, "Level II" here).
    assert _first_level(transformers, question) == "Digital Transformer II"


# Made up: a craft and an area with the same initials ("PM"), and a verb that starts the area's second word.
OPERATIONS = {
    "pm": Ladder("Product Manager", [
        ("Product Manager", area_table({"Team": "Works with one delivery team and its designer."})),
        ("Senior Product Manager", area_table({"Team": "Manages two product managers and sets their goals."})),
    ]),
    "ops": Ladder("Operations Engineer", [
        ("Operations Engineer", area_table({"Problem management": "Finds the causes behind repeated incidents."})),
        ("Senior Operations Engineer",
         area_table({"Problem management": "Leads reviews of incidents that keep coming back."})),
    ]),
}


@pytest.fixture(scope="module")
def operations(open_answerer: Callable[..., Answerer], tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    return open_answerer(write_ladders(tmp_path_factory.mktemp("operations"), OPERATIONS))


def test_initials_in_capitals_are_initials_not_a_word_cut_short(operations: Answerer) -> None:
    # "PM" spells Product Manager (and Problem management) by initials; it is no "problem" cut short, so
    # "senior PM manage" is a senior product manager, not the area Problem management ("manage" a verb).
    assert _first_level(operations, "who does a senior PM manage?") == "Senior Product Manager"


# Made up: a role whose name is a verb's agent noun, and a text that uses the verb.
MAINTAINERS = {
    "proj": Ladder("Project Roles", [
        ("Contributor", area_table({"Changes": "Sends small changes and answers review comments."})),
        ("Approver", area_table({"Merging": "Merges changes others have reviewed in their module."})),
        ("Lead", area_table({"Modules": "Is the one who must approve new modules, and approved the last three."})),
    ]),
}


@pytest.fixture(scope="module")
def maintainers(open_answerer: Callable[..., Answerer], tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    return open_answerer(write_ladders(tmp_path_factory.mktemp("maintainers"), MAINTAINERS))


def test_another_form_of_a_word_the_text_uses_is_no_typo_of_a_name(maintainers: Answerer) -> None:
    # The text says "approve" and "approved": "approves" is that verb, not "Approver" misspelt, so the
    # question names no level and the lead's cell, which answers it, stays a candidate.
    assert _first_level(maintainers, "who approves new modules?") == "Lead"
    # A real slip of the name still names it.
    assert _first_level(maintainers, "aprover merging duties") == "Approver"


# Made up: two crafts whose names start with the same short word, one of them shortening to that word alone
# ("WG Roles" without its generic "roles"), and a craft page that mentions the other craft's level.
WORKING_GROUPS = {
    "roles": Ladder("WG Roles and Governance", [
        ("Chair", area_table({"Meetings": "Runs the group's weekly meeting and keeps its notes."})),
    ], intro="Every chair was once a reviewer somewhere, and knows the group's history."),
    "storage": Ladder("WG Storage Contributor Ladder", [
        ("Reviewer", area_table({"Status": "Reviewer status means you review storage changes and are trusted "
                                           "with the volume code."})),
    ]),
}


@pytest.fixture(scope="module")
def working_groups(open_answerer: Callable[..., Answerer], tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    return open_answerer(write_ladders(tmp_path_factory.mktemp("working-groups"), WORKING_GROUPS))


def test_a_short_name_that_starts_several_crafts_names_them_all(working_groups: Answerer) -> None:
    # "wg" is what "WG Roles and Governance" shortens to, but "WG Storage Contributor Ladder" starts with it
    # too: it names both crafts, and the reviewer of the second is a candidate (before, only the first
    # craft's sentence that mentions a reviewer was).
    assert _first_level(working_groups, "what does reviewer status mean in wg storage?") == "Reviewer"


# Made up: two ladders numbered alike, one with a two-word craft name people clip into one word ("devex"),
# its titles under a code of their own ("DX Engineer II"), and an area of two words ("infosec").
CLIPPED = {
    "eng": Ladder("Engineering", [
        ("Engineer I", area_table({"Experience": "Usually two years of building software.",
                                   "Information security": "Keeps secrets out of the code they write."})),
        ("Engineer II", area_table({"Experience": "Usually four years of building software.",
                                    "Information security": "Reviews changes for leaked secrets."})),
    ]),
    "dx": Ladder("Developer Experience", [
        ("DX Engineer I", area_table({"Experience": "Usually one year of writing tutorials."})),
        ("DX Engineer II", area_table({"Experience": "Usually three years of talks and tutorials."})),
    ]),
}


@pytest.fixture(scope="module")
def clipped(open_answerer: Callable[..., Answerer], tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    return open_answerer(write_ladders(tmp_path_factory.mktemp("clipped"), CLIPPED))


def test_a_clipped_compound_names_a_craft_and_its_level_at_that_rung(clipped: Answerer) -> None:
    # "devex" joins the starts of "Developer Experience" (docs/retrieval.md, step 2); "engineer II" is
    # Engineering's level, which that craft does not have, so together they name the craft's level at the same
    # rung, DX Engineer II, as a follow-up naming another craft moves there. Before, "devex" named nothing and
    # Engineering's Engineer II answered.
    assert _first_level(clipped, "how much experience for a devex engineer II?") == "DX Engineer II"


def test_a_clipped_compound_names_an_area(clipped: Answerer) -> None:
    answer = clipped.ask("what does infosec mean for an engineer I?")
    assert answer.query is not None and answer.query.areas_named == ("Information security",)


def test_a_word_of_the_language_is_no_clipped_compound(tmp_path: Path) -> None:
    # "test" joins the starts of "Technical strategy" too, but the language has the word: read as itself.
    structure = structure_of(write_ladders(tmp_path, {"eng": Ladder("Engineering", [
        ("Engineer I", area_table({"Technical strategy": "Follows the team's technical plan."}))])}))
    assert not structure.detect("how do engineers test?").of_kind("area")
    assert structure.detect("how do engineers techstrat?").of_kind("area")


# Made up: a ladder page whose section has a sub-section of its own under it.
_ABSENCE = ("## Leave of absence\n\nMembers who step away keep their place and are listed as alumni until they"
            " come back.\n\n### How absence is counted\n\nAbsence starts after 90 days without a merged change"
            " in any repository.\n\n## Mentoring\n\nMembers pair with newcomers on their first change.\n")


def test_a_named_section_keeps_its_sub_sections_as_candidates(
        open_answerer: Callable[..., Answerer], tmp_path: Path) -> None:
    # A section named whole narrows the candidates to it (docs/retrieval.md, step 3), and a meaning question to
    # its definitions (step 4); the sub-section written under its heading is part of its topic.
    answerer = open_answerer(write_ladders(tmp_path, {"club": Ladder("Contributor Club", [
        ("Member", area_table({"Reviews": "Reviews changes in one repository."})),
        ("Maintainer", area_table({"Reviews": "Approves changes across repositories."}))], intro=_ABSENCE)}))
    answer = answerer.ask("how many days without changes before i count as on leave of absence?")
    assert answer.confident and answer.quotes[0].entry.area == "How absence is counted", answer.quotes
    assert "90 days" in answer.quotes[0].text
    meaning = answerer.ask("what counts as a leave of absence?")
    assert [q.entry.area for q in meaning.quotes] == ["Leave of absence", "How absence is counted"]
