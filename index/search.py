"""Ranking entries for a question. Dense cosine over entry and paragraph documents."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from index.store import LoadedIndex


@dataclass(frozen=True)
class Hit:
    entry: int  # position in LoadedIndex.entries
    score: float  # higher is better; comparable within one ranker
    paragraphs: tuple[int, ...]  # paragraphs of the cell that matched best, () for the whole cell


class DenseRanker:
    name = "dense"

    def __init__(self, index: LoadedIndex) -> None:
        self.index = index
        self._entry_of = np.array([d.entry for d in index.documents], dtype=np.int64)
        self._para_of = np.array([d.paragraph for d in index.documents], dtype=np.int64)
        # A private, contiguous copy: scoring must not depend on the files staying on disk.
        self._vectors = np.array(index.vectors, dtype=np.float32, copy=True)

    def rank(self, query_vector: np.ndarray, limit: int = 10) -> list[Hit]:
        if not len(self._vectors):
            return []
        scores = self._vectors @ query_vector
        best: dict[int, float] = {}
        best_para: dict[int, int] = {}
        for doc in np.argsort(-scores):
            entry = int(self._entry_of[doc])
            score = float(scores[doc])
            if entry not in best:
                best[entry] = score
                best_para[entry] = int(self._para_of[doc])
            if len(best) >= limit and score < min(best.values()):
                break
        ranked = sorted(best.items(), key=lambda kv: -kv[1])[:limit]
        return [Hit(e, s, () if best_para[e] < 0 else (best_para[e],)) for e, s in ranked]
