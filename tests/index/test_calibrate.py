"""Fitting the confidence gate (careerfw_tools/calibrate.py) on made-up signals: the vectorised fit
decides as the served gate does, and it moves off the shipped gate only for a real gain."""

from __future__ import annotations

import random

from careerfw_tools.calibrate import Asked, _decisions, fit_gate
from index.confidence import SHIPPED, Gate, Signals


def _signals(rng: random.Random) -> Signals:
    return Signals(
        dense=rng.uniform(0.0, 0.7), cover=rng.choice([0.0, 0.2, 0.3, 0.35, 0.5, 1.0]),
        named_area=rng.random() < 0.2, out_of_scope=rng.random() < 0.05,
        dense_rest=rng.choice([None, rng.uniform(0.0, 0.5)]), phrase=rng.random() < 0.2,
    )


def test_the_fit_decides_every_question_as_the_served_gate_does() -> None:
    rng = random.Random(7)
    asked = [Asked("f", False, True, _signals(rng), True) for _ in range(400)]
    gates = [SHIPPED, Gate(0.5, 0.2, 0.3, 0.9), Gate(0.3, 0.1, 0.8, 1.01)]
    decided = _decisions(asked, gates)
    for g, row in zip(gates, decided, strict=True):
        assert list(row) == [g.decide(a.signals) for a in asked if a.signals]


def _question(framework: str, off: bool, dense: float, cover: float) -> Asked:
    return Asked(framework, off, not off, Signals(dense, cover, False, False), True)


def _framework(name: str, size: int, extra: list[Asked]) -> list[Asked]:
    # Questions every gate of the grid decides alike: clearly on topic, clearly off.
    return [_question(name, False, 0.7, 1.0) for _ in range(size)] + [_question(name, True, 0.0, 0.0)] + extra


def test_a_one_for_one_trade_between_frameworks_does_not_move_the_fit() -> None:
    # Coverage 0.30 with LOW 0.15 answers a's question (coverage 0.31) but no longer b's (cosine 0.13):
    # one question won, one lost, and the frameworks' sizes make that a hair better on paper. (A LOW of
    # 0.125 with coverage 0.30 would keep both but answer b's off-topic question.)
    a = _framework("a", 30, [_question("a", False, 0.25, 0.31)])
    b = _framework("b", 33, [_question("b", False, 0.13, 0.5), _question("b", True, 0.14, 0.31)])
    assert fit_gate(a + b) == SHIPPED


def test_a_whole_question_gained_moves_the_fit() -> None:
    # Answering framework a's question at cosine 0.11 costs nothing anywhere: the fit takes it.
    a = _framework("a", 30, [_question("a", False, 0.11, 0.4)])
    b = _framework("b", 33, [])
    assert fit_gate(a + b).low <= 0.11
