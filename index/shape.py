"""The framework as the bot reads it, for the admin to check: each craft's levels in order and the forms
a question can name each level by (`careerfw check --shape`).

Every form shown is one the question reader really resolves to that level: candidates are made from the
titles (the title, its short names, its numbers written as people type them) and each is kept only if
`Structure.detect` names the level with it. So a level listed with no form is one no question can
reach by name, and the shape says so.

It also shows what the pages were read as: the axes a page defines (a heading over a list of short steps) and
how many entries of each kind (cell, bullet, prose, faq, comparison, definition, tier) the layouts gave.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import get_args

from roman_numerals import OutOfRangeError, RomanNumeral

from index.aliases import Structure, acronym, variants
from index.entry import Entry, EntryKind, Layout
from index.levelnames import CODE_LETTERS, SENIORITY, singular
from index.tokens import GENERIC, STOPWORDS, roman, stem, words

_ORDINAL = {1: "1st", 2: "2nd", 3: "3rd"}
# The entry kinds, in the order the shape lists them: how a level's text is laid out, then the entries that
# are no level's text (index/entry.py names both).
KINDS: tuple[str, ...] = (*get_args(Layout), *(k for k in get_args(EntryKind) if k != "level"))


def to_roman(n: int) -> str:
    """5 -> 'v'; '' for a number roman numerals cannot write (0)."""
    try:
        return RomanNumeral(n).to_lowercase()
    except OutOfRangeError:
        return ""


@dataclass
class LevelShape:
    craft: str
    title: str
    source: str
    forms: list[str] = field(default_factory=list)


@dataclass
class Shape:
    levels: list[LevelShape]
    warnings: list[str]
    kinds: dict[str, int] = field(default_factory=dict)  # entries of each kind
    axes: dict[str, list[str]] = field(default_factory=dict)  # axis -> its steps
    tiers: list[str] = field(default_factory=list)  # the proficiency tiers tier entries are labelled by, in order

    def render(self) -> str:
        lines: list[str] = []
        craft = None
        for level in self.levels:
            if level.craft != craft:
                craft = level.craft
                lines.append(f"{craft or '(no craft)'}")
            forms = ", ".join(f'"{f}"' for f in level.forms) or "no form names it"
            lines.append(f"  {level.title} ← {forms}   ({level.source})")
        for axis, steps in self.axes.items():
            lines.append(f"axis {axis}: {' → '.join(steps)}")
        if self.tiers:
            lines.append(f"tiers (a skill scale, never a level): {' → '.join(self.tiers)}")
        if self.kinds:
            lines.append("entries: " + ", ".join(f"{n} {kind}" for kind, n in self.kinds.items()))
        lines.extend(f"warning: {w}" for w in self.warnings)
        return "\n".join(lines) + "\n"


def _candidates(title: str, structure: Structure) -> list[str]:
    names = structure.level_names
    out = [" ".join(words(title))]
    # The names the title is written as ("Misc: Tech Lead" is also "Tech Lead"), and their initials as typed
    # in capitals ("TL"): what a question names the level by, read as index/aliases.py reads every name.
    for text, partial in variants(title, conjuncts=True):
        if not partial:
            out += [" ".join(words(text)), *filter(None, [acronym(text)])]
    out += [a.text for a in names.aliases if title in a.values and not a.refines]
    for (code, n), titles in sorted(names.numbered.items()):
        if title not in titles:
            continue
        out += [f"level {n}", f"l{n}", f"{_ORDINAL.get(n, f'{n}th')} level", f"level {to_roman(n)}"]
        if not code:
            continue
        if len(code) > CODE_LETTERS:
            out += [f"{code} {n}", f"{code[0]}{n}", f"{code} {to_roman(n)}"]
        else:
            out += [f"{code}{n}", f"{code} {n}"]
    # A sub-level numbered in roman ("Senior Engineer II") as people type it: "senior engineer 2".
    ws = words(title)
    if len(ws) > 1 and (n := roman(ws[-1])):
        out.append(" ".join([*ws[:-1], str(n)]))
    out += [singular(w) for w in ws if w in SENIORITY]
    return list(dict.fromkeys(out))


def framework_shape(entries: list[Entry], axes: dict[str, list[str]] | None = None) -> Shape:
    """The shape of the content: `axes` are the ones the pages define (`Content.axes`)."""
    structure = Structure(entries)
    order = structure.order
    levels: list[LevelShape] = []
    for ladder in order.by_craft():
        for level in ladder:
            shape = LevelShape(level.craft, level.title, level.source)
            for form in _candidates(level.title, structure):
                named = {v for m in structure.detect(form).mentions for f, v in m.values if f == "level"}
                # Initials (the one form in capitals) that other titles share ("SE": Senior and Staff Engineer)
                # name them all: a question saying them names no one level, so they are no form of this one.
                if level.title in named and not (form.isupper() and len(named) > 1):
                    shape.forms.append(form)
            levels.append(shape)
    warnings = [f"{lv.craft} › {lv.title} ({lv.source}): no form of a question names this level; "
                "give its title a number or a distinct word" for lv in levels if not lv.forms]
    single = [ladder[0].craft for ladder in order.by_craft() if len(ladder) == 1]
    if len(single) >= 2:
        warnings.append(
            f"the crafts {', '.join(single)} have one level each; if they are levels of one ladder, give "
            "their pages one parent (a misspelt parent makes a craft of its own)"
        )
    listed = {(lv.craft, lv.title) for lv in levels}
    for craft, title, source in dict.fromkeys(
            (e.craft, e.level, e.source) for e in entries if e.kind == "level" and e.level):
        # "All Levels" is rightly off the ladder; a title of stop words alone ("I", "Who") is there by mistake.
        if (craft, title) not in listed and not any(w in GENERIC for w in words(title)):
            listed.add((craft, title))
            warnings.append(f'{craft} › {title} ({source}): read as a page about every level, not a level of its '
                            "own, since its title has only common words; if it is a level, give it a distinct title")
    axes = axes or {}
    # A tier entry's section is its tier (index/parse.py); the order is the pages' and columns' own.
    tiers = list(dict.fromkeys(e.section for e in sorted(
        (e for e in entries if e.kind == "tier"), key=lambda e: e.nav_order or 0.0)))
    warnings += _unused_axes(entries, {a: s for a, s in axes.items() if len(set(s) & set(tiers)) < 2})
    kinds = Counter(e.entry_kind for e in entries)
    return Shape(levels, warnings, {k: kinds[k] for k in KINDS if kinds[k]}, dict(axes), tiers)


def _unused_axes(entries: list[Entry], axes: dict[str, list[str]]) -> list[str]:
    """Axes no level's text names a step of: the level pages do not use the scale the framework defines
    (its steps renamed, or spelt otherwise), so no bullet is filed under it."""
    texts = [{stem(w) for w in words(e.description)} for e in entries if e.kind == "level"]
    out: list[str] = []
    for axis, steps in axes.items():
        step_words = [{stem(w) for w in words(s) if w not in STOPWORDS} for s in steps]
        if not any(ws and ws <= text for ws in step_words for text in texts):
            out.append(f'the axis "{axis}" has steps ({", ".join(steps)}) that no level\'s text names; its bullets '
                       "are filed under their headings instead")
    return out
