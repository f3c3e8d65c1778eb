"""The question model: a question read once into a `Query`, before anything is ranked.

`parse` takes the question's words and the names `Structure.detect` found in them (levels, roles,
crafts, areas, and level numbers or seniority words no title carries) and derives, in one place,
everything the rest of the core asks of a question:

- which names it uses: the levels, crafts and areas, and the asker's own level ("I'm an L3", "as a
  senior engineer");
- its own words: `unnamed`, the content words no name covers and no asking word is ("what does a
  level 3 do about *incidents*?"), and `topic`, the same with area names counted as topic (an area is
  what a question is about) and the word "how" asks the degree of left out ("how *good* at…");
- what its words ask for: the TODO list, a name's meaning, the list of levels, a step up or down, a
  move between levels, a comparison;
- its intent, from the ordered decision table `ROWS` below, and the row that decided it.

Every word a rule reads by its role comes from the one word table (index/words.tsv). A follow-up
(index/followup.py) adds the names it carries from the previous answer and is read again from those
names (`carrying`): the words are not parsed twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from rapidfuzz.distance import OSA

from index import wordtable
from index.aliases import Detected, Mention, Structure
from index.intents import (
    COMPARING,
    LADDER,
    MEANING,
    PROGRESS,
    SELF,
    Intent,
    IntentKind,
    asks_for_todo,
    direction,
    level_mention,
    moves,
    singles_out_an_area,
)
from index.levelnames import JOB_NOUNS, LEVEL_WORDS, SENIORITY, MissingLevel, counts_levels
from index.search import Ranking
from index.spelling import FEWEST_LETTERS
from index.tokens import GENERIC, MEMO, STOPWORDS, degree_words, of_substance, stem

_LEVEL_PLURALS = wordtable.role("level-plural")
_ELLIPSIS = wordtable.role("ellipsis")
_MOVE_VERBS = frozenset(stem(w) for w in wordtable.role("move-verb"))
# Words a follow-up never takes as a topic of its own: they ask for a comparison, stand for what was asked
# before ("the IC equivalent"), or move along the ladder ("and the level above?").
_NOT_LOOSE = COMPARING | _ELLIPSIS | wordtable.role("up") | wordtable.role("down") | LEVEL_WORDS | GENERIC


@dataclass(frozen=True, eq=False)
class Query:
    """One question as the core understands it. `detected` holds the names with their word spans;
    the tuples are positions in `words`."""

    text: str  # as searched: misspelt names written out, a follow-up's carried names added
    detected: Detected
    sides: tuple[tuple[str, np.ndarray, tuple[int, int]], ...]  # names of levels/roles/crafts that select
    # disjoint entries, in the order asked: (text, entries, word span)
    narrowed: np.ndarray | None  # the entries every level/role/craft name allows (None: no such name)
    levels_selected: frozenset[str]  # the levels among those entries
    unnamed: tuple[str, ...]  # stems of content words no name covers, asking words and numbers left out
    topic: tuple[str, ...]  # the same with area names as topic and the degree "how" asks left out
    loose: tuple[int, ...]  # positions a follow-up reads as a topic of its own (index/followup.py)
    own_level: tuple[int, int] | None  # where the asker's own level is named ("I'm an L3")
    todo: bool  # asks which areas are unwritten
    meaning: bool  # asks what a name means ("what does scope mean?")
    what_is: bool  # "what is X?" with nothing but the name after it
    listing: bool  # asks which levels there are
    direction: int  # 1: the level above, -1: the level below, 0: neither
    moves: bool  # a move between levels ("promoted to", "get from … to")
    comparing: bool  # a word of comparison
    has_topic: bool  # asks about something besides who (a seniority word and job nouns aside)
    beyond_ladder: bool  # says something besides names and words about the ladder itself
    carried_level: bool = False  # the level is the previous answer's, already moved by "next" (followup)
    plan: Intent = field(default_factory=lambda: Intent("lookup", [], []))
    fired: tuple[str, ...] = ()  # the decision table's rows that decided `plan`

    @property
    def words(self) -> list[str]:
        return self.detected.words

    @property
    def intent(self) -> str:
        return self.plan.kind

    @property
    def missing(self) -> list[MissingLevel]:
        return self.detected.missing

    @property
    def levels(self) -> list[Mention]:
        return [m for m in self.detected.mentions if level_mention(m)]

    @property
    def crafts(self) -> list[Mention]:
        return [m for m in self.detected.mentions if not m.partial and any(f == "craft" for f, _ in m.values)]

    @property
    def areas(self) -> list[Mention]:
        return self.detected.of_kind("area")

    @property
    def names_area(self) -> bool:
        return any(not m.partial for m in self.areas)

    @property
    def areas_named(self) -> tuple[str, ...]:
        """Areas named in full, each by one name, in the order asked."""
        out: list[str] = []
        for m in self.areas:
            names = sorted(v for f, v in m.values if f == "area")
            if not m.partial and len(names) == 1 and names[0] not in out:
                out.append(names[0])
        return tuple(out)

    def carrying(self, text: str, detected: Detected, carried_level: bool) -> Query:
        """The same question with a follow-up's carried names added (index/followup.py), intent decided
        again on them; the question's own words were read once and stay as they were."""
        if detected is self.detected and carried_level == self.carried_level:
            return self
        return parse(text, detected, self._structure, carried_level)

    _structure: Structure | None = None

    def to_json(self) -> dict[str, object]:
        """What `careerfw ask --explain --json` shows."""
        return {
            "words": list(self.words),
            "levels": [_mention_json(m) for m in self.levels],
            "crafts": [_mention_json(m) for m in self.crafts],
            "areas": [_mention_json(m) for m in self.areas],
            "missing": [m.label for m in self.missing],
            "own_level": " ".join(self.words[self.own_level[0]:self.own_level[1]]) if self.own_level else None,
            "unnamed": list(self.unnamed),
            "topic": list(self.topic),
            "asks": [k for k in ("todo", "meaning", "what_is", "listing", "moves", "comparing") if getattr(self, k)]
            + (["up"] if self.direction > 0 else ["down"] if self.direction < 0 else []),
            "intent": self.intent,
            "fired": list(self.fired),
        }


def _mention_json(m: Mention) -> dict[str, object]:
    return {"typed": m.text, "names": sorted({v for _, v in m.values}), "kind": "/".join(sorted(m.kinds)),
            "form": m.alias or m.text, "partial": m.partial, "score": round(m.score, 1)}


def parse(text: str, detected: Detected, structure: Structure, carried_level: bool = False) -> Query:
    """The question model of `text`, whose names `structure.detect` found (`detected`)."""
    ws = detected.words
    mentions = detected.mentions
    covered = detected.covered()
    whos = {i for m in mentions if m.kinds & {"who", "craft"} for i in range(m.start, m.end)}
    degree = degree_words(ws)
    unnamed = unnamed_words(detected)
    topic = tuple(t for i, w in enumerate(ws) if i not in whos and i not in degree and w not in STOPWORDS
                  and of_substance(t := stem(w)))
    names_area = any(not m.partial for m in detected.of_kind("area"))
    names_level = any(level_mention(m) for m in mentions)
    beyond_ladder = any(t not in LADDER and t not in PROGRESS and t not in _MOVE_VERBS for t in unnamed)
    word_set = set(ws)
    # "two levels higher" counts rungs to move, not the levels to list ("what are the 5 levels?" still lists).
    counted_move = bool(direction(ws)) and any(counts_levels(ws, i) for i in range(len(ws)))
    listing = (bool(_LEVEL_PLURALS & word_set) or {"how", "many", "level"} <= word_set) and not names_level \
        and not names_area and not beyond_ladder and not counted_move
    opening = 2 if ws[:2] in (["what", "is"], ["what", "are"]) else 1 if ws[:1] == ["whats"] else 0
    # "what is a principal?": nothing after "what is" but glue and names (not "what is expected at L2?").
    what_is = bool(opening) and all(w in STOPWORDS or i in covered for i, w in enumerate(ws) if i >= opening)
    about_someone = any("who" in m.kinds for m in mentions)
    # "What is after that?" asks for a step along the ladder, not what a name means: its words are all glue.
    meaning = not about_someone and (bool(MEANING & word_set) or (bool(opening) and not unnamed and not direction(ws)))
    comparing = bool(COMPARING & word_set)
    sides = _disjoint_sides(structure, detected, comparing)
    narrowed = structure.mask(mentions, {"who", "craft"})
    if narrowed is not None and not narrowed.any():
        narrowed = None  # names that select nothing together: the ranking ranks everything (index/search.py)
    selected = frozenset(structure.levels(np.flatnonzero(narrowed))) if narrowed is not None else frozenset()
    query = Query(
        text=text,
        detected=detected,
        sides=tuple(sides),
        narrowed=narrowed,
        levels_selected=selected,
        unnamed=unnamed,
        topic=topic,
        loose=tuple(_loose(ws, covered, structure.vocabulary)),
        own_level=_own_level(ws, mentions, detected.missing),
        todo=asks_for_todo(ws, names_area, covered),
        meaning=meaning,
        what_is=what_is,
        listing=listing,
        direction=direction(ws),
        moves=moves(ws),
        comparing=comparing,
        has_topic=any(t not in SENIORITY and t not in JOB_NOUNS for t in unnamed),
        beyond_ladder=beyond_ladder,
        carried_level=carried_level,
        _structure=structure,
    )
    # The plan is decided from the question model and written into it while no one else holds it: `replace` would
    # build all its twenty-odd fields again, a third of what parsing a question costs (issue 23). The decision
    # reads the model as made above, with the default plan, either way.
    plan, fired = decide(query)
    object.__setattr__(query, "plan", plan)
    object.__setattr__(query, "fired", fired)
    return query


def unnamed_words(detected: Detected) -> tuple[str, ...]:
    """Stems of the question's content words that no name covers, asking words and numbers left out:
    what it asks about beyond its names ("what does a level 3 do about *incidents*?")."""
    covered = detected.covered()
    return tuple(t for i, w in enumerate(detected.words) if i not in covered and w not in STOPWORDS
                 and of_substance(t := stem(w)))


def _disjoint_sides(structure: Structure, detected: Detected,
                    comparing: bool) -> list[tuple[str, np.ndarray, tuple[int, int]]]:
    sides: list[tuple[str, np.ndarray, tuple[int, int]]] = []
    for text, rows, span in structure.name_groups(detected):
        shared = [np.intersect1d(rows, other) for _, other, _ in sides]
        if comparing and any(s.size for s in shared) and all(structure.prose[s].all() for s in shared):
            # Two names compared, which prose names together ("every change needs a reviewer and an approver"):
            # that prose is about each of them and is neither's own text, so it does not make them one name, and
            # it is neither side's. Uncompared ("do I need to be a member to be a lead?"), such prose is the topic.
            both = np.unique(np.concatenate(shared))
            apart = [(t, np.setdiff1d(r, both), s) for t, r, s in sides]
            mine = np.setdiff1d(rows, both)
            if mine.size and all(r.size for _, r, _ in apart):
                sides, rows, shared = apart, mine, []
        if all(not s.size for s in shared):
            sides.append((text, rows, span))
    return sides


# How far before a named level the words that say whose it is ("I'm a", "from") are looked for.
_BEFORE = 3


def _own_level(ws: list[str], mentions: list[Mention], missing: list[MissingLevel]) -> tuple[int, int] | None:
    """The asker's own level: a level named right after "I'm", "I am" or "as" (with "a"/"an" between)."""
    spans = [(m.start, m.end) for m in mentions if level_mention(m)] + [(m.start, m.end) for m in missing]
    for start, end in sorted(spans):
        before = [w for w in ws[max(0, start - _BEFORE) : start] if w not in ("a", "an", "i")]
        if before and before[-1] in SELF:
            return start, end
    return None


def _loose(ws: list[str], covered: set[int], vocabulary: set[str]) -> list[int]:
    """Positions of the question's words that no name accounts for, that are not glue, and that a
    follow-up cannot take as standing for what was asked before."""
    return [i for i, w in enumerate(ws)
            if i not in covered and not _glue(w, vocabulary) and w not in _NOT_LOOSE and not w.isdigit()]


def _glue(word: str, vocabulary: set[str]) -> bool:
    """A function word, or a slip of one the framework's text never uses ("wht about backend?"): one letter off
    a function word, neither of them shorter than FEWEST_LETTERS."""
    if word in STOPWORDS:
        return True
    if len(word) < FEWEST_LETTERS or word in vocabulary:
        return False
    return _slip_of_a_function_word(word)


# Function words of FEWEST_LETTERS letters or more by first letter: a slip keeps the first letter.
_GLUE_BY_LETTER = {
    letter: tuple(g for g in sorted(STOPWORDS) if len(g) >= FEWEST_LETTERS and g[0] == letter)
    for letter in {g[0] for g in STOPWORDS if len(g) >= FEWEST_LETTERS}
}


@lru_cache(maxsize=MEMO)  # a pure function of the word; every question's loose words are read by it
def _slip_of_a_function_word(word: str) -> bool:
    return any(OSA.distance(word, g) <= 1 for g in _GLUE_BY_LETTER.get(word[:1], ()))


def asked(structure: Structure, question: str) -> Query:
    """A question read on its own, names detected and misspelt names written out (for tests and tools)."""
    detected = structure.detect(question)
    fixed = structure.corrected(question, detected)
    if fixed != question:
        detected = structure.detect(fixed)
    return parse(fixed, detected, structure)


# --- the decision table (intents: index/intents.py) ----------------------------------------------------


@dataclass(frozen=True)
class Row:
    name: str
    intent: IntentKind
    when: Callable[[Query], bool]
    why: str  # one line, for `--explain` and the docs


def _names_level(q: Query, side: int) -> bool:
    span = q.sides[side][2]
    return any(level_mention(m) and span[0] <= m.start < span[1] for m in q.detected.mentions)


def _two_levels_moving(q: Query) -> bool:
    if len(q.sides) < 2 or q.names_area or not (_names_level(q, 0) and _names_level(q, 1)):
        return False
    (_, _, span_a), (_, _, span_b) = q.sides[0], q.sides[1]
    between = set(q.words[span_a[1] : span_b[0]])
    return q.moves or ("from" in q.words[: span_a[0]] and bool({"to", "into"} & between))


def _one_level_on_the_ladder(q: Query) -> bool:
    """One level named, no area, nothing said but words about the ladder: a step or a move from it."""
    return (len(q.sides) == 1 and not q.names_area and not q.beyond_ladder and _names_level(q, 0))


def _step(q: Query, way: int) -> bool:
    return _one_level_on_the_ladder(q) and q.direction == way and not q.moves and not q.carried_level


def _whole_level(q: Query) -> bool:
    """One level, no area, nothing of substance: everything expected at it."""
    topic = [t for t in q.topic if t not in LADDER] if q.carried_level else list(q.topic)
    if q.names_area or topic or q.narrowed is None:
        return False
    return len(q.levels_selected) == 1 and any("who" in m.kinds for m in q.detected.mentions)


ROWS: tuple[Row, ...] = (
    Row("todo", "todo", lambda q: q.todo, "asks which areas are unwritten, naming no single area"),
    Row("missing-level", "missing_level", lambda q: bool(q.missing) and not (q.missing[0].seniority and q.has_topic),
        "a level number (or seniority) no title carries, and no other topic"),
    Row("move-between-two-levels", "checklist", _two_levels_moving,
        "two levels and a move between them ('from L3 to L4'), no area"),
    Row("two-names", "compare", lambda q: len(q.sides) >= 2, "two names that select different entries"),
    Row("two-areas-compared", "compare_areas", lambda q: len(q.areas_named) == 2 and q.comparing,
        "two areas and a word of comparison"),
    Row("list-of-levels", "levels", lambda q: q.listing, "a plural level word or 'how many', nothing else"),
    Row("level-above", "next", lambda q: _step(q, 1), "one level and a word for the level above, nothing else"),
    Row("level-below", "previous", lambda q: _step(q, -1), "one level and a word for the level below, nothing else"),
    Row("move-from-one-level", "checklist", lambda q: _one_level_on_the_ladder(q) and q.moves,
        "one level and a move ('promoted to L4', 'I'm an L3, how do I progress?')"),
    Row("what-is-a-level", "level", lambda q: q.what_is and _whole_level(q),
        "'what is a principal?': what a level is, its overview"),
    Row("whole-level", "level", _whole_level, "one level named and nothing else of substance"),
    Row("lookup", "lookup", lambda q: True, "anything else: the best matching area"),
)


def decide(q: Query) -> tuple[Intent, tuple[str, ...]]:
    """The first row of the table whose condition holds: the plan and the rows that fired."""
    for row in ROWS:
        if row.when(q):
            return _plan(q, row), (row.name,)
    raise AssertionError("the last row always holds")  # pragma: no cover


def _plan(q: Query, row: Row) -> Intent:
    if row.intent in ("compare", "checklist") and len(q.sides) >= 2:
        (a, rows_a, span_a), (b, rows_b, span_b) = q.sides[0], q.sides[1]
        return Intent(row.intent, [rows_a, rows_b], [a, b], side_spans=[span_a, span_b])
    if row.intent in ("next", "previous"):
        text, rows, span = q.sides[0]
        return Intent(row.intent, [rows], [text], side_spans=[span])
    if row.intent == "checklist":
        text, rows, span = q.sides[0]
        # A carried level is written after the question's own words: "from there" is where it stands.
        before = set(q.words[max(0, span[0] - _BEFORE) : span[0]])
        current = bool(before & ({"from"} | SELF)) or (q.carried_level and bool(({"from"} | SELF) & set(q.words)))
        return Intent("checklist", [rows], [text], side_spans=[span], current_named=current)
    if row.intent == "compare_areas":
        return Intent("compare_areas", [], [], areas=list(q.areas_named))
    if row.intent == "level":
        assert q.narrowed is not None
        return Intent("level", [np.flatnonzero(q.narrowed)], [])
    return Intent(row.intent, [], [])


def settle(q: Query, ranking: Ranking, structure: Structure,
           holding: Callable[[str], np.ndarray] | None) -> tuple[Intent, tuple[str, ...]]:
    """The plan once ranked: a whole-level question whose topical asking word the level's text gives to
    one area only ("how should a D2 work with engineers?") is a lookup of that area, with the level's
    overview to fall back on. Every other row stands as the table decided it."""
    plan, fired = q.plan, q.fired
    if plan.kind == "level" and holding is not None and singles_out_an_area(q.detected, ranking, structure,
                                                                            plan.sides[0], holding):
        return Intent("lookup", [], [], level_rows=plan.sides[0]), (*fired, "topical-word-picks-an-area")
    return plan, fired
