"""Retrieval quality on question sets: the shipped answerer against dense-only and BM25-only, one run.

A question set is a YAML file (tests/eval/*.yaml):

    name: seed
    content: ../../content            # relative to the YAML file; a set whose content is absent is skipped
    questions:
      - ask: what does Head of ML own?
        expect: owning the overall strategy for machine learning   # a phrase the right cell contains
        area: AI Strategy                                          # optional: the right cell's area,
        level: Level 1 (Head Of)                                   #   level and craft (substring)
      - ask: what is expected for technical strategy?
        todo: true                                                 # the best match must be this TODO area
        area: Technical Strategy
      - ask: what's the weather like?
        off_topic: true                                            # must be refused (confident: false)
    intents:
      - ask: which areas are still TODO?
        intent: todo
        areas: [Architecture Design, Technical Strategy]

Every question is asked once per system; the query vector is computed once per distinct question
and shared by the systems (that is the cache the product also has; no question is repeated).

Sets that share a content folder are one framework. Besides the pooled table, the report gives one
row per framework with its leave-one-framework-out figures: the fitted ranker and gate fitted on the
other frameworks only (careerfw_tools/fitting.py), then scored on this one, beside plain RRF fusion
and the single signals, the floor it must beat.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from careerfw_tools import fitting
from index import Answer, Answerer, Context, Embedder, Entry
from index.ranking import Model
from index.search import DenseRanker, LexicalRanker, rrf

RANK_DEPTH = 10


class EvalSetError(ValueError):
    """A question set file is malformed; the message names the file and the question."""


@dataclass(frozen=True)
class Question:
    ask: str
    expect: str | None = None
    area: str | None = None
    level: str | None = None
    craft: str | None = None
    todo: bool = False
    off_topic: bool = False
    intent: str | None = None
    areas: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()


@dataclass
class QuestionSet:
    name: str
    path: Path
    content: Path
    questions: list[Question]
    intents: list[Question]

    @property
    def available(self) -> bool:
        return self.content.is_dir()


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[’‘]", "'", text).casefold().split())


def load_set(path: Path, content: Path | None = None) -> QuestionSet:
    """A question set; `content` overrides the folder the file names (an admin's own framework)."""
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise EvalSetError(f"{path}: cannot read question set: {exc}") from exc
    if not isinstance(data, dict) or ("content" not in data and content is None):
        raise EvalSetError(f"{path}: a question set needs `content:` and `questions:`")
    content = content.resolve() if content is not None else (path.parent / str(data["content"])).resolve()

    def parse(items: Any, kind: str) -> list[Question]:
        out: list[Question] = []
        for n, item in enumerate(items or [], 1):
            if not isinstance(item, dict) or not str(item.get("ask", "")).strip():
                raise EvalSetError(f"{path}: {kind} #{n} has no `ask:`")
            q = Question(
                ask=str(item["ask"]).strip(),
                expect=item.get("expect"),
                area=item.get("area"),
                level=item.get("level"),
                craft=item.get("craft"),
                todo=bool(item.get("todo", False)),
                off_topic=bool(item.get("off_topic", False)),
                intent=item.get("intent"),
                areas=tuple(item.get("areas") or ()),
                levels=tuple(item.get("levels") or ()),
            )
            if kind == "question" and not (q.off_topic or q.expect or q.area):
                raise EvalSetError(f"{path}: question #{n} ({q.ask!r}) says neither what is right nor off_topic")
            out.append(q)
        return out

    questions = parse(data.get("questions"), "question")
    intents = parse(data.get("intents"), "intent")
    asked = [_norm(q.ask) for q in questions + intents]
    dupes = {a for a in asked if asked.count(a) > 1}
    if dupes:
        raise EvalSetError(f"{path}: questions asked twice: {sorted(dupes)}")
    return QuestionSet(str(data.get("name") or path.stem), path, content, questions, intents)


def is_right(q: Question, entry: Entry) -> bool:
    if q.todo and not entry.todo:
        return False
    if q.expect and _norm(q.expect) not in _norm(entry.description):
        return False
    if q.area and _norm(q.area) != _norm(entry.area):
        return False
    if q.level and _norm(q.level) != _norm(entry.level):
        return False
    return not (q.craft and _norm(q.craft) not in _norm(entry.craft))


@dataclass
class Outcome:
    rank: int | None  # 1-based rank of the first right entry within RANK_DEPTH; None: not found
    confident: bool


@dataclass
class SystemScore:
    name: str
    on_topic: list[Outcome] = field(default_factory=list)
    off_topic: list[Outcome] = field(default_factory=list)
    note: str = ""

    def _share(self, values: list[bool]) -> float:
        return sum(values) / len(values) if values else float("nan")

    @property
    def top1(self) -> float:
        return self._share([o.rank == 1 for o in self.on_topic])

    @property
    def top3(self) -> float:
        return self._share([o.rank is not None and o.rank <= 3 for o in self.on_topic])

    @property
    def mrr(self) -> float:
        if not self.on_topic:
            return float("nan")
        return sum(1.0 / o.rank for o in self.on_topic if o.rank) / len(self.on_topic)

    @property
    def refused(self) -> float:
        return self._share([not o.confident for o in self.off_topic])

    @property
    def answered(self) -> float:
        return self._share([o.confident for o in self.on_topic])

    def as_dict(self) -> dict[str, Any]:
        return {
            "system": self.name,
            "top1": round(self.top1, 4),
            "top3": round(self.top3, 4),
            "mrr": round(self.mrr, 4),
            "refused": round(self.refused, 4),
            "answered": round(self.answered, 4),
            "on_topic": len(self.on_topic),
            "off_topic": len(self.off_topic),
            "note": self.note,
        }


@dataclass(frozen=True)
class Scores:
    top1: float
    answered: float
    refused: float
    on_topic: int
    off_topic: int


@dataclass
class IntentResult:
    question: str
    expected: str
    got: str
    ok: bool
    why: str = ""


@dataclass
class FrameworkRow:
    """One framework's figures: shipped, left out of the fit, and the baselines."""

    name: str
    shipped: Scores
    dense_top1: float
    bm25_top1: float
    rrf_top1: float = float("nan")
    fitted_held_out: Scores | None = None  # the fitted ranker and gate of index/ranking.py, fitted without it

    @property
    def over_rrf(self) -> float:
        """Shipped top-1 minus plain RRF fusion's: what the shipped ranker adds to the floor."""
        return self.shipped.top1 - self.rrf_top1

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "framework": self.name,
            "on_topic": self.shipped.on_topic,
            "off_topic": self.shipped.off_topic,
            "shipped": {"top1": round(self.shipped.top1, 4), "answered": round(self.shipped.answered, 4),
                        "refused": round(self.shipped.refused, 4)},
            "dense_top1": round(self.dense_top1, 4),
            "bm25_top1": round(self.bm25_top1, 4),
            "rrf_top1": round(self.rrf_top1, 4),
            "shipped_minus_rrf": round(self.over_rrf, 4),
        }
        if self.fitted_held_out:
            out["fitted_held_out"] = _scores_dict(self.fitted_held_out)
        return out


@dataclass
class Report:
    sets: list[tuple[str, int, int]]  # name, on-topic, off-topic
    skipped: list[str]
    systems: list[SystemScore]
    intents: list[IntentResult]
    todo_flagged: tuple[int, int]  # TODO questions whose shipped answer was flagged, of all
    failures: list[str]  # shipped-system misses, for reading
    frameworks: list[FrameworkRow] = field(default_factory=list)
    fitted_pooled: Scores | None = None  # the fitted ranker: every framework's questions under its left-out fit
    fitted_model: Model | None = None  # the fitted ranker fitted on every framework (what `--fit` writes)
    fitted_in_sample: Scores | None = None  # that model on the questions it was fitted on
    paths: list[Path] = field(default_factory=list)  # the question set files scored
    # Rounds of fitting until the conversation turns' contexts were those of the model fitted (`settled`).
    settle_rounds: int = 0

    def system(self, name: str) -> SystemScore:
        return next(s for s in self.systems if s.name == name)

    def framework(self, name: str) -> FrameworkRow:
        return next(f for f in self.frameworks if f.name == name)

    def as_dict(self) -> dict[str, Any]:
        return {
            "sets": [{"name": n, "on_topic": a, "off_topic": b} for n, a, b in self.sets],
            "skipped": self.skipped,
            "systems": [s.as_dict() for s in self.systems],
            "frameworks": [f.as_dict() for f in self.frameworks],
            "fitted_ranker": {
                "held_out": _scores_dict(self.fitted_pooled),
                "in_sample": _scores_dict(self.fitted_in_sample),
                "settle_rounds": self.settle_rounds,
                "model": self.fitted_model.to_json() if self.fitted_model else None,
            },
            "intents": {"correct": sum(i.ok for i in self.intents), "total": len(self.intents)},
            "todo_flagged": {"flagged": self.todo_flagged[0], "total": self.todo_flagged[1]},
            "failures": self.failures,
        }


def _scores_dict(s: Scores | None) -> dict[str, Any] | None:
    if s is None:
        return None
    return {"top1": round(s.top1, 4), "answered": round(s.answered, 4), "refused": round(s.refused, 4),
            "on_topic": s.on_topic, "off_topic": s.off_topic}


def _pooled(outcomes: list[Outcome], off: list[bool]) -> Scores:
    on = [o for o, x in zip(outcomes, off, strict=True) if not x]
    out = [o for o, x in zip(outcomes, off, strict=True) if x]
    return Scores(_share([o.rank == 1 for o in on]), _share([o.confident for o in on]),
                  _share([not o.confident for o in out]), len(on), len(out))


def question_sample(q: Question, framework: str, reader: Answerer, context: Context | None = None) -> fitting.Sample:
    """One question's candidates as the fitted ranker sees them, and which are right; `context`: a
    conversation's, for a later turn."""
    ranking = reader.ask(q.ask, limit=RANK_DEPTH, context=context).ranking
    n = len(reader.entries)
    if ranking is None or ranking.features is None:  # answered before any ranking (a glossary redirect)
        return fitting.Sample(framework, q.off_topic, np.zeros((0, 0)), np.zeros(0, dtype=bool))
    features = ranking.features
    rows = np.flatnonzero(ranking.allowed) if ranking.allowed is not None else np.arange(n)
    right = np.array([not q.off_topic and is_right(q, reader.entries[i]) for i in rows], dtype=bool)
    return fitting.Sample(framework, q.off_topic, features[rows], right, rows)


# More rows for the fit from one framework, once per content folder: (content, answerer, framework label, the
# model to answer earlier turns with) -> samples. `careerfw eval --fit` adds the later turns of its conversation
# sets (careerfw_tools/conversations.py), each asked with the context the model's answer to the turn before left.
MoreSamples = Callable[[Path, Answerer, str, Model], list[fitting.Sample]]
# Rounds of `settled` before it gives up: on every run so far the rows settled by the third (docs/evaluation.md).
SETTLE_ROUNDS = 10


class UnsettledError(ValueError):
    """The conversation turns' contexts never settled: each refit answered an earlier turn differently."""


def fit_samples(sets: list[QuestionSet], embedder: Embedder,
                index_dir_for: Callable[[QuestionSet], Path | None] = lambda s: None,
                more: MoreSamples | None = None) -> list[fitting.Sample]:
    """What `careerfw eval --fit` fits on, collected as `evaluate` collects it (the same loop), without
    the rest of the evaluation: every question of `sets`, then `more` of each framework, settled."""
    samples: list[fitting.Sample] = []
    opened = list(_opened(sets, embedder, index_dir_for, samples, skipped=[]))
    return settled(samples, _firsts(opened), more)[0]


def _firsts(opened: list[tuple[QuestionSet, Answerer, str]]) -> list[tuple[Path, Answerer, str]]:
    """The first answerer opened on each framework, with its content folder and name: what `more` asks."""
    firsts: dict[Path, tuple[Path, Answerer, str]] = {}
    for qs, answerer, framework in opened:
        firsts.setdefault(qs.content, (qs.content, answerer, framework))
    return list(firsts.values())


def settled(single: list[fitting.Sample], firsts: list[tuple[Path, Answerer, str]],
            more: MoreSamples | None) -> tuple[list[fitting.Sample], int]:
    """The fit's rows: the single questions, and `more`'s conversation turns asked with the contexts that the
    model fitted on these very rows leaves, as the shipped answerer will. A turn's context is the answer to the
    turn before, so it depends on the constants being fitted: the first round asks the turns with the model
    fitted on the single questions alone (which carry no context), each next round with the model fitted on the
    previous round's rows, until a round fits the model it asked with. The fit is deterministic, so that model
    is a fixed point: fitted again on its own rows it is itself. Returns the rows and the rounds it took."""
    if more is None or not firsts:
        return single, 0
    model = fitting.rounded(fitting.fit_model(single)) if any(s.usable for s in single) else Model.neutral()
    for n in range(1, SETTLE_ROUNDS + 1):
        rows = single + [s for content, answerer, name in firsts for s in more(content, answerer, name, model)]
        if not any(s.usable for s in rows):
            return rows, n
        fitted = fitting.rounded(fitting.fit_model(rows))
        if _same(fitted, model):
            return rows, n
        model = fitted
    raise UnsettledError(f"the conversation turns' contexts did not settle in {SETTLE_ROUNDS} rounds of fitting")


def _same(a: Model, b: Model) -> bool:
    return all(np.array_equal(getattr(a, k), getattr(b, k)) for k in ("mean", "scale", "weights")) \
        and (a.bias, a.threshold) == (b.bias, b.threshold)


def _opened(sets: list[QuestionSet], embedder: Embedder, index_dir_for: Callable[[QuestionSet], Path | None],
            samples: list[fitting.Sample], skipped: list[str]) -> Iterator[tuple[QuestionSet, Answerer, str]]:
    """Each set whose framework is there, in order, with an answerer opened for it and its framework's
    name; the others are named in `skipped`. On the way it adds to `samples` what the fitted ranker is
    fitted on from single questions: a set's questions as the neutral ranker sees them, before the set is
    handed on."""
    label = framework_labels(sets)
    for qs in sets:
        if not qs.available:
            skipped.append(f"{qs.name} (no content at {qs.content})")
            continue
        answerer = Answerer.open(qs.content, index_dir_for(qs), embedder=embedder, progress=False)
        framework = label[qs.content]
        reader = answerer.tuned(model=Model.neutral())
        samples += [question_sample(q, framework, reader) for q in qs.questions]
        yield qs, answerer, framework


def _asked(answerer: Answerer, q: Question) -> Outcome:
    answer = answerer.ask(q.ask, limit=RANK_DEPTH)
    return Outcome(_rank_of(q, [x.entry for x in (answer.quotes or answer.suggestions)]), answer.confident)


def _of(system: SystemScore) -> Scores:
    return Scores(system.top1, system.answered, system.refused, len(system.on_topic), len(system.off_topic))


def _rank_of(q: Question, entries: list[Entry]) -> int | None:
    for i, e in enumerate(entries[:RANK_DEPTH], 1):
        if is_right(q, e):
            return i
    return None


def _calibrated(scored: list[tuple[float, bool]]) -> float:
    """The threshold that best separates on-topic (True) from off-topic by balanced accuracy.

    Baselines get their best possible threshold on the very questions being scored: generous to them,
    so the hybrid's margin is not an artefact of a badly chosen baseline threshold.
    """
    if not scored:
        return 0.0
    on = [s for s, t in scored if t]
    off = [s for s, t in scored if not t]
    best, best_acc = 0.0, -1.0
    for cut in sorted({s for s, _ in scored} | {0.0}):
        acc = (sum(s >= cut for s in on) / max(len(on), 1) + sum(s < cut for s in off) / max(len(off), 1)) / 2
        if acc > best_acc:
            best, best_acc = cut, acc
    return best


def _check_intent(q: Question, answer: Answer, entries: list[Entry]) -> IntentResult:
    got = answer.intent
    why = ""
    ok = got == q.intent
    areas = [x.entry.area for x in answer.quotes]
    if ok and q.intent == "todo":
        want = sorted(q.areas) if q.areas else sorted(e.area for e in entries if e.todo)
        ok = sorted(areas) == want and all(x.todo and x.text == "" for x in answer.quotes)
        why = f"areas {sorted(areas)}"
    elif ok and q.intent == "compare":
        levels = [x.entry.level for x in answer.quotes]
        ok = bool(areas) and all(_norm(a) == _norm(q.area or areas[0]) for a in areas)
        ok = ok and all(any(_norm(w) == _norm(lv) for lv in levels) for w in q.levels)
        why = f"quotes {list(zip(areas, levels, strict=True))}"
    elif ok and q.intent == "level":
        levels = {x.entry.level for x in answer.quotes}
        want_n = sum(1 for e in entries if e.kind == "level" and _norm(e.level) == _norm(q.level or "")
                     and (not q.craft or _norm(q.craft) in _norm(e.craft)))
        ok = levels == {q.level} and len(answer.quotes) == want_n
        why = f"{len(answer.quotes)} quotes of {sorted(levels)}, want {want_n}"
    return IntentResult(q.ask, q.intent or "", got, ok, why)


def evaluate(
    sets: list[QuestionSet],
    embedder: Embedder,
    index_dir_for: Callable[[QuestionSet], Path | None] = lambda s: None,
    more: MoreSamples | None = None,
) -> Report:
    """Every figure of `careerfw eval` on `sets`; `more`: rows the fitted ranker is also fitted on (and
    left out with their framework), as `fit_samples` collects them."""
    raw: dict[str, list[tuple[Question, list[Entry], float]]] = {"dense": [], "bm25": [], "rrf": []}
    shipped = SystemScore("hybrid (shipped)")
    intents: list[IntentResult] = []
    failures: list[str] = []
    flagged = [0, 0]
    done: list[tuple[str, int, int]] = []
    skipped: list[str] = []
    baseline_right: dict[str, dict[str, list[bool]]] = {"dense": {}, "bm25": {}, "rrf": {}}
    # The fitted ranker: each question's candidates with their features, and the answerers to ask again
    # once a model is fitted without each framework.
    samples: list[fitting.Sample] = []
    opened: list[tuple[QuestionSet, Answerer, str]] = []
    shipped_per: dict[str, tuple[list[Outcome], list[bool]]] = {}
    for qs, answerer, framework in _opened(sets, embedder, index_dir_for, samples, skipped):
        entries = answerer.entries
        dense = DenseRanker(answerer.index)
        lexical = LexicalRanker(answerer.index)
        ranker = answerer.ranker
        opened.append((qs, answerer, framework))
        for q in qs.questions:
            vector = embedder.encode_query(" ".join(q.ask.split()))
            fixed = ranker.structure.corrected(" ".join(q.ask.split()))
            hits = {"dense": dense.rank(vector, RANK_DEPTH), "bm25": lexical.rank(q.ask, RANK_DEPTH),
                    "rrf": ranker.rank(fixed, embedder.encode_query(fixed), RANK_DEPTH, fusion=rrf).hits}
            for name, found in hits.items():
                ranked = [entries[h.entry] for h in found]
                raw[name].append((q, ranked, found[0].score if found else 0.0))
                if not q.off_topic:
                    baseline_right[name].setdefault(framework, []).append(_rank_of(q, ranked) == 1)
            on = not q.off_topic
            answer = answerer.ask(q.ask, limit=RANK_DEPTH)
            ranked = [x.entry for x in (answer.quotes or answer.suggestions)]
            outcome = Outcome(_rank_of(q, ranked), answer.confident)
            (shipped.on_topic if on else shipped.off_topic).append(outcome)
            shipped_per.setdefault(framework, ([], []))[0].append(outcome)
            shipped_per[framework][1].append(q.off_topic)
            if q.todo:
                flagged[1] += 1
                if answer.confident and answer.todo and answer.message and "TODO" not in answer.quotes[0].text:
                    flagged[0] += 1
            if on and (outcome.rank != 1 or not outcome.confident):
                top = ranked[0] if ranked else None
                where = f"{top.area} @ {top.level}" if top else "nothing"
                failures.append(
                    f"[{qs.name}] {q.ask!r}: rank {outcome.rank}, confident {outcome.confident}, top {where}"
                )
            if not on and outcome.confident:
                failures.append(f"[{qs.name}] off-topic answered: {q.ask!r} -> {ranked[0].area if ranked else ''}")
        for q in qs.intents:
            intents.append(_check_intent(q, answerer.ask(q.ask, limit=RANK_DEPTH), entries))
        done.append((qs.name, sum(not q.off_topic for q in qs.questions), sum(q.off_topic for q in qs.questions)))
    # The floor: each baseline's confidence is its best threshold on its top score over these very questions.
    baselines = []
    for name, label in (("dense", "dense only"), ("bm25", "BM25 only"), ("rrf", "hybrid, RRF fusion")):
        cut = _calibrated([(top, not q.off_topic) for q, _, top in raw[name]])
        score = SystemScore(label, note=f"threshold {cut:.3f}, best on these questions")
        for q, ranked, top in raw[name]:
            outcome = Outcome(_rank_of(q, ranked), top >= cut and top > 0)
            (score.off_topic if q.off_topic else score.on_topic).append(outcome)
        baselines.append(score)
    for i in intents:
        if not i.ok:
            failures.append(f"intent {i.question!r}: want {i.expected}, got {i.got} {i.why}")
    rows = [FrameworkRow(name, _pooled(*shipped_per[name]), *(_share(baseline_right[b].get(name, []))
                                                              for b in ("dense", "bm25", "rrf")))
            for name in sorted(shipped_per)]
    fitted_pooled = fitted_model = in_sample = None
    samples, rounds = settled(samples, _firsts(opened), more)
    if samples and any(s.usable for s in samples):
        held = fitting.leave_one_out(samples)
        every: list[Outcome] = []
        offs: list[bool] = []
        per: dict[str, tuple[list[Outcome], list[bool]]] = {}
        for qs, answerer, framework in opened:
            if framework not in held:
                continue
            tuned = answerer.tuned(model=held[framework])
            for q in qs.questions:
                o = _asked(tuned, q)
                per.setdefault(framework, ([], []))[0].append(o)
                per[framework][1].append(q.off_topic)
                every.append(o)
                offs.append(q.off_topic)
        for row in rows:
            if row.name in per:
                row.fitted_held_out = _pooled(*per[row.name])
        fitted_pooled = _pooled(every, offs) if every else None
        fitted_model = fitting.rounded(fitting.fit_model(samples))
        mine = [(_asked(answerer.tuned(model=fitted_model), q), q.off_topic) for qs, answerer, _ in opened
                for q in qs.questions]
        in_sample = _pooled([o for o, _ in mine], [x for _, x in mine])
    return Report(done, skipped, [*baselines, shipped], intents, (flagged[0], flagged[1]), failures, rows,
                  fitted_pooled, fitted_model, in_sample, [qs.path for qs in sets if qs.available], rounds)


def framework_labels(sets: list[QuestionSet]) -> dict[Path, str]:
    """One name per content folder: the shortest name among its sets ("monzo" for monzo, monzo-holdout)."""
    names: dict[Path, str] = {}
    for qs in sets:
        if qs.content not in names or len(qs.name) < len(names[qs.content]):
            names[qs.content] = qs.name
    return names


def _share(values: list[bool]) -> float:
    return sum(values) / len(values) if values else float("nan")


def render(report: Report) -> str:
    lines: list[str] = []
    sets = ", ".join(f"{n} ({a} on-topic, {b} off-topic)" for n, a, b in report.sets)
    lines.append(f"question sets: {sets or 'none'}")
    for s in report.skipped:
        lines.append(f"skipped: {s}")
    lines.append("")
    header = f"{'system':<24} {'top-1':>6} {'top-3':>6} {'MRR':>6} {'refused':>8} {'answered':>9}"
    lines.append(header)
    lines.append("-" * len(header))
    for s in report.systems:
        lines.append(
            f"{s.name:<24} {s.top1:>6.3f} {s.top3:>6.3f} {s.mrr:>6.3f} {s.refused:>8.3f} {s.answered:>9.3f}"
        )
    lines.append("")
    lines.append("top-1/top-3/MRR over on-topic questions (TODO ones included), depth 10; refused: share of")
    lines.append("off-topic questions answered confident: false; answered: share of on-topic ones answered.")
    for s in report.systems:
        if s.note:
            lines.append(f"confidence of {s.name}: {s.note}")
    if report.frameworks:
        lines.append("")
        lines.append("per framework: shipped (the fitted ranker and gate); fit LOFO: fitted on the other frameworks "
                     "only, scored on this one; top-1 of the floor (RRF) and the single signals")
        head = (f"{'framework':<14} {'on':>3} {'off':>3} | {'shipped':>7} {'answd':>6} {'refsd':>6} | "
                f"{'fit LOFO':>8} {'answd':>6} {'refsd':>6} | {'RRF':>6} {'dense':>6} {'BM25':>6} | {'ship-RRF':>8}")
        lines.append(head)
        lines.append("-" * len(head))

        def trio(sc: Scores | None, width: int) -> str:
            if sc is None:
                return f"{'-':>{width}} {'-':>6} {'-':>6}"
            return f"{sc.top1:>{width}.3f} {sc.answered:>6.3f} {sc.refused:>6.3f}"

        for f in report.frameworks:
            lines.append(f"{f.name:<14} {f.shipped.on_topic:>3} {f.shipped.off_topic:>3} | {trio(f.shipped, 7)} | "
                         f"{trio(f.fitted_held_out, 8)} | {f.rrf_top1:>6.3f} "
                         f"{f.dense_top1:>6.3f} {f.bm25_top1:>6.3f} | {f.over_rrf:>+8.3f}")
        shipped = report.system("hybrid (shipped)")
        rrf = report.system("hybrid, RRF fusion")
        lines.append(f"{'all':<14} {len(shipped.on_topic):>3} {len(shipped.off_topic):>3} | {trio(_of(shipped), 7)} | "
                     f"{trio(report.fitted_pooled, 8)} | {rrf.top1:>6.3f} {report.system('dense only').top1:>6.3f} "
                     f"{report.system('BM25 only').top1:>6.3f} | {shipped.top1 - rrf.top1:>+8.3f}")
        if report.fitted_in_sample:
            lines.append(f"fitted ranker on every framework, in sample: {trio(report.fitted_in_sample, 5).strip()} "
                         "(top-1, answered, refused)")
        if report.settle_rounds:
            lines.append(f"conversation turns fitted with the contexts of the model fitted: settled in "
                         f"{report.settle_rounds} round{'s' if report.settle_rounds > 1 else ''}")
    ok = sum(i.ok for i in report.intents)
    lines.append(f"intents (shipped): {ok}/{len(report.intents)} right; TODO best matches flagged: "
                 f"{report.todo_flagged[0]}/{report.todo_flagged[1]}")
    if report.failures:
        lines.append("")
        lines.append("shipped misses:")
        lines.extend(f"  {f}" for f in report.failures)
    return "\n".join(lines) + "\n"


def default_sets(repo: Path) -> list[Path]:
    return sorted((repo / "tests" / "eval").glob("*.yaml"))


def fitting_sets(repo: Path) -> list[Path]:
    """Every framework with questions: the default sets and the blind ones (all run blind once, now seen)."""
    return default_sets(repo) + sorted((repo / "tests" / "eval" / "blind").glob("*.yaml"))


def write_fitted(report: Report, path: Path, repo: Path, conversations: Sequence[Path] = ()) -> Model:
    """Write the fitted ranker's constants, fitted on every framework of the report (and the later turns of
    `conversations`), with what they were fitted on and the left-out figures, as index/ranking.py reads them.
    Returns the model written."""
    if report.fitted_model is None:
        raise ValueError("nothing to fit: no question set with questions whose right entry is a candidate")
    try:
        commit = subprocess.run(["git", "-C", str(repo), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, check=True, timeout=30).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        commit = None

    def rel(p: Path) -> str:
        try:
            return str(p.resolve().relative_to(repo.resolve()))
        except ValueError:
            return str(p)

    provenance = {
        "command": "careerfw eval --fit",
        "commit": commit,
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "sets": [rel(p) for p in report.paths],
        "conversations": [rel(p) for p in conversations],
        "held_out": {f.name: _scores_dict(f.fitted_held_out) for f in report.frameworks if f.fitted_held_out},
        "pooled_held_out": _scores_dict(report.fitted_pooled),
        "in_sample": _scores_dict(report.fitted_in_sample),
        "settle_rounds": report.settle_rounds,
    }
    model = replace(report.fitted_model, fitted=provenance)
    path.write_text(json.dumps(model.to_json(), indent=1) + "\n", "utf-8")
    return model


# The targets, on figures where nothing was fitted on the framework being scored.
LOFO_TOP1 = 0.90  # every framework, left out
FLOOR_TOP1 = 0.85  # no framework below, shipped or left out
REFUSED = 0.95  # off-topic questions refused, all frameworks held out
ANSWERED = 0.95  # on-topic questions answered, all frameworks held out
BASELINE_MARGIN = 0.10  # pooled top-1 above the better of dense-only and BM25-only


def targets_met(report: Report) -> dict[str, bool]:
    shipped = report.system("hybrid (shipped)")
    best_baseline = max(report.system("dense only").top1, report.system("BM25 only").top1)
    out = {f"top1 >= best baseline + {BASELINE_MARGIN:.2f}": shipped.top1 >= best_baseline + BASELINE_MARGIN}
    held = [f.fitted_held_out for f in report.frameworks if f.fitted_held_out]
    if held:
        out[f"left-out top1 >= {LOFO_TOP1:.2f} on every framework"] = all(h.top1 >= LOFO_TOP1 for h in held)
        out[f"no framework below {FLOOR_TOP1:.2f}"] = all(
            min(f.shipped.top1, f.fitted_held_out.top1 if f.fitted_held_out else 1.0) >= FLOOR_TOP1
            for f in report.frameworks)
    pooled = report.fitted_pooled
    refused = pooled.refused if pooled else shipped.refused
    answered = pooled.answered if pooled else shipped.answered
    out[f"refused >= {REFUSED:.2f}"] = bool(np.isnan(refused) or refused >= REFUSED)
    out[f"answered >= {ANSWERED:.2f}"] = bool(answered >= ANSWERED)
    return out
