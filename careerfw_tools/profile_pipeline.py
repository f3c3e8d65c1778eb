"""Where an answer's time goes once the model is left out: cProfile over `Answerer.ask` and its JSON
output (what `careerfw ask --json` prints), with every query vector computed beforehand (issue 23, item 3).

    python -m careerfw_tools.profile_pipeline [--top 25] [--out FILE.prof] [--framework NAME] [--time-only]
                                              [--cpu-clock] [--stages [--passes N]]

Questions: the eval sets written for the seed (seed), Monzo (monzo, holdout-monzo) and GOV.UK DDaT
(blind/govuk), plus 150 generated per framework as `careerfw bench` generates them, asked against the
shipped content and /work/shared/frameworks (`--framework NAME` for one of them).
The vectors are computed in a child process, so the caches of this one (tokens, names) start as cold
as a server's; here the model is never run while profiling, and the profile is the pipeline alone.

`--stages` prints, instead of a profile, each stage's CPU per question (this thread's clock around the
stage's method, no profiler), and `--passes N` asks the questions N times in one process: the first pass
is what a server pays for new questions, a later one what it pays once every memo of words and passages is
warm.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import multiprocessing
import os
import pstats
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from careerfw_tools.bench import _questions, load_average
from index import Answerer
from index.aliases import Structure
from index.bm25 import BM25Ranker
from index.followup import FollowUps
from index.ranking import Features, Model
from index.search import DenseRanker, HybridRanker

REPO = Path(__file__).resolve().parent.parent
FRAMEWORKS = REPO.parent / "shared" / "frameworks"
SETS = {
    "content": ["tests/eval/seed.yaml"],
    "monzo-engineering": ["tests/eval/monzo.yaml", "tests/eval/holdout-monzo.yaml"],
    "govuk-ddat-capability": ["tests/eval/blind/govuk.yaml"],
}
GENERATED = 150
# What `--stages` times: (class, method, label). A stage inside another is counted in both ("rank: ..." within
# "rank"), and a ranking a composer asks for (a comparison's sides) in "compose" and "rank" alike.
STAGES: list[tuple[type, str, str]] = [
    (Answerer, "ask", "ask"),
    (Structure, "detect", "detect"),
    (HybridRanker, "rank", "rank"),
    (DenseRanker, "doc_scores_of", "rank: cosines (question, its rest)"),
    (BM25Ranker, "scores", "rank: BM25 (text, labels, areas)"),
    (Features, "extract", "rank: features"),
    (Model, "logits", "rank: logits"),
    (Answerer, "_compose", "compose"),
    (FollowUps, "apply", "follow-ups"),
]


def folder(framework: str) -> Path:
    return REPO / "content" if framework == "content" else FRAMEWORKS / framework


def questions(framework: str) -> list[str]:
    out: list[str] = []
    for name in SETS[framework]:
        out += [q["ask"] for q in yaml.safe_load((REPO / name).read_text("utf-8"))["questions"]]
    return out + _questions(folder(framework), GENERATED)


@contextmanager
def timed_stages(totals: dict[str, float]) -> Iterator[None]:
    """While inside, each of `STAGES` adds its CPU time (this thread's clock) to `totals[label]`; a stage that
    calls itself (a repeated question's `ask`) is counted once. The classes are as they were afterwards."""
    saved: list[tuple[type, str, Any]] = []
    for owner, name, label in STAGES:
        found = owner.__dict__[name]
        static = isinstance(found, staticmethod)
        function: Callable[..., Any] = found.__func__ if static else found
        depth = [0]

        def timed(*args: Any, _function: Callable[..., Any] = function, _label: str = label,
                  _depth: list[int] = depth, **kwargs: Any) -> Any:
            _depth[0] += 1
            start = time.thread_time()
            try:
                return _function(*args, **kwargs)
            finally:
                _depth[0] -= 1
                if not _depth[0]:
                    totals[_label] = totals.get(_label, 0.0) + time.thread_time() - start

        saved.append((owner, name, found))
        setattr(owner, name, staticmethod(timed) if static else timed)
    try:
        yield
    finally:
        for owner, name, found in saved:
            setattr(owner, name, found)


def stage_times(answerer: Answerer, asked: list[str], passes: int = 1) -> list[dict[str, float]]:
    """Per pass over `asked`, each stage's mean CPU per question in ms (`STAGES`), and "answer + JSON", the
    whole of each question as `careerfw ask --json` pays it."""
    out: list[dict[str, float]] = []
    for _ in range(passes):
        totals: dict[str, float] = {}
        with timed_stages(totals):
            for q in asked:
                start = time.thread_time()
                json.dumps(answerer.ask(q).to_json(), ensure_ascii=False)
                totals["answer + JSON"] = totals.get("answer + JSON", 0.0) + time.thread_time() - start
        out.append({label: seconds * 1000 / max(len(asked), 1) for label, seconds in totals.items()})
    return out


def _vectors(frameworks: list[str]) -> dict[str, np.ndarray]:
    """Every text the answers encode, with its vector (run in a child process)."""
    found: dict[str, np.ndarray] = {}
    for framework in frameworks:
        answerer = Answerer.open(folder(framework))
        encode = answerer.embedder.encode_query

        def recording(text: str, encode=encode) -> np.ndarray:  # type: ignore[no-untyped-def]
            found[text] = vector = encode(text)
            return vector

        answerer.embedder.encode_query = recording  # type: ignore[method-assign]
        answerer.ask("warm up")
        for q in questions(framework):
            json.dumps(answerer.ask(q).to_json(), ensure_ascii=False)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--out", type=Path, help="also write the raw profile here (pstats format)")
    parser.add_argument("--framework", choices=sorted(SETS), action="append",
                        help="profile this framework alone (repeatable; default: all three)")
    parser.add_argument("--time-only", action="store_true",
                        help="no profiler: each framework's median pipeline time (compare runs in the same minute)")
    parser.add_argument("--cpu-clock", action="store_true",
                        help="profile on this thread's CPU clock: no waits for a core (a busy machine's) in it")
    parser.add_argument("--stages", action="store_true",
                        help="no profiler: each stage's CPU per question (detect, rank and its parts, compose, ...)")
    parser.add_argument("--passes", type=int, default=1,
                        help="with --stages: ask the questions this many times in one process (the first pass "
                             "pays for filling every memo)")
    args = parser.parse_args(argv)
    frameworks = args.framework or list(SETS)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        vectors = pool.apply(_vectors, (frameworks,))
    answerers: dict[str, Answerer] = {}
    missed: list[str] = []
    for framework in frameworks:
        answerer = Answerer.open(folder(framework))
        encode = answerer.embedder.encode_query

        def precomputed(text: str, encode=encode) -> np.ndarray:  # type: ignore[no-untyped-def]
            vector = vectors.get(text)
            if vector is None:  # never expected: the same code asked the same questions
                missed.append(text)
                vector = encode(text)
            return vector

        answerer.embedder.encode_query = precomputed  # type: ignore[method-assign]
        answerer.ask("warm up")
        answerers[framework] = answerer
    before = load_average()
    if args.stages:
        for framework, answerer in answerers.items():
            passes = stage_times(answerer, questions(framework), args.passes)
            print(f"{framework}: CPU per question, ms, pass " + ", ".join(str(n + 1) for n in range(len(passes))))
            for label in ["answer + JSON"] + [label for _, _, label in STAGES]:
                print(f"  {label:36s}" + "".join(f"{p.get(label, 0.0):9.3f}" for p in passes))
        after = load_average()
        print(f"load average {before['load1']:.2f} before, {after['load1']:.2f} after on {after['cores']} cores; "
              f"vectors missed: {len(missed)}")
        return 0
    # The wall clock charges a wait for a core to whatever function was running; the CPU clock does not.
    profile = cProfile.Profile(time.thread_time) if args.cpu_clock else cProfile.Profile()
    ms: dict[str, list[float]] = {}
    cpu_ms: dict[str, list[float]] = {}
    for framework, answerer in answerers.items():
        ms[framework], cpu_ms[framework] = [], []
        for q in questions(framework):
            t, t_cpu = time.perf_counter(), time.thread_time()
            if not args.time_only:
                profile.enable()
            json.dumps(answerer.ask(q).to_json(), ensure_ascii=False)
            if not args.time_only:
                profile.disable()
            ms[framework].append((time.perf_counter() - t) * 1000)
            # This thread's CPU clock: what a busy machine's waits for a core leave out (as `careerfw bench`'s cpu).
            cpu_ms[framework].append((time.thread_time() - t_cpu) * 1000)
    after = load_average()
    if not args.time_only:
        if args.out:
            profile.dump_stats(args.out)
        text = io.StringIO()
        stats = pstats.Stats(profile, stream=text).strip_dirs()
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)
        print(text.getvalue())
    every = [t for times in ms.values() for t in times]
    every_cpu = [t for times in cpu_ms.values() for t in times]
    how = "timed without the profiler" if args.time_only else "profiled: times inflated by cProfile"
    print(f"{len(every)} questions ({how}), median {statistics.median(every):.2f} ms "
          f"(cpu {statistics.median(every_cpu):.2f} ms), mean {statistics.fmean(every):.2f} ms; "
          f"vectors missed: {len(missed)}; load average "
          f"{before['load1']:.2f} before, {after['load1']:.2f} after on {after['cores']} cores")
    for framework, times in ms.items():
        print(f"  {framework}: {len(times)} questions, median {statistics.median(times):.3f} ms "
              f"(cpu {statistics.median(cpu_ms[framework]):.3f} ms), mean {statistics.fmean(times):.3f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
