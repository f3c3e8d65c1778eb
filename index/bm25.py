"""Lexical ranking: BM25 (bm25s) over the index's own tokenizer, built once per loaded index."""

from __future__ import annotations

import bm25s
import numpy as np

from index.tokens import terms


class BM25Ranker:
    name = "bm25"

    def __init__(self, texts: list[str]) -> None:
        self.size = len(texts)
        corpus = [terms(t) for t in texts]
        self._vocab = {t for doc in corpus for t in doc}
        # Each text's words, for "does this entry contain the question's words" without re-tokenizing.
        self.term_sets = [frozenset(doc) for doc in corpus]
        self._bm25 = bm25s.BM25()
        if self.size:
            self._bm25.index(corpus, show_progress=False)

    def scores(self, query_terms: list[str]) -> np.ndarray:
        """One BM25 score per text (0 where no query term occurs)."""
        known = [t for t in dict.fromkeys(query_terms) if t in self._vocab]
        if not known or not self.size:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)

    def score_text(self, text: str) -> np.ndarray:
        return self.scores(terms(text))
