"""Fitting the answerer's weights and confidence thresholds, and scoring them on frameworks left out.

Every framework a company brings is one the ranker has never seen, so a figure that counts is one
where nothing was fitted on the framework being scored: for each framework, the weights are chosen
on the others (best mean top-1, each framework counted once), then the gate's thresholds on the
others' questions under those weights (best mean balanced accuracy: answered on-topic questions
and refused off-topic ones, equally). The shipped constants are the same fit on every framework.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from index.confidence import SHIPPED, Gate, Signals
from index.search import SHIPPED_WEIGHTS, Weights

# The grids searched. Coarse on purpose: a fine grid fitted on a few hundred questions fits their noise.
WEIGHT_GRID = [Weights(lexical, boost) for lexical in (0.15, 0.25, 0.35) for boost in (0.10, 0.15, 0.20)]
HIGH_GRID = np.round(np.arange(0.30, 0.601, 0.025), 3)
LOW_GRID = np.round(np.arange(0.10, 0.401, 0.025), 3)
COVERAGE_GRID = np.round(np.arange(0.20, 0.901, 0.05), 3)
SURE_GRID = (0.8, 0.9, 1.0, 1.01)  # 1.01: never sure by coverage alone
TIE = 0.001  # mean balanced accuracy closer than this to the best is a tie (fit_gate)


@dataclass(frozen=True)
class Asked:
    """One question asked under one set of weights."""

    framework: str
    off_topic: bool
    right: bool  # the first quote (or suggestion) is right; False for off-topic questions
    signals: Signals | None  # None: the answer did not come through the gate (a level overview, a list)
    confident: bool  # what the shipped gate said


@dataclass(frozen=True)
class Fitted:
    weights: Weights
    gate: Gate


@dataclass(frozen=True)
class Scores:
    top1: float
    answered: float
    refused: float
    on_topic: int
    off_topic: int


def _mean(values: Sequence[bool]) -> float:
    return float(np.mean(values)) if len(values) else float("nan")


def _decisions(asked: Sequence[Asked], gates: list[Gate]) -> np.ndarray:
    """(len(gates), len(asked)) booleans: whether each gate answers each question. Vectorised: the
    grid search runs thousands of gates over hundreds of questions."""
    n = len(asked)
    dense = np.array([a.signals.dense if a.signals else 0.0 for a in asked])
    rest = np.array([a.signals.dense_rest if a.signals and a.signals.dense_rest is not None else np.nan
                     for a in asked])
    cover = np.array([a.signals.cover if a.signals else 0.0 for a in asked])
    named = np.array([bool(a.signals and a.signals.named_area) for a in asked])
    phrase = np.array([bool(a.signals and a.signals.phrase) for a in asked])
    scope = np.array([bool(a.signals and a.signals.out_of_scope) for a in asked])
    gated = np.array([a.signals is not None for a in asked])
    fixed = np.array([a.confident for a in asked])
    high = np.array([g.high for g in gates])[:, None]
    low = np.array([g.low for g in gates])[:, None]
    need = np.array([g.min_coverage for g in gates])[:, None]
    sure = np.array([g.sure_coverage for g in gates])[:, None]
    use_rest = ~np.isnan(rest)[None, :] & ~named[None, :] & (cover[None, :] < need)
    d = np.where(use_rest, np.nan_to_num(rest)[None, :], dense[None, :])
    middle = (d >= low) & (named[None, :] | phrase[None, :] | (cover[None, :] >= need))
    decided = ~scope[None, :] & ((d >= high) | middle | (cover[None, :] >= sure))
    return np.where(gated[None, :], decided, fixed[None, :]) if n else np.zeros((len(gates), 0), dtype=bool)


def _by_framework(asked: Sequence[Asked]) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {}
    for i, a in enumerate(asked):
        groups.setdefault(a.framework, []).append(i)
    return groups


def fit_gate(asked: Sequence[Asked]) -> Gate:
    """The thresholds with the best mean balanced accuracy over the frameworks in `asked`."""
    gates = [Gate(h, lo, c, sc) for h, lo, c, sc in itertools.product(HIGH_GRID, LOW_GRID, COVERAGE_GRID, SURE_GRID)
             if lo <= h]
    decided = _decisions(asked, gates)
    off = np.array([a.off_topic for a in asked])
    per_framework = []
    for rows in _by_framework(asked).values():
        on_rows = [i for i in rows if not off[i]]
        off_rows = [i for i in rows if off[i]]
        answered = decided[:, on_rows].mean(axis=1) if on_rows else np.ones(len(gates))
        refused = (~decided[:, off_rows]).mean(axis=1) if off_rows else np.ones(len(gates))
        per_framework.append((answered + refused) / 2)
    score = np.mean(per_framework, axis=0)
    # Ties go to the gate nearest the shipped one, so the fit only moves where the questions say so. A
    # gate that answers one question more in one framework and one fewer in another is a tie too: the
    # frameworks' sizes differ, so such a trade still scores a hair apart (well under TIE), and it is no
    # evidence either way. One whole question more, net, is worth about 1/(2 x 35 x frameworks) > TIE.
    distance = np.array([
        abs(g.high - SHIPPED.high) + abs(g.low - SHIPPED.low) + abs(g.min_coverage - SHIPPED.min_coverage)
        + abs(g.sure_coverage - SHIPPED.sure_coverage)
        for g in gates
    ])
    near_best = score >= score.max() - TIE
    best = np.lexsort((distance, ~near_best))[0]
    return gates[int(best)]


def top1(asked: Sequence[Asked]) -> float:
    """Mean top-1 over frameworks, each framework counted once."""
    shares = [_mean([asked[i].right for i in rows if not asked[i].off_topic])
              for rows in _by_framework(asked).values()]
    shares = [s for s in shares if not np.isnan(s)]
    return float(np.mean(shares)) if shares else float("nan")


def fit(runs: dict[Weights, list[Asked]], frameworks: set[str]) -> Fitted:
    """Weights, then thresholds, fitted on the questions of `frameworks` only."""

    def only(asked: list[Asked]) -> list[Asked]:
        return [a for a in asked if a.framework in frameworks]

    def key(w: Weights) -> tuple[float, float]:
        nearness = abs(w.lexical - SHIPPED_WEIGHTS.lexical) + abs(w.area_boost - SHIPPED_WEIGHTS.area_boost)
        return (round(top1(only(runs[w])), 6), -nearness)

    weights = max(runs, key=key)
    return Fitted(weights, fit_gate(only(runs[weights])))


def score(asked: Sequence[Asked], gate: Gate) -> Scores:
    decided = _decisions(asked, [gate])[0] if asked else np.zeros(0, dtype=bool)
    on = [i for i, a in enumerate(asked) if not a.off_topic]
    off = [i for i, a in enumerate(asked) if a.off_topic]
    return Scores(
        top1=_mean([asked[i].right for i in on]),
        answered=_mean([bool(decided[i]) for i in on]),
        refused=_mean([not decided[i] for i in off]),
        on_topic=len(on),
        off_topic=len(off),
    )


def leave_one_out(runs: dict[Weights, list[Asked]]) -> dict[str, tuple[Fitted, Scores]]:
    """For each framework: what was fitted without it, and how that scores on it."""
    frameworks = sorted({a.framework for asked in runs.values() for a in asked})
    out: dict[str, tuple[Fitted, Scores]] = {}
    for held_out in frameworks:
        others = set(frameworks) - {held_out}
        if not others:
            continue
        fitted = fit(runs, others)
        mine = [a for a in runs[fitted.weights] if a.framework == held_out]
        out[held_out] = (fitted, score(mine, fitted.gate))
    return out
