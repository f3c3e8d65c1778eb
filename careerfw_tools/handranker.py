"""The retired hand-weighted ranker and its gate: only for the contexts `careerfw eval --fit` reads.

The product ranks and gates with the fitted model of index/ranking.py alone. The fit's rows for a
conversation's later turns are asked with the context the turn before left, and that context has to
come from an answerer that does not depend on the constants being written, or the fit would read its
own output (careerfw_tools/conversations.py `turn_samples`). This is that answerer: the weighted sum
of the cosine, BM25 over the best BM25 and a bonus for a named area, and the thresholds the product
shipped before the fitted ranker (docs/evaluation.md). Nothing else uses it; `careerfw eval` prints
only the fitted ranker against plain RRF fusion and the single signals. Replacing it with contexts
read from the conversation sets' own answers is a refit (new constants), not done here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from index import Answerer
from index.bm25 import BM25Ranker
from index.confidence import Signals, out_of_scope
from index.search import Fuse, Hit, Ranking
from index.tokens import pairs, prefix, terms

LEXICAL_WEIGHT = 0.35  # BM25 over the question's best BM25, against the cosine (which spans about 0.1-0.7)
AREA_BOOST = 0.15  # a named area, in cosine units
HIGH = 0.35  # a cosine close in meaning on its own
LOW = 0.125  # close enough with the question's words in the text, its area named or a rare phrase shared
MIN_COVERAGE = 0.35  # of the question's content words, weighted by rarity, found in the text
SURE_COVERAGE = 1.0  # every content word in the text answers, whatever the cosine
PHRASE_SHARE = 0.05  # a phrase in more of the entries than this is the framework's boilerplate


def weighted(dense: np.ndarray, lexical: np.ndarray, area: np.ndarray) -> np.ndarray:
    top_lex = float(lexical.max()) if len(lexical) else 0.0
    return dense + (LEXICAL_WEIGHT * lexical / top_lex if top_lex > 0 else 0.0) + AREA_BOOST * area


def coverage(residual: list[str], entry_terms: frozenset[str], lexical: BM25Ranker) -> float:
    """Share of the question's content words in the entry's text, each weighted by its IDF."""
    words = set(residual)
    total = sum(lexical.idf(w) for w in words)
    if not total:
        return 0.0
    found = 0.0
    for w in words:
        if w in entry_terms or prefix(w) in entry_terms or any(c in entry_terms for c in lexical.completions(w)):
            found += lexical.idf(w)
    return found / total


def shares_phrase(words: list[str], entry_terms: frozenset[str], lexical: BM25Ranker) -> bool:
    """Whether two neighbouring content words of the question stand together in the entry's text, and rarely
    elsewhere in the framework."""
    return any(p in entry_terms and lexical.share(p) <= PHRASE_SHARE for p in pairs(words))


@dataclass(frozen=True)
class HandRanker:
    """The hand ranking and gate as `Answerer.tuned(unfitted=...)` takes them."""

    @property
    def fuse(self) -> Fuse:
        return weighted

    def signals(self, answerer: Answerer, ranking: Ranking, hit: Hit) -> Signals:
        ranker = answerer.ranker
        lexical = ranker.lexical
        named = answerer.names_area(ranking, hit.entry)
        entry = answerer.entries[hit.entry]
        found = {t for t, names in ranking.bridged.items() if entry.area in names}
        cover = coverage(ranking.residual, lexical.term_sets[hit.entry] | found, lexical)
        scope = out_of_scope(ranking.residual, lexical)
        # Names that narrow the framework, and its owner ("Monzo"): "Monzo's share price" is not close to a
        # cell about Monzo's engineers, so the cosine without them counts.
        names = ranker.name_positions(ranking.detected)
        rest_dense = None
        if names and not named and not scope:
            rest = " ".join(w for i, w in enumerate(ranking.detected.words) if i not in names)
            if terms(rest):
                rest_dense = ranker.dense.entry_score(answerer.embedder.encode_query(rest), hit.entry)
        phrase = shares_phrase(ranker.own_terms(ranking.detected), lexical.term_sets[hit.entry], lexical)
        return Signals(hit.dense, cover, named, scope, rest_dense, phrase)

    def decide(self, s: Signals) -> bool:
        if s.out_of_scope:
            return False
        dense = s.dense
        if s.dense_rest is not None and not s.named_area and s.cover < MIN_COVERAGE:
            dense = s.dense_rest
        if dense >= HIGH or s.cover >= SURE_COVERAGE:
            return True
        if dense < LOW:
            return False
        return s.named_area or s.phrase or s.cover >= MIN_COVERAGE


HAND = HandRanker()
