"""Follow-ups on a framework of several ladders (issue 19, "Conversations"): a follow-up stays on the
ladder of the answer before it, moves along it, and moves to another ladder at the matching level. The
framework is made up here: codes that start the titles (D1..D5, M1..M4), milestones with no code, ladders
of different lengths, and titles whose seniority word says the rung more than the number does."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from index.answer import Answer, Answerer
from index.followup import Context
from tests.support.answers import converse
from tests.support.frameworks import Ladder, area_table, bullets, write_ladders

LADDERS = {
    "engineering": ("Engineering Track", [
        ("D1 Developer", "ships small fixes to the billing service with a reviewer beside them",
         "pairs with a buddy every morning"),
        ("D2 Developer", "ships whole features to the billing service alone", "reviews pull requests from newcomers"),
        ("D3 Senior Developer", "designs the billing service's schema changes", "mentors two developers on design"),
        ("D4 Staff Developer", "sets the technical direction for several services",
         "aligns three teams on one architecture"),
        ("D5 Principal Developer", "steers the company's platform strategy", "represents engineering at the board"),
    ]),
    "management": ("Management Track", [
        ("M1 Team Lead", "plans sprints for one squad", "holds weekly one-to-ones with each report"),
        ("M2 Engineering Manager", "plans quarters for two squads", "hires and onboards new developers"),
        ("M3 Senior Engineering Manager", "owns the roadmap of a product area", "grows managers who report to them"),
        ("M4 Director", "owns the budget of a whole department", "negotiates headcount with finance"),
    ]),
    "design": ("Design Track", [
        ("Milestone 1", "draws wireframes from a brief", "shows sketches in critique"),
        ("Milestone 2", "prototypes flows in the design tool", "runs usability sessions with customers"),
        ("Milestone 3", "owns the visual language of a product", "leads critique for the design guild"),
        ("Milestone 4", "sets the design system's principles", "coaches designers across the company"),
    ]),
}
# Three ladders with no number in their titles: the seniority word is the rung ("Senior", "Staff").
WORDED = {
    "engineering": ("Engineering", [
        ("Engineer", "fixes bugs in one module", "asks for help in standup"),
        ("Senior Engineer", "leads the delivery of a feature", "reviews designs of peers"),
        ("Staff Engineer", "owns the architecture of a product", "mentors senior engineers"),
        ("Principal Engineer", "sets the engineering strategy", "speaks for engineering at conferences"),
    ]),
    "writing": ("Documentation", [
        ("Technical Writer", "writes how-to guides from a template", "interviews engineers about features"),
        ("Senior Technical Writer", "plans the documentation of a release", "edits the drafts of other writers"),
        ("Staff Technical Writer", "designs the information architecture of the docs site",
         "runs the docs guild"),
    ]),
}


def _cells(ladders: dict[str, tuple[str, list[tuple[str, str, str]]]]) -> dict[str, Ladder]:
    """Each level's (title, Delivery, Collaboration) as its page's area table."""
    return {craft: Ladder(title, [(level, area_table({"Delivery": delivery, "Collaboration": collab}))
                                  for level, delivery, collab in levels])
            for craft, (title, levels) in ladders.items()}


@pytest.fixture(scope="module")
def tracks(open_answerer: Callable[[Path], Answerer], tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    return open_answerer(write_ladders(tmp_path_factory.mktemp("tracks") / "content", _cells(LADDERS)))


@pytest.fixture(scope="module")
def worded(open_answerer: Callable[[Path], Answerer], tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    return open_answerer(write_ladders(tmp_path_factory.mktemp("worded") / "content", _cells(WORDED)))


def top(answer: Answer) -> tuple[str, str]:
    assert answer.confident and answer.quotes, answer.to_json()
    e = answer.quotes[0].entry
    return e.level, e.area


def test_a_bare_level_number_keeps_the_ladder_and_steps_move_along_it(tracks: Answerer) -> None:
    first, four, higher, down = converse(tracks, "how does a D3 handle delivery?", "and at level 4?",
                                         "one level higher", "a level down")
    assert top(first) == ("D3 Senior Developer", "Delivery")
    assert top(four) == ("D4 Staff Developer", "Delivery")
    assert top(higher) == ("D5 Principal Developer", "Delivery")
    assert top(down) == ("D4 Staff Developer", "Delivery")
    _, milestone, nxt = converse(tracks, "what does milestone 2 look like for collaboration?", "and level 3?",
                                 "and the next one?")
    assert top(milestone) == ("Milestone 3", "Collaboration")
    assert top(nxt) == ("Milestone 4", "Collaboration")


def test_another_ladder_named_moves_to_its_matching_level(tracks: Answerer) -> None:
    # D3 Senior Developer and M3 Senior Engineering Manager share their number and their seniority word.
    _, manager, back = converse(tracks, "how does a D3 handle delivery?", "and for management?",
                                "what about as an engineer?")
    assert top(manager) == ("M3 Senior Engineering Manager", "Delivery")
    assert manager.carried == ("level", "area")
    assert top(back) == ("D3 Senior Developer", "Delivery")
    # D4 Staff Developer and M4 Director share only the number; the management ladder is shorter.
    _, overview = converse(tracks, "what does a D4 do?", "and for management?")
    assert overview.intent == "level" and {q.entry.level for q in overview.quotes} == {"M4 Director"}
    # D5 has no manager counterpart: no level is made up, the ladder named is answered on its own terms.
    _, top_rung = converse(tracks, "how does a D5 collaborate?", "and for management?")
    assert all(q.entry.level != "D5 Principal Developer" for q in top_rung.quotes + top_rung.suggestions)
    assert "level" not in top_rung.carried


def test_the_track_named_by_another_form_of_its_word_moves_there(tracks: Answerer) -> None:
    # "manager" for the Management Track: the craft's own word in another form, in a question saying nothing else.
    _, manager = converse(tracks, "how does a D2 collaborate?", "and for the manager track?")
    assert top(manager) == ("M2 Engineering Manager", "Collaboration")


def test_the_questions_own_ladder_beats_the_carried_one(tracks: Answerer) -> None:
    _, _, engineer = converse(tracks, "how does an M2 handle delivery?", "and level 3?", "and as an engineer?")
    assert top(engineer) == ("D3 Senior Developer", "Delivery")
    assert "craft" not in engineer.carried


def test_a_seniority_word_matches_the_rung_when_titles_carry_no_number(worded: Answerer) -> None:
    _, writer = converse(worded, "what does a staff engineer do for collaboration?", "what about for documentation?")
    assert top(writer) == ("Staff Technical Writer", "Collaboration")
    assert "level" in writer.carried


def test_a_refusal_carries_nothing_and_a_complete_question_says_it_took_nothing(tracks: Answerer) -> None:
    first, weather, after = converse(tracks, "how does a D2 collaborate?", "what's the weather like tomorrow?",
                                     "and at level 3?")
    assert not weather.confident and weather.carried == ()
    assert weather.context == first.context
    assert top(after) == ("D3 Senior Developer", "Collaboration")
    _, complete = converse(tracks, "how does a D2 collaborate?", "how does an M1 handle delivery?")
    assert top(complete) == ("M1 Team Lead", "Delivery") and complete.carried == ()


# Levels written as bullet lists, one passage each (the level's own title is its area), on three ladders
# whose titles call their people by their own nouns ("Writer", "Engineer", "Advocate").
BULLETED = {
    "engineering": ("Engineering", [
        ("Engineer I", ["Completes well-defined tickets with help.", "Needs no previous experience."]),
        ("Senior Engineer", ["Leads the rewrite of a legacy module.", "Writes code most days of the week.",
                             "Has worked five years in the industry."]),
        ("Staff Engineer", ["Decides how several teams split a migration.", "Hosts the architecture review."]),
    ]),
    "writing": ("Documentation", [
        ("Technical Writer I", ["Edits reference pages from a style guide.", "Asks engineers for examples."]),
        ("Senior Technical Writer", ["Plans the tutorials of a product launch.", "Keeps the glossary consistent."]),
        ("Staff Technical Writer", ["Designs the navigation of the documentation site.", "Trains other writers."]),
    ]),
    "advocacy": ("Developer Relations", [
        ("Advocate I", ["Answers questions on the community forum.", "Records short demo videos.",
                        "Typically requires a minimum of one year of professional experience."]),
        ("Senior Advocate", ["Speaks at regional meetups about the SDK.", "Collects feedback from customers."]),
        ("Staff Advocate", ["Builds the partner program with other vendors.", "Sets the conference strategy."]),
    ]),
}


@pytest.fixture(scope="module")
def bulleted(open_answerer: Callable[[Path], Answerer], tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    ladders = {craft: Ladder(title, [(level, bullets(items)) for level, items in levels])
               for craft, (title, levels) in BULLETED.items()}
    return open_answerer(write_ladders(tmp_path_factory.mktemp("bulleted") / "content", ladders))


def test_a_question_that_points_back_stays_on_the_last_level(bulleted: Answerer) -> None:
    # Asked alone, "years of professional experience" is Advocate I's; after a Senior Engineer answer, "that"
    # is Senior Engineer, and another level's passage is no topic of its own that would move the conversation on.
    assert top(bulleted.ask("how many years of professional experience is that?"))[0] == "Advocate I"
    _, years = converse(bulleted, "what does a senior engineer do?",
                        "how many years of professional experience is that?")
    assert top(years)[0] == "Senior Engineer"
    assert "five years" in years.quotes[0].text
    _, code = converse(bulleted, "what does a senior engineer do?", "do they still write code?")
    assert top(code)[0] == "Senior Engineer"


def test_a_ladders_people_noun_or_its_short_form_moves_there_at_the_same_rung(bulleted: Answerer) -> None:
    # "writers": the noun only the Documentation titles use; "devrel": the starts of "Developer Relations".
    _, writers = converse(bulleted, "what does a senior engineer do?", "what about writers at that level?")
    assert top(writers)[0] == "Senior Technical Writer"
    _, devrel = converse(bulleted, "what does a staff technical writer do?", "and for devrel?")
    assert top(devrel)[0] == "Staff Advocate"
    assert "level" in devrel.carried


# Role ladders whose role names repeat across ladders (Reviewer, Approver), as contributor ladders are written,
# and a craft page with a section of no level whose heading names the roles.
ROLES = {
    "community": ("Community Ladder", "Community membership", "Anyone who signs the contributor agreement may join.", [
        ("Member", "Has sent two merged pull requests.", "Responds to issues assigned to them."),
        ("Reviewer", "Has reviewed ten pull requests in the repository.", "Reviews incoming code for quality."),
        ("Approver", "Is nominated by a repository owner.", "Approves changes for merge after review."),
    ]),
    "platform": ("Platform Ladder", "Platform reviewers and approvers",
                 "Platform reviewers and approvers keep the scheduler code healthy.", [
        ("Reviewer", "Has debugged the scheduler in production.", "Labels pull requests that touch the scheduler."),
        ("Approver", "Has driven a scheduler enhancement to general availability.",
         "Signs off scheduler releases with the release team."),
    ]),
    "governance": ("Governance Roles", "Elections", "Leads are elected by the group every two years.", [
        ("Chair", "Has chaired a working group before.", "Runs the weekly meeting and publishes its notes."),
        ("Tech Lead", "Has led a cross-team design.", "Resolves technical disputes between subprojects."),
    ]),
}


@pytest.fixture(scope="module")
def roles(open_answerer: Callable[[Path], Answerer], tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    ladders = {craft: Ladder(title, [
        (level, f"## Requirements\n\n{bullets([requirement])}\n## Responsibilities\n\n{bullets([responsibility])}")
        for level, requirement, responsibility in levels], intro=f"## {section}\n\n{text}\n")
        for craft, (title, section, text, levels) in ROLES.items()}
    return open_answerer(write_ladders(tmp_path_factory.mktemp("roles") / "content", ladders))


def test_a_role_of_two_ladders_is_the_one_of_the_ladder_asked_about(roles: Answerer) -> None:
    # "approver" names two of the three ladders: the one asked about before says which, instead of asking.
    first, approver = converse(roles, "what are the requirements for a community reviewer?", "and an approver?")
    assert top(first) == ("Reviewer", "Requirements") and first.quotes[0].entry.craft == "Community Ladder"
    assert top(approver) == ("Approver", "Requirements")
    assert approver.quotes[0].entry.craft == "Community Ladder" and "craft" in approver.carried


def test_the_level_named_beats_a_carried_passage_of_no_level(roles: Answerer) -> None:
    # The last answer was the ladder page's section on reviewers and approvers: "an approver there?" asks for
    # the Approver level of that ladder, not that section again because its heading says "approvers".
    context = Context("Acme Ladder", "Platform Ladder", "Reviewer", "Platform reviewers and approvers")
    approver = roles.ask("and an approver there?", context=context)
    assert approver.quotes and approver.quotes[0].entry.level == "Approver"
    assert approver.quotes[0].entry.craft == "Platform Ladder"


def test_a_passage_of_no_level_keeps_the_level_the_question_named() -> None:
    from index.entry import Entry
    from index.followup import resolved

    section = Entry("Acme Ladder", "Platform Ladder", "", "", "Platform reviewers", "Platform reviewers",
                    "Platform reviewers keep the scheduler code healthy.", False, "platform.md:9")
    asked = Context("Acme Ladder", "Platform Ladder", "Reviewer", "")
    now = resolved([section], "lookup", True, asked, None)
    assert (now.craft, now.level, now.area) == ("Platform Ladder", "Reviewer", "Platform reviewers")
    # Asked about another ladder's role, the passage's ladder is not given a level it does not have.
    other = resolved([section], "lookup", True, Context("Acme Ladder", "Community Ladder", "Member", ""), None)
    assert other.level == ""


def test_a_ladder_numbered_under_its_own_noun_matches_by_number(tracks: Answerer) -> None:
    # "Milestone 3" carries no code and no level word: its number still says where it stands.
    _, design = converse(tracks, "how does a D3 handle delivery?", "and for design?")
    assert top(design) == ("Milestone 3", "Delivery")
    assert design.carried == ("level", "area")


def test_the_questions_own_seniority_word_beats_the_carried_level(tracks: Answerer) -> None:
    # "staff" is not the last level's (D3 Senior Developer): the question is not about that level, and says so.
    _, staff = converse(tracks, "how does a D3 handle delivery?", "how does a staff developer collaborate?")
    assert "level" not in staff.carried


def test_a_level_the_framework_does_not_have_says_nothing_of_following_on(tracks: Answerer) -> None:
    _, nine = converse(tracks, "how does a D3 handle delivery?", "and at level 9?")
    assert nine.intent == "missing_level" and nine.carried == ()


def test_a_question_with_a_verb_of_its_own_asks_for_the_whole_level(tracks: Answerer) -> None:
    # "and at level 4?" takes the last topic; "what does a D3 do?" is complete and gets the whole level.
    _, whole = converse(tracks, "how does an M2 handle delivery?", "what does a D3 do?")
    assert whole.intent == "level" and whole.carried == ()
    assert {q.entry.area for q in whole.quotes} == {"Delivery", "Collaboration"}
    _, back = converse(tracks, "how does an M2 handle delivery?", "what does that look like for a D3?")
    assert top(back) == ("D3 Senior Developer", "Delivery") and "area" in back.carried


def test_another_ladders_list_does_not_keep_the_last_ladders_level(tracks: Answerer) -> None:
    _, levels = converse(tracks, "how does an M2 handle delivery?", "what are the levels of the design track?")
    assert levels.intent == "levels"
    assert levels.context is not None and levels.context.craft == "Design Track" and levels.context.level == ""


def test_a_bare_number_the_ladder_lacks_is_missing_there_not_taken_from_another(tracks: Answerer) -> None:
    # The management ladder stops at M4; D5 exists on another ladder, but "level 5" here means this ladder's.
    _, four, five = converse(tracks, "how does an M3 collaborate?", "and at level 4?", "and at level 5?")
    assert top(four) == ("M4 Director", "Collaboration")
    assert five.intent == "missing_level" and not five.quotes
    assert five.message.startswith("Management Track has no Level 5")
    assert "M4 Director" in five.message and "D5" not in five.message
    # However the number is written: glued to its level word, or as an ordinal before it.
    for asked in ("and at L5?", "and the 5th level?", "and a level 5 engineer?"):
        *_, written = converse(tracks, "how does an M3 collaborate?", "and at level 4?", asked)
        assert written.intent == "missing_level" and not written.quotes, asked
        assert written.message.startswith("Management Track has no Level 5"), asked
    # Named with its ladder, level 5 is that ladder's.
    _, named = converse(tracks, "how does an M3 collaborate?", "and at level 5 on the engineering track?")
    assert top(named) == ("D5 Principal Developer", "Collaboration")


CODED = {
    "engineering": ("Engineering Track", [
        ("IC1 Engineer", "fixes small bugs with a mentor", "pairs daily with a buddy"),
        ("IC2 Engineer", "ships features on their own", "reviews newcomers' pull requests"),
        ("IC3 Senior Engineer", "designs a service's schema changes", "mentors two engineers"),
        ("IC4 Staff Engineer", "sets technical direction for several services", "aligns three teams on one design"),
    ]),
    "management": ("Management Track", [
        ("EM3 Engineering Manager", "plans quarters for one squad", "holds one-to-ones with each report"),
        ("EM4 Senior Engineering Manager", "owns the roadmap of two squads", "grows new team leads"),
        ("EM5 Director", "owns a department's budget", "negotiates headcount with finance"),
    ]),
}


@pytest.fixture(scope="module")
def coded(open_answerer: Callable[[Path], Answerer], tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    return open_answerer(write_ladders(tmp_path_factory.mktemp("coded") / "content", _cells(CODED)))


def test_the_code_a_ladders_titles_share_names_that_ladder(coded: Answerer) -> None:
    # "EMs" and "an IC": the codes of EM3..EM5 and IC1..IC4, each only one ladder's; the number is the rung.
    _, ems = converse(coded, "how does an IC4 handle delivery?", "and for EMs?")
    assert top(ems) == ("EM4 Senior Engineering Manager", "Delivery") and "level" in ems.carried
    _, ic = converse(coded, "how does an EM3 collaborate?", "and as an IC?")
    assert top(ic) == ("IC3 Senior Engineer", "Collaboration")


# One ladder of two tracks, as Sourcegraph writes its engineers': IC1..IC5 counted from one, and managers M3..M6
# numbered beside the ICs they stand with. Asked alone, "level 5" counts levels (IC5); M5 is named "M5".
TWO_TRACKS = {
    "engineering": ("Engineering", [
        ("IC1", "fixes small bugs with a mentor", "pairs daily with a buddy"),
        ("IC2", "ships features on their own", "reviews newcomers' pull requests"),
        ("IC3", "designs a service's schema changes", "mentors two engineers"),
        ("IC4", "sets technical direction for several services", "aligns three teams on one design"),
        ("IC5", "steers the platform's architecture", "speaks for engineering at conferences"),
        ("M3", "plans the quarter of one squad", "holds one-to-ones with each report"),
        ("M4", "owns the roadmap of two squads", "grows new team leads"),
        ("M5", "owns a department's budget", "negotiates headcount with finance"),
        ("M6", "sets the engineering organisation's goals", "represents engineering to the board"),
    ]),
}


@pytest.fixture(scope="module")
def two_tracks(open_answerer: Callable[[Path], Answerer], tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    return open_answerer(write_ladders(tmp_path_factory.mktemp("two_tracks") / "content", _cells(TWO_TRACKS)))


def test_a_level_number_stays_on_the_track_of_the_last_answer(two_tracks: Answerer) -> None:
    # After an M4 answer "and at level 5?" means the manager track's fifth, M5, not the IC5 it means alone.
    assert top(two_tracks.ask("how does a level 5 handle delivery?")) == ("IC5", "Delivery")
    _, five, six = converse(two_tracks, "how does an M4 handle delivery?", "and at level 5?", "and at level 6?")
    assert top(five) == ("M5", "Delivery") and "area" in five.carried
    assert top(six) == ("M6", "Delivery")
    _, lvl = converse(two_tracks, "how does an M4 collaborate?", "and lvl 5?")
    assert top(lvl) == ("M5", "Collaboration")
    # On the IC track the number stays there too.
    _, three = converse(two_tracks, "how does an IC2 handle delivery?", "and at level 3?")
    assert top(three) == ("IC3", "Delivery")
    # A number the last track lacks is read as it is alone: the managers start at M3, so "level 2" is IC2.
    _, two = converse(two_tracks, "how does an M4 handle delivery?", "and at level 2?")
    assert top(two) == ("IC2", "Delivery")


# Engineers counted from level 0, as some frameworks number an intern or apprentice level, beside managers from 1.
FROM_ZERO = {
    "engineering": ("Engineering Track", [
        ("L0 Apprentice", "fixes typos with a mentor", "shadows a buddy every day"),
        ("L1 Engineer", "ships small fixes on their own", "reviews newcomers' pull requests"),
        ("L2 Senior Engineer", "designs a service's schema changes", "mentors two engineers"),
    ]),
    "management": ("Management Track", [
        ("M1 Team Lead", "plans sprints for one squad", "holds weekly one-to-ones with each report"),
        ("M2 Engineering Manager", "plans quarters for two squads", "hires and onboards new engineers"),
    ]),
}


def test_level_zero_the_ladder_lacks_is_missing_there_as_any_other_number(
        open_answerer: Callable[[Path], Answerer], tmp_path: Path) -> None:
    # "and at level 0?" after M2 is the Management Track's missing Level 0, as "and at level 5?" would be, not the
    # engineers' apprentice: a number with no code of its own, however small.
    answerer = open_answerer(write_ladders(tmp_path / "content", _cells(FROM_ZERO)))
    _, zero = converse(answerer, "how does an M2 collaborate?", "and at level 0?")
    assert zero.intent == "missing_level" and not zero.quotes, zero.to_json()
    assert zero.message.startswith("Management Track has no Level 0")


def test_two_level_numbers_stay_on_one_track(two_tracks: Answerer) -> None:
    # After M4, "level 2 vs level 3" reads both numbers as they read alone (IC2, IC3), since the managers have no
    # level 2: not IC2 beside M3, two tracks at once (docs/retrieval.md, step 5).
    _, versus = converse(two_tracks, "how does an M4 handle delivery?", "level 2 vs level 3")
    assert {q.entry.level for q in versus.quotes} == {"IC2", "IC3"}, versus.to_json()
    _, path = converse(two_tracks, "how does an M4 handle delivery?", "what do I need to go from level 2 to level 3?")
    assert path.intent == "checklist" and {q.entry.level for q in path.quotes} == {"IC3"}, path.to_json()
    # Where the track has both, both stay on it.
    _, managers = converse(two_tracks, "how does an M4 handle delivery?", "level 4 vs level 5")
    assert {q.entry.level for q in managers.quotes} == {"M4", "M5"}, managers.to_json()


def test_a_code_of_its_own_still_moves_off_the_last_track(two_tracks: Answerer) -> None:
    _, ic5 = converse(two_tracks, "how does an M4 handle delivery?", "and for IC5?")
    assert top(ic5) == ("IC5", "Delivery")
    _, m3 = converse(two_tracks, "how does an IC3 collaborate?", "and for an M3?")
    assert top(m3) == ("M3", "Collaboration")


@pytest.mark.parametrize("follow", ["what comes next?", "what is after that?"])
def test_a_follow_up_of_ladder_words_alone_steps_up(tracks: Answerer, follow: str) -> None:
    """After a level's overview, "what comes next?" is the level above, not the same overview again ("comes" is a
    word about the ladder, no topic), and "what is after that?" asks for a step, not what a name means."""
    _, after = converse(tracks, "what does a D2 do?", follow)
    assert after.confident and {q.entry.level for q in after.quotes} == {"D3 Senior Developer"}


# Two crafts, one named by a word an area of the other uses ("Security" of Security Officer and of a gardener's
# "Security, keys, and locks").
_GROUNDS = {
    "garden": Ladder("Gardener", [(f"Gardener {n}", area_table({
        "Pruning": f"prunes {what} with the estate's shears",
        "Security, keys, and locks": f"locks the tool shed {when} and checks the gate latches"}))
        for n, what, when in [("I", "roses", "every evening"), ("II", "orchards", "and keeps the key register")]]),
    "guard": Ladder("Security Officer", [(f"Security Officer {n}", area_table({
        "Patrols": f"walks the {where} at night"})) for n, where in [("I", "car park"), ("II", "whole estate")]]),
}


def test_a_follow_up_word_of_an_area_there_stays_on_the_level(
        open_answerer: Callable[..., Answerer], tmp_path: Path) -> None:
    # docs/retrieval.md step 5: a craft's own word moves to that craft, unless it is a word of an area's name at
    # the level the conversation is on: "security" after Gardener II is its "Security, keys, and locks", not the
    # Security Officer's ladder.
    answerer = open_answerer(write_ladders(tmp_path / "content", _GROUNDS))
    first, stay = converse(answerer, "gardener II - what about pruning?", "what about security at that level")
    assert (first.quotes[0].entry.level, first.quotes[0].entry.area) == ("Gardener II", "Pruning")
    e = stay.quotes[0].entry
    assert stay.confident and (e.craft, e.level, e.area) == ("Gardener", "Gardener II", "Security, keys, and locks")
    # A word of no area there still moves ("officers", the Security Officer ladder's own word).
    moved = converse(answerer, "gardener II - what about pruning?", "and for officers?")[1]
    assert {q.entry.craft for q in moved.quotes} == {"Security Officer"}
