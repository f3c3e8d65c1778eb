"""Two areas compared ("difference between scope and impact?"): both whole cells at the level the
question names, or at the only level that has both; else the craft page's definitions of both; else a
choice of craft, then of level."""

from __future__ import annotations

import numpy as np

from index.compose.answers import NOT_WRITTEN, Answer, Choice, quote_for
from index.compose.shared import Asking
from index.intents import Intent as Plan
from index.query import Query
from index.request import Request
from index.search import Ranking


def compose(asking: Asking, query: Query, ranking: Ranking, plan: Plan) -> Answer | None:
    """None when no level has both areas: the question is looked up instead."""
    a, b = plan.areas
    return side_by_side(asking, a, b, ranking.narrowed)


def side_by_side(asking: Asking, a: str, b: str, allowed: np.ndarray | None) -> Answer | None:
    """Areas `a` and `b` side by side, among the `allowed` entries (None: all)."""
    question, truncated, site_url = asking.question, asking.truncated, asking.site_url
    state = asking.state
    entries = state.index.entries
    cells: dict[tuple[str, str, str], dict[str, int]] = {}
    for i, e in enumerate(entries):
        if e.kind == "level" and e.area in (a, b) and (allowed is None or allowed[i]):
            cells.setdefault((e.framework, e.craft, e.level), {}).setdefault(e.area, i)
    both = [(key, found) for key, found in cells.items() if len(found) == 2]
    if len(both) == 1:
        _, found = both[0]
        quotes = [quote_for(entries[found[x]], 1.0, (), site_url) for x in (a, b)]
        message = NOT_WRITTEN if any(q.todo for q in quotes) else None
        return Answer(question, "compare", True, quotes=quotes, message=message, truncated=truncated)
    if not both:
        return None
    # The craft pages' own definitions of both areas answer the question for every level at once.
    defined: dict[tuple[str, str], dict[str, int]] = {}
    for i, e in enumerate(entries):
        if e.kind == "definition" and e.area in (a, b) and not e.todo:
            defined.setdefault((e.framework, e.craft), {}).setdefault(e.area, i)
    crafts = {(fw, cr) for (fw, cr, _), _ in both}
    full = [found for key, found in defined.items() if len(found) == 2 and key in crafts]
    if len(full) == 1:
        quotes = [quote_for(entries[full[0][x]], 1.0, (), site_url) for x in (a, b)]
        return Answer(question, "compare", True, quotes=quotes, truncated=truncated)
    if len(crafts) > 1:
        choices = [Choice.of(cr, Request("compare_areas", fw, cr, (), (a, b))) for fw, cr in sorted(crafts)]
        return Answer(question, "choose", False, message=f"{a} and {b} are written for {len(crafts)} crafts: "
                      "which one do you mean?", choices=choices, truncated=truncated)
    (framework, craft), = crafts
    levels = [lv for lv in state.levels.levels(craft, framework)
              if (framework, craft, lv.title) in dict(both)]
    choices = [Choice.of(lv.title, Request("compare_areas", framework, craft, (lv.title,), (a, b)))
               for lv in levels]
    return Answer(question, "choose", False, message=f"{a} and {b} are written for {len(levels)} levels: "
                  "which one do you mean?", choices=choices, truncated=truncated)
