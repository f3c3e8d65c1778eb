"""`careerfw eval` and `careerfw bench`: retrieval quality and speed, measured on this machine."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.config import Settings

REPO = Path(__file__).resolve().parent.parent


def eval_command(args: argparse.Namespace, settings: Settings) -> int:
    from careerfw_tools.backend_eval import compare_backends
    from careerfw_tools.backend_eval import render as render_backends
    from careerfw_tools.evaluate import EvalSetError, default_sets, evaluate, load_set, render, targets_met
    from index.embedder import Embedder

    paths = list(args.sets) or default_sets(REPO)
    if not paths:
        print("careerfw eval: no question sets given and none in tests/eval/", file=sys.stderr)
        return 1
    try:
        sets = [load_set(p, args.content) for p in paths]
    except EvalSetError as exc:
        print(f"careerfw eval: {exc}", file=sys.stderr)
        return 1
    embedder = Embedder(settings.model, backend=settings.model_backend)
    report = evaluate(sets, embedder)
    comparison = None if args.no_backends else compare_backends(sets, settings.model)
    if args.json:
        extra = {"backend": embedder.backend, "targets": targets_met(report)}
        if comparison is not None:
            extra["backends"] = comparison.as_dict()
        print(json.dumps(report.as_dict() | extra, indent=1))
    else:
        print(f"model backend: {embedder.backend}")
        sys.stdout.write(render(report))
        met = targets_met(report)
        print("targets: " + ", ".join(f"{k} {'met' if v else 'MISSED'}" for k, v in met.items()))
        if comparison is not None:
            sys.stdout.write(render_backends(comparison))
    return 0


def bench_command(args: argparse.Namespace, settings: Settings) -> int:
    from careerfw_tools.bench import render, run_bench

    backends = [b.strip() for b in args.backends.split(",")] if args.backends else None
    report = run_bench(settings.model, quick=getattr(args, "quick", False), progress=not args.json, backends=backends)
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        sys.stdout.write(render(report))
    return 0
