"""`careerfw bench`: answer latency against the bare model, build throughput, serving memory.

Everything is measured in one run on this machine:

- latency: every question is distinct (no query-cache hits); per question the bare model encode
  (`SentenceTransformer.encode` of that one question) and then the full `Answerer.ask` are timed;
- build: a forced index build (parse, embed, write) in entries/s, against the bare model batch-encoding
  one text per entry (each cell with its area, what a naive index would embed), and against the bare
  batch-encode of exactly the texts the index embeds (its paragraph documents) on a sample;
- memory: a separate process that only serves (loads the model and an index, answers questions)
  reports its peak RSS, so the bench's own bookkeeping is not counted.

The 10,000-entry framework is generated deterministically (fixed seed): 10 crafts x 10 levels x 100
areas, one page per craft and level in the same just-the-docs layout as the shipped content.
"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from index.answer import Answerer
from index.embedder import Embedder
from index.parse import load_content
from index.store import build_documents, build_index

REPO = Path(__file__).resolve().parent.parent
MONZO = REPO.parent / "shared" / "frameworks" / "monzo-engineering"
QUESTIONS_PER_FRAMEWORK = 150
BARE_SAMPLE = 1000  # entries / documents batch-encoded bare for the rates (bounded run time)

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


def _latency(answerer: Answerer, embedder: Embedder, questions: list[str]) -> dict[str, Any]:
    model = embedder.model
    bare: list[float] = []
    ask: list[float] = []
    for q in questions:
        t = time.perf_counter()
        model.encode([q], normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
        bare.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        answerer.ask(q)
        ask.append((time.perf_counter() - t) * 1000)
    p = {f"p{k}": round(_pct(ask, k), 2) for k in (50, 95, 99)}
    b = {f"p{k}": round(_pct(bare, k), 2) for k in (50, 95, 99)}
    return {
        "questions": len(questions),
        "ask_ms": p,
        "bare_encode_ms": b,
        "ratio_p50": round(p["p50"] / b["p50"], 2) if b["p50"] else None,
        # Each question's own ask/bare ratio, then the median: robust to load changing during the run.
        "ratio_median": round(statistics.median(a / x for a, x in zip(ask, bare, strict=True) if x), 2),
        "mean_ask_ms": round(statistics.fmean(ask), 2),
    }


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


_SERVE = """
import resource, sys, time
from pathlib import Path
from index.answer import Answerer
a = Answerer.open(Path(sys.argv[1]), Path(sys.argv[2]), model=sys.argv[3] or None, progress=False)
a.warm()
for q in sys.stdin.read().splitlines():
    a.ask(q)
status = dict(l.split(":", 1) for l in open("/proc/self/status") if ":" in l)
print(int(status["VmHWM"].split()[0]) // 1024, int(status["VmRSS"].split()[0]) // 1024)
"""


def _serving_rss(content: Path, index_dir: Path, model: str | None, questions: list[str]) -> dict[str, int] | None:
    proc = subprocess.run(
        [sys.executable, "-c", _SERVE, str(content), str(index_dir), model or ""],
        input="\n".join(questions[:50]), capture_output=True, text=True, cwd=REPO, timeout=600,
    )
    if proc.returncode != 0:
        return None
    peak, now = proc.stdout.split()[-2:]
    return {"peak_mb": int(peak), "rss_mb": int(now)}


def run_bench(model: str | None = None, quick: bool = False, progress: bool = True) -> dict[str, Any]:
    def say(msg: str) -> None:
        if progress:
            print(msg, file=sys.stderr, flush=True)

    embedder = Embedder(model)
    started = time.perf_counter()
    say("loading the model …")
    embedder.encode(["warm up"])
    results: dict[str, Any] = {"frameworks": {}}
    with tempfile.TemporaryDirectory(prefix="careerfw-bench-") as tmp:
        work = Path(tmp)
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
            say(f"{name}: building the index …")
            index_dir = work / f"index-{name}"
            build = _build(content, index_dir, embedder)
            answerer = Answerer.open(content, index_dir, embedder=embedder)
            questions = _questions(content, QUESTIONS_PER_FRAMEWORK, seed=len(name))
            say(f"{name}: {len(questions)} distinct questions …")
            answerer.ask("warm the answer path up")
            latency = _latency(answerer, embedder, questions)
            say(f"{name}: serving memory …")
            rss = _serving_rss(content, index_dir, model, _questions(content, 50, seed=99))
            results["frameworks"][name] = {"build": build, "latency": latency, "serving_rss": rss}
    results["seconds"] = round(time.perf_counter() - started, 1)
    results["targets"] = _targets(results)
    return results


def _targets(results: dict[str, Any]) -> dict[str, bool]:
    out: dict[str, bool] = {}
    for name, r in results["frameworks"].items():
        if "latency" not in r:
            continue
        out[f"{name}: p50 <= 1.5x bare encode"] = (r["latency"]["ratio_p50"] or 99) <= 1.5
        if name.startswith("generated"):
            out[f"{name}: p99 < 50 ms"] = r["latency"]["ask_ms"]["p99"] < 50
        out[f"{name}: build >= 80% of bare entries/s"] = r["build"]["vs_bare_entries"] >= 0.8
        if r["serving_rss"]:
            out[f"{name}: serving RSS < 700 MB"] = r["serving_rss"]["peak_mb"] < 700
    return out


def render(results: dict[str, Any]) -> str:
    lines = [
        "per-question latency on distinct questions (ms); bare = the model's encode of the same question;",
        "p50 x = ask p50 / bare p50; med x = median over questions of ask / bare",
        "",
    ]
    head = (f"{'framework':<16} {'n':>4} {'ask p50':>8} {'p95':>7} {'p99':>7} {'bare p50':>9} {'p95':>7} {'p99':>7} "
            f"{'p50 x':>6} {'med x':>6}")
    lines += [head, "-" * len(head)]
    for name, r in results["frameworks"].items():
        if "latency" not in r:
            lines.append(f"{name:<16} skipped: {r['skipped']}")
            continue
        lt = r["latency"]
        a, b = lt["ask_ms"], lt["bare_encode_ms"]
        lines.append(
            f"{name:<16} {lt['questions']:>4} {a['p50']:>8.2f} {a['p95']:>7.2f} {a['p99']:>7.2f} "
            f"{b['p50']:>9.2f} {b['p95']:>7.2f} {b['p99']:>7.2f} {lt['ratio_p50']:>6.2f} {lt['ratio_median']:>6.2f}"
        )
    lines += ["", "index build (forced, everything embedded) against the bare model's batch encode", ""]
    head = (f"{'framework':<16} {'entries':>7} {'docs':>6} {'s':>7} {'entries/s':>9} {'bare e/s':>9} {'x':>5} "
            f"{'docs/s':>7} {'bare d/s':>9} {'x':>5}")
    lines += [head, "-" * len(head)]
    for name, r in results["frameworks"].items():
        if "build" not in r:
            continue
        bd = r["build"]
        lines.append(
            f"{name:<16} {bd['entries']:>7} {bd['documents']:>6} {bd['seconds']:>7.2f} {bd['entries_per_s']:>9.1f} "
            f"{bd['bare_entries_per_s']:>9.1f} {bd['vs_bare_entries']:>5.2f} {bd['documents_per_s']:>7.1f} "
            f"{bd['bare_documents_per_s']:>9.1f} {bd['vs_bare_documents']:>5.2f}"
        )
    lines += ["", "serving process (model + index + answering 50 questions), peak RSS", ""]
    for name, r in results["frameworks"].items():
        rss = r.get("serving_rss")
        if rss:
            lines.append(f"{name:<16} peak {rss['peak_mb']} MB, now {rss['rss_mb']} MB")
    lines += ["", "targets: " + ", ".join(f"{k} {'met' if v else 'MISSED'}" for k, v in results["targets"].items())]
    lines.append(f"bench took {results['seconds']} s")
    return "\n".join(lines) + "\n"
