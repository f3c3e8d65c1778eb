"""The owners' report as one self-contained HTML page (`careerfw report --html FILE`, and the file the
weekly Slack message attaches).

Nothing is fetched: the charts are inline SVG drawn here, the style is inline, there is no script,
and the page's Content-Security-Policy forbids loading anything, so it reads the same opened from a
disk, a mail attachment or Slack's file preview. Every text from people or the content is escaped.
"""

from __future__ import annotations

from html import escape

from bot.report.compute import Report
from bot.report.text import area_label, group_line, headline, level_label, percent, period, suggestion_line

# One colour per chart's marks, so each chart can be told apart on a screenshot (tests/report).
BAR = "#2f6fb0"  # questions per week
ANSWERED = "#3a9d5d"  # the answered part of those bars
SHARE = "#d9822b"  # the share answered, a line
AREAS = "#7b4fbf"  # the areas asked about most
AXIS = "#555555"
WIDTH = 640

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem auto; max-width: 46rem;
       color: #1d1d1d; line-height: 1.45; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
.period { color: #555; margin-top: 0; } .headline { font-size: 1.1rem; }
table { border-collapse: collapse; width: 100%; } td, th { text-align: left; padding: .2rem .5rem; }
td.n { text-align: right; font-variant-numeric: tabular-nums; width: 4rem; }
pre { background: #f3f5f8; padding: .5rem; overflow-x: auto; }
tr:nth-child(even) { background: #f3f5f8; } .muted { color: #666; } svg { display: block; max-width: 100%; }
"""


def _text(x: float, y: float, label: str, anchor: str = "start", size: int = 12, fill: str = AXIS) -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}">'
            f"{escape(label)}</text>")


def weekly_chart(report: Report) -> str:
    """Bars: questions asked per week, the answered part in green."""
    weeks = report.weeks
    height, left, bottom, top = 220, 40, 30, 16
    inner = height - bottom - top
    most = max([w.asked for w in weeks] + [1])
    slot = (WIDTH - left - 10) / max(len(weeks), 1)
    parts = [f'<line x1="{left}" y1="{height - bottom}" x2="{WIDTH - 10}" y2="{height - bottom}" stroke="{AXIS}"/>',
             _text(left - 6, top + 4, str(most), "end"), _text(left - 6, height - bottom, "0", "end")]
    for i, w in enumerate(weeks):
        x = left + i * slot + slot * 0.15
        bar = slot * 0.7
        h = inner * w.asked / most
        ha = inner * w.answered / most
        parts.append(f'<rect x="{x:.1f}" y="{height - bottom - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                     f'fill="{BAR}"><title>{escape(w.week)}: {w.asked} asked</title></rect>')
        parts.append(f'<rect x="{x:.1f}" y="{height - bottom - ha:.1f}" width="{bar:.1f}" height="{ha:.1f}" '
                     f'fill="{ANSWERED}"><title>{escape(w.week)}: {w.answered} answered</title></rect>')
        parts.append(_text(x + bar / 2, height - bottom + 16, w.week.split("-")[-1], "middle", 11))
    return _svg("chart-weekly", height, "Questions per week (green: answered)", parts)


def answered_chart(report: Report) -> str:
    """A line: the share of each week's questions that were answered (weeks without questions: no point)."""
    weeks = report.weeks
    height, left, bottom, top = 180, 40, 30, 12
    inner = height - bottom - top
    slot = (WIDTH - left - 10) / max(len(weeks), 1)
    parts = [f'<line x1="{left}" y1="{height - bottom}" x2="{WIDTH - 10}" y2="{height - bottom}" stroke="{AXIS}"/>',
             f'<line x1="{left}" y1="{top}" x2="{WIDTH - 10}" y2="{top}" stroke="#dddddd"/>',
             _text(left - 6, top + 4, "100%", "end"), _text(left - 6, height - bottom, "0%", "end")]
    points = []
    for i, w in enumerate(weeks):
        x = left + i * slot + slot / 2
        parts.append(_text(x, height - bottom + 16, w.week.split("-")[-1], "middle", 11))
        if w.asked:
            y = height - bottom - inner * w.answered / w.asked
            points.append((x, y, w))
    if len(points) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{SHARE}" stroke-width="3"/>')
    for x, y, w in points:
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{SHARE}">'
                     f"<title>{escape(w.week)}: {percent(w.answered, w.asked)} answered</title></circle>")
    return _svg("chart-answered", height, "Share answered per week", parts)


def areas_chart(report: Report) -> str:
    """Horizontal bars: the areas asked about most."""
    rows = report.top_areas
    row_h, left = 26, 250
    height = max(len(rows), 1) * row_h + 10
    most = max([c.asked for c in rows] + [1])
    parts = []
    for i, c in enumerate(rows):
        y = 5 + i * row_h
        w = (WIDTH - left - 50) * c.asked / most
        label = area_label(c)
        label = label if len(label) <= 32 else label[:31] + "…"
        parts.append(_text(left - 8, y + 16, label, "end"))
        parts.append(f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" fill="{AREAS}">'
                     f"<title>{escape(area_label(c))}: {c.asked}</title></rect>")
        parts.append(_text(left + w + 6, y + 16, str(c.asked)))
    if not rows:
        parts.append(_text(10, 20, "No answered questions in this period."))
    return _svg("chart-areas", height, "Areas asked about most", parts)


def _svg(ident: str, height: int, title: str, parts: list[str]) -> str:
    return (f'<svg id="{ident}" xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
            f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
            + "".join(parts) + "</svg>")


def _table(rows: list[tuple[str, str]], empty: str) -> str:
    if not rows:
        return f'<p class="muted">{escape(empty)}</p>'
    body = "".join(f'<tr><td class="n">{escape(n)}</td><td>{escape(label)}</td></tr>' for n, label in rows)
    return f"<table>{body}</table>"


def render_html(report: Report) -> str:
    thumbs = []
    for t in report.thumbs_down:
        reasons = "".join(f"<li>{escape(r)}</li>" for r in t.reasons)
        where = escape(area_label_of(t.area, t.level, t.craft))
        thumbs.append(f"<li>{where}: {t.votes}" + (f"<ul>{reasons}</ul>" if reasons else "") + "</li>")
    groups = "".join(f"<li>{escape(group_line(g, report.min_group))}</li>" for g in report.refused_groups)
    suggestions = "".join(f"<p>{escape(suggestion_line(x))}</p><pre>{escape(x.diff or 'synonyms: ' + x.line)}</pre>"
                          for x in report.suggestions)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>careerfw report: {escape(period(report))}</title><style>{_STYLE}</style></head>
<body>
<h1>What people asked careerfw</h1>
<p class="period">{escape(period(report))}</p>
<p class="headline">{escape(headline(report))}</p>
<h2>Questions per week</h2>
{weekly_chart(report)}
<h2>Share answered</h2>
{answered_chart(report)}
<h2>Areas asked about most</h2>
{areas_chart(report)}
<h2>Levels asked about most</h2>
{_table([(str(c.asked), level_label(c)) for c in report.top_levels], "No levels asked about in this period.")}
<h2>TODO areas people asked about</h2>
{_table([(str(c.asked), area_label(c)) for c in report.todo_asked], "No one asked about a TODO area.")}
<h2>Refused questions, by similar wording</h2>
<p class="muted">Question texts are shown only for groups asked by at least {report.min_group} different people.
Who asked is never shown.</p>
{f"<ul>{groups}</ul>" if groups else '<p class="muted">Nothing was refused.</p>'}
<h2>Suggested careerfw.yaml lines</h2>
<p class="muted">Each was checked by asking its group's questions again with the line applied. Nothing is
written: apply the diff to careerfw.yaml yourself.</p>
{suggestions or '<p class="muted">No line would get a refused group answered.</p>'}
<h2>Thumbs-down, with the reasons given</h2>
{f"<ul>{''.join(thumbs)}</ul>" if thumbs else '<p class="muted">No thumbs-down in this period.</p>'}
</body></html>
"""


def area_label_of(area: str, level: str, craft: str) -> str:
    where = ", ".join(x for x in (level, craft) if x)
    return f"{area} ({where})" if where else area
