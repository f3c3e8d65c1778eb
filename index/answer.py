"""The one question-to-answer API every front end uses.

    answerer = Answerer.open(content_dir)          # loads model and index (building it if needed)
    answer = answerer.ask("what does Head of ML own?")
    answer.confident, answer.quotes[0].text, answer.to_json()

Answers only ever carry framework text verbatim; anything the bot says in its own words (no match,
not written yet) is a separate `message`, never mixed into a quote.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from index.embedder import Embedder
from index.entry import Entry
from index.search import DenseRanker, Hit
from index.store import BuildReport, LoadedIndex, ensure_index

Intent = Literal["lookup", "todo", "compare", "level", "area", "empty"]

MAX_QUESTION_CHARS = 1000
NOT_WRITTEN = "This expectation has not been written yet: the framework marks it TODO."
NO_MATCH = "The framework has no good match for that question."
# Dense cosine below which nothing in the framework answers the question.
DENSE_CONFIDENCE = 0.30


@dataclass(frozen=True)
class Quote:
    entry: Entry
    text: str  # the quoted framework text, verbatim ("" for a TODO entry)
    score: float
    complete: bool  # True when `text` is the whole cell; False when only its relevant paragraphs
    url: str | None

    @property
    def todo(self) -> bool:
        return self.entry.todo

    @property
    def rest(self) -> str:
        """The rest of the cell when only part is quoted ("one click away")."""
        return "" if self.complete else self.entry.description

    def to_json(self) -> dict[str, Any]:
        e = self.entry
        return {
            "text": self.text,
            "area": e.area,
            "level": e.level,
            "craft": e.craft,
            "framework": e.framework,
            "section": e.section,
            "url": self.url,
            "source": e.source,
            "todo": e.todo,
            "score": round(self.score, 4),
            "complete": self.complete,
            "role": e.role,
        }


@dataclass(frozen=True)
class Answer:
    question: str
    intent: Intent
    confident: bool
    quotes: list[Quote] = field(default_factory=list)  # ranked; empty when not confident
    suggestions: list[Quote] = field(default_factory=list)  # nearest areas when not confident
    message: str | None = None  # the bot's own words: no match, not written yet, question cut
    truncated: bool = False

    @property
    def todo(self) -> bool:
        return bool(self.quotes) and self.quotes[0].todo

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "confident": self.confident,
            "intent": self.intent,
            "todo": self.todo,
            "message": self.message,
            "answers": [q.to_json() for q in self.quotes],
            "suggestions": [q.to_json() for q in self.suggestions],
        }


def quote_for(entry: Entry, score: float, paragraphs: tuple[int, ...], site_url: str | None) -> Quote:
    if entry.todo:
        return Quote(entry, "", score, True, entry.url(site_url))
    paras = entry.paragraphs
    chosen = [paras[i] for i in sorted(set(paragraphs)) if 0 <= i < len(paras)]
    if not chosen or len(chosen) == len(paras):
        return Quote(entry, entry.description, score, True, entry.url(site_url))
    return Quote(entry, "\n\n".join(chosen), score, False, entry.url(site_url))


class Answerer:
    """Holds one loaded index and the model; safe to share between threads."""

    def __init__(self, index: LoadedIndex, embedder: Embedder, site_url: str | None = None) -> None:
        self.embedder = embedder
        self.site_url = site_url
        self._lock = threading.Lock()
        self._install(index)

    def _install(self, index: LoadedIndex) -> None:
        ranker = DenseRanker(index)
        # One assignment swaps index and ranker together; a question in flight keeps the pair it took.
        self._state = (index, ranker)

    @classmethod
    def open(
        cls,
        content_dir: Path,
        index_dir: Path | None = None,
        model: str | None = None,
        site_url: str | None = None,
        embedder: Embedder | None = None,
        progress: bool | None = None,
    ) -> Answerer:
        embedder = embedder or Embedder(model)
        index, _ = ensure_index(content_dir, index_dir, embedder, progress=progress)
        return cls(index, embedder, site_url)

    @property
    def index(self) -> LoadedIndex:
        return self._state[0]

    @property
    def entries(self) -> list[Entry]:
        return self._state[0].entries

    def reload(self, content_dir: Path, index_dir: Path | None = None) -> BuildReport | None:
        """Rebuild if stale and swap the new index in while serving."""
        with self._lock:
            index, report = ensure_index(content_dir, index_dir, self.embedder, progress=False)
            self._install(index)
            return report

    def todo(self) -> list[Entry]:
        return [e for e in self.entries if e.todo]

    def warm(self) -> None:
        """Load the model and run one query so the first real question is not the slow one."""
        self.embedder.encode_query("warm up")

    def ask(self, question: str, limit: int = 3) -> Answer:
        question = " ".join(question.split())
        truncated = len(question) > MAX_QUESTION_CHARS
        question = question[:MAX_QUESTION_CHARS]
        if not question:
            return Answer(question, "empty", False, message="Ask a question about the framework.")
        index, ranker = self._state
        hits = ranker.rank(self.embedder.encode_query(question), limit=max(limit, 5))
        quotes = [self._quote(index, h) for h in hits]
        if not quotes or quotes[0].score < DENSE_CONFIDENCE:
            return Answer(question, "lookup", False, suggestions=quotes[:limit], message=NO_MATCH,
                          truncated=truncated)
        best = quotes[:limit]
        message = NOT_WRITTEN if best[0].todo else None
        return Answer(question, "lookup", True, quotes=best, message=message, truncated=truncated)

    def explain(self, entry_id: str, question: str | None = None) -> Answer:
        """The answer for one named area (a "Did you mean" choice), quoting its whole cell."""
        index, _ = self._state
        for entry in index.entries:
            if entry.id == entry_id:
                quote = quote_for(entry, 1.0, (), self.site_url)
                return Answer(
                    question or entry.area, "area", True, quotes=[quote],
                    message=NOT_WRITTEN if entry.todo else None,
                )
        return Answer(question or "", "area", False, message="That area is no longer in the framework.")

    def _quote(self, index: LoadedIndex, hit: Hit) -> Quote:
        return quote_for(index.entries[hit.entry], hit.score, hit.paragraphs, self.site_url)
