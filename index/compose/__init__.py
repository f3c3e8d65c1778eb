"""The composers: one per intent of the decision table (index/query.py `ROWS`), each a module whose
`compose(asking, query, ranking, plan)` turns the question model and its ranking into an `Answer` of
verbatim quotes, or None when it finds nothing to compose and the question is looked up instead.

The answerer (index/answer.py) reads the `Query`, ranks, and picks the composer from `COMPOSERS` by the
plan's intent; what the composers share (the loaded index they read, `Asking`) is `shared`, and the
answer types they return are `answers`. A button's request (index/request.py) is composed by the same
modules from the names it carries: `overview.of_rows`, `checklist.of_move`, `compare.side_by_side`,
`compare_areas.side_by_side`.
"""

from __future__ import annotations

from collections.abc import Callable

from index.compose import checklist, compare, compare_areas, ladder, lookup, overview, todo
from index.compose.answers import Answer
from index.compose.shared import Asking
from index.intents import Intent as Plan
from index.intents import IntentKind
from index.query import Query
from index.search import Ranking

Composer = Callable[[Asking, Query, Ranking, Plan], Answer | None]

COMPOSERS: dict[IntentKind, Composer] = {
    "lookup": lookup.compose,
    "level": overview.compose,
    "compare": compare.compose,
    "compare_areas": compare_areas.compose,
    "levels": ladder.compose,
    "next": ladder.compose,
    "previous": ladder.compose,
    "missing_level": ladder.compose,
    "checklist": checklist.compose,
    "todo": todo.compose,
}
