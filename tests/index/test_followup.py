"""Follow-up questions: what a question leaves out comes from the previous answer of its conversation,
and what it names itself always wins (index/followup.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from index.answer import MAX_QUESTION_CHARS, Answer, Answerer
from index.followup import Context
from tests.support.answers import converse
from tests.support.frameworks import Ladder, area_table, write_ladders

REPO = Path(__file__).resolve().parents[2]

# Two crafts with the same level titles: "Level 2" alone is written for both.
_CELLS = {
    ("backend", 1): {"Mastery": "I fix well-scoped bugs in one service with help from my mentor.",
                     "Communication": "I ask questions in the team channel when I am blocked."},
    ("backend", 2): {"Mastery": "I design database schemas and APIs for a new service on my own.",
                     "Communication": "I write design documents that explain trade-offs to other engineers."},
    ("mobile", 1): {"Mastery": "I build screens from finished designs and fix layout bugs on small phones.",
                    "Communication": "I demo my screens to the designers who drew them."},
    ("mobile", 2): {"Mastery": "I own the release of the app to the stores and handle crash reports.",
                    "Communication": "I present the app's roadmap to product managers and designers."},
}


@pytest.fixture(scope="module")
def two_crafts(open_answerer: Callable[[Path], Answerer], tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    ladders = {craft: Ladder(f"{craft.capitalize()} Engineering Craft",
                             [(f"Level {n}", area_table(_CELLS[(craft, n)])) for n in (1, 2)])
               for craft in ("backend", "mobile")}
    content = tmp_path_factory.mktemp("two-crafts") / "content"
    return open_answerer(write_ladders(content, ladders, heading="{craft_title} - {level}",
                                       file="{craft}_level{n}.md", slug="level{n}"))


def top(answer: Answer) -> tuple[str, str, str]:
    assert answer.confident and answer.quotes, answer.to_json()
    e = answer.quotes[0].entry
    return e.craft, e.level, e.area


def test_another_level_keeps_the_area(multilevel_answerer: Answerer) -> None:
    first, follow = converse(multilevel_answerer, "what does a Senior Engineer 1 do for communication?",
                             "and for an engineer 2?")
    assert top(first)[1:] == ("Senior Engineer 1", "Communication") and first.carried == ()
    assert top(follow)[1:] == ("Engineer 2", "Communication")
    assert follow.carried == ("area",)
    assert "constructive, specific feedback" in " ".join(q.text for q in follow.quotes)
    # On its own the same words ask for the whole level.
    assert multilevel_answerer.ask("and for an engineer 2?").intent == "level"


def test_another_area_keeps_the_level(multilevel_answerer: Answerer) -> None:
    _, follow = converse(multilevel_answerer, "what does modelling look like at level 2?", "what about data ethics?")
    assert top(follow)[1:] == ("Level 2", "Data Ethics")
    assert "level" in follow.carried
    assert (follow.context.level, follow.context.area) == ("Level 2", "Data Ethics")


def test_a_question_that_names_everything_is_not_changed_by_context(multilevel_answerer: Answerer) -> None:
    data = yaml.safe_load((REPO / "tests" / "eval" / "multilevel.yaml").read_text("utf-8"))
    complete = [q["ask"] for q in data["questions"] if q.get("area") and q.get("level")]
    assert len(complete) >= 4
    contexts = [multilevel_answerer.ask(q).context for q in complete]
    for question in complete:
        alone = multilevel_answerer.ask(question)
        for context in contexts:
            followed = multilevel_answerer.ask(question, context=context)
            assert followed.carried == () or followed.carried == ("framework",), (question, context)
            assert top(followed) == top(alone), (question, context)


def test_a_question_with_its_own_topic_elsewhere_moves_on(multilevel_answerer: Answerer) -> None:
    # Level 2 of the data science table has no Hiring: the interview question is answered on its own.
    _, follow = converse(multilevel_answerer, "what does modelling look like at level 2?",
                         "who runs technical interviews?")
    assert top(follow) == top(multilevel_answerer.ask("who runs technical interviews?"))
    assert top(follow)[2] == "Hiring" and follow.carried == ()


# Two ladders with the same role titles, each with a page of its own beside its roles' pages (docs/retrieval.md,
# step 5). The documentation ladder's says what happens to a lead who steps away and to anyone who goes quiet;
# the design ladder's has passages on filling in for a role and on time out, nearer the words of "can I get my
# role back?" and "if I go quiet for a year?" on their own.
_DOCS = Ladder("Documentation Ladder", [
    ("Member", area_table({"Duties": "Writes how-to guides from a template and fixes broken links.",
                           "Entry": "Has published two guides reviewed by a lead."})),
    ("Lead", area_table({"Duties": "Reviews every guide before release and keeps the style guide.",
                         "Entry": "Nominated by two leads after a year of writing guides."})),
], intro="Members and leads keep the product documentation correct.\n\n## Alumni leads\n\n"
         "A lead who stops contributing for six months moves to the alumni list. On return an alumni lead is "
         "fast-tracked into the previous role once they have shown recent work.\n\n## Inactive people\n\n"
         "Anyone who goes quiet for a year, with no contributions, is removed from the team and applies again.\n")
_DESIGN = Ladder("Design Ladder", [
    ("Member", area_table({"Duties": "Draws screens from product briefs and tests them with users.",
                           "Entry": "Has shipped one feature's screens."})),
    ("Lead", area_table({"Duties": "Sets the visual language and runs design critiques.",
                         "Entry": "Chosen by the design leads."})),
], intro="Designers shape what users see.\n\n## Other roles\n\n"
         "A designer may fill in for another named role on a temporary basis, and hand it back later.\n\n"
         "## Time out\n\nA designer who goes quiet for a year keeps their place and their role.\n")


@pytest.fixture(scope="module")
def ladder_pages(open_answerer: Callable[[Path], Answerer], tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    content = tmp_path_factory.mktemp("ladder-pages") / "content"
    return open_answerer(write_ladders(content, {"docs": _DOCS, "design": _DESIGN}))


def test_a_topic_the_carried_ladder_answers_does_not_move_on(ladder_pages: Answerer) -> None:
    question = "what if i step away for a while, can i get my role back later?"
    # On its own the question is the design ladder's; after a documentation lead it stays on that ladder,
    # whose own page answers it (a passage naming the lead), rather than jumping to the other ladder's.
    assert top(ladder_pages.ask(question)) == ("Design Ladder", "", "Other roles")
    _, follow = converse(ladder_pages, "what does a lead in the documentation ladder do?", question)
    assert top(follow) == ("Documentation Ladder", "", "Alumni leads")
    assert "craft" in follow.carried
    assert "fast-tracked into the previous role" in follow.quotes[0].text


def test_a_topic_the_ladders_page_answers_for_every_level(ladder_pages: Answerer) -> None:
    question = "and if i go quiet for a year?"
    assert top(ladder_pages.ask(question)) == ("Design Ladder", "", "Time out")
    # After a documentation lead: the documentation ladder's page, which speaks for every role on it though
    # it names none, not the lead's own cells nor the design ladder's page.
    _, follow = converse(ladder_pages, "what does a lead in the documentation ladder do?", question)
    assert top(follow) == ("Documentation Ladder", "", "Inactive people")
    assert follow.carried == ("craft",)
    assert follow.context is not None and follow.context.craft == "Documentation Ladder"


def _role(intro: str, duties: list[str], entry: list[str]) -> str:
    return (f"{intro}\n\n## Responsibilities\n\n" + "\n".join(f"- {d}" for d in duties)
            + "\n\n## Requirements\n\n" + "\n".join(f"- {e}" for e in entry) + "\n")


# Made up: two clubs with roles of the same names, each club's page introduced as a document about its roles.
_CLUBS = {
    "garden": Ladder("Garden Club", [
        ("Member", _role("Members tend a shared plot.", ["Waters the seedlings on their rota day",
                                                          "Comes to the monthly dig"], ["Pays the season's fee"])),
        ("Owner", _role("Owners run one of the club's beds.", ["Decides which crops are sown each spring",
                                                                "Orders seed and compost"],
                        ["Has been a member for two seasons", "Elected by the members"])),
    ], intro="This doc outlines the roles of the garden club and what each of them takes on."),
    "book": Ladder("Book Club", [
        ("Member", _role("Members read the month's book.", ["Reads the book before the meeting",
                                                             "Brings one question"], ["Asks to join at any meeting"])),
        ("Owner", _role("Owners run one of the club's reading circles.", ["Chooses the year's reading list",
                                                                          "Books the library room each month"],
                        ["Appointed by the outgoing owner", "Has chaired three meetings"])),
    ], intro="This doc outlines the roles of the book club and what each of them takes on."),
}


@pytest.fixture(scope="module")
def clubs(open_answerer: Callable[[Path], Answerer], tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    return open_answerer(write_ladders(tmp_path_factory.mktemp("clubs") / "content", _CLUBS))


def test_a_follow_up_naming_another_ladders_doc_asks_for_the_same_role_there(clubs: Answerer) -> None:
    # docs/retrieval.md step 5: "and in the book club doc?" after the garden club's owner names the other ladder
    # and a word of its own ("doc"). On its own it is that ladder's introduction; but a page's own text is no
    # other topic, so the conversation has not moved on: the book club's owner answers it.
    assert top(clubs.ask("and in the book club doc?")) == ("Book Club", "", "Book Club")
    _, follow = converse(clubs, "owner role in the garden club?", "and in the book club doc?")
    assert follow.confident and follow.quotes, follow
    assert (follow.quotes[0].entry.craft, follow.quotes[0].entry.level) == ("Book Club", "Owner")
    assert follow.carried == ("level",)


# Made up: two councils with a role of the same name. The parish council describes its clerk in one passage under
# the role's title; the school board in a table, with a line under the title that only points elsewhere.
_COUNCILS = {
    "parish": Ladder("Parish Council", [
        ("Councillor", "- Votes on the parish budget\n- Answers residents' letters within a month\n"),
        ("Clerk", "- Keeps the minutes of every meeting\n- Publishes the agenda a week before each meeting\n"
                  "- Looks after the council's records and seal\n"),
    ], intro="This doc sets out the roles of the parish council."),
    "school": Ladder("School Board", [
        ("Governor", area_table({"Responsibilities": "Visits the school each term and reports to the board",
                                 "Requirements": "Elected by the parents"})),
        ("Clerk", area_table({"Responsibilities": "Sends the board papers to every governor",
                              "Requirements": "Appointed by the chair of governors"})
         + "\nThe handbook describes the clerk's work in detail.\n"),
    ], intro="This doc sets out the roles of the school board."),
}


@pytest.fixture(scope="module")
def councils(open_answerer: Callable[[Path], Answerer], tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    return open_answerer(write_ladders(tmp_path_factory.mktemp("councils") / "content", _COUNCILS))


@pytest.mark.parametrize("follow_up", ["and in the school board ladder?", "and in the school board doc?"])
def test_a_role_described_whole_is_asked_for_whole_on_the_ladder_a_follow_up_names(councils: Answerer,
                                                                                    follow_up: str) -> None:
    # The parish clerk is one passage filed under the role's own name: the last answer had no topic but the role.
    first, follow = converse(councils, "clerk duties in the parish council?", follow_up)
    assert first.context is not None and first.context.area == first.context.level == "Clerk"
    # On the school board the clerk is the whole role there, its areas in page order, not the line under its title
    # that shares the role's name (nor, for "doc", the board's introduction, which that word finds on its own).
    assert follow.confident and follow.intent == "level", follow
    assert [(q.entry.craft, q.entry.level, q.entry.area) for q in follow.quotes[:2]] == [
        ("School Board", "Clerk", "Responsibilities"), ("School Board", "Clerk", "Requirements")]
    assert follow.carried == ("level",)
    assert follow.question == follow_up


def test_a_follow_up_asked_again_still_says_the_question_was_cut(councils: Answerer) -> None:
    # A follow-up past MAX_QUESTION_CHARS is answered from its first characters, and the answer says so: asked
    # again without its page words ("doc"), it is still the question the asker typed, cut (83cdd0a lost the flag,
    # asking the shorter words as a new question).
    follow_up = "and in the school board doc? " + "?" * MAX_QUESTION_CHARS
    _, follow = converse(councils, "clerk duties in the parish council?", follow_up)
    assert follow.confident and follow.intent == "level", follow
    assert [(q.entry.craft, q.entry.level) for q in follow.quotes[:1]] == [("School Board", "Clerk")]
    assert follow.truncated


@pytest.mark.parametrize("follow_up", ["and in the school hierarchy?", "and in the board structure?"])
def test_a_ladder_named_by_a_word_of_its_own_keeps_its_name_when_the_follow_up_is_asked_again(
        councils: Answerer, follow_up: str) -> None:
    # "school" alone names the School Board (no other ladder's name has it), and "hierarchy" is a word about the
    # ladder itself: asked again without the words that only say where to look, the name stays, so the answer is
    # the clerk on the school board, not the parish clerk of the last answer again.
    _, follow = converse(councils, "clerk duties in the parish council?", follow_up)
    assert follow.confident and follow.intent == "level", follow
    assert [(q.entry.craft, q.entry.level, q.entry.area) for q in follow.quotes[:2]] == [
        ("School Board", "Clerk", "Responsibilities"), ("School Board", "Clerk", "Requirements")]
    assert follow.question == follow_up


@pytest.fixture(scope="module")
def councils_with_glossary(open_answerer: Callable[[Path], Answerer],
                           tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    # The councils' admins call the School Board "the board" (docs/content.md, careerfw.yaml): a synonym whose
    # word is a word of the name it stands for, so the name written out holds the word again.
    content = write_ladders(tmp_path_factory.mktemp("councils-glossary") / "content", _COUNCILS)
    (content / "careerfw.yaml").write_text("synonyms:\n  board: School Board\n")
    return open_answerer(content)


def test_a_follow_up_asked_again_without_its_page_words_keeps_the_glossary_applied_once(
        councils_with_glossary: Answerer) -> None:
    # "and in the board doc?" is "and in the School Board doc?" in the company's words; its "doc" finds only the
    # board's introduction, so it is asked again without it (index/answer.py). Asked again from the words already
    # read, the glossary is not applied to its own output ("the school School Board", whose extra "school" was
    # asked without again, and so on without end): the answer is the clerk on the school board as a whole.
    _, follow = converse(councils_with_glossary, "clerk duties in the parish council?", "and in the board doc?")
    assert follow.confident and follow.intent == "level", follow
    assert [(q.entry.craft, q.entry.level, q.entry.area) for q in follow.quotes[:2]] == [
        ("School Board", "Clerk", "Responsibilities"), ("School Board", "Clerk", "Requirements")]
    assert follow.question == "and in the board doc?"
    assert [line.text for line in follow.glossary] == ["board: School Board"]


def test_a_refused_level_answer_is_not_asked_of_the_ladder_again(ladder_pages: Answerer,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # The ladder's own page may only replace a level's answer the gate took: a topic the level refuses stays
    # refused whatever the ladder ranks, so it is not ranked and composed a second time (issue 23).
    responded: list[str] = []
    respond = Answerer._respond

    def counting(self: Answerer, state, query, *args, **kwargs):  # type: ignore[no-untyped-def]
        responded.append(query.text)
        return respond(self, state, query, *args, **kwargs)

    first = ladder_pages.ask("what does a lead in the documentation ladder do?")
    monkeypatch.setattr(Answerer, "_respond", counting)
    follow = ladder_pages.ask("and what's the weather like on mars?", context=first.context)
    assert not follow.confident
    # The level's answer, then the question on its own (has the conversation moved on?): no ladder's answer.
    assert len(responded) == 2


def test_the_todo_list_inherits_nothing(multilevel_answerer: Answerer) -> None:
    _, follow = converse(multilevel_answerer, "what does a Senior Engineer 1 do for communication?",
                         "which areas are still TODO?")
    assert follow.intent == "todo" and follow.carried == ()
    assert [q.entry.area for q in follow.quotes] == [q.entry.area for q in multilevel_answerer.ask(
        "which areas are still TODO?").quotes]


def test_a_level_of_several_crafts_answers_for_the_craft_named_before(two_crafts: Answerer) -> None:
    # Issue 10 item 6: on its own "level 1" asks which craft; after a backend question it is backend's.
    assert two_crafts.ask("what is expected at level 1?").intent == "choose"
    _, overview = converse(two_crafts, "how does a level 2 backend engineer show mastery?",
                           "what is expected at level 1?")
    assert overview.intent == "level" and overview.carried == ("craft",)
    assert {(q.entry.craft, q.entry.level) for q in overview.quotes} == {("Backend Engineering Craft", "Level 1")}


def test_what_about_a_craft_keeps_level_and_area(two_crafts: Answerer) -> None:
    first, level, craft = converse(two_crafts, "how does a level 2 backend engineer show mastery?",
                                   "and at level 1?", "what about mobile?")
    assert top(first) == ("Backend Engineering Craft", "Level 2", "Mastery")
    assert top(level) == ("Backend Engineering Craft", "Level 1", "Mastery")
    assert level.carried == ("craft", "area")
    assert top(craft) == ("Mobile Engineering Craft", "Level 1", "Mastery")
    assert craft.carried == ("level", "area")
    assert "small phones" in craft.quotes[0].text
    assert craft.context.label() == "Mobile Engineering › Level 1 › Mastery"


def test_a_question_that_points_back_keeps_the_topic(two_crafts: Answerer) -> None:
    _, follow = converse(two_crafts, "what communication is expected of a level 1 mobile engineer?",
                         "what does that look like at level 2?")
    assert top(follow) == ("Mobile Engineering Craft", "Level 2", "Communication")
    # Without pointing back, the question asks for the whole level (of the craft asked about before).
    _, whole = converse(two_crafts, "what communication is expected of a level 1 mobile engineer?",
                        "what is expected at level 2?")
    assert whole.intent == "level" and {q.entry.craft for q in whole.quotes} == {"Mobile Engineering Craft"}


def test_an_off_topic_follow_up_is_refused_and_keeps_the_conversation(two_crafts: Answerer) -> None:
    first, weather, after = converse(two_crafts, "how does a level 2 backend engineer show mastery?",
                                     "what's the weather like tomorrow?", "and at level 1?")
    assert not weather.confident and not weather.quotes
    assert weather.context == first.context
    assert top(after) == ("Backend Engineering Craft", "Level 1", "Mastery")


def test_context_round_trips_as_json_and_rejects_anything_else() -> None:
    context = Context("Acme", "Backend Engineering Craft", "Level 2", "Mastery")
    assert Context.from_json(context.to_json()) == context
    for junk in (None, [], "x", {"level": 3}, {}):
        assert Context.from_json(junk) is None


def test_a_track_word_picks_the_other_version_of_the_same_level(multilevel_answerer: Answerer) -> None:
    first, manager, back = converse(multilevel_answerer, "how does a senior engineer 2 IC handle communication?",
                                    "and the manager track?", "and the ic equivalent?")
    assert top(first) == ("Software Engineering Craft", "Senior Engineer 2 (Individual Contributor)", "Communication")
    assert top(manager) == ("Software Engineering Craft", "Senior Engineer 2 (People Manager)", "Communication")
    assert "level" in manager.carried and "area" in manager.carried
    assert top(back) == top(first)


def test_an_area_named_in_part_is_the_questions_own_topic(multilevel_answerer: Answerer) -> None:
    # "site reliability" is part of "Site Reliability Engineering (SRE)": a topic, so Technical Skills is not carried.
    _, follow = converse(multilevel_answerer, "what does technical skills look like for an engineer 1?",
                         "what about site reliability?")
    assert top(follow) == ("Software Engineering Craft", "Engineer 1", "Site Reliability Engineering (SRE)")
    assert "area" not in follow.carried


def test_a_slip_of_a_glue_word_is_still_glue(two_crafts: Answerer) -> None:
    _, follow = converse(two_crafts, "how does a level 2 backend engineer show mastery?", "wht about mobile?")
    assert top(follow) == ("Mobile Engineering Craft", "Level 2", "Mastery")
    assert follow.carried == ("level", "area")


def test_the_level_above_and_below_come_from_the_content_order(two_crafts: Answerer) -> None:
    first, above, below = converse(two_crafts, "how does a level 1 mobile engineer show mastery?",
                                   "and the level above?", "what about the one before that?")
    assert top(first) == ("Mobile Engineering Craft", "Level 1", "Mastery")
    assert top(above) == ("Mobile Engineering Craft", "Level 2", "Mastery")
    assert "level" in above.carried and "area" in above.carried
    assert top(below) == ("Mobile Engineering Craft", "Level 1", "Mastery")


def test_compare_that_with_the_level_above(two_crafts: Answerer) -> None:
    _, compared = converse(two_crafts, "how does a level 1 backend engineer handle communication?",
                           "compare that with the level above")
    assert compared.intent == "compare" and compared.confident
    assert [(q.entry.craft, q.entry.level, q.entry.area) for q in compared.quotes] == [
        ("Backend Engineering Craft", "Level 1", "Communication"),
        ("Backend Engineering Craft", "Level 2", "Communication"),
    ]


def test_whats_next_follows_the_track(multilevel_answerer: Answerer) -> None:
    first, manager, nxt = converse(multilevel_answerer, "what does a Senior Engineer 1 do for communication?",
                                   "what's next after that?", "and the manager track?")
    # After Senior Engineer 1 come both versions of Senior Engineer 2; the manager track picks one.
    assert top(manager)[1].startswith("Senior Engineer 2 (") and top(manager)[2] == "Communication"
    assert top(nxt) == ("Software Engineering Craft", "Senior Engineer 2 (People Manager)", "Communication")


def test_a_step_up_from_there_keeps_the_topic(two_crafts: Answerer) -> None:
    # Level words ("step", "rung") say which level, not what about; "there" points back at the last answer.
    _, up = converse(two_crafts, "how does a level 1 backend engineer handle communication?",
                     "whats the next step up from there?")
    assert top(up) == ("Backend Engineering Craft", "Level 2", "Communication")


def test_an_unanswered_question_of_its_own_ends_the_last_topic(two_crafts: Answerer) -> None:
    first, own = converse(two_crafts, "how does a level 2 backend engineer show mastery?",
                          "how do level 1 mobile engineers handle parental leave?")
    assert not own.confident
    assert own.context.area == "" and own.context.level == "Level 1"


def test_initials_in_the_plural_name_their_track(multilevel_answerer: Answerer) -> None:
    from index.levelnames import singular

    assert [singular(w) for w in ("ics", "pms", "its", "was")] == ["ic", "pm", "its", "was"]
    detected = multilevel_answerer.ranker.structure.detect("how do senior 2 ICs communicate?")
    named = multilevel_answerer.ranker.structure.mask(detected.mentions, {"who"})
    levels = {multilevel_answerer.entries[i].level for i in named.nonzero()[0]}
    assert levels == {"Senior Engineer 2 (Individual Contributor)"}


def test_a_question_about_the_ladder_is_not_turned_into_the_last_topic(two_crafts: Answerer) -> None:
    # After a Communication answer, the step and the move each name their own level: complete as they are.
    _, step, move = converse(two_crafts, "how does a level 2 backend engineer handle communication?",
                             "what comes after level 1 in mobile?",
                             "what do I need to go from level 1 to level 2 as a backend engineer?")
    assert step.intent == "next" and step.carried == ()
    assert {lv.title for lv in step.levels} >= {"Level 2"}
    assert move.intent == "checklist" and move.checklist is not None
    assert (move.checklist.current, move.checklist.target) == ("Level 1", "Level 2")
    assert {q.entry.area for q in move.quotes} == {"Mastery", "Communication"}


def test_another_craft_asks_the_same_ladder_question_again(two_crafts: Answerer) -> None:
    move, web = converse(two_crafts, "what do I need to go from level 1 to level 2 as a backend engineer?",
                         "and for mobile?")
    assert move.checklist is not None and move.checklist.craft == "Backend Engineering Craft"
    assert web.intent == "checklist" and web.checklist is not None and web.carried == ("level",)
    assert (web.checklist.current, web.checklist.target, web.checklist.craft) == (
        "Level 1", "Level 2", "Mobile Engineering Craft")
    assert all(q.entry.craft == "Mobile Engineering Craft" and q.entry.level == "Level 2" for q in web.quotes)
    assert web.question == "and for mobile?"
    step, other = converse(two_crafts, "what comes after level 1 in backend?", "what about mobile?")
    assert step.intent == other.intent == "next"
    assert {(lv.craft, lv.title) for lv in other.levels} >= {("Mobile Engineering Craft", "Level 2")}
    # A topic of its own is a new question, not the move again.
    _, topic = converse(two_crafts, "what do I need to go from level 1 to level 2 as a backend engineer?",
                        "how do mobile engineers handle crash reports?")
    assert topic.intent == "lookup"


def test_the_kind_of_ladder_question_round_trips_as_json() -> None:
    context = Context("Acme", "Backend Engineering Craft", "Level 1", "", "checklist", "Level 2")
    assert Context.from_json(context.to_json()) == context
    assert Context.from_json({"level": "Level 1", "kind": "shout", "target": "x"}) == Context(level="Level 1")


def test_a_follow_up_that_asks_which_craft_still_says_it_follows_on(two_crafts: Answerer) -> None:
    # "from there" names no level: the move starts at the last question's level, written for both crafts,
    # so the answer asks which craft. It used the carried level (each choice is Level 1 -> Level 2), so it
    # says "following on" as an answer does; only a refusal, which used nothing carried, does not.
    _, move = converse(two_crafts, "what is expected at level 1?", "how do I get promoted from there?")
    assert move.intent == "choose" and not move.confident
    assert move.carried == ("level",)
    assert move.context is not None and move.context.level == "Level 1"
    assert sorted(c.label for c in move.choices) == ["Backend Engineering Craft", "Mobile Engineering Craft"]
    assert all(c.request is not None and c.request.intent == "checklist" and c.request.levels == ("Level 1", "Level 2")
               for c in move.choices)


class _Counted(list):  # type: ignore[type-arg]
    """A list that counts the passes made over it."""

    passes = 0

    def __iter__(self):  # type: ignore[no-untyped-def]
        type(self).passes += 1
        return super().__iter__()


def test_a_questions_names_are_weighed_without_a_pass_over_every_entry(
        two_crafts: Answerer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Which crafts there are, and each craft's levels, depend on the index alone: a question that names a
    level and a craft is answered without reading the craft and level of every entry again (on a large
    framework that was a few thousand entries per question)."""
    followups = two_crafts._state.followups
    before = (two_crafts.ask("what does a level 2 backend engineer do for mastery?").to_json(),
              two_crafts.ask("how does a mobile engineer communicate at level 1?").to_json())
    _Counted.passes = 0
    monkeypatch.setattr(followups, "craft_of", _Counted(followups.craft_of))
    monkeypatch.setattr(followups, "level_of", _Counted(followups.level_of))
    after = (two_crafts.ask("what does a level 2 backend engineer do for mastery?").to_json(),
             two_crafts.ask("how does a mobile engineer communicate at level 1?").to_json())
    assert after == before
    assert _Counted.passes == 0


def test_a_typed_word_is_compared_with_a_crafts_name_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whether "devex" abbreviates "developer experience" depends on the two texts alone: the same word in
    the next question is remembered, not worked out again."""
    import index.followup as followup

    calls: list[tuple[str, list[str]]] = []
    real = followup.clipped

    def counted(said: str, name: list[str]) -> list[int]:
        calls.append((said, name))
        return real(said, name)

    monkeypatch.setattr(followup, "clipped", counted)
    getattr(followup._abbreviates, "cache_clear", lambda: None)()
    assert followup._abbreviates("devex", "developer experience")
    assert followup._abbreviates("devex", "developer experience")
    assert not followup._abbreviates("dx", "developer experience")
    assert len(calls) == 2


def test_a_follow_up_selects_what_it_carries_without_a_pass_over_every_entry(
        two_crafts: Answerer, monkeypatch: pytest.MonkeyPatch) -> None:
    """A follow-up narrows the candidates to the level, craft or area it carries: one comparison over the
    facet's column, kept with the index, not a Python pass over every entry for every carried facet."""
    turns = ("what does a level 2 backend engineer do for mastery?", "and what about mobile?", "and at level 1?")
    before = [a.to_json() for a in converse(two_crafts, *turns)]
    followups = two_crafts._state.followups
    _Counted.passes = 0
    for column in ("craft_of", "level_of", "area_of", "framework_of"):
        monkeypatch.setattr(followups, column, _Counted(getattr(followups, column)))
    answers = converse(two_crafts, *turns)
    assert [a.to_json() for a in answers] == before
    assert [top(a)[:2] for a in answers] == [("Backend Engineering Craft", "Level 2"), ("Mobile Engineering Craft",
                                             "Level 2"), ("Mobile Engineering Craft", "Level 1")]
    assert _Counted.passes == 0


@pytest.fixture(scope="module")
def four_rungs(open_answerer: Callable[[Path], Answerer], tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    cells = {1: "I ship small fixes with a reviewer beside me.", 2: "I ship whole features on my own.",
             3: "I design the schema changes of a service.", 4: "I set the direction for several services."}
    ladder = Ladder("Engineering", [(f"Engineer {n}", area_table({"Delivery": cells[n],
                                                                 "Collaboration": f"I pair with {n} teams."}))
                                    for n in (1, 2, 3, 4)])
    content = tmp_path_factory.mktemp("four-rungs") / "content"
    return open_answerer(write_ladders(content, {"engineering": ladder}, heading="{level}",
                                       file="{craft}_level{n}.md", slug="level{n}"))


def test_a_count_of_levels_steps_from_the_level_the_conversation_is_on(four_rungs: Answerer) -> None:
    # "one level up" counts rungs from the carried level; it never names Engineer 1 (issue 19).
    _, up = converse(four_rungs, "how does an Engineer 2 deliver?", "and one level up?")
    assert top(up)[1:] == ("Engineer 3", "Delivery")
    _, two = converse(four_rungs, "how does an Engineer 2 deliver?", "and two levels higher?")
    assert two.intent != "levels" and top(two)[1:] == ("Engineer 4", "Delivery")
    compared, after = converse(four_rungs, "how is Engineer 2 different from Engineer 3 on delivery?",
                                  "and one level up?")
    assert compared.intent == "compare"
    assert top(after)[1:] == ("Engineer 4", "Delivery")


def test_one_level_up_after_a_comparison_goes_beyond_the_higher_level(four_rungs: Answerer) -> None:
    # The user has just seen both levels: "one level up" is the rung above the pair, in whichever order
    # they were named, not the rung above the one named last.
    compared, after = converse(four_rungs, "how is Engineer 3 different from Engineer 2 on delivery?",
                               "and one level up?")
    assert compared.intent == "compare"
    assert top(after)[1:] == ("Engineer 4", "Delivery")
