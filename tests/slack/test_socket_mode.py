"""Socket Mode as `make run` uses it: the app dials a WebSocket that Slack hands out through
apps.connections.open. Here a loopback WebSocket server plays Slack's side of the socket."""

from __future__ import annotations

import asyncio
import json
import queue
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import WSMsgType, web

from tests.slack.harness import BOT_TOKEN, FakeSlack, pick_confident_question
from tests.support.ports import free_port
from tests.support.process import CAREERFW, REPO, process_env, stop_on_sigterm


class FakeSocket:
    """Slack's end of the Socket Mode WebSocket: sends envelopes, collects the app's acks."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.acks: queue.Queue[dict[str, Any]] = queue.Queue()
        self.connected = threading.Event()
        self._ws: web.WebSocketResponse | None = None
        self.port = 0

    async def _handler(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._ws = ws
        await ws.send_json({"type": "hello", "num_connections": 1, "debug_info": {"host": "fake"},
                            "connection_info": {"app_id": "A0CAREER"}})
        self.connected.set()
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                self.acks.put(json.loads(msg.data))
        return ws

    def start(self) -> None:
        app = web.Application()
        app.router.add_get("/link", self._handler)
        runner = web.AppRunner(app)
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]

        def run() -> None:
            asyncio.set_event_loop(self.loop)
            self.loop.run_until_complete(runner.setup())
            self.loop.run_until_complete(web.SockSite(runner, sock).start())
            self.loop.run_forever()

        threading.Thread(target=run, daemon=True).start()

    def send(self, envelope: dict[str, Any]) -> float:
        assert self._ws is not None
        started = time.monotonic()
        asyncio.run_coroutine_threadsafe(self._ws.send_json(envelope), self.loop).result(timeout=10)
        return started

    def ack_for(self, envelope_id: str, timeout: float = 10) -> tuple[dict[str, Any], float]:
        deadline = time.monotonic() + timeout
        while True:
            ack = self.acks.get(timeout=max(0.01, deadline - time.monotonic()))
            if ack.get("envelope_id") == envelope_id:
                return ack, time.monotonic()


@pytest.fixture()
def fake_socket() -> Iterator[FakeSocket]:
    fake = FakeSocket()
    fake.start()
    yield fake
    fake.loop.call_soon_threadsafe(fake.loop.stop)


def test_socket_mode_answers_commands_and_dms_and_serves_healthz(
    tmp_path: Path, fake_slack: FakeSlack, fake_socket: FakeSocket, seed_answerer
) -> None:
    question = pick_confident_question(seed_answerer)
    expected = seed_answerer.ask(question)
    fake_slack.replies["apps.connections.open"] = {"ok": True, "url": f"ws://127.0.0.1:{fake_socket.port}/link"}
    health_port = free_port()
    env = process_env(tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN="xapp-1-test",
                      SLACK_API_URL=fake_slack.api_url, CAREERFW_STATE_DB=str(tmp_path / "state.db"))
    proc = subprocess.Popen(CAREERFW + ["serve", "--host", "127.0.0.1", "--health-port", str(health_port)],
                            env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert fake_socket.connected.wait(180), "the app never opened the Socket Mode connection"
        with urllib.request.urlopen(f"http://127.0.0.1:{health_port}/healthz", timeout=10) as resp:
            assert resp.status == 200 and json.loads(resp.read())["entries"] == len(seed_answerer.entries)

        response_url = fake_slack.response_url("socket-cmd")
        sent = fake_socket.send({
            "envelope_id": "env-cmd-1", "type": "slash_commands", "accepts_response_payload": True,
            "payload": {"command": "/careerfw", "text": question, "user_id": "U0SOCKET", "team_id": "T0TEST",
                        "channel_id": "C0SOCK", "response_url": response_url, "trigger_id": "t.1",
                        "api_app_id": "A0CAREER"},
        })
        _, acked = fake_socket.ack_for("env-cmd-1")
        assert acked - sent < 3.0
        (call,) = fake_slack.wait_for(lambda c: c.method == "response/socket-cmd", timeout=30)
        assert expected.quotes[0].entry.area in json.dumps(call.body)

        fake_socket.send({
            "envelope_id": "env-dm-1", "type": "events_api", "accepts_response_payload": False,
            "payload": {"type": "event_callback", "team_id": "T0TEST", "api_app_id": "A0CAREER",
                        "event_id": "Ev0SOCKDM1", "event_time": int(time.time()),
                        "event": {"type": "message", "channel_type": "im", "channel": "D0SOCKET",
                                  "user": "U0SOCKET", "text": question, "ts": "1700000003.000100"}},
        })
        fake_socket.ack_for("env-dm-1")
        fake_slack.wait_for(lambda c: c.method == "chat.postMessage" and c.body.get("channel") == "D0SOCKET",
                            timeout=30)
    finally:
        fake_slack.replies.pop("apps.connections.open", None)
        stop_on_sigterm(proc)
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""


def test_health_is_503_until_marked_ready() -> None:
    """The Socket Mode health port starts before the model loads and must not claim readiness."""
    from bot.health import Health

    health = Health()
    code, body = health.status()
    assert code == 503 and body["status"] == "loading"
    health.mark_ready(entries=3)
    code, body = health.status()
    assert code == 200 and body["entries"] == 3


@pytest.mark.parametrize("failure", ["open-refused", "socket-unreachable"])
def test_sigterm_stops_socket_mode_while_it_keeps_reconnecting(tmp_path: Path, failure: str) -> None:
    """README: SIGTERM stops the bot within the drain time, whatever Socket Mode's connection is doing.
    Slack's side fails every connection after the start-up check: apps.connections.open refused, or a
    WebSocket URL nothing listens on, so slack_sdk retries forever."""
    dead = f"ws://127.0.0.1:{free_port()}/link"
    with FakeSlack() as fake:
        fake.script["apps.connections.open"] = [(200, {}, {"ok": True, "url": dead})]  # the start-up check
        if failure == "open-refused":
            fake.errors["apps.connections.open"] = "internal_error"
        else:
            fake.replies["apps.connections.open"] = {"ok": True, "url": dead}
        env = process_env(tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN="xapp-1-test",
                          SLACK_API_URL=fake.api_url, CAREERFW_STATE_DB=str(tmp_path / "state.db"))
        log = tmp_path / "serve.log"
        with open(log, "wb") as out:
            proc = subprocess.Popen(CAREERFW + ["serve"], env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
        try:
            # The app has loaded and is trying to connect: its own apps.connections.open after the check's.
            fake.wait_for(lambda c: c.method == "apps.connections.open", count=2, timeout=180)
            if failure == "socket-unreachable":
                deadline = time.monotonic() + 60
                while "Failed to connect" not in log.read_text() and time.monotonic() < deadline:
                    time.sleep(0.1)
                assert "Failed to connect" in log.read_text(), log.read_text()[-3000:]
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(timeout=60)  # the test's kill deadline, not a figure it measures
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
            pytest.fail("serve in Socket Mode did not stop on SIGTERM while reconnecting:\n" + log.read_text()[-3000:])
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)
    assert code == 0, log.read_text()[-3000:]
