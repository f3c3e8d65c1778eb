"""The names people use for levels, derived from the level titles of the loaded content.

Titles are written in full ("Senior Engineer 2 (Individual Contributor)", "Technology Director",
"Engineering Manager 1 (M2)", "Band 3"); people type "senior 2 IC", "tech director", "EM1", "stage 3".
Every rule here reads only the content's own titles, so it holds for any framework:

- **Role nouns.** A word most level titles share ("Engineer" in "Junior Engineer", "Senior Engineer
  1", "Principal Engineer"), or that the framework or craft names itself by ("Engineering"), names
  the job, not the level: "Junior", "Senior 1" and "Principal" stand for the titles without it.
- **Initials.** The initials of a title's words plus its number ("Engineering Manager 1" -> "EM1",
  "EM 1"), and of a parenthesised qualifier ("Individual Contributor" -> "IC", "People Manager" ->
  "PM"). A qualifier's last word ("manager", "contributor") only refines a name the question already
  gave ("senior 2 on the manager track"): alone, "my manager" is no level.
- **Numbering.** A title that is a code or a level word plus a number ("L3", "IC3", "M4", "Level 3",
  "Band 3", or a qualifier "(IC3)") makes the framework numbered. A question's "level 3", "lvl 3",
  "l3", "E3", "stage three" or "a 3" (after a word that introduces a level) then names every title
  numbered 3; a code the framework uses ("IC 3", "M4", "manager 4") names that code's title only.

Abbreviated words ("tech" for "technology", "eng" for "engineer", "sr" for "senior") are matched in
index/aliases.py, word by word against these names.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from index.tokens import STOPWORDS, fold, stem, words

# Words that introduce a level number in a question ("level 3", "stage 3", "grade 3").
LEVEL_WORDS = frozenset("level lvl lv l grade band tier step stage rank rung".split())
# Words after which a bare number is a level ("a 5", "from 4 to 5", "L3 vs 4").
_BARE_BEFORE = frozenset("a an at from to vs versus and or between than as being become becoming".split())
_CODE = re.compile(r"^([a-z]{1,3})(\d{1,2})$")
_PAREN = re.compile(r"\(([^()]*)\)")
# A role noun must be shared by at least this share of the level titles.
ROLE_NOUN_SHARE = 0.5


def singular(word: str) -> str:
    """'seniors' -> 'senior', 'l2s' -> 'l2', 'ics' -> 'ic': the plural of a name still names it."""
    m = re.fullmatch(r"([a-z]{1,3}\d{1,2})s", word)
    if m:
        return m.group(1)
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    if re.fullmatch(r"[a-z]{2}s", word) and word not in STOPWORDS:
        return word[:2]  # initials in the plural: "ICs", "PMs", "EMs"
    return word


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


@dataclass(frozen=True)
class MissingLevel:
    """A level number the question asks about that no title carries ("level 9" of six levels)."""

    start: int
    end: int
    label: str  # as the question means it: "Level 9", "IC7"


# Words that say a number is a level in any framework; the other level words ("stage", "tier", "step")
# say so only when the framework's own titles use them ("tier 1 support" is no level elsewhere).
_ALWAYS_LEVEL = frozenset("level lvl lv l".split())


def _base(title: str) -> str:
    return " ".join(_PAREN.sub(" ", title).split())


def _qualifiers(title: str) -> list[str]:
    return [q.strip() for q in _PAREN.findall(title) if q.strip()]


def _numbers(title: str) -> set[tuple[str, int]]:
    """(code, number) pairs a title is numbered by: ("ic", 3) for "IC3", ("", 3) for "Level 3" or "Band 3"."""
    out: set[tuple[str, int]] = set()
    pieces = [_base(title), *_qualifiers(title), *re.split(r"\s+[-–—:|]\s+", title)]
    for piece in pieces:
        ws = words(piece)
        # "Engineering - IC3" keeps its piece "IC3"; a piece of a code and a craft word is not a number.
        if len(ws) == 1 and _CODE.match(ws[0]):
            code, n = _CODE.match(ws[0]).groups()  # type: ignore[union-attr]
            out.add(("" if code in LEVEL_WORDS else code, int(n)))
        elif len(ws) == 2 and ws[1].isdigit() and (ws[0] in LEVEL_WORDS or re.fullmatch(r"[a-z]{1,3}", ws[0])):
            out.add(("" if ws[0] in LEVEL_WORDS else ws[0], int(ws[1])))
    return out


class LevelNames:
    """Aliases and number lookups for one framework's level titles."""

    def __init__(self, titles: list[str], naming: list[str], vocabulary: set[str]) -> None:
        """`titles`: every level title; `naming`: framework and craft names; `vocabulary`: the words
        of the framework's text (an initialism the text uses as a word is not matched in lower case)."""
        self.titles = sorted(set(titles))
        self._vocabulary = vocabulary
        bases = {t: [singular(w) for w in words(_base(t))] for t in self.titles}
        share = Counter(w for ws in bases.values() for w in set(ws) if not w.isdigit())
        named_by = {stem(singular(w))[:5] for n in naming for w in words(n) if len(w) > 3}
        enough = max(2, ROLE_NOUN_SHARE * len(self.titles))
        self.role_nouns = frozenset(
            w for w in share if w not in STOPWORDS and (share[w] >= enough or stem(w)[:5] in named_by)
        )
        self.aliases: list[NameAlias] = []
        table: dict[tuple[str, bool], set[str]] = defaultdict(set)
        for t, ws in bases.items():
            short = [w for w in ws if w not in self.role_nouns]
            while short and short[-1] in STOPWORDS:
                short.pop()
            while short and short[0] in STOPWORDS:
                short.pop(0)
            if short != ws and any(not w.isdigit() and w not in LEVEL_WORDS for w in short):
                table[(" ".join(short), False)].add(t)
            letters = [w for w in ws if not w.isdigit() and w not in STOPWORDS]
            digits = [w for w in ws if w.isdigit()]
            if len(letters) >= 2 and digits:
                initials = "".join(w[0] for w in letters)
                table[(f"{initials} {' '.join(digits)}", False)].add(t)
            for q in _qualifiers(t):
                qws = [w for w in words(q) if w not in STOPWORDS]
                if len(qws) >= 2:
                    table[("".join(w[0] for w in qws), False)].add(t)
                    table[(singular(qws[-1]), True)].add(t)
        for (text, refines), values in table.items():
            if text:
                self.aliases.append(NameAlias(text, frozenset(values), refines))
        self.numbered: dict[tuple[str, int], set[str]] = defaultdict(set)
        for t in self.titles:
            for code, n in _numbers(t):
                self.numbered[(code, n)].add(t)
        self.codes = frozenset(code for code, _ in self.numbered if code)

    def lower_case_initials_ok(self, token: str) -> bool:
        """'ic' or 'pm' typed in lower case still names the qualifier, unless the text uses it as a word."""
        return token not in self._vocabulary and token not in STOPWORDS

    def _titles_numbered(self, code: str, n: int) -> set[str]:
        if code and code in self.codes:
            return set(self.numbered.get((code, n), set()))
        return {t for (c, m), ts in self.numbered.items() if m == n for t in ts}

    def number_mentions(self, ws: list[str], names: set[str], ordinals: set[int] = frozenset()) -> list[NumberMention]:
        """Level numbers in a question's words; `names` are words that name something else (an area, a
        craft), which never stand for a code ("mobile 4" is not "M4"); `ordinals`, positions of numbers
        written as ordinals, which are no bare level number ("a first line manager" is not level 1)."""
        if not self.numbered:
            return []
        out: list[NumberMention] = []
        i = 0
        while i < len(ws):
            w = ws[i]
            m = _CODE.match(singular(w))
            found: tuple[int, int, set[str]] | None = None
            if m and (m.group(1) in LEVEL_WORDS or m.group(1) in self.codes or len(m.group(1)) <= 2):
                found = (i, i + 1, self._titles_numbered(m.group(1), int(m.group(2))))
            elif w.isdigit() and i > 0:
                before = ws[i - 1]
                code = self._code_for(before, names)
                if code is not None:
                    found = (i - 1, i + 1, self._titles_numbered(code, int(w)))
                elif before in _BARE_BEFORE and i not in ordinals:
                    found = (i, i + 1, self._titles_numbered("", int(w)))
            if found and found[2]:
                out.append(NumberMention(found[0], found[1], frozenset(found[2])))
                i = found[1]
                continue
            i += 1
        return out

    def missing_numbers(self, ws: list[str]) -> list[MissingLevel]:
        """Level numbers in a question's words that no title carries: "level 9", "L9", "IC 7" when the
        framework's titles stop at 6. Only a level word ("level", or one the titles use, like "band") or
        a code the titles use ("IC", "M") makes a number a level here: "tier 1 support", "top 3 areas",
        "E5" or a bare "a 9" are not read as levels the framework lacks."""
        title_words = {w for t in self.titles for w in words(t) if w in LEVEL_WORDS}
        level_words = _ALWAYS_LEVEL | title_words
        out: list[MissingLevel] = []
        for i, w in enumerate(ws):
            m = _CODE.match(singular(w))
            if m and (m.group(1) in level_words or m.group(1) in self.codes):
                code, n, start = m.group(1), int(m.group(2)), i
            elif w.isdigit() and len(w) <= 3 and i > 0 and (ws[i - 1] in level_words or ws[i - 1] in self.codes):
                code, n, start = ws[i - 1], int(w), i - 1
            else:
                continue
            code = "" if code in level_words else code
            if self._titles_numbered(code, n):
                continue
            label = f"{code.upper()}{n}" if code else f"Level {n}"
            out.append(MissingLevel(start, i + 1, label))
        return out

    def _code_for(self, word: str, names: set[str]) -> str | None:
        """The numbering code a word before a number stands for: '' for a level word, a code the framework
        uses ("ic", or "manager" for "m"), None when the word is no level marker."""
        if word in LEVEL_WORDS:
            return ""
        if word in self.codes:
            return word
        if len(word) >= 3 and word not in STOPWORDS and word not in names:
            matches = [c for c in self.codes if word.startswith(c)]
            if len(matches) == 1:
                return matches[0]
        if re.fullmatch(r"[a-z]{1,2}", word) and word not in STOPWORDS:
            return ""  # an unknown short code ("E 5"): the number is what it says
        return None


def is_initialism(token: str) -> bool:
    return bool(re.fullmatch(r"[a-z]{2,4}", fold(token)))
