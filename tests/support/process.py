"""Running `careerfw` as its own process, as an operator does: the command, a clean environment, and
stopping it the way a process manager does."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
CAREERFW = [sys.executable, "-m", "bot.cli"]

# What the developer's own shell may set that would point a child bot at a real workspace or tenant, or
# change its settings behind the test's back: Slack and careerfw settings, and the Agents SDK's connection.
_OWN_PREFIXES = ("SLACK_", "CAREERFW_", "CONNECTIONS__", "CONNECTIONSMAP__", "AGENTAPPLICATION__")
_OWN_NAMES = ("CLIENT_ID", "CLIENT_SECRET", "TENANT_ID", "MicrosoftAppId", "MicrosoftAppPassword")


def process_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """This environment without those settings, offline, with caches and state under tmp_path and no
    scheduler; then `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_OWN_PREFIXES) and k not in _OWN_NAMES}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", XDG_CACHE_HOME=str(tmp_path / "cache"),
               XDG_STATE_HOME=str(tmp_path / "state"), CAREERFW_SCHEDULER="off")
    env.update(extra)
    return env


def stop_on_sigterm(proc: subprocess.Popen[str]) -> None:
    """Stop `serve` the way a process manager does; a server that hangs on SIGTERM fails the test."""
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("serve did not stop on SIGTERM")


def wait_for_healthz(proc: subprocess.Popen[str], port: int,
                     timeout: float = 180) -> tuple[int, dict[str, Any]] | None:
    """Ask the child's /healthz until it says 200 (a 503 while loading raises, as refused connections and
    a slow answer do): its status and body, or None if the child exits or `timeout` seconds pass first."""
    deadline = time.monotonic() + timeout  # the model loads in the child; a busy machine is slow
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as resp:
                return resp.status, json.loads(resp.read())
        except OSError:  # urllib.error.URLError (a 503 too), a refused connection, a read that timed out
            time.sleep(0.2)
    return None
