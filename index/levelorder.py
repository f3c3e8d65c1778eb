"""Each craft's levels in order, read from the content, with what comes next and before.

The order of a craft's levels comes from the pages themselves, in this order of precedence:

1. front matter `nav_order` (the order just-the-docs shows the pages in), when every level of the
   craft has one;
2. the number in the title ("Level 3", "L3", "IC3", "Engineer 1 (IC2)"), when every level has one:
   this orders the levels of one page written as columns ("| Area | Level 1 | Level 2 |"), which share
   their page's `nav_order`;
3. where the level first appears in the content (page order, then column order) as the last resort.

A title made only of generic words ("All Levels") is a page about every level, not a rung of its own.

Levels with the same title but for a parenthesised qualifier ("Senior Engineer 2 (Individual
Contributor)", "Senior Engineer 2 (People Manager)") are one *rung*: parallel versions of the same step.
A *track* is what keeps parallel ladders apart inside one craft: a numbering code several titles use
("IC3" … "IC5" and "M3" … "M6"), or a qualifier that several titles share or that tells the versions
of one rung apart. A level without one ("Senior Engineer 1") belongs to every track. `next` is the
following rung's levels on the same track ("Senior Engineer 2 (Individual Contributor)" →
"Principal Engineer (Individual Contributor)", "Senior Engineer 1" → both Senior Engineer 2s), and
`previous` the rung before; IC5 is the last of its track even when M3 follows it on the page.

Nothing here knows any one framework: every rule reads only titles, `nav_order` and page order.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from index.entry import Entry, page_url
from index.levelnames import SENIORITY, base_title, title_numbers, title_qualifiers
from index.tokens import GENERIC, STOPWORDS, fold, roman, words


@dataclass(frozen=True)
class Level:
    """One level of one craft, where it stands in the craft's order and where its text is."""

    framework: str
    craft: str
    title: str
    position: int  # 0-based, in the craft's order
    rung: int  # 0-based; parallel versions of one step share it
    track: str | None  # None: on every track of the craft
    nav_order: float | None
    number: int | None
    source: str  # "path.md:line" of the level's first text
    permalink: str | None
    areas: tuple[str, ...]  # the level's areas, in page order

    def url(self, site_url: str | None = None) -> str | None:
        """The level's page (a craft page for a level written as a table column)."""
        return page_url(self.permalink, site_url)

    def to_json(self, site_url: str | None = None) -> dict[str, Any]:
        return {"level": self.title, "craft": self.craft, "framework": self.framework,
                "url": self.url(site_url), "source": self.source}


def is_every_level(title: str) -> bool:
    """'All Levels': a page written for every level of a craft, which is no step of its own."""
    ws = words(title)
    return bool(ws) and all(w in GENERIC or w in STOPWORDS for w in ws)


def _number(title: str) -> int | None:
    found = {n for _, n in title_numbers(title)}
    return found.pop() if len(found) == 1 else None


def _code(title: str) -> str | None:
    codes = {c for c, _ in title_numbers(title) if c}
    return codes.pop() if len(codes) == 1 else None


def _rung_key(title: str) -> str:
    return " ".join(words(base_title(title))) or fold(title)


def _tracks(titles: list[str]) -> dict[str, str | None]:
    """Each title's track: a code several titles use, else a qualifier several titles share or that tells
    two versions of one rung apart; None when it has neither (a step every track goes through)."""
    codes = Counter(c for t in titles if (c := _code(t)))
    quals = {t: [" ".join(words(q)) for q in title_qualifiers(t)] for t in titles}
    shared = Counter(q for qs in quals.values() for q in set(qs))
    by_rung: dict[str, set[str]] = defaultdict(set)
    for t in titles:
        by_rung[_rung_key(t)].add(t)
    out: dict[str, str | None] = {}
    for t in titles:
        code = _code(t)
        if code and len(codes) > 1 and codes[code] >= 2:
            out[t] = code
            continue
        rivals = len(by_rung[_rung_key(t)]) > 1
        out[t] = next((q for q in quals[t] if q and (shared[q] >= 2 or rivals) and q != code), None)
    return out


class LevelOrder:
    """Every craft's levels in order (see the module's docstring for the rule). Built once per index."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        first: dict[tuple[str, str, str], int] = {}
        info: dict[tuple[str, str, str], Entry] = {}
        areas: dict[tuple[str, str, str], list[str]] = defaultdict(list)
        crafts: list[tuple[str, str]] = []
        entries = list(entries)
        # A page written as one table with a column per level ("| Area | Level 1 | Level 2 |") files its
        # introduction under the page's own title: that title is the page's, not a level.
        titled_pages = {(e.path, e.level) for e in entries if e.kind == "level" and e.area != e.level}
        pages_of_levels = {e.path for e in entries if e.kind == "level" and e.area != e.level}
        for i, e in enumerate(entries):
            if e.kind != "level" or not e.level or is_every_level(e.level):
                continue
            if e.area == e.level and e.path in pages_of_levels and (e.path, e.level) not in titled_pages:
                continue
            key = (e.framework, e.craft, e.level)
            if key not in first:
                first[key] = i
                info[key] = e
                if (e.framework, e.craft) not in crafts:
                    crafts.append((e.framework, e.craft))
            if e.area != e.level and e.area not in areas[key]:
                areas[key].append(e.area)
        # A level is cited, ordered and linked by its own page where it has one: a craft page's table of levels by
        # row ("| Level | Experience |") may come first, but it is every level's page, and its nav_order the craft's.
        on_page: dict[str, set[str]] = defaultdict(set)
        for e in entries:
            if e.kind == "level" and e.level:
                on_page[e.path].add(e.level)
        for e in entries:
            key = (e.framework, e.craft, e.level)
            if key in info and len(on_page[info[key].path]) > 1 and on_page.get(e.path) == {e.level}:
                info[key] = e
        self.crafts = crafts
        self._levels: dict[tuple[str, str], list[Level]] = {}
        for framework, craft in crafts:
            keys = [k for k in first if k[:2] == (framework, craft)]
            navs = [info[k].nav_order for k in keys]
            nums = [_number(k[2]) for k in keys]
            all_nav = all(n is not None for n in navs)
            all_num = all(n is not None for n in nums)
            order = sorted(
                range(len(keys)),
                key=lambda j: (navs[j] if all_nav else 0.0, nums[j] if all_num else 0, first[keys[j]]),
            )
            titles = [keys[j][2] for j in order]
            tracks = _tracks(titles)
            rungs: dict[str, int] = {}
            levels: list[Level] = []
            for pos, j in enumerate(order):
                key, e = keys[j], info[keys[j]]
                rung = rungs.setdefault(_rung_key(key[2]), len(rungs))
                levels.append(Level(framework, craft, key[2], pos, rung, tracks[key[2]], navs[j], nums[j],
                                    e.source, e.permalink, tuple(areas[key])))
            self._levels[(framework, craft)] = levels

    def levels(self, craft: str | None = None, framework: str | None = None) -> list[Level]:
        """One craft's levels in order; every craft's, craft after craft, when `craft` is None."""
        return [
            level
            for (fw, cr), levels in self._levels.items()
            if (craft is None or cr == craft) and (framework is None or fw == framework)
            for level in levels
        ]

    def by_craft(self) -> list[list[Level]]:
        return [levels for levels in self._levels.values() if levels]

    def find(self, title: str, craft: str | None = None, framework: str | None = None) -> list[Level]:
        """The levels of that title (in each craft that has it, or in the one named)."""
        return [level for level in self.levels(craft, framework) if level.title == title]

    def next(self, title: str, craft: str, framework: str | None = None) -> list[Level]:
        """The level(s) one step above on the same track: the following rung's. Empty: the top of its track."""
        return self._step(title, craft, framework, +1)

    def previous(self, title: str, craft: str, framework: str | None = None) -> list[Level]:
        """The level(s) one step below on the same track. Empty: the first of its track."""
        return self._step(title, craft, framework, -1)

    def same_rung(self, title: str, craft: str | None, other: str, framework: str | None = None) -> str:
        """The level of the craft `other` that stands where `title` (of `craft`, or of any craft when None)
        stands on its own ladder: the same number and seniority word ("D3 Senior Developer" -> "M3 Senior
        Engineering Manager"), else the same number ("D4 Staff Developer" -> "M4 Director"), else the same
        seniority word ("Staff Engineer" -> "Staff Technical Writer"), else the same rung of a ladder as long.
        "" when none is one level."""
        here = self.find(title, craft, framework)
        if not here:
            return ""
        ladder = self.levels(other, framework)
        source = here[0]
        numbers, seniority = rank(source.title)
        tests = [lambda t: rank(t) == (numbers, seniority) and bool(numbers | seniority),
                 lambda t: rank(t)[0] == numbers and bool(numbers),
                 lambda t: rank(t)[1] == seniority and bool(seniority)]
        for test in tests:
            found = [lv.title for lv in ladder if test(lv.title)]
            if found:
                return found[0] if len(found) == 1 else ""
        own = self.levels(source.craft, source.framework)
        rungs = sorted({lv.rung for lv in ladder})
        if len(rungs) == len({lv.rung for lv in own}):
            same = [lv.title for lv in ladder if lv.rung == rungs[sorted({lv.rung for lv in own}).index(source.rung)]]
            return same[0] if len(same) == 1 else ""
        return ""

    def _step(self, title: str, craft: str, framework: str | None, direction: int) -> list[Level]:
        here = self.find(title, craft, framework)
        if not here:
            return []
        level = here[0]
        ladder = self.levels(level.craft, level.framework)
        rungs = sorted({lv.rung for lv in ladder}, reverse=direction < 0)
        for rung in rungs:
            if (rung - level.rung) * direction <= 0:
                continue
            on_track = [lv for lv in ladder if lv.rung == rung and _compatible(level.track, lv.track)]
            if on_track:
                return on_track
        return []


def rank(title: str) -> tuple[frozenset[int], frozenset[str]]:
    """Where a title says it stands on its ladder: its numbers ("D3", "Engineer II") and seniority words."""
    ws = words(base_title(title))
    numbers = {n for _, n in title_numbers(title)}
    if not numbers and len(ws) >= 2:
        # A title that ends in its number under a noun of its own ("Milestone 3", "Technical Writer II").
        last = int(ws[-1]) if ws[-1].isdigit() else roman(ws[-1])
        numbers = {last} if last else set()
    return frozenset(numbers), frozenset(w for w in ws if w in SENIORITY)


def _compatible(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a == b


def numbered_like(title: str) -> bool:
    """Whether a title carries a level number ("Level 3", "L3", "IC3", "(M4)")."""
    return _number(title) is not None

