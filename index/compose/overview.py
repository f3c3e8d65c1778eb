"""The level overview: everything expected at one level, the first paragraph of each of its areas in
page order ("what is expected at level 3?", "what is a principal?"); a level several crafts have asks
which craft first. A level the question reaches by a step ("the next role up, and what do I need for it?")
leads with the area the question asks for of it (`shared.reaching_order`)."""

from __future__ import annotations

import numpy as np

from index.compose.answers import Answer, Choice, Quote, quote_for
from index.compose.shared import Asking, reaching_order
from index.entry import Entry
from index.intents import Intent as Plan
from index.levelorder import Level
from index.query import Query
from index.request import Request
from index.search import Ranking


def compose(asking: Asking, query: Query, ranking: Ranking, plan: Plan) -> Answer:
    if query.moves or query.direction:
        # "What's the next role up and what do I need for it?": the level is asked about as a step to take, so
        # the area the question asks for of it leads.
        return of_rows(asking, reaching_order(asking, query, ranking, plan.sides[0]), in_order=True)
    return of_rows(asking, plan.sides[0])


def of_rows(asking: Asking, rows: np.ndarray | list[int], in_order: bool = False) -> Answer:
    """The overview of the level whose entries are `rows` (a name's, or a button's level); `in_order`: quoted in
    the order given, not page order."""
    question, truncated = asking.question, asking.truncated
    entries = asking.state.index.entries
    rows = [int(i) for i in rows if entries[i].kind == "level"]
    if not in_order:
        # In page order: a page's introduction, parsed when the page ends, still leads its overview.
        rows.sort(key=lambda i: (entries[i].path, entries[i].line))
    crafts = sorted({entries[i].craft for i in rows})
    alike: list[str] = []
    if len(crafts) > 1 and (fullest := _says_all(entries, rows, crafts)) is not None:
        # One craft's text holds everything the others say of the level (a level copied between ladders):
        # asking which craft would offer a choice that changes nothing, so that craft's overview answers.
        alike = [c for c in crafts if c != fullest]
        rows, crafts = [i for i in rows if entries[i].craft == fullest], [fullest]
    if len(crafts) > 1:
        # Every craft's cells at once is a wall of text: ask which craft, one button each.
        level = entries[rows[0]].level
        framework_of = {entries[i].craft: entries[i].framework for i in rows}
        choices = [Choice.of(craft, Request("level", framework_of[craft], craft, (level,))) for craft in crafts]
        return Answer(question, "choose", False, message=f"{level} is written for {len(crafts)} crafts: "
                      "which one do you mean?", choices=choices, truncated=truncated)
    quotes = []
    for i in rows:
        e = entries[i]
        # Briefly: the first paragraph of each area, the rest one click away.
        quotes.append(quote_for(e, 1.0, (0,) if len(e.paragraphs) > 1 else (), asking.site_url))
    level = entries[rows[0]].level if rows else ""
    unwritten = sum(1 for q in quotes if q.todo)
    crafts = {entries[i].craft for i in rows}
    message = f"{level}: {len(quotes)} area(s)"
    if len(crafts) > 1:
        message += f" across {len(crafts)} crafts"
    if unwritten:
        message += f", {unwritten} not written yet"
    if alike:
        message += f"; what {' and '.join(alike)} {'writes' if len(alike) == 1 else 'write'} of it is part of this"
    return Answer(question, "level", bool(quotes), quotes=quotes, message=message + ".", truncated=truncated)


def _says_all(entries: list[Entry], rows: list[int], crafts: list[str]) -> str | None:
    """The craft whose paragraphs of the level include every paragraph the other crafts write of it, if one
    does and each craft writes something (not a TODO); None else."""
    said = {c: {" ".join(p.split()) for i in rows if entries[i].craft == c and not entries[i].todo
                for p in entries[i].paragraphs} for c in crafts}
    if not all(said.values()):
        return None
    return next((c for c in crafts if all(said[o] <= said[c] for o in crafts)), None)


def introduction(asking: Asking, level: Level) -> list[Quote]:
    """A level's own introduction when it has one, else the first paragraph of each of its areas."""
    entries = [e for e in asking.state.index.entries
               if e.kind == "level" and e.level == level.title and e.craft == level.craft
               and e.framework == level.framework]
    intro = [e for e in entries if e.area == level.title and not e.todo]
    chosen = intro or entries
    return [quote_for(e, 1.0, (0,) if len(e.paragraphs) > 1 else (), asking.site_url) for e in chosen]
