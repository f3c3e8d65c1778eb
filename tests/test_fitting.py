"""Fitting the ranker and gate (careerfw_tools/fitting.py) and `careerfw eval --fit`'s constants file."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from careerfw_tools.conversations import fitting_conversation_sets, follow_up_samples, load_conversations
from careerfw_tools.evaluate import evaluate, fit_samples, fitting_sets, load_set, write_fitted
from careerfw_tools.fitting import Sample, best_probability, fit_model, fit_threshold, leave_one_out, rounded
from index.answer import Answerer
from index.ranking import FITTED_PATH, NAMES, load_model

REPO = Path(__file__).resolve().parents[1]


def _framework(name: str, rng: np.random.Generator, questions: int = 12, flip: bool = False) -> list[Sample]:
    """Questions of 8 candidates with two features: the first is high for the right candidate (low when
    `flip`), the second is noise; off-topic questions have every candidate low on the first."""
    out = []
    for q in range(questions):
        x = rng.normal(0.0, 0.3, size=(8, 2))
        right = np.zeros(8, dtype=bool)
        off = q % 4 == 3
        if not off:
            k = int(rng.integers(8))
            right[k] = True
            x[k, 0] += -3.0 if flip else 3.0
        out.append(Sample(name, off, x, right))
    return out


def _top1(model, samples: list[Sample]) -> float:
    on = [s for s in samples if not s.off_topic]
    return float(np.mean([s.right[np.argmax(model.logits(s.x))] for s in on]))


def test_a_fitted_model_separates_an_obviously_separable_set() -> None:
    rng = np.random.default_rng(7)
    samples = _framework("a", rng) + _framework("b", rng)
    model = fit_model(samples)
    assert _top1(model, samples) == 1.0
    assert model.weights[0] > abs(model.weights[1])
    # The gate: every on-topic question's best candidate is above the fitted threshold, every off-topic one below.
    for s in samples:
        assert (best_probability(model, s) >= model.threshold) == (not s.off_topic)
    # Deterministic: the same questions give the same constants.
    again = fit_model(samples)
    assert np.array_equal(again.weights, model.weights) and again.threshold == model.threshold


def test_leave_one_framework_out_never_sees_the_framework_it_scores() -> None:
    rng = np.random.default_rng(11)
    a, b = _framework("a", rng), _framework("b", rng)
    odd = _framework("odd", rng, flip=True)  # its right answers are the *lowest* on the feature
    held = leave_one_out(a + b + odd)
    assert set(held) == {"a", "b", "odd"}
    # Fitted without "odd", the model ranks its right answers last: it never saw them.
    assert _top1(held["odd"], odd) == 0.0 and held["odd"].fitted["left_out"] == "odd"
    same = fit_model(a + b)
    assert np.array_equal(held["odd"].weights, same.weights)
    # With "odd" in the fit, its questions pull the weight down: the fits differ.
    assert held["a"].weights[0] < held["odd"].weights[0]


def test_the_threshold_is_the_best_balanced_cut_per_framework() -> None:
    # Framework x: on-topic at 0.9, 0.8; off-topic at 0.3. Framework y: on-topic 0.7, off-topic 0.6, 0.2.
    cut = fit_threshold([0.9, 0.8, 0.3, 0.7, 0.6, 0.2], [False, False, True, False, True, True],
                        ["x", "x", "x", "y", "y", "y"])
    assert 0.6 < cut <= 0.7


def test_eval_fit_writes_constants_that_rank_as_the_fit_did(embedder, tmp_path: Path) -> None:
    sets = [load_set(REPO / "tests" / "eval" / "seed.yaml")]
    report = evaluate(sets, embedder, index_dir_for=lambda s: tmp_path / "index")
    path = tmp_path / "fitted.json"
    written = write_fitted(report, path, REPO)
    loaded = load_model(path)
    assert loaded.fitted["sets"] == ["tests/eval/seed.yaml"] and loaded.fitted["command"] == "careerfw eval --fit"
    assert np.array_equal(loaded.weights, written.weights) and loaded.threshold == written.threshold
    answerer = Answerer.open(sets[0].content, tmp_path / "index", embedder=embedder, progress=False)
    from_file, in_memory = answerer.tuned(model=loaded), answerer.tuned(model=report.fitted_model)
    for q in sets[0].questions:
        a, b = from_file.ask(q.ask), in_memory.ask(q.ask)
        assert a.ranking is not None and b.ranking is not None
        assert [h.entry for h in a.ranking.hits] == [h.entry for h in b.ranking.hits], q.ask
        assert a.confident == b.confident, q.ask
    # A second run fits the same constants.
    again = evaluate(sets, embedder, index_dir_for=lambda s: tmp_path / "index").fitted_model
    assert again is not None and np.array_equal(again.weights, loaded.weights) and again.threshold == loaded.threshold


def test_the_shipped_constants_are_what_eval_fit_fits_today(embedder) -> None:
    # index/fitted.json must be what `careerfw eval --fit` writes from the code and question sets as they are:
    # a feature changed, added or computed differently, or a set or conversation edited, without refitting
    # shows here. Needs every framework with questions (../shared).
    sets = [load_set(p) for p in fitting_sets(REPO)]
    conversations = [load_conversations(p) for p in fitting_conversation_sets(REPO)]
    missing = sorted({str(s.content) for s in [*sets, *conversations] if not s.available})
    if missing:
        pytest.skip(f"frameworks of the fit not present: {missing}")
    shipped = load_model(FITTED_PATH)
    data = json.loads(FITTED_PATH.read_text("utf-8"))
    assert data["features"] == list(NAMES)
    assert shipped.fitted["sets"] == [str(p.relative_to(REPO)) for p in fitting_sets(REPO)]
    assert shipped.fitted["conversations"] == [str(p.relative_to(REPO)) for p in fitting_conversation_sets(REPO)]
    samples = fit_samples(sets, embedder, more=follow_up_samples(conversations))
    assert sum(s.framework == "ft" for s in samples) > sum(not q.off_topic for s in sets if s.name == "ft"
                                                           for q in s.questions)  # the follow-ups count too
    model = rounded(fit_model(samples))
    for name in ("mean", "scale", "weights"):
        assert np.array_equal(getattr(model, name), getattr(shipped, name)), name
    assert (model.bias, model.threshold) == (shipped.bias, shipped.threshold)


def test_eval_fit_refits_constants_this_code_can_no_longer_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    # A feature added or renamed leaves the file behind the code; the command that rewrites it must still run
    # (the error every answerer gives then says to run it).
    import index.ranking
    from bot.cli import main

    stale = tmp_path / "fitted.json"
    stale.write_text(json.dumps({"features": ["dense"], "mean": [0], "scale": [1], "weights": [1], "bias": 0,
                                 "threshold": 0.5}), "utf-8")
    monkeypatch.setattr(index.ranking, "FITTED_PATH", stale)
    assert main(["eval", "--fit", "--no-backends", str(REPO / "tests" / "eval" / "seed.yaml")]) == 0
    out = capsys.readouterr()
    assert str(stale) in out.err and "refitting it" in out.err
    model = load_model(stale)
    assert json.loads(stale.read_text("utf-8"))["features"] == list(NAMES)
    assert model.fitted["sets"] == ["tests/eval/seed.yaml"] and model.fitted["conversations"] == []
