"""Sentence vectors from an exported ONNX graph with onnxruntime and tokenizers alone: no torch.

An export directory is what sentence-transformers' `save_pretrained` writes for a model loaded with
`backend="onnx"` (see careerfw_tools/onnx_export.py): `modules.json`, the pooling module's `config.json`,
`sentence_bert_config.json`, `tokenizer.json` and `onnx/*.onnx`. The steps after the transformer
(pooling, normalisation) are read from those files, as sentence-transformers would run them, so the
vectors match the PyTorch model's; careerfw_tools/onnx_export.py measures that they do.
"""

from __future__ import annotations

import json
import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from threading import Lock
from typing import Any

import numpy as np

# Larger batches only pad more on CPU: throughput is flat past ~16 texts, while peak memory grows with
# batch x sequence length (an index build runs inside the serving process on a hot reload).
BATCH = 16
# One thread per run: a question is ~15 tokens, too little work to split across cores, and the answer
# pool already runs one question per core; a 2-core pod then answers two questions at once without
# the two runs' thread pools competing for the same cores.
INTRA_OP_THREADS = 1
# An index build is many batches: those run side by side, one per usable core, up to this many.
MAX_BATCH_WORKERS = 4

# sentence-transformers' pooling config, in its older (pooling_mode_*_tokens flags) and newer
# ("pooling_mode": name) spellings; the modes this encoder implements.
_LEGACY_MODES = {
    "pooling_mode_cls_token": "cls",
    "pooling_mode_mean_tokens": "mean",
    "pooling_mode_max_tokens": "max",
    "pooling_mode_mean_sqrt_len_tokens": "mean_sqrt_len_tokens",
    "pooling_mode_weightedmean_tokens": "weightedmean",
    "pooling_mode_lasttoken": "lasttoken",
}
_SUPPORTED_POOLING = ("cls", "mean", "max", "mean_sqrt_len_tokens")


def usable_cpus() -> int:
    """CPUs this process may use: its affinity, capped by a cgroup v2 CPU quota (a pod's CPU limit)."""
    count = len(os.sched_getaffinity(0))
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
        if quota != "max":
            count = min(count, max(1, math.ceil(int(quota) / int(period))))
    except (OSError, ValueError):
        pass
    return max(1, count)


class UnsupportedModel(ValueError):
    """The export directory describes a model this encoder cannot run exactly; the message says why."""


@dataclass(frozen=True)
class Pipeline:
    """What runs after the transformer, and how text is cut before it, per the model's own files."""

    pooling: str
    dimension: int
    normalize: bool
    max_seq_length: int
    lowercase: bool


def _json(path: Path) -> Any:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise UnsupportedModel(f"cannot read {path}: {exc}") from exc


def _optional_json(path: Path) -> dict[str, Any]:
    return _json(path) if path.is_file() else {}


def _pooling_mode(config: dict[str, Any], where: Path) -> str:
    if "pooling_mode" in config:
        mode = config["pooling_mode"]
        modes = [mode] if isinstance(mode, str) else list(mode)
    else:
        modes = [name for key, name in _LEGACY_MODES.items() if config.get(key)]
    if len(modes) != 1 or modes[0] not in _SUPPORTED_POOLING:
        raise UnsupportedModel(f"{where}: pooling {modes or 'none'} is not one of {', '.join(_SUPPORTED_POOLING)}")
    return str(modes[0])


def read_pipeline(directory: Path) -> Pipeline:
    """The model's modules (Transformer, Pooling, optional Normalize) as its export directory declares them."""
    modules = _json(directory / "modules.json")
    pooling: tuple[str, int] | None = None
    normalize = False
    transformer = directory
    for module in modules:
        kind = str(module.get("type", "")).rsplit(".", 1)[-1]
        if kind == "Transformer":
            transformer = directory / module.get("path", "")
            continue
        if kind == "Pooling":
            where = directory / module.get("path", "") / "config.json"
            config = _json(where)
            dim = config.get("word_embedding_dimension", config.get("embedding_dimension"))
            if not isinstance(dim, int):
                raise UnsupportedModel(f"{where}: no embedding dimension")
            pooling = (_pooling_mode(config, where), dim)
        elif kind == "Normalize":
            normalize = True
        else:
            # A Dense or other trained layer would have to be reimplemented here; refuse rather than
            # return vectors that only look right.
            raise UnsupportedModel(f"{directory / 'modules.json'}: module {kind} is not supported without torch")
    if pooling is None:
        raise UnsupportedModel(f"{directory / 'modules.json'}: no Pooling module")
    st_config = _optional_json(directory / "sentence_bert_config.json")
    max_len = st_config.get("max_seq_length")
    if not isinstance(max_len, int):
        # sentence-transformers' own fallback (its Transformer module): the tokenizer's limit, capped at the
        # positions the model has (a tokenizer without a limit declares a huge one; -1 declares none).
        limits = [
            _optional_json(directory / "tokenizer_config.json").get("model_max_length"),
            _optional_json(transformer / "config.json").get("max_position_embeddings"),
        ]
        known = [n for n in limits if isinstance(n, int) and n > 0]
        if not known:
            raise UnsupportedModel(f"{directory}: neither the tokenizer nor the model says how long a text it reads")
        max_len = min(known)
    return Pipeline(pooling[0], pooling[1], normalize, max_len, bool(st_config.get("do_lower_case", False)))


def pool(tokens: np.ndarray, mask: np.ndarray, mode: str) -> np.ndarray:
    """sentence-transformers' Pooling over (batch, sequence, hidden) token vectors."""
    if mode == "cls":
        return tokens[:, 0]
    weights = mask[..., None].astype(np.float32)
    if mode == "max":
        # Padding takes no part in the max (sentence-transformers sets it to -1e9 first, to the same end).
        return tokens.max(axis=1, where=weights > 0, initial=-np.inf)
    summed = (tokens * weights).sum(axis=1)
    # A row of padding alone counts no tokens: its zero sum, divided by one, stays zero.
    counts = np.maximum(weights.sum(axis=1), 1)
    return summed / (np.sqrt(counts) if mode == "mean_sqrt_len_tokens" else counts)


def unit(vectors: np.ndarray) -> np.ndarray:
    """Each row scaled to length one, as torch's `F.normalize` does (a zero row stays zero)."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


class OnnxEncoder:
    """One ONNX graph, its tokenizer and its pooling; `encode` is safe to call from several threads."""

    def __init__(self, directory: Path, graph: str) -> None:
        # Nothing leaves the machine at run time: ONNX Runtime otherwise starts looking up Microsoft's
        # telemetry host (mobile.events.data.microsoft.com) about ten seconds into a long-running
        # process. Its environment reads this when the first session is made; the Python call to turn
        # telemetry off comes too late for that lookup.
        os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.directory = directory
        self.pipeline = read_pipeline(directory)
        self.graph = directory / graph
        if not self.graph.is_file():
            raise UnsupportedModel(f"{self.graph} is missing")
        tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        # tokenizer.json may carry a fixed padding length from training; sentence-transformers pads to
        # the longest text in the batch and truncates at the model's max_seq_length, and so do we.
        padding = tokenizer.padding or {}
        tokenizer.enable_padding(pad_id=padding.get("pad_id", 0), pad_token=padding.get("pad_token", "[PAD]"))
        tokenizer.enable_truncation(max_length=self.pipeline.max_seq_length)
        self._tokenizer = tokenizer
        # Tokenizing takes microseconds; one call at a time rules out the "Already borrowed" error the Rust
        # object raises when borrows overlap across threads.
        self._tokenizer_lock = Lock()

        options = ort.SessionOptions()
        options.intra_op_num_threads = INTRA_OP_THREADS
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3  # errors only: its graph-rewrite notices are not the user's business
        self._session = ort.InferenceSession(str(self.graph), options, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self._session.get_inputs()}
        outputs = [o.name for o in self._session.get_outputs()]
        self._output = next((n for n in ("token_embeddings", "last_hidden_state") if n in outputs), outputs[0])

    @property
    def dimension(self) -> int:
        return self.pipeline.dimension

    def _run(self, texts: list[str]) -> np.ndarray:
        if self.pipeline.lowercase:
            texts = [t.lower() for t in texts]
        with self._tokenizer_lock:
            encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.array([e.type_ids for e in encodings], dtype=np.int64)
        tokens = self._session.run([self._output], feed)[0]
        vectors = pool(tokens, mask, self.pipeline.pooling)
        if self.pipeline.normalize:
            vectors = unit(vectors)
        return vectors.astype(np.float32, copy=False)

    def encode(self, texts: list[str], batch_size: int = BATCH) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        batch = max(1, min(batch_size, BATCH))
        # Texts of similar length batched together pad least (sentence-transformers does the same).
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        chunks = [order[start : start + batch] for start in range(0, len(order), batch)]
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        workers = min(len(chunks), usable_cpus(), MAX_BATCH_WORKERS)
        if workers <= 1:
            for chunk in chunks:
                out[chunk] = self._run([texts[i] for i in chunk])
            return out
        # The session runs batches concurrently (each on its calling thread), one per core.
        with ThreadPoolExecutor(workers, thread_name_prefix="careerfw-embed") as pool:
            for chunk, vectors in zip(chunks, pool.map(lambda c: self._run([texts[i] for i in c]), chunks),
                                      strict=True):
                out[chunk] = vectors
        return out
