"""Words a framework never uses, bridged to the area names it does use, by the embedding model.

People ask about "hiring" where the framework says "Recruiting", about "teamwork" where it says
"Collaboration", about "docs" where it says "Documentation". BM25 cannot see those; the dense
cosine sees them only blurred by the rest of the question. So each word of a question that the
framework's own text never uses is embedded alone and compared with the framework's area names
(embedded once per loaded index); a close enough name lends its words to the lexical query, and
the word counts as found in that area's text. No synonym list: the model and the content decide.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from index.spelling import FEWEST_LETTERS
from index.tokens import STOPWORDS, stem, terms

# Cosine between a word and an area name for the word to stand for that name. Between unrelated
# pairs (a word and an area it has nothing to do with sit near 0.15-0.35 with this model) and the
# synonyms people use (0.5-0.9: "hiring"/"Recruiting" 0.67, "teamwork"/"Collaboration" 0.64).
BRIDGE = 0.5


class VocabularyBridge:
    def __init__(self, names: list[str], vectors: np.ndarray) -> None:
        self.names = names
        self._vectors = np.asarray(vectors, dtype=np.float32)
        self._row = {name: i for i, name in enumerate(names)}

    @classmethod
    def build(cls, names: list[str], encode: Callable[[list[str]], np.ndarray]) -> VocabularyBridge:
        names = sorted(set(names))
        vectors = encode(names) if names else np.zeros((0, 1), dtype=np.float32)
        return cls(names, vectors)

    def bridge(
        self, words: list[str], known: Callable[[str], bool], encode: Callable[[str], np.ndarray]
    ) -> dict[str, list[str]]:
        """{stem of an unknown word: the area names it stands for}."""
        out: dict[str, list[str]] = {}
        if not self.names:
            return out
        for w in dict.fromkeys(words):
            t = stem(w)
            if len(w) < FEWEST_LETTERS or w.isdigit() or w in STOPWORDS or known(t):
                continue
            sims = self._vectors @ encode(w)
            close = [self.names[i] for i in np.flatnonzero(sims >= BRIDGE)]
            if close:
                out[t] = close
        return out

    def vector(self, name: str) -> np.ndarray | None:
        """The model's vector of an area name, embedded once with the index (None: no area of this index)."""
        row = self._row.get(name)
        return None if row is None else self._vectors[row]

    @staticmethod
    def terms(bridged: dict[str, list[str]]) -> list[str]:
        """The lexical terms the bridged names lend to the query."""
        return [t for names in bridged.values() for name in names for t in terms(name)]
