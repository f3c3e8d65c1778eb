"""`careerfw serve` as an operator runs it: bad tokens fail at once with one line, good ones serve."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.slack.harness import BOT_TOKEN, SIGNING_SECRET, FakeSlack
from tests.support.ports import free_port
from tests.support.process import CAREERFW, REPO, process_env, stop_on_sigterm, wait_for_healthz


def _start_fails(args: list[str], env: dict[str, str]) -> str:
    proc = subprocess.run(CAREERFW + args, env=env, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr  # one line, no traceback
    assert "Traceback" not in proc.stderr
    return lines[0]


def test_missing_bot_token_is_named(tmp_path: Path, fake_slack: FakeSlack) -> None:
    line = _start_fails(["serve", "--http", "--port", "0"],
                        process_env(tmp_path, SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=fake_slack.api_url))
    assert "SLACK_BOT_TOKEN" in line


def test_missing_signing_secret_is_named_in_http_mode(tmp_path: Path, fake_slack: FakeSlack) -> None:
    line = _start_fails(["serve", "--http", "--port", "0"],
                        process_env(tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_API_URL=fake_slack.api_url))
    assert "SLACK_SIGNING_SECRET" in line


def test_socket_mode_asked_for_without_an_app_token_names_it(tmp_path: Path, fake_slack: FakeSlack) -> None:
    line = _start_fails(["serve"], process_env(tmp_path, CAREERFW_MODE="socket", SLACK_BOT_TOKEN=BOT_TOKEN,
                                               SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=fake_slack.api_url))
    assert "SLACK_APP_TOKEN" in line


def test_rejected_bot_token_reports_slacks_error(tmp_path: Path, fake_slack: FakeSlack) -> None:
    fake_slack.errors["auth.test"] = "invalid_auth"
    try:
        line = _start_fails(["serve", "--http", "--port", "0"], process_env(
            tmp_path, SLACK_BOT_TOKEN="xoxb-revoked", SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=fake_slack.api_url))
    finally:
        fake_slack.errors.pop("auth.test")
    assert "invalid_auth" in line and "SLACK_BOT_TOKEN" in line
    assert any(c.method == "auth.test" and c.headers.get("authorization") == "Bearer xoxb-revoked"
               for c in fake_slack.calls), "auth.test must go to SLACK_API_URL"


def test_rejected_app_token_reports_slacks_error_in_socket_mode(tmp_path: Path, fake_slack: FakeSlack) -> None:
    fake_slack.errors["apps.connections.open"] = "invalid_auth"
    try:
        line = _start_fails(["serve"], process_env(tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN="xapp-bad",
                                                   SLACK_API_URL=fake_slack.api_url))
    finally:
        fake_slack.errors.pop("apps.connections.open")
    assert "SLACK_APP_TOKEN" in line and "invalid_auth" in line


@pytest.mark.parametrize("mode", ["http", "socket"])
def test_an_unreachable_web_api_is_one_line(tmp_path: Path, mode: str) -> None:
    # docs/slack.md: start-up failures are one line. slack_sdk's own retry and error log lines are not.
    api = f"http://127.0.0.1:{free_port()}/api/"  # nothing listens there: connection refused
    args, tokens = (["serve", "--http", "--port", "0"], {"SLACK_SIGNING_SECRET": SIGNING_SECRET}) if mode == "http" \
        else (["serve"], {"SLACK_APP_TOKEN": "xapp-test"})
    line = _start_fails(args, process_env(tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_API_URL=api, **tokens))
    assert line.startswith("careerfw: cannot reach the Slack Web API at " + api), line


def test_a_web_api_answering_503_is_one_line(tmp_path: Path, fake_slack: FakeSlack) -> None:
    fake_slack.fail_status = 503
    try:
        line = _start_fails(["serve", "--http", "--port", "0"], process_env(
            tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=fake_slack.api_url))
    finally:
        fake_slack.fail_status = None
    # Slack in trouble, not a wrong token: the line must not send anyone to re-copy their token.
    assert line.startswith("careerfw: ") and "HTTP 503" in line and "refused SLACK_BOT_TOKEN" not in line, line


def test_serve_http_loads_then_reports_healthy_and_stops_cleanly(tmp_path: Path, fake_slack: FakeSlack) -> None:
    port = free_port()
    env = process_env(tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET,
                      SLACK_API_URL=fake_slack.api_url, CAREERFW_STATE_DB=str(tmp_path / "state.db"))
    proc = subprocess.Popen(CAREERFW + ["serve", "--http", "--host", "127.0.0.1", "--port", str(port)], env=env,
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        health = wait_for_healthz(proc, port)
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        assert health is not None and health[0] == 200 and health[1]["status"] == "ok" and health[1]["entries"] > 0
    finally:
        stop_on_sigterm(proc)
    assert proc.returncode == 0


# Runs `careerfw` in a child that writes the modules it has imported at the moment /healthz first turns 200.
_MODULES_AT_READY = """
import json, sys
import bot.health
from bot.cli import main

ready = bot.health.Health.mark_ready

def mark_ready(self, *args, **kwargs):
    if not self.ready:
        with open(sys.argv[1], "w") as f:
            json.dump(sorted(sys.modules), f)
    return ready(self, *args, **kwargs)

bot.health.Health.mark_ready = mark_ready
sys.exit(main(sys.argv[2:]))
"""

# Needed only by the weekly nudge and owners' report, days after a start, never to answer.
_WEEKLY_ONLY = ("bot.report.compute", "bot.report.deliver", "bot.report.html", "bot.slack.report", "bot.teams.report")


def serve_child_until_healthy(script: str, argv: list[str], env: dict[str, str], still_up_after: float = 0) -> None:
    """Run `python -c script *argv --host 127.0.0.1 --port P` (a script that ends in `careerfw`'s main), wait
    for /healthz 200, optionally check it is still up `still_up_after` seconds later, and stop it cleanly."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", script, *argv, "--host", "127.0.0.1", "--port", str(port)],
                            env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        health = wait_for_healthz(proc, port)
        assert health is not None and health[0] == 200, \
            proc.stderr.read() if proc.poll() is not None and proc.stderr else "not healthy"
        if still_up_after:
            time.sleep(still_up_after)
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
    finally:
        stop_on_sigterm(proc)
    assert proc.returncode == 0


def modules_when_healthy(tmp_path: Path, args: list[str], env: dict[str, str]) -> set[str]:
    """Start `careerfw <args>` on `--port`, wait for /healthz 200, ask it once more, and return the modules
    it had imported when it first said 200."""
    out = tmp_path / "modules.json"
    # The weekly rounds start right after 200: the server must still be up after them.
    serve_child_until_healthy(_MODULES_AT_READY, [str(out), *args], env, still_up_after=0.5)
    return set(json.loads(out.read_text()))


def test_serve_http_is_healthy_before_importing_the_weekly_report(tmp_path: Path, fake_slack: FakeSlack) -> None:
    """Issue 23, item 4 (start fast): what only the weekly rounds need is imported after /healthz says 200."""
    # With the scheduler on, as a single server runs (with it off nothing of the rounds is imported at all, below).
    env = process_env(tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET,
                      SLACK_API_URL=fake_slack.api_url, CAREERFW_STATE_DB=str(tmp_path / "state.db"),
                      CAREERFW_SCHEDULER="on")
    modules = modules_when_healthy(tmp_path, ["serve", "--http"], env)
    assert "onnxruntime" in modules and "index.answer" in modules  # it was loaded when it said 200
    assert not modules & set(_WEEKLY_ONLY), sorted(modules & set(_WEEKLY_ONLY))


def test_teams_is_healthy_before_importing_the_weekly_report(tmp_path: Path) -> None:
    env = process_env(tmp_path, CAREERFW_TEAMS_ALLOW_ANONYMOUS="1", CAREERFW_STATE_DB=str(tmp_path / "state.db"),
                      CAREERFW_SCHEDULER="on")
    modules = modules_when_healthy(tmp_path, ["teams"], env)
    assert "onnxruntime" in modules and "index.answer" in modules
    assert not modules & set(_WEEKLY_ONLY), sorted(modules & set(_WEEKLY_ONLY))


# Runs `careerfw` in a child that writes every module it imported, as it exits.
_MODULES_AT_EXIT = """
import atexit, json, sys
from bot.cli import main

def written():
    with open(sys.argv[1], "w") as f:
        json.dump(sorted(sys.modules), f)

atexit.register(written)
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.parametrize("surface", ["serve", "teams"])
def test_a_server_with_the_scheduler_off_never_imports_the_weekly_rounds(
        tmp_path: Path, fake_slack: FakeSlack, surface: str) -> None:
    """Issue 23, memory: with CAREERFW_SCHEDULER=off (docs/configuration.md; every replica of the deployment
    runs so, docs/deploy.md) no weekly nudge or report can start, so neither surface imports their modules,
    before or after /healthz says 200: about 0.9 MB of a serving process's peak."""
    env = process_env(tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET,
                      SLACK_API_URL=fake_slack.api_url, CAREERFW_TEAMS_ALLOW_ANONYMOUS="1",
                      CAREERFW_STATE_DB=str(tmp_path / "state.db"), CAREERFW_SCHEDULER="off")
    out = tmp_path / "modules.json"
    args = ["serve", "--http"] if surface == "serve" else ["teams"]
    # Up a while after 200, when a scheduler that was on would have started the weekly rounds.
    serve_child_until_healthy(_MODULES_AT_EXIT, [str(out), *args], env, still_up_after=1.0)
    modules = set(json.loads(out.read_text()))
    assert "onnxruntime" in modules and "index.answer" in modules  # the list is the server's whole
    weekly = modules & {*_WEEKLY_ONLY, "bot.nudge.scheduler"}
    assert not weekly, sorted(weekly)


def test_teams_is_healthy_before_importing_msal(tmp_path: Path) -> None:
    """Issue 23, item 4: MSAL (with requests and azure.core) is what a Teams start needs only to get a token, for a
    reply or a nudge; the app registration is checked, and the SDK that serves requests loaded, before 200."""
    env = process_env(tmp_path, CAREERFW_TEAMS_ALLOW_ANONYMOUS="1", CAREERFW_STATE_DB=str(tmp_path / "state.db"),
                      CAREERFW_SCHEDULER="on")
    modules = modules_when_healthy(tmp_path, ["teams"], env)
    assert "microsoft_agents.hosting.aiohttp" in modules and "index.answer" in modules
    assert not {"msal", "microsoft_agents.authentication.msal"} & modules


# Runs `careerfw` in a child that notes which of the web server's modules were imported when the model
# started loading.
_AT_MODEL_LOAD = """
import json, sys
import bot.runtime
from bot.cli import main

load = bot.runtime._load_model_meanwhile

def noted(embedder):
    with open(sys.argv[1], "a") as f:
        f.write(json.dumps(sorted(m for m in sys.argv[2].split(",") if m in sys.modules)) + "\\n")
    return load(embedder)

bot.runtime._load_model_meanwhile = noted
sys.exit(main(sys.argv[3:]))
"""


def test_serve_http_starts_loading_the_model_before_importing_the_web_server(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    """Issue 23, item 4: ONNX Runtime builds its session without the GIL, so it is started first and built
    while the process imports uvicorn and the Slack app, instead of after them; one load, then 200."""
    env = process_env(tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET,
                      SLACK_API_URL=fake_slack.api_url, CAREERFW_STATE_DB=str(tmp_path / "state.db"))
    out = tmp_path / "at-model-load.jsonl"
    serve_child_until_healthy(_AT_MODEL_LOAD, [str(out), "uvicorn,bot.slack.app", "serve", "--http"], env)
    assert [json.loads(line) for line in out.read_text().splitlines()] == [[]]


def test_teams_starts_loading_the_model_before_importing_its_web_framework(tmp_path: Path) -> None:
    """Issue 23, item 4: as `serve --http`, `careerfw teams` starts the ONNX session first, so it is built while
    aiohttp, the Agents SDK and the Teams app import; one load, then 200."""
    env = process_env(tmp_path, CAREERFW_TEAMS_ALLOW_ANONYMOUS="1", CAREERFW_STATE_DB=str(tmp_path / "state.db"))
    out = tmp_path / "at-model-load.jsonl"
    serve_child_until_healthy(_AT_MODEL_LOAD, [str(out), "aiohttp,microsoft_agents,bot.teams.app", "teams"], env)
    assert [json.loads(line) for line in out.read_text().splitlines()] == [[]]


# Runtime.load noted as it begins; an import hook that, when bot.teams.app is first imported, waits (a
# deadlock guard, not a timing) for the load to begin and writes whether it had.
_AT_APP_IMPORT = """
import json, sys, threading
import bot.runtime
from bot.cli import main

began = threading.Event()
load = bot.runtime.Runtime.load.__func__

def noted(cls, *args, **kwargs):
    began.set()
    return load(cls, *args, **kwargs)

bot.runtime.Runtime.load = classmethod(noted)

class Hook:
    def find_spec(self, name, path=None, target=None):
        if name == "bot.teams.app":
            sys.meta_path.remove(self)
            with open(sys.argv[1], "w") as f:
                json.dump({"loading": began.wait(30)}, f)
        return None

sys.meta_path.insert(0, Hook())
sys.exit(main(sys.argv[2:]))
"""


def test_teams_loads_the_answerer_while_it_imports_the_teams_app(tmp_path: Path) -> None:
    """Issue 23, item 4: a Teams restart hands the answerer's load (the kept state, the model) to its thread
    before it imports the Teams app and its Agents SDK listeners, so the two overlap; /healthz says 200 only
    once both are done, and the start is one load."""
    env = process_env(tmp_path, CAREERFW_TEAMS_ALLOW_ANONYMOUS="1", CAREERFW_STATE_DB=str(tmp_path / "state.db"))
    out = tmp_path / "at-app-import.json"
    serve_child_until_healthy(_AT_APP_IMPORT, [str(out), "teams"], env)
    assert json.loads(out.read_text()) == {"loading": True}


# Runs `careerfw` in a child that writes, when /healthz first turns 200 and once the runtime is live, whether
# the cyclic garbage collector was on, how many passes it had made since the command began, and how many
# objects it has frozen.
_COLLECTOR_AT_READY = """
import gc, json, sys
import bot.health, bot.runtime
from bot.cli import main

passes = [0]
gc.callbacks.append(lambda phase, info: passes.__setitem__(0, passes[0] + (phase == "start")))
notes = {}
ready = bot.health.Health.mark_ready
live = bot.runtime.Runtime.go_live

def mark_ready(self, *args, **kwargs):
    notes.setdefault("at_200", {"enabled": gc.isenabled(), "passes": passes[0]})
    return ready(self, *args, **kwargs)

def go_live(self):
    live(self)
    notes["live"] = {"enabled": gc.isenabled(), "frozen": gc.get_freeze_count() > 0}
    with open(sys.argv[1], "w") as f:
        json.dump(notes, f)

bot.health.Health.mark_ready = mark_ready
bot.runtime.Runtime.go_live = go_live
argv = sys.argv[2:]
passes[0] = 0  # from here, what the command itself does
sys.exit(main(argv))
"""


@pytest.mark.parametrize("surface", ["serve", "teams"])
def test_a_server_start_makes_no_garbage_collection_pass_and_collects_once_live(
    tmp_path: Path, fake_slack: FakeSlack, surface: str
) -> None:
    """Issue 23, item 4: a start makes ~200,000 objects that live as long as the process and almost no
    garbage, so the collector's passes during a start (13% of its import CPU) are paused until /healthz
    says 200; then it is on again, with what the start made frozen out of its scans."""
    env = process_env(tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET,
                      SLACK_API_URL=fake_slack.api_url, CAREERFW_TEAMS_ALLOW_ANONYMOUS="1",
                      CAREERFW_STATE_DB=str(tmp_path / "state.db"))
    out = tmp_path / "collector.json"
    argv = ["serve", "--http"] if surface == "serve" else ["teams"]
    serve_child_until_healthy(_COLLECTOR_AT_READY, [str(out), *argv], env)
    assert json.loads(out.read_text()) == {"at_200": {"enabled": False, "passes": 0},
                                           "live": {"enabled": True, "frozen": True}}


def test_a_server_with_the_scheduler_on_posts_the_weekly_nudge_it_missed(tmp_path: Path, fake_slack: FakeSlack) -> None:
    """docs/nudges.md: `careerfw serve` runs the weekly nudge itself unless CAREERFW_SCHEDULER=off, and a start
    after this week's time posts it at once. The rounds are imported only after /healthz says 200 (above), and
    not at all with the scheduler off: with it on they still start."""
    env = process_env(tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET,
                      SLACK_API_URL=fake_slack.api_url, CAREERFW_STATE_DB=str(tmp_path / "state.db"),
                      CAREERFW_SCHEDULER="on", CAREERFW_NUDGE_CHANNEL="C0NUDGE", CAREERFW_TZ="UTC",
                      CAREERFW_NUDGE_CRON="0 0 * * mon")  # the week's first minute: always already past
    port = free_port()
    proc = subprocess.Popen(CAREERFW + ["serve", "--http", "--host", "127.0.0.1", "--port", str(port)], env=env,
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        health = wait_for_healthz(proc, port)
        assert health is not None and health[0] == 200, proc.stderr.read() if proc.poll() is not None else ""
        posted = fake_slack.wait_for(lambda c: c.method == "chat.postMessage" and c.body.get("channel") == "C0NUDGE",
                                     timeout=60)
    finally:
        stop_on_sigterm(proc)
    assert posted[0].ok
    assert proc.returncode == 0
