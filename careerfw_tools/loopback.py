"""Stand-ins on loopback: a free port, and Slack's Web API and response URLs (`FakeSlack`).

`careerfw loadtest` drives the real server against `FakeSlack`; the test suite uses the same class
(through tests/support/), so there is one fake Slack to keep in step with what Slack answers.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TEAM = "T0TEST"
BOT_USER = "UBOTCAREER"

Reply = tuple[int, dict[str, str], dict[str, Any]]  # HTTP status, extra headers, JSON body


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Call:
    """One request Slack's side received, and how the fake answered it."""

    method: str  # "chat.postMessage", or "response/<key>" for a POST to a response URL
    body: dict[str, Any]
    headers: dict[str, str]  # lower-cased names
    status: int  # the HTTP status the fake answered
    ok: bool  # HTTP 200 and, for the Web API, "ok": true
    at: float  # time.monotonic() when it arrived
    reply: dict[str, Any] = field(default_factory=dict)  # the JSON the fake answered (a post's ts, say)

    @property
    def auth(self) -> str:
        return self.headers.get("authorization", "")


@dataclass
class FakeSlack:
    """Slack's Web API (`POST /api/<method>`), response URLs (`POST /response/<key>`) and file upload
    URLs (`POST /upload/<file id>`, files_upload_v2's second step; the bytes are in `body["_bytes"]`) on loopback.

    Every request is recorded in `calls`. What it answers, first match wins:
    - `fail_status` (e.g. 500): every request fails with that status (Slack having a bad minute);
    - `script[method]`: canned (status, headers, body) replies, used once each, in order;
    - `errors[method]`: {"ok": false, "error": …};
    - `replies[method]`: this body instead of the default;
    - otherwise what Slack answers on success. `delay` seconds pass before each answer.
    """

    team: str = TEAM
    bot_user: str = BOT_USER
    calls: list[Call] = field(default_factory=list)
    fail_status: int | None = None
    script: dict[str, list[Reply]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    replies: dict[str, dict[str, Any]] = field(default_factory=dict)
    delay: float = 0.0
    url: str = ""  # http://127.0.0.1:<port> once started
    _cond: threading.Condition = field(default_factory=threading.Condition, repr=False)
    _server: ThreadingHTTPServer | None = field(default=None, repr=False)

    # --- addresses ---------------------------------------------------------------------------------

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def response_url(self, key: str) -> str:
        return f"{self.url}/response/{key}"

    # --- what was received -------------------------------------------------------------------------

    def matching(self, match: Callable[[Call], bool]) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if match(c)]

    def posts(self, ok_only: bool = True) -> list[Call]:
        """chat.postMessage calls (by default only those the fake answered with success)."""
        return self.matching(lambda c: c.method == "chat.postMessage" and (c.ok or not ok_only))

    def wait_for(self, match: Callable[[Call], bool], count: int = 1, timeout: float = 20.0) -> list[Call]:
        """The matching calls once there are `count`; AssertionError naming what arrived if not in time."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [c for c in self.calls if match(c)]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [c.method for c in self.calls]
                    raise AssertionError(f"expected {count} matching Slack call(s) within {timeout} s; saw {seen}")
                self._cond.wait(left)

    def delivered(self) -> dict[str, Call]:
        """The first successful post to each response URL, by key (a retry after a failure counts once)."""
        out: dict[str, Call] = {}
        for c in self.matching(lambda c: c.method.startswith("response/") and c.ok):
            out.setdefault(c.method[len("response/") :], c)
        return out

    def wait_delivered(self, count: int, timeout: float) -> bool:
        """True once `count` distinct response URLs have had a successful post; False after `timeout`."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len({c.method for c in self.calls if c.method.startswith("response/") and c.ok}) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return True

    # --- answering ---------------------------------------------------------------------------------

    def _default(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        now = f"{time.time():.6f}"
        if method == "auth.test":
            return {"ok": True, "url": "https://test.slack.com/", "team": "Test", "user": "careerfw",
                    "team_id": self.team, "user_id": self.bot_user, "bot_id": "B0CAREER"}
        if method == "chat.postMessage":
            return {"ok": True, "channel": body.get("channel"), "ts": now, "message": {"text": body.get("text", "")}}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": now}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(body.get("users", "")).split(",")[0].lstrip("U")}}
        if method == "apps.connections.open":
            return {"ok": True, "url": "wss://127.0.0.1:9/unused"}
        if method == "files.getUploadURLExternal":
            # files_upload_v2's first step: where to POST the bytes (on this fake, /upload/<file id>).
            file_id = f"F{uuid.uuid4().hex[:10].upper()}"
            return {"ok": True, "file_id": file_id, "upload_url": f"{self.url}/upload/{file_id}"}
        if method == "files.completeUploadExternal":
            try:
                files = json.loads(body.get("files") or "[]") if isinstance(body.get("files"), str) else body["files"]
            except (ValueError, KeyError):
                return {"ok": False, "error": "invalid_arguments"}
            uploaded = {c.method[len("upload/"):] for c in self.matching(lambda c: c.method.startswith("upload/"))}
            if not files or any(f.get("id") not in uploaded for f in files):
                return {"ok": False, "error": "file_not_found"}  # Slack's answer when step 2 never happened
            return {"ok": True, "files": [{"id": f["id"], "title": f.get("title", "")} for f in files]}
        return {"ok": True}

    def _answer(self, method: str, body: dict[str, Any]) -> Reply:
        if self.fail_status:
            return self.fail_status, {}, {"ok": False, "error": "internal_error"}
        with self._cond:
            queue = self.script.get(method)
            scripted = queue.pop(0) if queue else None
        if scripted is not None:
            status, headers, payload = scripted
            if method == "chat.postMessage" and payload.get("ok"):
                payload = payload | {"channel": body.get("channel"), "ts": f"{time.time():.6f}"}
            return status, headers, payload
        if method.startswith(("response/", "upload/")):
            return 200, {}, {}
        if method in self.errors:
            return 200, {}, {"ok": False, "error": self.errors[method]}
        return 200, {}, self.replies.get(method) or self._default(method, body)

    def _record(self, call: Call) -> None:
        with self._cond:
            self.calls.append(call)
            self._cond.notify_all()

    @staticmethod
    def _parse(raw: bytes, content_type: str) -> dict[str, Any]:
        if "json" in content_type:
            try:
                parsed = json.loads(raw or b"{}")
            except ValueError:
                return {"_raw": raw.decode("utf-8", "replace")}
            return parsed if isinstance(parsed, dict) else {"_": parsed}
        return {k: v[-1] for k, v in urllib.parse.parse_qs(raw.decode("utf-8", "replace")).items()}

    # --- lifetime ----------------------------------------------------------------------------------

    def start(self) -> FakeSlack:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                path, _, query = self.path.partition("?")
                # A file's bytes (files_upload_v2's second step) are kept as sent, never form-parsed.
                body = ({"_bytes": raw} if path.startswith("/upload/")
                        else fake._parse(raw, self.headers.get("Content-Type") or ""))
                # slack_sdk sends some methods' arguments in the query string (conversations.open): Slack
                # reads both, so the fake does too.
                body = {k: v[-1] for k, v in urllib.parse.parse_qs(query).items()} | body
                method = path[len("/api/") :] if path.startswith("/api/") else path.lstrip("/")
                if fake.delay:
                    time.sleep(fake.delay)
                status, headers, payload = fake._answer(method, body)
                ok = status == 200 and (method.startswith(("response/", "upload/")) or bool(payload.get("ok")))
                fake._record(Call(method, body, {k.lower(): v for k, v in self.headers.items()}, status, ok,
                                  time.monotonic(), payload))
                if method.startswith("upload/") and status == 200:
                    data, ctype = f"OK - {len(raw)}".encode(), "text/plain"  # what files.slack.com answers
                elif method.startswith("response/") and status == 200:
                    data, ctype = b"ok", "text/plain"
                else:
                    data, ctype = json.dumps(payload).encode(), "application/json; charset=utf-8"
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        class Quiet(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client that vanished mid-request (a server being killed) is part of the test

        self._server = Quiet(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-slack",
                         daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
