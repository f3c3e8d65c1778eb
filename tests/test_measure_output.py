"""What `careerfw eval` and `careerfw bench` print (docs/evaluation.md): no warning about a backend
nobody asked for, and no ratio against a backend that was not measured."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

import index.embedder as embedder_module
from careerfw_tools.backend_eval import compare_backends
from careerfw_tools.bench import render
from index import build_index
from index.embedder import EXPORT_RECORD, Embedder, export_dir_for, read_export_record, resolve_model


@pytest.fixture
def int8_failed_parity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An ONNX root holding this install's export, its record saying onnx-int8 failed its parity check
    (as it does on this install's export today; made explicit so the test does not depend on it)."""
    name, _ = resolve_model(None)
    real = export_dir_for(name)
    record = read_export_record(real)
    if record is None:
        pytest.fail(f"no ONNX export at {real}: `make test` installs it")
    root = tmp_path / "onnx"
    mine = export_dir_for(name, root)
    mine.mkdir(parents=True)
    for item in real.iterdir():
        if item.name != EXPORT_RECORD:
            (mine / item.name).symlink_to(item)
    record.setdefault("parity", {}).setdefault("backends", {}).setdefault("onnx-int8", {})["passed"] = False
    record.setdefault("verdict", {})["onnx-int8"] = {"serve": False, "by": "made so for this test"}
    (mine / EXPORT_RECORD).write_text(json.dumps(record), "utf-8")
    monkeypatch.setattr(embedder_module, "_warned", set())  # each warning is said once per process
    return root


def _as_asked(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "using it as asked" in r.getMessage()]


def test_the_backend_comparison_does_not_warn_about_a_backend_nobody_asked_for(
    int8_failed_parity: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    # Asking for it (CAREERFW_MODEL_BACKEND=onnx-int8) says so, as `eval` does first for its own model.
    Embedder(backend="onnx-int8", onnx_root=int8_failed_parity)
    assert len(_as_asked(caplog)) == 1
    caplog.clear()
    embedder_module._warned.clear()
    comparison = compare_backends([], onnx_root=int8_failed_parity)
    assert "onnx-int8" in comparison.backends  # still measured side by side
    assert _as_asked(caplog) == []


def test_bench_does_not_warn_about_a_backend_nobody_asked_for(
    int8_failed_parity: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # `bench --backends onnx` printed "the onnx-int8 backend failed its parity check…; using it as asked"
    # while listing what it could measure.
    from careerfw_tools.bench import available_backends

    caplog.set_level(logging.WARNING)
    found, _ = available_backends(None, onnx_root=int8_failed_parity)
    assert "onnx-int8" in found
    assert _as_asked(caplog) == []


def _build(backend: str, vs_torch: float | None) -> dict:
    return {"entries": 10, "documents": 12, "seconds": 1.0, "entries_per_s": 10.0, "bare_entries_per_s": 11.0,
            "vs_bare_entries": 0.91, "documents_per_s": 12.0, "bare_documents_per_s": 13.0, "vs_bare_documents": 0.92,
            "bare_documents_per_s_backend": backend, "vs_bare_torch_documents": vs_torch}


def _results(builds: dict[str, dict]) -> dict:
    ms = {"p50": 1.0, "p95": 2.0, "p99": 3.0}
    return {
        "backends": list(builds), "serving_default": "onnx", "notes": [], "seconds": 1.0, "targets": {},
        "frameworks": {"seed": {
            "build": builds,
            "latency": {"questions": 5, "bare_torch_encode_ms": ms,
                        "backends": {b: {"ask_ms": ms, "ratio_p50": 1.0, "ratio_median": 1.0} for b in builds}},
            "serving": {},
        }},
    }


def test_bench_without_torch_prints_no_ratio_against_it() -> None:
    out = render(_results({"onnx": _build("onnx", None)}))  # `careerfw bench --backends onnx`
    assert "nan" not in out
    assert "x torch" not in out.split("index build")[1].splitlines()[2]  # the build table's header
    assert "the torch backend was not measured" in out


def test_bench_with_torch_prints_the_ratio() -> None:
    out = render(_results({"torch": _build("torch", 1.0), "onnx": _build("onnx", 2.5)}))
    assert "x torch" in out and "nan" not in out
    table = out.split("index build")[1].splitlines()
    onnx_row = next(line for line in table if line.startswith("seed") and " onnx " in line)
    assert onnx_row.split()[-1] == "2.50"


# --- `careerfw bench` says what it measured (issue 23, item 1; docs/evaluation.md, `careerfw bench`) -------


def test_bench_says_the_load_it_ran_under_and_where_each_answer_s_time_goes(tmp_path: Path) -> None:
    from careerfw_tools.bench import STAGES, run_bench
    from index.onnx_encoder import INTRA_OP_THREADS

    results = run_bench(content=Path(__file__).parent.parent / "content", backends=["onnx"], questions=3,
                        serving=False, progress=False, index_root=tmp_path)
    out = render(results)
    # The load average before and after, on this machine's cores.
    assert "load average before:" in out and "load average after:" in out
    # Bare torch at equal threads (pinned to the ONNX runs' intra-op threads) and at its own default.
    latency = results["frameworks"]["content"]["latency"]
    assert latency["bare_torch_threads"]["pinned"] == INTRA_OP_THREADS
    assert latency["bare_torch_threads"]["default"] >= 1
    assert f"torch pinned to {INTRA_OP_THREADS} intra-op thread" in out and "torch's default" in out
    assert all(latency[k]["p50"] > 0 for k in ("bare_torch_encode_ms", "bare_torch_default_encode_ms"))
    # Each answer split into encode, retrieval, composition and output, and the pipeline without the encode.
    stages = latency["backends"]["onnx"]["stages_ms"]
    for stage in (*STAGES, "total", "pipeline", "pipeline_cpu"):
        assert stages[stage]["p50"] >= 0 and stages[stage]["mean"] >= 0, stage
    assert stages["encode"]["mean"] > 0  # every question distinct: the model ran for each
    # The pipeline on the answering thread's CPU clock too, which waiting for a core does not inflate.
    assert stages["pipeline_cpu"]["mean"] > 0
    table = out.split("where each answer's time goes")[1].splitlines()
    header = next(line for line in table if line.startswith("framework"))
    assert header.split()[2:] == [*STAGES, "total", "pipeline", "cpu"]
    assert "answering thread's CPU" in out
    row = next(line for line in table if line.startswith("content"))
    assert row.split()[1] == "onnx" and all(float(v) >= 0 for v in row.split()[2:])


def test_bench_warns_when_the_load_average_is_above_one_per_core() -> None:
    from careerfw_tools.bench import render_load

    def load(one: float) -> dict:
        return {"load1": one, "cores": 2, "per_core": one / 2}

    busy = {"before": load(5.0), "after": load(1.0)}
    quiet = {"before": load(0.4), "after": load(0.6)}
    warned = [line for line in render_load(busy) if line.startswith("WARNING")]
    assert warned and warned[0].startswith("WARNING: the machine was busy (load average 2.50 per core")
    assert not any("WARNING" in line for line in render_load(quiet))
    assert render_load(quiet)[0] == "load average before: 0.40 on 2 cores (0.20 per core)"


def test_bench_startup_times_a_real_serving_process_from_spawn_to_healthz_200(tmp_path: Path) -> None:
    """`careerfw bench --startup` (docs/evaluation.md): a start with nothing kept, then one from what it kept."""
    from bot.runtime import ANSWERER_CACHE
    from careerfw_tools.bench import render_startup, run_startup

    results = run_startup(content=Path(__file__).parent.parent / "content", index_root=tmp_path,
                          surfaces=["serve"], runs=1, progress=False)
    row = results["frameworks"]["content"]
    assert "error" not in row["serve"], row["serve"]
    for kind in ("derived", "kept"):
        timed = row["serve"][kind]
        assert 0 < timed["listening_s"] <= timed["healthz_200_s"]
    assert (tmp_path / f"index-content-{results['backend']}" / ANSWERER_CACHE).is_file()
    out = render_startup(results)
    assert "load average before:" in out and "load average after:" in out
    rows = [line.split() for line in out.splitlines() if line.startswith("content ")]
    assert [(r[2], r[3]) for r in rows] == [("serve", "derived"), ("serve", "kept")]


def test_bench_starts_its_servers_from_compiled_bytecode_as_an_installed_image_does(tmp_path: Path) -> None:
    """An image's `pip install .` compiles every module, so a restarted pod reads bytecode; a shell with
    PYTHONDONTWRITEBYTECODE set would have each start the bench times compile the bot from source. The
    bench's servers keep their bytecode in the bench's own folder, so a second start compiles nothing."""
    import os
    import subprocess
    import sys

    from careerfw_tools.bench import as_installed

    env = as_installed(dict(os.environ) | {"PYTHONDONTWRITEBYTECODE": "1"}, tmp_path)
    probe = "import bot.runtime, sys; print(bot.runtime.__cached__)"
    repo = Path(__file__).resolve().parent.parent
    cached = subprocess.run([sys.executable, "-c", probe], env=env, cwd=repo, capture_output=True, text=True,
                            check=True).stdout.strip()
    assert Path(cached).is_relative_to(tmp_path) and Path(cached).is_file()


def test_bench_times_the_serving_process_as_a_deployment_restarts_it(tmp_path: Path) -> None:
    """The bench's serving row is a restart (docs/evaluation.md): the index as `careerfw index build` leaves
    it in the image, its answerer kept beside it, and the state database at head. So the measured server,
    by its own log, loads the kept answerer instead of deriving it, and migrates nothing."""
    from careerfw_tools.bench import _questions, _serving

    content = Path(__file__).parent.parent / "content"
    index_dir = tmp_path / "index"
    build_index(content, index_dir, Embedder(backend="onnx"), progress=False)
    served = _serving(content, index_dir, "onnx", None, _questions(content, 2), tmp_path)
    assert "error" not in served, served
    assert served["answered"] == 2 and served["peak_rss_mb"] > 0
    [log] = [path.read_text() for path in tmp_path.glob("serve-*.log")]
    assert "answerer loaded as the last start kept it" in log and "answerer derived" not in log, log
    assert "schema upgraded" not in log, log
