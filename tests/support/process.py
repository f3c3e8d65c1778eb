"""Running `careerfw` as its own process, as an operator does: the command, a clean environment, and
stopping it the way a process manager does."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

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
