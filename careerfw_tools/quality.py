"""`careerfw eval` and `careerfw bench`: retrieval quality and speed, measured on this machine."""

from __future__ import annotations

import argparse
import json
import sys
from contextlib import nullcontext
from pathlib import Path

from bot.config import Settings

REPO = Path(__file__).resolve().parent.parent


def eval_command(args: argparse.Namespace, settings: Settings) -> int:
    from careerfw_tools.backend_eval import compare_backends
    from careerfw_tools.backend_eval import render as render_backends
    from careerfw_tools.conversations import (
        ConversationSetError,
        default_conversation_sets,
        evaluate_conversations,
        fitting_conversation_sets,
        follow_up_samples,
        is_conversation_set,
        load_conversations,
    )
    from careerfw_tools.conversations import render as render_conversations
    from careerfw_tools.evaluate import (
        EvalSetError,
        default_sets,
        evaluate,
        fitting_sets,
        load_set,
        render,
        targets_met,
        write_fitted,
    )
    from careerfw_tools.glossary_eval import glossary_worth
    from careerfw_tools.glossary_eval import render as render_glossary
    from index import Embedder
    from index.ranking import FITTED_PATH, Model, ModelFileError, load_model, standing_in

    fit = getattr(args, "fit", False)
    given = list(args.sets)
    typos = getattr(args, "typos", None)
    if isinstance(typos, Path) or typos is True:  # a bare `--typos` (bot/cli.py), maybe with the first set for its N
        from careerfw_tools.typos import COPIES

        if isinstance(typos, Path):
            given.insert(0, typos)
        args.typos = COPIES
    if typos is not None:
        return _typos(args, settings, given)
    conversation_paths = [p for p in given if is_conversation_set(p)] if given else default_conversation_sets(REPO)
    paths = [p for p in given if p not in conversation_paths] if given else default_sets(REPO)
    fit_conversations: list[Path] = []
    if fit:
        if args.conversations:
            print("careerfw eval: --fit fits on single questions; --conversations has none", file=sys.stderr)
            return 2
        # The fit reads every framework with questions, blind sets included, and the later turns of every
        # conversation set, each with the context of the turn before (their figures are not printed here:
        # they would be the constants' in place, not the new ones'; run `careerfw eval` afterwards).
        paths = paths if given else fitting_sets(REPO)
        fit_conversations = conversation_paths if given else fitting_conversation_sets(REPO)
        conversation_paths = []
    if args.conversations:
        paths = []
    if not paths and not conversation_paths:
        print("careerfw eval: no question sets given and none in tests/eval/", file=sys.stderr)
        return 1
    if _index_without_content(args):
        return 2
    try:
        sets = [load_set(p, args.content) for p in paths]
        conversation_sets = [load_conversations(p, args.content) for p in conversation_paths]
        follow_ups = follow_up_samples([load_conversations(p, args.content) for p in fit_conversations]) \
            if fit else None
    except (EvalSetError, ConversationSetError) as exc:
        print(f"careerfw eval: {exc}", file=sys.stderr)
        return 1
    embedder = Embedder(settings.model, backend=settings.model_backend)
    index = args.index  # one framework (--content), so one index for every set
    stale = None
    if fit:
        try:
            load_model(FITTED_PATH)
        except ModelFileError as exc:
            stale = exc
            print(f"careerfw eval --fit: {exc}; refitting it, the shipped column meanwhile ranks with no "
                  "constants (run `careerfw eval` again for the new figures)", file=sys.stderr)
    with standing_in(Model.neutral()) if stale else nullcontext():
        report = evaluate(sets, embedder, index_dir_for=lambda s: index, more=follow_ups) if sets else None
        conversations = evaluate_conversations(conversation_sets, embedder, index_dir_for=lambda s: index) \
            if conversation_sets else None
        comparison = None if args.no_backends or not sets else compare_backends(sets, settings.model)
        # A framework with a careerfw.yaml: its questions with the glossary and without
        # (careerfw_tools/glossary_eval.py).
        glossaries = glossary_worth(sets, embedder, index_dir_for=lambda s: index) if sets else []
    if args.json:
        out: dict = {"backend": embedder.backend}
        if report is not None:
            out |= report.as_dict() | {"targets": targets_met(report)}
        if comparison is not None:
            out["backends"] = comparison.as_dict()
        if conversations is not None:
            out["conversations"] = conversations.as_dict()
        if glossaries:
            out["glossary"] = [g.as_dict() for g in glossaries]
        print(json.dumps(out, indent=1))
    else:
        print(f"model backend: {embedder.backend}")
        if report is not None:
            sys.stdout.write(render(report))
            met = targets_met(report)
            print("targets: " + ", ".join(f"{k} {'met' if v else 'MISSED'}" for k, v in met.items()))
        sys.stdout.write(render_glossary(glossaries))
        if comparison is not None:
            sys.stdout.write(render_backends(comparison))
        if conversations is not None:
            sys.stdout.write(render_conversations(conversations))
    if fit and report is not None:
        try:
            write_fitted(report, FITTED_PATH, REPO, fit_conversations)
        except (ValueError, OSError) as exc:
            print(f"careerfw eval --fit: {exc}", file=sys.stderr)
            return 1
        print(f"fitted ranker and gate written to {FITTED_PATH} (fitted on every framework above)",
              file=sys.stderr if args.json else sys.stdout)
    return 0


def _index_without_content(args: argparse.Namespace) -> bool:
    """Whether `--index` came without `--content` (said on stderr): one index serves one framework, and without
    `--content` each set is asked of its own."""
    if args.index is not None and args.content is None:
        print("careerfw eval: --index needs --content (without it each set is asked of its own framework)",
              file=sys.stderr)
        return True
    return False


def _typos(args: argparse.Namespace, settings: Settings, given: list[Path]) -> int:
    """`careerfw eval --typos [N]`: the single-question sets asked again as typed in a hurry
    (careerfw_tools/typos.py)."""
    from careerfw_tools.conversations import is_conversation_set
    from careerfw_tools.evaluate import EvalSetError, default_sets, load_set
    from careerfw_tools.typos import evaluate_typos, render
    from index import Embedder

    if args.fit or args.conversations:
        print("careerfw eval: --typos asks single questions; it has no --fit or --conversations", file=sys.stderr)
        return 2
    if args.typos < 1:
        print("careerfw eval: --typos needs at least one copy a question", file=sys.stderr)
        return 2
    if _index_without_content(args):
        return 2
    paths = [p for p in given if not is_conversation_set(p)] if given else default_sets(REPO)
    if not paths:
        print("careerfw eval: --typos asks single questions, and no single-question sets were given", file=sys.stderr)
        return 1
    try:
        sets = [load_set(p, args.content) for p in paths]
    except EvalSetError as exc:
        print(f"careerfw eval: {exc}", file=sys.stderr)
        return 1
    embedder = Embedder(settings.model, backend=settings.model_backend)
    report = evaluate_typos(sets, embedder, args.typos, index_dir_for=lambda s: args.index)
    if args.json:
        print(json.dumps({"backend": embedder.backend, "typos": report.as_dict()}, indent=1))
    else:
        print(f"model backend: {embedder.backend}")
        sys.stdout.write(render(report))
    return 0


def bench_command(args: argparse.Namespace, settings: Settings) -> int:
    from careerfw_tools.bench import QUESTIONS_PER_FRAMEWORK, render, render_startup, run_bench, run_startup

    if getattr(args, "startup", False):
        report = run_startup(settings.model, content=args.content, index_root=args.index,
                             runs=getattr(args, "runs", 3), progress=not args.json)
        if args.json:
            print(json.dumps(report, indent=1))
        else:
            sys.stdout.write(render_startup(report))
        return 0
    backends = [b.strip() for b in args.backends.split(",")] if args.backends else None
    report = run_bench(settings.model, quick=getattr(args, "quick", False), progress=not args.json, backends=backends,
                       content=args.content, index_root=args.index,
                       questions=getattr(args, "questions", None) or QUESTIONS_PER_FRAMEWORK,
                       serving=not getattr(args, "no_serving", False))
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        sys.stdout.write(render(report))
    return 0
