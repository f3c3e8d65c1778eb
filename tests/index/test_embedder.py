"""The model backends: ONNX vectors that match PyTorch's on the evaluation questions, the default chosen
by the recorded parity, a missing export falling back to torch with one warning, an index never mixing
two backends' vectors. (Pooling and the serving encoder itself are in test_onnx_encoder.py, the install
step's verdict in tests/test_onnx_export.py, the processes that answer without torch in
tests/e2e/test_backends.py.)

The ONNX export is an install step (requirements/install.sh model); these tests use the one `make`
installed into this environment and fail, rather than skip, without it.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

import numpy as np
import pytest

import index.embedder as embedder_module
from careerfw_tools.onnx_export import (
    MAX_DIFFERING_PER_SET,
    PARITY_MIN_COSINE,
    parity_texts,
)
from index.embedder import (
    DEFAULT_MODEL,
    EXPORT_RECORD,
    ONNX_GRAPHS,
    Embedder,
    export_dir_for,
    read_export_record,
    serves,
)
from index.store import build_index, is_fresh, load_index, read_manifest

REPO = Path(__file__).resolve().parents[2]
EVAL_SETS = sorted((REPO / "tests" / "eval").glob("*.yaml"))
EXPORT = export_dir_for(DEFAULT_MODEL)
INSTALL_HINT = "no ONNX export in this environment: run `make venv` (requirements/install.sh ... model)"


@pytest.fixture(scope="module")
def record() -> dict:
    found = read_export_record(EXPORT)
    assert found is not None, INSTALL_HINT
    return found


@pytest.fixture(scope="module")
def questions() -> list[str]:
    asked, _ = parity_texts(EVAL_SETS)
    assert len(asked) > 100
    return asked


@pytest.fixture(scope="module")
def torch_embedder() -> Embedder:
    return Embedder(backend="torch")


@pytest.fixture(scope="module")
def torch_vectors(torch_embedder: Embedder, questions: list[str]) -> np.ndarray:
    return torch_embedder.encode(questions)


@pytest.fixture()
def fresh_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    # Each warning is said once per process; each test starts as a new process would.
    monkeypatch.setattr(embedder_module, "_warned", set())


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1)


# --- parity ----------------------------------------------------------------------------------------


def test_the_default_backend_is_onnx_and_matches_torch_on_every_eval_question(
    record: dict, questions: list[str], torch_vectors: np.ndarray
) -> None:
    default = Embedder()
    assert default.backend in ("onnx", "onnx-int8")
    assert serves(record, default.backend)
    if not record["parity"]["backends"][default.backend]["passed"]:
        # Served on the strength of its answers (docs/model.md): they were those of fp32, set by set.
        assert default.backend == "onnx-int8" and record["answers"]["passed"]
        assert all(s["differ"]["questions"] <= MAX_DIFFERING_PER_SET for s in record["answers"]["sets"])
        return
    cos = cosines(default.encode(questions), torch_vectors)
    assert cos.min() >= PARITY_MIN_COSINE, [q for q, c in zip(questions, cos, strict=True) if c < PARITY_MIN_COSINE]


@pytest.mark.parametrize("backend", ["onnx", "onnx-int8"])
def test_recorded_parity_is_what_the_serving_encoder_gives(
    backend: str, record: dict, questions: list[str], torch_vectors: np.ndarray
) -> None:
    """The default is chosen by the record, so the record must describe these files through this encoder."""
    cos = cosines(Embedder(backend=backend).encode(questions), torch_vectors)
    recorded = record["parity"]["backends"][backend]
    assert recorded["questions"]["count"] == len(questions)
    assert recorded["questions"]["min"] == pytest.approx(float(cos.min()), abs=1e-3)
    assert recorded["questions"]["mean"] == pytest.approx(float(cos.mean()), abs=1e-3)
    assert recorded["passed"] == bool(cos.min() >= PARITY_MIN_COSINE)


def test_export_record_names_the_files_it_measured(record: dict) -> None:
    for backend, graph in ONNX_GRAPHS.items():
        entry = record["files"][backend]
        assert entry["path"] == graph
        # The digest covers the graph and then its weights file beside it: new weights, a new index key.
        weights = EXPORT / entry["data"]["path"]
        assert weights.parent == (EXPORT / graph).parent and weights.stat().st_size == entry["data"]["bytes"]
        digest = hashlib.sha256((EXPORT / graph).read_bytes() + weights.read_bytes()).hexdigest()
        assert digest == entry["sha256"]
    assert Embedder(backend="onnx").encoder == f"onnx:{record['files']['onnx']['sha256'][:16]}"
    assert (EXPORT / "tokenizer.json").is_file()


# --- choosing the backend --------------------------------------------------------------------------


def _export_copy(root: Path, parity: dict[str, bool], drop: tuple[str, ...] = (),
                 serve: dict[str, bool] | None = None) -> Path:
    """The installed export under another root (files linked, not copied), with its parity results changed;
    `serve`: the export's verdict, else none recorded (judged by the cosine check, as an older export)."""
    target = export_dir_for(DEFAULT_MODEL, root)
    for path in EXPORT.rglob("*"):
        rel = path.relative_to(EXPORT)
        if path.is_dir() or rel.as_posix() in drop or rel.name == EXPORT_RECORD:
            continue
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        (target / rel).symlink_to(path)
    record = json.loads((EXPORT / EXPORT_RECORD).read_text())
    for backend, passed in parity.items():
        record["parity"]["backends"][backend]["passed"] = passed
    record.pop("verdict", None)
    if serve is not None:
        record["verdict"] = {b: {"serve": ok, "by": "made so for this test"} for b, ok in serve.items()}
    (target / EXPORT_RECORD).write_text(json.dumps(record))
    return root


# --- int8 by default when it answers the same (issue 23, item 2; docs/model.md) ------------------------


def test_int8_serves_by_default_when_the_export_found_its_answers_those_of_fp32(
    tmp_path: Path, fresh_warnings: None, caplog: pytest.LogCaptureFixture
) -> None:
    # Under the cosine bar (as this install's int8 is), but the verdict says it answers as fp32 does.
    root = _export_copy(tmp_path, {"onnx": True, "onnx-int8": False}, serve={"onnx": True, "onnx-int8": True})
    with caplog.at_level(logging.WARNING, logger="careerfw.model"):
        default = Embedder(onnx_root=root)
        asked = Embedder(backend="onnx-int8", onnx_root=root)
    assert default.backend == asked.backend == "onnx-int8"
    assert caplog.records == []  # no "failed its parity check … as asked": the verdict passed it
    # fp32 stays one setting away.
    assert Embedder(backend="onnx", onnx_root=root).backend == "onnx"


def test_int8_does_not_serve_by_default_when_its_answers_differ(tmp_path: Path, fresh_warnings: None) -> None:
    root = _export_copy(tmp_path, {"onnx": True, "onnx-int8": False}, serve={"onnx": True, "onnx-int8": False})
    assert Embedder(onnx_root=root).backend == "onnx"


@pytest.mark.parametrize(
    ("parity", "expected"),
    [
        ({"onnx": True, "onnx-int8": True}, "onnx-int8"),
        ({"onnx": True, "onnx-int8": False}, "onnx"),
        ({"onnx": False, "onnx-int8": True}, "onnx-int8"),
    ],
)
def test_default_is_the_fastest_backend_whose_parity_passed(
    parity: dict[str, bool], expected: str, tmp_path: Path, fresh_warnings: None, caplog: pytest.LogCaptureFixture
) -> None:
    root = _export_copy(tmp_path, parity)
    with caplog.at_level(logging.WARNING, logger="careerfw.model"):
        chosen = Embedder(onnx_root=root)
    assert chosen.backend == expected
    assert caplog.records == []
    assert chosen.encode(["what does Head of ML own?"]).shape == (1, 384)


def test_no_variant_passing_parity_means_torch_with_one_warning(
    tmp_path: Path, fresh_warnings: None, caplog: pytest.LogCaptureFixture
) -> None:
    root = _export_copy(tmp_path, {"onnx": False, "onnx-int8": False})
    with caplog.at_level(logging.WARNING, logger="careerfw.model"):
        first, second = Embedder(onnx_root=root), Embedder(onnx_root=root)
    assert first.backend == second.backend == "torch"
    assert len(caplog.records) == 1 and "parity" in caplog.records[0].getMessage()


def test_a_backend_asked_for_is_used_even_if_its_parity_failed_with_a_warning(
    tmp_path: Path, fresh_warnings: None, caplog: pytest.LogCaptureFixture
) -> None:
    root = _export_copy(tmp_path, {"onnx": True, "onnx-int8": False})
    with caplog.at_level(logging.WARNING, logger="careerfw.model"):
        chosen = Embedder(backend="onnx-int8", onnx_root=root)
    assert chosen.backend == "onnx-int8"
    message = caplog.records[0].getMessage()
    assert len(caplog.records) == 1 and "onnx-int8" in message and "parity" in message
    assert Embedder(backend="torch", onnx_root=root).backend == "torch"


def test_a_missing_onnx_file_falls_back_to_torch_with_one_warning(
    tmp_path: Path, fresh_warnings: None, caplog: pytest.LogCaptureFixture
) -> None:
    root = _export_copy(tmp_path, {"onnx": True, "onnx-int8": True}, drop=(ONNX_GRAPHS["onnx-int8"],))
    with caplog.at_level(logging.WARNING, logger="careerfw.model"):
        asked = Embedder(backend="onnx-int8", onnx_root=root)
        default = Embedder(onnx_root=root)
    assert asked.backend == "torch"
    assert default.backend == "onnx"  # the default moves on to the next variant that is there and passed
    assert len(caplog.records) == 1
    assert ONNX_GRAPHS["onnx-int8"] in caplog.records[0].getMessage()
    assert "torch" in caplog.records[0].getMessage()


def test_an_export_of_other_weights_is_not_used(tmp_path: Path, fresh_warnings: None,
                                                caplog: pytest.LogCaptureFixture) -> None:
    root = _export_copy(tmp_path, {"onnx": True, "onnx-int8": True})
    record_path = export_dir_for(DEFAULT_MODEL, root) / EXPORT_RECORD
    record = json.loads(record_path.read_text())
    record["source"]["weights_bytes"] += 1  # the packaged model was upgraded after the export
    record_path.write_text(json.dumps(record))
    with caplog.at_level(logging.WARNING, logger="careerfw.model"):
        assert Embedder(onnx_root=root).backend == "torch"
    assert "other weights" in caplog.text


# --- the index never mixes backends ----------------------------------------------------------------


def test_switching_backend_rebuilds_the_index_in_full(tmp_path: Path) -> None:
    idx = tmp_path / "idx"
    build_index(REPO / "content", idx, Embedder(backend="onnx"), progress=False)
    assert read_manifest(idx)["backend"] == "onnx"
    int8 = Embedder(backend="onnx-int8")
    report = build_index(REPO / "content", idx, int8, progress=False)
    assert report.rebuilt and report.embedded == report.documents and report.reused == 0
    manifest = read_manifest(idx)
    assert manifest["backend"] == "onnx-int8" and manifest["encoder"] == int8.encoder
    # Every stored vector is the int8 encoder's own.
    loaded = load_index(idx)
    again = int8.encode([d.text for d in loaded.documents])
    assert np.allclose(np.asarray(loaded.vectors), again, atol=1e-5)


def test_an_index_from_before_backends_were_recorded_counts_as_torch(tmp_path: Path, torch_embedder: Embedder) -> None:
    from index.parse import load_content

    idx = tmp_path / "idx"
    build_index(REPO / "content", idx, torch_embedder, progress=False)
    manifest_path = load_index(idx).path / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    del manifest["backend"], manifest["encoder"]
    manifest_path.write_text(json.dumps(manifest))
    content = load_content(REPO / "content")
    assert is_fresh(idx, content, torch_embedder)
    assert not is_fresh(idx, content, Embedder(backend="onnx"))


def test_the_model_vocabulary_read_for_question_words_stays_small() -> None:
    """language_words (MiniLM's ~21,700 whole words, read once per process) answers "is this a word" in
    about 2 MB with its strings, not 3.3 MB as a frozenset, and reading it peaks at what it keeps: the whole
    file as one text and its ~30,500 tokens as one list had peaked 1 MB above. A serving process keeps both
    its peak and what it holds (issue 23, memory)."""
    import tracemalloc

    from index.embedder import language_words

    language_words()  # the modules and paths it needs, imported and found before measuring
    language_words.cache_clear()
    tracemalloc.start()
    try:
        words = language_words()
        held, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(words) > 20_000 and "mentoring" in words and "##ing" not in words and "[CLS]" not in words
    assert held < 2.5e6
    assert peak - held < 0.25e6


def test_the_vocabulary_words_are_the_whole_lowercase_words_of_the_first_vocabulary_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """language_words keeps a vocabulary's whole lowercase ASCII words in file order, whatever its line ends,
    and an empty vocabulary file sends it on to the packaged model's, as its docstring says."""
    embedder = embedder_module
    export, packaged = tmp_path / "export", tmp_path / "packaged"
    export.mkdir()
    packaged.mkdir()
    (export / "vocab.txt").write_text("", "utf-8")
    # Windows line ends, and no line end after the last word: neither reaches a word.
    tokens = ["[CLS]", "senior", "##ing", "CTO", "café", "staff  lead", "", "senior", "2nd", "mentor"]
    (packaged / "vocab.txt").write_bytes("\r\n".join(tokens).encode())
    monkeypatch.setattr(embedder, "export_dir_for", lambda name: export)
    monkeypatch.setattr(embedder, "resolve_model", lambda name: (embedder.DEFAULT_MODEL, packaged))
    embedder.language_words.cache_clear()
    try:
        assert list(embedder.language_words()) == ["senior", "staff", "lead", "mentor"]
    finally:
        embedder.language_words.cache_clear()
