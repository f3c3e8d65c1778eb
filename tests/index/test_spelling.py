"""One rule for how loosely a typed word is read (index/spelling.py): BM25's unknown words and a craft's
misspelt `parent:` allow the same slips for a word of the same length, two swapped letters counting one,
on words made up for the test."""

from __future__ import annotations

from index.bm25 import BM25Ranker
from index.checks import _near
from index.spelling import LOOSE_MIN, slips

# (typed, meant, read as the word): one slip at any length; two only on a word of nine letters or more.
PAIRS = [
    ("platfrom", "platform", True),  # two swapped letters: one slip
    ("plotfarm", "platform", False),  # two letters changed in eight: two slips, too many
    ("depolyemnt", "deployment", True),  # two swaps in ten letters: two slips, allowed
    ("dplymnt", "deployment", False),  # three letters dropped
]


def test_a_longer_word_may_carry_more_slips_never_fewer() -> None:
    allowed = [slips(n) for n in range(1, 30)]
    assert allowed == sorted(allowed) and allowed[0] == 1 and allowed[-1] > 1


def test_bm25_and_check_read_the_same_misspellings() -> None:
    bm25 = BM25Ranker(["Owns the platform roadmap.", "Plans each deployment."])
    for typed, meant, read in PAIRS:
        assert (bm25.completions(typed) == [meant]) is read, typed
        assert _near(typed, meant) is read, typed


def test_a_word_shorter_than_the_loose_minimum_is_completed_to_nothing() -> None:
    bm25 = BM25Ranker(["Executes the plan.", "Reviews the execution."])
    assert len("exec") == LOOSE_MIN and bm25.completions("exec") == ["execute", "execution"]
    assert bm25.completions("exe") == []
