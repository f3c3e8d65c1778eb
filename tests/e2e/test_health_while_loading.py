"""Both servers listen before the model and index are loaded (README, "Health"; CONTRIBUTING's HTTP
contract): GET /healthz answers 503 until loaded, then 200, and POST /slack/events or /api/messages
answers 503 meanwhile, never "connection refused". Kubernetes' probes rely on it.

Real `careerfw serve --http` and `careerfw teams` processes. Loading is made long enough to watch
legitimately: a generated framework with a fresh index folder, so the first start builds the index."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from careerfw_tools.bench import generate_framework
from careerfw_tools.loadtest import SIGNING_SECRET, server_env, sign
from tests.support.ports import free_port
from tests.support.slack import FakeSlack

REPO = Path(__file__).resolve().parents[2]
DEADLINE_S = 300  # a fresh index on a busy 2-core machine; not a figure the test asserts


@pytest.fixture
def fresh_content(tmp_path: Path) -> tuple[Path, Path]:
    content = tmp_path / "content"
    content.mkdir()
    generate_framework(content, crafts=1, levels=4, areas=60)
    return content, tmp_path / "fresh-index"


def _status(url: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> int | None:
    """The HTTP status, or None when nothing answers (connection refused)."""
    request = urllib.request.Request(url, data=data, headers=headers or {}, method="POST" if data else "GET")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code
    except OSError:
        return None


@contextmanager
def _running(argv: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "bot.cli", *argv], env=env, cwd=REPO, stdout=out,
                                stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


def _watch_until_ready(proc: subprocess.Popen[bytes], base: str, log: Path,
                       while_loading: Callable[[], int | None]) -> tuple[list[int], list[int | None]]:
    """Poll /healthz until 200; every 503 seen on the way, and what `while_loading` answered each time
    /healthz said 503."""
    seen: list[int] = []
    during: list[int | None] = []
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()[-3000:]
        status = _status(base + "/healthz")
        if status is not None:
            seen.append(status)
            if status == 200:
                return seen, during
            if status == 503 and len(during) < 3:
                during.append(while_loading())
        time.sleep(0.05)
    pytest.fail(f"not ready within {DEADLINE_S} s; /healthz said {seen[-5:]}:\n{log.read_text()[-3000:]}")


def test_serve_http_answers_503_while_loading_then_200(tmp_path: Path, fresh_content: tuple[Path, Path]) -> None:
    content, index = fresh_content
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    challenge = json.dumps({"type": "url_verification", "challenge": "loaded"}).encode()

    def event() -> int | None:
        return _status(base + "/slack/events", challenge,
                       sign(SIGNING_SECRET, challenge) | {"Content-Type": "application/json"})

    log = tmp_path / "serve.log"
    with FakeSlack() as fake, _running(
        ["serve", "--http", "--host", "127.0.0.1", "--port", str(port), "--content", str(content),
         "--index", str(index)], server_env(fake, tmp_path), log,
    ) as proc:
        seen, during = _watch_until_ready(proc, base, log, event)
        assert 503 in seen and seen.index(503) < seen.index(200), seen
        assert during and all(status == 503 for status in during), during
        assert event() == 200  # once ready, Slack's requests reach the app
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0, log.read_text()[-3000:]


def test_teams_answers_503_while_loading_then_200(tmp_path: Path, fresh_content: tuple[Path, Path]) -> None:
    content, index = fresh_content
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    activity = json.dumps({"type": "message", "text": "hello", "id": "a1", "channelId": "msteams",
                           "serviceUrl": "http://127.0.0.1:9/", "from": {"id": "u1"},
                           "conversation": {"id": "c1"}, "recipient": {"id": "b1"}}).encode()

    def message() -> int | None:
        return _status(base + "/api/messages", activity, {"Content-Type": "application/json"})

    env = {k: v for k, v in os.environ.items() if not k.startswith(("CAREERFW_", "CONNECTIONS__"))}
    env |= {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "XDG_CACHE_HOME": str(tmp_path / "cache"),
            "XDG_STATE_HOME": str(tmp_path / "state"), "CAREERFW_SCHEDULER": "off",
            "CAREERFW_TEAMS_ALLOW_ANONYMOUS": "1", "CAREERFW_STATE_DB": str(tmp_path / "state.db")}
    log = tmp_path / "teams.log"
    with _running(["teams", "--host", "127.0.0.1", "--port", str(port), "--content", str(content),
                   "--index", str(index)], env, log) as proc:
        seen, during = _watch_until_ready(proc, base, log, message)
        assert 503 in seen and seen.index(503) < seen.index(200), seen
        assert during and all(status == 503 for status in during), during
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0, log.read_text()[-3000:]
