"""What a framework's careerfw.yaml is worth (docs/evaluation.md): its question sets asked with the
glossary and again without it, on the same loaded index.

The glossary is content, not code (index/glossary.py): a company's titles, synonyms and redirects. So
its effect is measured per framework rather than assumed: top-1, answered and refused as the shipped
row counts them, the intents, and the questions whose outcome the glossary changed, for reading.
Frameworks without a careerfw.yaml (every set in tests/eval/) get no row and cost nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from careerfw_tools.evaluate import RANK_DEPTH, QuestionSet, _check_intent, _rank_of, framework_labels
from index import Answer, Answerer, Embedder, Glossary, load_glossary


@dataclass
class Figures:
    right: list[bool] = field(default_factory=list)  # on-topic: the right cell first
    answered: list[bool] = field(default_factory=list)  # on-topic: confident
    refused: list[bool] = field(default_factory=list)  # off-topic (and redirects): not confident
    intents: list[bool] = field(default_factory=list)

    @staticmethod
    def _share(values: list[bool]) -> float:
        return sum(values) / len(values) if values else float("nan")

    def as_dict(self) -> dict[str, Any]:
        return {"top1": round(self._share(self.right), 4), "answered": round(self._share(self.answered), 4),
                "refused": round(self._share(self.refused), 4),
                "intents": {"correct": sum(self.intents), "total": len(self.intents)}}


@dataclass
class GlossaryWorth:
    framework: str
    lines: int  # titles, synonyms and redirects in the file
    with_glossary: Figures
    without: Figures
    changed: list[str]  # questions the glossary turned right or wrong

    def as_dict(self) -> dict[str, Any]:
        return {"framework": self.framework, "lines": self.lines, "with": self.with_glossary.as_dict(),
                "without": self.without.as_dict(), "changed": self.changed}


def _outcome(q: Any, answer: Answer) -> tuple[bool, bool]:
    """(right, confident) as the shipped row counts them."""
    ranked = [x.entry for x in (answer.quotes or answer.suggestions)]
    return (not q.off_topic and _rank_of(q, ranked) == 1), answer.confident


def glossary_worth(
    sets: list[QuestionSet], embedder: Embedder, index_dir_for: Callable[[QuestionSet], Path | None] = lambda s: None,
) -> list[GlossaryWorth]:
    """One row per framework among `sets` whose content folder has a glossary."""
    label = framework_labels(sets)
    rows: dict[Path, GlossaryWorth] = {}
    for qs in sets:
        if not qs.available:
            continue
        glossary = load_glossary(qs.content)
        if not glossary:
            continue
        answerer = Answerer.open(qs.content, index_dir_for(qs), embedder=embedder, progress=False)
        row = rows.setdefault(qs.content, GlossaryWorth(label[qs.content], glossary.lines, Figures(), Figures(), []))
        plain = answerer.with_glossary(Glossary())
        for q in qs.questions:
            outcomes = []
            for asker, figures in ((answerer, row.with_glossary), (plain, row.without)):
                right, confident = _outcome(q, asker.ask(q.ask, limit=RANK_DEPTH))
                if q.off_topic:
                    figures.refused.append(not confident)
                else:
                    figures.right.append(right)
                    figures.answered.append(confident)
                outcomes.append(not confident if q.off_topic else right and confident)
            if outcomes[0] != outcomes[1]:
                row.changed.append(f"{'right' if outcomes[0] else 'wrong'} with the glossary, "
                                   f"{'right' if outcomes[1] else 'wrong'} without: {q.ask!r}")
        for q in qs.intents:
            for asker, figures in ((answerer, row.with_glossary), (plain, row.without)):
                figures.intents.append(_check_intent(q, asker.ask(q.ask, limit=RANK_DEPTH), answerer.entries).ok)
    return list(rows.values())


def render(rows: list[GlossaryWorth]) -> str:
    if not rows:
        return ""
    lines = ["", "careerfw.yaml: each framework's questions with its glossary and without it"]
    head = f"{'framework':<14} {'lines':>5} {'':<8} {'top-1':>6} {'answd':>6} {'refsd':>6} {'intents':>8}"
    lines += [head, "-" * len(head)]
    for row in rows:
        for name, f in (("with", row.with_glossary), ("without", row.without)):
            d = f.as_dict()
            first = f"{row.framework:<14} {row.lines:>5}" if name == "with" else f"{'':<14} {'':>5}"
            lines.append(f"{first} {name:<8} {d['top1']:>6.3f} {d['answered']:>6.3f} {d['refused']:>6.3f} "
                         f"{d['intents']['correct']:>4}/{d['intents']['total']:<3}")
        lines += [f"  {c}" for c in row.changed]
    return "\n".join(lines) + "\n"
