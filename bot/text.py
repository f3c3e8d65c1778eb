"""Answers as plain text for a terminal (ask, chat, nudge dry runs)."""

from __future__ import annotations

import textwrap

from index.answer import Answer, Quote
from index.entry import Entry


def citation(entry: Entry) -> str:
    parts = [entry.framework, entry.craft, entry.level, entry.section, entry.area]
    return " › ".join(p for p in parts if p)


def _quote_block(quote: Quote, width: int) -> list[str]:
    lines: list[str] = []
    if quote.todo:
        lines.append("  (not written yet: the framework marks this area TODO)")
    else:
        for para in quote.text.split("\n\n"):
            lines.extend("  > " + line for line in textwrap.wrap(para, width - 4) or [""])
            lines.append("  >")
        lines.pop()
        if not quote.complete:
            lines.append("  (part of the cell; the whole text is at the source below)")
    where = quote.url or quote.entry.source
    lines.append(f"  — {citation(quote.entry)}  [{where}; {quote.entry.source}]")
    return lines


def render_answer(answer: Answer, width: int = 100) -> str:
    lines: list[str] = []
    if answer.truncated:
        lines.append("(Your question was cut to its first 1,000 characters.)")
    if answer.message:
        lines.append(answer.message)
    if answer.quotes:
        for i, quote in enumerate(answer.quotes):
            if i == 1 and answer.intent == "lookup":
                lines.append("Also relevant:")
            lines.extend(_quote_block(quote, width))
            lines.append("")
    if answer.suggestions:
        lines.append("Did you mean:")
        for s in answer.suggestions:
            lines.append(f"  - {s.entry.area} ({citation(s.entry)})")
    return "\n".join(lines).rstrip() + "\n"


def render_todo(entries: list[Entry]) -> str:
    if not entries:
        return "Every area is filled in: nothing is marked TODO.\n"
    lines = [f"{len(entries)} area(s) still TODO:"]
    for e in entries:
        lines.append(f"  - {e.area} — {e.level} ({e.craft}) [{e.source}]")
    return "\n".join(lines) + "\n"
