"""The gate (index/confidence.py): the fitted model's probability against its threshold, and the pay, leave and
benefits feature it weighs."""

from __future__ import annotations

from index.bm25 import BM25Ranker
from index.confidence import Gate, Signals, out_of_scope
from index.tokens import terms


def test_a_pay_question_is_out_of_scope_unless_the_framework_speaks_of_pay() -> None:
    silent = BM25Ranker(["Reviews colleagues' designs.", "Leads incident resolution."])
    assert out_of_scope(terms("what is the salary of a senior engineer?"), silent)
    assert not out_of_scope(terms("who leads incident resolution?"), silent)
    # A framework that writes about salaries may answer the question: it is no longer out of scope.
    speaks = BM25Ranker(["Salary bands are reviewed each year.", "Leads incident resolution."])
    assert not out_of_scope(terms("what is the salary of a senior engineer?"), speaks)


def test_the_gate_answers_at_the_fitted_threshold_and_never_without_a_probability() -> None:
    gate = Gate(0.4)
    seen = Signals(dense=0.9, cover=1.0, named_area=True, out_of_scope=False)
    assert gate.decide(Signals(0.1, 0.0, False, False, probability=0.4))
    assert not gate.decide(Signals(0.9, 1.0, True, False, probability=0.39))
    # However close the cosine and the words, no probability (no model ranked it) is no answer.
    assert not gate.decide(seen)
