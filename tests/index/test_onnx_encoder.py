"""The serving encoder without torch (index/onnx_encoder.py): pooling as the model's own files say, a
model that would need torch after the transformer refused, padding ignored, batches run side by side
giving each text its own vector, one thread pool per usable core, and ONNX Runtime's telemetry off.
(Parity with PyTorch and the choice of backend are in test_embedder.py.)
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from index.embedder import DEFAULT_MODEL, Embedder, export_dir_for
from index.onnx_encoder import UnsupportedModel, pool, read_pipeline, unit

REPO = Path(__file__).resolve().parents[2]
EXPORT = export_dir_for(DEFAULT_MODEL)


def _model_files(root: Path, pooling: dict, modules: list[str]) -> Path:
    kinds = {"Transformer": "", "Pooling": "1_Pooling", "Normalize": "2_Normalize", "Dense": "2_Dense"}
    root.mkdir(parents=True, exist_ok=True)
    (root / "modules.json").write_text(json.dumps(
        [{"idx": i, "name": str(i), "path": kinds[k], "type": f"sentence_transformers.models.{k}"}
         for i, k in enumerate(modules)]))
    (root / "1_Pooling").mkdir(exist_ok=True)
    (root / "1_Pooling" / "config.json").write_text(json.dumps(pooling))
    (root / "sentence_bert_config.json").write_text(json.dumps({"max_seq_length": 128, "do_lower_case": True}))
    return root


def test_pooling_config_is_read_in_both_of_its_spellings(tmp_path: Path) -> None:
    legacy = _model_files(tmp_path / "a", {"word_embedding_dimension": 8, "pooling_mode_cls_token": True,
                                           "pooling_mode_mean_tokens": False}, ["Transformer", "Pooling"])
    newer = _model_files(tmp_path / "b", {"embedding_dimension": 16, "pooling_mode": "max"},
                         ["Transformer", "Pooling", "Normalize"])
    a, b = read_pipeline(legacy), read_pipeline(newer)
    assert (a.pooling, a.dimension, a.normalize, a.max_seq_length, a.lowercase) == ("cls", 8, False, 128, True)
    assert (b.pooling, b.dimension, b.normalize) == ("max", 16, True)
    shipped = read_pipeline(EXPORT)
    assert (shipped.pooling, shipped.dimension, shipped.normalize, shipped.max_seq_length) == ("mean", 384, True, 256)


def test_without_a_max_seq_length_the_text_is_cut_where_the_model_and_tokenizer_say(tmp_path: Path) -> None:
    # sentence-transformers' fallback: the tokenizer's limit capped at the model's positions (config.json),
    # whatever those are; a tokenizer without a limit declares a huge one.
    root = _model_files(tmp_path / "m", {"embedding_dimension": 8, "pooling_mode": "mean"}, ["Transformer", "Pooling"])
    (root / "sentence_bert_config.json").write_text(json.dumps({"do_lower_case": False}))
    (root / "tokenizer_config.json").write_text(json.dumps({"model_max_length": int(1e30)}))
    (root / "config.json").write_text(json.dumps({"max_position_embeddings": 1024}))
    assert read_pipeline(root).max_seq_length == 1024
    (root / "tokenizer_config.json").write_text(json.dumps({"model_max_length": 300}))
    assert read_pipeline(root).max_seq_length == 300
    (root / "tokenizer_config.json").unlink()
    (root / "config.json").write_text(json.dumps({"max_position_embeddings": -1}))
    with pytest.raises(UnsupportedModel, match="how long a text"):
        read_pipeline(root)


def test_a_model_that_needs_torch_after_the_transformer_is_refused(tmp_path: Path) -> None:
    dense = _model_files(tmp_path / "d", {"embedding_dimension": 8, "pooling_mode": "mean"},
                         ["Transformer", "Pooling", "Dense"])
    with pytest.raises(UnsupportedModel, match="Dense"):
        read_pipeline(dense)
    two = _model_files(tmp_path / "t", {"word_embedding_dimension": 8, "pooling_mode_cls_token": True,
                                        "pooling_mode_mean_tokens": True}, ["Transformer", "Pooling"])
    with pytest.raises(UnsupportedModel, match="pooling"):
        read_pipeline(two)


def test_pooling_ignores_padding() -> None:
    tokens = np.array([[[1.0, 2.0], [3.0, 4.0], [100.0, -100.0]]], dtype=np.float32)
    mask = np.array([[1, 1, 0]])
    assert pool(tokens, mask, "mean").tolist() == [[2.0, 3.0]]
    assert pool(tokens, mask, "max").tolist() == [[3.0, 4.0]]
    assert pool(tokens, mask, "cls").tolist() == [[1.0, 2.0]]
    assert np.allclose(pool(tokens, mask, "mean_sqrt_len_tokens"), [[4.0 / np.sqrt(2), 6.0 / np.sqrt(2)]])


def test_a_row_of_padding_alone_pools_to_zero_and_stays_zero_when_normalised() -> None:
    tokens = np.array([[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.0]]], dtype=np.float32)
    mask = np.array([[1, 1], [0, 0]])
    pooled = pool(tokens, mask, "mean")
    assert pooled.tolist() == [[2.0, 3.0], [0.0, 0.0]]
    vectors = unit(pooled)
    assert np.allclose(vectors[0], np.array([2.0, 3.0]) / np.sqrt(13)) and vectors[1].tolist() == [0.0, 0.0]
    assert np.allclose(np.linalg.norm(unit(np.array([[3e-13, 4e-13]])), axis=1), 1.0)  # small, not zero: unit


def test_batches_run_side_by_side_give_each_text_its_own_vector(monkeypatch: pytest.MonkeyPatch) -> None:
    import index.onnx_encoder as onnx_encoder

    texts = [f"{'how do I grow as an engineer ' * (i % 7 + 1)}{i}" for i in range(70)]
    embedder = Embedder(backend="onnx")
    monkeypatch.setattr(onnx_encoder, "usable_cpus", lambda: 1)
    one_by_one = np.stack([embedder.encode([t])[0] for t in texts[:5]])
    sequential = embedder.encode(texts)
    monkeypatch.setattr(onnx_encoder, "usable_cpus", lambda: 4)
    side_by_side = embedder.encode(texts)
    assert np.allclose(sequential, side_by_side, atol=1e-5)
    assert np.allclose(sequential[:5], one_by_one, atol=1e-4)


def test_usable_cpus_follows_the_affinity_a_pod_or_taskset_gives() -> None:
    import subprocess
    import sys

    code = "import os; os.sched_setaffinity(0, {next(iter(os.sched_getaffinity(0)))}); " \
           "from index.onnx_encoder import usable_cpus; print(usable_cpus())"
    run = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert run.stdout.strip() == "1", run.stderr


def test_the_onnx_encoder_turns_onnx_runtime_telemetry_off() -> None:
    # Left on, ONNX Runtime looks up mobile.events.data.microsoft.com about ten seconds into a serving
    # process; its environment reads ORT_DISABLE_TELEMETRY when the first session is made.
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "ORT_DISABLE_TELEMETRY"}
    code = ("import os; from index.embedder import Embedder; Embedder(None, backend='onnx').encode_query('x'); "
            "print(os.environ.get('ORT_DISABLE_TELEMETRY'))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "1"
