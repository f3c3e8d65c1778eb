"""The answer view, help and TODO list as plain text for a terminal (ask, chat) and for fallbacks."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable

from bot.view import (
    ALSO_RELEVANT,
    CHOOSE,
    DID_YOU_MEAN,
    NOT_WRITTEN_YET,
    AnswerView,
    HelpView,
    QuoteGroup,
    answer_view,
    citation,
)
from index import Answer, Entry, Quote, Span, pieces

# Around words new against the other level, as `git diff --word-diff=plain` marks them: visible in any
# terminal and in a pasted log, and the text between the marks is the framework's, unchanged.
NEW_OPEN, NEW_CLOSE = "{+", "+}"


def marked(text: str, quote: Quote) -> str:
    """`text` (the quote's text) with its new words between {+ and +}."""
    return _marks(text, quote.new_words) if quote.new_words else text


def _marks(text: str, spans: tuple[Span, ...]) -> str:
    return "".join(f"{NEW_OPEN}{piece}{NEW_CLOSE}" if new else piece for piece, new in pieces(text, spans))


def _cite(quote: Quote) -> str:
    where = quote.url or quote.entry.source
    return f"  — {citation(quote.entry)}  [{where}; {quote.entry.source}]"


def _quote_block(quote: Quote, width: int, also: QuoteGroup | None = None) -> list[str]:
    lines: list[str] = []
    if quote.todo:
        lines.append(f"  ({NOT_WRITTEN_YET})")
    else:
        for para in marked(quote.text, quote).split("\n\n"):
            # Wrapped at spaces only: a hyphenated word stays whole inside its marks.
            lines.extend("  > " + line for line in textwrap.wrap(para, width - 4, break_on_hyphens=False) or [""])
            lines.append("  >")
        lines.pop()
        if not quote.complete:
            lines.append("  (part of the cell; the whole text is at the source below)")
    if also is not None and also.shared:
        lines.append(f"  ({also.shared})")
    lines.extend(_cite(q) for q in (also.quotes if also is not None else (quote,)))
    return lines


def _groups_block(groups: tuple[QuoteGroup, ...], width: int) -> list[str]:
    lines: list[str] = []
    for group in groups:
        lines.extend(_quote_block(group.quote, width, group))
        lines.append("")
    return lines


def render_answer(answer: Answer, width: int = 100, whole: bool = False) -> str:
    """The answer as plain text, never cut. A checklist names the areas whose text did not change on
    one line unless `whole` (`--all`) lists each of them in full."""
    return render_view(answer_view(answer), width, whole)


def render_view(view: AnswerView, width: int = 100, whole: bool = False) -> str:
    """`render_answer` of a view: also one part of an answer sent as several messages (AnswerView.part)."""
    lines = [f"({note})" for note in view.notes]
    if view.carried:
        lines.append(f"({view.carried})")
    if view.message:
        lines.append(view.message)
    for craft, levels in view.levels:
        lines.append(f"{craft}:")
        for n, level in enumerate(levels, start=1):
            where = level.url(view.site_url) or level.source
            lines.append(f"  {n}. {level.title}  [{where}; {level.source}]")
    if view.legend is not None:
        lines.append(f"({_marks(view.legend.text, view.legend.sample)})")
    checklist = view.shown_checklist(whole)
    if checklist is not None:
        # A plain list to work through: one box per area, the target level's text under it.
        for item in checklist.items:
            lines.append(f"[ ] {item.quote.entry.area} ({item.mark})")
            lines.extend(_quote_block(item.quote, width))
            lines.append("")
        if checklist.same_line:
            lines.append(f"{checklist.same_line}. (`--all` quotes them too.)")
        return "\n".join(lines).rstrip() + "\n"
    if view.side_by_side:
        for quote in view.main:
            lines.extend(_quote_block(quote, width))
            lines.append("")
    else:
        lines.extend(_groups_block(view.main_groups, width))
    if view.also_groups:
        lines.append(f"{ALSO_RELEVANT}:")
        lines.extend(_groups_block(view.also_groups, width))
    if view.suggestions:
        lines.append(DID_YOU_MEAN)
        for entry in view.suggestions:
            lines.append(f"  - {entry.area} ({citation(entry)})")
    if view.choices:
        lines.append(CHOOSE)
        for choice in view.choices:
            lines.append(f"  - {choice.label}: ask \"{choice.question}\"")
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


def _pieces(text: str, pattern: str) -> list[str]:
    return [p for p in re.split(pattern, text) if p.strip()]


def split_text(text: str, render: Callable[[str], str | bytes], limit: int) -> list[str]:
    """Split `text` into pieces whose rendering fits `limit`, breaking at paragraphs, then sentences,
    then spaces; only a single unbroken run longer than the limit is cut mid-word. Shared by the Slack
    sections (3,000 characters of mrkdwn) and Teams cards (bytes of a card)."""
    if len(render(text)) <= limit:
        return [text]
    joiner = " "
    for pattern, sep in ((r"\n\n", "\n\n"), (r"(?<=[.!?;:])\s+", " "), (r"\s+", " ")):
        units = _pieces(text, pattern)
        if len(units) > 1:
            joiner = sep
            break
    else:
        cut = max(1, limit // 2)
        amp = text.rfind("&", max(0, cut - 5), cut)
        if amp > 0 and ";" not in text[amp:cut]:  # never cut an escape like &amp; in two
            cut = amp
        return [text[:cut], *split_text(text[cut:], render, limit)]
    chunks: list[str] = []
    current = ""
    for unit in units:
        candidate = f"{current}{joiner}{unit}" if current else unit
        if len(render(candidate)) <= limit:
            current = candidate
            continue
        if current:
            chunks.append(current)
        if len(render(unit)) <= limit:
            current = unit
        else:  # one paragraph or sentence alone is too long: split it finer
            parts = split_text(unit, render, limit)
            chunks.extend(parts[:-1])
            current = parts[-1]
    if current:
        chunks.append(current)
    return chunks


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def for_terminal(text: str) -> str:
    """`text` safe to print to a terminal: control characters (escape sequences could clear the
    screen or set the window title) shown visibly as \\xNN instead of sent raw."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
