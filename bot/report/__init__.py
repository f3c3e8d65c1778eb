"""The owners' report: what people asked and could not get (docs/owners.md).

Surface neutral, like bot/nudge: it reads the shared store and the content, and each surface
delivers it through a `deliver.ReportTarget` beside its own code (bot/slack/report.py,
bot/teams/report.py).

- `compute`: the figures from the questions log and votes, with the privacy rules applied;
- `text`, `html`: the terminal text and summary, and the self-contained HTML page with SVG charts;
- `deliver`: once per owner per ISO week through the nudge ledger (bot/nudge/ledger.py);
- `command`: `careerfw report`.
"""
