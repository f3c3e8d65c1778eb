"""The index: incremental, atomic, never mixing models, and built where it belongs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from index.answer import Answerer
from index.parse import load_content
from index.store import (
    FORMAT_VERSION,
    ContentError,
    SearchIndexError,
    build_index,
    ensure_index,
    is_fresh,
    load_index,
    read_manifest,
)

REPO = Path(__file__).resolve().parents[2]
SEED_PAGE = "careerframework/mlengineer/level1.md"


@pytest.fixture()
def content(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(REPO / "content", root)
    return root


def edit(content: Path, old: str, new: str) -> None:
    page = content / SEED_PAGE
    text = page.read_text("utf-8")
    assert old in text
    page.write_text(text.replace(old, new, 1), "utf-8")


class CountingEmbedder:
    """The real embedder, counting what it is asked to embed (and able to fail part-way)."""

    def __init__(self, real, fail_after: int | None = None) -> None:
        self.real = real
        self.name = real.name
        self.backend = real.backend
        self.encoder = real.encoder
        self.dimension = real.dimension
        self.texts: list[str] = []
        self.fail_after = fail_after

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        if self.fail_after is not None and len(self.texts) + len(texts) > self.fail_after:
            raise KeyboardInterrupt("interrupted mid-build")
        self.texts.extend(texts)
        return self.real.encode(texts, batch_size=batch_size)

    def encode_query(self, text: str) -> np.ndarray:
        return self.real.encode_query(text)


def test_build_store_layout_and_manifest(content: Path, tmp_path: Path, embedder) -> None:
    report = build_index(content, tmp_path / "idx", embedder, progress=False)
    assert report.rebuilt and report.entries == 7
    manifest = read_manifest(tmp_path / "idx")
    assert manifest is not None
    assert manifest["format"] == FORMAT_VERSION
    assert manifest["model"] == "all-MiniLM-L6-v2"
    assert manifest["dimension"] == 384
    assert len(manifest["documents"]) == report.documents
    assert all(len(d["hash"]) >= 16 for d in manifest["documents"])
    loaded = load_index(tmp_path / "idx")
    assert isinstance(loaded.vectors, np.memmap)
    assert loaded.vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(loaded.vectors, axis=1), 1.0, atol=1e-4)


def test_rebuild_of_unchanged_content_embeds_nothing(content: Path, tmp_path: Path, embedder) -> None:
    build_index(content, tmp_path / "idx", embedder, progress=False)
    counting = CountingEmbedder(embedder)
    report = build_index(content, tmp_path / "idx", counting, progress=False)
    assert counting.texts == []
    assert report.embedded == 0 and report.entries_embedded == 0
    assert not report.rebuilt


def test_one_changed_cell_embeds_only_that_entry(content: Path, tmp_path: Path, embedder) -> None:
    build_index(content, tmp_path / "idx", embedder, progress=False)
    edit(content, "I ensure AI systems at Vaarst are safe", "I ensure AI systems at Vaarst are secure")
    counting = CountingEmbedder(embedder)
    report = build_index(content, tmp_path / "idx", counting, progress=False)
    assert report.rebuilt
    assert report.entries_embedded == 1
    assert counting.texts and all("secure" in t for t in counting.texts)
    index = load_index(tmp_path / "idx")
    governance = next(e for e in index.entries if e.area == "AI Governance")
    assert "are secure, accountable" in governance.description


def test_interrupted_build_leaves_the_old_index_answering(content: Path, tmp_path: Path, embedder) -> None:
    idx = tmp_path / "idx"
    build_index(content, idx, embedder, progress=False)
    before = load_index(idx)
    edit(content, "I ensure AI systems at Vaarst are safe", "Totally rewritten text about governance")
    edit(content, "I build and mature machine learning teams", "Rewritten strategy text")
    with pytest.raises(KeyboardInterrupt):
        build_index(content, idx, CountingEmbedder(embedder, fail_after=1), progress=False)
    after = load_index(idx)
    assert after.path == before.path
    assert [e.description for e in after.entries] == [e.description for e in before.entries]
    assert not [p for p in (idx / "builds").iterdir() if p.name.startswith(".staging")]
    answer = Answerer(after, embedder).ask("who ensures AI systems are safe and trustworthy?")
    assert answer.confident
    assert any("safe, accountable, reliable and trustworthy" in q.text for q in answer.quotes)


def test_broken_content_never_replaces_a_working_index(content: Path, tmp_path: Path, embedder) -> None:
    idx = tmp_path / "idx"
    build_index(content, idx, embedder, progress=False)
    good = load_index(idx).path
    (content / "broken.md").write_text("---\ntitle: [oops\n---\n")
    with pytest.raises(ContentError) as err:
        build_index(content, idx, embedder, progress=False)
    assert "broken.md:" in str(err.value)
    assert load_index(idx).path == good
    served, report = ensure_index(content, idx, embedder)
    assert served.path == good and report is None


def test_index_from_another_model_is_rebuilt_not_mixed(content: Path, tmp_path: Path, embedder) -> None:
    idx = tmp_path / "idx"
    build_index(content, idx, embedder, progress=False)
    manifest_path = load_index(idx).path / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["model"] = "some-other-model"
    manifest_path.write_text(json.dumps(manifest))
    assert not is_fresh(idx, load_content(content), embedder)
    counting = CountingEmbedder(embedder)
    report = build_index(content, idx, counting, progress=False)
    assert report.embedded == report.documents  # nothing reused from the foreign model
    assert read_manifest(idx)["model"] == "all-MiniLM-L6-v2"


def test_index_of_an_older_format_is_refused_and_rebuilt(content: Path, tmp_path: Path, embedder) -> None:
    """Format 1 stored no entry layout: read as today's, every bullet and FAQ answer would pass for a table
    cell, so such an index is never read, only rebuilt."""
    idx = tmp_path / "idx"
    build_index(content, idx, embedder, progress=False)
    build = load_index(idx).path
    manifest = json.loads((build / "manifest.json").read_text())
    manifest["format"] = 1
    (build / "manifest.json").write_text(json.dumps(manifest))
    entries = json.loads((build / "entries.json").read_text())
    (build / "entries.json").write_text(json.dumps([{k: v for k, v in e.items() if k != "layout"} for e in entries]))
    with pytest.raises(SearchIndexError, match="has format 1, expected"):
        load_index(idx)
    assert not is_fresh(idx, load_content(content), embedder)
    index, report = ensure_index(content, idx, embedder, progress=False)
    assert report is not None and report.embedded == report.documents
    assert all(e.layout for e in index.entries) and read_manifest(idx)["format"] == FORMAT_VERSION


def test_default_index_lives_outside_the_content(content: Path, embedder) -> None:
    before = sorted(p.relative_to(content) for p in content.rglob("*"))
    index, report = ensure_index(content, None, embedder)
    assert report is not None and report.rebuilt
    assert not index.path.is_relative_to(content)
    assert sorted(p.relative_to(content) for p in content.rglob("*")) == before
    again, report = ensure_index(content, None, embedder)
    assert report is None and again.path == index.path


def test_stale_index_is_refreshed_by_ask(content: Path, tmp_path: Path, embedder) -> None:
    idx = tmp_path / "idx"
    Answerer.open(content, idx, embedder=embedder)
    edit(content, "I monitor my team's usage of cloud technologies", "I keep a close eye on GPU spend")
    answerer = Answerer.open(content, idx, embedder=embedder)
    ml_ops = next(e for e in answerer.entries if e.area == "ML Ops")
    assert "I keep a close eye on GPU spend" in ml_ops.description
