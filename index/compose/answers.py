"""What every composer returns: an answer of verbatim quotes, and the bot's own words beside them.

Answers only ever carry framework text verbatim; anything the bot says in its own words (no match,
not written yet) is a separate `message`, never mixed into a quote. `index.answer` re-exports these
names, which are the core's face (index/__init__.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from index import confidence
from index.entry import Entry, is_inclusion, is_label
from index.followup import Context
from index.glossary import GlossaryLine, Redirect
from index.levelorder import Level
from index.query import Query
from index.request import Request
from index.search import Ranking
from index.worddiff import Span

Intent = Literal[
    "lookup", "todo", "compare", "level", "choose", "area", "empty", "levels", "next", "previous", "missing_level",
    "checklist", "redirect",
]


NOT_WRITTEN = "This expectation has not been written yet."
NO_MATCH = "The framework has no good match for that question."


@dataclass(frozen=True)
class Quote:
    entry: Entry
    text: str  # the quoted framework text, verbatim ("" for a TODO entry)
    score: float
    complete: bool  # True when `text` is the whole cell; False when only its relevant paragraphs
    url: str | None
    # The words of `text` new against another level's text of the same area (a checklist's changed
    # area, the higher of two compared levels): offsets into `text` (index/worddiff.py), None when
    # the quote was compared with nothing. `new_against` names that other level.
    new_words: tuple[Span, ...] | None = None
    new_against: str | None = None

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
            "kind": e.entry_kind,
            "new_words": [list(span) for span in self.new_words] if self.new_words is not None else None,
            "new_against": self.new_against,
        }


@dataclass(frozen=True)
class Choice:
    """One way to narrow a question the framework answers several ways ("Level 3" in four crafts): a
    button label, the question it asks in words, and the same by the index's names (what a button
    carries, answered by `Answerer.answer_request` without parsing the words again)."""

    label: str
    question: str
    request: Request | None = None

    @classmethod
    def of(cls, label: str, request: Request) -> Choice:
        return cls(label, request.describe(), request)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"label": self.label, "question": self.question}
        if self.request is not None:
            out["request"] = self.request.to_json()
        return out


@dataclass(frozen=True)
class Checklist:
    """A promotion checklist: the target level's cells (the answer's quotes, in order), each marked by
    how it changed since the current level: "changed", "new" (no such area there) or "same"; led by the current
    level's own sections on moving up ("Getting to the next level"), marked "guide"."""

    current: str
    target: str
    craft: str
    changes: tuple[str, ...]

    def to_json(self, quotes: list[Quote]) -> dict[str, Any]:
        return {
            "from": self.current,
            "to": self.target,
            "craft": self.craft,
            "items": [{"area": q.entry.area, "change": c} for q, c in zip(quotes, self.changes, strict=True)],
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
    signals: confidence.Signals | None = None  # what the confidence gate saw (a lookup's best match)
    choices: list[Choice] = field(default_factory=list)  # intent "choose": which one the asker means
    # What this answer resolved, for the conversation's next question (index/followup.py), and which of
    # its facets came from the previous turn rather than the question itself.
    context: Context | None = None
    carried: tuple[str, ...] = ()
    levels: list[Level] = field(default_factory=list)  # levels the answer names (levels, next, missing_level)
    checklist: Checklist | None = None  # intent "checklist": how each quoted cell changed
    site_url: str | None = None  # for the levels' links in `to_json`
    # The careerfw.yaml lines that applied (index/glossary.py), and the admin's note that answered instead.
    glossary: tuple[GlossaryLine, ...] = ()
    redirect: Redirect | None = None
    # The request this answers when a button asked it (`Answerer.answer_request`): what a button that
    # gives the answer again ("Share in channel", "Send me this as a DM") carries, instead of its words.
    request: Request | None = None
    # How the question was read (index/query.py), the decision table's rows that gave the intent, and the
    # ranking the answer came from: what `careerfw ask --explain` shows. Not in `to_json`.
    query: Query | None = None
    fired: tuple[str, ...] = ()
    ranking: Ranking | None = None

    @property
    def todo(self) -> bool:
        return self.intent != "checklist" and bool(self.quotes) and self.quotes[0].todo

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "confident": self.confident,
            "intent": self.intent,
            "todo": self.todo,
            "message": self.message,
            "answers": [q.to_json() for q in self.quotes],
            "suggestions": [q.to_json() for q in self.suggestions],
            "choices": [c.to_json() for c in self.choices],
            "context": self.context.to_json() if self.context else None,
            "carried": list(self.carried),
            "levels": [lv.to_json(self.site_url) for lv in self.levels],
            "checklist": self.checklist.to_json(self.quotes) if self.checklist else None,
            "request": self.request.to_json() if self.request else None,
            "glossary": [g.to_json() for g in self.glossary],
            "redirect": self.redirect.to_json() if self.redirect else None,
        }


def quote_for(entry: Entry, score: float, paragraphs: tuple[int, ...], site_url: str | None) -> Quote:
    if entry.todo:
        return Quote(entry, "", score, True, entry.url(site_url))
    paras = entry.paragraphs
    picked = {i for i in paragraphs if 0 <= i < len(paras)}
    for i in sorted(picked):
        # A label is quoted with what it introduces, and a paragraph with the label that heads it.
        j = i
        while is_label(paras[j]) and j + 1 < len(paras):
            j += 1
            picked.add(j)
        if i > 0 and is_label(paras[i - 1]):
            picked.add(i - 1)
        # An "Includes: …" line only lists what the paragraph before it covers.
        k = i
        while k > 0 and is_inclusion(paras[k]):
            k -= 1
            picked.add(k)
    chosen = [paras[i] for i in sorted(picked)]
    if not chosen or len(chosen) == len(paras):
        return Quote(entry, entry.description, score, True, entry.url(site_url))
    return Quote(entry, "\n\n".join(chosen), score, False, entry.url(site_url))

