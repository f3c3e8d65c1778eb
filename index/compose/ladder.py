"""The ladder itself, answered from the level order (index/levelorder.py) and the loaded titles only:
which levels there are ("levels"), a level no title carries ("missing_level": "This framework has no
Level 9; it has: …"), and the level one step away ("next", "previous": "what comes after Level 2?")."""

from __future__ import annotations

from dataclasses import replace

from index.compose import lookup, overview
from index.compose.answers import NO_MATCH, Answer, Choice, Intent
from index.compose.shared import QUOTES, Asking, State, crafts_named, named_levels
from index.intents import Intent as Plan
from index.levelorder import Level
from index.query import Query
from index.request import Request
from index.search import Ranking


def compose(asking: Asking, query: Query, ranking: Ranking, plan: Plan) -> Answer:
    if plan.kind == "levels":
        return _levels(asking, query)
    if plan.kind == "missing_level":
        return _missing(asking, query)
    return _step(asking, query, ranking, plan)


def _ladders(state: State, crafts: set[tuple[str, str]] | None) -> list[list[Level]]:
    return [ls for ls in state.levels.by_craft() if crafts is None or (ls[0].framework, ls[0].craft) in crafts]


def _levels(asking: Asking, query: Query) -> Answer:
    state = asking.state
    ladders = _ladders(state, crafts_named(state, query, {"craft"})) or state.levels.by_craft()
    if not ladders:
        return Answer(asking.question, "levels", False, message=NO_MATCH, truncated=asking.truncated)
    message = "Levels of each craft, in order:" if len(ladders) > 1 else "Levels, in order:"
    return Answer(asking.question, "levels", True, message=message, truncated=asking.truncated,
                  levels=[lv for ls in ladders for lv in ls], site_url=asking.site_url)


def _missing(asking: Asking, query: Query) -> Answer:
    state = asking.state
    label = query.missing[0].label
    crafts = crafts_named(state, query, {"craft"})
    ladders = _ladders(state, crafts) or state.levels.by_craft()
    subject = ladders[0][0].craft if crafts is not None and len(ladders) == 1 else "This framework"
    lists = [", ".join(lv.title for lv in ls) for ls in ladders]
    if len(set(lists)) == 1:
        has = lists[0]
    else:
        has = "; ".join(f"{ls[0].craft}: {text}" for ls, text in zip(ladders, lists, strict=True))
    return Answer(asking.question, "missing_level", True, message=f"{subject} has no {label}; it has: {has}.",
                  truncated=asking.truncated, levels=[lv for ls in ladders for lv in ls], site_url=asking.site_url)


def _step(asking: Asking, query: Query, ranking: Ranking, plan: Plan) -> Answer:
    state, question, truncated, site_url = asking.state, asking.question, asking.truncated, asking.site_url
    here = named_levels(state, query, plan.sides[0])
    if not here:
        # No level of the ladder after all (a name of no level page): the best cells, as a lookup quotes them.
        return lookup.best_cells(replace(asking, limit=QUOTES), query, ranking)
    up = plan.kind == "next"
    steps = {lv: (state.levels.next if up else state.levels.previous)(lv.title, lv.craft, lv.framework)
             for lv in here}
    word = "After" if up else "Before"
    kind: Intent = plan.kind  # type: ignore[assignment]
    crafts = {lv.craft for lv in here}
    found = [s for lv in here for s in steps[lv]]
    if not found:
        edge = "highest" if up else "first"
        names = " and ".join(dict.fromkeys(lv.title for lv in here))
        where = f" of {here[0].craft}" if len(crafts) == 1 else ""
        return Answer(question, kind, True, message=f"{names} is the {edge} level{where}.", truncated=truncated,
                      levels=here, site_url=site_url)
    titles = list(dict.fromkeys(s.title for s in found))
    names = " and ".join(titles)
    start = " and ".join(dict.fromkeys(lv.title for lv in here))
    message = f"{word} {start} {'comes' if len(titles) == 1 else 'come'} {names}"
    if len(crafts) > 1 or len(found) > 1:
        # Several crafts or tracks: name them, and let the asker pick one to read.
        many = len(crafts) > 1
        choices = [Choice.of(f"{s.title} ({s.craft})" if many else s.title,
                             Request("level", s.framework, s.craft, (s.title,)))
                   for s in found]
        if many:
            message += f" (in {', '.join(sorted(crafts))})"
        return Answer(question, kind, True, message=message + ".", choices=choices, truncated=truncated,
                      levels=found, site_url=site_url)
    quotes = overview.introduction(asking, found[0])
    return Answer(question, kind, True, quotes=quotes, message=message + ".", truncated=truncated,
                  levels=found, site_url=site_url)
