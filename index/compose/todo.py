"""The TODO list: the areas not written yet, among the entries the question's names allow, grouped by
level ("which areas are still TODO?")."""

from __future__ import annotations

from index.compose.answers import Answer, quote_for
from index.compose.shared import Asking
from index.intents import Intent as Plan
from index.query import Query
from index.search import Ranking


def compose(asking: Asking, query: Query, ranking: Ranking, plan: Plan) -> Answer:
    question, truncated = asking.question, asking.truncated
    entries = asking.state.index.entries
    allowed = ranking.narrowed
    rows = [i for i, e in enumerate(entries) if e.todo and (allowed is None or allowed[i])]
    quotes = [quote_for(entries[i], 1.0, (), asking.site_url) for i in rows]
    if not quotes:
        where = " there" if allowed is not None else ""
        return Answer(question, "todo", True, message=f"Every area{where} is written: nothing is left to do.",
                      truncated=truncated)
    groups: dict[tuple[str, str], list[str]] = {}
    for i in rows:
        e = entries[i]
        groups.setdefault((e.level or e.role, e.craft), []).append(e.area)
    lines = [f"{len(rows)} area(s) not written yet:"]
    for (level, craft), areas in groups.items():
        label = f"{level} ({craft})" if craft and len({c for _, c in groups}) > 1 else level
        lines.append(f"• {label}: {', '.join(areas)}")
    return Answer(question, "todo", True, quotes=quotes, message="\n".join(lines), truncated=truncated)
