"""The fitted ranker and gate: named features of each candidate entry, and one logistic regression over them.

Every candidate (an entry the question's names allow, or a general section of a named level's craft)
gets the same named features: how close it is in meaning, how well BM25 finds the question's words in
its text and in its labels, how strongly the question names its area, level and craft, how much of the
question's own vocabulary it holds, and what kind of entry it is. One logistic regression turns them
into the probability that the entry is the right answer: candidates are ranked by it, and the question
is answered when the best candidate's probability reaches the fitted threshold. The weights, the
features' means and scales and the threshold are in `fitted.json` beside this module, written by
`careerfw eval --fit` (careerfw_tools/fitting.py), which fits them leave-one-framework-out on every
framework with questions; nothing here is set by hand.

The features are computed in one place, `Features.extract`, from what the question reading gives
(today `Detected` from index/aliases.py), so another reading of the question can feed them later.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, get_args

import numpy as np

from index.aliases import EXACT, Detected, Structure
from index.bm25 import BM25Ranker
from index.documents import lexical_text
from index.embedder import language_words
from index.entry import Entry, Layout
from index.spelling import FEWEST_LETTERS
from index.tokens import MEMO, STOPWORDS, asked_pairs, of_substance, prefix, terms, words

FITTED_PATH = Path(__file__).resolve().parent / "fitted.json"

# Each feature, in the order of a row, with what it measures (printed by `careerfw eval`).
FEATURES: dict[str, str] = {
    "dense": "the entry's best paragraph cosine to the question",
    "dense_gap": "that cosine minus the best candidate's (0 for the closest)",
    "dense_rest": "the cosine of the question without its level/role/craft names and the owner's name",
    "bm25_text": "BM25 of the question's content words on the entry's text, over the best entry's",
    "bm25_labels": "BM25 of the question's words on the entry's labels (area, level, craft, section, role)",
    "rank": "the mean of 1/rank by the cosine and by text BM25 among the candidates (1 at the top of both)",
    "area_match": "how closely the question names the entry's area (match score, 0 when not named)",
    "area_partial": "the question names the entry's area, not by its whole name: a part ('machine learning' of "
                    "'ML and DL'), another form of its word ('communicate'), or a whole area name it holds",
    "level_match": "how closely the question names the entry's level or role",
    "coverage": "share of the question's content words in the entry's text, weighted by rarity",
    "coverage_all": "every one of the question's content words is in the entry's text",
    "phrase": "rarity of the rarest two-word phrase of the question the entry shares (0: none)",
    "definition": "the entry is a craft page's definition of an area",
    "tier": "the entry is a proficiency tier's row",
    "todo": "the entry is not written yet",
    "out_of_scope": "the question asks about pay, leave or benefits and the entry's text never does",
    "names": "the question names a level, role or craft that narrows the candidates",
    "dense_named": "the cosine of the question without its names, when it names a level, role or craft (0 else)",
    "best_coverage": "the best coverage among the candidates: how much of the question the framework speaks of",
    "unknown": "share of the question's content words, weighted by rarity, that no entry of the framework uses",
    "coverage_best": "the entry holds the most of the question's content words among the candidates (and some)",
    "overview": "the entry's area is its own level's, role's or craft's name: it describes that whole",
    "bare": "the question asks about nothing beyond its names and asking words",
    "overview_bare": "an overview entry, for a question that asks about nothing beyond its names",
    "bm25_area": "BM25 of the question's content words (no level/role/craft names) on the area name, over the best",
    "candidates": "log of the number of candidates the question's names leave",
    "bullet": "the entry is one bullet of a list",
    "prose": "the entry is prose under a heading",
    "faq": "the entry is the answer under a FAQ question",
    "comparison": "the entry is one side of a comparison table",
}
NAMES = tuple(FEATURES)
_COLUMN = {name: i for i, name in enumerate(NAMES)}
# The features of the names a question matched: (feature, kinds of name, whether a partial match).
_NAMED = (("area_match", frozenset({"area"}), False), ("area_partial", frozenset({"area"}), True),
          ("level_match", frozenset({"who"}), False))
# No feature of a named craft's match: a named craft narrows the candidates to its entries (index/search.py), so
# within a question the match is the same for nearly every candidate (192 of the 210 fit rows naming one) and
# only moved the gate, which left out of the fit it moved the wrong way (issue 19; docs/evaluation.md).
_NONE = np.zeros(0, dtype=np.int64)
_NONE.flags.writeable = False


class ModelFileError(ValueError):
    """The fitted constants cannot be used; the message names the file and what is wrong."""


@dataclass(frozen=True)
class Model:
    """A logistic regression over `NAMES`: standardised features, weights, bias, and the gate's threshold."""

    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    threshold: float  # the gate: answered when the best candidate's probability is at least this
    fitted: dict[str, Any]  # provenance: commit, date, question sets, per-framework held-out figures

    def logits(self, x: np.ndarray) -> np.ndarray:
        z = x - self.mean
        z /= self.scale  # in place: the same quotients, one (entries, features) array fewer per question
        return z @ self.weights + self.bias

    def probability(self, x: np.ndarray) -> np.ndarray:
        return self.probability_of(self.logits(x))

    @staticmethod
    def probability_of(logits: np.ndarray) -> np.ndarray:
        """`probability` from logits already computed (the ranker has them: no second product per question)."""
        # A candidate against "no answer" (score 0): the logistic function, written to never overflow.
        return np.exp(-np.logaddexp(0.0, -logits))

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(NAMES),
            "mean": [float(v) for v in self.mean],
            "scale": [float(v) for v in self.scale],
            "weights": [float(v) for v in self.weights],
            "bias": float(self.bias),
            "threshold": float(self.threshold),
            "fitted": self.fitted,
        }

    @classmethod
    def neutral(cls) -> Model:
        """A model that weighs nothing: every candidate alike. For reading the features without constants.
        Every probability is one half, so any threshold up to that answers everything: none is read."""
        n = len(NAMES)
        return cls(np.zeros(n), np.ones(n), np.zeros(n), 0.0, 0.0, {})

    @classmethod
    def from_json(cls, data: Any, where: str) -> Model:
        if not isinstance(data, dict):
            raise ModelFileError(f"{where}: not a JSON object")
        names = data.get("features")
        if names != list(NAMES):
            raise ModelFileError(f"{where}: fitted on features {names}, this code computes {list(NAMES)}; "
                                 "run `careerfw eval --fit`")
        try:
            arrays = [np.array(data["mean"], dtype=np.float64), np.array(data["scale"], dtype=np.float64),
                      np.array(data["weights"], dtype=np.float64)]
            bias, threshold = float(data["bias"]), float(data["threshold"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelFileError(f"{where}: missing or malformed constant: {exc}") from exc
        if any(a.shape != (len(NAMES),) or not np.all(np.isfinite(a)) for a in arrays) \
                or not (math.isfinite(bias) and 0.0 < threshold < 1.0) or np.any(arrays[1] <= 0):
            raise ModelFileError(f"{where}: constants of the wrong size or out of range")
        return cls(arrays[0], arrays[1], arrays[2], bias, threshold, dict(data.get("fitted") or {}))


def load_model(path: Path = FITTED_PATH) -> Model:
    """The constants `careerfw eval --fit` wrote; a clear error when the file is absent or broken."""
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise ModelFileError(f"{path}: cannot read the fitted ranking constants ({exc.strerror or exc}); "
                             "run `careerfw eval --fit`") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ModelFileError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from exc
    return Model.from_json(data, str(path))


@cache
def _shipped() -> Model:
    return load_model(FITTED_PATH)


# What `careerfw eval --fit` answers with while it refits constants this code can no longer read (a feature
# added or renamed): the command that rewrites the file must not need it first.
_STAND_IN: list[Model] = []


def shipped_model() -> Model:
    """The shipped constants, read once per process."""
    return _STAND_IN[-1] if _STAND_IN else _shipped()


@contextmanager
def standing_in(model: Model) -> Iterator[None]:
    """`model` answers as the shipped constants inside the block (only for refitting them)."""
    _STAND_IN.append(model)
    try:
        yield
    finally:
        _STAND_IN.pop()


@dataclass(frozen=True)
class Question:
    """What the features read of a question: its reading by the structure, and the signals the ranker
    already computed for every entry."""

    detected: Detected
    words: list[str]  # every stemmed content word of the question (labels BM25)
    residual: list[str]  # stemmed content words no level/role/craft name accounts for (coverage)
    own: list[str]  # the question's own words in order: no names, no owner (phrases)
    bridged: dict[str, list[str]]  # unknown word -> area names it stands for (index/bridge.py)
    scope: list[str]  # its words that ask about pay, leave or benefits (index/confidence.py scope_words)


def _reciprocal_rank(scores: np.ndarray, allowed: np.ndarray, only_positive: bool,
                     inverse: np.ndarray) -> np.ndarray:
    """Each candidate's 1/rank among the candidates (1 for the first, 0 outside them). `inverse`: 1/1 .. 1/n,
    divided once per index (each quotient is correctly rounded, so the same as dividing per question).

    Only the candidates are sorted: names narrow a large framework to a level's few dozen entries of its hundreds,
    and sorting every entry with the others put last gave them the same places (issue 23). The scores are finite
    (cosines, BM25), so ties keep the entries' order in either sort."""
    rows = np.flatnonzero(allowed)
    fused = np.zeros(len(scores), dtype=np.float64)
    fused[rows[np.argsort(-scores[rows], kind="stable")]] = inverse[:len(rows)]
    return np.where(scores > 0, fused, 0.0) if only_positive else fused


class Features:
    """What the features need of one loaded index, built once with it."""

    def __init__(self, entries: list[Entry], structure: Structure, lexical: BM25Ranker) -> None:
        self.size = len(entries)
        self.structure = structure
        self._entries = entries
        self._runs: list[str] | None = None
        self.lexical = lexical
        self.labels = BM25Ranker([" ".join(x for x in (e.area, e.level, e.craft, e.section, e.role) if x)
                                  for e in entries])
        self._word_rows: dict[str, np.ndarray] = {}
        # Each area name's rows, so a word bridged to an area marks them without reading every entry per question.
        in_area: dict[str, list[int]] = {}
        for i, e in enumerate(entries):
            in_area.setdefault(e.area, []).append(i)
        self._area_rows = {a: np.array(rows, dtype=np.int64) for a, rows in in_area.items()}
        self.areas = BM25Ranker([e.area for e in entries])
        self._inverse_ranks = 1.0 / np.arange(1, self.size + 1, dtype=np.float64)

        # What an entry is, whatever the question: these columns are written once into the matrix each question
        # copies, and only the question's columns are filled in per question.
        fixed: dict[str, list[bool]] = {
            "definition": [e.kind == "definition" for e in entries],
            "tier": [e.kind == "tier" for e in entries],
            "todo": [e.todo for e in entries],
            "overview": [e.is_whole for e in entries],
            # A cell is the layout the others are read against, so it has no feature of its own.
            **{k: [e.layout == k for e in entries] for k in get_args(Layout) if k != "cell"},
        }
        self._fixed = np.zeros((self.size, len(NAMES)), dtype=np.float64)
        for name, column in fixed.items():
            self._fixed[:, _COLUMN[name]] = np.array(column, dtype=np.float64)
        self._overview = self._fixed[:, _COLUMN["overview"]].copy()

    def _having(self, term: str) -> np.ndarray:
        return self.lexical.holding(term)

    def _having_area(self, name: str) -> np.ndarray:
        return self._area_rows.get(name, _NONE)

    def coverage(self, residual: list[str], bridged: dict[str, list[str]]) -> np.ndarray:
        """Per entry: the share of the question's content words in its text, each weighted by its IDF (a word
        the framework never uses weighs most), a word bridged to an area counting as found in that area."""
        return self._coverage(residual, bridged)[0]

    def _coverage(self, residual: list[str], bridged: dict[str, list[str]]) -> tuple[np.ndarray, float]:
        """`coverage`, and the share of the same weight that no entry holds at all."""
        found = np.zeros(self.size, dtype=np.float64)
        words = list(dict.fromkeys(residual))
        total = sum(self.lexical.idf(w) for w in words)
        if not total:
            return found, 0.0
        nowhere = 0.0
        for w in words:
            rows = self._found_in(w)
            areas = bridged.get(w, ())
            if areas:
                rows = np.concatenate([rows, *(self._having_area(name) for name in areas)])
            weight = self.lexical.idf(w)
            if len(rows):
                # Each row the word is in gains its weight once, however often it is listed: the same sums as
                # adding the weight times a mask of those rows (adding 0.0 to the others changes nothing).
                found[rows] += weight
            else:
                nowhere += weight
        return found / total, nowhere / total

    def _found_in(self, word: str) -> np.ndarray:
        """The rows whose text holds `word`, its prefix or a word it abbreviates. A pure function of the index
        and the word, so remembered per index (bounded): questions repeat their words, and each was three or
        more look-ups and array writes per question."""
        rows = self._word_rows.get(word)
        if rows is None:
            parts = [self._having(t) for t in (word, prefix(word), *self.lexical.completions(word)) if t]
            # A row twice is harmless (the rows only mark a mask), so no sorting them into one.
            rows = parts[0] if len(parts) == 1 else np.concatenate(parts) if parts else _NONE
            if not len(rows):
                rows = self._spelt_by(word)
            rows.flags.writeable = False
            if len(self._word_rows) < MEMO:
                self._word_rows[word] = rows
        return rows

    def out_of_scope(self, scope: list[str]) -> np.ndarray | float:
        """Per entry: the question asks about pay, leave or benefits and the entry's text lacks one of its words
        for them. A framework that speaks of leave in one section may answer from it, not from a level's cell
        that never mentions it: "when's the next pay rise?" carried into a level is no question that level's
        text answers because the framework says "pay attention" elsewhere."""
        if not scope:
            return 0.0
        held = np.ones(self.size, dtype=bool)
        for w in scope:
            found = np.zeros(self.size, dtype=bool)
            # The term itself, as scope_words asks whether the text knows it (lexical.known): not `_found_in`'s
            # prefixes and completions.
            found[self._having(w)] = True
            held &= found
        return (~held).astype(np.float64)

    def _spelt_by(self, word: str) -> np.ndarray:
        """The rows where a word the framework never uses is the initials of words it writes in a row: people
        ask about "SLOs" where the text says "service level objectives", "ADRs" where it says "architecture
        decision records". Only a word that is no word of the language (so "set" or "cut" never spell
        "service engineering team"), and only content words in a row: a function word breaks the run."""
        if len(word) < FEWEST_LETTERS or not word.isalpha() or word in language_words():
            return _NONE
        if self._runs is None:
            # Each entry's words as their initials, a space where a function word or number stands: read only
            # when a question first brings such a word, so loading an index costs nothing more.
            self._runs = ["".join(w[0] if w.isalpha() and w not in STOPWORDS else " " for w in self._words(i))
                          for i in range(self.size)]
        return np.array([i for i, run in enumerate(self._runs) if word in run], dtype=np.int64)

    def _words(self, row: int) -> list[str]:
        # Read once per entry for the runs, then only for the rows a question's initials match: not kept.
        return words(lexical_text(self._entries[row], context=False), keep=False)

    def spelt_out(self, residual: list[str]) -> list[str]:
        """The terms of the words the question's unknown words are the initials of (`_spelt_by`), for the
        lexical query to read as the bridge's area names are read: "SLOs" asks for "service level objectives"."""
        out: list[str] = []
        for w in dict.fromkeys(residual):
            if self.lexical.known(w) or self.lexical.completions(w):
                continue
            written: set[str] = set()
            for row in self._spelt_by(w):
                run = self._runs[row] if self._runs is not None else ""
                ws = self._words(int(row))
                start = run.find(w)
                while start >= 0:
                    written.add(" ".join(ws[start:start + len(w)]))
                    start = run.find(w, start + 1)
            out.extend(t for phrase in sorted(written) for t in terms(phrase))
        return out

    def phrase(self, own: list[str]) -> np.ndarray:
        """Per entry: how rare the rarest phrase of two of the question's own words it shares is (IDF over
        the IDF of a phrase no entry uses), 0 when it shares none."""
        out = np.zeros(self.size, dtype=np.float64)
        for p in dict.fromkeys(asked_pairs(own)):
            rows = self._having(p)
            if len(rows):
                out[rows] = np.maximum(out[rows], self.lexical.idf(p) / self.lexical.unknown_idf)
        return out

    def _named(self, detected: Detected) -> dict[str, np.ndarray]:
        """Per feature of a named name (area_match, area_partial, level_match): each entry's
        strongest match, read in one pass over the question's names."""
        out: dict[str, np.ndarray] = {}
        for m in detected.mentions:
            for feature, kinds, partial in _NAMED:
                if not (m.kinds & kinds) or m.partial != partial:
                    continue
                rows = self.structure.rows(m, kinds)
                # Another form of an area's word ("communicate" for Communication) names the area as a part of
                # its name does: no constraint (index/search.py `named_areas`), only evidence. In area_match it
                # shared one weight with the exact names, which within their constrained candidates must yield
                # to the wider areas (area_partial), and the refit weakened it there (issue 19).
                if m.derived and feature == "area_match":
                    feature = "area_partial"
                column = out.get(feature)
                if column is None:
                    column = out[feature] = np.zeros(self.size, dtype=np.float64)
                # A name's match strength: its score over an exact match's.
                column[rows] = np.maximum(column[rows], m.score / EXACT)
            # A whole area name that is a part of another's names part of that one ("responsibilities" of
            # "Responsibilities and privileges"), though the exact name took the alias.
            wider = self.structure.wider(m) if not m.derived else _NONE
            if len(wider):
                column = out.setdefault("area_partial", np.zeros(self.size, dtype=np.float64))
                column[wider] = np.maximum(column[wider], m.score / EXACT)
        return out

    def extract(
        self,
        q: Question,
        dense: np.ndarray,
        dense_rest: np.ndarray | None,
        lexical: np.ndarray,
        narrowed: np.ndarray | None,
        allowed: np.ndarray | None,
        selected: np.ndarray | None = None,
        beside: np.ndarray | None = None,
    ) -> np.ndarray:
        """The (entries, features) matrix, columns in the order of `NAMES`. `narrowed`: the entries the
        question's names select (None: it names none); `allowed`: the candidates. Rows outside `allowed`
        are computed too (they are never ranked). `selected`: what the names select for comparing entries
        (default `narrowed`; each name's entries when they select nothing together, as in a comparison).

        The features relative to other entries (the cosine's gap, 1/rank, the best coverage) compare an
        entry with everything the question's level/role/craft names select, not only with the candidates
        left once a named or carried area (or a definition question) has constrained them: a constraint
        picks among entries, it is no evidence that the one it leaves is the answer. Else a follow-up
        whose carried area leaves one cell ("and is there a cycle to work scheme?" after a level's
        Mastery) would have that cell first by every measure, and the gate would read it as a match.
        """
        n = self.size
        candidates = np.ones(n, dtype=bool) if allowed is None else allowed
        basis = narrowed if selected is None else selected
        # The named levels' crafts' general text is a candidate beside what the names select (index/search.py),
        # so it is compared with them, not ranked last by every relative feature for being outside them.
        allow = np.ones(n, dtype=bool) if basis is None else beside if beside is not None \
            else self.structure.beside(basis)
        if not (allow & candidates).any():
            allow = candidates
        dense = np.asarray(dense, dtype=np.float64)
        lexical = np.asarray(lexical, dtype=np.float64)
        top_dense = float(dense[allow].max()) if allow.any() else 0.0
        top_lex = float(lexical.max()) if n else 0.0
        labels = np.asarray(self.labels.scores(q.words), dtype=np.float64)
        top_labels = float(labels.max()) if n else 0.0
        rest = dense if dense_rest is None else np.asarray(dense_rest, dtype=np.float64)
        cover, unknown = self._coverage(q.residual, q.bridged)
        named = float(narrowed is not None)
        best_cover = float(cover[allow].max()) if allow.any() else 0.0
        bare = float(not any(of_substance(w) for w in q.own))
        areas = np.asarray(self.areas.scores(q.residual), dtype=np.float64)
        top_areas = float(areas[candidates].max()) if candidates.any() else 0.0
        # The matrix starts as the entries' own columns (kind, layout, overview, all computed with the index)
        # and takes the question's columns in place: a scalar is written across its column, nothing is stacked.
        x = self._fixed.copy()
        for name, column in self._named(q.detected).items():
            x[:, _COLUMN[name]] = column > 0 if name == "area_partial" else column
        cols: dict[str, np.ndarray | float] = {
            "dense": dense,
            "dense_gap": dense - top_dense,
            "dense_rest": rest,
            "bm25_text": lexical / top_lex if top_lex > 0 else 0.0,
            "bm25_labels": labels / top_labels if top_labels > 0 else 0.0,
            "rank": (_reciprocal_rank(dense, allow, False, self._inverse_ranks)
                     + _reciprocal_rank(lexical, allow, True, self._inverse_ranks)) / 2.0,
            "coverage": cover,
            "coverage_all": cover >= 1.0,
            "phrase": self.phrase(q.own),
            "out_of_scope": self.out_of_scope(q.scope),
            "names": named,
            # The names' words lift every candidate's cosine, and a follow-up's carried names are written into
            # it: "when's the next pay rise? Senior Engineer" is close to that level's cells by the names alone.
            # So when names narrow the candidates, the cosine that says whether the framework speaks of the
            # topic is the one without them.
            "dense_named": rest * named,
            "best_coverage": best_cover,
            # Words the whole framework never uses ("weather", "lunch", "comp") are the plainest sign that it
            # does not speak of the topic, however close the names and boilerplate make the cosine; unlike
            # `best_coverage` it does not depend on which entries are candidates.
            "unknown": unknown,
            "coverage_best": (cover >= best_cover) & (cover > 0),
            "bare": bare,
            "overview_bare": self._overview * bare,
            "bm25_area": areas / top_areas if top_areas > 0 else 0.0,
            "candidates": math.log1p(float(candidates.sum())),
        }
        for name, column in cols.items():
            x[:, _COLUMN[name]] = column
        return x
