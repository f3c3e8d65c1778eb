"""What kind of answer a question wants: one area (lookup), the TODO list, two levels side by side, or
everything expected at one level.

Intents are read from the question's structure (which levels, roles, crafts and areas it names,
see index/aliases.py) plus small vocabularies of how people ask for a list or a comparison, never
from patterns of particular questions:

- compare: the question names two levels/roles/crafts that select disjoint sets of entries;
- level: it names one level and nothing else of substance ("what is expected at level 3?");
- todo: it asks which areas are unwritten and names no single area.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from index.aliases import Mention, Structure
from index.search import Ranking
from index.tokens import stem

IntentKind = Literal["lookup", "todo", "compare", "level"]

# Words that mark an unwritten expectation by themselves.
_TODO_STRONG = {"todo", "tbd", "tba", "tbc", "unwritten", "unfilled", "placeholder", "placeholders", "undocumented"}
# Words that do so only in a question about the framework's areas ("which areas are missing?").
_TODO_WEAK = {"missing", "incomplete", "blank", "empty", "unfinished", "gap", "gaps", "undefined", "outstanding"}
_TODO_NOT = {"written", "filled", "defined", "finished", "complete", "completed", "documented", "done", "described"}
_NEGATORS = {"not", "nt", "yet", "still", "never", "havent", "hasnt", "isnt", "arent", "wasnt", "werent",
             "been", "be", "being"}
_FRAMEWORK_NOUNS = {"area", "areas", "framework", "section", "sections", "cell", "cells", "page", "pages",
                    "expectation", "expectations", "level", "levels", "part", "parts", "entry", "entries"}

# How people ask for "everything at a level": words that carry no topic of their own.
ASKING = {
    stem(w)
    for w in """expect expected expectation expectations require required requirement requirements responsibility
    responsibilities overview summary summarise summarize everything anything area areas criteria look like mean
    means involve involves entail entails cover covers described description descriptions role job do does doing
    be being need needed needs about someone person people engineer engineers employee member individual expected
    typical typically generally general key main whole full list all things thing what's whats level levels
    see read find give given get got am im work works working day daily skill skills competency competencies
    behaviour behaviours behavior behaviors standard standards""".split()
}


def substance_terms(stems: list[str]) -> list[str]:
    """What a question asks about beyond "what is expected": no asking words, no bare numbers."""
    return [t for t in stems if t not in ASKING and not t.isdigit()]


@dataclass
class Intent:
    kind: IntentKind
    sides: list[np.ndarray]  # compare: the two sets of entry positions, in the order the question names them
    side_names: list[str]


def _disjoint_sides(structure: Structure, mentions: list[Mention]) -> list[tuple[Mention, np.ndarray]]:
    sides: list[tuple[Mention, np.ndarray]] = []
    for m in mentions:
        if m.partial or not (m.kinds & {"who", "craft"}):
            continue
        rows = structure.rows(m, {"who", "craft"})
        if not len(rows):
            continue
        if all(not np.intersect1d(rows, other).size for _, other in sides):
            sides.append((m, rows))
    return sides


def asks_for_todo(words: list[str], names_area: bool) -> bool:
    if names_area:
        return False
    ws = set(words)
    if ws & _TODO_STRONG:
        return True
    if "to" in ws and "do" in ws:
        # "to do" written as two words counts only next to a framework noun ("areas still to do").
        pairs = {(a, b) for a, b in zip(words, words[1:], strict=False)}
        if ("to", "do") in pairs and ws & _FRAMEWORK_NOUNS:
            return True
    negated = any(a in _NEGATORS and b in _TODO_NOT
                  for a, b in zip(words, words[1:], strict=False))
    negated = negated or any(a == "not" and c in _TODO_NOT for a, c in zip(words, words[2:], strict=False))
    if negated:
        return True
    return bool(ws & _TODO_WEAK and ws & _FRAMEWORK_NOUNS)


def detect(ranking: Ranking, structure: Structure) -> Intent:
    detected = ranking.detected
    mentions = detected.mentions
    names_area = any(not m.partial for m in detected.of_kind("area"))
    if asks_for_todo(detected.words, names_area):
        return Intent("todo", [], [])
    sides = _disjoint_sides(structure, mentions)
    if len(sides) >= 2:
        (a, rows_a), (b, rows_b) = sides[0], sides[1]
        return Intent("compare", [rows_a, rows_b], [a.text, b.text])
    substance = substance_terms(ranking.residual)
    if not names_area and not substance and ranking.narrowed is not None:
        rows = np.flatnonzero(ranking.narrowed)
        if len(structure.levels(rows)) == 1 and any(m.kinds & {"who"} for m in mentions):
            return Intent("level", [rows], [])
    return Intent("lookup", [], [])
