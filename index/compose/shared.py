"""What the composers share: the loaded index they read, the question being answered, and the few
readings of it more than one composer makes (which levels and crafts it names, which paragraphs of a
cell it is about)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from index import confidence
from index.bridge import VocabularyBridge
from index.compose.answers import NOT_WRITTEN, Answer, Quote, quote_for
from index.followup import FollowUps
from index.glossary import Glossary
from index.intents import DOWN, UP
from index.levelnames import LEVEL_WORDS
from index.levelorder import Level, LevelOrder
from index.query import Query
from index.search import Hit, HybridRanker, Ranking
from index.store import LoadedIndex
from index.tokens import STOPWORDS, terms

# Paragraphs of a long cell quoted with the best one when they score nearly as well.
PARAGRAPH_MARGIN = 0.03
MAX_PARAGRAPHS = 2
# Cells a lookup quotes, and nearest areas offered when the gate is not sure, unless the caller asks for more.
QUOTES = 3
# The words a step between levels is said with ("the next level up", "one level down"): the word table's.
_STEP = UP | DOWN | LEVEL_WORDS


@dataclass(frozen=True)
class State:
    """One loaded index with everything derived from it, swapped in as one object."""

    index: LoadedIndex
    ranker: HybridRanker
    by_id: dict[str, int]
    bridge: VocabularyBridge
    levels: LevelOrder  # each craft's levels in order (index/levelorder.py)
    followups: FollowUps
    glossary: Glossary = field(default_factory=Glossary)  # careerfw.yaml, loaded with the pages
    # The terms of a cell's paragraph group, filled as quotes read them: they depend on the index alone, so
    # each is tokenised once per loaded index, not once per question that quotes it (a reload makes a new
    # State, and with it an empty dict).
    paragraph_terms: dict[tuple[int, tuple[int, ...]], frozenset[str]] = field(
        default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Asking:
    """One question (or button request) being answered: what a composer reads besides the `Query`, the
    ranking and the plan. The answerer's judgement comes as functions, so a composer judges a hit, or
    ranks the question again among some entries, exactly as the answerer would, without holding it."""

    state: State  # the index the question took; a reload in flight does not change it
    question: str  # as searched (names written out, a follow-up's carried names added)
    truncated: bool
    site_url: str | None
    signals: Callable[[Ranking, Hit], confidence.Signals]  # what the gate sees of a hit
    sure: Callable[[confidence.Signals], bool]  # the gate's decision on it
    # The question ranked again among these entries only, the words given left out of what it is matched by.
    rank_within: Callable[[np.ndarray, frozenset[str]], Ranking]
    limit: int = QUOTES
    restrict: np.ndarray | None = None  # entries a follow-up's carried area (or a meaning question) allows
    # The model's vector of a text, as a question's is made: what a composer compares a question's words with.
    encode: Callable[[str], np.ndarray] | None = None


def quote_hit(asking: Asking, query: Query, ranking: Ranking, hit: Hit, whole: bool = False) -> Quote:
    """`hit` quoted: the paragraphs of its cell the question is about, or the whole cell."""
    state = asking.state
    entry = state.index.entries[hit.entry]
    # A question that only names the area ("what is expected for AI governance?") gets the whole cell.
    if whole or entry.todo or len(entry.paragraphs) <= 1 or not query.unnamed:
        return quote_for(entry, hit.score, (), asking.site_url)
    # The paragraphs this question is about: cosine per paragraph, nudged by shared words.
    asked = set(ranking.residual)
    scored = []
    for group, cos in state.ranker.dense.paragraph_scores(ranking.doc_scores, hit.entry):
        if not group:
            continue
        shared = len(asked & group_terms(state, hit.entry, group))
        scored.append((cos + 0.05 * shared, group))
    if not scored:
        return quote_for(entry, hit.score, (), asking.site_url)
    scored.sort(key=lambda sg: -sg[0])
    best = scored[0][0]
    chosen = tuple(i for s, g in scored[:MAX_PARAGRAPHS] if s >= best - PARAGRAPH_MARGIN for i in g)
    return quote_for(entry, hit.score, chosen, asking.site_url)


def group_terms(state: State, entry: int, group: tuple[int, ...]) -> frozenset[str]:
    """The terms of paragraphs `group` of cell `entry`, tokenised once per loaded index."""
    key = (entry, group)
    found = state.paragraph_terms.get(key)
    if found is None:
        paras = state.index.entries[entry].paragraphs
        found = state.paragraph_terms[key] = frozenset(terms(" ".join(paras[i] for i in group if i < len(paras))))
    return found


def distinct_areas(state: State, hits: list[Hit]) -> list[Hit]:
    """Hits with one per area name, for suggestions that are not five cells of one area."""
    seen: set[str] = set()
    out: list[Hit] = []
    for h in hits:
        area = state.index.entries[h.entry].area
        if area not in seen:
            seen.add(area)
            out.append(h)
    return out


def crafts_named(state: State, query: Query, kinds: set[str]) -> set[tuple[str, str]] | None:
    """(framework, craft) pairs the question's names of these kinds allow (None: it names none). Names
    of levels are left out: a level's page heading may also be a section ("## Designer 1")."""
    crafts = [m for m in query.detected.mentions if not any(f == "level" for f, _ in m.values)]
    mask = state.ranker.structure.mask(crafts, kinds)
    if mask is None:
        return None
    entries = state.index.entries
    return {(entries[i].framework, entries[i].craft) for i in np.flatnonzero(mask) if entries[i].kind == "level"}


def named_levels(state: State, query: Query, rows: np.ndarray) -> list[Level]:
    """The levels (in order) a name's rows select, narrowed by the question's craft names."""
    entries = state.index.entries
    crafts = crafts_named(state, query, {"craft"})
    found: list[Level] = []
    for i in rows:
        e = entries[int(i)]
        if e.kind != "level" or (crafts is not None and (e.framework, e.craft) not in crafts):
            continue
        for lv in state.levels.find(e.level, e.craft, e.framework):
            if lv not in found:
                found.append(lv)
    return found


def reaching_order(asking: Asking, query: Query, ranking: Ranking, rows: np.ndarray | list[int]) -> list[int]:
    """A level's entries `rows` in page order, for a question about reaching the level ("how do I become a
    member?", "what's the next role up and what do I need for it?"): the area whose name the model puts
    nearest what the question says besides its names leads, its entries in the order the question ranks them.

    What it takes to reach a level is the framework's to name ("Requirements", "Prerequisites", "Criteria"),
    and its pages name it as an area: the question's own words ("how do I become", "what do I need") are
    compared with the level's area names, not with a list of such names. Every area is still quoted: the
    order says which one answers the move, the rest is the level as written."""
    entries = asking.state.index.entries
    rows = sorted((int(i) for i in rows if entries[i].kind == "level"),
                  key=lambda i: (entries[i].path, entries[i].line))
    covered = query.detected.covered()
    own = [w for i, w in enumerate(query.words) if i not in covered]
    areas = list(dict.fromkeys(entries[i].area for i in rows))
    # A question that says only the step ("and the next level up?", "and one level down?") asks for no area of
    # the level: it reads as written, not led by whichever area name happens to be nearest "next level up".
    asks = [w for w in own if w not in STOPWORDS and w not in _STEP and not w.isdigit()]
    if asking.encode is None or len(areas) < 2 or not asks:
        return rows
    said = asking.encode(" ".join(own))
    # The area names' vectors are the bridge's, embedded with the index: a question pays for its own words only.
    bridge, encode = asking.state.bridge, asking.encode

    def nearness(area: str) -> float:
        vector = bridge.vector(area)
        return float((encode(area) if vector is None else vector) @ said)

    lead = max(areas, key=nearness)
    place = {h.entry: n for n, h in enumerate(ranking.hits)}
    first = sorted((i for i in rows if entries[i].area == lead), key=lambda i: place.get(i, len(place)))
    return first + [i for i in rows if entries[i].area != lead]


def best_of_choice(asking: Asking, query: Query, ranking: Ranking, rows: np.ndarray | list[int],
                   choice: Answer) -> Answer:
    """`choice` (which craft of a level several crafts share?) answered as well as it can be without the
    craft: the ranking's best cells of the level, all from the craft of its best one, quoted with the
    choice's buttons, so the asker reads an answer and can still pick the other craft. `choice` itself
    when the ranking holds none of the level's cells, or the gate is not sure of the best."""
    entries = asking.state.index.entries
    allowed = {int(i) for i in rows}
    crafts = {c.request.craft for c in choice.choices if c.request is not None}
    hits = [h for h in ranking.hits if h.entry in allowed and entries[h.entry].craft in crafts]
    if not hits:
        return choice
    top = hits[0]
    signals = asking.signals(ranking, top)
    if not asking.sure(signals):
        return choice
    craft = entries[top.entry].craft
    hits = [h for h in hits if entries[h.entry].craft == craft]
    quotes = [quote_hit(asking, query, ranking, h) for h in hits[:asking.limit]]
    others = sorted(crafts - {craft})
    message = (f"{entries[top.entry].level} is written for {len(crafts)} crafts: this is {craft}'s; "
               f"{' and '.join(others)} {'has' if len(others) == 1 else 'have'} it too.")
    if quotes[0].todo:
        message += f" {NOT_WRITTEN}"
    return replace(choice, intent="lookup", confident=True, quotes=quotes, message=message, signals=signals)
