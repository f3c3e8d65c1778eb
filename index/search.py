"""Ranking entries for a question: dense cosine, BM25, and the hybrid the product ships.

The hybrid reads the question's structure first (index/aliases.py): names of levels, roles and
crafts narrow the candidates to the entries they name, and those words are then taken out of the
lexical query, so "Head of ML" selects the Head of ML page instead of outscoring its content. What
remains is ranked by the fitted model of index/ranking.py over named features of each candidate.
An unfitted fusion of the dense cosine, BM25 and the named areas (reciprocal rank fusion, `rrf`) can
rank the same candidates instead: `careerfw eval` prints it, and both single signals, as the floor.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise
from typing import Literal

import numpy as np

from index import wordtable
from index.aliases import Detected, Structure
from index.blas import DistinctRows, matvec
from index.bm25 import BM25Ranker
from index.bridge import VocabularyBridge
from index.confidence import scope_words
from index.documents import lexical_text
from index.levelnames import LEVEL_WORDS
from index.ranking import Features, Model, Question, shipped_model
from index.store import LoadedIndex
from index.tokens import STOPWORDS, degree_words, ordinals, stem, terms, words

# Words that ask for a number ("how many"), the word table's: "many" alone ("leads many teams") asks for none.
COUNT = wordtable.role("count")
COUNT_OPENER = wordtable.role("count-opener")

# An unfitted fusion: each entry's score from its best cosine, its BM25 score and whether the question names
# its area (1.0, else 0.0). `rrf` is the one `careerfw eval` measures as the floor.
Fuse = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
# "fitted": the logistic regression of index/ranking.py, what the product answers with.
Fusion = Literal["fitted"] | Fuse

RRF_K = 60
LIMIT = 10  # hits a ranker returns unless asked for more: the answer, its runners-up and room to choose


@dataclass(frozen=True)
class Hit:
    entry: int  # position in LoadedIndex.entries
    score: float  # higher is better; comparable within one ranker
    paragraphs: tuple[int, ...]  # paragraphs of the cell that matched best, () for the whole cell
    dense: float = 0.0  # the entry's best cosine
    lexical: float = 0.0  # the entry's BM25 score for the question's content words


@dataclass
class Ranking:
    """One question's ranking. The fitted ranker computes cosines only for the entries it reads (the candidates
    the names leave and what its features compare them with, `HybridRanker.rank`): `doc_scores`, `features`,
    `probability` and `logits` hold every entry's row, but those of other entries are read from cosines of 0."""

    hits: list[Hit]
    detected: Detected
    residual: list[str]  # stemmed content words the structure did not account for
    narrowed: np.ndarray | None = None  # entries the named levels/roles/crafts allow (None: all)
    allowed: np.ndarray | None = None  # the candidates: `narrowed` and the caller's restriction (None: all)
    features: np.ndarray | None = None  # "fitted": (entries, features) of index/ranking.py
    probability: np.ndarray | None = None  # "fitted": each entry's probability of being the answer
    # "fitted": each entry's logit, which the candidates are ordered by: the probability rounds to 1 for several
    # candidates at once (11.27 and 11.01 both print 1.0000), the logit keeps them apart (`ask --explain`).
    logits: np.ndarray | None = None
    best_dense: float = 0.0  # the best cosine among the allowed entries
    bridged: dict[str, list[str]] = field(default_factory=dict)  # unknown word -> area names (index/bridge.py)
    doc_scores: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))


class DenseRanker:
    name = "dense"

    def __init__(self, index: LoadedIndex) -> None:
        self.index = index
        n_entries = len(index.entries)
        entry_of = np.array([d.entry for d in index.documents], dtype=np.int64)
        self._paras = [d.paragraphs for d in index.documents]
        # Scoring must not depend on the build's files staying on disk (a reload prunes old builds): a
        # memory-mapped index is copied. The answerer's own is read into memory (ensure_index) and scored
        # where it lies, so it is held once, in the process and in the state a restart keeps (issue 23).
        vectors = index.vectors
        if isinstance(vectors, np.memmap):
            vectors = np.array(vectors, dtype=np.float32, copy=True)
        self._vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self._rows = DistinctRows(self._vectors)
        # Documents are stored entry by entry, each entry with at least one, so a per-entry maximum
        # is one reduceat over the document scores.
        self._starts = np.searchsorted(entry_of, np.arange(n_entries)) if n_entries else np.zeros(0, np.int64)
        self._ends = np.append(self._starts[1:], len(entry_of)) if n_entries else np.zeros(0, np.int64)
        contiguous = bool(n_entries) and bool(np.all(np.diff(entry_of) >= 0)) and len(np.unique(entry_of)) == n_entries
        if n_entries and not contiguous:
            raise ValueError("index documents are not grouped by entry")
        # The same bounds as Python ints, read per hit (`best_paragraph`) without converting numpy scalars.
        self._bounds = list(zip(self._starts.tolist(), self._ends.tolist(), strict=True))

    @property
    def size(self) -> int:
        return len(self._starts)

    def doc_scores(self, query_vector: np.ndarray) -> np.ndarray:
        # numpy, not torch: the ONNX backends serve without importing torch (about 1.5x torch's
        # matrix-vector time at 20,000 x 384, a few ms; nothing at the size of a real framework).
        # On one BLAS thread: a second one only waits for a core on a busy machine (index/blas.py).
        return matvec(self._vectors, np.asarray(query_vector, dtype=np.float32))

    def doc_scores_of(self, vectors: list[np.ndarray], entries: np.ndarray | None = None) -> list[np.ndarray]:
        """`doc_scores` of each vector (a question's and its rest's) in one pass over the index's vectors
        (index/blas.py, `matvecs`): the same scores, bit for bit, for a fraction of a second pass, each distinct
        vector read once (`DistinctRows`). `entries`: a mask of the entries whose scores will be read (None: all);
        only the blocks of vectors holding their documents are read, and another entry's documents may score 0."""
        docs = None if entries is None else np.repeat(entries, self._ends - self._starts)
        return self._rows.matvecs([np.asarray(v, dtype=np.float32) for v in vectors], docs)

    def entry_scores(self, doc_scores: np.ndarray) -> np.ndarray:
        if not self.size:
            return np.zeros(0, dtype=np.float32)
        return np.maximum.reduceat(doc_scores, self._starts)

    def entry_score(self, query_vector: np.ndarray, entry: int) -> float:
        """One entry's best cosine, without scoring every document."""
        lo, hi = int(self._starts[entry]), int(self._ends[entry])
        return float((self._vectors[lo:hi] @ np.asarray(query_vector, dtype=np.float32)).max())

    def paragraph_scores(self, doc_scores: np.ndarray, entry: int) -> list[tuple[tuple[int, ...], float]]:
        """(paragraphs, cosine) for each document of one entry; () is the whole cell."""
        lo, hi = int(self._starts[entry]), int(self._ends[entry])
        return [(self._paras[d], float(doc_scores[d])) for d in range(lo, hi)]

    def best_paragraph(self, doc_scores: np.ndarray, entry: int) -> tuple[int, ...]:
        # The first best document, as max() over paragraph_scores picks it, without building that list; an
        # entry of one document has no other to pick.
        lo, hi = self._bounds[entry]
        return self._paras[lo if hi - lo == 1 else lo + int(np.argmax(doc_scores[lo:hi]))]

    def rank(self, query_vector: np.ndarray, limit: int = LIMIT) -> list[Hit]:
        if not self.size:
            return []
        docs = self.doc_scores(query_vector)
        scores = self.entry_scores(docs)
        return [
            Hit(int(e), float(scores[e]), self.best_paragraph(docs, int(e)), dense=float(scores[e]))
            for e in top_k(scores, limit)
        ]


class LexicalRanker:
    """BM25 alone over each entry's text and context: the lexical baseline."""

    name = "bm25"

    def __init__(self, index: LoadedIndex) -> None:
        self._bm25 = BM25Ranker([lexical_text(e, context=True) for e in index.entries])

    def rank(self, question: str, limit: int = LIMIT) -> list[Hit]:
        scores = self._bm25.score_text(question)
        return [Hit(int(e), float(scores[e]), (), lexical=float(scores[e])) for e in top_k(scores, limit)]


def top_k(scores: np.ndarray, k: int) -> list[int]:
    """Positions of the k best scores, best first, without sorting everything."""
    n = len(scores)
    if n == 0 or k <= 0:
        return []
    if k < n:
        part = np.argpartition(-scores, k - 1)[:k]
    else:
        part = np.arange(n)
    return part[np.argsort(-scores[part], kind="stable")].tolist()


def content_terms(detected: Detected, owner: frozenset[str] = frozenset()) -> list[str]:
    """Stemmed words of the question that no level, role or craft name explains, nor the framework's
    `owner` ("Monzo"): the text names its owner everywhere, so "how many engineers work at Monzo?" is no
    nearer any cell's topic for that word than for naming a level.

    Area names stay: an area's name is part of its text, so it is evidence for the content too.
    """
    covered = {i for m in detected.mentions if m.kinds & {"who", "craft"} for i in range(m.start, m.end)}
    return stems_outside(detected, covered | degree_words(detected.words), owner)


def stems_outside(detected: Detected, skip: set[int], owner: frozenset[str]) -> list[str]:
    """The question's words stemmed, but those at positions `skip` (names a reader has already used), function
    words and the framework's `owner`: every reader of the question's own words leaves out the same three."""
    return [stem(w) for i, w in enumerate(detected.words) if i not in skip and w not in STOPWORDS and w not in owner]


def _gives_a_number(text: str) -> bool:
    """Whether the text gives a count: a digit or a number word, but no ordinal ("in their first month") and no
    level's number ("as Level 3 engineers do"), which say which one, not how many."""
    ws, ordinal = words(text), ordinals(text)
    return any(w.isdigit() and i not in ordinal and not (i and ws[i - 1] in LEVEL_WORDS) for i, w in enumerate(ws))


class HybridRanker:
    name = "hybrid"

    def __init__(self, index: LoadedIndex, dense: DenseRanker | None = None) -> None:
        self.index = index
        self.dense = dense or DenseRanker(index)
        self.structure = Structure(index.entries)
        # Content only: level/role/craft words in the question are handled by the structure.
        self.lexical = BM25Ranker([lexical_text(e, context=False) for e in index.entries])

    @cached_property
    def features(self) -> Features:
        """What the fitted ranker reads of this index, built the first time it ranks (an unfitted fusion never
        pays for it)."""
        return Features(self.index.entries, self.structure, self.lexical)

    def name_positions(self, detected: Detected) -> set[int]:
        """Word positions of the names that narrow the framework (not one that covers every entry, like the
        only role there is) and of the framework's owner ("Monzo"): words every cell they select shares,
        so they say nothing of the topic."""
        structure = self.structure
        names = {
            i
            for m in detected.mentions
            if m.kinds & {"who", "craft"} and 0 < len(structure.rows(m, {"who", "craft"})) < structure.size
            for i in range(m.start, m.end)
        }
        return names | {i for i, w in enumerate(detected.words) if w in structure.owner_words}

    def named_areas(self, detected: Detected, allowed: np.ndarray | None) -> np.ndarray | None:
        """The candidates narrowed to the areas the question names, for the fitted ranker.

        A named area is a constraint read from the question, as a named level is, not evidence to weigh:
        fitted over frameworks whose area names are also common words, a match-strength feature learns
        almost nothing, and "data level 6 mastery" then picks another area's cell. Only whole names count
        (a part of "Machine Learning and Deep Learning" is too weak), several named areas allow any of them,
        and names that leave no candidate narrow nothing. Another form of a name's word ("lead" for
        Leadership) is no constraint either: "who is expected to lead the resolution of incidents?" asks
        about incidents; it stays evidence for the features.
        """
        here = np.zeros(self.structure.size, dtype=bool)
        for m in detected.of_kind("area"):
            if not m.partial and not m.derived:
                here[self.structure.rows(m, {"area"})] = True
                # An area whose name holds the named one as a part is on that topic too ("Responsibilities and
                # privileges" for "responsibilities"): the features weigh it, a one-line cell need not win alone.
                here[self.structure.wider(m)] = True
                here[self.structure.sides(m, detected.words)] = True  # "the science side of mastery"
                here[self.structure.within(m)] = True  # its sub-sections: "How inactivity is measured"
        # Every level, role or craft the question names must have the area, else it is no constraint:
        # "EM1 vs EM2 for people leadership", where only higher levels have that area, compares the two
        # levels' cells, not the area's cells elsewhere.
        for m in detected.mentions:
            named = self.structure.rows(m, {"who", "craft"}) if m.kinds & {"who", "craft"} and not m.partial else None
            if named is not None and not here[named].any():
                return allowed
        if allowed is not None:
            here &= allowed
        return here if here.any() else allowed

    @cached_property
    def numbered(self) -> np.ndarray:
        """The entries whose text gives a number ("6+ reports", "at least five disciplines", "2 years")."""
        return np.array([_gives_a_number(e.description) for e in self.index.entries], dtype=bool)

    def counted(self, detected: Detected, allowed: np.ndarray | None) -> np.ndarray | None:
        """The candidates narrowed to the entries that give a number, for a question asking how many: text
        without one does not answer it ("how many engineers work at Acme?" is not answered by a cell that says
        Acme's engineers work in squads). A constraint, as a named area is: when no candidate gives a number it
        narrows nothing, and the features, computed before it, compare an entry with all the names select."""
        if not any(a in COUNT_OPENER and b in COUNT for a, b in pairwise(detected.words)):
            return allowed
        here = self.numbered if allowed is None else (self.numbered & allowed)
        return here if here.any() else allowed

    def rest_of(self, detected: Detected) -> str | None:
        """The question without its names and owner (None when it has neither, or nothing else)."""
        names = self.name_positions(detected)
        if not names:
            return None
        rest = " ".join(w for i, w in enumerate(detected.words) if i not in names)
        return rest if terms(rest) else None

    def _lexical_terms(self, detected: Detected) -> list[str]:
        """The question's words for BM25, without the names that narrowed the candidates.

        A name that narrows ("Senior Engineer 1" among several levels) has done its work as structure;
        left in, "engineer" would favour whichever cell happens to say "engineers". A name that narrows
        nothing (the only role of a one-page framework) is just words, and may well be content ("edge ML").
        """
        size = self.structure.size
        narrowing = {
            i
            for m in detected.mentions
            if m.kinds & {"who", "craft"} and not m.partial and len(self.structure.rows(m, {"who", "craft"})) < size
            for i in range(m.start, m.end)
        }
        narrowing |= degree_words(detected.words)
        return stems_outside(detected, narrowing, self.structure.owner_words)  # the owner: no evidence of topic

    def own_terms(self, detected: Detected) -> list[str]:
        """The question's own words, stemmed: none of its names, nor the owner's ("Monzo"), as its phrases are
        read (a level's "senior engineer" is no phrase of the topic)."""
        return stems_outside(detected, detected.covered(), self.structure.owner_words)

    def rank(
        self,
        question: str,
        query_vector: np.ndarray,
        limit: int = LIMIT,
        *,
        fusion: Fusion = "fitted",
        structure: bool = True,
        restrict: np.ndarray | None = None,
        detected: Detected | None = None,
        bridged: dict[str, list[str]] | None = None,
        model: Model | None = None,
        rest_vector: np.ndarray | None = None,
    ) -> Ranking:
        if detected is None:
            detected = self.structure.detect(question) if structure else Detected(words=[])
        residual = content_terms(detected, self.structure.owner_words) if structure else terms(question)
        query = self._lexical_terms(detected) if structure else residual
        # An area named by another form of its word ("lead") asks about it by its name too ("leadership").
        lent = [t for m in detected.of_kind("area") if m.derived for f, v in m.values if f == "area" for t in terms(v)]
        # And a word typed as the initials of words the text writes out ("SLOs") by those words (index/ranking.py).
        if fusion == "fitted":
            lent += self.features.spelt_out(residual)
        lexical = self.lexical.scores(query, lent + VocabularyBridge.terms(bridged or {}))
        narrowed = self.structure.mask(detected.mentions, {"who", "craft"}) if structure else None
        # What the names select, for the fitted ranker's features that compare a candidate with others: when
        # they select nothing together ("EM1 vs EM2"), each selects its own, and those are the comparison.
        selected = narrowed
        # Within the caller's restriction too: two levels compared (index/compose/compare.py) that a page's prose
        # names together select that prose together, which is neither level's, so none of either side.
        if narrowed is not None and not (narrowed if restrict is None else narrowed & restrict).any():
            narrowed = None  # names that select nothing together: rank everything rather than nothing
            selected = np.zeros(self.structure.size, dtype=bool)
            for m in detected.mentions:
                if m.kinds & {"who", "craft"} and not m.partial:
                    selected[self.structure.rows(m, {"who", "craft"})] = True
        allowed = beside = narrowed
        if fusion == "fitted" and narrowed is not None:
            # A named level says who is asked about, not where the answer is written: the fitted ranker also weighs
            # its craft's general sections (Structure.beside), which it tells from the level's own text by
            # `level_match`. RRF, the floor, has no such feature, so it keeps to what the names select.
            allowed = beside = self.structure.beside(narrowed)
        if restrict is not None:
            allowed = restrict if allowed is None else (allowed & restrict)
        features = probability = logits = None
        unnamed = allowed  # the candidates before a named area narrows them: where related answers come from
        if fusion == "fitted" and structure:
            allowed = self.named_areas(detected, allowed)
        # The cosines, once the names have said which entries they are read for: the fitted ranker reads them
        # for the candidates the names leave (`unnamed`, whose hits it shows) and for what its features compare
        # those with (`beside`, or each name's entries when they select nothing together), so a question naming
        # a level reads a few blocks of a large framework's vectors, not all (index/blas.py). RRF ranks every
        # entry, so it reads all of them. The rest's cosines are the fitted ranker's alone.
        read = None
        if fusion == "fitted" and structure and unnamed is not None and unnamed.any():
            compared = beside if narrowed is not None else None if selected is None else self.structure.beside(selected)
            read = None if compared is None else unnamed | compared
        vectors = [query_vector] if fusion != "fitted" or rest_vector is None else [query_vector, rest_vector]
        docs, *rest_docs = self.dense.doc_scores_of(vectors, read)
        dense = self.dense.entry_scores(docs)
        if fusion == "fitted":
            model = model or shipped_model()
            own = self.own_terms(detected)
            # BM25 on the labels keeps the owner's word: a label holding it names something ("Kubernetes
            # Ecosystem"), and leaving it out there too cost a held-out question (docs/evaluation.md).
            asked = Question(detected, terms(" ".join(detected.words)), residual, own, bridged or {},
                             scope_words(residual, self.lexical))
            rest = self.dense.entry_scores(rest_docs[0]) if rest_docs else None
            # The features compare entries within what the names select and its crafts' general sections: the
            # candidates' own `beside` when the names selected something (`selected` is then `narrowed`).
            features = self.features.extract(asked, dense, rest, lexical, narrowed if structure else None, allowed,
                                             selected if structure else None,
                                             beside if structure and narrowed is not None else None)
            score = logits = model.logits(features)
            probability = model.probability_of(score)
            if structure:
                allowed = self.counted(detected, allowed)
        else:
            area = np.zeros(len(dense), dtype=np.float32)
            for m in detected.of_kind("area"):
                # A name matched only in part ("machine learning" of "Machine Learning and Deep Learning") is too
                # weak a sign to count: the words still count through BM25 and the cosine.
                if not m.partial:
                    area[self.structure.rows(m, {"area"})] = 1.0
            score = fusion(dense, lexical, area)
        score = np.asarray(score, dtype=np.float32)
        ranked = score
        if allowed is not None:
            ranked = np.where(allowed, score, -np.inf)
        finite = np.isfinite(ranked)  # one pass over the array, not a scalar call per hit
        order = [e for e in top_k(ranked, limit) if finite[e]]
        if fusion == "fitted" and allowed is not None and len(order) < limit:
            # A named area decides the answer, not what else is relevant: after its cells come the best of the
            # other areas the level/craft names allow, so an answer about one area still offers the neighbouring
            # ones ("Also relevant").
            rest = np.where(~allowed if unnamed is None else (unnamed & ~allowed), score, -np.inf)
            outside = np.isfinite(rest)
            order += [e for e in top_k(rest, limit - len(order)) if outside[e]]
        # The hits' numbers gathered in one step each (tolist gives the same Python floats as float()).
        shown = (probability if probability is not None else score)[order].tolist()
        best = [self.dense.best_paragraph(docs, e) for e in order]
        hits = [Hit(e, s, b, d, x) for e, s, b, d, x in
                zip(order, shown, best, dense[order].tolist(), lexical[order].tolist(), strict=True)]
        pool = dense[allowed] if allowed is not None and allowed.any() else dense
        best_dense = float(pool.max(initial=0.0))
        return Ranking(hits, detected, residual, narrowed, allowed, features, probability, logits, best_dense,
                       doc_scores=docs, bridged=bridged or {})


def rrf(dense: np.ndarray, lexical: np.ndarray, area: np.ndarray) -> np.ndarray:
    """Reciprocal rank fusion of the cosine, BM25 and the named areas: no constant fitted, the floor."""
    return _reciprocal(dense) + _reciprocal(lexical, only_positive=True) + _reciprocal(area, only_positive=True)


def _reciprocal(scores: np.ndarray, only_positive: bool = False) -> np.ndarray:
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(scores), dtype=np.float32)
    ranks[order] = np.arange(1, len(scores) + 1, dtype=np.float32)
    fused = 1.0 / (RRF_K + ranks)
    if only_positive:
        fused = np.where(scores > 0, fused, 0.0)
    return fused
