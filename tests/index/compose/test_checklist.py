"""index/compose/checklist.py: a promotion checklist, every area of the target level in page order, each
marked changed, same or new against the current level, with the changed words marked."""

from __future__ import annotations

import pytest

from index import Answerer
from index.compose import checklist
from tests.index.compose.helpers import kinds_of
from tests.support.frameworks import Ladder, area_table, write_ladders


@pytest.mark.parametrize("kind", kinds_of(checklist))
def test_the_checklist_composer_alone_gives_the_answer_of_its_intent(kind: str, asked_on_multilevel) -> None:
    asked_on_multilevel(kind)


def test_each_area_of_the_target_level_is_marked_by_how_it_changed(harbor, composed) -> None:
    answer = composed(harbor, "checklist", "how do I get from Engineer 1 to Engineer 2?")
    assert answer.message == ("From Engineer 1 to Engineer 2 (Platform Engineering): 4 area(s); "
                              "2 changed, 1 new, 1 same as Engineer 1.")
    assert answer.checklist is not None
    items = dict(zip([q.entry.area for q in answer.quotes], answer.checklist.changes, strict=True))
    # On-call was TODO at Engineer 1: now written, so changed; Mentoring is no area of Engineer 1.
    assert items == {"Delivery": "changed", "Collaboration": "same", "Mentoring": "new", "On-call": "changed"}
    delivery = answer.quotes[0]
    assert delivery.new_against == "Engineer 1" and delivery.new_words
    marked = "".join(delivery.text[a:b] for a, b in delivery.new_words)
    assert "whole features" in marked and "Ships" not in marked  # the words Engineer 1's cell does not have
    assert answer.quotes[1].new_words is None  # the same text: nothing to mark


# Made up: two ladders that both have a Maintainer, reached from a level of each ladder's own, and written
# differently: only the project ladder says how one becomes a maintainer.
TWO_LADDERS = {
    "project": Ladder("Project Ladder", [
        ("Contributor", area_table({"Scope": "Sends patches to one repository and answers review comments."})),
        ("Maintainer", "Becoming a Maintainer takes a nomination by two current maintainers and a vote of "
                       "the steering group.\n\n"
                       + area_table({"Scope": "Owns the release schedule of one repository."})),
    ]),
    "docs": Ladder("Docs Ladder", [
        ("Writer", area_table({"Scope": "Writes guides for one product area."})),
        ("Maintainer", area_table({"Scope": "Keeps the style guide and reviews every published page."})),
    ]),
}


@pytest.fixture(scope="module")
def two_ladders(open_answerer, tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    return open_answerer(write_ladders(tmp_path_factory.mktemp("two-ladders"), TWO_LADDERS))


def test_becoming_a_level_two_ladders_share_quotes_the_best_text_and_offers_both(two_ladders: Answerer) -> None:
    # Only the target is named, and each ladder reaches it by a move of its own: the asker reads what the
    # framework says of becoming a Maintainer at once, is told the other ladder has one too, and can still
    # pick either ladder's whole checklist.
    answer = two_ladders.ask("how do I become a maintainer?")
    assert answer.confident and answer.quotes
    top = answer.quotes[0]
    assert (top.entry.craft, top.entry.level) == ("Project Ladder", "Maintainer")
    assert "nomination by two current maintainers" in top.text
    assert {q.entry.craft for q in answer.quotes} == {"Project Ladder"}
    assert answer.message is not None and "Docs Ladder has it too" in answer.message
    assert sorted(c.label for c in answer.choices) == ["Docs Ladder", "Project Ladder"]
    chosen = two_ladders.ask(next(c for c in answer.choices if c.label == "Docs Ladder").question)
    assert chosen.intent == "checklist" and chosen.checklist is not None
    assert (chosen.checklist.current, chosen.checklist.target) == ("Writer", "Maintainer")




def test_becoming_the_first_level_quotes_what_it_takes_first(volunteers: Answerer) -> None:
    # No level below Helper, so no move to make a checklist of; nor a lookup of the best three passages for the
    # words "how do I become" ("becomes a guest again" matches one of them). The level as written answers, the
    # section that says what it takes first.
    answer = volunteers.ask("how do I become a helper?")
    assert answer.confident and answer.intent == "level"
    top = answer.quotes[0]
    assert (top.entry.level, top.entry.area) == ("Helper", "Requirements")
    assert "Attended two fairs as a guest" in top.text
    assert [q.entry.area for q in answer.quotes[1:]] == ["Helper", "Privileges", "Leaving"]  # then in page order


def test_becoming_a_later_level_is_still_its_checklist(volunteers: Answerer) -> None:
    answer = volunteers.ask("how do I become an organiser?")
    assert answer.intent == "checklist" and answer.checklist is not None
    assert (answer.checklist.current, answer.checklist.target) == ("Helper", "Organiser")


# Made up: a numbered ladder whose areas are in an order the question's topic does not follow.
CRAFTERS = {
    "eng": Ladder("Engineering", [
        (f"L{n}", area_table({
            "Communication": f"Writes updates for {audience}.",
            "Teamwork": f"Pairs with {peers} on planned work.",
            "Mastery": f"Chooses the architecture and technical design of {scope}.",
        }))
        for n, audience, peers, scope in [(1, "the team", "one colleague", "a small change"),
                                          (2, "the product manager", "the team", "a feature"),
                                          (3, "the whole department", "other teams", "a whole service")]
    ]),
}


@pytest.fixture(scope="module")
def crafters(open_answerer, tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    return open_answerer(write_ladders(tmp_path_factory.mktemp("crafters"), CRAFTERS))


def test_a_move_with_a_topic_of_its_own_leads_with_the_area_it_asks_about(crafters: Answerer) -> None:
    # docs/retrieval.md step 4 (checklist): "on the technical side" asks about one area of the move; the
    # checklist still quotes every area, the one asked about first, the rest in page order.
    answer = crafters.ask("how do i get from L2 to L3 on the technical side?")
    assert answer.intent == "checklist" and answer.checklist is not None
    assert [q.entry.area for q in answer.quotes] == ["Mastery", "Communication", "Teamwork"]
    assert answer.checklist.changes == ("changed", "changed", "changed")


def test_a_move_that_says_only_the_move_is_in_page_order(crafters: Answerer) -> None:
    answer = crafters.ask("how do i get from L2 to L3?")
    assert [q.entry.area for q in answer.quotes] == ["Communication", "Teamwork", "Mastery"]


def test_a_move_leads_with_what_the_current_levels_page_says_of_moving_up(tmp_path, open_answerer) -> None:
    """A level page's own section on moving up ("## Getting to the next level") answers "how do I get from L1 to
    L2?" before L2's areas do, marked as the current level's advice; L2's own such section, about the move after
    it, is no item of this move's checklist."""
    def level(n: int) -> str:
        return (f"## Scope\n\nOwns scope s{n}.\n\n## Delivery\n\nShips d{n}.\n\n"
                f"## Getting to the next level\n\nTake on advice a{n}.\n")

    write_ladders(tmp_path, {"tpm": Ladder("Program Management", [("L1", level(1)), ("L2", level(2)),
                                                                   ("L3", level(3))])})
    answer = open_answerer(tmp_path, progress=False).ask("how do i get from L1 to L2?")
    assert answer.checklist is not None and answer.intent == "checklist"
    assert answer.quotes[0].text == "Take on advice a1." and answer.checklist.changes[0] == "guide"
    assert [q.entry.area for q in answer.quotes[1:]] == ["Scope", "Delivery"]
    assert answer.message.startswith("From L1 to L2 (Program Management): 2 area(s)")


def test_a_competency_named_with_a_rungs_word_is_no_advice_on_moving_up(tmp_path, open_answerer) -> None:
    """"Going above and beyond" is a competency each level has, not advice on the move: it stays an item of the
    target level's checklist, in page order, and leads nothing."""
    def level(n: int) -> str:
        return f"## Scope\n\nOwns scope s{n}.\n\n## Going above and beyond\n\nHelps out h{n}.\n"

    write_ladders(tmp_path, {"ops": Ladder("Operations", [("L1", level(1)), ("L2", level(2))])})
    answer = open_answerer(tmp_path, progress=False).ask("how do i get from L1 to L2?")
    assert answer.checklist is not None and "guide" not in answer.checklist.changes
    assert [q.entry.area for q in answer.quotes] == ["Scope", "Going above and beyond"]
