"""Two levels (or roles, or crafts) compared: one area's cells side by side, the higher level's words
new against the lower's marked ("level 3 vs level 4 for communication"). The area is the one the
question names, else the best match within both sides, asked about when the gate is not sure of it."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from index.compose.answers import NOT_WRITTEN, Answer, Quote, quote_for
from index.compose.shared import QUOTES, Asking, State, distinct_areas, quote_hit
from index.entry import Entry
from index.intents import COMPARING
from index.intents import Intent as Plan
from index.query import Query
from index.ranking import NAMES
from index.search import Ranking
from index.tokens import words
from index.worddiff import new_spans


def compose(asking: Asking, query: Query, ranking: Ranking, plan: Plan) -> Answer | None:
    """None when neither side has a candidate: the question is looked up instead."""
    state = asking.state
    entries = state.index.entries
    side_a, side_b = plan.sides
    # Other names in the question (a craft, say) still narrow each side.
    named_sides = {i for s, e in plan.side_spans for i in range(s, e)}
    others = [
        m for m in query.detected.mentions
        if m.start not in named_sides and (m.kinds & {"who", "craft"}) and not m.partial
    ]
    narrow = state.ranker.structure.mask(others, {"who", "craft"})
    # A craft named anywhere ("Level 3 and Level 4 in Backend Engineering") is both sides' craft,
    # though the words sit next to one side: a side that names another craft keeps its own.
    crafts = [m for m in query.detected.mentions if m.kinds == {"craft"} and not m.partial]
    one = len({v for m in crafts for f, v in m.values if f == "craft"}) == 1
    in_craft = state.ranker.structure.mask(crafts, {"craft"}) if one else None
    sides = []
    for rows in (side_a, side_b):
        keep = rows if narrow is None else rows[narrow[rows]]
        keep = keep if len(keep) else rows
        if in_craft is not None and in_craft[keep].any():
            keep = keep[in_craft[keep]]
        sides.append(keep)
    together = _said_together(asking, query, ranking, plan, sides)
    if together is not None:
        return together
    union = np.zeros(len(entries), dtype=bool)
    union[sides[0]] = True
    union[sides[1]] = True
    if asking.restrict is not None and (union & asking.restrict).any():
        union &= asking.restrict  # the area a follow-up carried ("level 3 vs level 4" after a Mastery answer)
    # What is compared is the topic, not the word asking for the comparison: a side's text that happens to say
    # "differs" or "differentiates" is no nearer the question for it.
    within = asking.rank_within(union, COMPARING)
    named = [m for m in query.areas if not m.partial]
    if not within.hits:
        return None
    top = within.hits[0]
    if not named and not asking.sure(asking.signals(within, top)):
        suggestions = [quote_hit(asking, query, within, h, whole=True)
                       for h in distinct_areas(state, within.hits)[:QUOTES]]
        return Answer(asking.question, "compare", False, suggestions=suggestions,
                      message="Which area should I compare? Name one, for example one of these.",
                      truncated=asking.truncated)
    return side_by_side(asking, sides, plan.side_names, entries[top.entry], top.score)


def _said_together(asking: Asking, query: Query, ranking: Ranking, plan: Plan,
                   sides: list[np.ndarray]) -> Answer | None:
    """Two levels whose names each stand on several ladders ("senior vs staff" where engineers, writers and
    advocates all have both), nothing in the question picking one: any one ladder's cells side by side would
    be a guess. Prose that names both levels together, outside their ladders ("at Staff level, the career
    expands"), is the framework's own comparison of them, whatever the ladder: chosen by the names, as a side
    by side is, so not left to the gate. None when a side stands on one ladder or no such prose exists."""
    state = asking.state
    entries = state.index.entries
    # The ladders each side's levels stand on (prose that names a level is on none).
    ladders = [{entries[i].craft for i in rows if entries[i].level} for rows in sides]
    if asking.restrict is not None or any(len(on) < 2 for on in ladders):
        return None
    structure = state.ranker.structure
    named = {span: rows for _, rows, span in structure.name_groups(query.detected)}
    a, b = (named.get(span) for span in plan.side_spans[:2])
    if a is None or b is None:
        return None
    # Only prose outside both levels' ladders speaks for every ladder: a ladder's own page that names its two
    # levels ("reviewers and approvers of this group") is that ladder's, as much a guess as its cells.
    outside = [int(i) for i in np.intersect1d(a, b)
               if structure.prose[i] and entries[i].craft not in ladders[0] | ladders[1]]
    # And only prose that gives each level a paragraph of its own, as a side by side gives each its cell: one
    # that names both in one breath ("a senior or staff interviewer") mentions them, it does not compare them.
    names = [_typed(query, span) for span in plan.side_spans[:2]]
    apart = {i for i in outside if _each_apart(entries[i], names)}
    if ranking.features is not None:
        # Nor prose that never speaks of the pay, leave or benefits the question asks about (the gate's
        # `out_of_scope`): "the difference in salary between senior and staff" is no comparison it makes.
        scope = ranking.features[:, NAMES.index("out_of_scope")]
        apart = {i for i in apart if not scope[i]}
    hits = [h for h in ranking.hits if h.entry in apart][:asking.limit]
    if not hits:
        return None
    quotes = [quote_hit(asking, query, ranking, h) for h in hits]
    return Answer(asking.question, "compare", True, quotes=quotes, truncated=asking.truncated)


def _typed(query: Query, span: tuple[int, int]) -> set[str]:
    """The names a side is written with, as prose is searched for them (aliases.Structure.rows)."""
    return {m.text for m in query.detected.mentions if span[0] <= m.start < span[1] and "who" in m.kinds}


def _each_apart(entry: Entry, names: list[set[str]]) -> bool:
    """Whether each side's name stands in a paragraph of `entry` that does not name the other side."""
    bodies = [f" {' '.join(words(p))} " for p in entry.paragraphs]
    says = [[any(f" {n} " in body for n in side) for side in names] for body in bodies]
    return all(any(said[k] and not said[1 - k] for said in says) for k in range(2))


def side_by_side(asking: Asking, sides: list[np.ndarray], side_names: list[str], anchor: Entry,
                 score: float) -> Answer:
    """`anchor`'s area in each side's entries, side by side; a side without that area is named. An anchor
    filed under its own level's name (a level page's introduction) is no area: each side's own
    introduction is its match, and a side without one is said to have none."""
    state = asking.state
    entries = state.index.entries
    area = anchor.area
    whole = anchor.is_whole
    quotes: list[Quote] = []
    missing: list[str] = []
    for rows, name in zip(sides, side_names, strict=True):
        same = [int(i) for i in rows if (entries[i].is_whole if whole else entries[i].area == area)]
        if not same:
            missing.append(name)
            if whole:
                quotes.extend(_areas_instead(asking, rows, anchor))
            continue
        # Prefer the cell of the same craft and section as the best match; a name that covers two
        # levels ("Senior Engineer 2" of two tracks) shows each of them.
        same.sort(key=lambda i: (entries[i].craft != anchor.craft, entries[i].section != anchor.section))
        shown: set[str] = set()
        for i in same:
            if entries[i].level not in shown and entries[i].craft == entries[same[0]].craft:
                shown.add(entries[i].level)
                quotes.append(quote_for(entries[i], score, (), asking.site_url))
    quotes = _marked_higher(state, quotes)
    if whole:
        # Two introductions are two texts, not one area: the one that best matched the question leads, as
        # in any answer ("eng II vs senior - who breaks big tasks down?" is answered by the senior's).
        quotes.sort(key=lambda q: q.entry.level != anchor.level)
    notes = []
    if missing:
        if whole:
            notes.append(f"{' and '.join(missing)} has no introduction of its own: the first paragraph of "
                         "each of its areas is quoted instead.")
        else:
            notes.append(f"{' and '.join(missing)} has no {area} area.")
    if any(q.todo for q in quotes):
        notes.append(NOT_WRITTEN)
    return Answer(asking.question, "compare", bool(quotes), quotes=quotes,
                  message=" ".join(notes) or None, truncated=asking.truncated)


def _areas_instead(asking: Asking, rows: np.ndarray, anchor: Entry) -> list[Quote]:
    """A level without an introduction, compared with one that has: what it has instead, the first
    paragraph of each of its areas in page order, of one level of one craft (the anchor's first)."""
    entries = asking.state.index.entries
    own = sorted((int(i) for i in rows if entries[i].kind == "level"),
                 key=lambda i: (entries[i].craft != anchor.craft, entries[i].path, entries[i].line))
    if not own:
        return []
    first = entries[own[0]]
    return [quote_for(entries[i], 1.0, (0,) if len(entries[i].paragraphs) > 1 else (), asking.site_url)
            for i in own if (entries[i].craft, entries[i].level) == (first.craft, first.level)]


def _marked_higher(state: State, quotes: list[Quote]) -> list[Quote]:
    """One area at two levels of one craft: the higher level's text with the words new against the
    lower's marked (index/worddiff.py), as a checklist marks them."""
    if len(quotes) != 2 or any(q.todo for q in quotes):
        return quotes
    a, b = (q.entry for q in quotes)
    # Two levels' introductions are one kind of text under two names: compared as one area is.
    one_area = a.area == b.area or (a.is_whole and b.is_whole)
    if not one_area or a.craft != b.craft or a.framework != b.framework or a.level == b.level:
        return quotes
    pa, pb = (state.levels.find(e.level, e.craft, e.framework) for e in (a, b))
    if not (pa and pb) or pa[0].position == pb[0].position:
        return quotes
    low, high = (0, 1) if pa[0].position < pb[0].position else (1, 0)
    marked = list(quotes)
    marked[high] = replace(quotes[high], new_words=new_spans(quotes[low].entry.description, quotes[high].text),
                           new_against=quotes[low].entry.level)
    return marked
