"""`careerfw bench`: answer cost against bare PyTorch, build throughput, and the serving process's
cold start and memory, for every model backend (torch, onnx, onnx-int8) side by side.

Everything is measured in one run on this machine:

- latency: every question is distinct (no query-cache hits); per question the bare PyTorch encode
  (`SentenceTransformer.encode` of that one question) twice, with torch pinned to the intra-op threads
  the project's ONNX runs use (equal threads) and with torch's own default, and then each backend's
  full `Answerer.ask` and its JSON output, timed, interleaved, so a change of machine load during the
  run touches all of them alike. Each answer's time is split into encode (the model), retrieval (the
  hybrid ranking), composition (everything else `ask` does: rules, gate, quotes) and output (the JSON
  `careerfw ask --json` prints), by timers wrapped around those calls here, not in the serving code;
- load: the load average before and after, with a warning when it is above 1 per usable core (the
  figures are then upper bounds, and ratios against torch's threads are flattered);
- build: a forced index build (parse, embed, write) per backend, in entries/s and documents/s, against
  that backend's own bare batch-encode of one text per entry (what a naive index would embed) and of
  exactly the texts the index embeds, on a sample; documents/s also against bare PyTorch's;
- serving: per backend the real `careerfw serve --http` in its own process, with an index already
  built by that backend as the image builds it (`careerfw index build`) and the state database at head,
  as a restarted pod finds both: process start to /healthz 200 and to the first answer
  posted back, then 50 more questions; its peak RSS (VmHWM) is read from /proc afterwards, so the
  bench's own memory is not counted.

The 10,000-entry framework is generated deterministically (fixed seed): 10 crafts x 10 levels x 100
areas, one page per craft and level in the same just-the-docs layout as the shipped content.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from careerfw_tools.backend_eval import naming_every_backend
from index import BACKENDS, Answerer, Embedder, ModelError, build_documents, build_index, load_content
from index.onnx_encoder import INTRA_OP_THREADS, usable_cpus

REPO = Path(__file__).resolve().parent.parent
MONZO = REPO.parent / "shared" / "frameworks" / "monzo-engineering"
QUESTIONS_PER_FRAMEWORK = 150
BARE_SAMPLE = 1000  # entries / documents batch-encoded bare for the rates (bounded run time)
SERVING_QUESTIONS = 50
# The targets for the answering process (torch is printed against them too, for comparison):
# the answer against the bare PyTorch encode at equal threads (issue 23).
MAX_COST_VS_BARE_TORCH = 0.35
MAX_PIPELINE_MS = 1.0
MAX_PEAK_RSS_MB = 200
GOAL_PEAK_RSS_MB = 160
MAX_COLD_START_S = 3.0
MAX_HEALTHZ_S = 1.0
STAGES = ("encode", "retrieval", "composition", "output")

_VERBS = """design build own lead review mentor improve deliver plan estimate document test deploy monitor
secure scale refactor automate measure coordinate negotiate prioritise communicate coach hire support""".split()
_OBJECTS = """services pipelines data models dashboards APIs interfaces experiments releases incidents roadmaps
budgets contracts tooling infrastructure schemas components libraries processes standards reviews metrics
proposals migrations integrations workflows""".split()
_QUALIFIERS = """for my team|across several teams|with little guidance|for the whole company|with other disciplines|
under supervision|in production|before they become problems|with clear written reasoning|end to end|
with our customers in mind|at a sustainable pace""".replace("\n", "").split("|")
_TOPICS = """Quality Reliability Security Delivery Planning Communication Mentoring Hiring Ownership Design
Testing Operations Observability Performance Accessibility Privacy Compliance Documentation Strategy
Collaboration""".split()
_FACETS = """Practice Craft Leadership Skills Excellence Awareness Management Standards Thinking Judgement""".split()


def _sentence(rng: random.Random) -> str:
    return f"I {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} {rng.choice(_QUALIFIERS).strip()}."


def generate_framework(root: Path, crafts: int = 10, levels: int = 10, areas: int = 100, seed: int = 42) -> int:
    """Write a deterministic framework of crafts x levels x areas entries; returns the entry count."""
    rng = random.Random(seed)
    area_names = [f"{t} {f}" for t in _TOPICS for f in _FACETS][:areas]
    (root / "index.md").write_text("---\ntitle: Generated Framework\npermalink: /gen\n---\n\n# Generated\n", "utf-8")
    for c in range(1, crafts + 1):
        craft = f"Craft {c:02d} Engineering"
        folder = root / f"craft{c:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        for lv in range(1, levels + 1):
            rows = []
            for name in area_names:
                count = rng.randint(1, 3)
                paragraphs = [" ".join(_sentence(rng) for _ in range(rng.randint(1, 2))) for _ in range(count)]
                rows.append(f"| {name} | {' <br><br> '.join(paragraphs)} |")
            page = (
                f"---\nlayout: page\ntitle: Level {lv}\npermalink: /gen/craft{c:02d}/level{lv}\nnav_order: {lv}\n"
                f"parent: {craft}\ngrand_parent: Generated Framework\n---\n\n# {craft} - Level {lv}\n\n"
                f"## Areas\n\n|Area | Description |\n|:--|:--|\n" + "\n".join(rows) + "\n"
            )
            (folder / f"level{lv}.md").write_text(page, "utf-8")
    return crafts * levels * areas


def _questions(content: Path, n: int, seed: int = 7) -> list[str]:
    """Distinct questions in the shape people ask, built from the framework's own areas and levels."""
    rng = random.Random(seed)
    entries = [e for e in load_content(content).entries if e.kind == "level"]
    templates = [
        "what does {level} expect for {area}?",
        "how should I approach {area} at {level}?",
        "what is expected of me on {area_l}?",
        "{area_l} at {level_l}",
        "how do I show {area_l} as a {level_l} engineer?",
        "who is responsible for {thing}?",
        "do I need to {verb} {thing} at {level_l}?",
        "what does good {area_l} look like for my team?",
    ]
    out: list[str] = []
    seen: set[str] = set()
    attempts = 0
    while len(out) < n and attempts < n * 50:
        attempts += 1
        e = rng.choice(entries)
        words = [w.strip(".,") for w in e.description.split() if len(w) > 4]
        q = rng.choice(templates).format(
            level=e.level, level_l=e.level.lower(), area=e.area, area_l=e.area.lower(),
            thing=" ".join(rng.sample(words, min(2, len(words)))) or e.area.lower(), verb=rng.choice(_VERBS),
        )
        if q not in seen:
            seen.add(q)
            out.append(q)
    return out


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _percentiles(values: list[float]) -> dict[str, float]:
    return {f"p{k}": round(_pct(values, k), 2) for k in (50, 95, 99)}


def load_average() -> dict[str, float]:
    """The 1-minute load average, and per usable core: above 1 per core, other work shares the CPUs."""
    one = os.getloadavg()[0]
    cores = usable_cpus()
    return {"load1": round(one, 2), "cores": cores, "per_core": round(one / cores, 2)}


class StageClock:
    """Exclusive time spent in wrapped calls, per stage: an encode made inside a wrapped ranking counts
    as encode, not twice. Wrapping is done on the bench's own instances, so the serving code carries no
    timers. Wall time (`spent`) and this thread's CPU time (`spent_cpu`: the answer runs on the calling
    thread, the model too with one intra-op thread) are kept side by side: waiting for a core, which a
    busy machine adds, is in the first only."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)
        self.spent_cpu: dict[str, float] = defaultdict(float)
        self._inner: list[tuple[float, float]] = []

    def wrap(self, stage: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started, started_cpu = time.perf_counter(), time.thread_time()
            self._inner.append((0.0, 0.0))
            try:
                return fn(*args, **kwargs)
            finally:
                elapsed, elapsed_cpu = time.perf_counter() - started, time.thread_time() - started_cpu
                inner, inner_cpu = self._inner.pop()
                self.spent[stage] += elapsed - inner
                self.spent_cpu[stage] += elapsed_cpu - inner_cpu
                if self._inner:
                    outer, outer_cpu = self._inner[-1]
                    self._inner[-1] = (outer + elapsed, outer_cpu + elapsed_cpu)

        return timed

    def reset(self) -> None:
        self.spent.clear()
        self.spent_cpu.clear()


@contextmanager
def _clocked(answerer: Answerer, clock: StageClock) -> Iterator[None]:
    """Time this answerer's model calls (encode) and hybrid ranking (retrieval) into `clock`."""
    embedder, ranker = answerer.embedder, answerer.ranker
    embedder.encode = clock.wrap("encode", embedder.encode)  # type: ignore[method-assign]
    ranker.rank = clock.wrap("retrieval", ranker.rank)  # type: ignore[method-assign]
    try:
        yield
    finally:
        del embedder.encode, ranker.rank  # the class's own methods again


def _torch_threads() -> tuple[Callable[[int], None], int]:
    import torch

    return torch.set_num_threads, torch.get_num_threads()


def _latency(answerers: dict[str, Answerer], bare: Embedder, questions: list[str]) -> dict[str, Any]:
    """Per question: the bare PyTorch encode at equal threads and at torch's default, then each backend's
    full answer and its JSON output, stage by stage, interleaved."""
    model = bare.model
    set_threads, default_threads = _torch_threads()
    pinned = INTRA_OP_THREADS
    bare_ms: dict[str, list[float]] = {"pinned": [], "default": []}
    ask_ms: dict[str, list[float]] = {b: [] for b in answerers}
    stage_ms: dict[str, dict[str, list[float]]] = {b: {s: [] for s in (*STAGES, "total", "pipeline", "pipeline_cpu")}
                                                   for b in answerers}
    clock = StageClock()

    def encode_bare(threads: int) -> float:
        set_threads(threads)
        t = time.perf_counter()
        model.encode([q], normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
        return (time.perf_counter() - t) * 1000

    try:
        for q in questions:
            bare_ms["pinned"].append(encode_bare(pinned))
            bare_ms["default"].append(encode_bare(default_threads))
            for backend, answerer in answerers.items():
                clock.reset()
                with _clocked(answerer, clock):
                    t, t_cpu = time.perf_counter(), time.thread_time()
                    answer = answerer.ask(q)
                    asked = time.perf_counter()
                    json.dumps(answer.to_json())  # what `careerfw ask --json` prints
                    done, done_cpu = time.perf_counter(), time.thread_time()
                ask = (asked - t) * 1000
                ask_ms[backend].append(ask)
                encode = clock.spent["encode"] * 1000
                retrieval = clock.spent["retrieval"] * 1000
                stages = stage_ms[backend]
                stages["encode"].append(encode)
                stages["retrieval"].append(retrieval)
                stages["composition"].append(max(0.0, ask - encode - retrieval))
                stages["output"].append((done - asked) * 1000)
                stages["total"].append((done - t) * 1000)
                stages["pipeline"].append(max(0.0, (done - t) * 1000 - encode))
                # The same on this thread's CPU clock: what the pipeline computes, without the waits for a
                # core that a busy machine adds (cache misses it causes still count).
                stages["pipeline_cpu"].append(max(0.0, (done_cpu - t_cpu - clock.spent_cpu["encode"]) * 1000))
    finally:
        set_threads(default_threads)
    pinned_p = _percentiles(bare_ms["pinned"])
    default_p = _percentiles(bare_ms["default"])
    out: dict[str, Any] = {
        "questions": len(questions),
        "bare_torch_threads": {"pinned": pinned, "default": default_threads},
        # Equal threads: torch on as many intra-op threads as one ONNX run here.
        "bare_torch_encode_ms": pinned_p,
        "bare_torch_default_encode_ms": default_p,
        "backends": {},
    }
    for backend, values in ask_ms.items():
        p = _percentiles(values)
        out["backends"][backend] = {
            "ask_ms": p,
            "ratio_p50": round(p["p50"] / pinned_p["p50"], 2) if pinned_p["p50"] else None,
            "ratio_p50_default_threads": round(p["p50"] / default_p["p50"], 2) if default_p["p50"] else None,
            # Each question's own ask/bare ratio, then the median: robust to load changing during the run.
            "ratio_median": round(statistics.median(
                a / x for a, x in zip(values, bare_ms["pinned"], strict=True) if x), 2),
            "mean_ask_ms": round(statistics.fmean(values), 2),
            "stages_ms": {s: {"p50": round(_pct(v, 50), 3), "mean": round(statistics.fmean(v), 3)}
                          for s, v in stage_ms[backend].items()},
        }
    return out


def _bare_rates(embedder: Embedder, whole: list[str], texts: list[str]) -> tuple[float, float]:
    t = time.perf_counter()
    embedder.encode(whole, batch_size=64)
    per_entry = len(whole) / (time.perf_counter() - t)
    t = time.perf_counter()
    embedder.encode(texts, batch_size=64)
    return per_entry, len(texts) / (time.perf_counter() - t)


def _build(content: Path, index_dir: Path, embedder: Embedder) -> dict[str, Any]:
    entries = load_content(content).entries
    docs = build_documents(entries)
    whole = [f"{e.area}: {e.description}" for e in entries[:BARE_SAMPLE]]
    texts = [d.text for d in docs[:BARE_SAMPLE]]
    # The bare rates are taken just before and just after the build and averaged, so a machine whose
    # load changes during the run skews both sides alike.
    before = _bare_rates(embedder, whole, texts)
    report = build_index(content, index_dir, embedder, progress=False, force=True)
    after = _bare_rates(embedder, whole, texts)
    bare_entry_rate = (before[0] + after[0]) / 2
    bare_doc_rate = (before[1] + after[1]) / 2
    index_doc_rate = report.documents / report.seconds
    return {
        "entries": report.entries,
        "documents": report.documents,
        "seconds": round(report.seconds, 2),
        "entries_per_s": round(report.entries_per_second, 1),
        "bare_entries_per_s": round(bare_entry_rate, 1),
        "vs_bare_entries": round(report.entries_per_second / bare_entry_rate, 2),
        "documents_per_s": round(index_doc_rate, 1),
        "bare_documents_per_s": round(bare_doc_rate, 1),
        "vs_bare_documents": round(index_doc_rate / bare_doc_rate, 2),
        "bare_sample": min(BARE_SAMPLE, len(entries)),
    }


def _peak_rss_mb(pid: int) -> int:
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(status["VmHWM"].split()[0]) // 1024


def _serving(content: Path, index_dir: Path, backend: str, model: str | None, questions: list[str],
             work: Path) -> dict[str, Any]:
    """The real Slack app over HTTP, on an index this backend built: cold start, first answer, peak RSS.
    Started as a deployment restarts it: the index as the image has it (`careerfw index build`, which
    keeps the answerer's state beside it) and the state database at head (`careerfw db upgrade`, what the
    previous start left), so the start is the serving process's own, not a first build or migration."""
    import subprocess

    from careerfw_tools.loadtest import FakeSlack, send_commands, server_env, serving

    env = {"CAREERFW_INDEX": str(index_dir), "CAREERFW_MODEL_BACKEND": backend}
    if model:
        env["CAREERFW_MODEL"] = model
    built = (index_dir / "current").resolve()
    try:
        with FakeSlack() as fake:
            for setup in (["index", "build", "--content", str(content)], ["db", "upgrade"]):
                done = subprocess.run([sys.executable, "-m", "bot.cli", *setup], env=server_env(fake, work, env),
                                      capture_output=True, text=True)
                if done.returncode != 0:
                    return {"error": f"careerfw {' '.join(setup[:2])} failed: {done.stderr.strip()[-300:]}"}
            built = (index_dir / "current").resolve()
    except OSError as exc:
        return {"error": str(exc)}
    try:
        with FakeSlack() as fake, serving(fake, work, content, env) as server:
            first = send_commands(server.url, fake, [("first", questions[0])], 1)[0]
            if not fake.wait_delivered(1, 120):
                return {"error": "no first answer within 120 s"}
            got = fake.delivered()["first"]
            first_answer_s = got.at - server.started
            rest = [(f"q{i:03d}", q) for i, q in enumerate(questions[1 : SERVING_QUESTIONS + 1])]
            send_commands(server.url, fake, rest, 4)
            if not fake.wait_delivered(1 + len(rest), 300):
                return {"error": "not every answer arrived"}
            peak = _peak_rss_mb(server.proc.pid)
            rebuilt = (index_dir / "current").resolve() != built
    except RuntimeError as exc:  # the server did not come up: say why, keep the other figures
        return {"error": str(exc).splitlines()[0]}
    return {
        "ready_s": round(server.ready_s, 2),
        "first_answer_s": round(first_answer_s, 2),
        "first_answer_after_ready_ms": round((got.at - first.sent_at) * 1000, 1),
        "answered": 1 + len(rest),
        "peak_rss_mb": peak,
        "index_rebuilt_at_start": rebuilt,
    }


def as_installed(env: dict[str, str], work: Path) -> dict[str, str]:
    """A server's environment with its modules' bytecode cached, as an image has it: `pip install .`
    compiles every module at install, so a deployed start reads bytecode, while a shell that sets
    PYTHONDONTWRITEBYTECODE (as this project's development machines do) would have every start compile
    the bot's own modules from source again, about 80 of them, which no restarted pod does. The cache is
    the bench's own folder, never the source tree; an untimed first start of each surface fills it."""
    env = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return env | {"PYTHONPYCACHEPREFIX": str(work / "bytecode")}


# The surfaces `bench --startup` starts: the CLI words, and what each needs to start without a chat service.
STARTUP_SURFACES = {"serve": ["serve", "--http"], "teams": ["teams"]}
STARTUP_POLL_S = 0.01


def _time_to_healthz(argv: list[str], env: dict[str, str], url: str, log_path: Path,
                     timeout: float = 120.0) -> dict[str, Any]:
    """Spawn `argv`, poll /healthz from the moment it is spawned: (seconds to the port answering, to 200)."""
    import subprocess

    from careerfw_tools.loadtest import stop_server

    with open(log_path, "wb") as log:
        started = time.monotonic()
        proc = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT)
    listening: float | None = None
    try:
        while True:
            if proc.poll() is not None:
                tail = " | ".join(log_path.read_text("utf-8", "replace").strip().splitlines()[-3:])
                return {"error": f"exited with {proc.returncode} before /healthz said 200: {tail}"}
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status == 200:
                        ready = time.monotonic() - started
                        return {"listening_s": round(listening if listening is not None else ready, 3),
                                "healthz_200_s": round(ready, 3)}
            except urllib.error.HTTPError:  # 503 while loading: the port is open
                if listening is None:
                    listening = time.monotonic() - started
            except OSError:
                pass
            if time.monotonic() - started > timeout:
                return {"error": f"no /healthz 200 within {timeout:.0f} s (log: {log_path})"}
            time.sleep(STARTUP_POLL_S)
    finally:
        stop_server(proc)


def run_startup(model: str | None = None, content: Path | None = None, index_root: Path | None = None,
                surfaces: list[str] | None = None, runs: int = 3, progress: bool = True) -> dict[str, Any]:
    """Process start to /healthz 200 of `careerfw serve --http` and `careerfw teams`, on an index built
    beforehand by the default backend (as a deployment has it): the median of `runs` starts each."""
    from bot.runtime import ANSWERER_CACHE
    from careerfw_tools.loadtest import FakeSlack, free_port, server_env

    def say(msg: str) -> None:
        if progress:
            print(msg, file=sys.stderr, flush=True)

    targets = [content] if content is not None else [REPO / "content", MONZO,
                                                     REPO.parent / "shared" / "frameworks" / "govuk-ddat-capability"]
    embedder = Embedder(model)
    out: dict[str, Any] = {"backend": embedder.backend, "runs": runs, "load_average": {"before": load_average()},
                           "frameworks": {}}
    with tempfile.TemporaryDirectory(prefix="careerfw-startup-") as tmp, FakeSlack() as fake:
        work = Path(tmp)
        for folder in targets:
            name = folder.resolve().name or "content"
            if not folder.is_dir():
                out["frameworks"][name] = {"skipped": f"{folder} is not present"}
                continue
            index_dir = (index_root or work) / f"index-{name}-{embedder.backend}"
            say(f"{name}: building the index with {embedder.backend} …")
            report = build_index(folder, index_dir, embedder, progress=False)
            row: dict[str, Any] = {"entries": report.entries, "documents": report.documents}
            for surface in surfaces or list(STARTUP_SURFACES):
                # Each round starts twice: once with nothing kept (the answerer derived from content and
                # index, as every start did before bot/runtime.py kept it, then kept), and once from what
                # that start kept, as a restarted pod does; interleaved so load changes touch both alike.
                times: dict[str, list[dict[str, Any]]] = {"derived": [], "kept": []}
                for n in range(runs):
                    for kind in ("derived", "kept"):
                        if kind == "derived":
                            (index_dir / ANSWERER_CACHE).unlink(missing_ok=True)
                        say(f"{name}: starting careerfw {' '.join(STARTUP_SURFACES[surface])}, {kind} "
                            f"({n + 1}/{runs}) …")
                        port = free_port()
                        argv = [sys.executable, "-m", "bot.cli", *STARTUP_SURFACES[surface], "--host", "127.0.0.1",
                                "--port", str(port), "--content", str(folder)]
                        env = as_installed(server_env(fake, work, {"CAREERFW_INDEX": str(index_dir),
                                                                   "CAREERFW_TEAMS_ALLOW_ANONYMOUS": "1"}), work)
                        if model:
                            env["CAREERFW_MODEL"] = model
                        url = f"http://127.0.0.1:{port}/healthz"
                        if n == 0 and kind == "derived":  # untimed: it compiles what a start imports
                            _time_to_healthz(argv, env, url, work / f"{surface}-{name}-bytecode.log")
                            port = free_port()
                            argv[argv.index("--port") + 1] = str(port)
                            url = f"http://127.0.0.1:{port}/healthz"
                            (index_dir / ANSWERER_CACHE).unlink(missing_ok=True)
                        times[kind].append(_time_to_healthz(argv, env, url, work / f"{surface}-{name}-{kind}-{n}.log"))
                failed = [t["error"] for ts in times.values() for t in ts if "error" in t]
                if failed:
                    row[surface] = {"error": failed[0]}
                    continue
                row[surface] = {
                    kind: {"listening_s": round(statistics.median(t["listening_s"] for t in ts), 3),
                           "healthz_200_s": round(statistics.median(t["healthz_200_s"] for t in ts), 3),
                           "each_healthz_200_s": [t["healthz_200_s"] for t in ts]}
                    for kind, ts in times.items()
                }
            out["frameworks"][name] = row
    out["load_average"]["after"] = load_average()
    return out


def render_startup(results: dict[str, Any]) -> str:
    lines = [f"start-up: process start to /healthz 200, polled every {STARTUP_POLL_S * 1000:.0f} ms, on an index built "
             f"beforehand by the default backend ({results['backend']}); median of {results['runs']} rounds, each",
             "starting once with nothing kept (derived: the answerer built from content and index, then kept) and",
             "once from what that start kept (kept: a restart with nothing changed); listening = the port",
             "answering 503 while loading",
             *render_load(results.get("load_average") or {}), ""]
    head = (f"{'framework':<24} {'entries':>7} {'surface':<8} {'start':<8} {'listening':>10} {'/healthz 200':>13}"
            "  each")
    lines += [head, "-" * len(head)]
    for name, row in results["frameworks"].items():
        if "skipped" in row:
            lines.append(f"{name:<24} skipped: {row['skipped']}")
            continue
        for surface in STARTUP_SURFACES:
            r = row.get(surface)
            if r is None:
                continue
            if "error" in r:
                lines.append(f"{name:<24} {row['entries']:>7} {surface:<8} failed: {r['error']}")
                continue
            for kind in ("derived", "kept"):
                k = r[kind]
                each = ", ".join(f"{v:.2f}" for v in k["each_healthz_200_s"])
                lines.append(f"{name:<24} {row['entries']:>7} {surface:<8} {kind:<8} {k['listening_s']:>8.2f} s "
                             f"{k['healthz_200_s']:>11.2f} s  {each}")
    lines += ["", f"target: /healthz 200 within {MAX_HEALTHZ_S:g} s of process start"]
    return "\n".join(lines) + "\n"


def available_backends(model: str | None, onnx_root: Path | None = None) -> tuple[list[str], list[str]]:
    """(backends that can run here, notes on those that cannot): torch first, then the ONNX exports found."""
    out: list[str] = []
    notes: list[str] = []
    for backend in BACKENDS:
        try:
            with naming_every_backend():
                embedder = Embedder(model, backend=backend, onnx_root=onnx_root)
        except ModelError as exc:
            notes.append(f"{backend}: {exc}")
            continue
        if embedder.backend == backend:
            out.append(backend)
        else:
            notes.append(f"{backend}: no ONNX export here")
    return out, notes


def run_bench(model: str | None = None, quick: bool = False, progress: bool = True,
              backends: list[str] | None = None, content: Path | None = None,
              index_root: Path | None = None, questions: int = QUESTIONS_PER_FRAMEWORK,
              serving: bool = True) -> dict[str, Any]:
    """`content`: measure that framework alone; `index_root`: where the indexes are built (and kept);
    `questions` per framework; `serving`: False leaves out the serving processes."""
    def say(msg: str) -> None:
        if progress:
            print(msg, file=sys.stderr, flush=True)

    found, notes = available_backends(model)
    if "torch" not in found:
        raise ModelError("careerfw bench compares against bare PyTorch, which is not installed here "
                         "(install the [torch] extras)")
    chosen = [b for b in found if backends is None or b in backends]
    load_before = load_average()
    started = time.perf_counter()
    say("loading the models …")
    bare = Embedder(model, backend="torch")
    embedders = {b: (bare if b == "torch" else Embedder(model, backend=b)) for b in chosen}
    for embedder in embedders.values():
        embedder.encode(["warm up"])
    results: dict[str, Any] = {"backends": chosen, "serving_default": Embedder(model).backend, "notes": notes,
                               "load_average": {"before": load_before}, "frameworks": {}}
    with tempfile.TemporaryDirectory(prefix="careerfw-bench-") as tmp:
        work = Path(tmp)
        indexes = index_root or work
        if content is not None:
            targets = [(content.resolve().name or "content", content)]
        else:
            generated = work / "generated"
            generated.mkdir()
            size = (10, 10, 20) if quick else (10, 10, 100)
            say(f"generating a {size[0] * size[1] * size[2]:,}-entry framework …")
            generate_framework(generated, *size)
            total = size[0] * size[1] * size[2]
            targets = [("seed", REPO / "content"), ("monzo", MONZO), (f"generated-{total}", generated)]
        for name, content in targets:
            if not content.is_dir():
                results["frameworks"][name] = {"skipped": f"{content} is not present"}
                continue
            builds: dict[str, Any] = {}
            answerers: dict[str, Answerer] = {}
            for backend, embedder in embedders.items():
                say(f"{name}: building the index with {backend} …")
                index_dir = indexes / f"index-{name}-{backend}"
                builds[backend] = _build(content, index_dir, embedder)
                answerers[backend] = Answerer.open(content, index_dir, embedder=embedder)
                answerers[backend].ask("warm the answer path up")
            asked = _questions(content, questions, seed=len(name))
            say(f"{name}: {len(asked)} distinct questions on {', '.join(embedders)} …")
            latency = _latency(answerers, bare, asked)
            answerers.clear()
            served: dict[str, Any] = {}
            asks = _questions(content, SERVING_QUESTIONS + 1, seed=99)
            for backend in embedders if serving else ():
                say(f"{name}: serving process on {backend} …")
                served[backend] = _serving(content, indexes / f"index-{name}-{backend}", backend, model, asks, work)
            # Bare PyTorch's documents/s is the torch backend's own bare rate, measured around its build.
            torch_rate = builds.get("torch", {}).get("bare_documents_per_s")
            for bd in builds.values():
                bd["vs_bare_torch_documents"] = round(bd["documents_per_s"] / torch_rate, 2) if torch_rate else None
            results["frameworks"][name] = {"build": builds, "latency": latency, "serving": served}
    results["seconds"] = round(time.perf_counter() - started, 1)
    results["load_average"]["after"] = load_average()
    results["targets"] = _targets(results)
    return results


def _targets(results: dict[str, Any]) -> dict[str, bool]:
    out: dict[str, bool] = {}
    for name, r in results["frameworks"].items():
        if "latency" not in r:
            continue
        for backend, lt in r["latency"]["backends"].items():
            label = f"{name} {backend}"
            out[f"{label}: answer p50 <= {MAX_COST_VS_BARE_TORCH}x bare torch encode at equal threads"] = (
                (lt["ratio_p50"] or 99) <= MAX_COST_VS_BARE_TORCH)
            pipeline = (lt.get("stages_ms") or {}).get("pipeline")
            if pipeline is not None:
                out[f"{label}: pipeline (all but the encode) p50 <= {MAX_PIPELINE_MS:g} ms"] = (
                    pipeline["p50"] <= MAX_PIPELINE_MS)
            serving = r["serving"].get(backend) or {}
            if "peak_rss_mb" in serving:
                limit = GOAL_PEAK_RSS_MB if name == "seed" else MAX_PEAK_RSS_MB
                out[f"{label}: peak RSS <= {limit} MB"] = serving["peak_rss_mb"] <= limit
                out[f"{label}: /healthz 200 <= {MAX_HEALTHZ_S:g} s from process start"] = (
                    serving["ready_s"] <= MAX_HEALTHZ_S)
                out[f"{label}: cold start to first answer <= {MAX_COLD_START_S:.0f} s"] = (
                    serving["first_answer_s"] <= MAX_COLD_START_S)
            if name.startswith("generated"):
                out[f"{label}: p99 < 50 ms"] = lt["ask_ms"]["p99"] < 50
    return out


def render_load(load: dict[str, Any]) -> list[str]:
    """The load average before and after, and a warning when it was above 1 per core."""
    lines: list[str] = []
    for when in ("before", "after"):
        la = load.get(when)
        if la:
            lines.append(f"load average {when}: {la['load1']:.2f} on {la['cores']} cores "
                         f"({la['per_core']:.2f} per core)")
    busiest = max((la["per_core"] for la in load.values() if la), default=0.0)
    if busiest > 1:
        lines.append(f"WARNING: the machine was busy (load average {busiest:.2f} per core, above 1): other work "
                     "shared the CPUs, so times are upper bounds and torch's threads suffered most; measure again "
                     "on a quiet machine")
    return lines


def render(results: dict[str, Any]) -> str:
    backends = results["backends"]
    lines = [
        f"model backends: {', '.join(backends)}; serving by default here: {results['serving_default']}",
        *(f"not measured: {n}" for n in results.get("notes", [])),
        *render_load(results.get("load_average") or {}),
        "",
    ]
    threads = next((r["latency"].get("bare_torch_threads") for r in results["frameworks"].values()
                    if "latency" in r), None) or {"pinned": INTRA_OP_THREADS, "default": "?"}
    lines += [
        "per-question answer cost on distinct questions (ms): each backend's full answer against the bare",
        f"PyTorch encode of the same question at equal threads (torch pinned to {threads['pinned']} intra-op "
        f"thread{'s' if threads['pinned'] != 1 else ''}, as",
        f"each ONNX run here) and at torch's default ({threads['default']} threads); x = answer p50 / bare p50 at "
        "equal threads;",
        "x dflt = against the default; med x = median of per-question ratios at equal threads",
        "",
    ]
    head = (f"{'framework':<18} {'backend':<10} {'n':>4} {'ask p50':>8} {'p95':>7} {'p99':>7} {'bare p50':>9} "
            f"{'p95':>7} {'dflt p50':>9} {'x':>6} {'x dflt':>6} {'med x':>6}")
    lines += [head, "-" * len(head)]
    for name, r in results["frameworks"].items():
        if "latency" not in r:
            lines.append(f"{name:<18} skipped: {r['skipped']}")
            continue
        lt = r["latency"]
        b = lt["bare_torch_encode_ms"]
        d = lt.get("bare_torch_default_encode_ms")
        d_p50 = f"{d['p50']:.2f}" if d else "-"  # an older run's JSON has no default-threads figure
        for backend, x in lt["backends"].items():
            a = x["ask_ms"]
            dflt = x.get("ratio_p50_default_threads")
            lines.append(
                f"{name:<18} {backend:<10} {lt['questions']:>4} {a['p50']:>8.2f} {a['p95']:>7.2f} {a['p99']:>7.2f} "
                f"{b['p50']:>9.2f} {b['p95']:>7.2f} {d_p50:>9} {x['ratio_p50']:>6.2f} "
                f"{(f'{dflt:.2f}' if dflt is not None else '-'):>6} {x['ratio_median']:>6.2f}"
            )
    staged = [(name, backend, x["stages_ms"]) for name, r in results["frameworks"].items() if "latency" in r
              for backend, x in r["latency"]["backends"].items() if "stages_ms" in x]
    if staged:
        lines += ["", "where each answer's time goes (ms, p50 per stage over the same questions; stages do not add",
                  "up to the total's p50): encode = the model; retrieval = the hybrid ranking; composition = the",
                  "rest of the answer (rules, gate, quotes); output = the JSON `careerfw ask --json` prints;",
                  "pipeline = the whole answer less its encode; cpu = the same on the answering thread's CPU",
                  "clock (no waiting for a core: what load inflates least)", ""]
        head = (f"{'framework':<18} {'backend':<10} " + " ".join(f"{s:>11}" for s in STAGES)
                + f" {'total':>8} {'pipeline':>9} {'cpu':>7}")
        lines += [head, "-" * len(head)]
        for name, backend, st in staged:
            cpu = st.get("pipeline_cpu", {}).get("p50")
            lines.append(f"{name:<18} {backend:<10} " + " ".join(f"{st[s]['p50']:>11.3f}" for s in STAGES)
                         + f" {st['total']['p50']:>8.3f} {st['pipeline']['p50']:>9.3f}"
                         + (f" {cpu:>7.3f}" if cpu is not None else f" {'-':>7}"))
    lines += ["", "serving process (`careerfw serve --http` on an index its backend built; cold start from process",
              f"start; peak RSS after {SERVING_QUESTIONS + 1} answers)", ""]
    head = (f"{'framework':<18} {'backend':<10} {'/healthz 200':>12} {'1st answer':>11} {'peak RSS':>9}")
    if any(r.get("serving") for r in results["frameworks"].values()):
        lines += [head, "-" * len(head)]
    else:
        lines.append("left out (--no-serving)")
    for name, r in results["frameworks"].items():
        for backend, sv in (r.get("serving") or {}).items():
            if "error" in sv:
                lines.append(f"{name:<18} {backend:<10} failed: {sv['error']}")
                continue
            lines.append(f"{name:<18} {backend:<10} {sv['ready_s']:>10.2f} s {sv['first_answer_s']:>9.2f} s "
                         f"{sv['peak_rss_mb']:>6} MB" + ("  (index rebuilt at start!)" if sv["index_rebuilt_at_start"]
                                                        else ""))
    # "x torch" compares with the torch backend's own build; without one (--backends onnx) there is
    # nothing to compare with, and the column is left out rather than printed as nan.
    builds = [bd for r in results["frameworks"].values() for bd in (r.get("build") or {}).values()]
    vs_torch = any(bd.get("vs_bare_torch_documents") is not None for bd in builds)
    lines += ["", "index build (forced, everything embedded): against the same backend's bare batch encode;",
              "x torch = documents/s against bare PyTorch's documents/s" if vs_torch
              else "x torch left out: the torch backend was not measured", ""]
    head = (f"{'framework':<18} {'backend':<10} {'entries':>7} {'docs':>6} {'s':>7} {'entries/s':>9} {'bare e/s':>9} "
            f"{'x':>5} {'docs/s':>7} {'bare d/s':>9} {'x':>5}" + (f" {'x torch':>7}" if vs_torch else ""))
    lines += [head, "-" * len(head)]
    for name, r in results["frameworks"].items():
        for backend, bd in (r.get("build") or {}).items():
            ratio = bd.get("vs_bare_torch_documents")
            lines.append(
                f"{name:<18} {backend:<10} {bd['entries']:>7} {bd['documents']:>6} {bd['seconds']:>7.2f} "
                f"{bd['entries_per_s']:>9.1f} {bd['bare_entries_per_s']:>9.1f} {bd['vs_bare_entries']:>5.2f} "
                f"{bd['documents_per_s']:>7.1f} {bd['bare_documents_per_s']:>9.1f} {bd['vs_bare_documents']:>5.2f}"
                + ((f" {ratio:>7.2f}" if ratio is not None else f" {'-':>7}") if vs_torch else "")
            )
    lines += ["", f"targets (goal for peak RSS: {GOAL_PEAK_RSS_MB} MB):"]
    lines += [f"  {k}: {'met' if v else 'MISSED'}" for k, v in results["targets"].items()]
    lines.append(f"bench took {results['seconds']} s")
    return "\n".join(lines) + "\n"
