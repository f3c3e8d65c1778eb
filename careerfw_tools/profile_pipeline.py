"""Where an answer's time goes once the model is left out: cProfile over `Answerer.ask` and its JSON
output (what `careerfw ask --json` prints), with every query vector computed beforehand (issue 23, item 3).

    python -m careerfw_tools.profile_pipeline [--top 25] [--out FILE.prof] [--framework NAME] [--time-only]
                                              [--cpu-clock]

Questions: the eval sets written for the seed (seed), Monzo (monzo, holdout-monzo) and GOV.UK DDaT
(blind/govuk), plus 150 generated per framework as `careerfw bench` generates them, asked against the
shipped content and /work/shared/frameworks (`--framework NAME` for one of them).
The vectors are computed in a child process, so the caches of this one (tokens, names) start as cold
as a server's; here the model is never run while profiling, and the profile is the pipeline alone.
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
from pathlib import Path

import numpy as np
import yaml

from careerfw_tools.bench import _questions, load_average
from index import Answerer

REPO = Path(__file__).resolve().parent.parent
FRAMEWORKS = REPO.parent / "shared" / "frameworks"
SETS = {
    "content": ["tests/eval/seed.yaml"],
    "monzo-engineering": ["tests/eval/monzo.yaml", "tests/eval/holdout-monzo.yaml"],
    "govuk-ddat-capability": ["tests/eval/blind/govuk.yaml"],
}
GENERATED = 150


def folder(framework: str) -> Path:
    return REPO / "content" if framework == "content" else FRAMEWORKS / framework


def questions(framework: str) -> list[str]:
    out: list[str] = []
    for name in SETS[framework]:
        out += [q["ask"] for q in yaml.safe_load((REPO / name).read_text("utf-8"))["questions"]]
    return out + _questions(folder(framework), GENERATED)


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
