"""Words as people write them (index/tokens.py): forms of one word are one family, and the word "how"
asks the degree of is no topic."""

from __future__ import annotations

import pytest

from index.tokens import degree_words, pairs, same_family, terms, words


@pytest.mark.parametrize("a, b, family", [
    ("lead", "leadership", True), ("leads", "leadership", True), ("communicate", "communication", True),
    ("impactful", "impact", True), ("master", "mastery", True), ("mentoring", "mentorship", True),
    ("community", "communication", False), ("general", "generation", False), ("count", "communication", False),
])
def test_forms_of_one_word_are_one_family(a: str, b: str, family: bool) -> None:
    assert same_family(a, b) is family


@pytest.mark.parametrize("question, degree", [
    ("how good at debugging does an ic4 need to be", {"good"}),
    ("how comfortable with incidents is a senior?", {"comfortable"}),
    ("how technical does a level 5 mobile dev have to be?", set()),  # the topic itself
    ("how engineers grow at level 2", set()),
])
def test_the_word_how_asks_the_degree_of_is_no_topic(question: str, degree: set[str]) -> None:
    ws = words(question)
    assert {ws[i] for i in degree_words(ws)} == degree


def test_a_texts_terms_are_kept_per_text_and_read_as_the_slow_path_reads_them() -> None:
    """`terms` is kept per text (issue 23: a cited cell's paragraphs are read for every answer); each call
    still returns the stemmed words the uncached reading gives, and a caller changing its list changes no
    later call's."""
    from index.tokens import _COMPOUND, STOPWORDS, fold, stem, terms

    def slowly(text: str) -> list[str]:
        out = [stem(w) for w in words(text) if w not in STOPWORDS]
        if "-" in text:
            out.extend(stem(c.replace("-", "")) for c in _COMPOUND.findall(fold(text)))
        return out

    texts = ["Leads on-call rotations and gate-keeps releases.", "What does a Senior Engineer 2 do?", "", "L3s' 2nd",
             "Mentors engineers; reviews designs and writes RFCs for cross-team work."]
    for text in texts * 2:  # the second round reads what the first kept
        assert terms(text) == slowly(text)
    first = terms(texts[0])
    first.append("changed")
    assert terms(texts[0]) == slowly(texts[0])


@pytest.mark.parametrize("question, read", [
    ("what does level v do?", ["what", "does", "level", "5", "do"]),
    ("level viii vs level ix", ["level", "8", "vs", "level", "9"]),
    ("lvl xii", ["level", "12"]),
    ("Level IV expectations", ["level", "4", "expectations"]),
])
def test_a_roman_numeral_after_a_level_word_is_its_number_whatever_its_size(question: str, read: list[str]) -> None:
    """Titles number levels in roman ("Level V", "Level VIII"): after a level word every numeral is read by
    roman-numerals, not only the first seven."""
    assert words(question) == read


@pytest.mark.parametrize("text", ["I mix the DX work", "v1 of the doc", "a civil vi"])
def test_a_roman_numeral_alone_stays_a_word(text: str) -> None:
    assert words(text) == text.lower().split()


def test_the_stop_lists_are_bm25s_own_and_reading_them_imports_no_bm25s() -> None:
    """The stop lists come from bm25s's file without importing its package (scipy, tqdm): a serving process
    started from kept state builds no BM25 index and must not carry them (issue 23, item 4)."""
    import json
    import subprocess
    import sys

    probe = (
        "import json, sys\n"
        "from index import wordtable\n"
        "from index.entry import _joining_words\n"
        "from index.tokens import stopwords\n"
        "got = (stopwords(), _joining_words())\n"
        "loaded = sorted(m for m in ('bm25s', 'scipy', 'tqdm') if m in sys.modules)\n"
        "from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_EN_PLUS\n"
        "plus = frozenset(w.replace(\"'\", '') for w in STOPWORDS_EN_PLUS) - wordtable.role('topic')\n"
        "print(json.dumps({'loaded': loaded, 'same': [got[0] == plus, got[1] == frozenset(STOPWORDS_EN)]}))\n"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == {"loaded": [], "same": [True, True]}


def test_plain_text_is_folded_without_reading_it_letter_by_letter(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every new question, window of it and quoted paragraph is folded once (issue 23: the pipeline per question);
    # text with no accent and no typographic quote has nothing to fold but its case.
    import index.tokens as tokens

    decomposed: list[str] = []
    real = tokens.unicodedata.normalize

    def counting(form: str, text: str) -> str:
        decomposed.append(text)
        return real(form, text)

    monkeypatch.setattr(tokens.unicodedata, "normalize", counting)
    tokens.fold.cache_clear()
    assert tokens.fold("Who Owns the On-Call Rota at L3?") == "who owns the on-call rota at l3?"
    assert decomposed == []
    assert tokens.fold("The Team’s Café") == "the team's cafe"  # accents and quotes still folded
    assert decomposed == ["The Team’s Café"]


@pytest.mark.parametrize("text, read", [
    # A level word that introduces a number in any framework (the word table's), glued to it: that level.
    ("L3", ["level", "3"]), ("lvl3", ["level", "3"]), ("lv3", ["level", "3"]), ("level3", ["level", "3"]),
    # An ordinal of one or two digits, and a plural number, are the number.
    ("the 2nd level", ["the", "2", "level"]), ("engineer 2s", ["engineer", "2"]),
    ("in the 1990s", ["in", "the", "1990"]),
    # Any other glued form stays a word: another code ("ic3"), a code and an ending, a long ordinal.
    ("ic3", ["ic3"]), ("l3s", ["l3s"]), ("the 100th", ["the", "100th"]),
])
def test_a_word_that_carries_a_number_is_read_by_one_grammar(text: str, read: list[str]) -> None:
    assert words(text) == read


def test_an_ordinal_is_told_apart_from_a_cardinal() -> None:
    from index.tokens import ordinals

    assert ordinals("the 2nd and the 3 levels") == {1}


def test_a_number_and_the_word_it_counts_are_a_phrase_but_a_word_before_a_number_is_not() -> None:
    # "8 years" against "2 years" differ by the number alone: with its word it is a phrase both the question and
    # the text hold. "level 3" names which level, and is no phrase of a topic.
    assert "8+year" in pairs(terms("a minimum of 8 years of experience"))
    assert "5+direct" in pairs(terms("about five direct reports"))
    assert "level+3" not in pairs(terms("expected at level 3"))


def test_a_question_phrase_is_of_its_topic_words_not_of_how_it_asks() -> None:
    # "look like" says how "what does mentoring look like?" asks (the word table's `asking` role), and so does each
    # of its words beside the topic ("mentor+look"); an asking word frameworks also use as a topic ("people
    # skills", role `topical`) still makes a phrase. The text's own phrases are all kept.
    from index.tokens import asked_pairs

    asked = asked_pairs(terms("what does mentoring look like for a new hire"))
    assert "look+like" not in asked and "mentor+look" not in asked and "new+hire" in asked
    assert "people+skill" in asked_pairs(terms("how good do my people skills need to be"))
    assert "look+like" in pairs(terms("what a good solution would look like"))
