"""The owners' report as plain text: the whole of it for a terminal (`careerfw report`), and the short
summary the weekly message and the Slack App Home carry.

Plain text only: each surface escapes it for its own markup (Slack mrkdwn's & < >, Teams plain
text), and the terminal rendering shows control characters escaped (bot.text.for_terminal), since
questions and reasons are people's words.
"""

from __future__ import annotations

from bot.report.compute import Count, RefusedGroup, Report
from bot.report.suggest import Suggestion

SUMMARY_ROWS = 3


def percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "0%"


def period(report: Report) -> str:
    a, b = report.since, report.until
    return f"{a:%d %b %Y %H:%M} to {b:%d %b %Y %H:%M} ({report.tz})"


def headline(report: Report) -> str:
    n = report.questions
    if n == 0:
        return "No questions were asked in this period."
    return (
        f"{n} question{'s' if n != 1 else ''} asked: {percent(report.answered, n)} answered, "
        f"{percent(report.refused, n)} refused, {percent(report.thumbed_down, n)} thumbed down"
        + (f", {percent(report.clarified, n)} asked back which one was meant" if report.clarified else "")
        + (f", {percent(report.redirected, n)} sent to the admins' note" if report.redirected else "")
        + "."
    )


def area_label(c: Count) -> str:
    where = ", ".join(x for x in (c.level, c.craft) if x)
    return f"{c.area} ({where})" if where else c.area


def level_label(c: Count) -> str:
    return f"{c.level} ({c.craft})" if c.craft else c.level


def group_line(group: RefusedGroup, min_group: int) -> str:
    n = f"{group.count} question{'s' if group.count != 1 else ''}"
    if group.shown:
        return f"{n} like " + ", ".join(f'"{" ".join(t.split())}"' for t in group.examples)
    return f"{n} (asked by fewer than {min_group} people: not shown)"


def suggestion_line(x: Suggestion) -> str:
    return (f"synonyms: {x.line} (the group of refused questions no. {x.group + 1}: {x.answered} of its "
            f"{x.asked} wordings then answered)")


def summary(report: Report) -> list[str]:
    """The short form: a title, the headline, and the top few of each list."""
    lines = [f"What people asked careerfw, {period(report)}", headline(report)]
    if report.top_areas:
        lines.append("Asked about most: " + "; ".join(
            f"{area_label(c)} {c.asked}" for c in report.top_areas[:SUMMARY_ROWS]))
    if report.top_levels:
        lines.append("Levels asked about most: " + "; ".join(
            f"{level_label(c)} {c.asked}" for c in report.top_levels[:SUMMARY_ROWS]))
    if report.todo_asked:
        lines.append("TODO areas people asked about: " + "; ".join(
            f"{area_label(c)} {c.asked}" for c in report.todo_asked[:SUMMARY_ROWS]))
    if report.refused_groups:
        lines.append(f"Refused, by similar wording ({len(report.refused_groups)} groups):")
        lines += ["  - " + group_line(g, report.min_group) for g in report.refused_groups[:SUMMARY_ROWS]]
    if report.suggestions:
        lines.append("Suggested careerfw.yaml lines (checked; nothing is written): " + "; ".join(
            f"{suggestion_line(x)}" for x in report.suggestions[:SUMMARY_ROWS]))
    if report.thumbs_down:
        votes = sum(t.votes for t in report.thumbs_down)
        reasons = sum(len(t.reasons) for t in report.thumbs_down)
        lines.append(f"Thumbs-down: {votes} vote{'s' if votes != 1 else ''}, {reasons} with a reason.")
    return lines


def render_text(report: Report) -> str:
    """Everything, for a terminal."""
    from bot.text import for_terminal

    out = [f"careerfw report: {period(report)}", headline(report)]

    def section(title: str, rows: list[str]) -> None:
        out.extend(["", title + ":"] + ([f"  {for_terminal(r)}" for r in rows] or ["  (none)"]))

    section("Areas asked about most", [f"{c.asked:>5}  {area_label(c)}" for c in report.top_areas])
    section("Levels asked about most", [f"{c.asked:>5}  {level_label(c)}" for c in report.top_levels])
    section("TODO areas people asked about", [f"{c.asked:>5}  {area_label(c)}" for c in report.todo_asked])
    section(f"Refused questions, grouped by similar wording (texts shown for groups asked by at least "
            f"{report.min_group} people)", [group_line(g, report.min_group) for g in report.refused_groups])
    rows = []
    for x in report.suggestions:
        rows.append(suggestion_line(x))
        rows += [f"    {line}" for line in x.diff.splitlines()] or [f"    add under synonyms: {x.line}"]
    section("Suggested careerfw.yaml lines, each checked by asking its group's questions again with it "
            "(nothing is written: apply the diff to careerfw.yaml yourself)", rows)
    rows = []
    for t in report.thumbs_down:
        rows.append(f"{t.votes:>5}  {area_label(Count(t.area, t.level, t.craft, t.votes))}")
        rows += [f"         - {r}" for r in t.reasons]
    section("Thumbs-down, with the reasons given (newest first)", rows)
    section("Questions per week (answered)", [f"{w.week}  {w.asked:>5}  ({w.answered} answered)" for w in report.weeks])
    return "\n".join(out) + "\n"
