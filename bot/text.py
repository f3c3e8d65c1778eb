"""The answer view, help and TODO list as plain text for a terminal (ask, chat) and for fallbacks."""

from __future__ import annotations

import textwrap

from bot.view import ALSO_RELEVANT, DID_YOU_MEAN, NOT_WRITTEN_YET, HelpView, answer_view, citation
from index.answer import Answer, Quote
from index.entry import Entry


def _quote_block(quote: Quote, width: int) -> list[str]:
    lines: list[str] = []
    if quote.todo:
        lines.append(f"  ({NOT_WRITTEN_YET})")
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
    view = answer_view(answer)
    lines = [f"({note})" for note in view.notes]
    if view.message:
        lines.append(view.message)
    for quote in view.main:
        lines.extend(_quote_block(quote, width))
        lines.append("")
    if view.also_relevant:
        lines.append(f"{ALSO_RELEVANT}:")
        for quote in view.also_relevant:
            lines.extend(_quote_block(quote, width))
            lines.append("")
    if view.suggestions:
        lines.append(DID_YOU_MEAN)
        for entry in view.suggestions:
            lines.append(f"  - {entry.area} ({citation(entry)})")
    return "\n".join(lines).rstrip() + "\n"


def render_help(view: HelpView) -> str:
    lines = [view.intro, f'For example: "{view.example}"']
    lines.extend(f"- {way}" for way in view.ways_to_ask)
    lines.extend(f"- {word}: {what}" for word, what in view.commands)
    lines.append(view.promise)
    return "\n".join(lines)


def render_todo(entries: list[Entry]) -> str:
    if not entries:
        return "Every area is filled in: nothing is marked TODO.\n"
    lines = [f"{len(entries)} area(s) still TODO:"]
    for e in entries:
        lines.append(f"  - {e.area} — {e.level} ({e.craft}) [{e.source}]")
    return "\n".join(lines) + "\n"
