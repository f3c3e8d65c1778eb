"""Level names as people type them, derived from the titles of whatever framework is loaded
(index/levelnames.py, index/aliases.py). The frameworks here are made up in the test: the rules
must hold for titles nobody tuned them on."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.aliases import Structure
from tests.support.frameworks import Ladder, area_table, structure_of, write_ladders

CRAFT = """---
title: Engineering Craft
parent: Example Progression
---
# Engineering Craft

## Delivery

How work gets planned and shipped.
"""


def _level(title: str, nav: int, areas: dict[str, str], craft: str = "Engineering Craft") -> str:
    rows = "\n".join(f"| {a} | {t} |" for a, t in areas.items())
    return (f"---\ntitle: {title}\nparent: {craft}\ngrand_parent: Example Progression\nnav_order: {nav}\n---\n"
            f"# {title}\n\n|Area|Description|\n|--|--|\n{rows}\n")


def _structure(tmp_path: Path, titles: list[str], craft: str = "Engineering Craft") -> Structure:
    (tmp_path / "craft.md").write_text(CRAFT.replace("Engineering Craft", craft), "utf-8")
    for n, title in enumerate(titles, 1):
        areas = {"Delivery": f"Ships work of size {n}.", "Direct reports": "Has direct reports." if n > 3 else "None."}
        (tmp_path / f"level{n}.md").write_text(_level(title, n, areas, craft), "utf-8")
    return structure_of(tmp_path)


def named(structure: Structure, question: str) -> set[str]:
    """The levels a question narrows to (empty: it narrows nothing)."""
    detected = structure.detect(question)
    mask = structure.mask(detected.mentions, {"who", "craft"})
    if mask is None:
        return set()
    return {structure.level_of[i] for i in range(structure.size) if mask[i] and structure.level_of[i]}


TRACKS = [
    "Junior Engineer", "Engineer", "Senior Engineer 1", "Senior Engineer 2 (Individual Contributor)",
    "Senior Engineer 2 (People Manager)", "Principal Engineer (Individual Contributor)",
    "Principal Engineer (People Manager)", "Technology Director",
]


@pytest.fixture()
def tracks(tmp_path: Path) -> Structure:
    return _structure(tmp_path, TRACKS)


@pytest.mark.parametrize("question, levels", [
    # Short forms: the title without the word most titles share.
    ("what does a junior do for delivery?", {"Junior Engineer"}),
    ("how do juniors ship?", {"Junior Engineer"}),
    ("what about a senior 1's delivery?", {"Senior Engineer 1"}),
    ("senior eng 1 delivery", {"Senior Engineer 1"}),
    ("sr engineer 1 delivery", {"Senior Engineer 1"}),
    # Abbreviated words.
    ("tech director delivery", {"Technology Director"}),
    # Track qualifiers by initials, and a track word refining a name already given.
    ("senior 2 IC delivery", {"Senior Engineer 2 (Individual Contributor)"}),
    ("principal pm delivery", {"Principal Engineer (People Manager)"}),
    ("senior 2 on the manager track: delivery?", {"Senior Engineer 2 (People Manager)"}),
    ("principals and delivery", {"Principal Engineer (Individual Contributor)", "Principal Engineer (People Manager)"}),
    # A misspelt title is still the title.
    ("wat does an enginer deliver", {"Engineer"}),
])
def test_level_names_as_people_type_them(tracks: Structure, question: str, levels: set[str]) -> None:
    assert named(tracks, question) == levels


@pytest.mark.parametrize("question", [
    "what should I bring to my manager?",  # a track word alone is no level
    "how many direct reports is normal?",  # "direct" is a word of the text, not a typo of "Director"
    "what is expected for delivery?",
])
def test_words_that_only_look_like_names_narrow_nothing(tracks: Structure, question: str) -> None:
    assert named(tracks, question) == set()


def test_names_written_together_are_one_side_of_a_comparison(tracks: Structure) -> None:
    groups = tracks.name_groups(tracks.detect("principal IC vs principal manager on delivery"))
    sides = [{tracks.level_of[i] for i in rows} for _, rows, _ in groups]
    assert sides == [{"Principal Engineer (Individual Contributor)"}, {"Principal Engineer (People Manager)"}]
    groups = tracks.name_groups(tracks.detect("diff between senior 1 and senior 2 IC"))
    assert [{tracks.level_of[i] for i in rows} for _, rows, _ in groups] == [
        {"Senior Engineer 1"}, {"Senior Engineer 2 (Individual Contributor)"}]


@pytest.mark.parametrize("question", ["stage 3 delivery", "level 3 delivery", "L3 delivery", "lvl three delivery",
                                      "E3 delivery", "what does a 3 deliver?"])
def test_any_numbering_style_names_a_numbered_level(tmp_path: Path, question: str) -> None:
    bands = _structure(tmp_path, ["Band 1", "Band 2", "Band 3", "Band 4"])
    assert named(bands, question) == {"Band 3"}


def test_a_number_is_never_a_typo_and_not_every_number_is_a_level(tmp_path: Path) -> None:
    bands = _structure(tmp_path, ["Band 1", "Band 2", "Band 3", "Band 4"])
    assert named(bands, "level 5 delivery") == set()  # no such level: nothing, never a neighbour
    assert named(bands, "top 3 delivery tips") == set()  # a number that names no level


def test_codes_select_their_own_track_and_a_level_number_counts_levels(tmp_path: Path) -> None:
    titles = ["IC1", "IC2", "IC3", "IC4", "M3", "M4", "M5"]
    coded = _structure(tmp_path, titles)
    assert named(coded, "ic 3 delivery") == {"IC3"}
    assert named(coded, "IC3s and delivery") == {"IC3"}
    assert named(coded, "manager 4 delivery") == {"M4"}
    assert named(coded, "m3 delivery") == {"M3"}
    # IC counts its levels from 1; M starts at 3, beside IC3: a number without a code counts levels, so
    # "level 3" is the third level, IC3, and M3 is named by its code. A number only M has is still M's.
    assert named(coded, "level 3 delivery") == {"IC3"}
    assert named(coded, "L4 delivery") == {"IC4"}
    assert named(coded, "level 5 delivery") == {"M5"}
    # A code the titles lack ("EM 3": engineering manager) or a bare number may be any track's: both, as before.
    assert named(coded, "EM 3 delivery") == {"IC3", "M3"}


def test_a_number_without_a_code_is_marked_for_the_conversation_to_place_on_a_track(tmp_path: Path) -> None:
    coded = _structure(tmp_path, ["IC1", "IC2", "IC3", "IC4", "M3", "M4", "M5"])
    names = coded.level_names
    # "level 5" and "a 5" came with no code of the framework's: a follow-up may read them on the last track.
    assert [m.uncoded for m in coded.detect("and at level 5?").mentions] == [5]
    assert [m.uncoded for m in coded.detect("and becoming a 4?").mentions] == [4]
    assert [m.uncoded for m in coded.detect("and for an M4?").mentions] == [None]
    assert names.on_track("M4", 5) == {"M5"}
    assert names.on_track("IC2", 3) == {"IC3"}
    assert names.on_track("M4", 2) == set()  # the managers start at M3


@pytest.mark.parametrize(("titles", "counted", "coded"), [
    # The counted track written with a level word of its own, or in roman numerals after its noun, counts from 1
    # as IC1..IC4 does: the managers beside it borrow their numbers whichever way either track writes them.
    (["Band 1", "Band 2", "Band 3", "Band 4", "M3", "M4"], "Band 3", ("m3 delivery", "M3")),
    (["Engineer I", "Engineer II", "Engineer III", "Engineer IV", "Manager III", "Manager IV"], "Engineer III",
     ("manager 3 delivery", "Manager III")),
    # A title's code says its track, not the sub-level its noun numbers ("Engineering Manager 1" is M3).
    (["Engineer 1 (IC1)", "Engineer 2 (IC2)", "Senior Engineer 1 (IC3)", "Senior Engineer 2 (IC4)",
      "Engineering Manager 1 (M3)", "Engineering Manager 2 (M4)"], "Senior Engineer 1 (IC3)",
     ("m3 delivery", "Engineering Manager 1 (M3)")),
])
def test_level_n_counts_levels_however_the_tracks_write_their_numbers(
        tmp_path: Path, titles: list[str], counted: str, coded: tuple[str, str]) -> None:
    structure = _structure(tmp_path, titles)
    assert named(structure, "level 3 delivery") == {counted}
    assert named(structure, coded[0]) == {coded[1]}


def test_a_level_number_names_every_track_when_none_counts_from_one(tmp_path: Path) -> None:
    # Both tracks start above 1 (IC2.., M2..): neither counts the levels, so "level 3" names both, as before.
    coded = _structure(tmp_path, ["IC2", "IC3", "IC4", "M2", "M3"])
    assert named(coded, "level 3 delivery") == {"IC3", "M3"}


def test_qualifier_codes_in_parentheses_number_the_levels(tmp_path: Path) -> None:
    titles = ["Engineer 1 (IC2)", "Engineer 2 (IC3)", "Engineering Manager 1 (M2)", "Engineering Manager 2 (M3)",
              "Director of Engineering (M5)"]
    artsy_like = _structure(tmp_path, titles, craft="Engineering Ladder")
    assert named(artsy_like, "eng 2 delivery") == {"Engineer 2 (IC3)"}
    assert named(artsy_like, "EM1 delivery") == {"Engineering Manager 1 (M2)"}
    assert named(artsy_like, "em 2 delivery") == {"Engineering Manager 2 (M3)"}
    assert named(artsy_like, "ic 3 delivery") == {"Engineer 2 (IC3)"}
    assert named(artsy_like, "director delivery") == {"Director of Engineering (M5)"}


def test_initials_of_several_words_spell_a_name_beside_its_other_words(tmp_path: Path) -> None:
    titles = ["Engineer", "Senior Engineer", "Engineering Manager 1", "Engineering Manager 2",
              "Senior Engineering Manager"]
    ladder = _structure(tmp_path, titles, craft="Engineering Ladder")
    assert named(ladder, "sr em - who owns delivery?") == {"Senior Engineering Manager"}
    assert named(ladder, "senior EM delivery") == {"Senior Engineering Manager"}
    assert named(ladder, "em 2 delivery") == {"Engineering Manager 2"}
    # Two lower-case letters alone are no name in a question that writes capitals elsewhere; typed without any,
    # they are the title's initials as "EM" is (index/aliases.py `_writes_capitals`).
    assert named(ladder, "What does an em do for Delivery?") == set()
    assert named(ladder, "what does an em do?") == named(ladder, "what does an EM do?") != set()


def test_an_ordinal_alone_is_no_level_number(tmp_path: Path) -> None:
    bands = _structure(tmp_path, ["Band 1", "Band 2", "Band 3", "Band 4"])
    assert named(bands, "how much does a first line manager deliver?") == set()
    assert named(bands, "can I get a second monitor?") == set()
    assert named(bands, "what does a 2 deliver?") == {"Band 2"}
    assert named(bands, "level two delivery") == {"Band 2"}


@pytest.mark.parametrize("word, code", [
    ("ic3", ("ic", 3)), ("m4", ("m", 4)), ("em12", ("em", 12)), ("lv3", ("lv", 3)),
    ("ic3s", None), ("h264", None), ("b2b", None), ("band3", None), ("3", None), ("2nd", None),
])
def test_a_level_code_is_a_few_letters_glued_to_a_number(word: str, code: tuple[str, int] | None) -> None:
    """The grammar the tokenizer reads numbered words by (tokens.NUMBERED) with a code's bounds: at most
    CODE_LETTERS letters before one or two digits, no ending."""
    from index.levelnames import code_number

    assert code_number(word) == code


def test_a_words_level_code_is_read_once_however_often_it_is_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """"ic3" is ('ic', 3) in every question: each question word was matched against the code grammar two or
    three times per question (the numbers, the missing levels, the plurals), question after question."""
    import index.levelnames as levelnames

    real = levelnames.NUMBERED
    read: list[str] = []

    class Counting:
        def fullmatch(self, word: str):  # noqa: ANN201
            read.append(word)
            return real.fullmatch(word)

    getattr(levelnames.code_number, "cache_clear", lambda: None)()
    monkeypatch.setattr(levelnames, "NUMBERED", Counting())
    assert levelnames.code_number("ic3") == ("ic", 3)
    assert levelnames.code_number("ic3") == ("ic", 3)
    assert levelnames.code_number("b2b") is None
    assert levelnames.code_number("b2b") is None
    assert read == ["ic3", "b2b"]
    getattr(levelnames.code_number, "cache_clear", lambda: None)()


@pytest.mark.parametrize("question", ["engineer II delivery", "eng II delivery", "eng 2 - how do they deliver?",
                                      "software engineer 2 delivery"])
def test_the_jobs_own_name_numbers_its_levels_though_the_ladder_starts_below_them(tmp_path: Path,
                                                                                question: str) -> None:
    # "Software Engineer I" and "II" after "Associate Software Engineer": the numbered name is the job's own
    # (every title carries it), not a rung's like "Senior Engineer 1", so its last word, or a word cut short
    # from it, numbers the levels as "Engineer II" would.
    titles = ["Associate Software Engineer", "Software Engineer I", "Software Engineer II",
              "Senior Software Engineer"]
    ladder = _structure(tmp_path, titles, craft="Software Engineer")
    assert named(ladder, question) == {"Software Engineer II"}


@pytest.mark.parametrize(("question", "level"), [("eng I delivery", "Engineer I"), ("eng 2 delivery", "Engineer II"),
                                                 ("dx eng II delivery", "DX Engineer II")])
def test_a_level_named_cut_short_is_that_level_not_every_level_of_its_number(tmp_path: Path, question: str,
                                                                             level: str) -> None:
    # "eng I" spells Engineer I word by word: that name, as "EM 2" is Engineering Manager 2, though "engineer 1"
    # also numbers DX Engineer I, the first rung of another ladder.
    def ladder(prefix: str) -> list[tuple[str, str]]:
        numbered = [(f"{prefix}Engineer {n}", area_table({"Delivery": f"Ships work of size {k}."}))
                    for k, n in enumerate(["I", "II"], 1)]
        return [*numbered, (f"Senior {prefix}Engineer", area_table({"Delivery": "Leads."}))]

    content = write_ladders(tmp_path, {"eng": Ladder("Engineering", ladder("")),
                                       "dx": Ladder("Developer Experience", ladder("DX "))})
    assert named(structure_of(content), question) == {level}


# A numbered framework whose text uses the everyday words off-topic codes come with ("form", "paper", "review").
_FORMS = {
    "Mastery": "Applies accessibility principles to common problems such as form design.",
    "Research": "Replicates approaches from research papers and writes them up.",
    "Communication": "Gives helpful feedback in code reviews and storage bucket designs.",
    "Impact": "Solves ambiguous problems for the team.",
}


def _forms_framework(root: Path) -> Path:
    (root / "craft.md").write_text(CRAFT.replace("Engineering Craft", "Web Engineering Craft"), "utf-8")
    for n in range(1, 5):
        areas = {area: f"{text} Level {n} scope." for area, text in _FORMS.items()}
        (root / f"level{n}.md").write_text(_level(f"Level {n}", n, areas, "Web Engineering Craft"), "utf-8")
    return root


# A short code glued to a number before a noun the framework names nothing by is that noun's kind, a tax form,
# a visa, a paper size or a storage bucket, not a level: "W2" in "my W2 form" is no Level 2.
OFF_TOPIC_CODES = ["where do I get my W2 form", "how do I apply for a K1 visa", "where is the A4 paper",
                   "how do I make an S3 bucket", "should I write a G2 review",
                   "where can I find my P45", "when do I get my P60", "do I get a 1099",
                   "do we do B2B sales", "how do I get an H1B"]
# Codes with no noun after them may still be a level's ("expected at E3"): the gate, not the reading, refuses them.
GATED_CODES = ["how do I fill in a W-4", "can I play an MP3 in the office"]
# Level numbers as people type them, an unknown big-tech code ("E5") included, before a name, an intent word
# or nothing.
ON_TOPIC_CODES = {"what does an L3 do": "Level 3", "lvl 3 impact": "Level 3", "what is expected at E3": "Level 3",
                  "E4 impact": "Level 4",
                  "level 3 mastery": "Level 3", "E2 web engineer communication": "Level 2",
                  "E 3 impact": "Level 3", "what does an E3 do": "Level 3"}


@pytest.mark.parametrize("question", [*OFF_TOPIC_CODES, "where do I get my W 2 form"])
def test_an_unknown_code_before_a_noun_the_framework_never_names_is_no_level(tmp_path: Path, question: str) -> None:
    assert named(structure_of(_forms_framework(tmp_path)), question) == set()


@pytest.mark.parametrize(("question", "level"), list(ON_TOPIC_CODES.items()))
def test_level_codes_people_type_still_name_the_level(tmp_path: Path, question: str, level: str) -> None:
    assert named(structure_of(_forms_framework(tmp_path)), question) == {level}


@pytest.fixture(scope="module")
def forms_answerer(open_answerer, tmp_path_factory: pytest.TempPathFactory):
    return open_answerer(_forms_framework(tmp_path_factory.mktemp("forms")), progress=False)


@pytest.mark.parametrize("question", OFF_TOPIC_CODES + GATED_CODES)
def test_a_tax_form_or_a_visa_is_not_answered_from_a_level(forms_answerer, question: str) -> None:
    answer = forms_answerer.ask(question)
    assert not answer.confident, [q.entry.level for q in answer.quotes]


def test_a_level_code_with_an_area_is_still_answered_from_that_level(forms_answerer) -> None:
    answer = forms_answerer.ask("E4 impact")
    assert answer.confident and (answer.quotes[0].entry.level, answer.quotes[0].entry.area) == ("Level 4", "Impact")
