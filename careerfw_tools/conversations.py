"""Multi-turn retrieval quality: follow-up questions asked in conversations (index/followup.py).

A conversation set is a YAML file (tests/eval/conversations/*.yaml):

    name: monzo
    content: ../../../../shared/frameworks/monzo-engineering   # relative to the YAML file
    conversations:
      - id: backend-mastery
        turns:
          - ask: what does mastery look like for a level 3 backend engineer?
            craft: Backend          # the right cell: craft (substring), level, area, and/or
            level: Level 3          #   a verbatim phrase of it (expect)
            area: Mastery
            names_all: true         # the question names everything it needs on its own
          - ask: and at level 4?
            level: Level 4
            area: Mastery
            expect: a phrase of the Level 4 Mastery cell
            names_all: false        # a follow-up: right only with what the conversation said before
          - ask: what's the weather like?
            off_topic: true         # must be refused, even mid-conversation

Each turn is asked with the context the bot's own previous answer resolved (not the right one), as a
person would experience it. Figures, per framework (content folder) and pooled:

- follow-up top-1: turns with `names_all: false`, the right cell first;
- complete questions unchanged by context: turns after the first with `names_all: true` whose best
  answer with the conversation's context is the same entry as without it; and their top-1;
- off-topic follow-ups refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from careerfw_tools.evaluate import MoreSamples, Question, is_right, question_sample
from careerfw_tools.fitting import Sample
from index import Answer, Answerer, Context, Embedder, Entry
from index.ranking import Model

# Targets (issue 14).
FOLLOW_UP_TOP1 = 0.90
UNCHANGED = 0.98
RANK_DEPTH = 10


class ConversationSetError(ValueError):
    """A conversation set file is malformed; the message names the file and the conversation."""


@dataclass(frozen=True)
class Turn:
    question: Question
    names_all: bool


@dataclass
class ConversationSet:
    name: str
    path: Path
    content: Path
    conversations: list[tuple[str, list[Turn]]]

    @property
    def available(self) -> bool:
        return self.content.is_dir()


def is_conversation_set(path: Path) -> bool:
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError):
        return False
    return isinstance(data, dict) and "conversations" in data


def load_conversations(path: Path, content: Path | None = None) -> ConversationSet:
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConversationSetError(f"{path}: cannot read conversation set: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("conversations"), list) or (
            "content" not in data and content is None):
        raise ConversationSetError(f"{path}: a conversation set needs `content:` and `conversations:`")
    folder = content.resolve() if content is not None else (path.parent / str(data["content"])).resolve()
    conversations: list[tuple[str, list[Turn]]] = []
    for n, item in enumerate(data["conversations"], 1):
        ident = str(item.get("id", n)) if isinstance(item, dict) else str(n)
        turns = item.get("turns") if isinstance(item, dict) else None
        if not isinstance(turns, list) or not turns:
            raise ConversationSetError(f"{path}: conversation {ident} has no `turns:`")
        parsed: list[Turn] = []
        for t, turn in enumerate(turns, 1):
            if not isinstance(turn, dict) or not str(turn.get("ask", "")).strip():
                raise ConversationSetError(f"{path}: conversation {ident}, turn {t} has no `ask:`")
            q = Question(ask=str(turn["ask"]).strip(), expect=turn.get("expect"), area=turn.get("area"),
                         level=turn.get("level"), craft=turn.get("craft"), off_topic=bool(turn.get("off_topic")))
            if not (q.off_topic or q.expect or q.area):
                raise ConversationSetError(
                    f"{path}: conversation {ident}, turn {t} ({q.ask!r}) says neither what is right nor off_topic")
            parsed.append(Turn(q, bool(turn.get("names_all", False))))
        conversations.append((ident, parsed))
    return ConversationSet(str(data.get("name") or path.stem), path, folder, conversations)


@dataclass
class ConversationScores:
    """One framework's (or every framework's) multi-turn figures."""

    name: str
    follow_up: list[bool] = field(default_factory=list)  # right cell first, per names_all: false turn
    complete_unchanged: list[bool] = field(default_factory=list)  # per later names_all: true turn
    complete_right: list[bool] = field(default_factory=list)
    off_topic_refused: list[bool] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)

    @staticmethod
    def _share(values: list[bool]) -> float:
        return sum(values) / len(values) if values else float("nan")

    @property
    def follow_up_top1(self) -> float:
        return self._share(self.follow_up)

    @property
    def unchanged(self) -> float:
        return self._share(self.complete_unchanged)

    @property
    def complete_top1(self) -> float:
        return self._share(self.complete_right)

    @property
    def refused(self) -> float:
        return self._share(self.off_topic_refused)

    def add(self, other: ConversationScores) -> None:
        self.follow_up += other.follow_up
        self.complete_unchanged += other.complete_unchanged
        self.complete_right += other.complete_right
        self.off_topic_refused += other.off_topic_refused
        self.misses += other.misses

    def as_dict(self) -> dict[str, Any]:
        def r(x: float) -> float | None:
            return None if x != x else round(x, 4)

        return {"framework": self.name, "follow_ups": len(self.follow_up), "follow_up_top1": r(self.follow_up_top1),
                "complete_later": len(self.complete_unchanged), "unchanged": r(self.unchanged),
                "complete_top1": r(self.complete_top1), "off_topic": len(self.off_topic_refused),
                "off_topic_refused": r(self.refused)}


@dataclass
class ConversationReport:
    sets: list[tuple[str, int, int]]  # name, conversations, turns
    skipped: list[str]
    frameworks: list[ConversationScores]
    pooled: ConversationScores

    def as_dict(self) -> dict[str, Any]:
        return {"sets": [{"name": n, "conversations": c, "turns": t} for n, c, t in self.sets],
                "skipped": self.skipped, "frameworks": [f.as_dict() for f in self.frameworks],
                "pooled": self.pooled.as_dict(), "targets": targets_met(self), "misses": self.pooled.misses}


def _ranked(answer: Answer) -> list[Entry]:
    return [q.entry for q in (answer.quotes or answer.suggestions)]


def _top_id(answer: Answer) -> str | None:
    ranked = _ranked(answer)
    return ranked[0].id if ranked else None


def _where(answer: Answer) -> str:
    ranked = _ranked(answer)
    if not ranked:
        return f"nothing ({answer.intent})"
    e = ranked[0]
    return f"{e.area} @ {e.level} ({e.craft}), {answer.intent}, carried {list(answer.carried) or 'nothing'}"


def score_conversations(answerer: Answerer, cs: ConversationSet, name: str) -> ConversationScores:
    out = ConversationScores(name)
    for ident, turns in cs.conversations:
        context: Context | None = None
        for n, turn in enumerate(turns):
            q = turn.question
            answer = answerer.ask(q.ask, limit=RANK_DEPTH, context=context)
            ranked = _ranked(answer)
            right = bool(ranked) and is_right(q, ranked[0])
            if q.off_topic:
                out.off_topic_refused.append(not answer.confident)
                if answer.confident:
                    out.misses.append(f"[{cs.name} {ident}#{n + 1}] off-topic answered: {q.ask!r} -> {_where(answer)}")
            elif not turn.names_all:
                out.follow_up.append(right)
                if not right:
                    out.misses.append(f"[{cs.name} {ident}#{n + 1}] follow-up {q.ask!r}: top {_where(answer)}")
            elif n > 0:
                alone = answerer.ask(q.ask, limit=RANK_DEPTH)
                same = _top_id(alone) == _top_id(answer)
                out.complete_unchanged.append(same)
                out.complete_right.append(right)
                if not same:
                    out.misses.append(f"[{cs.name} {ident}#{n + 1}] changed by context {q.ask!r}: "
                                      f"{_where(answer)} instead of {_where(alone)}")
            context = answer.context
    return out


def evaluate_conversations(
    sets: list[ConversationSet], embedder: Embedder,
    index_dir_for: Callable[[ConversationSet], Path | None] = lambda s: None,
) -> ConversationReport:
    done: list[tuple[str, int, int]] = []
    skipped: list[str] = []
    by_content: dict[Path, ConversationScores] = {}
    answerers: dict[Path, Answerer] = {}
    for cs in sets:
        if not cs.available:
            skipped.append(f"{cs.name} (no content at {cs.content})")
            continue
        if cs.content not in answerers:
            answerers[cs.content] = Answerer.open(cs.content, index_dir_for(cs), embedder=embedder, progress=False)
        scores = score_conversations(answerers[cs.content], cs, cs.name)
        if cs.content in by_content:
            by_content[cs.content].add(scores)
        else:
            by_content[cs.content] = scores
        done.append((cs.name, len(cs.conversations), sum(len(t) for _, t in cs.conversations)))
    pooled = ConversationScores("all")
    for scores in by_content.values():
        pooled.add(scores)
    return ConversationReport(done, skipped, sorted(by_content.values(), key=lambda s: s.name), pooled)


def targets_met(report: ConversationReport) -> dict[str, bool]:
    p = report.pooled
    return {
        f"follow-up top1 >= {FOLLOW_UP_TOP1:.2f}": bool(p.follow_up) and p.follow_up_top1 >= FOLLOW_UP_TOP1,
        f"complete unchanged >= {UNCHANGED:.2f}": bool(p.complete_unchanged) and p.unchanged >= UNCHANGED,
    }


def render(report: ConversationReport) -> str:
    lines = ["", "conversations (follow-ups asked with the context of the bot's own previous answer):"]
    sets = ", ".join(f"{n} ({c} conversations, {t} turns)" for n, c, t in report.sets)
    lines.append(f"conversation sets: {sets or 'none'}")
    lines.extend(f"skipped: {s}" for s in report.skipped)
    head = (f"{'framework':<14} {'follow-ups':>10} {'top-1':>6} | {'complete later':>14} {'unchanged':>9} "
            f"{'top-1':>6} | {'off-topic':>9} {'refused':>7}")
    lines.append(head)
    lines.append("-" * len(head))
    for s in [*report.frameworks, report.pooled]:
        lines.append(f"{s.name:<14} {len(s.follow_up):>10} {s.follow_up_top1:>6.3f} | {len(s.complete_unchanged):>14} "
                     f"{s.unchanged:>9.3f} {s.complete_top1:>6.3f} | {len(s.off_topic_refused):>9} {s.refused:>7.3f}")
    met = targets_met(report)
    lines.append("conversation targets: " + ", ".join(f"{k} {'met' if v else 'MISSED'}" for k, v in met.items()))
    if report.pooled.misses:
        lines.append("conversation misses:")
        lines.extend(f"  {m}" for m in report.pooled.misses)
    return "\n".join(lines) + "\n"


def default_conversation_sets(repo: Path) -> list[Path]:
    return sorted((repo / "tests" / "eval" / "conversations").glob("*.yaml"))


def fitting_conversation_sets(repo: Path) -> list[Path]:
    """Every conversation set, the blind ones included (run blind once, now seen): what the fit adds."""
    blind = repo / "tests" / "eval" / "blind" / "conversations"
    return default_conversation_sets(repo) + sorted(blind.glob("*.yaml"))


def turn_samples(answerer: Answerer, cs: ConversationSet, framework: str, model: Model) -> list[Sample]:
    """Every later turn of `cs` as the fitted ranker sees it: asked with the context the turn before left, and
    which candidates are right (none for an off-topic turn). The context is the one `answerer` resolves when it
    ranks and gates with `model`, the constants being fitted (`careerfw_tools/evaluate.py`, `settled`, asks
    again until the model fitted on the rows is the one that resolved their contexts)."""
    reader = answerer.tuned(model=Model.neutral())
    asker = answerer.tuned(model=model)
    out: list[Sample] = []
    for _, turns in cs.conversations:
        context: Context | None = None
        for n, turn in enumerate(turns):
            if n > 0:
                out.append(question_sample(turn.question, framework, reader, context))
            context = asker.ask(turn.question.ask, limit=RANK_DEPTH, context=context).context
    return out


def follow_up_samples(sets: list[ConversationSet]) -> MoreSamples:
    """`evaluate`'s extra rows for the fit: the later turns of the conversation sets asked of each framework,
    with the contexts a model leaves."""
    def more(content: Path, answerer: Answerer, framework: str, model: Model) -> list[Sample]:
        mine = [cs for cs in sets if cs.available and cs.content == content]
        return [s for cs in mine for s in turn_samples(answerer, cs, framework, model)]

    return more
