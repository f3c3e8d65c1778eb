"""`careerfw loadtest`: signed slash commands from concurrent clients against the Slack app in HTTP mode.

Everything runs on loopback: the real `careerfw serve --http` in its own process, a stand-in for
Slack's Web API and response URLs (`careerfw_tools.loopback.FakeSlack`, also used by the tests), and N clients posting
Slack-signed `/careerfw` commands. It prints ack latency (what Slack's 3 s limit applies to), answer
latency (command sent to answer posted back), and the server's RSS before and after.

    careerfw loadtest                       # 500 commands, 25 concurrent clients, the content/ folder
    careerfw loadtest --requests 100 --concurrency 10 --json
    careerfw loadtest --requests 100 --outage 60    # Slack answers 500 for a minute: every answer still arrives
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import hmac
import itertools
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bot.config import Settings
from careerfw_tools.loopback import Call, FakeSlack, free_port

ACK_LIMIT_S = 3.0
SIGNING_SECRET = "loadtest-signing-secret"
BOT_TOKEN = "xoxb-loadtest"

# Distinct questions, so the query-embedding cache does not flatter the figures.
_ASKS = [
    "what does Head of ML own?",
    "who is responsible for ML Ops",
    "what is expected for AI governance",
    "what does the head of ML do about AI strategy",
    "how should a level 1 engineer approach architecture design",
    "what does technical strategy mean at level 1",
    "who deploys machine learning models to production",
    "what are the expectations for mentoring",
    "how do I get promoted to Head of ML",
    "what does the framework say about safety and trust in AI",
    "who builds and grows machine learning teams",
    "what does reducing technical debt look like",
    "how is edge ML different",
    "who owns the data pipeline",
    "what should I do to show leadership",
    "what is the difference between levels",
    "what does ML engineering craft cover",
    "which areas are still TODO",
    "what does accountability for AI systems involve",
    "how do we iterate quickly on models",
]
_OPENERS = ["", "quick question: ", "can you tell me ", "I'd like to know ", "please explain "]
_CLOSERS = ["", " please", " for my review", " in our team", " this quarter"]


def questions(n: int) -> list[str]:
    combos = itertools.product(_OPENERS, _ASKS, _CLOSERS)
    out = [f"{a}{b}{c}" for a, b, c in itertools.islice(itertools.cycle(list(combos)), n)]
    return out


def sign(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """The headers Slack sends: v0 HMAC-SHA256 over `v0:timestamp:body`."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": "application/x-www-form-urlencoded",
    }


def slash_command_body(text: str, user_id: str, response_url: str, channel: str = "C0LOAD") -> bytes:
    return urllib.parse.urlencode(
        {
            "token": "unused-verification-token",
            "team_id": "T0LOAD",
            "team_domain": "loadtest",
            "channel_id": channel,
            "channel_name": "loadtest",
            "user_id": user_id,
            "user_name": user_id.lower(),
            "command": "/careerfw",
            "text": text,
            "api_app_id": "A0LOAD",
            "response_url": response_url,
            "trigger_id": f"trigger-{user_id}",
        }
    ).encode()


# --- the server under test --------------------------------------------------------------------------


def rss_mib(pid: int, field: str = "VmRSS") -> float:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} for pid {pid}")


def peak_rss_mib(pid: int) -> float:
    return rss_mib(pid, "VmHWM")


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    url: str
    log_path: Path
    started: float
    ready_s: float = 0.0

    def log(self) -> str:
        return self.log_path.read_text("utf-8", "replace")


def server_env(fake: FakeSlack, workdir: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "CAREERFW_"))}
    env |= {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
        "CAREERFW_STATE_DB": str(workdir / "state.db"),
        "CAREERFW_SCHEDULER": "off",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "XDG_CACHE_HOME": os.environ.get("XDG_CACHE_HOME") or str(workdir / "cache"),
        "XDG_STATE_HOME": str(workdir / "state"),
        "PYTHONUNBUFFERED": "1",
    }
    return env | (extra or {})


@contextmanager
def serving(
    fake: FakeSlack,
    workdir: Path,
    content: Path | None = None,
    env: dict[str, str] | None = None,
    ready_timeout: float = 300.0,
    command: list[str] | None = None,
) -> Iterator[Server]:
    """`careerfw serve --http` in its own process on a free loopback port, until /healthz says ready.

    `command` runs another subcommand instead (e.g. ["run"], as the container does); it is given the
    port through CAREERFW_PORT."""
    port = free_port()
    argv = [sys.executable, "-m", "bot.cli", "serve", "--http", "--host", "127.0.0.1", "--port", str(port)]
    if command is not None:
        argv = [sys.executable, "-m", "bot.cli", *command]
        env = (env or {}) | {"CAREERFW_PORT": str(port)}
    if content is not None:
        argv += ["--content", str(content)]
    log_path = workdir / f"serve-{port}.log"
    with open(log_path, "wb") as log:
        started = time.monotonic()
        proc = subprocess.Popen(argv, env=server_env(fake, workdir, env), stdout=log, stderr=subprocess.STDOUT)
    server = Server(proc, f"http://127.0.0.1:{port}", log_path, started)
    try:
        deadline = started + ready_timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the server exited with {proc.returncode} before it was ready:\n{server.log()}")
            try:
                with urllib.request.urlopen(server.url + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server was not ready after {ready_timeout:.0f} s:\n{server.log()}")
            time.sleep(0.1)
        server.ready_s = time.monotonic() - started
        yield server
    finally:
        stop_server(proc)


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    """A server process this tool started, stopped: SIGTERM (its own shutdown drains answers), then
    SIGKILL if it is still there after 30 s."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


# --- clients ------------------------------------------------------------------------------------------


@dataclass
class Sent:
    key: str
    question: str
    sent_at: float
    ack_s: float
    status: int


async def _post_commands(
    urls: Sequence[str], fake: FakeSlack, items: Sequence[tuple[str, str]], concurrency: int
) -> list[Sent]:
    import aiohttp

    # Round robin over the replicas, as a load balancer would spread them.
    queue: asyncio.Queue[tuple[str, str, str]] = asyncio.Queue()
    for i, (key, text) in enumerate(items):
        queue.put_nowait((key, text, urls[i % len(urls)]))
    results: list[Sent] = []
    timeout = aiohttp.ClientTimeout(total=60)

    async def client(session: aiohttp.ClientSession) -> None:
        while True:
            try:
                key, text, url = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            body = slash_command_body(text, f"U{key}", fake.response_url(key))
            started = time.monotonic()
            try:
                async with session.post(url + "/slack/events", data=body, headers=sign(SIGNING_SECRET, body)) as r:
                    await r.read()
                    status = r.status
            except (TimeoutError, aiohttp.ClientError):
                status = 0
            results.append(Sent(key, text, started, time.monotonic() - started, status))

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await asyncio.gather(*(client(session) for _ in range(concurrency)))
    return results


def send_commands(
    url: str | Sequence[str], fake: FakeSlack, items: Sequence[tuple[str, str]], concurrency: int
) -> list[Sent]:
    """POST each (key, question) as a signed /careerfw command from `concurrency` clients at once, to
    one server or round robin over several."""
    return asyncio.run(_post_commands([url] if isinstance(url, str) else list(url), fake, items, concurrency))


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0-100) of a non-empty sequence."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-p * len(ordered) // 100))))
    return ordered[rank - 1]


def answer_text(posted: Call) -> str:
    body = posted.body
    parts = [str(body.get("text", ""))]
    blocks = body.get("blocks")
    if isinstance(blocks, str):
        try:
            blocks = json.loads(blocks)
        except ValueError:
            blocks = []
    for block in blocks or []:
        text = block.get("text") if isinstance(block, dict) else None
        if isinstance(text, dict):
            parts.append(str(text.get("text", "")))
    return "\n".join(parts)


# --- the run -----------------------------------------------------------------------------------------


@dataclass
class LoadReport:
    requests: int
    concurrency: int
    acked: int  # HTTP 200 acks
    acks_over_limit: int
    ack_p50_ms: float
    ack_p95_ms: float
    ack_p99_ms: float
    ack_max_ms: float
    answered: int
    answer_p50_ms: float
    answer_p95_ms: float
    answer_p99_ms: float
    answer_max_ms: float
    answers_per_s: float
    apologies: int  # "Sorry, something went wrong" or rate-limit notices instead of an answer
    ready_s: float
    first_answer_ms: float
    rss_ready_mib: float
    rss_before_mib: float
    rss_after_mib: float
    outage_s: float = 0.0
    backend: str = "torch"  # the model backend the server answered on
    rss_peak_mib: float = 0.0  # the server's peak RSS (VmHWM) over its whole life, start included
    refused_during_outage: int = 0  # posts Slack's side answered 500 (each retried until it went through)
    replicas: int = 1  # `careerfw serve --http` processes the commands were spread over
    database: str = "sqlite"  # where their shared state lived: sqlite (one file) or postgresql
    answered_twice: int = 0  # commands whose response_url got more than one answer
    failures: list[str] = field(default_factory=list)

    @property
    def rss_growth(self) -> float:
        return (self.rss_after_mib - self.rss_before_mib) / self.rss_before_mib

    @property
    def ok(self) -> bool:
        return not self.failures

    def to_json(self) -> dict[str, Any]:
        return asdict(self) | {"rss_growth": round(self.rss_growth, 4), "ok": self.ok}


def run_load(
    requests: int = 500,
    concurrency: int = 25,
    content: Path | None = None,
    workdir: Path | None = None,
    answer_timeout: float = 300.0,
    outage_s: float = 0.0,
    backend: str | None = None,
    replicas: int = 1,
    database_url: str | None = None,
    index_dir: Path | None = None,
) -> LoadReport:
    """With `outage_s`, Slack's side answers HTTP 500 to everything from the first command on for that
    many seconds (the server keeps its default CAREERFW_SLACK_RETRY_SECONDS): answers must still all
    arrive, by retry, once it recovers."""
    with tempfile.TemporaryDirectory(prefix="careerfw-load-") as tmp:
        work = workdir or Path(tmp)
        # The index is built before the clock starts, as in the image (built at image build time).
        index_dir = index_dir or work / "index"
        build = [sys.executable, "-m", "bot.cli", "index", "build", "--index", str(index_dir)]
        if content is not None:
            build += ["--content", str(content)]
        # The index and the server use the same model backend, so the server starts on the built index.
        chosen = {"CAREERFW_MODEL_BACKEND": backend} if backend else {}
        done = subprocess.run(build, capture_output=True, text=True,
                              env=os.environ | {"HF_HUB_OFFLINE": "1"} | chosen)
        if done.returncode != 0:
            raise RuntimeError(f"cannot build the index: {done.stderr.strip()}")
        manifest = json.loads((index_dir / "current" / "manifest.json").read_text("utf-8"))
        env = {"CAREERFW_INDEX": str(index_dir), "CAREERFW_MODEL_BACKEND": str(manifest.get("backend", "torch"))}
        if database_url:
            env["CAREERFW_DATABASE_URL"] = database_url
        with FakeSlack() as fake, contextlib.ExitStack() as stack:
            # One after the other; without a database URL they share the one SQLite file in `work`.
            servers = [stack.enter_context(serving(fake, work, content, env)) for _ in range(replicas)]
            server = servers[0]
            urls = [s.url for s in servers]
            pid = server.proc.pid
            rss_ready = rss_mib(pid)
            # Cold start to first answer: one command on the freshly started server.
            first = send_commands(server.url, fake, [("first", "what does Head of ML own?")], 1)[0]
            fake.wait_delivered(1, answer_timeout)
            got = fake.delivered().get("first")
            first_ms = (got.at - first.sent_at) * 1000 if got else float("nan")
            # Warm-up round (not measured), so allocator pools and thread pools exist before "before".
            warm = [(f"warm{i:03d}", q) for i, q in enumerate(questions(concurrency))]
            send_commands(urls, fake, warm, concurrency)
            fake.wait_delivered(1 + len(warm), answer_timeout)
            rss_before = rss_mib(pid)

            items = [(f"q{i:04d}", q) for i, q in enumerate(questions(requests))]
            started = time.monotonic()
            if outage_s > 0:
                fake.fail_status = 500
                timer = threading.Timer(outage_s, lambda: setattr(fake, "fail_status", None))
                timer.start()
            sent = send_commands(urls, fake, items, concurrency)
            fake.wait_delivered(1 + len(warm) + requests, answer_timeout + outage_s)
            if outage_s > 0:
                timer.cancel()
                fake.fail_status = None
            elapsed = time.monotonic() - started
            rss_after = rss_mib(pid)
            rss_peak = peak_rss_mib(pid)
            delivered = fake.delivered()
            crashed = any(s.proc.poll() is not None for s in servers)
            posts = Counter(c.method for c in fake.calls if c.method.startswith("response/") and c.ok)
            twice = sum(1 for s in sent if posts[f"response/{s.key}"] > 1)

        acks = [s.ack_s for s in sent if s.status == 200]
        refused = sum(1 for c in fake.calls if c.status == 500)
        answer_s = [delivered[s.key].at - s.sent_at for s in sent if s.key in delivered]
        texts = [answer_text(delivered[s.key]) for s in sent if s.key in delivered]
        apologies = sum(1 for t in texts if "Sorry" in t or "too many questions" in t.lower())
        failures: list[str] = []
        if len(acks) < requests:
            failures.append(f"{requests - len(acks)} command(s) not acknowledged with HTTP 200")
        over = sum(1 for a in acks if a >= ACK_LIMIT_S)
        if over:
            failures.append(f"{over} ack(s) took {ACK_LIMIT_S:.0f} s or more")
        if len(answer_s) < requests:
            failures.append(f"{requests - len(answer_s)} answer(s) never posted to their response_url")
        if apologies:
            failures.append(f"{apologies} repl(ies) were apologies or rate-limit notices, not answers")
        growth = (rss_after - rss_before) / rss_before
        if growth > 0.10:
            failures.append(f"RSS grew {growth:.1%} (limit 10%)")
        if crashed:
            failures.append("a server process exited during the run")
        if twice:
            failures.append(f"{twice} command(s) answered more than once")

        def ms(values: list[float], p: float) -> float:
            return round(percentile(values, p) * 1000, 1) if values else float("nan")

        return LoadReport(
            requests=requests, concurrency=concurrency, acked=len(acks), acks_over_limit=over,
            ack_p50_ms=ms(acks, 50), ack_p95_ms=ms(acks, 95), ack_p99_ms=ms(acks, 99),
            ack_max_ms=round(max(acks) * 1000, 1) if acks else float("nan"),
            answered=len(answer_s), answer_p50_ms=ms(answer_s, 50), answer_p95_ms=ms(answer_s, 95),
            answer_p99_ms=ms(answer_s, 99),
            answer_max_ms=round(max(answer_s) * 1000, 1) if answer_s else float("nan"),
            answers_per_s=round(len(answer_s) / elapsed, 2) if elapsed else 0.0,
            apologies=apologies, ready_s=round(server.ready_s, 2), first_answer_ms=round(first_ms, 1),
            rss_ready_mib=round(rss_ready, 1), rss_before_mib=round(rss_before, 1), rss_after_mib=round(rss_after, 1),
            outage_s=outage_s, refused_during_outage=refused, failures=failures,
            backend=str(manifest.get("backend", "torch")), rss_peak_mib=round(rss_peak, 1),
            replicas=replicas, database="postgresql" if database_url else "sqlite", answered_twice=twice,
        )


def render(report: LoadReport, content: Path) -> str:
    r = report
    rows = [
        ("commands / concurrent clients", f"{r.requests} / {r.concurrency}"),
        ("replicas / shared state", f"{r.replicas} / {r.database}"),
        ("answered more than once", str(r.answered_twice)),
        ("acks HTTP 200 (>= 3 s)", f"{r.acked}/{r.requests} ({r.acks_over_limit})"),
        ("ack latency p50 / p95 / p99 / max", f"{r.ack_p50_ms} / {r.ack_p95_ms} / {r.ack_p99_ms} / {r.ack_max_ms} ms"),
        ("answers posted (apologies)", f"{r.answered}/{r.requests} ({r.apologies})"),
        ("answer latency p50 / p95 / p99 / max",
         f"{r.answer_p50_ms} / {r.answer_p95_ms} / {r.answer_p99_ms} / {r.answer_max_ms} ms"),
        ("answer throughput", f"{r.answers_per_s} answers/s"),
        ("cold start: process start to /healthz 200", f"{r.ready_s} s"),
        ("first answer after ready (command to response_url)", f"{r.first_answer_ms} ms"),
        ("model backend", r.backend),
        ("server RSS ready / before / after / peak (first replica)",
         f"{r.rss_ready_mib} / {r.rss_before_mib} / {r.rss_after_mib} / {r.rss_peak_mib} MiB"),
        ("RSS growth over the run (limit 10%)", f"{r.rss_growth:+.1%}"),
    ]
    if r.outage_s:
        outage = f"{r.outage_s:.0f} s ({r.refused_during_outage} posts refused, then retried)"
        rows.insert(1, ("Slack answering HTTP 500 for the first", outage))
    width = max(len(k) for k, _ in rows)
    lines = [
        f"careerfw loadtest: signed /careerfw commands against `careerfw serve --http` on loopback ({content})",
        f"| {'metric'.ljust(width)} | value |",
        f"|{'-' * (width + 2)}|-------|",
        *(f"| {k.ljust(width)} | {v} |" for k, v in rows),
        "",
        "PASS" if r.ok else "FAIL: " + "; ".join(r.failures),
    ]
    return "\n".join(lines) + "\n"


def loadtest_command(args: argparse.Namespace, settings: Settings) -> int:
    if args.requests < 1 or args.concurrency < 1 or args.outage < 0 or args.replicas < 1:
        print("careerfw loadtest: --requests, --concurrency and --replicas must be at least 1, --outage not negative",
              file=sys.stderr)
        return 2
    content = settings.content_dir
    print(f"starting the server and sending {args.requests} commands from {args.concurrency} clients…",
          file=sys.stderr)
    try:
        report = run_load(args.requests, args.concurrency, content, outage_s=args.outage,
                          backend=settings.model_backend, replicas=args.replicas, database_url=settings.database_url,
                          index_dir=args.index)
    except RuntimeError as exc:
        print(f"careerfw loadtest: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(report.to_json()))
    else:
        sys.stdout.write(render(report, content))
    return 0 if report.ok else 1
