"""The names people use for levels, derived from the level titles of the loaded content.

Titles are written in full ("Senior Engineer 2 (Individual Contributor)", "Technology Director",
"Engineering Manager 1 (M2)", "Band 3"); people type "senior 2 IC", "tech director", "EM1", "stage 3".
Every rule here reads only the content's own titles, so it holds for any framework:

- **Role nouns.** A word most level titles share ("Engineer" in "Junior Engineer", "Senior Engineer
  1", "Principal Engineer"), or that the framework or craft names itself by ("Engineering"), names
  the job, not the level: "Junior", "Senior 1" and "Principal" stand for the titles without it.
- **Initials.** The initials of a title's words plus its number ("Engineering Manager 1" -> "EM1",
  "EM 1"; "Digital Transformer II" -> "DT II", "dt 2"), and of a parenthesised qualifier ("Individual
  Contributor" -> "IC", "People Manager" -> "PM"). A qualifier's last word ("manager", "contributor")
  only refines a name the question already gave ("senior 2 on the manager track"): alone, "my manager"
  is no level.
- **Numbering.** A title that is a code or a level word plus a number ("L3", "IC3", "M4", "Level 3",
  "Band 3", or a qualifier "(IC3)") makes the framework numbered. A question's "level 3", "lvl 3",
  "l3", "E3", "stage three" or "a 3" (after a word that introduces a level) then names every title
  numbered 3, unless a code the titles lack is followed by a noun the framework names nothing by ("my W2
  form", "an S3 bucket": a kind of that noun, `_names_a_thing`); a code the framework uses ("IC 3", "M4",
  "manager 4") names that code's title only. A level
  word counts levels: beside a track numbered from 1 (IC1…IC5), a track numbered from higher up (M3…M6)
  borrows its numbers, so "level 3" there is IC3 (`_borrowed_numbers`), however the counted track writes its
  numbers ("Band 1", "Engineer I"). A follow-up reads a number with no code
  along the track of the level before it instead, when that track has every number the question names
  (`on_track`: M5 after M4; "level 2 vs level 3" after M4, where M has no 2, is IC2 vs IC3 as alone).

Abbreviated words ("tech" for "technology", "eng" for "engineer", "sr" for "senior") are matched in
index/aliases.py, word by word against these names.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from index import wordtable
from index.spelling import FEWEST_LETTERS
from index.tokens import MEMO, NOT_PLURAL, NUMBERED, STOPWORDS, fold, roman, stem, words

# Words that introduce a level number in a question ("level 3", "stage 3", "grade 3").
LEVEL_WORDS = wordtable.role("level-word")

# Words after which a bare number is a level ("a 5", "from 4 to 5", "L3 vs 4").
_BARE_BEFORE = wordtable.role("number-after")
# A level code is at most this many letters before its number ("L3", "IC3", "EM6", "TL4"); a longer word
# before a number is a noun of its own ("Milestone 2", "Band 3").
CODE_LETTERS = 3
# Parenthesised parts of a name ("Engineer 2 (IC3)", "Site Reliability Engineering (SRE)"): read here for level
# titles and in index/aliases.py for every name.
_PAREN = re.compile(r"\(([^()]*)\)")
# What sets a name apart from what follows it: a colon, or a dash or bar between spaces ("P3 - Product Manager",
# "Task: small, defined work", "Engineering:IC3"). One reading for level titles, step labels (index/parse.py) and
# every name's parts (index/aliases.py).
LABEL_SEPARATOR = re.compile(r"\s*:\s*|\s+[-–—|]\s+")
# A role noun must be shared by at least this share of the level titles.
ROLE_NOUN_SHARE = 0.5
# Words that start with the same letters this long are one word to a role noun: "Engineering" (the craft)
# names the titles' "Engineer".
_SAME_START = 5


@lru_cache(maxsize=MEMO)  # a pure function of the word: every question word is read by it, twice or more
def code_number(word: str) -> tuple[str, int] | None:
    """('ic', 3) for "ic3": a level code, at most CODE_LETTERS letters glued to a number of one or two digits
    (tokens.NUMBERED's grammar; "ic3s" is a plural and "b2b" or "h264" no code)."""
    m = NUMBERED.fullmatch(word)
    if m is None or m["ordinal"] or m["plural"] or not 0 < len(m["code"]) <= CODE_LETTERS or len(m["number"]) > 2:
        return None
    return m["code"], int(m["number"])


@lru_cache(maxsize=MEMO)  # asked of every question word, and of every name's, for every question
def singular(word: str) -> str:
    """'seniors' -> 'senior', 'l2s' -> 'l2', 'ics' -> 'ic': the plural of a name still names it."""
    base = word.removesuffix("s")
    if base == word:
        return word
    if code_number(base):
        return base
    if len(word) > 3 and not word.endswith(NOT_PLURAL):
        return base
    if len(base) == 2 and base.isascii() and base.isalpha() and base.islower() and word not in STOPWORDS:
        return base  # initials in the plural: "ICs", "PMs", "EMs"
    return word


def counts_levels(ws: list[str], i: int, ordinals: set[int] = frozenset()) -> bool:
    """Whether the number at `ws[i]` counts levels rather than names one: a cardinal before a level word
    ("one level up", "two levels higher"). English puts a level's number after its noun ("level 1"), a
    count before it; an ordinal before it ("the 2nd level") still names the level it counts to."""
    return (ws[i].isdigit() and i not in ordinals and i + 1 < len(ws)
            and singular(ws[i + 1]) in LEVEL_WORDS)


def levels_counted(ws: list[str], ordinals: set[int] = frozenset()) -> int:
    """How many rungs a question moves ("two levels up": 2); 1 when it counts none ("the level above")."""
    return next((int(w) for i, w in enumerate(ws) if counts_levels(ws, i, ordinals) and int(w) > 0), 1)


@dataclass(frozen=True)
class NameAlias:
    text: str  # words joined by one space
    values: frozenset[str]  # the level titles it names
    refines: bool = False  # only narrows a name the question already gave


@dataclass(frozen=True)
class NumberMention:
    start: int
    end: int
    values: frozenset[str]
    label: str = ""  # as the question means it: "Level 4", "IC3"
    # The number when no code the titles use came with it ("level 5", "a 5"): which track it is on is then the
    # conversation's to say (`LevelNames.on_track`); None when a code said ("IC5", "M5"), never 0, which "level 0"
    # is.
    uncoded: int | None = None


@dataclass(frozen=True)
class MissingLevel:
    """A level number the question asks about that no title carries ("level 9" of six levels)."""

    start: int
    end: int
    label: str  # as the question means it: "Level 9", "IC7", 'level called "Senior"'
    seniority: bool = False  # named by a seniority word, not a number: missing only if the level is the topic


# Words that say a number is a level in any framework; the other level words ("stage", "tier", "step")
# say so only when the framework's own titles use them ("tier 1 support" is no level elsewhere).
_ALWAYS_LEVEL = wordtable.role("any-level-word")


# Seniority words people use for a level whatever the framework calls its levels ("what does a senior
# do?"): where no title carries the word, the honest answer is that no level is called that.
SENIORITY = wordtable.role("seniority")
# Job nouns that, after a seniority word, make it a level's name ("senior engineer"), in any framework.
JOB_NOUNS = wordtable.role("job")


def _label(code: str, n: int) -> str:
    """A level number as the question means it: "Level 4", "IC3", "Milestone 4"."""
    code = "" if code in LEVEL_WORDS else code
    return f"{code.capitalize()} {n}" if len(code) > CODE_LETTERS else f"{code.upper()}{n}" if code else f"Level {n}"


def base_title(title: str) -> str:
    return " ".join(_PAREN.sub(" ", title).split())


def title_qualifiers(title: str) -> list[str]:
    return [q.strip() for q in _PAREN.findall(title) if q.strip()]


def _title_words(text: str) -> list[str]:
    """A title's words with a last-word roman numeral read as its number ("Level V" -> level 5)."""
    ws = words(text)
    if len(ws) >= 2 and (n := roman(ws[-1])) is not None:
        ws[-1] = str(n)
    return ws


def title_numbers(title: str) -> set[tuple[str, int]]:
    """(code, number) pairs a title is numbered by: ("ic", 3) for "IC3", ("", 3) for "Level 3", "Band 3",
    "Level III" or a title that starts with its code ("L1 Site Reliability Engineer", "EM6 Engineering Manager")."""
    out: set[tuple[str, int]] = set()
    pieces = [base_title(title), *title_qualifiers(title), *LABEL_SEPARATOR.split(title)]
    lead = words(base_title(title))
    if len(lead) >= 2 and lead[0] in LEVEL_WORDS and lead[1].isdigit():
        out.add(("", int(lead[1])))  # "L1 Site Reliability Engineer"
    elif len(lead) >= 2 and (glued := code_number(lead[0])):
        out.add(("" if glued[0] in LEVEL_WORDS else glued[0], glued[1]))  # "EM6 Engineering Manager"
    for piece in pieces:
        ws = _title_words(piece)
        # "Engineering - IC3" keeps its piece "IC3"; a piece of a code and a craft word is not a number.
        if len(ws) == 1 and (glued := code_number(ws[0])):
            code, n = glued
            out.add(("" if code in LEVEL_WORDS else code, n))
        elif len(ws) == 2 and ws[1].isdigit() \
                and (ws[0] in LEVEL_WORDS or (ws[0].isalpha() and len(ws[0]) <= CODE_LETTERS)):
            out.add(("" if ws[0] in LEVEL_WORDS else ws[0], int(ws[1])))
    return out


class LevelNames:
    """Aliases and number lookups for one framework's level titles."""

    def __init__(
        self, titles: list[str], naming: list[str], vocabulary: set[str], ladders: Sequence[Sequence[set[str]]] = ()
    ) -> None:
        """`titles`: every level title; `naming`: framework and craft names; `vocabulary`: the words
        of the framework's text (an initialism the text uses as a word is not matched in lower case);
        `ladders`: each craft's rungs in order, each rung the titles on it."""
        self.titles = sorted(set(titles))
        self._vocabulary = vocabulary
        bases = {t: [singular(w) for w in words(base_title(t))] for t in self.titles}
        share = Counter(w for ws in bases.values() for w in set(ws) if not w.isdigit())
        named_by = {stem(singular(w))[:_SAME_START] for n in naming for w in words(n)}
        enough = max(2, ROLE_NOUN_SHARE * len(self.titles))
        # A word only some titles share, each of them numbered ("Staff" of "Staff Engineer I" and "II" beside
        # Senior and Principal Engineer), names a rung's sub-levels, not the job: "staff ii" is Staff Engineer II.
        numbered = {t for t, ws in bases.items() if len(ws) >= 2 and (ws[-1].isdigit() or roman(ws[-1]))}
        sub_levels = {w for w in share if share[w] < len(self.titles)
                      and all(t in numbered for t, ws in bases.items() if w in ws)}
        self.role_nouns = frozenset(
            w for w in share if w not in STOPWORDS and w not in sub_levels
            and (share[w] >= enough or stem(w)[:_SAME_START] in named_by)
        )
        self.aliases: list[NameAlias] = []
        table: dict[tuple[str, bool], set[str]] = defaultdict(set)
        for t, ws in bases.items():
            # A title that starts with its code ("L3 Senior Engineer", "TL5 Tech Lead", "D6 Director") is also
            # named by the rest, as a piece after a separator is ("Backend: IC3"): people say "a tech lead".
            # The rest when it is only the job ("E3 Engineer") names no one level.
            coded = 2 if len(ws) > 2 and ws[0] in LEVEL_WORDS and ws[1].isdigit() else \
                1 if len(ws) > 1 and code_number(ws[0]) else 0
            rest = ws[coded:]
            if coded and any(w not in self.role_nouns and w not in STOPWORDS for w in rest):
                table[(" ".join(rest), False)].add(t)
            # Without the words the craft or framework names itself by ("Support" of "Senior Support Specialist"
            # in Customer Support), the title is what its own people call it: a senior specialist.
            plain = [w for w in rest if stem(w)[:_SAME_START] not in named_by]
            while plain and plain[-1] in STOPWORDS and roman(plain[-1]) is None:
                plain.pop()
            if len(plain) >= 2 and plain != rest and any(w not in self.role_nouns for w in plain) \
                    and not any(w.isdigit() or roman(w) is not None for w in plain):
                table[(" ".join(plain), False)].add(t)
            short = [w for w in rest if w not in self.role_nouns]
            said = list(short)
            while short and short[-1] in STOPWORDS and roman(short[-1]) is None:  # "Staff Engineer I" keeps its I
                short.pop()
            while short and short[0] in STOPWORDS:
                short.pop(0)
            if short != rest and any(not w.isdigit() and w not in LEVEL_WORDS and roman(w) is None for w in short):
                table[(" ".join(short), False)].add(t)
                # Said with the function word the title puts after it too ("head of" for "Head of data
                # engineering"): a word of four letters or fewer alone is read as initials, in capitals only
                # (index/aliases.py), so "and the head of?" would name no level.
                if len(said) == 2 and said[0] == short[0] and said[1] in STOPWORDS:
                    table[(" ".join(said), False)].add(t)
            letters = [w for w in ws if not w.isdigit() and w not in STOPWORDS]
            digits = [w for w in ws if w.isdigit()]
            # A roman numeral that ends the title is its number ("Digital Transformer II" -> "DT 2", "dt ii").
            if ws and not digits and (n := roman(ws[-1])) is not None:
                letters, digits = [w for w in ws[:-1] if w not in STOPWORDS], [str(n)]
            if len(letters) >= 2 and digits and not coded:  # a coded title's short form is its code
                initials = "".join(w[0] for w in letters)
                table[(f"{initials} {' '.join(digits)}", False)].add(t)
            for q in title_qualifiers(t):
                qws = [w for w in words(q) if w not in STOPWORDS]
                if len(qws) >= 2:
                    table[("".join(w[0] for w in qws), False)].add(t)
                    table[(singular(qws[-1]), True)].add(t)
        # A one-word short name that starts other titles too ("staff" of Staff Engineer, where Staff DX
        # Engineer and Staff Technical Writer also start with it) names them all: which one is meant is for
        # the rest of the question to say, not for the one title that happens to shorten to it.
        starts: dict[str, set[str]] = defaultdict(set)
        for t, ws in bases.items():
            if ws and ws[0] not in STOPWORDS and ws[0] not in self.role_nouns and not ws[0].isdigit():
                starts[ws[0]].add(t)
        for (text, refines), values in table.items():
            if " " not in text and not refines and len(starts.get(text, ())) > 1:
                values |= starts[text]
        for (text, refines), values in table.items():
            if text:
                self.aliases.append(NameAlias(text, frozenset(values), refines))
        self.numbered: dict[tuple[str, int], set[str]] = defaultdict(set)
        for t in self.titles:
            for code, n in title_numbers(t):
                self.numbered[(code, n)].add(t)
        # A noun several titles put before their number is the ladder's own word for a level
        # ("Milestone 1", "Milestone 2"; "Engineer I", "Engineer II"): "milestone 2", and "level 2", name it.
        # The same for a longer name numbered from its ladder's first rung ("Technical Writer I", "II"):
        # its last word is the code ("writer 2"). Numbers that start higher up ("Senior Engineer 1" after
        # Junior and Engineer) number sub-levels, not the ladder's levels, and "level 1" is not one of them.
        first_rungs = {t for rungs in ladders if rungs for t in rungs[0]}
        nouns: dict[tuple[str, ...], list[tuple[str, int]]] = defaultdict(list)
        for t in self.titles:
            ws = _title_words(base_title(t))
            if len(ws) >= 2 and ws[-1].isdigit() and ws[0] not in LEVEL_WORDS and not code_number(ws[0]):
                nouns[tuple(ws[:-1])].append((t, int(ws[-1])))
        for prefix, numbered in nouns.items():
            lowest = min(numbered, key=lambda tn: tn[1])[0]
            # A longer name numbered higher up is still the ladder's word when it is the job's own name, its words
            # all role nouns ("Software engineer I" and "II" after "Associate software engineer"), not a rung's
            # ("Senior Engineer 1"): "engineer 2", and "level 2", are Software engineer II by its number.
            job = all(singular(w) in self.role_nouns for w in prefix)
            if len(numbered) >= 2 and (len(prefix) == 1 or not ladders or lowest in first_rungs or job):
                for t, n in numbered:
                    self.numbered[(prefix[-1], n)].add(t)
        # Where no title of a ladder carries a number, "level 3" is its third rung: people count levels
        # whatever the titles are called ("Associate", "Practitioner", "Expert"). A ladder with numbers
        # ("Engineer II", "Senior Engineer 1") is counted by them, and "level 3" there is no level.
        for rungs in ladders:
            if any(not w.isalpha() or roman(w) for rung in rungs for t in rung for w in _title_words(t)):
                continue
            for k, rung in enumerate(rungs, start=1):
                self.numbered[("", k)].update(t for t in rung if t in bases)
        self.codes = frozenset(code for code, _ in self.numbered if code)
        # Codes of whole words that are titles with their numbers ("Milestone 2"): `_code_of_initial`.
        self._ladder_words = frozenset(
            code for (code, n), ts in self.numbered.items() if len(code) > CODE_LETTERS
            and any(_title_words(base_title(t)) == [code, str(n)] for t in ts))
        # Each title's (code, number) pairs, `numbered` read the other way: by the tracks borrowing numbers
        # and by a follow-up's number placed on the last level's track (`on_track`).
        self._numbers_of: dict[str, set[tuple[str, int]]] = defaultdict(set)
        for code_n, ts in self.numbered.items():
            for t in ts:
                self._numbers_of[t].add(code_n)
        self._borrowed = _borrowed_numbers(ladders, self._numbers_of)
        self._title_words = {w for t in self.titles for w in words(t)}
        # The level words this framework's titles use ("band"), read once here rather than per question.
        self._level_words = _ALWAYS_LEVEL | {w for w in self._title_words if w in LEVEL_WORDS}
        # The one noun the ladder calls its rungs by ("band" of "Band 1".."Band 4"), said back when a number is
        # missing ("This framework has no Band 9"): none where the titles use two, or only "level". A ladder of a
        # word no question counts by ("Milestone 1") already hears its own word back: it is that number's code.
        rung_nouns = self._level_words - _ALWAYS_LEVEL
        self._rung_noun = next(iter(rung_nouns)) if len(rung_nouns) == 1 else ""
        # Titles that differ only by the number closing them ("Senior Engineer I", "Senior Engineer II";
        # "Senior Engineer 2 (Individual Contributor)" by its base): one rung's sub-levels, by words and number.
        # Each such title's words before its number, read here, not per question.
        self._sub_levels: dict[tuple[tuple[str, ...], int], set[str]] = defaultdict(set)
        self._rung_of: dict[str, tuple[str, ...]] = {}
        for t in self.titles:
            ws = _title_words(base_title(t))
            if len(ws) >= 2 and ws[-1].isdigit():
                self._sub_levels[(tuple(ws[:-1]), int(ws[-1]))].add(t)
                self._rung_of[t] = tuple(ws[:-1])
        # The words a roman numeral after which is a number (`_numerals`), joined once, not twice per question.
        self._markers = LEVEL_WORDS | self.codes

    def _numerals(self, ws: list[str]) -> list[str]:
        """A question's roman numeral after a level word or code read as its number ("level V" -> 5);
        alone it stays a word ("do I need…")."""
        markers = self._markers
        return [
            str(n) if i and ws[i - 1] in markers and (n := roman(w)) is not None else w for i, w in enumerate(ws)
        ]

    def lower_case_initials_ok(self, token: str) -> bool:
        """'ic' or 'pm' typed in lower case still names the qualifier, unless the text uses it as a word."""
        return token not in self._vocabulary and token not in STOPWORDS

    def _titles_numbered(self, code: str, n: int, counting: bool = False) -> set[str]:
        """The titles a code and number name; `counting`: the number was introduced by a level word ("level 3",
        "L3", "3rd level"), which counts levels."""
        if code and code in self.codes:
            return set(self.numbered.get((code, n), set()))
        every = {t for (c, m), ts in self.numbered.items() if m == n for t in ts}
        if not counting:
            return every  # "EM 3", "a 3": a code the titles lack, or a bare number, may be any track's
        # A level word counts levels: a title whose number its track borrows from a ladder counted from 1 beside
        # it is named by its code ("M3"), so "level 3" is the counted ladder's third level (IC3), unless only the
        # borrowing track has that number ("level 6": M6).
        counted = every - self._borrowed
        return counted or every

    def on_track(self, title: str, n: int) -> set[str]:
        """The titles numbered `n` by what numbers `title` (its code, or its ladder's count): "M5" for "M4" and 5,
        "D4 Staff Developer" for "D3 Senior Developer" and 4. Empty when that track has no `n` (M3..M6 and 2)."""
        return {t for code, _ in self._numbers_of.get(title, ()) for t in self.numbered.get((code, n), ())}

    def number_mentions(self, ws: list[str], names: set[str], ordinals: set[int] = frozenset()) -> list[NumberMention]:
        """Level numbers in a question's words; `names` are words that name something else (an area, a
        craft), which never stand for a code ("mobile 4" is not "M4"); `ordinals`, positions of numbers
        written as ordinals, which are no bare level number ("a first line manager" is not level 1)."""
        if not self.numbered:
            return []
        ws = self._numerals(ws)
        out: list[NumberMention] = []
        i = 0
        while i < len(ws):
            w = ws[i]
            glued = code_number(singular(w))
            found: tuple[int, int, str, int] | None = None  # start, end, code, number
            counting = False  # introduced by a level word, which counts levels
            if glued and (glued[0] in LEVEL_WORDS or glued[0] in self.codes
                          or len(glued[0]) <= 2 and not self._names_a_thing(ws, i + 1, names)):
                found, counting = (i, i + 1, *glued), glued[0] in LEVEL_WORDS
            elif w.isdigit() and i in ordinals and i + 1 < len(ws) and (ws[i + 1] in LEVEL_WORDS
                                                                         or ws[i + 1] in self.codes):
                # "the 2nd level", "third milestone": an ordinal before a level word counts the levels.
                found = (i, i + 2, "" if ws[i + 1] in LEVEL_WORDS else ws[i + 1], int(w))
                counting = ws[i + 1] in LEVEL_WORDS
            elif counts_levels(ws, i, ordinals):
                pass  # "one level up", "two levels higher": how many rungs to move, not which level
            elif w.isdigit() and i > 0:
                code = self._code_for(ws[i - 1], names)
                if code == "" and ws[i - 1] not in LEVEL_WORDS and self._names_a_thing(ws, i + 1, names):
                    code = None  # "W 2 form": an unknown code naming the thing after it, as "W2 form" below
                if code is not None:
                    found, counting = (i - 1, i + 1, code, int(w)), ws[i - 1] in LEVEL_WORDS
                elif ws[i - 1] in _BARE_BEFORE and i not in ordinals:
                    found = (i, i + 1, "", int(w))
            titles = self._titles_numbered(*found[2:], counting) if found else set()
            if found and titles:
                start, end, code, n = found
                if end < len(ws) and singular(ws[end]) in self.role_nouns:
                    end += 1  # "a level 3 engineer" is one name, not two
                out.append(NumberMention(start, end, frozenset(titles), _label(code, n),
                                         None if code in self.codes else n))
                i = end
                continue
            i += 1
        return out

    def missing_numbers(self, ws: list[str], ordinals: set[int] = frozenset()) -> list[MissingLevel]:
        """Level numbers in a question's words that no title carries: "level 9", "L9", "IC 7", "the 7th level"
        when the framework's titles stop at 6. Only a level word ("level", or one the titles use, like "band") or
        a code the titles use ("IC", "M", or the first letter of a code of words, "m5" of "Milestone 4") makes a
        number a level here: "tier 1 support", "top 3 areas", "E5" or a bare "a 9" are not read as levels the
        framework lacks. `ordinals`: positions of numbers written as ordinals."""
        level_words = self._level_words
        ws = self._numerals(ws)
        out: list[MissingLevel] = []
        for i, w in enumerate(ws):
            glued = code_number(singular(w))
            end = i + 1
            if glued and (glued[0] in level_words or glued[0] in self.codes):
                (code, n), start = glued, i
            elif glued and (word := self._code_of_initial(glued[0])):
                code, n, start = word, glued[1], i
            elif w.isdigit() and i in ordinals and i + 1 < len(ws) and ws[i + 1] in level_words:
                code, n, start, end = "", int(w), i, i + 2  # "the 7th level", as `number_mentions` reads it
            elif w.isdigit() and i > 0 and (ws[i - 1] in level_words or ws[i - 1] in self.codes):
                code, n, start = ws[i - 1], int(w), i - 1
            else:
                continue
            said = code  # the question's own word: "band 9" is said back as "Band 9"
            code = "" if code in level_words else code
            if self._titles_numbered(code, n):
                continue
            out.append(MissingLevel(start, end, self._rung_label(said, code, n)))
        return out

    def sub_level(self, title: str, joiner: str, numeral: str) -> set[str]:
        """The titles a bare number names after `title` and a joining word ("senior engineer I to II", "senior
        engineer 1 vs 2"): `title` with that number closing it, when the framework has such a sub-level. Empty
        otherwise: a bare "II" is no level alone, and "2" is then every title numbered 2, as it was."""
        rung = self._rung_of.get(title)
        n = int(numeral) if numeral.isdigit() else roman(numeral)
        if joiner not in _BARE_BEFORE or n is None or rung is None:
            return set()
        return set(self._sub_levels.get((rung, n), ()))

    def _rung_label(self, said: str, code: str, n: int) -> str:
        """A missing number in the ladder's own words: the level word the question used when the titles use it
        too ("Grade 7"), else the ladder's one noun for its rungs ("level 9" of Band 1..4 is "Band 9"), else as
        `_label` says it ("Level 9", "IC7", "Milestone 9")."""
        noun = said if said in self._level_words and said not in _ALWAYS_LEVEL else self._rung_noun
        return f"{noun.capitalize()} {n}" if not code and noun else _label(code, n)

    def _code_of_initial(self, letter: str) -> str | None:
        """The one code of a whole word ("milestone") that a letter starts: "m5" is its form ("m2" of Milestone 2,
        as `check --shape` lists it). Only a word that is a title with its number ("Milestone 2"), not the last
        word of a longer one ("Software engineer II", "Data scientist II"): there "E5", "s3" are other companies'
        codes and other things ("im an e5 at meta", "s3 knowledge"), no level the framework lacks."""
        found = [c for c in self._ladder_words if c[0] == letter] if len(letter) == 1 else []
        return found[0] if len(found) == 1 else None

    def missing_seniority(self, ws: list[str], crafts: set[str], taken: set[int]) -> list[MissingLevel]:
        """A seniority word used as a level's name ("a senior backend engineer", "junior level", "what does
        a staff do") that no title carries. `crafts`: words of craft names; `taken`: positions a name
        already covers. "senior stakeholders" names people, not a level, and is left alone."""
        for i, w in enumerate(ws):
            w = singular(w)
            if w not in SENIORITY or w in self._title_words or i in taken:
                continue
            after = [singular(x) for x in ws[i + 1 : i + 3]]
            jobs = JOB_NOUNS | self.role_nouns | crafts
            if not after or after[0] in STOPWORDS or after[0] in LEVEL_WORDS or after[0] in jobs \
                    or (len(after) == 2 and after[1] in jobs):  # "a senior backend engineer"
                return [MissingLevel(i, i + 1, f'level called "{w.capitalize()}"', seniority=True)]
        return []

    def _names_a_thing(self, ws: list[str], end: int, names: set[str]) -> bool:
        """Whether an unknown code ending before `ws[end]` names the thing that word is ("W2 form", "A4 paper",
        "S3 bucket", "G2 review"): a code before a noun is a kind of that noun, and a level's code is followed by
        what the framework names (an area, a craft, a role noun, a title's word: "E4 impact", "E5 backend
        engineer") or by no content word at all ("what does an E5 do", "expected at E3")."""
        if end >= len(ws):
            return False
        w = singular(ws[end])
        return (w.isalpha() and w not in STOPWORDS and w not in names and w not in LEVEL_WORDS
                and w not in self.role_nouns and w not in self._title_words and w not in self.codes)

    def _code_for(self, word: str, names: set[str]) -> str | None:
        """The numbering code a word before a number stands for: '' for a level word, a code the framework
        uses ("ic", "manager" for "m", or "eng" cut short from "engineer"), None when the word is no level marker."""
        if word in LEVEL_WORDS:
            return ""
        if word in self.codes:
            return word
        if len(word) >= FEWEST_LETTERS and word not in STOPWORDS and word not in names:
            matches = [c for c in self.codes if word.startswith(c) or c.startswith(word)]
            if len(matches) == 1:
                return matches[0]
        if len(word) <= 2 and word.isalpha() and word not in STOPWORDS:
            return ""  # an unknown short code ("E 5"): the number is what it says
        return None


def _borrowed_numbers(ladders: Sequence[Sequence[set[str]]],
                      numbers_of: dict[str, set[tuple[str, int]]]) -> frozenset[str]:
    """The titles whose numbers are borrowed: in each craft they are in, their code numbers two or more titles
    from above 1 (M3…M6) beside a code that numbers its ladder from 1 (IC1…IC5), so its number says which of the
    counted levels the track stands beside, not how many levels up it is. A title the counted code also numbers
    is counted. A level word is a code here too ("Band 1"…"Band 4" count from 1 as IC1…IC5 do), and a title with
    no code is numbered by its noun (`numbers_of`, each title's pairs of `LevelNames.numbered`: "Manager III" by
    "manager"); not one with a code, whose noun's number counts sub-levels ("Engineering Manager 1 (M3)" is on
    the M track, not the first of "manager")."""
    borrowed: dict[str, bool] = {}
    for rungs in ladders:
        by_code: dict[str, dict[str, int]] = defaultdict(dict)
        for rung in rungs:
            for t in rung:
                for code, n in title_numbers(t) or numbers_of.get(t, ()):
                    by_code[code][t] = min(n, by_code[code].get(t, n))
        tracks = {code: numbers for code, numbers in by_code.items() if len(numbers) >= 2}
        counted = {t for numbers in tracks.values() if min(numbers.values()) == 1 for t in numbers}
        lent = {t for numbers in tracks.values() if min(numbers.values()) > 1 for t in numbers} - counted \
            if counted else set()
        for t in {t for rung in rungs for t in rung}:
            borrowed[t] = borrowed.get(t, True) and t in lent
    return frozenset(t for t, b in borrowed.items() if b)


def is_initialism(token: str) -> bool:
    return bool(re.fullmatch(r"[a-z]{2,4}", fold(token)))
