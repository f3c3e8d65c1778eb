"""`careerfw eval --typos [N]`: the question sets asked again as people type in Slack, generated at run time.

The frozen sets have only a handful of misspelt questions, and the frameworks nobody here has seen are asked
about with typos, short forms and odd casing. So every question of the sets given is asked again in copies
made from it, each with the same expected answer (an off-topic one must still be refused):

- `copies` typo copies: one content word of four letters or more (no asking word, no number, no function
  word: index/tokens.py `of_substance`) gets one edit: two neighbouring letters swapped, a letter dropped,
  a letter doubled, or a letter replaced by a key next to it on a QWERTY keyboard;
- one plain copy: everything lower-cased and the sentence's punctuation dropped.

The edits are drawn in turn from a random generator seeded by the question alone, so every run, on every
machine, asks the same copies, and asking for more copies only adds to the first ones. The first letter is never
edited: a misspelling there is rare (about 7% in Pollock and Zamora's 1983 study of 50,000 misspellings), and a
word that starts differently is as often another word.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from careerfw_tools.evaluate import RANK_DEPTH, QuestionSet, _calibrated, _rank_of, framework_labels
from index import Answerer, Embedder, Entry
from index.search import rrf
from index.tokens import of_substance, stem, stopwords, words

COPIES = 3  # typo copies per question by default: ~1,000 asks on the default sets, under two minutes
EDITS = ("swap", "drop", "double", "neighbour")
# Each letter's neighbours on a QWERTY keyboard (same row and the rows above and below, touching).
_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


def _keyboard() -> dict[str, str]:
    out: dict[str, str] = {}
    for r, row in enumerate(_ROWS):
        for c, key in enumerate(row):
            near = [row[i] for i in (c - 1, c + 1) if 0 <= i < len(row)]
            for other in (r - 1, r + 1):
                if 0 <= other < len(_ROWS):
                    # The row below sits about half a key to the right: key c touches c-1 and c of the row
                    # below, c and c+1 of the row above.
                    span = (c - 1, c) if other > r else (c, c + 1)
                    near += [_ROWS[other][i] for i in span if 0 <= i < len(_ROWS[other])]
            out[key] = "".join(near)
    return out


_NEIGHBOURS = _keyboard()
MIN_LETTERS = 4  # a shorter word mistyped is as often another word ("team" -> "tea" is a word of its own)
_LETTERS = re.compile(r"[^\W\d_]+")
# The sentence's punctuation, dropped by the plain copy; a hyphen, slash or ampersand inside a phrase stays,
# since people who skip the question mark still write "on-call" and "IC/manager".
_PUNCTUATION = re.compile(r"[?!.,;:'\"’‘“”()\[\]]")


def editable(word: str) -> bool:
    """Whether a run of letters in a question is a content word a typo copy may edit: four letters or more,
    no function word, no asking word (index/tokens.py `of_substance`), and no number written as a word
    ("three", "second": the tokenizer reads those as digits)."""
    if len(word) < MIN_LETTERS:
        return False
    read = words(word)
    if read != [word.casefold()]:  # a number word, or a level code the tokenizer splits ("lvl")
        return False
    return read[0] not in stopwords() and of_substance(stem(read[0]))


def edit(word: str, kind: str, rng: random.Random) -> str:
    """`word` with one edit of `kind`, never at its first letter; the result always differs from `word`."""
    if kind == "swap":
        spots = [i for i in range(1, len(word) - 1) if word[i].casefold() != word[i + 1].casefold()]
        if spots:
            i = rng.choice(spots)
            return word[:i] + word[i + 1] + word[i] + word[i + 2:]
        kind = "drop"  # every letter after the first the same: nothing to swap
    if kind == "drop":
        i = rng.randrange(1, len(word))
        return word[:i] + word[i + 1:]
    if kind == "double":
        i = rng.randrange(1, len(word))
        return word[:i + 1] + word[i] + word[i + 1:]
    spots = [i for i in range(1, len(word)) if word[i].casefold() in _NEIGHBOURS]
    if not spots:
        return edit(word, "double", rng)
    i = rng.choice(spots)
    key = rng.choice(_NEIGHBOURS[word[i].casefold()])
    return word[:i] + (key.upper() if word[i].isupper() else key) + word[i + 1:]


@dataclass(frozen=True)
class Copy:
    ask: str
    kind: str  # one of EDITS, "plain", or "" (no content word to edit: the copy is the question as written)
    word: str = ""  # the word edited
    typed: str = ""  # as the copy writes it


def typo_copies(question: str, n: int = COPIES) -> list[Copy]:
    """`n` copies of `question`, each with one content word mistyped (`Copy.kind` "" when it has none, and
    the copy is then the question itself). The same question gives the same copies on every run."""
    spans = [m for m in _LETTERS.finditer(question) if editable(m.group())]
    if not spans:
        return [Copy(question, "")] * n
    rng = random.Random(question)  # a str seed is hashed by SHA-512: the same copies on every machine
    out: list[Copy] = []
    for _ in range(n):
        # A copy already made is drawn again, a few times: n copies are n different typos where the question
        # has that many (a short one may not).
        for _ in range(8):
            m = rng.choice(spans)
            kind = rng.choice(EDITS)
            typed = edit(m.group(), kind, rng)
            copy = Copy(question[:m.start()] + typed + question[m.end():], kind, m.group(), typed)
            if copy not in out:
                break
        out.append(copy)
    return out


def plain_copy(question: str) -> Copy:
    """`question` lower-cased, without the sentence's punctuation, as typed in a hurry."""
    return Copy(" ".join(_PUNCTUATION.sub(" ", question.casefold().replace("'", "").replace("’", "")).split()),
                "plain")


@dataclass
class Tally:
    """One system's outcomes over one kind of question (original, typo copies, plain copies)."""

    right: list[bool] = field(default_factory=list)  # on-topic: right entry first
    answered: list[bool] = field(default_factory=list)  # on-topic: confident
    refused: list[bool] = field(default_factory=list)  # off-topic: not confident

    def add(self, on_topic: bool, rank: int | None, confident: bool) -> None:
        if on_topic:
            self.right.append(rank == 1)
            self.answered.append(confident)
        else:
            self.refused.append(not confident)

    @staticmethod
    def _share(values: list[bool]) -> float:
        return sum(values) / len(values) if values else float("nan")

    def as_dict(self) -> dict[str, Any]:
        return {"top1": round(self._share(self.right), 4), "answered": round(self._share(self.answered), 4),
                "refused": round(self._share(self.refused), 4), "on_topic": len(self.right),
                "off_topic": len(self.refused)}


KINDS = ("original", "typo", "plain")


@dataclass
class TypoRow:
    framework: str
    shipped: dict[str, Tally] = field(default_factory=lambda: {k: Tally() for k in KINDS})
    rrf: dict[str, Tally] = field(default_factory=lambda: {k: Tally() for k in KINDS})

    def as_dict(self) -> dict[str, Any]:
        return {"framework": self.framework, "shipped": {k: t.as_dict() for k, t in self.shipped.items()},
                "rrf": {k: t.as_dict() for k, t in self.rrf.items()}}


@dataclass
class TypoReport:
    copies: int
    rows: list[TypoRow]
    skipped: list[str]
    misses: list[str]  # typo copies whose original the shipped answerer had right and the copy not
    untouched: int  # on-topic questions with no content word to edit (their copies are the question)

    def pooled(self) -> TypoRow:
        out = TypoRow("all")
        for row in self.rows:
            for mine, theirs in ((out.shipped, row.shipped), (out.rrf, row.rrf)):
                for k in KINDS:
                    for name in ("right", "answered", "refused"):
                        getattr(mine[k], name).extend(getattr(theirs[k], name))
        return out

    def as_dict(self) -> dict[str, Any]:
        return {"copies": self.copies, "frameworks": [r.as_dict() for r in self.rows],
                "all": self.pooled().as_dict(), "skipped": self.skipped, "untouched": self.untouched,
                "misses": self.misses}


def evaluate_typos(sets: list[QuestionSet], embedder: Embedder, copies: int = COPIES,
                   index_dir_for: Callable[[QuestionSet], Path | None] = lambda s: None) -> TypoReport:
    """Every question of `sets` asked as written, in `copies` typo copies and in its plain copy, of the shipped
    answerer and of plain RRF fusion (the floor, given the confidence threshold best for it on the questions as
    written: the copies are scored with that one threshold, as a deployed ranker would be)."""
    label = framework_labels(sets)
    rows: dict[str, TypoRow] = {}
    skipped: list[str] = []
    misses: list[str] = []
    untouched = 0
    rrf_scored: list[tuple[str, str, bool, int | None, float]] = []  # framework, kind, on-topic, rank, top score
    for qs in sets:
        if not qs.available:
            skipped.append(f"{qs.name} (no content at {qs.content})")
            continue
        answerer = Answerer.open(qs.content, index_dir_for(qs), embedder=embedder, progress=False)
        ranker = answerer.ranker
        entries = answerer.entries
        row = rows.setdefault(label[qs.content], TypoRow(label[qs.content]))
        for q in qs.questions:
            on = not q.off_topic
            typos = typo_copies(q.ask, copies)
            untouched += on and not typos[0].kind
            asked = [("original", Copy(q.ask, "original"))] + [("typo", c) for c in typos] \
                + [("plain", plain_copy(q.ask))]
            first_right = None
            for kind, c in asked:
                answer = answerer.ask(c.ask, limit=RANK_DEPTH)
                rank = _rank_of(q, [x.entry for x in (answer.quotes or answer.suggestions)])
                row.shipped[kind].add(on, rank, answer.confident)
                if kind == "original":
                    first_right = rank == 1 and answer.confident
                elif kind == "typo" and on and first_right and not (rank == 1 and answer.confident):
                    misses.append(f"[{qs.name}] {c.ask!r} ({c.kind} {c.word!r} -> {c.typed!r}): rank {rank}, "
                                  f"confident {answer.confident}")
                elif not on and answer.confident:
                    misses.append(f"[{qs.name}] off-topic {kind} copy answered: {c.ask!r}")
                fixed = ranker.structure.corrected(" ".join(c.ask.split()))
                hits = ranker.rank(fixed, embedder.encode_query(fixed), RANK_DEPTH, fusion=rrf).hits
                ranked: list[Entry] = [entries[h.entry] for h in hits]
                rrf_scored.append((row.framework, kind, on, _rank_of(q, ranked), hits[0].score if hits else 0.0))
    cut = _calibrated([(top, on) for _, kind, on, _, top in rrf_scored if kind == "original"])
    for framework, kind, on, rank, top in rrf_scored:
        rows[framework].rrf[kind].add(on, rank, top >= cut and top > 0)
    return TypoReport(copies, [rows[k] for k in sorted(rows)], skipped, misses, untouched)


def _f(x: float) -> str:
    return "    -" if x != x else f"{x:.3f}"


def render(report: TypoReport) -> str:
    head = (f"{'framework':<13} {'on':>4} {'off':>3} | {'shipped: orig':>13} {'typo':>5} {'answd':>5} "
            f"{'plain':>5} {'answd':>5} {'refsd':>5} | {'RRF: orig':>9} {'typo':>5} {'answd':>5} {'plain':>5} "
            f"{'refsd':>5} | {'typo-orig':>9}")
    lines = [f"typo copies: {report.copies} a question, one content word mistyped each (careerfw_tools/typos.py); "
             "plain: lower case, no punctuation; refsd: off-topic copies (typo and plain) refused", head,
             "-" * len(head)]
    for row in [*report.rows, report.pooled()]:
        s, r = row.shipped, row.rrf
        typo_top1 = Tally._share(s["typo"].right)
        lines.append(
            f"{row.framework:<13} {len(s['original'].right):>4} {len(s['original'].refused):>3} | "
            f"{_f(Tally._share(s['original'].right)):>13} {_f(typo_top1):>5} {_f(Tally._share(s['typo'].answered)):>5} "
            f"{_f(Tally._share(s['plain'].right)):>5} {_f(Tally._share(s['plain'].answered)):>5} "
            f"{_f(Tally._share(s['typo'].refused + s['plain'].refused)):>5} | "
            f"{_f(Tally._share(r['original'].right)):>9} {_f(Tally._share(r['typo'].right)):>5} "
            f"{_f(Tally._share(r['typo'].answered)):>5} {_f(Tally._share(r['plain'].right)):>5} "
            f"{_f(Tally._share(r['typo'].refused + r['plain'].refused)):>5} | "
            f"{typo_top1 - Tally._share(s['original'].right):>+9.3f}")
    if report.untouched:
        lines.append(f"{report.untouched} on-topic questions have no content word to mistype: their typo copies "
                     "are the question as written")
    for s in report.skipped:
        lines.append(f"skipped: {s}")
    if report.misses:
        # Two kinds of line: a typo copy lost, and an off-topic question (as written or a copy) answered.
        lines.append("typo copies the shipped answerer lost (the question as written was right and confident), "
                     "and off-topic questions it answered:")
        lines += [f"  {m}" for m in report.misses]
    return "\n".join(lines) + "\n"

