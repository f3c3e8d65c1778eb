"""`careerfw teams` as an operator runs it: refuses to start unauthenticated by accident, otherwise
loads, reports healthy, answers, and stops cleanly. One model load, in the child process."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.support.ports import free_port
from tests.support.process import CAREERFW, REPO, process_env, stop_on_sigterm, wait_for_healthz
from tests.teams.harness import Connector, adaptive_card, message


def test_without_an_app_registration_it_refuses_to_start(tmp_path: Path) -> None:
    proc = subprocess.run(CAREERFW + ["teams", "--port", str(free_port())], env=process_env(tmp_path), cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID" in lines[0]
    assert "CAREERFW_TEAMS_ALLOW_ANONYMOUS=1" in lines[0]


def _post(url: str, activity: dict) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(activity).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, json.loads(response.read())


def test_teams_serves_health_and_answers_then_stops_on_sigterm(tmp_path: Path, connector: Connector) -> None:
    port = free_port()
    env = process_env(tmp_path, CAREERFW_TEAMS_ALLOW_ANONYMOUS="1", CAREERFW_STATE_DB=str(tmp_path / "state.db"))
    proc = subprocess.Popen(CAREERFW + ["teams", "--host", "127.0.0.1", "--port", str(port)], env=env, cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    health: tuple[int, dict] | None = None
    answer: tuple[int, dict] | None = None
    try:
        health = wait_for_healthz(proc, port)
        if health is not None:
            answer = _post(base + "/api/messages", {
                **message("what does AI governance expect at level 1?", service_url=connector.url),
                "deliveryMode": "expectReplies",
            })
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        try:
            _, stderr = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            pytest.fail("careerfw teams did not stop on SIGTERM")
    assert health is not None and health[0] == 200 and health[1]["entries"] > 0, stderr
    assert answer is not None and answer[0] == 200, stderr
    card = adaptive_card(answer[1]["activities"][0])
    assert card["type"] == "AdaptiveCard" and card["fallbackText"]
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr, stderr


# Runs `careerfw` in a child that writes, when /healthz first turns 200, which of the Agents SDK's pydantic
# models had built their validators.
_SDK_MODELS_AT_READY = """
import json, sys
import bot.health
from bot.cli import main

ready = bot.health.Health.mark_ready

def sdk_models():
    import pydantic
    found, todo = set(), [pydantic.BaseModel]
    while todo:
        for cls in todo.pop().__subclasses__():
            todo.append(cls)
            if cls.__module__.startswith("microsoft_agents."):
                found.add(cls)
    return found

def mark_ready(self, *args, **kwargs):
    if not self.ready:
        models = sdk_models()
        built = sorted(c.__name__ for c in models if c.__pydantic_complete__)
        with open(sys.argv[1], "w") as f:
            json.dump({"models": len(models), "built": built}, f)
    return ready(self, *args, **kwargs)

bot.health.Health.mark_ready = mark_ready
sys.exit(main(sys.argv[2:]))
"""


def test_teams_builds_the_sdks_activity_models_when_a_message_first_needs_them(
    tmp_path: Path, connector: Connector
) -> None:
    """Issue 23, item 4 (start fast): the Agents SDK defines about 180 pydantic models and built every one's
    validator at import, before /healthz could say 200; a Teams start now builds each when it is first used,
    so at 200 not even `Activity` is built, and the first message after it is answered as before."""
    port = free_port()
    out = tmp_path / "sdk-models.json"
    env = process_env(tmp_path, CAREERFW_TEAMS_ALLOW_ANONYMOUS="1", CAREERFW_STATE_DB=str(tmp_path / "state.db"))
    proc = subprocess.Popen([sys.executable, "-c", _SDK_MODELS_AT_READY, str(out), "teams", "--host", "127.0.0.1",
                             "--port", str(port)], env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    answer: tuple[int, dict] | None = None
    try:
        if wait_for_healthz(proc, port) is not None:
            answer = _post(f"http://127.0.0.1:{port}/api/messages", {
                **message("what does AI governance expect at level 1?", service_url=connector.url),
                "deliveryMode": "expectReplies",
            })
    finally:
        stop_on_sigterm(proc)
    stderr = proc.stderr.read() if proc.stderr else ""
    at_ready = json.loads(out.read_text())
    assert at_ready["models"] > 100, at_ready  # the SDK was imported when it said 200
    assert "Activity" not in at_ready["built"], at_ready
    assert answer is not None and answer[0] == 200, stderr
    assert adaptive_card(answer[1]["activities"][0])["fallbackText"]
    assert "Traceback" not in stderr, stderr
