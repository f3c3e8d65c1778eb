"""Processes that answer on ONNX as a user runs them: `careerfw ask` and a serving process never load
torch, the image's torch-free environment answers, a missing export means torch after one warning line
(or one clear error where torch is absent too), and `careerfw eval` / `bench` measure every backend.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, Settings
from index.embedder import Embedder, ModelError, resolve_model
from index.store import build_index, read_manifest
from tests.support.process import process_env, wait_for_healthz

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("torch", "transformers", "sentence_transformers")


# --- no torch in the serving process ---------------------------------------------------------------

_DRIVER = (
    "import json, sys\n"
    "from bot.cli import main\n"
    "code = main(sys.argv[1:])\n"
    f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})), file=sys.stderr)\n"
    "sys.exit(code)\n"
)
_WITHOUT_TORCH = f"import sys\nfor name in {HEAVY!r}:\n    sys.modules[name] = None  # as if not installed\n"


def _run(code: str, args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code, *args], env=env, cwd=REPO, capture_output=True, text=True,
                          timeout=300, stdin=subprocess.DEVNULL)


def test_careerfw_ask_answers_without_importing_torch(tmp_path: Path) -> None:
    run = _run(_DRIVER, ["ask", "--json", "what does Head of ML own?"], process_env(tmp_path))
    assert run.returncode == 0, run.stderr
    answer = json.loads(run.stdout)
    assert answer["confident"] and answer["answers"]
    assert json.loads(run.stderr.strip().splitlines()[-1]) == []
    assert read_manifest(next((tmp_path / "cache" / "careerfw" / "indexes").iterdir()))["backend"] != "torch"


def test_answers_where_torch_is_not_installed_at_all(tmp_path: Path) -> None:
    """The image's runtime stage: no torch, no sentence-transformers, only the export."""
    run = _run(_WITHOUT_TORCH + _DRIVER, ["ask", "--json", "who owns the ML roadmap?"], process_env(tmp_path))
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
    env = process_env(tmp_path, CAREERFW_TEAMS_ALLOW_ANONYMOUS="1", CAREERFW_STATE_DB=str(tmp_path / "state.db"))
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "teams", "--host", "127.0.0.1", "--port", str(port)],
                            env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        ready = wait_for_healthz(proc, port)
        assert ready, proc.stderr.read() if proc.poll() is not None and proc.stderr else "not healthy in time"
        assert ready[1]["backend"] == Embedder().backend  # /healthz says what answers
        maps = Path(f"/proc/{proc.pid}/maps").read_text()
        assert "onnxruntime" in maps  # the check sees the libraries the process loaded
        assert "libtorch" not in maps
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_cli_without_an_export_answers_on_torch_after_one_warning_line(tmp_path: Path) -> None:
    """A model directory nobody exported (CAREERFW_MODEL): answered all the same, one line on stderr."""
    _, packaged = resolve_model(None)
    assert packaged is not None
    model = tmp_path / "my-model"
    shutil.copytree(packaged, model, copy_function=os.symlink)
    run = _run(_DRIVER, ["ask", "--json", "what does Head of ML own?"],
               process_env(tmp_path, CAREERFW_MODEL=str(model)))
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
               process_env(tmp_path, CAREERFW_MODEL=str(model)))
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
