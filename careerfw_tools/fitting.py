"""Fitting the ranker and gate of index/ranking.py: one logistic model, leave one framework out.

For each question the candidates are the entries its names allow, each with the features of
index/ranking.py. The model is a conditional logit with a "no answer" option: an entry's
probability of being the answer is exp(s) / (1 + sum of exp(s) over the candidates), s = w . x + b,
and the rest is the probability that the framework does not answer the question at all. It is
fitted by maximum likelihood (the right entries of an on-topic question; "no answer" for an
off-topic one), each framework counted once and each of its questions alike, with an L2 penalty on
the standardised weights. Candidates are ranked by s; the question is answered when the best
candidate's probability reaches the threshold, chosen on the same frameworks for the best mean
balanced accuracy (on-topic answered, off-topic refused), as the hand gate's grid fit was.

Newton's method on a convex upper bound of the loss (exact when each question has one right entry),
so the fit is deterministic: the same questions give the same constants.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from index.ranking import NAMES, Model

L2 = 0.01  # penalty on the standardised weights, per framework's worth of questions
MAX_STEPS = 100
TOLERANCE = 1e-9


@dataclass(frozen=True)
class Sample:
    """One question's candidates: their features and which are right (none for an off-topic question)."""

    framework: str
    off_topic: bool
    x: np.ndarray  # (candidates, features)
    right: np.ndarray  # (candidates,) bool
    entries: np.ndarray | None = None  # the candidates' positions in the index (for reading)

    @property
    def usable(self) -> bool:
        """Off-topic, or on-topic with a right entry among the candidates (else it says nothing)."""
        return len(self.x) > 0 and (self.off_topic or bool(self.right.any()))


def standardise(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    return mean, np.where(scale > 0, scale, 1.0)


def _segments(samples: Sequence[Sample]) -> tuple[np.ndarray, np.ndarray]:
    sizes = np.array([len(s.x) for s in samples], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    return starts, sizes


def _loss_grad_hess(theta: np.ndarray, z: np.ndarray, right: np.ndarray, off: np.ndarray, starts: np.ndarray,
                    qweight: np.ndarray, l2: float) -> tuple[float, np.ndarray, np.ndarray]:
    """The penalised negative log-likelihood, its gradient and a convex upper bound of its Hessian. `z` is
    (rows, features + 1) with a column of ones for the bias; rows grouped by question from `starts`."""
    s = z @ theta
    q_of = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, len(z))))
    # log of the denominator: the candidates and the "no answer" option (score 0), stably.
    top = np.maximum(np.maximum.reduceat(s, starts), 0.0)
    e = np.exp(s - top[q_of])
    log_denom = top + np.log(np.exp(-top) + np.add.reduceat(e, starts))
    p = np.exp(s - log_denom[q_of])
    # log of the numerator: the right candidates of an on-topic question, "no answer" for an off-topic one.
    masked = np.where(right, s, -np.inf)
    top_right = np.where(off, 0.0, np.maximum.reduceat(masked, starts))
    top_right = np.where(np.isfinite(top_right), top_right, 0.0)
    er = np.where(right, np.exp(np.minimum(masked - top_right[q_of], 0.0)), 0.0)
    log_numer = np.where(off, 0.0, top_right + np.log(np.maximum(np.add.reduceat(er, starts), 1e-300)))
    r = np.zeros(len(s))
    r[right] = np.exp(s[right] - log_numer[q_of][right])
    loss = float(np.sum(qweight * (log_denom - log_numer)))
    wq = qweight[q_of]
    grad = z.T @ (wq * (p - r))
    pz = np.add.reduceat(p[:, None] * z, starts)  # per question, sum of p x
    hess = (z * (wq * p)[:, None]).T @ z - (pz * qweight[:, None]).T @ pz
    penalty = np.ones(len(theta))
    penalty[-1] = 0.0  # the bias is not penalised
    loss += l2 * float(np.sum(penalty * theta**2))
    grad = grad + 2 * l2 * penalty * theta
    hess = hess + np.diag(2 * l2 * penalty + 1e-9)
    return loss, grad, hess


def fit_logit(samples: Sequence[Sample], l2: float = L2) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """(mean, scale, weights, bias) of the conditional logit fitted on `samples`."""
    used = [s for s in samples if s.usable]
    if not used:
        raise ValueError("no question to fit on: every one lacks candidates or a right entry among them")
    frameworks = sorted({s.framework for s in used})
    counts = {f: sum(s.framework == f for s in used) for f in frameworks}
    x = np.vstack([s.x for s in used]).astype(np.float64)
    mean, scale = standardise(x)
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    right = np.concatenate([s.right.astype(bool) & (not s.off_topic) for s in used])
    off = np.array([s.off_topic for s in used])
    starts, _ = _segments(used)
    # Each framework weighs one, shared by its questions.
    qweight = np.array([1.0 / counts[s.framework] for s in used])
    theta = np.zeros(z.shape[1])
    loss, grad, hess = _loss_grad_hess(theta, z, right, off, starts, qweight, l2)
    for _ in range(MAX_STEPS):
        step = np.linalg.solve(hess, grad)
        t = 1.0
        while True:
            candidate = theta - t * step
            new = _loss_grad_hess(candidate, z, right, off, starts, qweight, l2)
            if new[0] <= loss or t < 1e-6:
                break
            t /= 2
        done = loss - new[0] < TOLERANCE
        theta, (loss, grad, hess) = candidate, new
        if done:
            break
    return mean, scale, theta[:-1], float(theta[-1])


def best_probability(model: Model, sample: Sample) -> float:
    """The probability of the best candidate, as the gate reads it."""
    if not len(sample.x):
        return 0.0
    return float(model.probability(sample.x).max())


def fit_threshold(probabilities: Sequence[float], off_topic: Sequence[bool], frameworks: Sequence[str]) -> float:
    """The probability cut with the best mean balanced accuracy over the frameworks; among cuts that tie,
    the middle of the widest gap, so the cut sits between questions rather than on one."""
    p = np.asarray(probabilities, dtype=np.float64)
    off = np.asarray(off_topic, dtype=bool)
    fw = np.asarray(frameworks)
    values = np.unique(p)
    cuts = np.concatenate([[values[0] / 2], (values[:-1] + values[1:]) / 2, [(values[-1] + 1) / 2]]) \
        if len(values) else np.array([0.5])
    score = np.zeros(len(cuts))
    names = sorted(set(fw.tolist()))
    for f in names:
        mine = fw == f
        on_p, off_p = p[mine & ~off], p[mine & off]
        answered = (on_p[None, :] >= cuts[:, None]).mean(axis=1) if len(on_p) else np.ones(len(cuts))
        refused = (off_p[None, :] < cuts[:, None]).mean(axis=1) if len(off_p) else np.ones(len(cuts))
        score += (answered + refused) / 2
    best = np.flatnonzero(score >= score.max() - 1e-12)
    # The best cuts form runs of neighbours; take the middle of the longest run.
    runs = np.split(best, np.flatnonzero(np.diff(best) > 1) + 1)
    run = max(runs, key=len)
    lo, hi = run[0], run[-1]
    return float(np.clip((cuts[lo] + cuts[hi]) / 2, 1e-6, 1 - 1e-6))


def fit_model(samples: Sequence[Sample], provenance: dict[str, Any] | None = None, l2: float = L2) -> Model:
    """The ranker's weights, then the gate's threshold, fitted on `samples`."""
    mean, scale, weights, bias = fit_logit(samples, l2)
    model = Model(mean, scale, weights, bias, 0.5, dict(provenance or {}))
    used = [s for s in samples if len(s.x)]
    threshold = fit_threshold([best_probability(model, s) for s in used], [s.off_topic for s in used],
                              [s.framework for s in used])
    return Model(mean, scale, weights, bias, threshold, dict(provenance or {}))


def leave_one_out(samples: Sequence[Sample], l2: float = L2) -> dict[str, Model]:
    """For each framework, the model fitted on every other one."""
    frameworks = sorted({s.framework for s in samples})
    out: dict[str, Model] = {}
    for held in frameworks:
        others = [s for s in samples if s.framework != held]
        if any(s.usable for s in others):
            out[held] = fit_model(others, {"left_out": held}, l2)
    return out


def rounded(model: Model, digits: int = 6) -> Model:
    """The constants as the file stores them, so a model read back ranks exactly as the one written."""
    def r(a: np.ndarray) -> np.ndarray:
        return np.array([float(f"{v:.{digits}g}") for v in a])

    return Model(r(model.mean), r(model.scale), r(model.weights), float(f"{model.bias:.{digits}g}"),
                 float(f"{model.threshold:.{digits}g}"), model.fitted)


__all__ = ["NAMES", "Sample", "fit_logit", "fit_model", "fit_threshold", "leave_one_out", "rounded"]
