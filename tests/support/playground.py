"""The Microsoft 365 Agents Playground (npm `@microsoft/m365agentsplayground`), driven the way its web UI
drives it, against a real `careerfw teams` process: both on loopback ports, nothing leaves the machine.

What the UI does, read from the package's bundled client (dist/client/static/js) and server
(dist/index.js), and what this module does in its place:
- GET /_internal/v1/config: the mocked tenant (bot, current user, personal chat, group chats, teams);
  the server also checks here that the bot's endpoint answers.
- websocket /_ws_conversation/v1/conversations/stream: every message the bot posts, as
  {"action": "createMessage" | "updateMessage" | "typing", "actionConversationId", "message"}.
  A bot activity with both text and an attachment arrives as two messages, the attachment's id being
  the text's id plus a suffix.
- POST /_debug/conversation/{id}/installation: sent once per conversation when the UI opens it; the
  bot gets installationUpdate and conversationUpdate (members added), as from Teams.
- POST /_conversation/v1/conversations/{id}/messages: the user types; in a group chat an @mention is
  `<at>name</at>` in the text plus a `mentions` entry.
- POST /_conversation/v1/submit: an Action.Submit button pressed on the card with id `replyToId`.
The bot posts its replies and proactive messages to the playground's connector (`serviceUrl`,
/_connector), which is how they reach the websocket.

The package is installed by `make playground` into .playground/ at the version pinned in the Makefile
(PLAYGROUND_VERSION). Without it the caller skips, except under CI=true, where `make test` has run
that target and a skip would hide a broken setup.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from tests.support.ports import free_port
from tests.support.wait import wait_for

REPO = Path(__file__).resolve().parents[2]
PACKAGE = "@microsoft/m365agentsplayground"
INSTALL_DIR = REPO / ".playground"
PACKAGE_DIR = INSTALL_DIR / "node_modules" / "@microsoft" / "m365agentsplayground"
CLI = PACKAGE_DIR / "cli.js"

# The playground's server has no host option and listens on every interface; this preload makes every
# numeric-port listen() in its process bind 127.0.0.1 only (its free-port probe included).
_LOOPBACK_ONLY_JS = """\
const net = require("net");
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === "number" && typeof args[1] !== "string") args.splice(1, 0, "127.0.0.1");
  else if (args[0] && typeof args[0] === "object" && args[0].port !== undefined && !args[0].host)
    args[0] = { ...args[0], host: "127.0.0.1" };
  return listen.apply(this, args);
};
"""


def pinned_version() -> str:
    """The version the Makefile installs (its PLAYGROUND_VERSION): the one place the pin is written."""
    found = re.search(r"^PLAYGROUND_VERSION\s*:?=\s*(\S+)", (REPO / "Makefile").read_text(), re.MULTILINE)
    if not found:
        raise RuntimeError("Makefile has no PLAYGROUND_VERSION line")
    return found.group(1)


def missing_reason() -> str | None:
    """Why the playground cannot run here (no Node.js, not installed, another version), or None."""
    if shutil.which("node") is None:
        return "node is not on PATH (the playground is a Node.js program)"
    try:
        installed = json.loads((PACKAGE_DIR / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return f"{PACKAGE} is not installed in .playground/: run `make playground`"
    if installed != pinned_version():
        return f"{PACKAGE} {installed} is installed, the Makefile pins {pinned_version()}: run `make playground`"
    return None


def _tail(path: Path, chars: int = 4000) -> str:
    try:
        return path.read_text(errors="replace")[-chars:]
    except OSError:
        return ""


def _stop(process: subprocess.Popen[Any]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(15)


def _get_json(url: str, timeout: float = 30) -> Any:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.loads(response.read().decode())


def _post_json(url: str, body: Any, timeout: float = 60) -> Any:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            text = response.read().decode()
    except urllib.error.HTTPError as exc:
        raise AssertionError(f"POST {url} -> {exc.code}: {exc.read().decode(errors='replace')}") from None
    return json.loads(text) if text.strip() else None


def bot_env(content: Path, state_db: Path, index_dir: Path) -> dict[str, str]:
    """The environment of `careerfw teams` and `careerfw nudge --teams` here: anonymous (as in local
    development with the playground), one SQLite state file, no scheduler (the test runs the nudge),
    no telemetry."""
    env = {
        k: v for k, v in os.environ.items()
        if not k.startswith(("CAREERFW_", "CONNECTIONS__", "CONNECTIONSMAP__", "AGENTAPPLICATION__", "SLACK_"))
        and k not in ("CLIENT_ID", "CLIENT_SECRET", "TENANT_ID", "MicrosoftAppId", "MicrosoftAppPassword",
                      "MicrosoftAppTenantId")
    }
    env.update({
        "CAREERFW_TEAMS_ALLOW_ANONYMOUS": "1",
        "CAREERFW_CONTENT": str(content),
        "CAREERFW_INDEX": str(index_dir),
        "CAREERFW_STATE_DB": str(state_db),
        "CAREERFW_SCHEDULER": "off",
        "CAREERFW_RATE_LIMIT": "1000",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        # ONNX Runtime (1.32) otherwise starts its 1DS telemetry about ten seconds in, and looks up
        # mobile.events.data.microsoft.com: nothing here may try to leave the machine.
        "ORT_DISABLE_TELEMETRY": "1",
    })
    return env


class BotProcess:
    """`careerfw teams` on a free loopback port, ready once GET /healthz answers 200."""

    def __init__(self, env: dict[str, str], workdir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = workdir / "careerfw-teams.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "teams", "--host", "127.0.0.1", "--port", str(self.port)],
                cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )

    def _healthy(self) -> bool:
        if self.process.poll() is not None:
            return True  # stop waiting: wait_ready reports the exit
        try:
            return _get_json(self.url + "/healthz", timeout=5).get("status") == "ok"
        except (OSError, ValueError):
            return False

    def wait_ready(self, timeout: float = 180) -> None:
        if not wait_for(self._healthy, timeout) or self.process.poll() is not None:
            raise RuntimeError(f"careerfw teams did not become ready (exit {self.process.poll()}):\n{_tail(self.log)}")

    def stop(self) -> None:
        _stop(self.process)


class Stream:
    """The playground's conversation websocket, read on a thread of its own: `messages` grows as the
    bot's messages arrive, in the order the playground sent them."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.messages: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._error: BaseException | None = None
        self._connected = threading.Event()
        self._thread = threading.Thread(target=self._run, name="playground-stream", daemon=True)
        self._thread.start()
        if not self._connected.wait(30) or self._error is not None:
            raise RuntimeError(f"could not open the playground's websocket {url}: {self._error!r}")

    def _run(self) -> None:
        try:
            self._loop.run_until_complete(self._listen())
        except BaseException as exc:  # noqa: BLE001 - reported to the test through `error`
            self._error = exc
        finally:
            self._connected.set()
            self._loop.close()

    async def _listen(self) -> None:
        async with aiohttp.ClientSession() as session, session.ws_connect(self.url, autoping=True) as ws:
            self._ws = ws
            self._connected.set()
            async for frame in ws:
                if frame.type == aiohttp.WSMsgType.TEXT:
                    with self._lock:
                        self.messages.append(json.loads(frame.data))

    def snapshot(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.messages)

    @property
    def error(self) -> BaseException | None:
        return self._error

    def close(self) -> None:
        ws = self._ws
        if ws is not None and self._thread.is_alive():
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(ws.close(), self._loop).result(10)
        self._thread.join(10)


@dataclass(frozen=True)
class Chat:
    id: str
    kind: str  # "personal" or "group"


class Playground:
    """One playground process pointed at the bot's /api/messages, and its websocket."""

    def __init__(self, bot_endpoint: str, workdir: Path) -> None:
        self.workdir = workdir
        self.log = workdir / "playground.log"
        self.out = workdir / "playground.out"
        preload = workdir / "loopback-only.js"
        preload.write_text(_LOOPBACK_ONLY_JS)
        wanted = free_port()
        env = {
            **os.environ,
            "TEAMSAPPTESTER_BROWSER": "none",  # else it spawns xdg-open and exits when that is missing
            "M365_AGENTS_PLAYGROUND_LOGFILE": str(self.log),  # its console output goes only here without a TTY
            # --disable-telemetry stops its events, not the Application Insights SDK it sets up anyway:
            # that SDK's statsbeat probes Azure's instance metadata address (169.254.169.254) and looks
            # up Microsoft's hosts at start. Statsbeat off, and anything else the SDK might send goes to
            # a closed loopback port.
            "APPLICATION_INSIGHTS_NO_STATSBEAT": "true",
            "APPLICATIONINSIGHTS_CONNECTION_STRING":
                "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9",
        }
        with self.out.open("wb") as out:
            # cwd: it reads .m365agentsplayground.yml from there; an empty folder gives its default tenant.
            self.process = subprocess.Popen(
                ["node", "--require", str(preload), str(CLI), "--app-endpoint", bot_endpoint,
                 "--channel-id", "msteams", "--port", str(wanted), "--disable-telemetry"],
                cwd=workdir, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )
        self.port = self._listening_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.stream: Stream | None = None

    def _listening_port(self, timeout: float = 60) -> int:
        # It falls back to a random port when the one asked for is taken, and prints the one it took.
        def port() -> int | None:
            found = re.search(r"Listening on (\d+)", _tail(self.out))
            return int(found.group(1)) if found else None

        if not wait_for(lambda: port() is not None or self.process.poll() is not None, timeout) or port() is None:
            raise RuntimeError(f"the playground did not start (exit {self.process.poll()}):\n{self.diagnostics()}")
        return port()  # type: ignore[return-value]

    def diagnostics(self) -> str:
        return f"--- stdout\n{_tail(self.out)}\n--- log\n{_tail(self.log)}"

    def open(self) -> dict[str, Any]:
        """What the UI does on load: the websocket, then the config (the bot's endpoint checked)."""
        self.stream = Stream(f"ws://127.0.0.1:{self.port}/_ws_conversation/v1/conversations/stream")
        return _get_json(self.url + "/_internal/v1/config", timeout=60)["config"]

    def install(self, chat: Chat) -> None:
        """Opening a conversation in the UI: the app is installed there (the bot hears of it)."""
        _post_json(f"{self.url}/_debug/conversation/{chat.id}/installation", {})

    def say(self, chat: Chat, user: str, text: str, mention: dict[str, str] | None = None) -> None:
        body: dict[str, Any] = {"from": {"id": user}, "text": text, "textFormat": "plain"}
        if mention is not None:
            at = f"<at>{mention['name']}</at>"
            body["text"] = f"{at} {text}"
            body["mentions"] = [{"mentioned": {"id": mention["id"], "name": mention["name"]}, "text": at}]
        _post_json(f"{self.url}/_conversation/v1/conversations/{chat.id}/messages", body)

    def press(self, chat: Chat, user: str, message: dict[str, Any], data: dict[str, Any]) -> None:
        """An Action.Submit button with `data` pressed on the card of `message`."""
        _post_json(self.url + "/_conversation/v1/submit", {
            "conversation": {"id": chat.id}, "replyToId": message["messageId"], "value": data, "from": {"id": user},
        })

    def mark(self) -> int:
        assert self.stream is not None
        return len(self.stream.snapshot())

    def posted(self, chat: Chat, since: int = 0) -> list[dict[str, Any]]:
        """The messages created in `chat` since the mark `since` (the websocket's `message` objects)."""
        assert self.stream is not None
        return [
            m["message"] for m in self.stream.snapshot()[since:]
            if m.get("action") == "createMessage" and m.get("actionConversationId") == chat.id
        ]

    def wait_posted(self, chat: Chat, since: int, predicate: Any, timeout: float = 60) -> dict[str, Any]:
        """The first message in `chat` since `since` that `predicate` accepts; fails with what arrived."""
        def found() -> dict[str, Any] | None:
            return next((m for m in self.posted(chat, since) if predicate(m)), None)

        if not wait_for(lambda: found() is not None, timeout):
            stream_error = self.stream.error if self.stream else None
            raise AssertionError(
                f"nothing matching arrived in {chat.kind} chat {chat.id} within {timeout:.0f}s; got "
                f"{json.dumps(self.posted(chat, since))[:3000]}; websocket error: {stream_error!r}\n"
                + self.diagnostics()
            )
        return found()  # type: ignore[return-value]

    def stop(self) -> None:
        if self.stream is not None:
            self.stream.close()
        _stop(self.process)


@contextlib.contextmanager
def running(content: Path) -> Iterator[tuple[BotProcess, Playground, dict[str, str]]]:
    """`careerfw teams` on `content` and a playground pointed at it, both stopped (and their temporary
    folder removed) on exit; yields the bot, the playground and the bot's environment."""
    workdir = Path(tempfile.mkdtemp(prefix="careerfw-playground-"))
    env = bot_env(content, workdir / "state.db", workdir / "index")
    bot: BotProcess | None = None
    playground: Playground | None = None
    try:
        bot = BotProcess(env, workdir)
        bot.wait_ready()
        playground = Playground(bot.url + "/api/messages", workdir)
        yield bot, playground, env
    finally:
        if playground is not None:
            playground.stop()
        if bot is not None:
            bot.stop()
        shutil.rmtree(workdir, ignore_errors=True)
