"""Fixtures for the Slack app tests (the harness is in harness.py)."""

from slack_app.harness import fake_slack, slack_app  # noqa: F401  (pytest fixtures)
