"""How questions name the framework's parts (index/aliases.py): an abbreviation drops vowels or cuts
the word short. (Names read on a whole framework are in test_word_forms.py and test_levelnames.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from rapidfuzz import fuzz

from index.aliases import EXACT, Structure, _abbreviates


def _levels(structure: Structure, question: str) -> set[str]:
    """The levels a question's names select, as the question model reads them."""
    return {v for m in structure.detect(question).mentions for kind, v in m.values if kind == "level"}


@pytest.mark.parametrize("short, full, stands_for", [
    ("mgmt", "management", True), ("sr", "senior", True), ("convo", "conversation", True),
    ("count", "communication", False), ("coat", "communication", False),
])
def test_an_abbreviation_drops_vowels_or_cuts_the_word_short(short: str, full: str, stands_for: bool) -> None:
    assert _abbreviates(short, full, set()) is stands_for


# --- what is kept per framework for speed answers as the slow path does (issue 23) -------------------

_QUESTIONS = [
    "what does a sr eng 2 do about hiring?", "se 2 vs sr engineer 1", "sr em on the mgr track", "how do sre eng lead",
    "wht does a senior engineer 2 ic need for ppl mgmt", "snr eng 1 expectations", "is a dsc lvl 3 expected to model",
    "hed of ml and edge ml at lvl 1", "ml ops and edge comp for a mle", "what does the tech strat say about arch dsgn",
    "ai gov vs ai strat", "how does a level 2 data sci handle stakeholder mgmt", "ic 3 and pm 2 compared",
]


def _spelt_slowly(structure, window: tuple[str, ...], text: str):  # type: ignore[no-untyped-def]
    """What a window spells, by trying every name of its first letter and word counts (the path before the
    names a word can begin were kept per framework)."""
    from index.aliases import _digits, _spells
    from index.spelling import LOOSE_MIN

    n = len(window)
    if n == 1 and (len(window[0]) < LOOSE_MIN or window[0] in structure.vocabulary):
        return ()
    digits = _digits(window)
    found = []
    for size in range(n, structure._longest + 1):
        for alias, name_words in dict(structure._by_letter.get(text[:1], ())).get(size, ()):
            if alias.text == text or digits != alias.digits:
                continue
            if _spells(list(window), name_words, structure.vocabulary):
                found.append((90.0 + 0.05 * fuzz.ratio(text, alias.text), alias))
    return tuple(found)


@pytest.mark.parametrize("content", ["content", "tests/fixtures/multilevel"])
def test_the_names_a_word_can_begin_leave_out_no_name_it_spells(content: str) -> None:
    """Every window of every question spells the same names through the kept per-word shortlist as by
    trying every name, so a shortlist that left a name out (or went stale) is caught here."""
    from index import load_content
    from index.aliases import Structure, _keys
    from index.tokens import words

    root = Path(__file__).resolve().parents[2]
    structure = Structure(load_content(root / content).entries)
    spelt = 0
    for question in _QUESTIONS:
        keys = _keys(words(question))
        for i in range(len(keys)):
            for j in range(i + 1, min(i + 7, len(keys)) + 1):
                window = tuple(keys[i:j])
                text = " ".join(window)
                fast = structure._spelt_names(window, text)
                assert fast == _spelt_slowly(structure, window, text), (question, window)
                spelt += bool(fast)
    assert spelt >= 3  # the questions do write names in short, so the comparison is not vacuous


def test_a_question_is_read_the_same_with_the_shortlists_warm() -> None:
    """The same questions read by a fresh structure and by one whose per-framework memos are full."""
    from index import load_content
    from index.aliases import Structure

    entries = load_content(Path(__file__).resolve().parents[2] / "tests/fixtures/multilevel").entries
    warm = Structure(entries)
    for question in _QUESTIONS:
        warm.detect(question)
    for question in _QUESTIONS:
        fresh = Structure(entries).detect(question)
        again = warm.detect(question)
        assert (fresh.mentions, fresh.missing) == (again.mentions, again.missing), question


@pytest.mark.parametrize("content", ["content", "tests/fixtures/multilevel"])
def test_windows_skipped_for_their_first_word_spell_nothing(content: str) -> None:
    """Windows whose first word begins no name are skipped whole (issue 23); what the question's windows
    spell is still what trying every name on every window finds."""
    from index import load_content
    from index.aliases import Structure, _keys
    from index.tokens import words

    structure = Structure(load_content(Path(__file__).resolve().parents[2] / content).entries)
    for question in _QUESTIONS:
        keys = _keys(words(question))
        windows = [(i, j) for i in range(len(keys)) for j in range(i + 1, min(i + 7, len(keys)) + 1)]
        texts = [" ".join(keys[i:j]) for i, j in windows]
        slowly = [(score, len(text), i, j, alias) for (i, j), text in zip(windows, texts, strict=True)
                  for score, alias in _spelt_slowly(structure, tuple(keys[i:j]), text)]
        assert structure._abbreviated(keys, windows, texts) == slowly, question


@pytest.mark.parametrize("content", ["content", "tests/fixtures/multilevel"])
def test_a_window_meets_every_name_it_could_be_read_as(content: str) -> None:
    """Each window is compared only with the names that start as it does (issue 23): what it finds is what
    comparing it with every name finds among the names `detect` could take for it, an exact match in any form
    or a near miss that starts like the name (`_could_be_a_typo`), misspelt and typed-apart windows included."""
    from rapidfuzz import process

    from index import load_content
    from index.aliases import _LOOSEST, Structure, _keys
    from index.tokens import words

    structure = Structure(load_content(Path(__file__).resolve().parents[2] / content).entries)
    names = structure._aliases
    found = 0
    for question in [*_QUESTIONS, "hed of ml at levl 1", "snior engineer II", "data sci iii", "principle engneer"]:
        ws = words(question)
        keys = _keys(ws)
        windows = [(i, j) for i in range(len(ws)) for j in range(i + 1, min(i + structure._longest + 1, len(ws)) + 1)]
        texts = [" ".join(keys[i:j]) for i, j in windows]
        raw = ["".join(ws[i:j]) for i, j in windows]
        structure._near.clear()
        fast = structure._near_names(texts, raw)
        for text, typed, near in zip(texts, raw, fast, strict=True):
            scores = [max(process.cdist([text], [a.text], scorer=fuzz.ratio, score_cutoff=_LOOSEST)[0, 0],
                          *process.cdist([text.replace(" ", ""), typed], [a.compact], scorer=fuzz.ratio,
                                         score_cutoff=_LOOSEST)[:, 0]) for a in names]
            readable = [(k, float(score)) for k, (a, score) in enumerate(zip(names, scores, strict=True))
                        if score and (score == 100.0 or a.text[:1] == text[:1]) or score and a.text[:1] == typed[:1]]
            assert [(k, s) for k, s in near] == readable, (question, text)
            found += bool(near)
    assert found >= 10  # names and their misspellings are met, so the comparison is not vacuous


def _near_every_name(structure: Structure, texts: list[str], raw: list[str]) -> list[tuple[tuple[int, float], ...]]:
    """Each window's names within a typo of it, by comparing it with every name (the path before the names were
    grouped by their first character): spaced, and without spaces as compared and as typed."""
    import numpy as np
    from rapidfuzz import process

    from index.aliases import _LOOSEST

    names = structure._aliases
    best = np.zeros((len(texts), len(names)), dtype=np.float32)
    for queries, choices in (
        (texts, [a.text for a in names]), ([t.replace(" ", "") for t in texts], [a.compact for a in names]),
        (raw, [a.compact for a in names]),
    ):
        best = np.maximum(best, process.cdist(queries, choices, scorer=fuzz.ratio, score_cutoff=_LOOSEST, workers=1))
    return [tuple((int(a), float(row[a])) for a in np.flatnonzero(row)) for row in best]


@pytest.mark.parametrize("content", ["content", "tests/fixtures/multilevel"])
def test_a_question_is_read_as_comparing_each_window_with_every_name_would(
    content: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`_near_names` compares a window only with the names that start as it does (issue 23), which holds because
    `detect` takes a near miss only when it starts like the name (`_could_be_a_typo`): the names a question is
    read to name are those comparing every window with every name finds, typos in any letter (the first too),
    capitals, accents and numbers included. Fails if either rule changes without the other."""
    from index import load_content

    structure = Structure(load_content(Path(__file__).resolve().parents[2] / content).entries)
    questions = [*_QUESTIONS, "rngineer 2 expectations", "what does a Sénior Engineer II do", "SENIOR ENGINEER 1",
                 "wnat does a snior enginer do", "ngineer 1 vs eengineer 2", "3 engineers at l3", "Señior data sci",
                 "hed of ML", "principle engneer", "staff engineer vs staf engineer"]
    fast = [structure.detect(q) for q in questions]
    structure._near.clear()
    monkeypatch.setattr(structure, "_near_names", lambda texts, raw: _near_every_name(structure, texts, raw))
    slow = [structure.detect(q) for q in questions]
    assert fast == slow
    # Not vacuous: names are read, misspelt ones among them (a near miss, under an exact match's score).
    assert any(m.score < EXACT and not m.derived for d in fast for m in d.mentions)


def test_a_long_question_is_compared_no_further_than_the_longest_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A window of more words than the framework's longest name (plus the one word a typo may add) names
    nothing, so a long question on a framework of short names is compared only that far (issue 23), and
    still finds its names."""
    from rapidfuzz import process

    from tests.support.frameworks import Ladder, area_table, structure_of, write_ladders

    levels = [("Engineer", area_table({"Delivery": "Ships work."})), ("Lead", area_table({"Delivery": "Plans work."}))]
    write_ladders(tmp_path, {"eng": Ladder("Engineering", levels)})
    structure = structure_of(tmp_path)
    longest = max(len(a.text.split()) for a in structure._aliases)
    compared: list[str] = []
    cdist = process.cdist
    spaced = [id(texts) for _, texts, _ in structure._by_initial.values()]

    def recording(queries, choices, **kwargs):  # type: ignore[no-untyped-def]
        if id(choices) in spaced:
            compared.extend(queries)
        return cdist(queries, choices, **kwargs)

    monkeypatch.setattr(process, "cdist", recording)
    found = structure.detect("so please tell me honestly and in plain words what a lead is expected to do each week")
    assert longest + 1 < 7  # the framework's names are shorter than the fixed seven words windows once had
    assert compared and max(len(t.split()) for t in compared) == longest + 1
    assert [m.text for m in found.mentions if "who" in m.kinds] == ["lead"]


def test_a_word_is_compared_with_the_area_names_once_per_framework(monkeypatch: pytest.MonkeyPatch) -> None:
    """Which one-word area names a typed word is another form of ("experiment": Experimentation) depends on the word
    and the framework only: the next question with the word reads it from the framework's memo (issue 23),
    and still names the area."""
    import index.aliases
    from index import load_content
    from index.aliases import Structure

    structure = Structure(load_content(Path(__file__).resolve().parents[2] / "tests/fixtures/multilevel").entries)
    compared: list[tuple[str, str]] = []
    same_family = index.aliases.same_family

    def counting(a: str, b: str) -> bool:
        compared.append((a, b))
        return same_family(a, b)

    monkeypatch.setattr(index.aliases, "same_family", counting)
    question = "how does a senior engineer 2 experiment?"
    first = structure.detect(question)
    assert compared
    compared.clear()
    again = structure.detect(question)
    assert compared == []
    assert again.mentions == first.mentions
    assert any(m.derived and m.text == "experiment" for m in again.mentions)



def test_a_framework_reads_the_language_words_when_it_loads(tmp_path: Path) -> None:
    """The language's words (the model's vocabulary, read from disk) are read with the framework, so the first
    question that needs them ("devex", a clipped compound the language lacks) does not wait for them (issue 23),
    and the word still names its craft."""
    from index.embedder import language_words
    from tests.support.frameworks import Ladder, area_table, structure_of, write_ladders

    cells = area_table({"Delivery": "Ships work."})
    write_ladders(tmp_path, {"dx": Ladder("Developer Experience", [("Engineer", cells), ("Lead", cells)])})
    language_words.cache_clear()
    structure = structure_of(tmp_path)
    assert language_words.cache_info().currsize == 1
    hits = language_words.cache_info().hits
    found = structure.detect("what does a devex lead do?")
    assert language_words.cache_info().misses == 1 and language_words.cache_info().hits > hits
    assert any(("craft", "Developer Experience") in m.values for m in found.mentions)


def test_a_new_word_is_compared_only_with_names_it_could_clip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A typed word is tried as a clipped compound ("devex") only against names whose first word starts with its
    first two letters: "dz" starts none of Developer Experience, Data Engineering or Design Systems, so none is
    taken apart letter by letter (issue 23), while "deve" still is, and "devex" still names its craft."""
    import index.aliases
    from tests.support.frameworks import Ladder, area_table, structure_of, write_ladders

    cells = area_table({"Delivery": "Ships work."})
    write_ladders(tmp_path, {
        "dx": Ladder("Developer Experience", [("Engineer", cells), ("Lead", cells)]),
        "de": Ladder("Data Engineering", [("Engineer", cells), ("Lead", cells)]),
        "ds": Ladder("Design Systems", [("Engineer", cells), ("Lead", cells)]),
    })
    structure = structure_of(tmp_path)
    tried: list[str] = []
    clipped = index.aliases.clipped

    def counting(said: str, name: list[str]) -> list[int]:
        tried.append(" ".join(name))
        return clipped(said, name)

    monkeypatch.setattr(index.aliases, "clipped", counting)
    structure._openers_of("dz")
    assert tried == []
    structure._openers_of("deve")
    assert tried and all(name.startswith("de") for name in tried)
    found = structure.detect("what does a devex lead do?")
    assert any(("craft", "Developer Experience") in m.values for m in found.mentions)


def test_a_new_word_is_compared_once_with_each_first_word_names_share(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Names that start with the same word ("Data Engineering", "Data Science", "Data Analysis" and their levels'
    "Data ..." names) are one comparison for a new question word, not one per name (issue 23); "dat" still
    begins each of them, and "data sci" still names its craft."""
    import index.aliases
    from tests.support.frameworks import Ladder, area_table, structure_of, write_ladders

    cells = area_table({"Delivery": "Ships work."})
    write_ladders(tmp_path, {
        "de": Ladder("Data Engineering", [("Engineer", cells), ("Lead", cells)]),
        "ds": Ladder("Data Science", [("Engineer", cells), ("Lead", cells)]),
        "da": Ladder("Data Analysis", [("Engineer", cells), ("Lead", cells)]),
    })
    structure = structure_of(tmp_path)
    compared: list[tuple[str, str]] = []
    seen = index.aliases._abbreviates_seen

    def counting(short: str, full: str, *args):  # type: ignore[no-untyped-def]
        compared.append((short, full))
        return seen(short, full, *args)

    monkeypatch.setattr(index.aliases, "_abbreviates_seen", counting)
    opened = structure._openers_of("dat")
    firsts = {ws[0] for _, names in structure._by_letter["d"] for _, ws in names}
    assert sorted(compared) == sorted(("dat", w) for w in firsts)
    assert {a.text for names in opened.values() for a, _ in names} >= {"data engineering", "data science",
                                                                       "data analysis"}
    found = structure.detect("what does a data sci lead do?")
    assert any(("craft", "Data Science") in m.values for m in found.mentions)


def test_a_window_of_words_seen_before_is_not_compared_with_the_names_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The names within a typo of a run of question words depend on those words and the framework only: a
    run seen in an earlier question is looked up, and only the new ones are compared (issue 23), with the
    same mentions as comparing everything."""
    import index.aliases
    from tests.support.frameworks import Ladder, area_table, structure_of, write_ladders

    cells = area_table({"Delivery": "Ships work.", "Hiring": "Interviews candidates."})
    write_ladders(tmp_path, {"eng": Ladder("Engineering", [("Engineer", cells), ("Senior Engineer", cells)])})
    structure = structure_of(tmp_path)
    first = structure.detect("what does a senior enginer do for delivery?")
    compared: list[str] = []
    cdist = index.aliases.process.cdist

    def counting(queries, choices, **kwargs):  # type: ignore[no-untyped-def]
        compared.extend(queries)
        return cdist(queries, choices, **kwargs)

    monkeypatch.setattr(index.aliases.process, "cdist", counting)
    again = structure.detect("what does a senior enginer do for delivery?")
    assert compared == []
    assert again.mentions == first.mentions and any(("level", "Senior Engineer") in m.values for m in again.mentions)
    other = structure.detect("what does a senior enginer do for hiring?")
    assert compared and all("hiring" in text for text in compared)
    assert any(("area", "Hiring") in m.values for m in other.mentions)


# --- a name's parts, read one way for level titles and for every other name ------------------------------------


def _area_structure(tmp_path: Path, areas: list[str]) -> Structure:
    from tests.support.frameworks import Ladder, area_table, structure_of, write_ladders

    cells = area_table({area: f"Work of kind {n}." for n, area in enumerate(areas, 1)})
    write_ladders(tmp_path, {"eng": Ladder("Engineering", [("Engineer", cells), ("Lead", cells)])})
    return structure_of(tmp_path)


def _areas_named(structure: Structure, question: str) -> set[str]:
    return {v for m in structure.detect(question).mentions for f, v in m.values if f == "area"}


@pytest.mark.parametrize("question, area", [
    ("how is planning judged?", "Delivery:Planning"),
    ("what does shipping mean here?", "Delivery :Shipping"),
    ("what about mentoring?", "People: Mentoring"),
])
def test_a_names_parts_around_a_colon_are_names_with_or_without_spaces(
    tmp_path: Path, question: str, area: str
) -> None:
    """A colon sets a name apart from what follows it however it is spaced: level titles were split at
    "Engineering:IC3", other names only at ": " (one separator now, index/levelnames.py LABEL_SEPARATOR)."""
    structure = _area_structure(tmp_path, ["Delivery:Planning", "Delivery :Shipping", "People: Mentoring"])
    assert _areas_named(structure, question) == {area}


def test_every_parenthesised_part_of_a_name_is_a_name(tmp_path: Path) -> None:
    """"Operations (on-call) (SRE)" answers to "SRE" as "Engineer 2 (IC3)" does to "IC3": every parenthesised
    part is read, as level titles' qualifiers are, not only the first."""
    structure = _area_structure(tmp_path, ["Operations (on-call) (SRE)", "Delivery"])
    assert _areas_named(structure, "what is expected of SRE work?") == {"Operations (on-call) (SRE)"}
    assert _areas_named(structure, "what is expected for on-call?") == {"Operations (on-call) (SRE)"}


def _orgs_framework(root: Path) -> Path:
    """A made-up contributor ladder: a Community ladder whose Member page speaks of a related GitHub organisation
    written with a hyphen ("acme-labs"), beside a Labs ladder whose page mentions its members in passing."""
    from tests.support.frameworks import Ladder, area_table, write_ladders

    member = area_table({"Requirements": "Has two sponsors and has filed ten pull requests."}) + (
        "\n## Related organizations\n\nThere are related GitHub organizations, such as acme-labs. If you are a member "
        "of one of these orgs, you are implicitly eligible for membership in the others and can ask to join.\n")
    labs_intro = "## Notebooks\n\nEvery member of a lab keeps a lab notebook of the experiments they run.\n"
    cells = area_table({"Experiments": "Runs experiments and writes them up."})
    maintainer = area_table({"Reviews": "Reviews code."})
    return write_ladders(root, {
        "community": Ladder("Community", [("Member", member), ("Maintainer", maintainer)]),
        "labs": Ladder("Labs", [("Researcher", cells), ("Senior Researcher", cells)], intro=labs_intro),
    })


def test_a_hyphenated_word_the_text_writes_names_nothing_by_a_part(tmp_path: Path) -> None:
    """"acme-labs" is an organisation the framework writes as one word, not the Labs ladder: only a name that
    covers it whole takes it, so "member" alone is the name the question gives."""
    from tests.support.frameworks import structure_of

    structure = structure_of(_orgs_framework(tmp_path))
    found = structure.detect("im already in acme-labs, does that make me an org member too")
    assert [m.text for m in found.mentions] == ["member"]
    # Written apart, or as a hyphenated word the text never writes, the part still names its ladder.
    assert any(("craft", "Labs") in m.values for m in structure.detect("what does a researcher in labs do").mentions)
    assert any(("craft", "Labs") in m.values for m in structure.detect("what does a labs-researcher do").mentions)


def test_a_member_of_a_hyphenated_organisation_is_answered_from_the_member_page(open_answerer,
                                                                              tmp_path: Path) -> None:
    answerer = open_answerer(_orgs_framework(tmp_path))
    answer = answerer.ask("im already in acme-labs, does that make me an org member too")
    assert answer.confident
    assert "implicitly eligible for membership" in answer.quotes[0].text


def test_a_question_typed_without_capitals_still_calls_a_title_by_its_initials(tmp_path: Path) -> None:
    """Slack is typed in lower case (docs/retrieval.md, step 2; docs/evaluation.md, "Typed as in Slack"): "what
    does a tl do" names the Tech Lead as "what does a TL do?" does. Only in a question that writes no capitals
    past its first letter, only a title's initials, only where the question names no title in words apart from
    them ("id like to know..." is "I'd"), and never initials the text writes as a lower-case word of its own."""
    from tests.support.frameworks import Ladder, area_table, structure_of, write_ladders

    cells = area_table({"Delivery": "Ships work and brews the tea for the team on Fridays.",
                        "Incident Management": "Leads the response to outages."})
    write_ladders(tmp_path, {
        "eng": Ladder("Engineering", [("Engineer", cells), ("Tech Lead", cells), ("Technical Expert Advisor", cells)]),
        "design": Ladder("Design", [("Interaction Designer", cells), ("Senior Interaction Designer", cells)]),
    })
    structure = structure_of(tmp_path)

    def named(question: str) -> set[tuple[str, str]]:
        return {v for m in structure.detect(question).mentions for v in m.values if v[0] in ("level", "area")}

    assert named("what does a TL do?") == {("level", "Tech Lead")}
    for typed in ("what does a tl do", "What does a tl do?", "im not sure what a tl does"):
        assert named(typed) == {("level", "Tech Lead")}, typed
    # A word beside the initials may be part of the title they call: "senior id" is the Senior Interaction Designer.
    assert ("level", "Senior Interaction Designer") in named("what does a senior id own")
    # The asker who writes capitals writes initials in capitals: a lower-case "tl" beside "Delivery" is as typed.
    assert named("does a tl own Delivery?") == {("area", "Delivery")}
    # A title named in words: the initials elsewhere are a word ("I'd"), not a second title to compare.
    assert named("id like to know what an engineer does") == {("level", "Engineer")}
    # Initials the text writes as a word of its own ("tea") stay that word.
    assert named("who brews the tea") == set()
    assert named("what does a TEA do?") == {("level", "Technical Expert Advisor")}


def test_a_word_of_the_language_is_no_slip_of_a_level_name(tmp_path: Path) -> None:
    """"stuff" is a word of its own, one letter from "staff" (docs/retrieval.md step 2): read as Staff Engineer it
    left only that level's cells to answer "who fixes the tragedy of the commons stuff?". A slip no language
    has ("staf", "stafff") still names the level."""
    from tests.support.frameworks import Ladder, area_table, structure_of, write_ladders

    cells = area_table({"Quality": "Keeps the team's tests healthy."})
    structure = structure_of(write_ladders(tmp_path, {"eng": Ladder("Engineering", [
        ("Engineer", cells), ("Senior Engineer", cells), ("Staff Engineer", cells)])}))

    assert _levels(structure, "who fixes the tragedy of the commons stuff like missing tests?") == set()
    assert _levels(structure, "what does a staf engineer do?") == {"Staff Engineer"}
    assert _levels(structure, "what does a stafff engineer do?") == {"Staff Engineer"}


def test_lower_case_initials_are_a_title_only_where_someone_is_named(tmp_path: Path) -> None:
    """Typed without capitals, "ur" is as often "your" and "em" "them" as a User Researcher or an Engineering
    Manager (docs/retrieval.md, step 2): initials are read as a title where a question names someone, first
    ("em expectations"), after a title's word ("senior ur") or after a word a level is named after, with words of
    their name between ("a first time em", "ur vs em"); "what does ur ladder say" asks no User Researcher."""
    from tests.support.frameworks import Ladder, area_table, structure_of, write_ladders

    cells = area_table({"Delivery": "Ships work.", "Mentoring": "Coaches others."})
    write_ladders(tmp_path, {
        "research": Ladder("Research", [("User Researcher", cells), ("Senior User Researcher", cells)]),
        "management": Ladder("Management", [("Engineering Manager", cells), ("Senior Engineering Manager", cells)]),
    })
    structure = structure_of(tmp_path)

    for loose in ("what does ur ladder say about delivery", "whats ur advice on mentoring",
                  "can u tell em what delivery means", "how do i tell em i want to grow"):
        assert _levels(structure, loose) == set(), loose
    assert _levels(structure, "em expectations for delivery") == {"Engineering Manager"}
    assert _levels(structure, "what does a first time em do") == {"Engineering Manager"}
    assert _levels(structure, "what does a senior ur do") == {"Senior User Researcher"}
    assert _levels(structure, "ur vs em") == {"User Researcher", "Engineering Manager"}


def test_a_title_shortened_into_one_word_names_its_level(tmp_path: Path) -> None:
    """People shorten a title of several words into one that keeps each word's first letter and some of its
    letters in order: "swe 2" is Software Engineer II, "MLE 1" ML Engineer I. A word of the language is never
    read so ("sew" is no Software Engineer), nor one whose letters the title's words do not hold in order."""
    from tests.support.frameworks import Ladder, area_table, structure_of, write_ladders

    cells = area_table({"Delivery": "Ships work."})
    write_ladders(tmp_path, {
        "swe": Ladder("Software Engineering", [("Software Engineer I", cells), ("Software Engineer II", cells)]),
        "ml": Ladder("Machine Learning", [("ML Engineer I", cells), ("ML Engineer II", cells)]),
    })
    structure = structure_of(tmp_path)

    assert _levels(structure, "what does a swe 2 do?") == {"Software Engineer II"}
    assert _levels(structure, "SWE 1 - do i estimate my own tasks?") == {"Software Engineer I"}
    assert _levels(structure, "is an MLE 1 expected to ship models?") == {"ML Engineer I"}
    assert _levels(structure, "can a sew 2 ship work?") == set()
    assert _levels(structure, "what does a swx 2 do?") == set()


def test_a_title_of_alternatives_is_named_by_each(tmp_path: Path) -> None:
    """A title that offers alternatives names its level by each of them: "D3 Senior Analyst / Data Scientist" is
    a senior analyst and a (senior) data scientist, "D4 Lead (Analyst or Data Scientist)" a lead analyst and a
    lead data scientist. An unspaced slash joins one name ("AI/ML Engineer" is not named by "AI" alone)."""
    from tests.support.frameworks import Ladder, area_table, structure_of, write_ladders

    cells = area_table({"Delivery": "Ships work."})
    write_ladders(tmp_path, {"data": Ladder("Data", [
        ("D2 Analyst", cells), ("D3 Senior Analyst / Data Scientist", cells),
        ("D4 Lead (Analyst or Data Scientist)", cells), ("D5 AI/ML Engineer", cells)])})
    structure = structure_of(tmp_path)

    assert _levels(structure, "what does a senior analyst do?") == {"D3 Senior Analyst / Data Scientist"}
    assert _levels(structure, "what does a senior data scientist do?") == {"D3 Senior Analyst / Data Scientist"}
    assert _levels(structure, "lead analyst - do i manage people?") == {"D4 Lead (Analyst or Data Scientist)"}
    assert _levels(structure, "what does a lead data scientist do?") == {"D4 Lead (Analyst or Data Scientist)"}
    assert _levels(structure, "is AI part of the job?") == set()


def test_a_title_without_its_crafts_word_names_its_level(tmp_path: Path) -> None:
    """In Customer Support, "Senior Support Specialist" is a senior (or "sr") specialist to the people who hold it:
    the word the craft names itself by can be left out, as "specialist 2" already leaves it out of Support
    Specialist 2."""
    from tests.support.frameworks import Ladder, area_table, structure_of, write_ladders

    cells = area_table({"Case ownership": "Owns tickets."})
    write_ladders(tmp_path, {"support": Ladder("Customer Support", [
        ("Support Specialist 1", cells), ("Support Specialist 2", cells), ("Senior Support Specialist", cells),
        ("Support Manager", cells)])})
    structure = structure_of(tmp_path)
    assert _levels(structure, "sr specialist, what do i own in an outage?") == {"Senior Support Specialist"}


def test_prose_is_selected_by_a_level_named_in_its_faq_question_or_its_comparison_column(tmp_path: Path) -> None:
    """A level's name selects the framework's prose that names it, beside the level's own text, and an FAQ answer
    or a comparison cell is about what its question or its column says: "does a team lead have direct reports?" can
    be answered by the answer under "Is Team Lead a management job?", and by the Team Lead column of a comparison."""
    from index.parse import load_content
    from tests.support.frameworks import Ladder, area_table, page, structure_of, write_ladders, write_pages

    cells = area_table({"Case ownership": "Owns tickets."})
    write_ladders(tmp_path, {"support": Ladder("Customer Support", [("Specialist", cells), ("Team Lead", cells)])})
    write_pages(tmp_path, {
        "faq.md": page("# FAQ\n\n**Is Team Lead a management job?**\n\nNot in the line sense: reports stay with "
                       "the manager.\n\n**Can I skip a level?**\n\nNo.\n", title="FAQ", parent="Acme Ladder",
                       nav_order=9),
        "tracks.md": page("# Tracks\n\n## What changes\n\n| Specialist | Team Lead |\n|---|---|\n"
                          "| You work the queue every day. | You run one shift at a time and coach it. |\n",
                          title="Tracks", parent="Acme Ladder", nav_order=8),
    })
    structure = structure_of(tmp_path)
    entries = load_content(tmp_path).entries

    def selected(question: str) -> set[str]:
        found = structure.detect(question)
        rows = {int(i) for m in found.mentions if "who" in m.kinds for i in structure.rows(m, {"who", "craft"})}
        return {entries[i].description for i in rows if not entries[i].level}

    chosen = selected("does a team lead have direct reports?")
    assert "Not in the line sense: reports stay with the manager." in chosen
    assert "You run one shift at a time and coach it." in chosen
    assert "No." not in chosen and "You work the queue every day." not in chosen
