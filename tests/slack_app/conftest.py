"""Fixtures for the Slack app tests (the harness is in harness.py, the fake Slack in tests/support)."""

from support.slack import fake_slack  # noqa: F401  (pytest fixture)

from slack_app.harness import slack_app  # noqa: F401  (pytest fixture)
