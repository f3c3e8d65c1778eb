"""The lookup: the best ranked cells, quoted where the question is about them, or nothing and the
nearest areas when the gate is not sure (docs/retrieval.md, steps 3 and 4)."""

from __future__ import annotations

import numpy as np

from index.compose import overview
from index.compose.answers import NO_MATCH, NOT_WRITTEN, Answer, Choice
from index.compose.shared import Asking, distinct_areas, quote_hit
from index.intents import Intent as Plan
from index.query import Query
from index.request import Request
from index.search import Ranking
from index.tokens import STOPWORDS, words


def compose(asking: Asking, query: Query, ranking: Ranking, plan: Plan) -> Answer:
    shared = _which_title(asking, query)
    if shared is not None:
        return shared
    answer = best_cells(asking, query, ranking)
    if plan.level_rows is not None and not answer.confident:
        # A level question whose words seemed to pick one area, but no area answers it: the overview.
        return overview.of_rows(asking, plan.level_rows)
    return answer


def best_cells(asking: Asking, query: Query, ranking: Ranking) -> Answer:
    """The ranking's best `asking.limit` cells when the gate is sure of the first, else its nearest areas."""
    question, truncated = asking.question, asking.truncated
    hits = ranking.hits
    if not hits:
        return Answer(question, "lookup", False, message=NO_MATCH, truncated=truncated)
    top = hits[0]
    signals = asking.signals(ranking, top)
    if not asking.sure(signals):
        suggestions = [quote_hit(asking, query, ranking, h, whole=True)
                       for h in distinct_areas(asking.state, hits)[:asking.limit]]
        return Answer(question, "lookup", False, suggestions=suggestions, message=NO_MATCH, truncated=truncated,
                      signals=signals)
    quotes = [quote_hit(asking, query, ranking, h) for h in hits[:asking.limit]]
    message = NOT_WRITTEN if quotes[0].todo else None
    return Answer(question, "lookup", True, quotes=quotes, message=message, truncated=truncated, signals=signals)


def _which_title(asking: Asking, query: Query) -> Answer | None:
    """A name that stops at a function word ("head of") and that titles of different crafts share (Head of
    product, Head of data engineering), with no craft named or carried and no other word of those titles to
    narrow it: which title is meant is asked, one button each, as for a level several crafts share
    (index/compose/overview.py), rather than the ranking's best cell silently picking one. A one-word short
    form ("staff") is left to the rest of the question as before: "staff engineer expectations" says which."""
    if query.narrowed is None or len(query.levels_selected) < 2 or query.crafts:
        return None
    if not any((m.alias or m.text).split()[-1:] and (m.alias or m.text).split()[-1] in STOPWORDS
               for m in query.levels):
        return None
    entries = asking.state.index.entries
    homes: dict[str, set[tuple[str, str]]] = {}
    for i in np.flatnonzero(query.narrowed):
        e = entries[int(i)]
        if e.kind == "level":
            homes.setdefault(e.level, set()).add((e.framework, e.craft))
    crafts = {c for places in homes.values() for _, c in places}
    # Each title its own craft's: titles that share a craft are that craft's rungs, which the rest may tell apart.
    if len(homes) < 2 or sum(len(p) for p in homes.values()) != len(crafts):
        return None
    # A word some of the titles have and others not ("what does a head of do for data?") says which.
    title_words = [set(words(t)) for t in homes]
    telling = set.union(*title_words) - set.intersection(*title_words)
    if telling & set(query.words):
        return None
    choices = [Choice.of(level, Request("level", framework, craft, (level,)))
               for level, places in sorted(homes.items()) for framework, craft in sorted(places)]
    return Answer(asking.question, "choose", False, message=f"That name is {len(homes)} titles in {len(crafts)} "
                  "crafts: which one do you mean?", choices=choices, truncated=asking.truncated)
