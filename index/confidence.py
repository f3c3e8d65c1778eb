"""Whether the framework answers a question at all, from signals the ranker already has.

A question is answered when its best entry is close in meaning (cosine >= HIGH), or fairly close
(>= LOW) and either named by area, or sharing a rare phrase with it, or sharing enough of the
question's own content words (weighted by rarity, >= MIN_COVERAGE), or when every one of those words
is in its text (SURE_COVERAGE).

Naming a level proves nothing about the topic: "what's the bonus for a Senior Engineer 2?" is close
to every Senior Engineer 2 cell in meaning only because of those words. So when a question names a
level, role or craft and its own words are not in the text, the cosine that counts is the one of the
question without those names.

Career frameworks describe expectations, never pay, leave or benefits; a question about those is
refused unless this framework's own text uses the word (then it may well answer it). `careerfw eval`
prints what that word list is worth on frameworks held out of the fit ("no word list" row).

The thresholds are what `careerfw eval` fits on every framework in tests/eval (careerfw_tools/
calibrate.py); its per-framework figures are fitted without the framework scored (docs/retrieval.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from index.bm25 import BM25Ranker
from index.tokens import pairs, prefix, stem

HIGH = 0.35  # close in meaning on its own
LOW = 0.125  # close enough when the question's content words are in the text, or its area is named
MIN_COVERAGE = 0.35  # of the question's content words, weighted by rarity, found in the text
# All of the question's words in one text is an answer however the model rates it ("who leads incident
# resolution?" against a long cell that says "Leads incident resolutions" among much else).
SURE_COVERAGE = 1.0

# Topics people ask an HR bot about that career frameworks do not cover. Read as stems, so a form
# the stemmer folds ("salaries", "wages", "earning", "holidays") is not written again.
OUT_OF_SCOPE = frozenset(
    stem(w)
    for w in """salary pay paid payslip payroll wage earn bonus bonuses compensation equity pension vacation holiday
    leave pto sick sickness maternity paternity parental benefits perks expenses overtime raise""".split()
)


@dataclass(frozen=True)
class Signals:
    """What the gate sees of a question's best match."""

    dense: float  # cosine of the best match
    cover: float  # share of the question's content words in the match's text, weighted by rarity
    named_area: bool  # the question names the match's area
    out_of_scope: bool  # the question is about pay, leave or benefits and the text never mentions them
    # The cosine of the question without its level/role/craft names, when it names some (else `dense`):
    # "what's the bonus for a Senior Engineer 2?" is close to that level's cells only by the name.
    dense_rest: float | None = None
    # The question and the text share a phrase of two content words the framework rarely uses
    # ("writing blog posts"): as strong a sign as naming the area.
    phrase: bool = False
    # The fitted model's probability that the match is the answer (index/ranking.py); None for the hand ranker.
    probability: float | None = None


@dataclass(frozen=True)
class Gate:
    """Whether the framework answers a question: the thresholds `careerfw eval` fits and checks."""

    high: float = HIGH
    low: float = LOW
    min_coverage: float = MIN_COVERAGE
    sure_coverage: float = SURE_COVERAGE

    def decide(self, s: Signals) -> bool:
        if s.out_of_scope:
            return False
        dense = s.dense
        if s.dense_rest is not None and not s.named_area and s.cover < self.min_coverage:
            dense = s.dense_rest
        if dense >= self.high or s.cover >= self.sure_coverage:
            return True
        if dense < self.low:
            return False
        return s.named_area or s.phrase or s.cover >= self.min_coverage


SHIPPED = Gate()


@dataclass(frozen=True)
class FittedGate:
    """The fitted ranker's gate: answered when its probability that the best match is right reaches the
    threshold fitted with it (index/fitted.json)."""

    threshold: float

    def decide(self, s: Signals) -> bool:
        return s.probability is not None and s.probability >= self.threshold


AnyGate = Gate | FittedGate


def coverage(residual: list[str], entry_terms: frozenset[str], lexical: BM25Ranker) -> float:
    """Share of the question's content words in the entry's text, each weighted by its IDF.

    Rarity matters: "Monzo" or "team" occur everywhere in a framework and prove little, while a
    word the framework never uses ("price", "weather") is the strongest sign it is not about this.
    """
    words = set(residual)
    total = sum(lexical.idf(w) for w in words)
    if not total:
        return 0.0
    found = 0.0
    for w in words:
        if w in entry_terms or prefix(w) in entry_terms or any(c in entry_terms for c in lexical.completions(w)):
            found += lexical.idf(w)
    return found / total


# A phrase found in more than this share of the entries is the framework's boilerplate
# ("senior engineer", "engineers work"), not a sign of the topic.
PHRASE_SHARE = 0.05


def shares_phrase(words: list[str], entry_terms: frozenset[str], lexical: BM25Ranker) -> bool:
    """Whether two neighbouring content words of the question (names and the owner's name left out)
    stand together in the entry's text, and rarely elsewhere in the framework."""
    return any(p in entry_terms and lexical.share(p) <= PHRASE_SHARE for p in pairs(words))


def out_of_scope(residual: list[str], lexical: BM25Ranker) -> bool:
    return any(w in OUT_OF_SCOPE and not lexical.known(w) for w in residual)
