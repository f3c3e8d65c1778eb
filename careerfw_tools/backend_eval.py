"""`careerfw eval`'s side-by-side: each question set's top-1 on every model backend, against PyTorch.

Each backend embeds both the framework and the questions itself (an index is never shared between
backends, as in the product), then the same evaluation runs (careerfw_tools/evaluate.py). A backend
meets its target when every set's shipped top-1 is within one point (0.01) of PyTorch's. Dense-only
top-1, the embedding alone, is printed beside it: the most direct view of how far a backend's vectors
move rankings.
"""

from __future__ import annotations

import logging
import math
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from careerfw_tools.evaluate import QuestionSet, evaluate
from index import BACKENDS, Embedder, ModelError

REFERENCE = "torch"
MAX_TOP1_DROP = 0.01  # one point


@dataclass
class SetScores:
    name: str
    on_topic: int
    top1: dict[str, float] = field(default_factory=dict)  # backend -> shipped top-1
    dense_top1: dict[str, float] = field(default_factory=dict)  # backend -> dense-only top-1


@dataclass
class BackendComparison:
    backends: list[str]  # the ones measured, PyTorch first
    serving: str  # the backend this installation uses by default
    sets: list[SetScores]
    skipped: list[str]  # backends or sets left out, and why

    def within(self, backend: str) -> bool:
        """Every set's top-1 within one point of PyTorch's."""
        return all(abs(s.top1[backend] - s.top1[REFERENCE]) <= MAX_TOP1_DROP + 1e-9 for s in self.sets)

    def targets(self) -> dict[str, bool]:
        return {f"{b}: every framework's top-1 within 1 point of torch": self.within(b)
                for b in self.backends if b != REFERENCE}

    def as_dict(self) -> dict[str, Any]:
        return {
            "reference": REFERENCE,
            "serving": self.serving,
            "backends": self.backends,
            "sets": [
                {"name": s.name, "on_topic": s.on_topic, "top1": {b: round(v, 4) for b, v in s.top1.items()},
                 "dense_top1": {b: round(v, 4) for b, v in s.dense_top1.items()}}
                for s in self.sets
            ],
            "skipped": self.skipped,
            "targets": self.targets(),
        }


class _NotAsked(logging.Filter):
    """index/embedder.py warns that a backend which failed its export parity check is used "as asked":
    true when someone set CAREERFW_MODEL_BACKEND, not when this comparison names every backend in turn
    (the table shows how far that backend is from torch anyway)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "using it as asked" not in record.getMessage()


@contextmanager
def naming_every_backend() -> Iterator[None]:
    """While a tool opens every backend in turn, the "as asked" warning is not said: nobody asked."""
    model_log = logging.getLogger("careerfw.model")
    not_asked = _NotAsked()
    model_log.addFilter(not_asked)
    try:
        yield
    finally:
        model_log.removeFilter(not_asked)


def compare_backends(
    sets: list[QuestionSet], model: str | None = None, work: Path | None = None, onnx_root: Path | None = None
) -> BackendComparison:
    skipped: list[str] = []
    embedders: dict[str, Embedder] = {}
    for backend in (REFERENCE, *(b for b in BACKENDS if b != REFERENCE)):
        try:
            with naming_every_backend():
                embedder = Embedder(model, backend=backend, onnx_root=onnx_root)
        except ModelError as exc:
            skipped.append(f"{backend}: {exc}")
            continue
        if embedder.backend != backend:  # its export is missing: it would only measure torch again
            skipped.append(f"{backend}: no ONNX export to measure")
            continue
        embedders[backend] = embedder
    serving = Embedder(model, onnx_root=onnx_root).backend
    if REFERENCE not in embedders:
        return BackendComparison([], serving, [], skipped)
    scores: list[SetScores] = []
    with tempfile.TemporaryDirectory(prefix="careerfw-eval-backends-") as tmp:
        root = work or Path(tmp)
        for qs in sets:
            if not qs.available:
                skipped.append(f"{qs.name}: no content at {qs.content}")
                continue
            row = SetScores(qs.name, sum(not q.off_topic for q in qs.questions))
            for backend, embedder in embedders.items():
                report = evaluate([qs], embedder, index_dir_for=lambda s, b=backend: root / b / s.name)
                row.top1[backend] = report.system("hybrid (shipped)").top1
                row.dense_top1[backend] = report.system("dense only").top1
            if row.on_topic and not any(math.isnan(v) for v in row.top1.values()):
                scores.append(row)
    return BackendComparison(list(embedders), serving, scores, skipped)


def render(comparison: BackendComparison) -> str:
    lines = ["", "top-1 per framework by model backend (shipped hybrid; dense only in brackets); "
             "Δ against torch in points"]
    if not comparison.sets:
        lines += [f"  not measured: {s}" for s in comparison.skipped] or ["  no question set could be measured"]
        return "\n".join(lines) + "\n"
    others = [b for b in comparison.backends if b != REFERENCE]
    head = f"{'framework':<20} {'n':>3}  {REFERENCE:>15}" + "".join(f"  {b:>15} {'Δ':>5}" for b in others)
    lines += ["", head, "-" * len(head)]
    for s in comparison.sets:
        row = f"{s.name:<20} {s.on_topic:>3}  {s.top1[REFERENCE]:>6.3f} ({s.dense_top1[REFERENCE]:.3f})"
        for b in others:
            delta = (s.top1[b] - s.top1[REFERENCE]) * 100
            row += f"  {s.top1[b]:>6.3f} ({s.dense_top1[b]:.3f}) {delta:>+5.1f}"
        lines.append(row)
    lines.append("")
    lines.append(f"serving by default here: {comparison.serving} (index/embedder.py: the fastest ONNX export "
                 "whose parity check passed)")
    lines += [f"not measured: {s}" for s in comparison.skipped]
    lines.append("targets: " + ", ".join(f"{k} {'met' if v else 'MISSED'}" for k, v in comparison.targets().items()))
    return "\n".join(lines) + "\n"
