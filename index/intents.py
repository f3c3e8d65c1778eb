"""What kind of answer a question wants: one area (lookup), the TODO list, two levels side by side, or
everything expected at one level.

Intents are read from the question's structure (which levels, roles, crafts and areas it names,
see index/aliases.py) plus small vocabularies of how people ask for a list or a comparison, never
from patterns of particular questions:

- compare: the question names two levels/roles/crafts that select disjoint sets of entries;
- level: it names one level and nothing else of substance ("what is expected at level 3?"). Some
  asking words are also topics ("work with engineers", "people skills"): such a word is substance when
  the named level's text singles out one area by it (see `singles_out_an_area`);
- todo: it asks which areas are unwritten and names no single area;
- missing_level: it asks about a level number no title carries ("level 9" of six levels);
- checklist: two levels and a move between them ("go from level 3 to level 4", "promoted to L4"), or
  one level and such a move (the other is the level before or after it, index/levelorder.py);
- levels: it asks which levels there are ("which levels are there?", "how many levels does mobile
  have?"): a plural level word or "how many", no level or area named, nothing else of substance;
- next / previous: one level named, a word of direction ("after", "next", "above"; "before",
  "below") and nothing else of substance ("what comes after Level 2?");
- compare_areas: two areas named with a word of comparison ("difference", "vs", "compare").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from index.aliases import Detected, Mention, Structure
from index.levelnames import JOB_NOUNS, SENIORITY
from index.search import Ranking
from index.tokens import STOPWORDS, stem

IntentKind = Literal[
    "lookup", "todo", "compare", "level", "levels", "next", "previous", "missing_level", "checklist", "compare_areas"
]

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


# Asking words that a framework's text also uses as a topic ("partners with engineers", "works with
# product", "people skills", "coding standards"). Words about the framework itself ("expected",
# "overview", "responsibilities") are left out: a cell that happens to say "expected" is no topic.
TOPICAL = {
    stem(w)
    for w in """work works working engineer engineers people person someone employee employees member members
    individual individuals skill skills competency competencies behaviour behaviours behavior behaviors standard
    standards""".split()
}
# Right after a level's name these say who is asked about, not what ("a level 3 backend engineer").
_PERSON = {stem(w) for w in "engineer engineers person people employee employees member members individual individuals"
           .split()}
# A topical word singles out an area when the top answer's area uses it and at most this share of
# the level's areas do (one of three, two of seven): "engineers" in Collaboration only, not in most cells.
DISTINCTIVE_SHARE = 1 / 3
# How far (in ranking score units) that area must lead the best other area. Between the 0.04 of an
# overview question whose "work" one Mastery cell happens to use ("what should a level 3 backend
# engineer work on?") and the 0.10-0.33 of questions about one area ("how should a D2 work with engineers?").
AREA_MARGIN = 0.08


# Plural level words: asking for the list of levels ("which levels are there?").
_LEVEL_PLURALS = frozenset("levels grades bands tiers stages ranks rungs".split())
# Words of a question about the ladder itself that carry no topic of their own.
LADDER = {
    stem(w)
    for w in """there exist exists available different order ordered sequence progression ladder career framework
    frameworks many name names called list structure hierarchy each company craft crafts track tracks come comes
    coming step steps rung rungs next after before above below higher lower previous prior preceding beyond up
    following succeed succeeds level levels grade grades band bands tier tiers stage stages rank ranks""".split()
}
_NEXT = frozenset("after next above higher beyond following succeeds".split())
_PREVIOUS = frozenset("before below previous lower prior preceding beneath".split())
# A move between levels: a promotion checklist rather than two levels side by side.
PROGRESS = frozenset(
    stem(w) for w in """promote promoted promotion promotions progress progressing advance advancing reach reaching
    become becoming""".split()
)
# Verbs of a move only when followed by where to ("get to level 4", "move up from L3"); "get paid" is none.
_MOVE_VERBS = frozenset(stem(w) for w in "get getting go going move moving step stepping jump jumping".split())
_MOVE_TO = frozenset("to from up into".split())
# Words that ask for two things side by side.
COMPARING = frozenset("""difference differences differ differs compare compared comparing comparison versus vs
    contrast distinguish distinction between""".split())

# Words that ask what a name means rather than what is expected of someone.
MEANING = frozenset("mean means meaning meant define defines defined definition definitions count counts".split())


def asks_for_meaning(detected: Detected) -> bool:
    """"what does scope mean?", "what counts as business impact?", "what is an individual contributor?":
    about a name itself, and no level in it (a level's cell says what it means *at that level*)."""
    if any("who" in m.kinds for m in detected.mentions):
        return False
    ws = detected.words
    if MEANING & set(ws):
        return True
    # "what is X?" with nothing but the name after it.
    if ws[:2] in (["what", "is"], ["what", "are"]) or ws[:1] == ["whats"]:
        return not substance_terms(_unnamed(detected))
    return False


def substance_terms(stems: list[str]) -> list[str]:
    """What a question asks about beyond "what is expected": no asking words, no bare numbers."""
    return [t for t in stems if t not in ASKING and not t.isdigit()]


def _unnamed(detected: Detected) -> list[str]:
    """Stems of the question's content words that no name covers."""
    covered = detected.covered()
    return [stem(w) for i, w in enumerate(detected.words) if i not in covered and w not in STOPWORDS]


@dataclass
class Intent:
    kind: IntentKind
    sides: list[np.ndarray]  # compare: the two sets of entry positions, in the order the question names them
    side_names: list[str]
    # lookup of a question that names one level and whose topical word picked an area: the level's
    # entries, for the overview when that lookup is not confident after all
    level_rows: np.ndarray | None = None
    side_spans: list[tuple[int, int]] = field(default_factory=list)  # compare: where each side is named
    # checklist with one level named: whether it is where the asker is ("from level 3") or wants to be
    current_named: bool = False
    areas: list[str] = field(default_factory=list)  # compare_areas: the two areas, as the question orders them


def _disjoint_sides(structure: Structure, detected: Detected) -> list[tuple[str, np.ndarray, tuple[int, int]]]:
    sides: list[tuple[str, np.ndarray, tuple[int, int]]] = []
    for text, rows, span in structure.name_groups(detected):
        if all(not np.intersect1d(rows, other).size for _, other, _ in sides):
            sides.append((text, rows, span))
    return sides


def asks_for_todo(words: list[str], names_area: bool) -> bool:
    if names_area:
        return False
    ws = set(words)
    if ws & _TODO_STRONG:
        return True
    if "to" in ws and "do" in ws:
        # "to do" written as two words counts only next to a framework noun ("areas still to do").
        # "need to do code reviews" is the verb with its object, not work left to do.
        left = [i for i in range(len(words) - 1) if words[i : i + 2] == ["to", "do"]
                and (i + 2 == len(words) or words[i + 2] in STOPWORDS or words[i + 2] in _FRAMEWORK_NOUNS)]
        if left and ws & _FRAMEWORK_NOUNS:
            return True
    negated = any(a in _NEGATORS and b in _TODO_NOT
                  for a, b in zip(words, words[1:], strict=False))
    negated = negated or any(a == "not" and c in _TODO_NOT for a, c in zip(words, words[2:], strict=False))
    if negated:
        return True
    return bool(ws & _TODO_WEAK and ws & _FRAMEWORK_NOUNS)


def singles_out_an_area(
    ranking: Ranking, structure: Structure, rows: np.ndarray, term_sets: Sequence[frozenset[str]]
) -> bool:
    """Whether a topical asking word of the question picks one area out of the named level's entries.

    "how should a D2 work with engineers?" names a level and no area, but if only one area at D2 talks
    about engineers, and the ranking puts that area first, the question is about it. Lexical, within
    the level only: a word most of the level's cells use picks nothing out.
    """
    if not ranking.hits or not len(rows):
        return False
    detected = ranking.detected
    names = {i for m in detected.mentions if m.kinds & {"who", "craft"} for i in range(m.start, m.end)}
    topical: set[str] = set()
    for i, w in enumerate(detected.words):
        t = stem(w)
        if i in names or w in STOPWORDS or t not in TOPICAL:
            continue
        if t in _PERSON and i - 1 in names:
            continue
        topical.add(t)
    if not topical:
        return False
    top = ranking.hits[0].entry
    areas = {structure.area_of[i] for i in rows}
    for t in topical:
        if t not in term_sets[top]:
            continue
        using = {structure.area_of[i] for i in rows if t in term_sets[i]}
        if len(using) <= DISTINCTIVE_SHARE * len(areas):
            break
    else:
        return False
    # ...and the ranking agrees: that area stands clear of every other area at the level.
    others = [h.score for h in ranking.hits if structure.area_of[h.entry] != structure.area_of[top]]
    return not others or ranking.hits[0].score - others[0] >= AREA_MARGIN


def _about_the_ladder(detected: Detected) -> list[str]:
    """What a question says beyond names, asking words and words about the ladder itself (order,
    direction, moves): empty for "which levels are there?" or "what comes after Level 2?"."""
    return [t for t in substance_terms(_unnamed(detected)) if t not in LADDER and t not in PROGRESS
            and t not in _MOVE_VERBS]


def _level_mention(m: Mention) -> bool:
    """A name of a level ("level 3", "Senior Engineer 1"); a page's role heading ("Backend Engineering -
    Level 3" read as "backend engineers") names a craft's people, not one level."""
    return not m.partial and any(f == "level" for f, _ in m.values)


def _names_a_level(detected: Detected, span: tuple[int, int]) -> bool:
    """Whether a name group names a level (not only a craft)."""
    return any(_level_mention(m) and span[0] <= m.start < span[1] for m in detected.mentions)


def _moves(words: list[str]) -> bool:
    if any(stem(w) in PROGRESS for w in words):
        return True
    return any(stem(a) in _MOVE_VERBS and b in _MOVE_TO for a, b in zip(words, words[1:], strict=False))


def moves_on_the_ladder(words: list[str]) -> bool:
    """Words of a step or a move between levels ("after", "below", "promoted to", "go from … to")."""
    return bool((_NEXT | _PREVIOUS) & set(words)) or _moves(words)


def _from_before(words: list[str], span: tuple[int, int]) -> bool:
    """'from level 3', "I'm a level 3": the level named is where the asker is, not where they go."""
    before = words[max(0, span[0] - 3) : span[0]]
    return "from" in before or "im" in before or "am" in before


def _two_areas(detected: Detected) -> list[str]:
    areas: list[str] = []
    for m in detected.of_kind("area"):
        if m.partial:
            continue
        names = sorted(v for f, v in m.values if f == "area")
        if len(names) == 1 and names[0] not in areas:
            areas.append(names[0])
    return areas


def _has_topic(detected: Detected) -> bool:
    """Whether the question asks about something besides who: "how good does my SQL need to be as a
    junior" asks about SQL, which the ranker can answer whatever the level is called; "what does a
    senior do" asks about the level alone."""
    return any(t not in SENIORITY and t not in JOB_NOUNS for t in substance_terms(_unnamed(detected)))


def asks_for_levels(detected: Detected) -> bool:
    """'which levels are there?', 'how many levels does mobile have?': the list of levels, not a level."""
    ws = set(detected.words)
    listing = bool(_LEVEL_PLURALS & ws) or {"how", "many", "level"} <= ws
    return (listing and not any(_level_mention(m) for m in detected.mentions)
            and not any(not m.partial for m in detected.of_kind("area")) and not _about_the_ladder(detected))


def detect(ranking: Ranking, structure: Structure, term_sets: Sequence[frozenset[str]] | None = None,
           carried_level: bool = False) -> Intent:
    """The intent of a ranked question; `term_sets` (each entry's indexed words) lets a topical asking
    word make a level question a lookup (without them every such word is only asking). `carried_level`:
    the level named is the previous answer's, already moved by any "next"/"above" in the question
    (index/followup.py), so those words ask for no further step."""
    detected = ranking.detected
    mentions = detected.mentions
    ws = detected.words
    names_area = any(not m.partial for m in detected.of_kind("area"))
    if asks_for_todo(detected.words, names_area):
        return Intent("todo", [], [])
    if detected.missing and not (detected.missing[0].seniority and _has_topic(detected)):
        return Intent("missing_level", [], [])
    sides = _disjoint_sides(structure, detected)
    if len(sides) >= 2:
        (a, rows_a, span_a), (b, rows_b, span_b) = sides[0], sides[1]
        levels = _names_a_level(detected, span_a) and _names_a_level(detected, span_b)
        between = ws[span_a[1] : span_b[0]]
        moving = _moves(ws) or ("from" in ws[: span_a[0]] and bool({"to", "into"} & set(between)))
        kind: IntentKind = "checklist" if levels and moving and not names_area else "compare"
        return Intent(kind, [rows_a, rows_b], [a, b], side_spans=[span_a, span_b])
    areas = _two_areas(detected)
    if len(areas) == 2 and COMPARING & set(ws):
        return Intent("compare_areas", [], [], areas=areas)
    if asks_for_levels(detected):
        return Intent("levels", [], [])
    if not names_area and not _about_the_ladder(detected):
        if len(sides) == 1 and _names_a_level(detected, sides[0][2]):
            text, rows, span = sides[0]
            if _NEXT & set(ws) and not _PREVIOUS & set(ws) and not _moves(ws) and not carried_level:
                return Intent("next", [rows], [text], side_spans=[span])
            if _PREVIOUS & set(ws) and not _NEXT & set(ws) and not _moves(ws) and not carried_level:
                return Intent("previous", [rows], [text], side_spans=[span])
            if _moves(ws):
                # A carried level is written after the question's own words: "from there" is where it stands.
                current = _from_before(ws, span) or (carried_level and bool({"from", "im", "am"} & set(ws)))
                return Intent("checklist", [rows], [text], side_spans=[span], current_named=current)
    substance = substance_terms(ranking.residual)
    if carried_level:
        # "what's next after that?" after a level's overview: the step is taken, the words ask for nothing more.
        substance = [t for t in substance if t not in LADDER]
    if not names_area and not substance and ranking.narrowed is not None:
        rows = np.flatnonzero(ranking.narrowed)
        if len(structure.levels(rows)) == 1 and any(m.kinds & {"who"} for m in mentions):
            if term_sets is None or not singles_out_an_area(ranking, structure, rows, term_sets):
                return Intent("level", [rows], [])
            return Intent("lookup", [], [], level_rows=rows)
    return Intent("lookup", [], [])
