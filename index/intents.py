"""What kind of answer a question wants: the intents, and what a question's words say about them.

The intent itself is decided by the ordered decision table of index/query.py (`ROWS`), from the
question model, before anything is ranked; this module gives it its vocabulary (each one role of the
one word table, index/words.tsv) and the word-level tests its rows read:

- todo: it asks which areas are unwritten and names no single area;
- missing_level: it asks about a level number no title carries ("level 9" of six levels), or by a
  seniority word no title carries when the level is its whole topic;
- checklist: two levels and a move between them ("go from level 3 to level 4", "promoted to L4"), or
  one level and such a move (the other is the level before or after it, index/levelorder.py);
- compare: the question names two levels/roles/crafts that select disjoint sets of entries;
- compare_areas: two areas named with a word of comparison ("difference", "vs", "compare");
- levels: it asks which levels there are ("which levels are there?", "how many levels does mobile
  have?"): a plural level word or "how many", no level or area named, nothing else of substance;
- next / previous: one level named, a word of direction ("after", "next", "above"; "before",
  "below") and nothing else of substance ("what comes after Level 2?");
- level: it names one level and nothing else of substance ("what is expected at level 3?", "what is
  a principal?"). Some asking words are also topics ("work with engineers", "people skills"): once
  ranked, such a word makes the question a lookup when the named level's text singles out one area by
  it (`settle`, the one decision that needs the ranking);
- lookup: everything else.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from index import wordtable
from index.aliases import Detected, Mention, Structure
from index.search import Ranking
from index.tokens import STOPWORDS, TOPICAL, stem

IntentKind = Literal[
    "lookup", "todo", "compare", "level", "levels", "next", "previous", "missing_level", "checklist", "compare_areas"
]


def _stems(role: str) -> frozenset[str]:
    return frozenset(stem(w) for w in wordtable.role(role))


# The rules' vocabularies, each one role of the word table. Stemmed where a rule reads stemmed words. The asking
# words (how people ask for "everything at a level": no topic of their own, `tokens.asking`) and TOPICAL (those a
# framework's text also uses as a topic, "people skills") are index/tokens.py's, which a question's phrases read too.
_PERSON = _stems("person")  # right after a level's name: who is asked about ("a level 3 backend engineer")
LADDER = _stems("ladder")  # words of a question about the ladder itself
PROGRESS = _stems("progress")  # a move between levels: a promotion checklist
_MOVE_VERBS = _stems("move-verb")  # a move only when followed by where to ("get to level 4"; "get paid" is none)
_MOVE_TO = wordtable.role("move-to")
_TODO_STRONG = _stems("todo")  # "todo", "TBD", "placeholder(s)"
_TODO_WEAK = _stems("todo-weak")  # beside a framework noun: "which areas are missing?", "any gaps?"
_TODO_NOT = wordtable.role("written")
_NEGATORS = wordtable.role("negator")
_FRAMEWORK_NOUNS = _stems("framework-noun")
_LEVEL_PLURALS = wordtable.role("level-plural")
UP = wordtable.role("up")
DOWN = wordtable.role("down")
COMPARING = wordtable.role("compare")
MEANING = wordtable.role("meaning")
SELF = wordtable.role("self")  # "I'm an L3", "as a senior engineer": the asker's own level

# A topical word singles out an area when the top answer's area uses it and at most this share of
# the level's areas do (one of three, two of seven): "engineers" in Collaboration only, not in most cells.
DISTINCTIVE_SHARE = 1 / 3


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


# --- what the question's words say (read once, by index/query.py) ---------------------------------------


def asks_for_todo(words: Sequence[str], names_area: bool, named: Collection[int] = ()) -> bool:
    """Whether the words ask which areas are unwritten; `named`: positions a name covers ("level" of "level 3")."""
    if names_area:
        return False
    words = list(words)
    ws = set(words)
    stems = {stem(w) for w in words}
    if stems & _TODO_STRONG:
        return True
    if "to" in ws and "do" in ws:
        # "to do" written as two words counts only next to a framework noun ("areas still to do").
        # "need to do code reviews" is the verb with its object, not work left to do.
        left = [i for i in range(len(words) - 1) if words[i : i + 2] == ["to", "do"]
                and (i + 2 == len(words) or words[i + 2] in STOPWORDS or stem(words[i + 2]) in _FRAMEWORK_NOUNS)]
        if left and stems & _FRAMEWORK_NOUNS:
            return True
    negated = any(a in _NEGATORS and b in _TODO_NOT
                  for a, b in zip(words, words[1:], strict=False))
    negated = negated or any(a == "not" and c in _TODO_NOT for a, c in zip(words, words[2:], strict=False))
    if negated:
        return True
    # A weak word ("gaps", "missing") asks about the framework's parts only beside a noun for one: the "level" of
    # a level's name ("what gaps should a level 3 engineer spot?") names who is asked about, no part.
    nouns = {stem(w) for i, w in enumerate(words) if i not in named}
    return bool(stems & _TODO_WEAK and nouns & _FRAMEWORK_NOUNS)


def moves(words: Sequence[str]) -> bool:
    """A move between levels: "promoted", "progress", or a move verb followed by where to ("get to")."""
    if any(stem(w) in PROGRESS for w in words):
        return True
    return any(stem(a) in _MOVE_VERBS and b in _MOVE_TO for a, b in zip(words, words[1:], strict=False))


def moves_on_the_ladder(words: Sequence[str]) -> bool:
    """Words of a step or a move between levels ("after", "below", "promoted to", "go from … to")."""
    return bool((UP | DOWN) & set(words)) or moves(words)


def direction(words: Sequence[str]) -> int:
    """1 for a word of the level above only, -1 for the level below only, else 0."""
    found = set(words)
    up, down = bool(found & UP), bool(found & DOWN)
    return 1 if up and not down else -1 if down and not up else 0


def level_mention(m: Mention) -> bool:
    """A name of a level ("level 3", "Senior Engineer 1"); a page's role heading ("Backend Engineering -
    Level 3" read as "backend engineers") names a craft's people, not one level."""
    return not m.partial and any(f == "level" for f, _ in m.values)


def singles_out_an_area(
    detected: Detected, ranking: Ranking, structure: Structure, rows: np.ndarray,
    holding: Callable[[str], np.ndarray]
) -> bool:
    """Whether a topical asking word of the question picks one area out of the named level's entries.

    "how should a D2 work with engineers?" names a level and no area, but if only one area at D2 talks
    about engineers, and the ranking puts that area first, the question is about it. Lexical, within
    the level only: a word most of the level's cells use picks nothing out.
    """
    if not ranking.hits or not len(rows):
        return False
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
        held = set(holding(t).tolist())  # the rows of the entries whose text holds the word
        if top not in held:
            continue
        using = {structure.area_of[i] for i in rows if i in held}
        if len(using) <= DISTINCTIVE_SHARE * len(areas):
            return True
    return False
