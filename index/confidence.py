"""Whether the framework answers a question at all: the fitted model's probability, against its threshold.

The fitted ranker (index/ranking.py) gives each candidate the probability that it is the right
answer; the question is answered when the best candidate's probability reaches the threshold fitted
with the model (index/fitted.json, written by `careerfw eval --fit`). Nothing here is set by hand but
the one feature below.

Career frameworks describe expectations, never pay, leave or benefits; a question about those is out of
scope for any text that does not use the word: a framework may well speak of leave in one section, and
that section may answer it, but not a level's cell that never mentions it. That is a feature the model
weighs (`out_of_scope`, per candidate), not a decision of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from index.bm25 import BM25Ranker
from index.embedder import language_words
from index.spelling import LOOSE_MIN, near
from index.tokens import stem

# Topics people ask an HR bot about that career frameworks do not cover. Read as stems, so a form
# the stemmer folds ("salaries", "wages", "earning", "holidays") is not written again.
OUT_OF_SCOPE = frozenset(
    stem(w)
    for w in """salary pay paid payslip payroll wage earn bonus bonuses compensation equity pension vacation holiday
    leave pto sick sickness maternity paternity parental benefits perks expenses overtime raise budget""".split()
)
_TOPICS = sorted(OUT_OF_SCOPE)  # as `spelling.near` reads them


@dataclass(frozen=True)
class Signals:
    """What the gate sees of a question's best match: the model's probability, and the features `careerfw ask
    --explain` shows beside it."""

    dense: float  # cosine of the best match
    cover: float  # share of the question's content words in the match's text, weighted by rarity
    named_area: bool  # the question names the match's area
    out_of_scope: bool  # the question is about pay, leave or benefits and the match's text never mentions them
    # The cosine of the question without its level/role/craft names and the owner's name.
    dense_rest: float | None = None
    # The question and the text share a rare phrase of two content words ("writing blog posts").
    phrase: bool = False
    # The fitted model's probability that the match is the answer (index/ranking.py); None from a ranking
    # `careerfw_tools` measures that has no model.
    probability: float | None = None


@dataclass(frozen=True)
class Gate:
    """The gate: answered when the fitted model's probability that the best match is right reaches the
    threshold fitted with it (index/fitted.json)."""

    threshold: float

    def decide(self, s: Signals) -> bool:
        return s.probability is not None and s.probability >= self.threshold


def scope_words(residual: list[str], lexical: BM25Ranker) -> list[str]:
    """The question's words that ask about pay, leave or benefits, whether or not the text uses them: a text that
    does not is out of scope for it (index/ranking.py reads them per entry)."""
    return [w for w in dict.fromkeys(residual) if _asks_out_of_scope(w, lexical)]


def _asks_out_of_scope(word: str, lexical: BM25Ranker) -> bool:
    """`word` is one of the topics above, or a short form of one ("comp" for compensation) that the text never
    uses. A short form is read as any unknown short word is (BM25Ranker.completions), the topics standing in
    for the text: taken for a topic only when the text's own words do not explain it, so "comp" in a framework
    whose only comp- words are "company" and "complex" asks about compensation, as people use it. So is a slip
    of a topic ("saary", "bonuss", "padi"), read as a slip of the text's own words is (index/spelling.py): taken
    for the topic only when no word of the text is as near and the language has no such word ("wage" is not a
    slip of "page", nor "leve" of "leave" where the text says "level")."""
    if word in OUT_OF_SCOPE:
        return True
    if lexical.known(word) or len(word) < LOOSE_MIN or lexical.completions(word):
        return False
    if any(topic.startswith(word) and not lexical.known(topic) for topic in OUT_OF_SCOPE):
        return True
    return word.isalpha() and word not in language_words() and not lexical.slipped(word) and any(
        not lexical.known(topic) for topic in near(word, _TOPICS))
