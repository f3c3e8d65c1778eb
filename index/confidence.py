"""Whether the framework answers a question at all, from signals the ranker already has.

A question is answered when its best entry is close in meaning (cosine), or fairly close and sharing
the question's own content words, or fairly close and named by area. Naming a level alone proves
nothing ("what is the salary at level 3?" names a level and is still off-topic), so level, role and
craft words are taken out before the content words are counted.

The two cosine thresholds were calibrated on tests/eval (see `careerfw eval`, README "Evaluation
and benchmarks"): every off-topic question there scores below LOW, and the lowest on-topic
question without word overlap scores above HIGH, with a margin kept on both sides.
"""

from __future__ import annotations

from index.search import Hit, Ranking

HIGH = 0.42  # close in meaning on its own
LOW = 0.22  # close enough when the question's content words are in the text, or its area is named
MIN_COVERAGE = 0.5


def coverage(residual: list[str], entry_terms: frozenset[str]) -> float:
    """Share of the question's content words that occur in the entry's text."""
    words = set(residual)
    if not words:
        return 0.0
    return len(words & entry_terms) / len(words)


def is_confident(ranking: Ranking, top: Hit, entry_terms: frozenset[str], named_area: bool) -> bool:
    if top.dense >= HIGH:
        return True
    if top.dense < LOW:
        return False
    if named_area:
        return True
    return coverage(ranking.residual, entry_terms) >= MIN_COVERAGE
