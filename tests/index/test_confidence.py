"""The confidence gate's signals (index/confidence.py): a rare phrase the question shares with a text
is a sign of its topic, the framework's boilerplate is not."""

from __future__ import annotations

from index.bm25 import BM25Ranker
from index.confidence import shares_phrase


def test_a_rare_shared_phrase_is_a_sign_of_the_topic_a_common_one_is_not() -> None:
    texts = ["Writes blog posts about the team's systems."] + [f"Senior engineers own area {i}." for i in range(30)]
    bm25 = BM25Ranker(texts)
    assert shares_phrase(["write", "blog", "post"], bm25.term_sets[0], bm25)
    assert not shares_phrase(["blog", "write"], bm25.term_sets[0], bm25)  # the words, not the phrase
    # "senior engineer" is in every other text: the framework's boilerplate, not the question's topic.
    assert not shares_phrase(["senior", "engineer"], bm25.term_sets[1], bm25)
