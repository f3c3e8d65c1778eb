"""The on-disk vector index: built incrementally, swapped in atomically, memory-mapped on load.

Layout of an index directory:

    current -> builds/<id>      symlink; replacing it is the atomic swap
    builds/<id>/manifest.json   format, model, backend and encoder, dimension, fingerprint, per-document hashes
    builds/<id>/entries.json    the entries' metadata and verbatim text
    builds/<id>/vectors.npy     normalised float32, one row per document
    .lock                       held while a build runs

Readers resolve `current` once and read every file from that one build, so an answer never mixes
two index versions, and a failed or interrupted build never touches what `current` points to.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from index.documents import Document, build_documents
from index.embedder import BATCH, SHORT_HASH, Embedder
from index.entry import Entry
from index.problem import Problem

# index.parse (markdown_it, yaml) is imported where content is read: a restart from kept state reads none.
if TYPE_CHECKING:
    from index.parse import Content

FORMAT_VERSION = 3  # 2: entries record their layout (bullet, prose, faq, comparison, cell); 3: the section over them
# A build's files, each named once.
VECTORS = "vectors.npy"
ENTRIES = "entries.json"
MANIFEST = "manifest.json"


class SearchIndexError(RuntimeError):
    """The index cannot be built or read; the message says why."""


class ContentError(SearchIndexError):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"content has {len(problems)} problem(s); the index was not changed:\n{lines}")


@dataclass
class BuildReport:
    path: Path
    entries: int
    documents: int
    embedded: int  # documents embedded by this build
    reused: int  # documents whose vectors came from the previous build
    seconds: float
    rebuilt: bool  # False: the index was already up to date and nothing was written
    entries_embedded: int = 0  # entries with at least one document embedded again

    @property
    def entries_per_second(self) -> float:
        return self.entries / self.seconds if self.seconds else 0.0


@dataclass
class LoadedIndex:
    path: Path  # the build directory actually read
    manifest: dict[str, Any]
    entries: list[Entry]
    documents: list[Document]
    vectors: np.ndarray  # (documents, dimension), memory-mapped unless loaded with mmap=False

    @property
    def model(self) -> str:
        return str(self.manifest["model"])

    @property
    def build_id(self) -> str:
        return self.path.name


def default_index_dir(content_dir: Path) -> Path:
    """Per-content cache outside the content tree, so content folders stay clean."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "careerfw" / "indexes"
    key = hashlib.sha1(str(content_dir.resolve()).encode()).hexdigest()[:SHORT_HASH]
    return base / f"{content_dir.resolve().name}-{key}"


def fingerprint(entries: list[Entry], documents: list[Document]) -> str:
    h = hashlib.sha256()
    h.update(json.dumps([e.to_dict() for e in entries], sort_keys=True, ensure_ascii=False).encode())
    for d in documents:
        h.update(f"{d.entry}:{d.paragraph}:{d.hash}\n".encode())
    return h.hexdigest()


@contextlib.contextmanager
def _build_lock(index_dir: Path) -> Iterator[None]:
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _current(index_dir: Path) -> Path | None:
    link = index_dir / "current"
    if not link.exists():
        return None
    return link.resolve()


def read_manifest(index_dir: Path) -> dict[str, Any] | None:
    build = _current(index_dir)
    if build is None:
        return None
    try:
        return json.loads((build / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return None


def _compatible(manifest: dict[str, Any] | None, embedder: Embedder) -> bool:
    """Whether the index's vectors came from this exact encoder: the same model on the same backend.

    Anything else is rebuilt in full, never mixed: ONNX and PyTorch vectors of one text differ slightly,
    and a question is only compared with documents its own encoder made. Indexes from before backends
    were recorded were built by PyTorch.
    """
    return bool(
        manifest
        and manifest.get("format") == FORMAT_VERSION
        and manifest.get("model") == embedder.name
        and manifest.get("encoder", "torch") == embedder.encoder
        and manifest.get("dimension") == embedder.dimension
    )


def is_fresh(index_dir: Path, content: Content, embedder: Embedder) -> bool:
    manifest = read_manifest(index_dir)
    if not _compatible(manifest, embedder):
        return False
    assert manifest is not None
    return manifest.get("fingerprint") == fingerprint(content.entries, build_documents(content.entries))


def load_index(index_dir: Path, mmap: bool = True) -> LoadedIndex:
    build = _current(index_dir)
    if build is None:
        raise SearchIndexError(f"no index at {index_dir}: run `careerfw index build`")
    try:
        manifest = json.loads((build / MANIFEST).read_text("utf-8"))
        raw_entries = json.loads((build / ENTRIES).read_text("utf-8"))
        vectors = np.load(build / VECTORS, mmap_mode="r" if mmap else None)
    except (OSError, ValueError) as exc:
        raise SearchIndexError(
            f"index at {build} is unreadable ({exc}); rebuild it with `careerfw index build`"
        ) from exc
    if manifest.get("format") != FORMAT_VERSION:
        raise SearchIndexError(f"index at {build} has format {manifest.get('format')}, expected {FORMAT_VERSION}")
    entries = [Entry.from_dict(e) for e in raw_entries]
    documents = build_documents(entries)
    if vectors.shape != (len(documents), manifest.get("dimension")):
        raise SearchIndexError(
            f"index at {build} is inconsistent: {vectors.shape[0]} vectors for {len(documents)} documents"
        )
    # The per-document hashes are what the next build reads (from the file, read_manifest), never a loaded
    # index; held, they were a dict per document in every serving process and its kept state (0.8 MB of
    # GOV.UK's 2,641; issue 23, memory).
    manifest.pop("documents", None)
    return LoadedIndex(build, manifest, entries, documents, vectors)


def _reusable_vectors(index_dir: Path, embedder: Embedder) -> dict[str, np.ndarray]:
    """Vectors of the current build by document hash, when that build used the same model."""
    manifest = read_manifest(index_dir)
    if not _compatible(manifest, embedder):
        return {}
    try:
        old = load_index(index_dir)
    except SearchIndexError:
        return {}
    return {doc.hash: old.vectors[i] for i, doc in enumerate(old.documents)}


def _encode_with_progress(embedder: Embedder, texts: list[str], progress: bool) -> np.ndarray:
    if not texts:
        return np.zeros((0, embedder.dimension), dtype=np.float32)
    if not progress:
        return embedder.encode(texts)
    from tqdm import tqdm

    parts: list[np.ndarray] = []
    with tqdm(total=len(texts), desc="embedding", unit="doc", file=sys.stderr) as bar:
        for start in range(0, len(texts), BATCH):  # a step of the bar per batch the embedder runs
            chunk = texts[start : start + BATCH]
            parts.append(embedder.encode(chunk))
            bar.update(len(chunk))
    return np.concatenate(parts)


def build_index(
    content_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    *,
    progress: bool | None = None,
    force: bool = False,
    content: Content | None = None,
) -> BuildReport:
    """Embed what changed since the current build and swap the new build in.

    `content` is the folder already parsed by the caller, so it is not read twice.
    """
    from index.parse import load_content

    started = time.perf_counter()
    content = content or load_content(content_dir)
    if content.errors:
        raise ContentError(content.errors)
    entries = content.entries
    documents = build_documents(entries)
    print_progress = sys.stderr.isatty() if progress is None else progress
    with _build_lock(index_dir):
        manifest = read_manifest(index_dir)
        fp = fingerprint(entries, documents)
        if not force and _compatible(manifest, embedder) and manifest and manifest.get("fingerprint") == fp:
            return BuildReport(
                _current(index_dir) or index_dir, len(entries), len(documents), 0, len(documents),
                time.perf_counter() - started, rebuilt=False,
            )
        reusable = {} if force else _reusable_vectors(index_dir, embedder)
        missing = [i for i, d in enumerate(documents) if d.hash not in reusable]
        fresh = _encode_with_progress(embedder, [documents[i].text for i in missing], print_progress)
        vectors = np.zeros((len(documents), embedder.dimension), dtype=np.float32)
        fresh_rows = dict(zip(missing, fresh, strict=True))
        for i, doc in enumerate(documents):
            vectors[i] = fresh_rows[i] if i in fresh_rows else reusable[doc.hash]
        build_id = f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex}"
        builds = index_dir / "builds"
        builds.mkdir(parents=True, exist_ok=True)
        staging = builds / f".staging-{build_id}"
        try:
            staging.mkdir()
            np.save(staging / VECTORS, vectors)
            (staging / ENTRIES).write_text(
                json.dumps([e.to_dict() for e in entries], ensure_ascii=False, indent=1), "utf-8"
            )
            new_manifest = {
                "format": FORMAT_VERSION,
                "model": embedder.name,
                "backend": embedder.backend,
                "encoder": embedder.encoder,
                "dimension": embedder.dimension,
                "fingerprint": fp,
                "content": str(content_dir.resolve()),
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "entries": len(entries),
                "documents": [{"entry": d.entry, "paragraph": d.paragraph, "hash": d.hash} for d in documents],
            }
            # The manifest is written last: a build directory without one is never valid.
            (staging / MANIFEST).write_text(json.dumps(new_manifest, indent=1), "utf-8")
            for name in (VECTORS, ENTRIES, MANIFEST):
                with open(staging / name, "rb") as fh:
                    os.fsync(fh.fileno())
            final = builds / build_id
            staging.rename(final)
            link_tmp = index_dir / f".current-{build_id}"
            link_tmp.symlink_to(Path("builds") / build_id)
            os.replace(link_tmp, index_dir / "current")
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        _prune(builds, keep=final)
    return BuildReport(
        final, len(entries), len(documents), len(missing), len(documents) - len(missing),
        time.perf_counter() - started, rebuilt=True,
        entries_embedded=len({documents[i].entry for i in missing}),
    )


def _prune(builds: Path, keep: Path, keep_previous: int = 1) -> None:
    """Remove stale staging directories and all but the newest previous builds.

    One previous build is kept so a process that resolved `current` just before the swap can still
    finish reading it.
    """
    others = sorted((p for p in builds.iterdir() if p != keep), key=lambda p: p.stat().st_mtime, reverse=True)
    kept = 0
    for path in others:
        if not path.name.startswith(".staging-") and kept < keep_previous:
            kept += 1
            continue
        shutil.rmtree(path, ignore_errors=True)


def ensure_index(
    content_dir: Path, index_dir: Path | None, embedder: Embedder, *, progress: bool | None = None
) -> tuple[LoadedIndex, BuildReport | None]:
    """Load the index for this content, building or refreshing it first when missing or stale."""
    index_dir = index_dir or default_index_dir(content_dir)
    from index.parse import load_content

    report: BuildReport | None = None
    content = load_content(content_dir)
    if content.errors:
        if _current(index_dir) is None:
            raise ContentError(content.errors)
        # Broken content never replaces a working index; the caller reports the problems.
        return load_index(index_dir, mmap=False), None
    if not is_fresh(index_dir, content, embedder):
        report = build_index(content_dir, index_dir, embedder, progress=progress, content=content)
    # In memory, not mapped: the answerer scores every vector on every question, so it holds them all
    # anyway, and a mapped file would be copied (DenseRanker) and then held twice.
    return load_index(index_dir, mmap=False), report
