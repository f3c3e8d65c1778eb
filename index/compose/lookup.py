"""The lookup: the best ranked cells, quoted where the question is about them, or nothing and the
nearest areas when the gate is not sure (docs/retrieval.md, steps 3 and 4)."""

from __future__ import annotations

from index.compose import overview
from index.compose.answers import NO_MATCH, NOT_WRITTEN, Answer
from index.compose.shared import Asking, distinct_areas, quote_hit
from index.intents import Intent as Plan
from index.query import Query
from index.search import Ranking


def compose(asking: Asking, query: Query, ranking: Ranking, plan: Plan) -> Answer:
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
