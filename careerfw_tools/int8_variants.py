"""Other int8 quantisations of the installed fp32 graph, measured as the export measures int8
(docs/model.md): the cosine to PyTorch on the eval questions, then the answers check against fp32.

    python -m careerfw_tools.int8_variants VARIANT [--out DIR]

VARIANT is one of VARIANTS. The graph is written under DIR (default: a temporary folder) beside links to
the installed export's other files, so the runtime's own encoder reads it; the installed export is not
touched. Needs the [export] extras (onnx, onnxruntime's quantiser, sentence-transformers for the
PyTorch reference). Run from the repository root.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from careerfw_tools.onnx_export import measure_answers, measure_parity, parity_texts
from index.embedder import DEFAULT_MODEL, EXPORT_RECORD, ONNX_GRAPHS, export_dir_for, resolve_model

VARIANTS = {
    "per-channel": "per-channel uint8 weights, MatMul only (the embeddings stay fp32)",
    "per-channel-fp32-ends": "as per-channel, with the first and last transformer layers (layer.0, layer.5) in fp32",
    "per-tensor": "one scale per weight tensor, MatMul only",
}


def quantise(fp32: Path, out: Path, variant: str) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    matmuls = [n.name for n in onnx.load(str(fp32), load_external_data=False).graph.node if n.op_type == "MatMul"]
    ends = [n for n in matmuls if "/layer.0/" in n or "/layer.5/" in n] if variant.endswith("fp32-ends") else None
    quantize_dynamic(fp32, out, per_channel=variant != "per-tensor", weight_type=QuantType.QUInt8,
                     op_types_to_quantize=["MatMul"], nodes_to_exclude=ends,
                     extra_options={"MatMulConstBOnly": True})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m careerfw_tools.int8_variants",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("variant", choices=sorted(VARIANTS))
    parser.add_argument("--out", type=Path, help="where the variant's export goes (default: a temporary folder)")
    args = parser.parse_args(argv)
    real = export_dir_for(DEFAULT_MODEL)
    if not (real / EXPORT_RECORD).is_file():
        print(f"no installed export at {real}: run `sh requirements/install.sh PYTHON model`", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="careerfw-int8-") as tmp:
        root = args.out or Path(tmp)
        mine = export_dir_for(DEFAULT_MODEL, root)
        for item in real.rglob("*"):
            rel = item.relative_to(real)
            if item.is_file() and rel.as_posix() != ONNX_GRAPHS["onnx-int8"] and not (mine / rel).exists():
                (mine / rel).parent.mkdir(parents=True, exist_ok=True)
                (mine / rel).symlink_to(item)
        started = time.perf_counter()
        quantise(real / ONNX_GRAPHS["onnx"], mine / ONNX_GRAPHS["onnx-int8"], args.variant)
        size = (mine / ONNX_GRAPHS["onnx-int8"]).stat().st_size
        took = time.perf_counter() - started
        print(f"{args.variant} ({VARIANTS[args.variant]}): {size / 1e6:.0f} MB in {took:.0f} s")
        evals = Path("tests/eval")
        single = sorted(evals.glob("*.yaml")) + sorted((evals / "blind").glob("*.yaml"))
        conversations = sorted((evals / "conversations").glob("*.yaml")) + sorted(
            (evals / "blind" / "conversations").glob("*.yaml"))
        from sentence_transformers import SentenceTransformer

        questions, _ = parity_texts(single)
        cosine = measure_parity(SentenceTransformer(str(resolve_model(None)[1]), device="cpu"), mine, questions, [])
        q = cosine["onnx-int8"]["questions"]
        print(f"cosine to PyTorch on {q['count']} questions: min {q['min']:.4f} mean {q['mean']:.4f} "
              f"({q['below_threshold']} below 0.99)")
        answers = measure_answers(DEFAULT_MODEL, root, single, conversations)
        print(f"answers check: {'passed' if answers['passed'] else 'failed'} ({answers['rule']})")
        print(json.dumps({"cosine": cosine["onnx-int8"], "answers": answers["sets"]}, indent=1), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
