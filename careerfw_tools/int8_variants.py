"""Other quantisations of the installed fp32 graph, measured as the export measures int8 (docs/model.md):
the cosine to PyTorch on the eval questions, then the answers check against fp32, with the graph's size
and its encode time per question.

    python -m careerfw_tools.int8_variants VARIANT [--out DIR] [--json FILE] [--screen]
    python -m careerfw_tools.int8_variants --speed VARIANT ... [--fp32-nodes-from FILE]

VARIANT is one of VARIANTS. The graph is written under DIR (default: a temporary folder) beside links to
the installed export's other files, so the runtime's own encoder reads it; the installed export is not
touched. `--speed` builds the variants named and times them against fp32 round by round in one process,
so the machine's load falls on each alike. `--fp32-nodes-from` takes dynamic-sensitive's choice from
the JSON its own run wrote (for it and nbits8-sensitive) instead of ranking again. `--screen` stops
after the size, the encode time and the cosine to fp32 on the calibration texts (no PyTorch, no eval
set). Needs the [export] extras
(onnx, onnxruntime's quantiser, sentence-transformers for the PyTorch reference; the nbits variants
also onnx-ir, which onnxruntime's MatMulNBits quantiser imports). Run from the repository root.

Whatever a variant calibrates or ranks its layers on comes from the embedded framework (content/)
alone: its documents, their sentences, and questions in the shape people ask built from its areas and
levels (`calibration_texts`). Never the eval sets, which would tune the graph to the questions it is
then judged on.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from careerfw_tools.onnx_export import cosines, measure_answers, measure_parity, parity_texts
from index import build_documents, load_content
from index.embedder import DEFAULT_MODEL, EXPORT_RECORD, ONNX_GRAPHS, export_dir_for, resolve_model
from index.onnx_encoder import OnnxEncoder

VARIANTS = {
    "avx2": "sentence-transformers' avx2 preset as the export writes it: per-channel uint8 weights, dynamic "
            "uint8 activations, MatMul and Gather",
    "per-channel": "per-channel uint8 weights, MatMul only (the embeddings stay fp32)",
    "per-channel-fp32-ends": "as per-channel, with the first and last transformer layers (layer.0, layer.5) in fp32",
    "per-tensor": "one scale per weight tensor, MatMul only",
    "dynamic-ffn": "dynamic per-channel int8 of the feed-forward MatMuls only (intermediate and output dense); "
                   "the attention projections stay fp32",
    "dynamic-sensitive": "dynamic per-channel int8 of the MatMuls, leaving in fp32 the most sensitive ones: those "
                         "that, each quantised alone, make half the summed error on the calibration texts",
    "static-qdq": "static QDQ: per-channel int8 weights, symmetric int8 activations calibrated (min-max) on the "
                  "calibration texts, MatMul only",
    "nbits8": "MatMulNBits: 8-bit weights in blocks of 32 (symmetric), activations quantised per block of 32 "
              "at run time (accuracy level 4)",
    "nbits8-fp32": "MatMulNBits: 8-bit weights in blocks of 32 (symmetric), computed in fp32 (accuracy level 1)",
    "nbits8-b16": "as nbits8 in blocks of 16 (finer scales for weights and activations)",
    "nbits8-sensitive": "as nbits8, leaving in fp32 the MatMuls dynamic-sensitive leaves (its ranking)",
    "nbits8-b16-sensitive": "both: blocks of 16, and the MatMuls dynamic-sensitive leaves in fp32",
    "nbits4": "MatMulNBits: 4-bit weights in blocks of 32 (symmetric), activations per block of 32 (level 4)",
    "fp16": "the whole graph in float16 (onnxruntime's converter), fp32 inputs and outputs",
    "fp32-copy": "the control: a byte-for-byte copy of the fp32 graph, so what differs is the check's own noise",
}
CALIBRATION_QUESTIONS = 160
SENSITIVITY_TEXTS = 96  # per node quantised alone: enough to rank 36 nodes, small enough to take minutes
_TEMPLATES = (
    "what does {level} expect for {area}?",
    "how should I approach {area_l} at {level_l}?",
    "what is expected of me on {area_l}?",
    "{area_l} at {level_l}",
    "how do I show {area_l}?",
    "what does good {thing} look like?",
    "do I need to {thing} at {level_l}?",
    "how do I get better at {thing}?",
)


def calibration_texts(content: Path = Path("content"), questions: int = CALIBRATION_QUESTIONS,
                      seed: int = 7) -> tuple[list[str], list[str]]:
    """(questions, documents) from one framework alone: its documents and their sentences, and questions
    in the shape people ask built from its own areas, levels and description words."""
    entries = load_content(content).entries
    documents = [d.text for d in build_documents(entries)]
    sentences = [s.strip() for d in documents for s in d.replace("\n", " ").split(". ") if len(s.split()) > 3]
    rng = random.Random(seed)
    asked: list[str] = []
    for _ in range(questions * 20):
        if len(asked) >= questions:
            break
        e = rng.choice(entries)
        words = [w.strip(".,;:()").lower() for w in e.description.split() if len(w) > 4]
        q = rng.choice(_TEMPLATES).format(
            level=e.level, level_l=e.level.lower(), area=e.area, area_l=e.area.lower(),
            thing=" ".join(rng.sample(words, min(2, len(words)))) or e.area.lower())
        if q not in asked:
            asked.append(q)
    return asked, list(dict.fromkeys(documents + sentences))


def _matmuls(graph: Path) -> list[str]:
    """The MatMuls with a constant weight: the ones a quantiser can quantise (not attention's Q·K and ·V)."""
    import onnx

    model = onnx.load(str(graph), load_external_data=False)
    constants = {i.name for i in model.graph.initializer}
    constants |= {o for n in model.graph.node if n.op_type == "Constant" for o in n.output}
    return [n.name for n in model.graph.node if n.op_type == "MatMul" and n.input[1] in constants]


def _dynamic(fp32: Path, out: Path, *, per_channel: bool = True, include: list[str] | None = None,
             exclude: list[str] | None = None) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(fp32, out, per_channel=per_channel, weight_type=QuantType.QUInt8,
                     op_types_to_quantize=["MatMul"], nodes_to_quantize=include, nodes_to_exclude=exclude,
                     extra_options={"MatMulConstBOnly": True})


def sensitivity(export: Path, texts: list[str], say: Callable[[str], Any] = print) -> list[tuple[str, float]]:
    """Each quantisable MatMul quantised alone (dynamic, per-channel): the mean of 1 - cosine to fp32 it
    causes on `texts`, most sensitive first. A measure of the graph on its calibration text, blind to
    any eval set."""
    fp32 = export / ONNX_GRAPHS["onnx"]
    reference = OnnxEncoder(export, ONNX_GRAPHS["onnx"]).encode(texts)
    out: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="careerfw-sens-", dir=export) as tmp:
        graph = Path(tmp) / "one.onnx"
        for i, node in enumerate(_matmuls(fp32)):
            _dynamic(fp32, graph, include=[node])
            vectors = OnnxEncoder(export, str(graph.relative_to(export))).encode(texts)
            out.append((node, float((1 - cosines(reference, vectors)).mean())))
            say(f"  sensitivity {i + 1:>2}: {node} {out[-1][1]:.2e}")
    return sorted(out, key=lambda x: -x[1])


def most_sensitive(ranked: list[tuple[str, float]], share: float = 0.5) -> list[str]:
    """The fewest nodes, most sensitive first, whose errors make `share` of the summed error."""
    total = sum(e for _, e in ranked)
    chosen: list[str] = []
    covered = 0.0
    for node, error in ranked:
        if covered >= share * total:
            break
        chosen.append(node)
        covered += error
    return chosen


class _Calibration:
    """onnxruntime's CalibrationDataReader over texts, one text per run so no padding enters the ranges."""

    def __init__(self, export: Path, texts: list[str]) -> None:
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(export / "tokenizer.json"))
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length=256)
        self._feeds: Iterator[dict[str, np.ndarray]] = iter([
            {"input_ids": np.array([e.ids], dtype=np.int64),
             "attention_mask": np.array([e.attention_mask], dtype=np.int64),
             "token_type_ids": np.array([e.type_ids], dtype=np.int64)}
            for e in (tokenizer.encode(t.lower()) for t in texts)])

    def get_next(self) -> dict[str, np.ndarray] | None:
        return next(self._feeds, None)


def quantise(export: Path, out: Path, variant: str, say: Callable[[str], Any] = print,
             fp32_nodes: list[str] | None = None) -> dict[str, Any]:
    """Write `variant` of the export's fp32 graph to `out`; returns what was chosen (excluded nodes).
    `fp32_nodes`: the sensitive nodes' ranking already made (a run's JSON), rather than ranking again."""
    fp32 = export / ONNX_GRAPHS["onnx"]
    matmuls = _matmuls(fp32)
    chosen: dict[str, Any] = {}
    if variant == "avx2":
        import shutil

        # The graph the installed export wrote (sentence-transformers' preset), for the same measures.
        shutil.copyfile(export_dir_for(DEFAULT_MODEL) / ONNX_GRAPHS["onnx-int8"], out)
    elif variant == "fp32-copy":
        import shutil

        shutil.copyfile(fp32, out)
    elif variant in ("per-channel", "per-tensor"):
        _dynamic(fp32, out, per_channel=variant == "per-channel")
    elif variant == "per-channel-fp32-ends":
        chosen["fp32"] = [n for n in matmuls if "/layer.0/" in n or "/layer.5/" in n]
        _dynamic(fp32, out, exclude=chosen["fp32"])
    elif variant == "dynamic-ffn":
        ffn = [n for n in matmuls if "/intermediate/" in n or ("/output/" in n and "/attention/" not in n)]
        chosen["int8"] = ffn
        _dynamic(fp32, out, include=ffn)
    elif variant == "dynamic-sensitive" and fp32_nodes is not None:
        chosen["fp32"] = fp32_nodes
        _dynamic(fp32, out, exclude=fp32_nodes)
    elif variant in ("dynamic-sensitive", "nbits8-sensitive", "nbits8-b16-sensitive") and fp32_nodes is None:
        questions, documents = calibration_texts()
        texts = random.Random(11).sample(questions + documents, min(SENSITIVITY_TEXTS, len(questions + documents)))
        ranked = sensitivity(export, texts, say=say)
        chosen["sensitivity"] = [[n, e] for n, e in ranked]
        chosen["fp32"] = most_sensitive(ranked)
        say(f"  left in fp32 ({len(chosen['fp32'])} of {len(ranked)}): {', '.join(chosen['fp32'])}")
        if variant == "dynamic-sensitive":
            _dynamic(fp32, out, exclude=chosen["fp32"])
        else:
            return chosen | quantise(export, out, variant, say, fp32_nodes=chosen["fp32"])
    elif variant == "static-qdq":
        from onnxruntime.quantization import CalibrationMethod, QuantFormat, QuantType, quantize_static

        questions, documents = calibration_texts()
        quantize_static(fp32, out, _Calibration(export, questions + documents), quant_format=QuantFormat.QDQ,
                        op_types_to_quantize=["MatMul"], per_channel=True, weight_type=QuantType.QInt8,
                        activation_type=QuantType.QInt8, calibrate_method=CalibrationMethod.MinMax,
                        nodes_to_quantize=matmuls,
                        extra_options={"ActivationSymmetric": True, "WeightSymmetric": True,
                                       "MatMulConstBOnly": True})
    elif variant.startswith("nbits"):
        import onnx
        from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer

        sensitive = variant.endswith("-sensitive")
        if sensitive:
            chosen["fp32"] = fp32_nodes
        quantizer = MatMulNBitsQuantizer(onnx.load(str(fp32)), bits=4 if variant == "nbits4" else 8,
                                         block_size=16 if "-b16" in variant else 32,
                                         is_symmetric=True, accuracy_level=1 if variant.endswith("fp32") else 4,
                                         nodes_to_exclude=fp32_nodes if sensitive else None,
                                         op_types_to_quantize=("MatMul",))
        quantizer.process()
        quantizer.model.save_model_to_file(str(out), use_external_data_format=False)
    elif variant == "fp16":
        import onnx
        from onnxruntime.transformers.float16 import convert_float_to_float16

        onnx.save(convert_float_to_float16(onnx.load(str(fp32)), keep_io_types=True), str(out))
    else:
        raise ValueError(f"unknown variant {variant!r}")
    return chosen


def encode_ms(export: Path, graph: str, questions: list[str], rounds: int = 3) -> float:
    """Median ms to encode one question, as a question is encoded when answering (one text, one thread)."""
    encoder = OnnxEncoder(export, graph)
    for q in questions[:10]:
        encoder.encode([q])
    times = []
    for _ in range(rounds):
        for q in questions:
            started = time.perf_counter()
            encoder.encode([q])
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def speed(variants: list[str], questions: list[str], fp32_nodes: list[str] | None = None,
          rounds: int = 5) -> dict[str, dict[str, float]]:
    """Per graph (fp32 and each variant): median and p90 ms to encode one question, timed in turns."""
    real = export_dir_for(DEFAULT_MODEL)
    with tempfile.TemporaryDirectory(prefix="careerfw-speed-") as tmp:
        mine = export_dir_for(DEFAULT_MODEL, Path(tmp))
        _layout(real, mine)
        graphs = {"fp32": ONNX_GRAPHS["onnx"]}
        for v in variants:
            graphs[v] = f"onnx/{v}.onnx"
            quantise(mine, mine / graphs[v], v, fp32_nodes=fp32_nodes)
        encoders = {name: OnnxEncoder(mine, g) for name, g in graphs.items()}
        times: dict[str, list[float]] = {name: [] for name in graphs}
        for q in questions[:10]:
            for e in encoders.values():
                e.encode([q])
        for _ in range(rounds):
            for q in questions:
                for name, e in encoders.items():
                    started = time.perf_counter()
                    e.encode([q])
                    times[name].append((time.perf_counter() - started) * 1000)
        return {name: {"p50": round(statistics.median(t), 2), "p90": round(float(np.percentile(t, 90)), 2),
                       "bytes": (mine / graphs[name]).stat().st_size} for name, t in times.items()}


def _layout(real: Path, mine: Path) -> None:
    for item in real.rglob("*"):
        rel = item.relative_to(real)
        if item.is_file() and rel.as_posix() != ONNX_GRAPHS["onnx-int8"] and not (mine / rel).exists():
            (mine / rel).parent.mkdir(parents=True, exist_ok=True)
            (mine / rel).symlink_to(item)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m careerfw_tools.int8_variants",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("variant", nargs="+", choices=sorted(VARIANTS))
    parser.add_argument("--speed", action="store_true",
                        help="time the variants named against fp32, round by round in one process")
    parser.add_argument("--fp32-nodes-from", type=Path,
                        help="the sensitive variants' fp32 nodes from the JSON a dynamic-sensitive run wrote")
    parser.add_argument("--out", type=Path, help="where the variant's export goes (default: a temporary folder)")
    parser.add_argument("--json", type=Path, help="write the figures (and each set's answers check) here")
    parser.add_argument("--screen", action="store_true",
                        help="size, encode time and cosine to fp32 on the calibration texts only")
    args = parser.parse_args(argv)
    real = export_dir_for(DEFAULT_MODEL)
    if not (real / EXPORT_RECORD).is_file():
        print(f"no installed export at {real}: run `sh requirements/install.sh PYTHON model`", file=sys.stderr)
        return 1
    if args.speed:
        nodes = json.loads(args.fp32_nodes_from.read_text("utf-8"))["fp32"] if args.fp32_nodes_from else None
        timed = speed(args.variant, calibration_texts()[0], nodes)
        for name, t in timed.items():
            ratio = t["p50"] / timed["fp32"]["p50"]
            print(f"  {name:<24} p50 {t['p50']:6.2f} ms  p90 {t['p90']:6.2f} ms  ({ratio:.2f}x fp32)  "
                  f"{t['bytes'] / 1e6:5.1f} MB")
        if args.json:
            args.json.write_text(json.dumps(timed, indent=1) + "\n", "utf-8")
        return 0
    if len(args.variant) > 1:
        parser.error("one variant at a time, except with --speed")
    args.variant = args.variant[0]
    with tempfile.TemporaryDirectory(prefix="careerfw-int8-") as tmp:
        root = args.out or Path(tmp)
        mine = export_dir_for(DEFAULT_MODEL, root)
        _layout(real, mine)
        started = time.perf_counter()
        nodes = json.loads(args.fp32_nodes_from.read_text("utf-8"))["fp32"] if args.fp32_nodes_from else None
        chosen = quantise(mine, mine / ONNX_GRAPHS["onnx-int8"], args.variant, fp32_nodes=nodes)
        size = (mine / ONNX_GRAPHS["onnx-int8"]).stat().st_size
        took = time.perf_counter() - started
        print(f"{args.variant} ({VARIANTS[args.variant]}): {size / 1e6:.1f} MB in {took:.0f} s", flush=True)
        questions, documents = calibration_texts()
        ms = {b: round(encode_ms(mine, ONNX_GRAPHS[b], questions), 2) for b in ("onnx", "onnx-int8")}
        print(f"encode per question (median, one thread): {ms['onnx-int8']:.2f} ms against fp32 {ms['onnx']:.2f} ms",
              flush=True)
        texts = questions + documents
        to_fp32 = cosines(OnnxEncoder(mine, ONNX_GRAPHS["onnx"]).encode(texts),
                          OnnxEncoder(mine, ONNX_GRAPHS["onnx-int8"]).encode(texts))
        print(f"cosine to fp32 on {len(texts)} calibration texts: min {to_fp32.min():.5f} mean {to_fp32.mean():.5f}",
              flush=True)
        result: dict[str, Any] = {"variant": args.variant, "what": VARIANTS[args.variant], "bytes": size,
                                  "encode_ms": ms, "calibration_cosine_to_fp32": {
                                      "min": round(float(to_fp32.min()), 5), "mean": round(float(to_fp32.mean()), 5),
                                      "count": len(texts)}, **chosen}
        if not args.screen:
            evals = Path("tests/eval")
            single = sorted(evals.glob("*.yaml")) + sorted((evals / "blind").glob("*.yaml"))
            conversations = sorted((evals / "conversations").glob("*.yaml")) + sorted(
                (evals / "blind" / "conversations").glob("*.yaml"))
            from sentence_transformers import SentenceTransformer

            asked, _ = parity_texts(single)
            cosine = measure_parity(SentenceTransformer(str(resolve_model(None)[1]), device="cpu"), mine, asked, [])
            q = cosine["onnx-int8"]["questions"]
            print(f"cosine to PyTorch on {q['count']} questions: min {q['min']:.4f} mean {q['mean']:.4f} "
                  f"({q['below_threshold']} below 0.99)", flush=True)
            answers = measure_answers(DEFAULT_MODEL, root, single, conversations)
            worst = max(s["differ"]["questions"] for s in answers["sets"])
            print(f"answers check: {'passed' if answers['passed'] else 'failed'}, at most {worst} differing in a set "
                  f"({answers['rule']})")
            result |= {"cosine": cosine["onnx-int8"], "answers": answers}
        if args.json:
            args.json.write_text(json.dumps(result, indent=1) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
