"""The framework as the bot reads it, for the admin to check: each craft's levels in order and the forms
a question can name each level by (`careerfw check --shape`).

Every form shown is one the question reader really resolves to that level: candidates are made from the
titles (the title, its short names, its numbers written as people type them) and each is kept only if
`Structure.detect` names the level with it. So a level listed with no form is one no question can
reach by name, and the shape says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from index.aliases import Structure
from index.entry import Entry
from index.levelnames import SENIORITY, singular
from index.tokens import words

_ORDINAL = {1: "1st", 2: "2nd", 3: "3rd"}


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

    def render(self) -> str:
        lines: list[str] = []
        craft = None
        for level in self.levels:
            if level.craft != craft:
                craft = level.craft
                lines.append(f"{craft or '(no craft)'}")
            forms = ", ".join(f'"{f}"' for f in level.forms) or "no form names it"
            lines.append(f"  {level.title} ← {forms}   ({level.source})")
        lines.extend(f"warning: {w}" for w in self.warnings)
        return "\n".join(lines) + "\n"


def _candidates(title: str, structure: Structure) -> list[str]:
    names = structure.level_names
    out = [" ".join(words(title))]
    out += [a.text for a in names.aliases if title in a.values and not a.refines]
    for (code, n), titles in sorted(names.numbered.items()):
        if title not in titles:
            continue
        out += [f"level {n}", f"l{n}", f"{_ORDINAL.get(n, f'{n}th')} level"]
        if not code:
            continue
        if len(code) > 3:
            out += [f"{code} {n}", f"{code[0]}{n}"]
        else:
            out += [f"{code}{n}", f"{code} {n}"]
    out += [singular(w) for w in words(title) if w in SENIORITY]
    return list(dict.fromkeys(out))


def framework_shape(entries: list[Entry]) -> Shape:
    structure = Structure(entries)
    order = structure.order
    levels: list[LevelShape] = []
    for ladder in order.by_craft():
        for level in ladder:
            shape = LevelShape(level.craft, level.title, level.source)
            for form in _candidates(level.title, structure):
                named = {v for m in structure.detect(form).mentions for f, v in m.values if f == "level"}
                if level.title in named:
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
    return Shape(levels, warnings)
