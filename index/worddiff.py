"""Which words of one verbatim text are new against another: the spans a checklist or a comparison of
two levels marks, so a reader sees what changed without a word of the framework being changed.

Spans are (start, end) character offsets into the newer text. Marking never edits the text: every
renderer cuts the text at the spans (`pieces`) and styles the new pieces, so the pieces joined are
the framework's text byte for byte. `careerfw ask --json` carries the spans as they are, for other
clients to render.
"""

from __future__ import annotations

import difflib
import re

Span = tuple[int, int]

_WORD = re.compile(r"\S+")
# Punctuation around a word ("work." at a sentence end, "(owns") is no change of wording.
_EDGES = "\"'()[]{}.,;:!?*_~`«»“”‘’"


def _key(word: str) -> str:
    stripped = word.strip(_EDGES)
    return (stripped or word).casefold()


def new_spans(before: str, after: str) -> tuple[Span, ...]:
    """The runs of words in `after` that are not in `before`, as offsets into `after`.

    A word-level diff (difflib on whitespace-separated words, compared without case and surrounding
    punctuation). Two new runs with only one or two old words between them ("I {write} the {technical
    strategy}") are one run: a rewritten sentence reads as rewritten, not as confetti of "the" and "and"
    left unmarked. A run never crosses a line break, so a renderer that styles line by line (a mrkdwn
    quote, a terminal) can style each span whole."""
    old = [_key(m.group()) for m in _WORD.finditer(before)]
    found = list(_WORD.finditer(after))
    matcher = difflib.SequenceMatcher(None, old, [_key(m.group()) for m in found], autojunk=False)
    runs: list[list[int]] = []  # [first, last + 1] word indices into `found`
    for tag, _, _, j1, j2 in matcher.get_opcodes():
        if tag not in ("replace", "insert"):
            continue
        if runs and j1 - runs[-1][1] <= MERGE_GAP and not _breaks(after, found, runs[-1][1] - 1, j1):
            runs[-1][1] = j2
        else:
            runs.append([j1, j2])
    spans: list[Span] = []
    for j1, j2 in runs:
        start = found[j1].start()
        for j in range(j1, j2):
            if j + 1 == j2 or _breaks(after, found, j, j + 1):
                spans.append((start, found[j].end()))
                if j + 1 < j2:
                    start = found[j + 1].start()
    return tuple(spans)


# Old words between two new runs that are still read as part of one change.
MERGE_GAP = 2


def _breaks(text: str, found: list[re.Match[str]], i: int, j: int) -> bool:
    """Whether a line break lies between word i and word j."""
    return "\n" in text[found[i].end():found[j].start()]


def pieces(text: str, spans: tuple[Span, ...] | list[Span]) -> list[tuple[str, bool]]:
    """`text` cut at `spans`: (piece, is_new) in order, with no empty pieces. The pieces joined are
    `text` exactly; spans out of order, overlapping or outside the text are refused."""
    out: list[tuple[str, bool]] = []
    at = 0
    for start, end in spans:
        if not at <= start < end <= len(text):
            raise ValueError(f"span {(start, end)} is not within {len(text)} characters after offset {at}")
        if start > at:
            out.append((text[at:start], False))
        out.append((text[start:end], True))
        at = end
    if at < len(text):
        out.append((text[at:], False))
    return out


def restricted(spans: tuple[Span, ...] | list[Span], start: int, end: int) -> tuple[Span, ...]:
    """The spans within text[start:end], as offsets into that slice (a renderer's paragraph or piece)."""
    out = []
    for s, e in spans:
        s, e = max(s, start), min(e, end)
        if s < e:
            out.append((s - start, e - start))
    return tuple(out)
