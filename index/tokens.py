"""Words as retrieval sees them: normalised, lightly stemmed, with the glue words of questions set apart.

One tokenizer serves BM25, alias detection and intent detection, so a word means the same thing to
all three. The stemmer is deliberately light (plurals, -ing, -ed): career frameworks are short texts
where an aggressive stemmer merges words people keep apart ("communication" / "community").
"""

from __future__ import annotations

import importlib.util
import re
import sys
import unicodedata
from functools import lru_cache
from pathlib import Path
from types import ModuleType

from roman_numerals import InvalidRomanNumeralError, RomanNumeral

from index import wordtable

# Case-blind, so one pattern reads folded text (`words`) and text as written (`as_written`).
_WORD = re.compile(r"[a-z0-9]+", re.IGNORECASE)
# Number words, each written once: cardinals, and ordinals ("a second monitor"), which `ordinals` tells apart.
_CARDINALS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
}
_ORDINAL_WORDS = {"first": "1", "second": "2", "third": "3", "fourth": "4", "fifth": "5", "sixth": "6"}
_NUMBER_WORDS = _CARDINALS | _ORDINAL_WORDS
_LEVEL_WORDS = wordtable.role("level-word")  # the word table's (index/words.tsv)
# Titles number sub-levels with I, V and X ("Engineer II", "Level V"); words and initialisms spelt with the
# other numeral letters ("mix", "DX", "CD") are not numbers.
_NUMERAL_LETTERS = frozenset("ivx")
# One size for the memos of this module and index/levelnames.py: each holds the words, names and labels of
# one framework's text and its questions, a few thousand distinct strings.
MEMO = 16384
# Endings that are no plural ("class", "status", "analysis"): the word keeps its s.
NOT_PLURAL = ("ss", "us", "is")

# Words that name the kind of thing a page is, not which one: never an alias on their own.
GENERIC = wordtable.role("generic")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Function words: they carry no topic, in questions or in framework text. NLTK's English stop list as
    bm25s ships it, folded the way `words` folds a question ("don't" -> "dont"), less the words frameworks
    use as topics (the word table's). Read on first use, from bm25s's file alone (`bm25s_stoplist`)."""
    return frozenset(w.replace("'", "") for w in bm25s_stoplist("STOPWORDS_EN_PLUS")) - wordtable.role("topic")


def bm25s_stoplist(name: str) -> tuple[str, ...]:
    """One of the stop lists bm25s ships (bm25s/stopwords.py, tuples of words and nothing else), read without
    importing the bm25s package: its __init__ imports numpy, scipy and tqdm, which `from index import Entry`
    must not load, and which a serving process started from kept state, never building a BM25 index, does
    not need (about 14 MB and a tenth of its start; issue 23, item 4)."""
    return tuple(getattr(_bm25s_stopwords(), name))


@lru_cache(maxsize=1)
def _bm25s_stopwords() -> ModuleType:
    loaded = sys.modules.get("bm25s.stopwords")
    if loaded is not None:
        return loaded
    package = importlib.util.find_spec("bm25s")  # a top-level name: found, not imported
    if package is None or not package.submodule_search_locations:
        raise ImportError("bm25s is not installed")
    path = Path(next(iter(package.submodule_search_locations))) / "stopwords.py"
    spec = importlib.util.spec_from_file_location("_careerfw_bm25s_stopwords", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot read {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # not put in sys.modules: bm25s's own import makes its own
    return module


def __getattr__(name: str) -> frozenset[str]:
    # `from index.tokens import STOPWORDS` reads the list then, not when this module is imported.
    if name == "STOPWORDS":
        return stopwords()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def roman(word: str) -> int | None:
    """'v' -> 5, 'xii' -> 12: a lower-case roman numeral of I, V and X, read by roman-numerals (titles write
    sub-levels that way: "Level V", "Engineer II")."""
    if not word or not set(word) <= _NUMERAL_LETTERS:
        return None
    try:
        return int(RomanNumeral.from_string(word))
    except InvalidRomanNumeralError:
        return None


@lru_cache(maxsize=MEMO)  # every question re-reads the same names and labels; a pure function of its text
def fold(text: str) -> str:
    """Lower case, accents and typographic quotes folded, so 'Team’s' and "team's" match."""
    if text.isascii():  # no accent or typographic quote to fold (most questions): skip reading it letter by letter
        return text.lower()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.replace("’", "'").replace("‘", "'").lower()


_VOWELS = set("aeiou")


def _restore_e(base: str) -> str:
    """'hir' (of hiring) -> 'hire', 'cod' -> 'code', 'writ' -> 'write': a one-syllable stem ending
    consonant-vowel-consonant lost an 'e' (Porter's rule), so "hiring" meets "hire"."""
    groups = re.findall(r"[aeiou]+", base)
    if len(groups) != 1 or len(base) < 3:
        return base
    a, b, c = base[-3], base[-2], base[-1]
    if a not in _VOWELS and b in _VOWELS and c not in _VOWELS and c not in "wxy":
        return base + "e"
    return base


# A stem keeps at least this many letters ("sing", "bed" and "ties" are words of their own, not "s" + ing): a
# word this short is not stemmed, and an ending comes off only when that many letters are left.
_STEM_MIN = 3


@lru_cache(maxsize=MEMO)  # a few thousand distinct words per framework, stemmed for every question
def stem(word: str) -> str:
    if len(word) <= _STEM_MIN or word.isdigit():
        return word
    if word.endswith("ies") and len(stemmed := word.removesuffix("ies") + "y") >= _STEM_MIN:
        return stemmed
    if word.endswith(("sses", "xes", "zes", "ches", "shes")):
        return word[:-2]  # fixes -> fix, matches -> match
    if word.endswith("ing") and len(base := word.removesuffix("ing")) >= _STEM_MIN:
        if base[-1] == base[-2] and base[-1] not in "lsz":
            return base[:-1]  # running -> run
        return _restore_e(base)
    if word.endswith("ed") and not word.endswith("eed") and len(base := word.removesuffix("ed")) >= _STEM_MIN:
        if base[-1] == base[-2] and base[-1] not in "lsz":
            return base[:-1]
        return _restore_e(base)
    if word.endswith("s") and not word.endswith(NOT_PLURAL):
        return word[:-1]
    return word


def words(text: str, keep: bool = True) -> list[str]:
    """Folded words with number words turned to digits and "L3"/"lvl3" split into level + number.

    `keep` False: a text read once (an entry's whole text), tokenised without keeping it or its words in
    the caches that questions, names and labels share; 757 entries' words kept there were 2.5 MB of a
    GOV.UK DDaT server's peak that no later question read (issue 23)."""
    tokens = _tokens(text) if keep else _tokenised(fold.__wrapped__(text))
    return [w for w, _ in tokens]  # a fresh list: callers may change theirs, never the cached tokens


def as_written(text: str) -> list[str]:
    """The text's words as it writes them, capitals kept: whether it writes a word as a name ("Monzo") or as
    one of its ordinary words ("digital")."""
    return _WORD.findall(text)


def ordinals(text: str) -> set[int]:
    """Positions in `words(text)` of digits written as ordinals ("a first line manager"): a number for
    the text's words, but no level's name on its own ("a second monitor" is not level 2)."""
    return {i for i, (_, ordinal) in enumerate(_tokens(text)) if ordinal}


# A word that carries a number, read by one grammar: letters glued before it ("L3", "lvl3", "IC4": a level code,
# index/levelnames.py `code_number`), or an ordinal or a plural ending after it ("2nd", "engineer 2s").
NUMBERED = re.compile(r"(?P<code>[a-z]*)(?P<number>\d+)(?:(?P<ordinal>st|nd|rd|th)|(?P<plural>e?s))?")
# The level words that introduce a number in any framework (the word table's): glued to it they are that level.
_ANY_LEVEL = wordtable.role("any-level-word")


# Questions, names and labels are tokenised again and again (alias detection, intents, the follow-up
# rules all read the same words): the tuple is cached, and immutable so no caller can change it.
@lru_cache(maxsize=MEMO)
def _tokens(text: str) -> tuple[tuple[str, bool], ...]:
    return _tokenised(fold(text))


def _tokenised(folded: str) -> tuple[tuple[str, bool], ...]:
    out: list[tuple[str, bool]] = []
    raw = _WORD.findall(folded.replace("'s ", " ").replace("'", ""))
    for w in raw:
        m = NUMBERED.fullmatch(w)
        if m and m["code"] in _ANY_LEVEL and not (m["ordinal"] or m["plural"]):
            out.extend([("level", False), (m["number"], False)])  # "L3", "lvl3"
            continue
        # "2nd" is "second" (an ordinal of more than two digits, "100th", is no level's), "engineer 2s" Engineer 2s.
        if m and not m["code"] and (m["plural"] or (m["ordinal"] and len(m["number"]) <= 2)):
            out.append((m["number"], bool(m["ordinal"])))
            continue
        if w in _NUMBER_WORDS:
            out.append((_NUMBER_WORDS[w], w in _ORDINAL_WORDS))
            continue
        # A roman numeral is a number only right after a level word ("level iv"), never alone ("I").
        if out and out[-1][0] in _LEVEL_WORDS and (n := roman(w)) is not None:
            out.append((str(n), False))
            continue
        if w == "lvl":
            out.append(("level", False))
            continue
        out.append((w, False))
    return tuple(out)


_COMPOUND = re.compile(r"[a-z]+(?:-[a-z]+)+")


def compounds(text: str) -> list[tuple[str, ...]]:
    """The text's hyphenated compounds, each as its words ("kubernetes-sigs" -> ("kubernetes", "sigs"))."""
    return [tuple(c.split("-")) for c in _COMPOUND.findall(fold(text))] if "-" in text else []


def terms(text: str) -> list[str]:
    """Stemmed content words, and each hyphenated compound also as one word: "gate-keep" is written
    "gatekeeper" as often as not, "on-call" "oncall" (they meet "gatekeeper" through its prefix)."""
    return list(_terms(text))


# The same texts are read for their terms question after question (a question's words for BM25 and the
# features, a cited cell's paragraphs for the quote): kept per text, immutable, and copied out.
@lru_cache(maxsize=MEMO)
def _terms(text: str) -> tuple[str, ...]:
    stop = stopwords()
    out = [stem(w) for w in words(text) if w not in stop]
    if "-" in text:
        out.extend(stem("".join(c)) for c in compounds(text))
    return tuple(out)


PREFIX = 6


def prefix(term: str) -> str | None:
    """A long word's first letters, so "experiments" meets "experimentation" and "communicate" meets
    "communication": the light stemmer leaves derivations apart, this joins them at lower weight."""
    return "~" + term[:PREFIX] if len(term) > PREFIX and not term.isdigit() else None


# Endings English adds to make one word of another ("lead" -> "leadership", "communicate" ->
# "communication", "master" -> "mastery"), peeled at most twice.
_DERIVATIONS = ("ship", "ment", "ation", "ition", "ion", "ness", "ity", "ive", "ful", "ic", "al", "er", "or", "y", "e")
_ROOT_MIN = 4  # a root shorter than this is too often another word's start ("own", "art")
_SHARED_MIN = 7  # a root neither word is must be this long: "general"/"generation" share "gener",
# "community"/"communication" "commun"


@lru_cache(maxsize=MEMO)  # asked for every question word against every one-word area name
def _roots(word: str) -> frozenset[str]:
    out = {word}
    frontier = {word}
    for _ in range(2):
        frontier = {
            w[: -len(end)] for w in frontier for end in _DERIVATIONS
            if w.endswith(end) and len(w) - len(end) >= _ROOT_MIN
        }
        out |= frontier
    return frozenset(out)


def same_family(a: str, b: str) -> bool:
    """Whether two words are forms of one word ("lead" / "leadership", "communicate" / "communication",
    "impactful" / "impact"): one is the other's root once endings are peeled, or they share a long root.
    Plain stemming keeps such words apart on purpose (index/tokens.py); this is for naming an area."""
    a, b = stem(a), stem(b)
    if a == b:
        return True
    for r in _roots(a) & _roots(b):
        if r in (a, b) or len(r) >= _SHARED_MIN:
            return True
    return False


_PREPOSITIONS = wordtable.role("degree-preposition")


def degree_words(ws: list[str]) -> set[int]:
    """Positions of the word "how" asks the degree of, before what it is about ("how *good* at
    debugging…", "how *comfortable* with on-call…"): the asking, not the topic. Without a preposition
    after it, the word is the topic ("how technical does a level 5 need to be?")."""
    stop = stopwords()
    return {
        i for i in range(1, len(ws) - 1)
        if ws[i - 1] == "how" and ws[i] not in stop and not ws[i].isdigit() and ws[i + 1] in _PREPOSITIONS
    }


def pairs(stems: list[str]) -> list[str]:
    """Neighbouring content words as one term ("blog+post"): a phrase the question and the text share
    ("writing blog posts") is stronger evidence than its words scattered over a cell. A number with the word
    it counts is such a phrase too ("8+year", "3+direct"): the digit alone is in every cell that writes some
    other 8, and "8 years" against "2 years" differ only by it. A word before a number ("level+3") is no
    phrase: it names which one, and a level the question names is read as a level, not as its words."""
    return [f"{a}+{b}" for a, b in zip(stems, stems[1:], strict=False) if a != b and not b.isdigit()]


# How people ask, not what about (the word table's `asking` role, stemmed as a question's words are read), and
# those of them a framework's text also uses as topics ("people skills").
ASKING = frozenset(stem(w) for w in wordtable.role("asking"))
TOPICAL = frozenset(stem(w) for w in wordtable.role("topical"))


def asking(term: str) -> bool:
    """Whether a question's word (stemmed, as `terms` reads it) says how it asks, not what about ("what",
    "expected", "look", "like"). The one reading of a question's words that are not asking words: its own topic
    (`of_substance`: the question model's `unnamed` and `topic`, index/query.py; a follow-up's topic,
    index/followup.py; the fitted ranker's `bare`, index/ranking.py) and its phrases (`asked_pairs`)."""
    return term in ASKING


def of_substance(term: str) -> bool:
    """Whether a question's word (stemmed) is of what it asks about: no asking word, and no bare number (a
    number is a level's, or counts something the word beside it names)."""
    return not asking(term) and not term.isdigit()


def asked_pairs(stems: list[str]) -> list[str]:
    """A question's phrases: `pairs` of its topic's words. An asking word only says how it asks, beside the topic as
    much as beside another ("look+like" and "mentor+look" of "what does mentoring look like?"): a text that happens
    to write "what a good solution would look like" is no nearer mentoring. The topical ones stay ("people+skill"),
    and so does a number with what it counts ("8+year", `pairs`)."""
    return [p for p in pairs(stems) if not any(asking(w) and w not in TOPICAL for w in p.split("+"))]


def expand(stems: list[str]) -> list[str]:
    """Stems plus their prefixes: what BM25 indexes and is queried with."""
    out = list(stems)
    out.extend(p for p in map(prefix, stems) if p)
    return out
