"""The model backends as a user meets them: ONNX vectors that match PyTorch's on the evaluation questions,
torch never loaded by a process that answers on ONNX, the default chosen by the recorded parity, an
index never mixing two backends' vectors, and a missing export falling back to torch with one warning.

The ONNX export is an install step (requirements/install.sh model); these tests use the one `make`
installed into this environment and fail, rather than skip, without it.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

import index.embedder as embedder_module
from bot.config import ConfigError, Settings
from index.embedder import (
    DEFAULT_MODEL,
    EXPORT_RECORD,
    ONNX_GRAPHS,
    Embedder,
    ModelError,
    export_dir_for,
    read_export_record,
    resolve_model,
)
from index.onnx_encoder import UnsupportedModel, pool, read_pipeline
from index.onnx_export import PARITY_MIN_COSINE, parity_texts
from index.store import build_index, is_fresh, load_index, read_manifest

REPO = Path(__file__).resolve().parent.parent
EVAL_SETS = sorted((REPO / "tests" / "eval").glob("*.yaml"))
EXPORT = export_dir_for(DEFAULT_MODEL)
HEAVY = ("torch", "transformers", "sentence_transformers")
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
    assert record["parity"]["backends"][default.backend]["passed"]
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
    import hashlib

    for backend, graph in ONNX_GRAPHS.items():
        entry = record["files"][backend]
        assert entry["path"] == graph
        assert hashlib.sha256((EXPORT / graph).read_bytes()).hexdigest() == entry["sha256"]
    assert Embedder(backend="onnx").encoder == f"onnx:{record['files']['onnx']['sha256'][:16]}"
    assert (EXPORT / "tokenizer.json").is_file()


# --- no torch in the serving process ---------------------------------------------------------------

_DRIVER = (
    "import json, sys\n"
    "from bot.cli import main\n"
    "code = main(sys.argv[1:])\n"
    f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})), file=sys.stderr)\n"
    "sys.exit(code)\n"
)
_WITHOUT_TORCH = f"import sys\nfor name in {HEAVY!r}:\n    sys.modules[name] = None  # as if not installed\n"


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "CAREERFW_"))}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", XDG_CACHE_HOME=str(tmp_path / "cache"),
               XDG_STATE_HOME=str(tmp_path / "state"), CAREERFW_SCHEDULER="off")
    env.update(extra)
    return env


def _run(code: str, args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code, *args], env=env, cwd=REPO, capture_output=True, text=True,
                          timeout=300, stdin=subprocess.DEVNULL)


def test_careerfw_ask_answers_without_importing_torch(tmp_path: Path) -> None:
    run = _run(_DRIVER, ["ask", "--json", "what does Head of ML own?"], _env(tmp_path))
    assert run.returncode == 0, run.stderr
    answer = json.loads(run.stdout)
    assert answer["confident"] and answer["answers"]
    assert json.loads(run.stderr.strip().splitlines()[-1]) == []
    assert read_manifest(next((tmp_path / "cache" / "careerfw" / "indexes").iterdir()))["backend"] != "torch"


def test_answers_where_torch_is_not_installed_at_all(tmp_path: Path) -> None:
    """The image's runtime stage: no torch, no sentence-transformers, only the export."""
    run = _run(_WITHOUT_TORCH + _DRIVER, ["ask", "--json", "who owns the ML roadmap?"], _env(tmp_path))
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["answers"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_serving_process_never_maps_torch(tmp_path: Path) -> None:
    """`careerfw teams` loads, answers its warm-up question, reports healthy with its backend: and has no
    libtorch mapped."""
    port = _free_port()
    env = _env(tmp_path, CAREERFW_TEAMS_ALLOW_ANONYMOUS="1", CAREERFW_STATE_DB=str(tmp_path / "state.db"))
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "teams", "--host", "127.0.0.1", "--port", str(port)],
                            env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 180
        health: dict = {}
        while time.monotonic() < deadline and proc.poll() is None and not health:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as resp:
                    health = json.loads(resp.read()) if resp.status == 200 else {}
            except OSError:
                time.sleep(0.2)
        assert health, proc.stderr.read() if proc.poll() is not None and proc.stderr else "not healthy in time"
        assert health["backend"] == Embedder().backend  # /healthz says what answers
        maps = Path(f"/proc/{proc.pid}/maps").read_text()
        assert "onnxruntime" in maps  # the check sees the libraries the process loaded
        assert "libtorch" not in maps
    finally:
        proc.terminate()
        proc.wait(timeout=30)


# --- choosing the backend --------------------------------------------------------------------------


def _export_copy(root: Path, parity: dict[str, bool], drop: tuple[str, ...] = ()) -> Path:
    """The installed export under another root (files linked, not copied), with its parity results changed."""
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
    (target / EXPORT_RECORD).write_text(json.dumps(record))
    return root


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


def test_cli_without_an_export_answers_on_torch_after_one_warning_line(tmp_path: Path) -> None:
    """A model directory nobody exported (CAREERFW_MODEL): answered all the same, one line on stderr."""
    _, packaged = resolve_model(None)
    assert packaged is not None
    model = tmp_path / "my-model"
    shutil.copytree(packaged, model, copy_function=os.symlink)
    run = _run(_DRIVER, ["ask", "--json", "what does Head of ML own?"], _env(tmp_path, CAREERFW_MODEL=str(model)))
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["answers"]
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 2, run.stderr  # the warning, then the driver's module list
    assert "no ONNX export" in lines[0] and "using the torch backend" in lines[0]
    assert "torch" in json.loads(lines[1])


def test_without_an_export_or_torch_the_error_is_one_clear_line(tmp_path: Path) -> None:
    _, packaged = resolve_model(None)
    assert packaged is not None
    model = tmp_path / "my-model"
    shutil.copytree(packaged, model, copy_function=os.symlink)
    run = _run(_WITHOUT_TORCH + _DRIVER, ["ask", "what does Head of ML own?"],
               _env(tmp_path, CAREERFW_MODEL=str(model)))
    assert run.returncode == 1
    lines = [line for line in run.stderr.splitlines() if line.strip() and not line.startswith("[")]
    assert len(lines) == 1 and "torch is not installed" in lines[0] and "install.sh" in lines[0], run.stderr
    assert "Traceback" not in run.stderr


def test_backend_setting_is_read_once_and_checked() -> None:
    assert Settings.from_env({}).model_backend is None
    assert Settings.from_env({"CAREERFW_MODEL_BACKEND": "ONNX-int8"}).model_backend == "onnx-int8"
    assert Settings.from_env({"CAREERFW_MODEL_BACKEND": "torch"}).model_backend == "torch"
    with pytest.raises(ConfigError, match="CAREERFW_MODEL_BACKEND"):
        Settings.from_env({"CAREERFW_MODEL_BACKEND": "tensorflow"})
    with pytest.raises(ModelError, match="tensorflow"):
        Embedder(backend="tensorflow")


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


# --- pooling as the model's files say --------------------------------------------------------------


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


# --- the figures: eval and bench measure every backend ---------------------------------------------


def test_eval_puts_every_backends_top1_side_by_side(tmp_path: Path) -> None:
    from careerfw_tools.backend_eval import compare_backends, render
    from careerfw_tools.evaluate import load_set

    sets = [load_set(REPO / "tests" / "eval" / name) for name in ("seed.yaml", "multilevel.yaml")]
    comparison = compare_backends(sets, work=tmp_path)
    assert comparison.backends == ["torch", "onnx", "onnx-int8"]
    assert [s.name for s in comparison.sets] == ["seed", "multilevel"]
    assert comparison.serving == Embedder().backend
    # fp32 ONNX passed parity on every question, so it ranks like PyTorch on every framework.
    assert comparison.within("onnx"), render(comparison)
    text = render(comparison)
    for s in comparison.sets:
        row = next(line for line in text.splitlines() if line.startswith(s.name + " "))
        assert f"{s.top1['torch']:.3f}" in row and f"{s.top1['onnx-int8']:.3f}" in row
    verdict = "met" if comparison.within("onnx-int8") else "MISSED"
    assert f"onnx-int8: every framework's top-1 within 1 point of torch {verdict}" in text


def test_bench_serves_each_backend_on_the_index_that_backend_built(tmp_path: Path) -> None:
    from careerfw_tools.bench import _questions, _serving

    content = REPO / "content"
    index_dir = tmp_path / "index"
    build_index(content, index_dir, Embedder(backend="onnx-int8"), progress=False)
    measured = _serving(content, index_dir, "onnx-int8", None, _questions(content, 6), tmp_path)
    assert "error" not in measured, measured
    assert measured["index_rebuilt_at_start"] is False
    assert measured["answered"] == 6
    assert 0 < measured["ready_s"] <= measured["first_answer_s"]
    assert measured["peak_rss_mb"] > 50
