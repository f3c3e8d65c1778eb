"""Lexical ranking: BM25 (bm25s) over the index's own tokenizer, built once per loaded index."""

from __future__ import annotations

import bisect
import math
import os.path

import numpy as np

from index.spelling import LOOSE_MIN, near, respelt
from index.tokens import MEMO, STOPWORDS, asked_pairs, expand, pairs, stem, terms, words

# Letters the words an abbreviation could stand for must share beyond it ("exec" -> "execut-").
ROOT_PAST = 2
# A phrase of two neighbouring content words ("blog+post") is indexed as a term of its own and counts
# half a word: evidence on top of its words, never enough alone to outrank a text with more of them.
# `careerfw eval` with 0.25, 0.5, 0.75 and 1.0 (docs/evaluation.md): at 0.75 and 1.0 the fitted weights
# moved off the shipped ones and held-out refusal fell below 0.95; 0.25 gained nothing.
PAIR_WEIGHT = 0.5


class BM25Ranker:
    name = "bm25"

    def __init__(self, texts: list[str]) -> None:
        self.size = len(texts)
        corpus = [expand(terms(t)) + pairs(_in_order(t)) for t in texts]
        # Each term's number, in the order the texts first use it: the one map from a term to what is kept of it
        # (its idf, the texts holding it), and the one place its string is kept, whichever text it came from.
        self._ids = {t: i for i, t in enumerate(dict.fromkeys(t for doc in corpus for t in doc))}
        self._sorted_vocab = sorted(t for t in self._ids if not t.startswith("~") and "+" not in t)
        # Which texts hold each term, ascending, for "does this entry contain the question's words" without
        # re-tokenizing: one array of rows and each term's span in it. A set of terms per text and an array
        # of rows per term held the same twice over, in about 5 MB more on GOV.UK's 757 entries and 6,900
        # terms (each small array is an object of its own, three while a restart unpickles it; issue 23).
        holders: list[list[int]] = [[] for _ in self._ids]
        for row, doc in enumerate(corpus):
            for t in dict.fromkeys(doc):
                holders[self._ids[t]].append(row)
        # Where each term's rows (and their scores) start and end, as Python ints: read for every question term.
        self._bounds: list[int] = np.cumsum([0] + [len(rows) for rows in holders]).tolist()
        self._held = np.array([row for rows in holders for row in rows], dtype=np.int64)
        self._held.flags.writeable = False
        self._idf = [_idf(self.size, len(rows)) for rows in holders]
        self.unknown_idf = _idf(self.size, 0)
        self._scored = _scores_beside(corpus, self._ids, self._held, self._bounds)
        # An unknown word's completions depend only on these texts: each is looked up once, then kept.
        self._completed: dict[str, tuple[str, ...]] = {}

    def known(self, term: str) -> bool:
        return term in self._ids

    def holding(self, term: str) -> np.ndarray:
        """The rows of the texts that hold `term`, ascending (none for a term no text holds); read-only."""
        i = self._ids.get(term)
        if i is None:
            return self._held[:0]
        return self._held[self._bounds[i]:self._bounds[i + 1]]

    def idf(self, term: str) -> float:
        """How rare a word is in these texts; a word they never use is the rarest of all."""
        i = self._ids.get(term)
        return self.unknown_idf if i is None else self._idf[i]

    def completions(self, term: str) -> list[str]:
        """Indexed words an unknown short word abbreviates ("exec" -> "executive", "execution").

        Only when the words it could stand for share one root past what was typed: "collab" is
        "collaborat-" whichever word follows, but "comp" could be "company", "complex" or "competent",
        and a word that could be anything is no abbreviation."""
        if len(term) < LOOSE_MIN or term in self._ids:
            return []
        found = self._completed.get(term)
        if found is None:
            found = tuple(self._complete(term))
            if len(self._completed) < MEMO:  # a bound on memory only: an unkept word is worked out again
                self._completed[term] = found
        return list(found)

    def _complete(self, term: str) -> list[str]:
        i = bisect.bisect_left(self._sorted_vocab, term)
        out: list[str] = []
        while i < len(self._sorted_vocab) and self._sorted_vocab[i].startswith(term):
            out.append(self._sorted_vocab[i])
            i += 1
        if len(out) > 1 and len(os.path.commonprefix(out)) < len(term) + ROOT_PAST:
            return []
        return out or self._respelt(term)

    def slipped(self, term: str) -> list[str]:
        """The indexed words an unknown word is one slip of, or two when long (`spelling.near`), whatever its
        length: the words of the text it could be typed for."""
        return [] if term in self._ids else near(term, self._sorted_vocab)

    def _respelt(self, term: str) -> list[str]:
        """The one indexed word a long unknown word is a slip of ("aprover" for "approver"; `spelling.respelt`)."""
        found = respelt(term, self._sorted_vocab)
        return [found] if found else []

    def scores(self, query_terms: list[str], extra: list[str] | None = None) -> np.ndarray:
        """One BM25 score per text (0 where no query term occurs). `query_terms` are the question's words in
        order (neighbours also count as a phrase); `extra` are words lent to it (no phrases)."""
        query = list(query_terms) + list(extra or ())
        for t in query_terms:
            query.extend(self.completions(t))
        known = [t for t in dict.fromkeys(expand(query)) if t in self._ids]
        phrases = [p for p in dict.fromkeys(asked_pairs(list(query_terms))) if p in self._ids]
        # Scores are never negative, so the words' sum taken as it is equals adding it to zeros.
        out = self._summed(known) if known and self.size else np.zeros(self.size, dtype=np.float32)
        if phrases and self.size:
            out += PAIR_WEIGHT * self._summed(phrases)
        return out

    def _summed(self, found: list[str]) -> np.ndarray:
        """The BM25 scores of indexed terms, bm25s's own precomputed per-text scores (`_scores_beside`) added
        in one `np.add.at`, which adds in the order given, so each text's float32 sum is the one
        `bm25s.BM25.get_scores` makes term by term, without its per-call conversions and per-term loop (half
        its time)."""
        bounds = self._bounds
        spans = [(bounds[i], bounds[i + 1]) for i in map(self._ids.__getitem__, found)]
        out = np.zeros(self.size, dtype=np.float32)
        np.add.at(out, np.concatenate([self._held[lo:hi] for lo, hi in spans]),
                  np.concatenate([self._scored[lo:hi] for lo, hi in spans]))
        return out

    def score_text(self, text: str) -> np.ndarray:
        return self.scores(terms(text))


def _scores_beside(corpus: list[list[str]], ids: dict[str, int], held: np.ndarray, bounds: list[int]) -> np.ndarray:
    """Each (term, text) pair's BM25 score as bm25s scores it, in `held`'s order: bm25s's index is built and
    read here once, so neither its own numbering of the terms nor its copy of the rows is kept beside this
    ranker's (about 0.7 MB of GOV.UK DDaT's restart; issue 23). Imported to build only: its package brings
    scipy and tqdm, which answering never uses, so a ranker a restart loads leaves them out of the process."""
    out = np.zeros(len(held), dtype=np.float32)
    if not len(held):
        return out
    import bm25s

    built = bm25s.BM25()
    built.index(corpus, show_progress=False)
    data, rows, starts = built.scores["data"], built.scores["indices"], built.scores["indptr"]
    for term, i in ids.items():
        j = built.vocab_dict[term]
        lo, hi = int(starts[j]), int(starts[j + 1])
        # bm25s lists a term's texts in its own order; `held` lists them ascending.
        out[bounds[i]:bounds[i + 1]] = data[lo:hi][np.argsort(rows[lo:hi], kind="stable")]
    return out


def _idf(size: int, using: int) -> float:
    """How rare a word used by `using` of `size` texts is: BM25's smoothed idf, kept positive even for a
    word every text uses; a word no text uses (`using` 0) is the rarest."""
    return math.log((size + 1) / (using + 0.5))


def _in_order(text: str) -> list[str]:
    """A text's content words in order, as the phrases of `pairs` are read from it."""
    return [stem(w) for w in words(text) if w not in STOPWORDS]
