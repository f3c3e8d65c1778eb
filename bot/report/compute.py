"""The owners' report, computed from the questions log and votes in the shared store (bot/store).

    rows = read_log(store, since=...)                       # questions and votes in the period
    report = compute(rows, entries, since=..., now=..., tz="UTC", min_group=3, embed=embedder.encode)

What people asked and could not get: how many questions, the share answered, refused and thumbed
down, the areas and levels asked about most, TODO areas people asked about, refused questions grouped
by similar wording, and thumbs-down reasons.

Privacy is decided here, once, so no rendering can leak more than this: the report never carries who
asked (the user hashes are read only to count distinct people, and dropped), and a refused group's
question texts are kept only when at least `min_group` different people asked in it
(CAREERFW_REPORT_MIN_GROUP); a smaller group keeps its count alone.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.config import ConfigError
from bot.nudge.runner import week_of, zone
from bot.store import Store
from bot.store.schema import feedback, questions
from index import Entry

if TYPE_CHECKING:
    from bot.report.suggest import Suggestion
    from index import Answerer

# A refused question joins a group when its embedding's cosine with the group's mean is at least this.
# Measured with all-MiniLM-L6-v2 on the questions in tests/report: rewordings of one question scored
# 0.49 to 0.97 with each other, questions on different topics -0.09 to 0.08.
GROUP_SIMILARITY = 0.45
MAX_GROUPED = 5000  # the most recent refused questions grouped; older ones still count in the totals
TOP = 10  # rows in each "most asked" list
WEEKS_SHOWN = 8  # the weekly chart covers at least this many weeks
EXAMPLES = 2
# Intents that asked the person to choose (which craft, which level): neither answered nor refused.
CLARIFYING = frozenset({"choose"})
# Answered with the admins' own note from careerfw.yaml (a topic the framework does not cover): by design.
REDIRECTED = "redirect"

Embed = Callable[[list[str]], np.ndarray]

_SINCE = re.compile(r"^\s*(\d+)\s*([hdw])\s*$", re.IGNORECASE)
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}


def parse_since(text: str) -> timedelta:
    """`7d`, `4w`, `48h` as a period; ConfigError naming --since otherwise."""
    match = _SINCE.match(text or "")
    if not match or int(match.group(1)) == 0:
        raise ConfigError(f"--since {text!r} is not a period such as 7d, 4w or 48h")
    return timedelta(**{_UNITS[match.group(2).lower()]: int(match.group(1))})


@dataclass(frozen=True)
class AskedQuestion:
    asked_at: float
    asker: str  # the stored user hash: counted, never reported
    text: str
    intent: str | None
    confident: bool
    entries: list[dict[str, str]]
    question_id: int


@dataclass(frozen=True)
class Vote:
    created_at: float
    question_id: int | None
    verdict: str
    reason: str | None
    entries: list[dict[str, str]]


@dataclass(frozen=True)
class Log:
    questions: list[AskedQuestion]
    votes: list[Vote]


def _refs(raw: str | None) -> list[dict[str, str]]:
    try:
        value = json.loads(raw or "[]")
    except ValueError:
        return []
    return [r for r in value if isinstance(r, dict)] if isinstance(value, list) else []


def read_log(store: Store, since: float) -> Log:
    """Questions asked and votes cast from `since` (unix seconds) on. Raises StoreUnavailable when the
    tables cannot be read (a report is not an answer: it says so rather than show nothing)."""

    def work(conn: Connection) -> Log:
        asked = conn.execute(
            sa.select(questions.c.id, questions.c.asked_at, questions.c.user_hash, questions.c.question,
                      questions.c.intent, questions.c.confident, questions.c.entries)
            .where(questions.c.asked_at >= since)
            .order_by(questions.c.asked_at, questions.c.id)
        )
        qs = [AskedQuestion(r.asked_at, r.user_hash, r.question, r.intent, bool(r.confident), _refs(r.entries), r.id)
              for r in asked]
        voted = conn.execute(
            sa.select(feedback.c.created_at, feedback.c.question_id, feedback.c.verdict, feedback.c.reason,
                      feedback.c.entries)
            .where(feedback.c.created_at >= since)
            .order_by(feedback.c.created_at.desc(), feedback.c.id.desc())
        )
        votes = [Vote(r.created_at, r.question_id, r.verdict, r.reason, _refs(r.entries)) for r in voted]
        return Log(qs, votes)

    return store.patiently("reading the questions log for the report", work, budget_s=10.0)


def log_start(since: datetime, now: datetime) -> datetime:
    """Where to start reading the log: the period, or the weekly chart's weeks if they reach further."""
    return min(since, now - timedelta(weeks=WEEKS_SHOWN))


# --- the report ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Count:
    """One row of a "most asked" list."""

    area: str
    level: str
    craft: str
    asked: int


@dataclass(frozen=True)
class RefusedGroup:
    count: int  # questions in the group
    examples: list[str]  # up to two texts; empty when fewer than min_group people asked
    shown: bool  # whether the texts may be shown (enough different people asked)
    texts: list[str] = field(default_factory=list, repr=False)  # every text, for the glossary check; never shown


@dataclass(frozen=True)
class ThumbsDown:
    area: str
    level: str
    craft: str
    votes: int
    reasons: list[str]  # newest first


@dataclass(frozen=True)
class Week:
    week: str  # ISO week, e.g. 2026-W48
    asked: int
    answered: int


@dataclass(frozen=True)
class Report:
    since: datetime
    until: datetime
    tz: str
    min_group: int
    questions: int
    answered: int
    refused: int
    clarified: int  # asked back which craft or level was meant
    thumbed_down: int
    top_areas: list[Count]
    top_levels: list[Count]
    todo_asked: list[Count]
    refused_groups: list[RefusedGroup]
    thumbs_down: list[ThumbsDown]
    weeks: list[Week]
    # careerfw.yaml lines checked to get a refused group answered (bot/report/suggest.py)
    suggestions: list[Suggestion] = field(default_factory=list)
    redirected: int = 0  # answered with the admins' note (careerfw.yaml redirects)

    def share(self, part: int) -> float:
        return part / self.questions if self.questions else 0.0

    def to_json(self) -> dict[str, Any]:
        """`careerfw report --json`: the figures, shares rounded to 3 places; no asker, ever."""
        groups = [{"count": g.count, "examples": g.examples, "shown": g.shown} for g in self.refused_groups]
        return {
            "since": self.since.isoformat(timespec="seconds"),
            "until": self.until.isoformat(timespec="seconds"),
            "tz": self.tz,
            "min_group": self.min_group,
            "questions": self.questions,
            "answered": self.answered,
            "refused": self.refused,
            "clarified": self.clarified,
            "redirected": self.redirected,
            "thumbed_down": self.thumbed_down,
            "answered_share": round(self.share(self.answered), 3),
            "refused_share": round(self.share(self.refused), 3),
            "thumbed_down_share": round(self.share(self.thumbed_down), 3),
            "top_areas": [asdict(c) for c in self.top_areas],
            "top_levels": [{"level": c.level, "craft": c.craft, "asked": c.asked} for c in self.top_levels],
            "todo_asked": [asdict(c) for c in self.todo_asked],
            "refused_groups": groups,
            "thumbs_down": [asdict(t) for t in self.thumbs_down],
            "weeks": [asdict(w) for w in self.weeks],
            "suggestions": [x.to_json() for x in self.suggestions],
        }


def _refused(q: AskedQuestion) -> bool:
    return not q.confident and q.intent not in CLARIFYING and q.intent not in ("empty", REDIRECTED)


def _top(counter: Counter[tuple[str, str, str]], limit: int = TOP) -> list[Count]:
    ranked = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    return [Count(area, level, craft, n) for (area, level, craft), n in ranked[:limit]]


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def group_refused(asked: Sequence[AskedQuestion], embed: Embed | None, min_group: int,
                  threshold: float = GROUP_SIMILARITY) -> list[RefusedGroup]:
    """Refused questions grouped by similar wording, largest group first.

    Deterministic: distinct wordings (case and spacing aside) are taken most asked first (ties by
    text), and each joins the existing group whose mean vector is nearest when its cosine is at least
    `threshold`, else starts a group. Without `embed`, wordings group only when identical."""
    recent = list(asked)[-MAX_GROUPED:]
    by_text: dict[str, list[AskedQuestion]] = defaultdict(list)
    for q in recent:
        by_text[_norm(q.text)].append(q)
    order = sorted(by_text, key=lambda t: (-len(by_text[t]), t))
    members: list[list[str]] = []
    if embed is not None and order:
        vectors = np.asarray(embed([by_text[t][0].text for t in order]), dtype=np.float32)
        vectors /= np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)
        sums: list[np.ndarray] = []
        for text, vector in zip(order, vectors, strict=True):
            best, best_sim = -1, threshold
            for i, total in enumerate(sums):
                sim = float(vector @ (total / max(np.linalg.norm(total), 1e-12)))
                if sim >= best_sim:
                    best, best_sim = i, sim
            if best < 0:
                members.append([text])
                sums.append(vector.copy())
            else:
                members[best].append(text)
                sums[best] += vector
    else:
        members = [[t] for t in order]
    groups = []
    for texts in members:
        qs = [q for t in texts for q in by_text[t]]
        shown = len({q.asker for q in qs}) >= min_group and len(qs) >= min_group
        # The two most asked wordings, as first written.
        examples = [by_text[t][0].text for t in texts[:EXAMPLES]] if shown else []
        groups.append(RefusedGroup(len(qs), examples, shown, [q.text for q in qs]))
    groups.sort(key=lambda g: (-g.count, g.texts[0] if g.texts else ""))
    return groups


def _weeks(asked: Sequence[AskedQuestion], since: datetime, now: datetime, tz: str) -> list[Week]:
    first = min(since, now - timedelta(weeks=WEEKS_SHOWN - 1))
    names: list[str] = []
    at = first
    while True:
        name = week_of(at, tz)
        if name not in names:
            names.append(name)
        if at >= now:
            break
        at = min(at + timedelta(days=7), now)
    counts: dict[str, list[int]] = {n: [0, 0] for n in names}
    for q in asked:
        name = week_of(datetime.fromtimestamp(q.asked_at, zone(tz)), tz)
        if name in counts:
            counts[name][0] += 1
            counts[name][1] += int(q.confident)
    return [Week(n, a, b) for n, (a, b) in counts.items()]


def _label(ref: dict[str, str]) -> tuple[str, str, str]:
    return str(ref.get("area", "")), str(ref.get("level", "")), str(ref.get("craft", ""))


def compute(
    log: Log,
    entries: Iterable[Entry],
    *,
    since: datetime,
    now: datetime,
    tz: str = "UTC",
    min_group: int = 3,
    embed: Embed | None = None,
) -> Report:
    """The report for questions asked from `since` to `now`. `entries` are the framework as served now
    (which areas are TODO). Questions in `log` from before `since` count in the weekly chart only
    (read_log reads at least WEEKS_SHOWN weeks for it: `log_start`)."""
    todo_ids = {e.id for e in entries if e.todo}
    start = since.timestamp()
    period = [q for q in log.questions if q.asked_at >= start]
    areas: Counter[tuple[str, str, str]] = Counter()
    levels: Counter[tuple[str, str, str]] = Counter()
    todo: Counter[tuple[str, str, str]] = Counter()
    for q in period:
        if not q.confident or not q.entries:
            continue
        first = q.entries[0]
        area, level, craft = _label(first)
        areas[(area, "", craft)] += 1
        if level:
            levels[("", level, craft)] += 1
        for ref in q.entries:
            if ref.get("id") in todo_ids:
                todo[_label(ref)] += 1
    asked_ids = {q.question_id for q in period}
    down_ids = {v.question_id for v in log.votes if v.verdict == "not_helpful" and v.question_id in asked_ids}
    down: dict[tuple[str, str, str], list[Vote]] = defaultdict(list)
    for vote in log.votes:
        if vote.verdict == "not_helpful" and vote.created_at >= start:
            down[_label(vote.entries[0]) if vote.entries else ("(no good match)", "", "")].append(vote)
    thumbs = [
        ThumbsDown(area, level, craft, len(votes), [" ".join(v.reason.split()) for v in votes if v.reason])
        for (area, level, craft), votes in sorted(down.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]
    refused = [q for q in period if _refused(q)]
    return Report(
        since=since.astimezone(zone(tz)),
        until=now.astimezone(zone(tz)),
        tz=tz,
        min_group=min_group,
        questions=len(period),
        answered=sum(q.confident for q in period),
        refused=len(refused),
        clarified=sum(1 for q in period if not q.confident and q.intent in CLARIFYING),
        redirected=sum(1 for q in period if q.intent == REDIRECTED),
        thumbed_down=len(down_ids),
        top_areas=_top(areas),
        top_levels=_top(levels),
        todo_asked=_top(todo, limit=len(todo)),
        refused_groups=group_refused(refused, embed, min_group),
        thumbs_down=thumbs,
        weeks=_weeks(log.questions, since, now, tz),
    )


def build_report(store: Store | None, entries: Sequence[Entry], *, now: datetime, period: timedelta, tz: str,
                 min_group: int, embed: Embed | None, answerer: Callable[[], Answerer] | None = None,
                 content_dir: Path | None = None) -> Report:
    """The report for the `period` up to `now` from the store as it is (None: nothing recorded yet).
    With `answerer` (called only when some refused group may be shown), each such group gets the
    careerfw.yaml line that would get it answered, checked against that answerer (`content_dir`'s
    careerfw.yaml is what the diff is against)."""
    since = now - period
    log = read_log(store, log_start(since, now).timestamp()) if store is not None else Log([], [])
    report = compute(log, entries, since=since, now=now, tz=tz, min_group=min_group, embed=embed)
    shown = [(i, g.texts) for i, g in enumerate(report.refused_groups) if g.shown]
    if answerer is None or not shown:
        return report
    from bot.report.suggest import suggest

    served = answerer()
    return replace(report, suggestions=suggest(shown, served, content_dir or Path(".")))
