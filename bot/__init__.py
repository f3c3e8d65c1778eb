"""careerfw front ends: the CLI, Slack, Teams and the weekly nudge, thin adapters over `index`."""
