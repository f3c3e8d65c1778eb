"""Names a question can use for the framework's own structure, derived from the content itself.

Every level, role (page H1), craft, section and area of the loaded entries yields aliases: the name
itself, its parts around " - " or ":", the parts of "X (Y)" (so "Site Reliability Engineering (SRE)"
answers to "SRE" and "Senior Engineer 2 (People Manager)" to "Senior Engineer 2"), and the conjuncts
of "Head of ML and Edge ML" ("Head of ML", "Head of Edge ML"). Nothing here knows any one framework.

A question is matched against the aliases with rapidfuzz, window by window, so case, spacing
("ml ops" / "MLOps") and small typos ("hed of ml") still match, while numbers must match exactly:
"level 2" is never a typo of "level 3".
"""

from __future__ import annotations

import re
import string
from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import cast

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from index import wordtable
from index.embedder import language_words
from index.entry import Entry
from index.levelnames import (
    LABEL_SEPARATOR,
    LEVEL_WORDS,
    LevelNames,
    MissingLevel,
    base_title,
    code_number,
    is_initialism,
    roman,
    singular,
    title_qualifiers,
)
from index.levelorder import LevelOrder
from index.spelling import FEWEST_LETTERS, LOOSE_MIN, respelt, slips
from index.tokens import GENERIC, MEMO, STOPWORDS, as_written, compounds, fold, ordinals, same_family, stem, words

_CONJ = re.compile(r"\s+(?:and|&)\s+", re.I)
_NUMBER = re.compile(r"\d+")
_CAPITALS = re.compile(r"\b[A-Z][A-Z0-9]{1,7}\b")
# rapidfuzz's score for identical text: an exact name, above every typo, abbreviation or derived form of one.
EXACT = 100.0
# The loosest a typo may be (long names, `_threshold`); below it no pair is even scored.
_LOOSEST = 82.0
# Words that keep two names apart ("senior 1 and senior 2", "IC3 vs IC4", "from L4 to L5").
_SEPARATORS = wordtable.role("separator")
# Words after which a level is named ("a 5", "from 4 to 5", "a tl", "pm vs em"): lower-case initials after one are
# a title's, where elsewhere they may be a word typed loosely ("what does ur framework say", "tell em").
_NAMED_AFTER = wordtable.role("number-after")

# A word that says the names right after it are not what is asked about ("user researcher (not junior)").
_EXCLUDING = wordtable.role("excluding")
# Words that, after a negator, ask for the TODO list ("not written yet"): never a name a question excludes.
_WRITTEN = wordtable.role("written")

# Which facet each entry field belongs to. "who" narrows to levels/roles, "craft" to crafts/sections.
FIELDS = {"level": "who", "role": "who", "craft": "craft", "section": "craft", "area": "area"}
_NO_ROWS = np.zeros(0, dtype=np.int64)
_NO_ROWS.flags.writeable = False


@dataclass(frozen=True)
class Mention:
    start: int  # word positions in the question, end exclusive
    end: int
    text: str
    kinds: frozenset[str]
    values: frozenset[tuple[str, str]]  # (entry field, value)
    score: float
    partial: bool  # matched only a conjunct of a name ("Deep Learning" of "Machine Learning and Deep Learning")
    alias: str = ""  # the name as written in the content (folded), which a typo in `text` stands for
    refines: bool = False  # narrows only what the question's other names already select ("manager" track)
    derived: bool = False  # another form of the name's word ("lead" for Leadership)
    initials: bool = False  # typed as the initials of a title, `alias` ("TL" for "tech lead"), which is written out
    uncoded: int | None = None  # a level number with no code of its own ("level 5"; levelnames.NumberMention.uncoded)


@dataclass
class Detected:
    words: list[str]
    mentions: list[Mention] = field(default_factory=list)
    # Level numbers asked about that no title carries ("level 9" of six), not next to a name that exists.
    missing: list[MissingLevel] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[Mention]:
        return [m for m in self.mentions if kind in m.kinds]

    def covered(self) -> set[int]:
        return {i for m in self.mentions for i in range(m.start, m.end)}


def _clean(text: str) -> str:
    # Names arrive as the parser left them, markup already gone (index/parse.py): only spacing varies.
    return " ".join(text.split())


def _conjuncts(text: str) -> list[str]:
    """'Head of ML and Edge ML' -> Head of ML, Edge ML, Head of Edge ML; 'ML and Edge ML Engineer' -> ML Engineer."""
    parts = _CONJ.split(text)
    if len(parts) != 2:
        return []
    a, b = parts[0].split(), parts[1].split()
    if not a or not b:
        return []
    out = [" ".join(a), " ".join(b)]
    if len(a) > 1:
        out.append(" ".join(a[:-1] + b))
    if len(b) > 1:
        out.append(" ".join(a + b[-1:]))
    return out


def _alternatives(outer: str, qualifiers: list[str]) -> list[str]:
    """The names a title of alternatives stands for, each of two words or more: "D3 Senior Analyst / Data
    Scientist" is a Senior Analyst and a Data Scientist (and a Senior Data Scientist, as "Head of ML and Edge ML"
    is a Head of Edge ML); "D4 Lead (Analyst or Data Scientist)" a Lead Analyst and a Lead Data Scientist, the
    one word outside the brackets (its code aside) read with each."""
    out: list[str] = []
    head = [w for w in outer.split() if not code_number(fold(w))]
    parts = _split_alternatives(" ".join(head))
    if len(parts) == 2:
        out += [c for c in _conjuncts(" and ".join(parts)) if len(c.split()) >= 2]
    for q in qualifiers:
        alts = _split_alternatives(q)
        if len(alts) >= 2:
            out += [a for a in alts if len(a.split()) >= 2]
            if len(head) == 1:
                out += [f"{head[0]} {a}" for a in alts]
    return out


def _split_alternatives(text: str) -> list[str]:
    """A title's alternatives, split at a spaced slash or an "or" ("Senior Analyst / Data Scientist"); an unspaced
    slash joins one name ("AI/ML Engineer" is not "AI" and "ML Engineer")."""
    parts: list[list[str]] = [[]]
    for w in text.split():
        if w == "/" or fold(w) == "or":
            parts.append([])
        else:
            parts[-1].append(w)
    return [" ".join(p) for p in parts if p]


def _said_about(e: Entry) -> str:
    """The text of a framework's prose in which a level's name says the prose is about it: an FAQ answer with its
    question, a comparison cell with its column's header, any other prose alone."""
    return f"{e.area} {e.description}" if e.layout in ("faq", "comparison") else e.description


def strip_generic(text: str) -> str:
    ws = text.split()
    while ws and fold(ws[-1]) in GENERIC:
        ws.pop()
    # "Level 3" keeps its word: a generic word followed by a number is a name. So does "Level V": a numeral alone
    # is no name ("level 2 v level 3" compares two levels, not three).
    while len(ws) > 1 and fold(ws[0]) in GENERIC | STOPWORDS and not ws[1].isdigit() and roman(fold(ws[1])) is None:
        ws.pop(0)
    return " ".join(ws)


def variants(name: str, conjuncts: bool) -> list[tuple[str, bool]]:
    """(alias text, partial) pairs for one facet value."""
    name = _clean(name)
    out: list[tuple[str, bool]] = [(name, False)]
    split = [p for p in LABEL_SEPARATOR.split(name) if p and p != name]
    pieces = split or [name]
    for piece in pieces:
        # "X (Y)" is X and Y, every parenthesised part read as a level title's qualifiers are (index/levelnames.py).
        outer = base_title(piece)
        pieces_here = [outer, *title_qualifiers(piece)] if outer != piece else [piece]
        out += [(p, False) for p in pieces_here]
        if conjuncts:
            out += [(a, False) for a in _alternatives(outer, pieces_here[1:])]
        for p in pieces_here:
            parts = _conjuncts(p) if conjuncts else [c.strip() for c in _CONJ.split(p)][:2] if _CONJ.search(p) else []
            for c in parts:
                # For who/craft names a conjunct is a real name ("Head of Edge ML"); for an area it is only a
                # part ("Deep Learning" of "Machine Learning and Deep Learning"), and no words are borrowed.
                out.append((c, not conjuncts))
    cleaned: list[tuple[str, bool]] = []
    for text, partial in out:
        for t in {text, strip_generic(text)}:
            ws = words(t)
            if not ws or all(w in STOPWORDS or w in GENERIC or w.isdigit() for w in ws):
                if not (ws and any(w.isdigit() for w in ws) and any(w in GENERIC for w in ws)):
                    continue  # "Level 3" is kept: a generic word plus a number is a name
            cleaned.append((t, partial))
    return cleaned


def acronym(name: str) -> str | None:
    """Initials of a multi-word name ("Site Reliability Engineering" -> SRE), matched only in capitals."""
    # The tokenizer's words, numbers aside: "Level 3 Engineer" is LE, as a reader would shorten it.
    # A level's code is no word of its name ("TL5 Tech Lead" is a TL, "L3 Senior Engineer" an SE).
    ws = words(name)
    ws = [w for i, w in enumerate(ws) if w not in STOPWORDS and w[0].isalpha() and not code_number(w)
          and not (w in LEVEL_WORDS and ws[i + 1 : i + 2] and ws[i + 1].isdigit())]
    if len(ws) < 2:
        return None
    return "".join(w[0].upper() for w in ws)


def _threshold(alias: str) -> float:
    # A short name needs no rung of its own: 90 is out of reach for any other text when the name has four
    # letters or fewer (one letter added or dropped already scores under it), so such a name is read exactly.
    n = len(alias.replace(" ", ""))
    if n <= 7:
        return 90.0
    if n <= 12:
        return 85.0
    return _LOOSEST


def _digits(ws: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    # Numbers inside codes count too: "ic 3" and "IC3" carry the same 3.
    return tuple(d for w in ws for d in _word_digits(w))


@lru_cache(maxsize=MEMO)  # every window of every question is compared by its numbers
def _word_digits(word: str) -> tuple[str, ...]:
    return tuple(_NUMBER.findall(word))


def _key(text: str) -> str:
    """How an alias or a window of the question is compared: folded words, plurals singular, and a roman
    numeral after a name's word as its number ("Engineer II" and "engineer 2" alike; "engineers" is no
    "Engineer I")."""
    return " ".join(_keys(words(text)))


def _keys(ws: list[str]) -> list[str]:
    """Words as names are compared: plurals singular, a roman numeral after a name's word its number."""
    keys = [singular(w) for w in ws]
    for k in range(1, len(keys)):
        if keys[k - 1].isalpha() and keys[k - 1] not in STOPWORDS and (n := roman(keys[k])) is not None:
            keys[k] = str(n)
    return keys


_VOWELS = frozenset("aeiou")


def _abbreviates(short: str, full: str, vocabulary: set[str]) -> bool:
    """Whether a question word stands for a name's word: "tech" for "technology", "eng" for "engineer",
    "sr" for "senior", "mgr" for "manager" (its letters in order, starting alike), but never a word the
    framework's text uses in its own right."""
    if short == full:
        return True
    if short.isdigit() or full.isdigit() or short[:1] != full[:1] or short in STOPWORDS:
        return False
    if len(short) >= FEWEST_LETTERS and full.startswith(short):
        return True
    # Letters in order ("mgr", "mgmt", "convo"): an abbreviation drops vowels or cuts the word short, so
    # one with two vowels after its first letter that leaves the word before its last letter is a word
    # of its own ("count" is not "communication"), and so is one cut short that the language has as a
    # word, whether or not this framework's text uses it ("come" is no "competencies", "mean" no
    # "measurement"); "convo" is no word, so it stays "conversation".
    looks_short = sum(c in _VOWELS for c in short[1:]) <= 1 or (
        full.startswith(short[:-1]) and short not in language_words()
    )
    if len(short) >= 2 and short not in vocabulary and looks_short:
        it = iter(full)
        if all(c in it for c in short):
            return True
    if fuzz.ratio(short, full) >= _threshold(short):  # a typo of the word, judged as a name's typo is
        return True
    # Two letters swapped ("impcat") is one slip, however the plain ratio rates it.
    return len(short) >= LOOSE_MIN and short not in vocabulary \
        and OSA.distance(short, full) <= slips(len(full))


def clipped(said: str, name: list[str]) -> list[int]:
    """How many of the name's first words (two or more) one typed word joins the shortenings of: each word's
    start of two letters or more ("devex" is "developer experience", "infosec" "information security"), or
    its first letter and more of its letters in order ("sw" of "software": "swe" is "software engineer"),
    the last word's maybe its first letter alone ("mle": "ML engineer"), as people shorten a name of several
    words into one."""
    found: list[int] = []

    def shortens(piece: str, word: str) -> bool:
        if word.startswith(piece):
            return True
        it = iter(word[1:])
        return piece[0] == word[0] and all(c in it for c in piece[1:])

    def fits(rest: str, i: int) -> None:
        if not rest:
            if i >= 2:
                found.append(i)
            return
        if i < len(name):
            if i >= 1 and len(rest) == 1 and rest == name[i][:1]:
                fits("", i + 1)
            for k in range(2, len(rest) + 1):
                if not shortens(rest[:k], name[i]):
                    break  # letters not in the word in order: no longer piece is in it either
                fits(rest[k:], i + 1)

    if " " not in said:
        fits(said, 0)
    return sorted(set(found))


def _abbreviates_seen(short: str, full: str, vocabulary: set[str], seen: dict[tuple[str, str], bool] | None) -> bool:
    """`_abbreviates`, remembered in `seen` (one framework's memo: its vocabulary is fixed), since the same
    question words meet the same name words question after question."""
    if seen is None:
        return _abbreviates(short, full, vocabulary)
    hit = seen.get((short, full))
    if hit is None:
        hit = seen[(short, full)] = _abbreviates(short, full, vocabulary)
    return hit


def _spells(typed: list[str], full: list[str], vocabulary: set[str], alone: bool | None = None,
            seen: dict[tuple[str, str], bool] | None = None, initials: tuple[bool, ...] = ()) -> bool:
    """Whether the typed words write out a name word by word: each typed word abbreviates one word of the
    name ("tech" for "technology", "sr" for "senior") or is the initials of two or more words in a row
    ("em" for "engineering manager"). Initials the text uses as a word of its own ("EM" in "EM reports")
    spell a name only beside another of its words ("sr em"), never alone. `initials`, per typed word: it
    can only be initials (typed in capitals that the framework's names spell), never one word cut short."""
    alone = len(typed) == 1 if alone is None else alone
    if not typed or not full:
        return not typed and not full
    q = typed[0]
    if initials[:1] != (True,) and _abbreviates_seen(q, full[0], vocabulary, seen) \
            and _spells(typed[1:], full[1:], vocabulary, alone, seen, initials[1:]):
        return True
    k = len(q)
    if not (q.isalpha() and q not in STOPWORDS and not (alone and q in vocabulary)):
        return False
    if 2 <= k <= len(full) and q == "".join(w[0] for w in full[:k]) \
            and _spells(typed[1:], full[k:], vocabulary, alone, seen, initials[1:]):
        return True
    # The starts of several of its words joined ("devex"), unless the language has the word ("test" is no
    # "technical strategy").
    return initials[:1] != (True,) and q not in language_words() and any(
        _spells(typed[1:], full[n:], vocabulary, alone, seen, initials[1:]) for n in clipped(q, full))


@dataclass(frozen=True)
class _Alias:
    text: str  # folded words joined by one space
    compact: str  # the same without spaces: "ml ops" and "mlops" meet here
    n_words: int
    digits: tuple[str, ...]
    values: frozenset[tuple[str, str]]
    partial: bool
    threshold: float
    refines: bool = False
    derived: bool = False
    initials: bool = False
    uncoded: int | None = None


class Structure:
    """The structure of one loaded framework: aliases and which entries each facet value selects."""

    def __init__(self, entries: list[Entry]) -> None:
        self.size = len(entries)
        rows: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i, e in enumerate(entries):
            for fname in FIELDS:
                value = getattr(e, fname)
                if value:
                    rows[(fname, value)].append(i)
        self._rows = {k: np.array(v, dtype=np.int64) for k, v in rows.items()}
        under: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i, e in enumerate(entries):
            if e.under:
                under[("area", e.under)].append(i)
        self._under = {k: np.array(v, dtype=np.int64) for k, v in under.items()}
        self.level_of = [e.level for e in entries]
        # Prose outside the levels, folded the way questions are, for the level names it mentions.
        # Padded with spaces, so a name is found as whole words by plain containment: both sides are
        # `words` joined by one space, so " level 3 " in " ... level 3 ... " is the name and nothing else.
        # An FAQ answer with its question and a comparison cell with its column, which say what it is about ("Is Team
        # Lead a management job?", "Data Scientist").
        self._prose = [(i, f" {' '.join(words(_said_about(e)))} ") for i, e in enumerate(entries)
                       if e.kind == "definition"]
        self._prose_cache: dict[str, np.ndarray] = {}
        # Which entries are that prose: a name selects them for mentioning it, they are not its own text.
        self.prose = np.zeros(self.size, dtype=bool)
        self.prose[[i for i, _ in self._prose]] = True
        self.area_of = [e.area for e in entries]
        # Each entry's craft and whether it is a level's, and each craft's general sections, for `beside`.
        self._craft_of = np.array([e.craft for e in entries], dtype=object)
        self._in_level = np.array([bool(e.level) for e in entries], dtype=bool)
        # Only its sections on topics of their own: the definition of an area the levels have ("Teamwork") is
        # for what the area means, the levels' cells say what it asks of each; a page's introduction (its
        # area its own title) describes the whole craft or framework, as the level's overview does the level;
        # and a section that names a level is that level's (`rows` selects it with the level's name).
        level_areas = {e.area for e in entries if e.level}
        titles = {x for e in entries for x in (e.craft, e.framework, e.level, e.role) if x}
        level_titles = [f" {' '.join(words(t))} " for t in sorted({e.level for e in entries if e.level})]
        self._definitions: dict[str, list[int]] = defaultdict(list)
        for i, body in self._prose:
            e = entries[i]
            if e.area not in level_areas and e.area not in titles and not any(t in body for t in level_titles):
                self._definitions[e.craft].append(i)

        table: dict[tuple[str, bool], set[tuple[str, str]]] = defaultdict(set)
        acronyms: dict[str, set[tuple[str, str]]] = defaultdict(set)
        spelt: dict[str, set[str | None]] = defaultdict(set)  # what each acronym's letters are the initials of
        titled: set[str] = set()  # the names of levels and roles among them
        layout = _layout_sections(entries)
        titles = {v for f, v in self._rows if f in ("craft", "level", "role")}
        for fname, value in self._rows:
            if fname == "section" and value in layout:
                continue
            if fname == "area" and value in titles:
                continue  # a page's introduction, filed under the page's own title: that name is the page's
            is_area = FIELDS[fname] == "area"
            # Initials are read of the whole name and of each name it is written as, as people shorten the
            # name they say: "Misc: Tech Lead" is also "Tech Lead", so "TL" names it, not only "MTL".
            for text, partial in variants(value, conjuncts=not is_area):
                table[(_key(text), partial)].add((fname, value))
                if not partial and (acro := acronym(text)):
                    acronyms[acro].add((fname, value))
                    spelt[acro].add(_key(text))
                    if FIELDS[fname] == "who":
                        titled.add(_key(text))
        # A one-word name left of a craft's name ("SIG" of "SIG Roles and Organizational Governance", its
        # generic word dropped) that starts other crafts' names too ("SIG Node Contributor Ladder") names
        # them all, as a one-word short level name does: which one is meant is for the rest to say.
        firsts: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for fname, value in self._rows:
            if fname in ("craft", "section") and (first := words(value)[:1]):
                firsts[_key(first[0])].add((fname, value))
        for (text, partial), values in table.items():
            if not partial and text in firsts and any(FIELDS[f] == "craft" for f, _ in values):
                values.update(firsts[text])
        written = {w for e in entries for w in words(e.description)}
        self.vocabulary = written | {singular(w) for w in written}
        # What a misspelt word may be read as (`_respelt`): the content words of the text and of its names, the
        # framework's own included ("Career Ladder" may be the one place a framework writes "ladder"), sorted.
        # Words it writes, not the singulars `vocabulary` adds for names ("responsibilitie"): one of those beside
        # its word makes the commonest slip of "responsibilities" a slip of two words, read as typed.
        self._sorted_vocabulary = sorted(
            w for w in written | {w for e in entries for name in (e.framework, e.craft, e.level, e.area)
                                  for w in words(name or "")}
            if w.isalpha() and w not in STOPWORDS)
        # The hyphenated words the text writes ("kubernetes-sigs", an organisation): each is one term of the text.
        self._compounds = {c for e in entries for c in compounds(e.description)}
        self._forms: dict[str, set[str]] = defaultdict(set)  # the text's words by stem
        for w in self.vocabulary:
            self._forms[stem(w)].add(w)
        naming = sorted({v for f, v in self._rows if f == "craft"} | {e.framework for e in entries if e.framework})
        self.order = LevelOrder(entries)  # each craft's levels in order: the answerer's ladder too
        ladders = [
            [{lv.title for lv in ladder if lv.rung == r} for r in sorted({lv.rung for lv in ladder})]
            for ladder in self.order.by_craft()
        ]
        self.level_names = LevelNames([v for f, v in self._rows if f == "level"], naming, self.vocabulary, ladders)
        self.owner_words = _owner_words({e.framework for e in entries if e.framework}, self.level_names.role_nouns,
                                        [e.description for e in entries])
        refiners: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for name in self.level_names.aliases:
            values = {("level", t) for t in name.values}
            if name.refines:
                refiners[name.text].update(values)
            elif is_initialism(name.text) and name.text in self.vocabulary:
                acronyms[name.text.upper()].update(values)  # "PM" the text also uses: only in capitals
                spelt[name.text.upper()].add(None)  # a qualifier's initials: no one name to write out
            else:
                table[(_key(name.text), False)].update(values)  # "staff ii" is compared as "staff 2"
        # An area whose whole name is a part of another's ("Responsibilities" of "Responsibilities and
        # privileges"): naming the one names part of the other too, which the merge below drops from the alias.
        self._wider: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
        for (text, partial), values in table.items():
            holders = set() if partial else {v for v in table.get((text, True), ()) if FIELDS[v[0]] == "area"}
            for v in values if holders else ():
                if FIELDS[v[0]] == "area":
                    self._wider[v] |= holders - {v}
        # An area whose name hyphenates another's whole name with more words ("Mastery-Science" beside "Mastery"):
        # one side of that topic, which a hyphenated name keeps out of the aliases (it is named only whole). Kept
        # with the words that tell that side from the others.
        self._sides: dict[tuple[str, str], dict[tuple[str, str], frozenset[str]]] = defaultdict(dict)
        whole = {_key(v): (f, v) for f, v in self._rows if FIELDS[f] == "area"}
        for f, v in self._rows:
            for parts in compounds(v) if FIELDS[f] == "area" else ():
                keys = [_key(p) for p in parts]
                for key in keys:
                    if (named := whole.get(key)) is not None and named != (f, v):
                        self._sides[named][(f, v)] = frozenset(keys) - {key}
        # A full-name alias beats the same text as someone else's conjunct.
        merged: dict[str, tuple[set[tuple[str, str]], bool]] = {}
        for (text, partial), values in sorted(table.items(), key=lambda kv: kv[0][1]):
            if not text:
                continue
            if text in merged:
                if merged[text][1] == partial:
                    merged[text][0].update(values)
                continue
            merged[text] = (set(values), partial)
        self._aliases = [
            _Alias(t, t.replace(" ", ""), len(t.split()), _digits(t.split()), frozenset(v), p, _threshold(t))
            for t, (v, p) in merged.items()
        ]
        self._aliases += [
            _Alias(t, t.replace(" ", ""), len(t.split()), _digits(t.split()), frozenset(v), False, EXACT, True)
            for t, v in refiners.items()
            if t not in merged
        ]
        # Names by first letter and word count, each with its words split once: an abbreviated window is
        # only ever compared with names of its first letter, for every question (order kept: ties read it).
        by_words: dict[tuple[int, str], list[tuple[_Alias, list[str]]]] = defaultdict(list)
        for alias in self._aliases:
            if not alias.refines:
                by_words[(alias.n_words, alias.text[:1])].append((alias, alias.text.split()))
        self._by_letter: dict[str, list[tuple[int, list[tuple[_Alias, list[str]]]]]] = defaultdict(list)
        for (size, letter), names in by_words.items():
            self._by_letter[letter].append((size, names))
        # What `_opened_by` reads of each name that no question changes: its initials ("sem" of Senior
        # Engineering Manager), and the distinct first words of each letter's names, which many names share
        # ("senior" of a dozen), so a new word is compared with each first word once.
        self._initials = {alias.text: "".join(w[0] for w in ws) for names in by_words.values() for alias, ws in names}
        self._first_words = {letter: tuple(dict.fromkeys(ws[0] for _, names in sized for _, ws in names))
                             for letter, sized in self._by_letter.items()}
        # The language's words are read by the first question with a word no name of this framework's
        # starts like, once per process: read here, with the framework, so no question waits for them.
        language_words()
        # Words of area and craft names: such a word before a number is no level code ("mobile 4").
        self._craft_words = {w for a in self._aliases if "craft" in _kinds(a.values) for w in a.text.split()}
        self._name_words = {
            w for a in self._aliases if _kinds(a.values) & {"area", "craft"} for w in a.text.split()
        }
        # Every word of every name, as compared: what a question can say it is not asking about (`negated`).
        self._every_name_word = {w for a in self._aliases for w in a.text.split() if not w.isdigit()}
        # One-word area names, for questions that name the area by another form of its word ("how does
        # a level 3 engineer lead?": Leadership; "communicate": Communication).
        self._area_words = [a for a in self._aliases if a.n_words == 1 and not a.partial and not a.digits
                            and _kinds(a.values) == {"area"}]
        # A window of more words than the longest name, plus the one a typo may add, names nothing: no
        # fuzzy match is that far off in length, and no abbreviation spells a name of fewer words.
        self._longest = max((a.n_words for a in self._aliases), default=0)
        # The names by their first character, each with its position in `_aliases`, as compared and without
        # spaces: a window is only ever near a name that starts as it does (`_near_names`).
        by_initial: dict[str, list[int]] = defaultdict(list)
        for k, a in enumerate(self._aliases):
            by_initial[a.text[:1]].append(k)
        self._by_initial = {c: (rows, [self._aliases[k].text for k in rows], [self._aliases[k].compact for k in rows])
                            for c, rows in by_initial.items()}
        self._acronyms = {k: frozenset(v) for k, v in acronyms.items() if fold(k) not in STOPWORDS}
        # Initials a question typed without capitals may still mean (`_writes_capitals`): a title's, which is
        # what people call the person ("a tl", "a senior pm"; an area's, "im", is as often a word typed loosely),
        # and which the text never writes as a lower-case word of its own ("lead", "head" in most frameworks).
        lowered = {k.lower(): k for k in self._acronyms if spelt[k] & titled}
        ordinary = {w for e in entries for w in as_written(e.description) if w in lowered}
        self._uncased = frozenset(k for w, k in lowered.items() if w not in ordinary)
        # Words of titles: lower-case initials after one may complete it ("senior pm", "lead de"; `_named_at`).
        self._title_words = frozenset(w for a in self._aliases if "who" in _kinds(a.values) for w in a.text.split())
        # Initials that spell one name, a title's, are written out before the question is embedded, as a
        # misspelt or abbreviated name is: the model reads "what does a tech lead do", not an unknown "tl". A
        # title's initials are what people call the person ("a TL", "an EM"); an area's in capitals are as
        # often something else ("travel to DC" is no Data championing): a name still, but not written out.
        self._spelt_out = {k: t for k, v in spelt.items() if len(v) == 1 and (t := next(iter(v))) in titled}
        # Per framework, filled as questions come: which typed word abbreviates which name word, and the
        # entries each name selects (pure functions of the framework and the words, so kept). Each is bounded
        # by `tokens.MEMO`, as every memo of the core is: a bound on memory only (three passes over an eval
        # set's 40-odd questions fill at most about a thousand entries of any of them).
        self._abbreviations: dict[tuple[str, str], bool] = {}
        self._spelt: dict[str, tuple[tuple[float, _Alias], ...]] = {}
        # Per typed word, the names (by word count, in `_by_letter` order) whose first word it could begin:
        # every window that starts with the word meets the same names, and most meet none.
        self._openers: dict[str, dict[int, list[tuple[_Alias, list[str]]]]] = {}
        self._rows_of: dict[tuple[frozenset[tuple[str, str]], frozenset[str] | None, str | None], np.ndarray] = {}
        # Per typed word, the one-word area names it is another form of ("lead": Leadership).
        self._derived: dict[str, tuple[_Alias, ...]] = {}
        # Per window (as compared, as typed), the names within a typo of it (`_near_names`).
        self._near: dict[tuple[str, str], tuple[tuple[int, float], ...]] = {}

    # --- detection ---------------------------------------------------------------------------------

    def detect(self, question: str) -> Detected:
        ws = words(question)
        found = Detected(ws)
        if not ws or not self._aliases:
            return found
        keys = _keys(ws)
        # Windows by word count, then position. A one-word window is its word as it is (no join to make), and
        # words no name is made of alone (stopwords, generic words) open none.
        windows = [(i, i + 1) for i, w in enumerate(ws) if w not in STOPWORDS and w not in GENERIC]
        texts = [keys[i] for i, _ in windows]
        # Joined words as typed too: "mlops" is "ML Ops", though alone it looks like a plural.
        raw = [ws[i] for i, _ in windows]
        for n in range(2, min(self._longest + 1, len(ws)) + 1):
            starts = range(len(ws) - n + 1)
            windows += [(i, i + n) for i in starts]
            texts += [" ".join(keys[i : i + n]) for i in starts]
            raw += ["".join(ws[i : i + n]) for i in starts]
        if not windows:
            return found
        near = self._near_names(texts, raw)
        # Each window's numbers, read once from its words' (a window meets many names).
        digits_at = [_word_digits(k) for k in keys]
        aliases = self._aliases
        candidates: list[tuple[float, int, int, int, _Alias]] = []
        for w, row in enumerate(near):
            if not row:
                continue  # most windows are within a typo of no name
            i, j = windows[w]
            digits = None
            for a, score in row:
                alias = aliases[a]
                if score < alias.threshold or abs((j - i) - alias.n_words) > 1:
                    continue
                if digits is None:
                    digits = tuple(d for k in range(i, j) for d in digits_at[k])
                if digits != alias.digits:
                    continue
                if score < EXACT and not self._could_be_a_typo(ws[i:j], texts[w], alias):
                    continue
                candidates.append((score, len(alias.text), i, j, alias))
        exact = {(i, j) for score, _, i, j, _ in candidates if score == EXACT}
        # A word typed in capitals that names' initials spell ("PM") is those initials: within a longer
        # name it stands for two or more of its words, never for one word cut short ("senior PM manage" is
        # no "Problem management" with "pm" for "problem"); it names what it spells on its own below.
        typed_capitals = _CAPITALS.findall(question)
        if not _writes_capitals(question):
            # Typed without capitals, a question tells initials from words by nothing but the words: "what
            # does a tl do" calls a TL as "what does a TL do?" does, and "lead de" is a lead DE, not "Leading
            # design" cut short. Only where no title is named in words apart from them (a word beside may
            # be part of it: "senior pm"): in "id like to know what a senior data engineer does", "id" is
            # "I'd". Initials the text also writes as a word of its own stay that word.
            titles = [(i, j) for score, _, i, j, alias in candidates
                      if score == EXACT and "who" in _kinds(alias.values)]
            uncased = (k for pos, w in enumerate(ws) if (k := w.upper()) in self._uncased
                       and not any(j < pos or i > pos + 1 for i, j in titles) and _named_at(ws, pos, self._title_words))
            typed_capitals = list(dict.fromkeys([*typed_capitals, *uncased]))
        capitals = {pos for token in typed_capitals if token in self._acronyms
                    for pos, w in enumerate(ws) if w == token.lower()}
        candidates += [
            (score, size, i, j, alias) for score, size, i, j, alias in self._abbreviated(keys, windows, texts)
            if (i, j) not in exact and (not capitals.intersection(range(i, j)) or _spells(
                keys[i:j], alias.text.split(), self.vocabulary, initials=tuple(p in capitals for p in range(i, j))))
        ]
        numbers = self.level_names.number_mentions(keys, self._name_words, ordinals(question))
        # Words that spell a level's name, exactly or cut short ("eng I" of Engineer I), are that name.
        spelt_levels = {(i, j) for _, _, i, j, alias in candidates if any(f == "level" for f, _ in alias.values)}
        for n in numbers:
            if (n.start, n.end) in exact or (n.start, n.end) in spelt_levels:
                continue  # "EM 2" is "Engineering Manager 2" by its own name, not every level numbered 2
            text = " ".join(ws[n.start : n.end])
            values = frozenset(("level", t) for t in n.values)
            digits = _digits(keys[n.start : n.end])
            alias = _Alias(text, text.replace(" ", ""), n.end - n.start, digits, values, False, EXACT,
                           uncoded=n.uncoded)
            candidates.append((EXACT, len(text), n.start, n.end, alias))
        # Another form of a one-word area's name ("lead" for Leadership), below the name itself.
        for pos, w in enumerate(ws):
            if len(w) < LOOSE_MIN or w in STOPWORDS or w in GENERIC or (pos, pos + 1) in exact:
                continue
            for alias in self._derived_areas(w):
                if alias.text != keys[pos]:
                    typed = _Alias(w, w, 1, (), alias.values, False, EXACT, derived=True)
                    candidates.append((95.0, len(w), pos, pos + 1, typed))
        # Capitalised acronyms in the original text ("SRE", "AIG") name what their initials spell.
        for token in typed_capitals:
            values = self._acronyms.get(token)
            if values is None:
                continue
            for pos, w in enumerate(ws):
                if w == token.lower():
                    full = self._spelt_out.get(token)
                    alias = _Alias(full or w, w, 1, (), values, False, EXACT, initials=full is not None)
                    candidates.append((EXACT, len(w), pos, pos + 1, alias))
        # A hyphenated word the framework writes too is its term, named only whole: "kubernetes-sigs" (a GitHub
        # organisation) is no "SIG", while "sig-node reviewers" still names the section that name covers whole.
        terms = self._terms_in(question, ws)
        candidates = [(score, size, i, j, alias) for score, size, i, j, alias in candidates
                      if not any(i < end and start < j and not (i <= start and end <= j) for start, end in terms)]
        # Most matched characters first, weighted steeply by similarity: "hed of ml" (a typo of a long
        # name) beats an exact "ml", but an exact "machine learning" beats a loose longer name.
        candidates.sort(key=lambda c: (-((c[0] / EXACT) ** 4) * c[1], -c[0], c[2]))
        taken: set[int] = set()
        chosen: list[Mention] = []
        for score, _, i, j, alias in candidates:
            span = set(range(i, j))
            if span & taken:
                # The same words also naming something else ("people manager": a level's name and, a letter
                # off, the area People Management): one mention that names both.
                # Only an area joins that way: a craft or level a letter off is a different name, not a second one.
                for k, m in enumerate(chosen):
                    if (m.start, m.end) == (i, j) and m.partial == alias.partial and not (alias.values <= m.values) \
                            and not alias.derived and (score == m.score or _kinds(alias.values) == {"area"}):
                        chosen[k] = Mention(
                            i, j, m.text, m.kinds | _kinds(alias.values), m.values | alias.values, score, m.partial,
                            m.alias, initials=m.initials, uncoded=m.uncoded,
                        )
                continue
            taken |= span
            chosen.append(
                Mention(
                    i, j, " ".join(ws[i:j]), _kinds(alias.values), alias.values, score, alias.partial, alias.text,
                    alias.refines, alias.derived, alias.initials, alias.uncoded,
                )
            )
        found.mentions = self._at_the_craft(self._sub_levels(sorted(chosen, key=lambda m: m.start), keys), ws)
        ends = {m.end for m in chosen if "who" in m.kinds}
        # "senior engineer level 2" is Senior Engineer 2 written loosely, not a Level 2 the framework lacks.
        found.missing = [n for n in self.level_names.missing_numbers(keys, ordinals(question))
                         if n.start not in ends]
        # "level 4 data scientist" where only another craft counts to 4: that craft has no Level 4.
        crafts = {v for m in chosen if m.kinds == {"craft"} for f, v in m.values if f == "craft"}
        for n in numbers if crafts and not found.missing else ():
            if any((n.start, n.end) == (m.start, m.end) for m in chosen) \
                    and not any(lv.craft in crafts for t in n.values for lv in self.order.find(t)):
                found.missing = [MissingLevel(n.start, n.end, n.label)]
        jobs = self.level_names.role_nouns
        if not found.missing and not any(
            f == "level" and not set(m.text.split()) <= jobs for m in chosen for f, _ in m.values
        ):  # "principal engineer" where "Engineer" is a title: the job, not a level called Principal
            taken = {k for m in chosen for k in range(m.start, m.end)}
            found.missing = self.level_names.missing_seniority(keys, self._craft_words, taken)
        return found

    def _terms_in(self, question: str, ws: list[str]) -> list[tuple[int, int]]:
        """Spans of `ws` that are hyphenated words of the question which the framework's text writes too."""
        spans: list[tuple[int, int]] = []
        for parts in compounds(question):
            if parts not in self._compounds:
                continue
            n = len(parts)
            spans += [(i, i + n) for i in range(len(ws) - n + 1) if tuple(ws[i : i + n]) == parts]
        return spans

    def _sub_levels(self, mentions: list[Mention], keys: list[str]) -> list[Mention]:
        """A bare number after one sub-level's name and a joining word is that title's sibling ("how do I go
        from senior engineer I to II?": Senior Engineer II), where the framework has it. Alone "II" names
        nothing and "2" every title numbered 2, so the question was refused, or moved Engineer 2 to Senior
        Engineer 1. A number already read as a code's ("to IC2") or as another name is left as it is."""
        out = list(mentions)
        for m in mentions:
            levels = {v for f, v in m.values if f == "level"}
            at = m.end + 1
            if len(levels) != 1 or m.kinds - {"level", "who"} or at >= len(keys):
                continue
            siblings = self.level_names.sub_level(next(iter(levels)), keys[m.end], keys[at])
            there = [k for k, o in enumerate(out) if o.start <= at < o.end]
            if not siblings or there and not (len(there) == 1 and out[there[0]].uncoded is not None
                                              and (out[there[0]].start, out[there[0]].end) == (at, at + 1)):
                continue
            values = frozenset(("level", t) for t in siblings)
            named = Mention(at, at + 1, keys[at], _kinds(values), values, m.score, False, keys[at])
            if there:
                out[there[0]] = named
            else:
                out.append(named)
        return sorted(out, key=lambda m: m.start)

    def _at_the_craft(self, mentions: list[Mention], ws: list[str]) -> list[Mention]:
        """A level of one ladder written together with a craft that does not have it ("devex engineer II", where
        Engineer II is Engineering's and Developer Experience numbers its own DX Engineer II) names that craft's
        level at the same rung (`LevelOrder.same_rung`), as a follow-up naming another craft moves there."""
        out = list(mentions)
        for k, m in enumerate(out):
            titles = {v for f, v in m.values if f == "level"}
            if m.partial or m.refines or len(titles) != 1:
                continue
            title = titles.pop()
            for c in out:
                crafts = {v for f, v in c.values if f == "craft"}
                if c.partial or c.kinds != {"craft"} or len(crafts) != 1 or (c.start < m.end and m.start < c.end):
                    continue
                gap = ws[c.end:m.start] if c.end <= m.start else ws[m.end:c.start]
                if any(w not in STOPWORDS for w in gap) or set(gap) & _SEPARATORS:
                    continue
                craft = crafts.pop()
                target = "" if self.order.find(title, craft) else self.order.same_rung(title, None, craft)
                if target:
                    out[k] = replace(m, kinds=frozenset({"who"}), values=frozenset({("level", target)}))
                break
        return out

    def _near_names(self, texts: list[str], raw: list[str]) -> list[tuple[tuple[int, float], ...]]:
        """Per window (its words as compared, `texts`, and as typed, joined, `raw`): the names within a typo of
        it, (position in `_aliases`, rapidfuzz ratio) in name order. A pure function of the two texts and the
        framework, so kept per framework (bounded by `tokens.MEMO`, as every memo of the core): the same words
        ("what does", "level 3", "expect for") open question after question, and only new ones are compared.

        Only the names that start as the window does, as compared or as typed, are compared with it: a name
        equal to it in either form starts so, and a near miss is taken only when it starts like the name
        (`_could_be_a_typo`), so no other name is ever read from here. A question's windows then meet a tenth
        of the names each, in one comparison per first character (issue 23)."""
        kept = self._near
        keys = list(zip(texts, raw, strict=True))
        known = [kept.get(k) for k in keys]
        if None not in known:
            return cast(list[tuple[tuple[int, float], ...]], known)  # every window seen before: the common case
        new = [k for k in dict.fromkeys(keys) if k not in kept]
        found: dict[tuple[str, str], list[tuple[int, float]]] = {k: [] for k in new}
        starting: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for key in new:
            text, typed = key
            starting[text[:1]].append(key)
            if typed[:1] != text[:1]:
                starting[typed[:1]].append(key)
        for initial, windows in starting.items():
            names = self._by_initial.get(initial)
            if names is None:
                continue  # no name starts so
            rows, name_texts, name_compact = names
            # Each window's best ratio with each name: its words as compared, and without spaces as compared
            # and as typed, each distinct text compared once. Most windows are within a typo of no name, so
            # only the few ratios above the cut are read, from each matrix's nonzero cells.
            best: dict[tuple[int, int], float] = {}
            spaced = process.cdist([t for t, _ in windows], name_texts, scorer=fuzz.ratio, score_cutoff=_LOOSEST,
                                   workers=1)
            at, names_at = np.nonzero(spaced)
            for k, a, score in zip(at.tolist(), names_at.tolist(), spaced[at, names_at].tolist(), strict=True):
                best[(k, a)] = score
            joined: dict[str, list[int]] = {}
            for k, (text, typed) in enumerate(windows):
                compact = text.replace(" ", "")
                joined.setdefault(compact, []).append(k)
                if typed != compact:
                    joined.setdefault(typed, []).append(k)
            ratios = process.cdist(list(joined), name_compact, scorer=fuzz.ratio, score_cutoff=_LOOSEST, workers=1)
            at, names_at = np.nonzero(ratios)
            by_text = list(joined.values())
            for d, a, score in zip(at.tolist(), names_at.tolist(), ratios[at, names_at].tolist(), strict=True):
                for k in by_text[d]:
                    if score > best.get((k, a), 0.0):
                        best[(k, a)] = score
            for (k, a), score in best.items():
                found[windows[k]].append((rows[a], score))
        # A window typed and compared with different first characters met two sets of names: in name order again.
        fresh = {key: tuple(sorted(hits)) for key, hits in found.items()}
        if len(kept) < MEMO:  # checked per question: a bound on memory only
            kept.update(fresh)
        return [fresh[k] if k in fresh else kept[k] for k in keys]

    def _derived_areas(self, word: str) -> tuple[_Alias, ...]:
        """The one-word area names `word` is a form of, remembered for this framework: the same question
        words meet the same names question after question."""
        found = self._derived.get(word)
        if found is None:
            found = tuple(a for a in self._area_words if same_family(word, a.text))
            if len(self._derived) < MEMO:
                self._derived[word] = found
        return found

    def _could_be_a_typo(self, window: list[str], text: str, alias: _Alias) -> bool:
        """Whether a near miss is a misspelt name rather than other words."""
        # It must start like the name does: "impact" is not "compact".
        if text[:1] != alias.text[:1]:
            return False
        # Words the framework itself uses are not typos: "direct" (reports) is not "Director".
        if all(w in self.vocabulary or w.isdigit() for w in window):
            return False
        # Nor are other forms of words it uses ("approves", where it says "approve" and "approved"), unless
        # those words are only the name's own ("enginer" beside "engineers" and "engineering" is Engineer).
        name = alias.text.split()
        if all(w.isdigit() or any(not any(v.startswith(n) for n in name) for v in self._forms.get(stem(w), ()))
               for w in window):
            return False
        # A letter that ends the name says which one, as a number does ("Grade B"): "grade d" is no slip of
        # "Grade A", nor "graded" of it. (A letter inside a name is an article: "making a process work".)
        if len(name[-1]) == 1 and name[-1].isalpha() and name[-1] not in window:
            return False
        # A generic word at the edge is not part of a name it only resembles ("engineering level" is
        # not "Engineering - All Levels"; the level is what the number after it says).
        return window[0] not in GENERIC and window[-1] not in GENERIC

    def _abbreviated(
        self, keys: list[str], windows: list[tuple[int, int]], texts: list[str]
    ) -> list[tuple[float, int, int, int, _Alias]]:
        """Names written with abbreviated words ("tech director", "senior eng 1", "sr engineer"), word by word."""
        out: list[tuple[float, int, int, int, _Alias]] = []
        if len(self._abbreviations) > MEMO or len(self._spelt) > MEMO or len(self._openers) > MEMO:
            self._abbreviations, self._spelt, self._openers = {}, {}, {}
        opens = [bool(self._openers_of(k)) for k in keys]
        for (i, j), text in zip(windows, texts, strict=True):
            if not opens[i]:
                continue  # no name begins with this word: no window starting with it spells one
            # What a window of words spells depends on those words and the framework only: the same
            # words in the next question are looked up, not compared with every name again. Kept by the
            # window's text, its words joined by spaces (which no word holds), so one text is one window.
            spelt = self._spelt.get(text)
            if spelt is None:
                spelt = self._spelt[text] = self._spelt_names(tuple(keys[i:j]), text)
            out.extend((score, len(text), i, j, alias) for score, alias in spelt)
        return out

    def _spelt_names(self, window: tuple[str, ...], text: str) -> tuple[tuple[float, _Alias], ...]:
        n = len(window)
        # One word alone only when it is long and the text never uses it ("comms", "mgmt"): short
        # ones ("eng") would name a level in every question that says what someone is.
        if n == 1 and (len(window[0]) < LOOSE_MIN or window[0] in self.vocabulary):
            return ()
        # A typed word may also be the initials of several of the name's words ("sr em": Senior
        # Engineering Manager), so names of more words than typed are tried, up to the longest there is.
        typed = list(window)
        digits = _digits(window)
        found: list[tuple[float, _Alias]] = []
        openers = self._openers_of(window[0])
        # A word of the language alone is that word, not a slip of a name's ("stuff" is no "staff"), unless it is
        # the start of the name's word, cut short ("tech" of "Technology").
        own_word = n == 1 and window[0] in language_words()
        for size in range(n, self._longest + 1):
            for alias, name_words in openers.get(size, ()):
                if alias.text == text or digits != alias.digits:
                    continue
                if own_word and not any(w.startswith(window[0]) for w in name_words):
                    continue
                if _spells(typed, name_words, self.vocabulary, seen=self._abbreviations):
                    # Below an exact name; the closer of two spellings wins ("enginer": Engineer, not
                    # Engineering). Weighed by the letters typed, not the name's: a typo of a name
                    # ("enginer") is the better reading.
                    found.append((90.0 + 0.05 * fuzz.ratio(text, alias.text), alias))
        return tuple(found)

    def _openers_of(self, word: str) -> dict[int, list[tuple[_Alias, list[str]]]]:
        """`_opened_by`, remembered for this framework."""
        openers = self._openers.get(word)
        if openers is None:
            openers = self._openers[word] = self._opened_by(word)
        return openers

    def _opened_by(self, word: str) -> dict[int, list[tuple[_Alias, list[str]]]]:
        """The names `word` could begin as `_spells` reads a name (abbreviating its first word, or the
        initials of its first words), by word count, each in `_by_letter` order: a name it cannot begin
        no window starting with it spells, so only these are tried word by word."""
        out: dict[int, list[tuple[_Alias, list[str]]]] = {}
        k = len(word)
        initials = k >= 2 and word.isalpha() and word not in STOPWORDS
        heads = {first: _abbreviates_seen(word, first, self.vocabulary, self._abbreviations)
                 for first in self._first_words.get(word[:1], ())}
        for size, names in self._by_letter.get(word[:1], ()):
            for alias, name_words in names:
                # `clipped` joins shortenings of two letters or more, each its word's first letter and more of
                # its letters in order: a name whose first word does not hold the word's first two so is none
                # it clips.
                if heads[name_words[0]] or (initials and k <= size and self._initials[alias.text].startswith(word)) \
                        or (initials and name_words[0][:1] == word[:1] and word[1:2] in name_words[0][1:]
                            and clipped(word, name_words)):
                    out.setdefault(size, []).append((alias, name_words))
        return out

    def corrected(self, question: str, found: Detected | None = None) -> str:
        """The question with misspelt names, and initials that spell one name, written as the content writes
        them ("hed of ml" -> "head of ml", "TL" -> "tech lead"), and a misspelt word of the text outside every
        name too ("jargoon" -> "jargon", `_respelt`), so the embedding and BM25 see what was meant; the question
        itself when nothing was misspelt or abbreviated."""
        found = found or self.detect(question)
        fixes = [
            (m.start, m.end, m.alias) for m in found.mentions
            if (m.score < EXACT or m.initials) and m.alias and not m.partial
            and m.alias != " ".join(found.words[m.start : m.end])
        ]
        # A word of the text misspelt ("jargoon"), outside every name: written as the text writes it, as BM25
        # already reads it (spelling.respelt), so the model and the phrases read the word meant too.
        named = found.covered()
        respelt = [(i, i + 1, fixed) for i, w in enumerate(found.words)
                   if i not in named and (fixed := self._respelt(w))]
        # A name the question sets aside ("(not junior)") is left out, with its "not": neither a name nor a topic.
        negated = self.negated(found)
        if negated:
            dropped = {k for start, end in negated for k in range(start, end)}
            fixes = [f for f in fixes if not dropped.intersection(range(f[0], f[1]))] + [(s, e, "") for s, e in negated]
            respelt = [r for r in respelt if r[0] not in dropped]
        if not fixes:
            # Only words respelt: each in its place in the question as typed, so the rest keeps its capitals and
            # marks ("EM", "L3"), which the model reads differently from the folded words.
            return _in_place(question, [(found.words[i], fixed) for i, _, fixed in respelt])
        fixes += respelt
        out: list[str] = []
        i = 0
        for start, end, alias in sorted(fixes):
            if start < i:
                continue  # within a span already written (a name set aside holds a misspelt one)
            out.extend(found.words[i:start])
            if alias:
                out.append(alias)
            i = end
        out.extend(found.words[i:])
        # Keep the question's closing mark: the model reads "…need?" and "…need" slightly differently.
        end = question.rstrip()[-1:] if question.rstrip()[-1:] in "?!." else ""
        return " ".join(out) + end

    def negated(self, found: Detected) -> list[tuple[int, int]]:
        """Spans of the question that say what it is not about: an excluding word ("not") and the words of the
        framework's names right after it, up to the first word of none ("user researcher (not junior) - will
        i...", "the ML craft (not edge)"). Left in, "junior" names every Junior title and "edge" weighs for the
        Edge cells: the asker named them to set them aside. "not comfortable", "not on call" name nothing and
        stay; so does "not written yet", which asks for the TODO list."""
        ws = found.words
        keys = _keys(ws)
        spans: list[tuple[int, int]] = []
        for i, w in enumerate(ws):
            if w not in _EXCLUDING:
                continue
            j = i + 1
            while j < len(ws) and keys[j] in self._every_name_word and keys[j] not in STOPWORDS \
                    and ws[j] not in _WRITTEN:
                j += 1
            if j > i + 1:
                spans.append((i, j))
        return spans

    def _respelt(self, word: str) -> str | None:
        """The text's word `word` is a slip of, when it is no word of the text, of the language or a function
        word: a word the language has is read as typed, the text's or not ("salary" is never "sally")."""
        if not word.isalpha() or word in self.vocabulary or word in STOPWORDS or word in language_words():
            return None
        fixed = respelt(word, self._sorted_vocabulary)
        return fixed if fixed != word else None  # a word of a name is its own spelling

    # --- entry selection ---------------------------------------------------------------------------

    def rows(self, mention: Mention, kinds: set[str] | None = None) -> np.ndarray:
        """Entries the mention names (the union over the names it matched), as sorted positions.

        A level's name also selects the prose that names it: "we expect every engineer to reach at
        least level 3", on a craft page, is about level 3 too.
        """
        prose = mention.text if "who" in mention.kinds and (kinds is None or "who" in kinds) and not mention.partial \
            else None
        key = (mention.values, None if kinds is None else frozenset(kinds), prose)
        found = self._rows_of.get(key)
        if found is not None:
            return found
        parts = [
            self._rows[v] for v in mention.values if (kinds is None or FIELDS[v[0]] in kinds) and v in self._rows
        ]
        if prose is not None:
            parts.append(self._prose_naming(prose))
        parts = [p for p in parts if len(p)]
        found = np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)
        # Shared between questions from now on: read-only, so no caller can change another's rows.
        found.flags.writeable = False
        if len(self._rows_of) < MEMO:
            self._rows_of[key] = found
        return found

    def wider(self, mention: Mention) -> np.ndarray:
        """Entries of the areas whose names hold a whole area name the mention matched as one of their parts."""
        if mention.partial or "area" not in mention.kinds:
            return _NO_ROWS
        parts = [self._rows[w] for v in mention.values for w in self._wider.get(v, ()) if w in self._rows]
        return np.unique(np.concatenate(parts)) if parts else _NO_ROWS

    def within(self, mention: Mention) -> np.ndarray:
        """Entries of the sub-sections written under an area the mention names whole ("How inactivity is measured"
        under "Inactive members"): the section's topic goes on under them."""
        if mention.partial or "area" not in mention.kinds:
            return _NO_ROWS
        parts = [self._under[v] for v in mention.values if v in self._under]
        return np.unique(np.concatenate(parts)) if parts else _NO_ROWS

    def sides(self, mention: Mention, said: list[str]) -> np.ndarray:
        """Entries of the areas whose hyphenated names hold a whole area name the mention matched, when the
        question (its words `said`) also says the rest of that name: "the science side of mastery" names
        Mastery-Science, apart; "data level 6 mastery" names Mastery alone."""
        if mention.partial or "area" not in mention.kinds:
            return _NO_ROWS
        keys = {_key(w) for w in said}
        parts = [self._rows[w] for v in mention.values for w, rest in self._sides.get(v, {}).items()
                 if w in self._rows and rest <= keys]
        return np.unique(np.concatenate(parts)) if parts else _NO_ROWS

    def _prose_naming(self, text: str) -> np.ndarray:
        found = self._prose_cache.get(text)
        if found is None:
            name = f" {text} "
            found = np.array([i for i, body in self._prose if name in body], dtype=np.int64)
            if len(self._prose_cache) < MEMO:
                self._prose_cache[text] = found
        return found

    def mask(self, mentions: list[Mention], kinds: set[str]) -> np.ndarray | None:
        """Entries every mention of these kinds agrees on (None: the question narrows nothing)."""
        mask: np.ndarray | None = None
        for m in mentions:
            if not (m.kinds & kinds) or m.partial or m.refines:
                continue
            here = np.zeros(self.size, dtype=bool)
            here[self.rows(m, kinds)] = True
            mask = here if mask is None else (mask & here)
        for m in mentions:
            # "senior 2 on the manager track": the track word picks among what the names selected.
            if mask is not None and m.refines and m.kinds & kinds:
                here = np.zeros(self.size, dtype=bool)
                here[self.rows(m, kinds)] = True
                if (mask & here).any():
                    mask = mask & here
        return mask

    def beside(self, mask: np.ndarray) -> np.ndarray:
        """`mask` with the text outside the levels of every craft whose levels it selects: a name says who
        is asked about, not where the answer is written. A craft page's general sections ("Leads taking an
        extended leave…", over the Chair and Tech Lead pages) speak of its levels without naming each, so
        a question naming one of them may be answered there; the fitted ranker weighs how closely each
        candidate matches the names (`level_match`), so the named level's own text still leads when it answers."""
        out = mask.copy()
        for craft in set(self._craft_of[mask & self._in_level].tolist()):
            out[self._definitions.get(craft, [])] = True
        return out

    def name_groups(self, detected: Detected) -> list[tuple[str, np.ndarray, tuple[int, int]]]:
        """The question's names of levels, roles and crafts, with the names written together joined into
        one ("principal IC", "product ic3", "senior 2 on the manager track"): (text, rows, word span).

        Names join when only glue words stand between them and together they still select something;
        a word that separates two names ("and", "vs", "to") never joins them.
        """
        groups: list[tuple[int, int, np.ndarray]] = []
        for m in sorted(detected.mentions, key=lambda m: m.start):
            if m.partial or not (m.kinds & {"who", "craft"}):
                continue
            rows = self.rows(m, {"who", "craft"})
            if not len(rows):
                continue
            if groups:
                start, end, prev = groups[-1]
                gap = detected.words[end : m.start]
                both = np.intersect1d(prev, rows)
                if both.size and all(w in STOPWORDS for w in gap) and not set(gap) & _SEPARATORS:
                    groups[-1] = (start, m.end, both)
                    continue
            if not m.refines:
                groups.append((m.start, m.end, rows))
        return [(" ".join(detected.words[s:e]), rows, (s, e)) for s, e, rows in groups]

    def levels(self, rows: np.ndarray) -> set[str]:
        """The levels among `rows` (prose that only names a level has none of its own)."""
        return {self.level_of[i] for i in rows if self.level_of[i]}


def _named_at(ws: list[str], pos: int, title_words: frozenset[str]) -> bool:
    """Whether lower-case initials at `pos` stand where a question names someone: its first word ("tl
    responsibilities"), after a title's word ("senior pm", "lead de"), or after a word a level is named after,
    the words of their name between ("a tl", "a first time em", "pm vs em"). "ur" in "what does ur framework say",
    "em" in "can u tell em", stand where a word does: "your", "them"."""
    if pos == 0 or ws[pos - 1] in title_words:
        return True
    before = pos - 1
    while before > 0 and ws[before] not in STOPWORDS and ws[before] not in _NAMED_AFTER:
        before -= 1
    return ws[before] in _NAMED_AFTER


def _writes_capitals(question: str) -> bool:
    """Whether a question writes any word in capitals past its first: a sentence's first letter, and the
    pronoun "I", are capitalised by keyboards, and say nothing of whether the asker writes initials in capitals."""
    return any(w != w.lower() for w in as_written(question)[1:] if len(w) > 1)


def _owner_words(frameworks: set[str], role_nouns: frozenset[str], texts: list[str]) -> frozenset[str]:
    """Whose framework it is: the words of a framework's name before its first generic word ("Monzo" of
    "Monzo Progression Framework", "FT" of "FT Engineering Progression", the job word aside). The text
    names its owner everywhere, so naming it says no more about a question's topic than naming a level.

    Only a name: a word the pages write in lower case more often than capitalised is one of their ordinary
    words ("digital" and "government" of "Government Digital and Data Profession Capability Framework",
    "contributor" of "Kubernetes Contributor Ladder"), and says what a question is about like any other."""
    out: set[str] = set()
    for name in frameworks:
        for w in words(name):
            if w in GENERIC:
                break
            if w not in STOPWORDS and not any(same_family(singular(w), r) for r in role_nouns) and not w.isdigit():
                out.add(w)
    if not out:
        return frozenset()
    capitalised: dict[str, int] = defaultdict(int)
    for text in texts:
        for w in as_written(text):
            if (folded := w.lower()) in out:
                capitalised[folded] += 1 if w[0].isupper() else -1
    return frozenset(w for w in out if capitalised[w] >= 0)


def _layout_sections(entries: list[Entry]) -> set[str]:
    """Section headings that are page layout, not names: the same heading ("Expectations", "Competencies")
    over the tables of most level pages names nothing a question could pick."""
    pages: dict[str, set[str]] = defaultdict(set)
    level_pages: set[str] = set()
    for e in entries:
        if e.kind == "level":
            level_pages.add(e.path)
            if e.section:
                pages[e.section].add(e.path)
    return {s for s, ps in pages.items() if len(ps) >= 0.5 * len(level_pages)}


def _kinds(values: frozenset[tuple[str, str]]) -> frozenset[str]:
    return frozenset(FIELDS[f] for f, _ in values)


def _in_place(question: str, swaps: list[tuple[str, str]]) -> str:
    """`question` with each typed word of `swaps` (folded, as `words` reads it) replaced where it stands by its
    respelling, punctuation around it kept; a word not found as typed (inside a contraction) stays."""
    if not swaps:
        return question
    parts = question.split(" ")
    for typed, fixed in swaps:
        for n, part in enumerate(parts):
            core = part.strip(string.punctuation)
            if core and core.casefold() == typed:
                parts[n] = part.replace(core, fixed)
    return " ".join(parts)
