"""Fixtures for the Slack app tests (the harness is in harness.py, the fake Slack in tests/support)."""

from tests.slack.harness import slack_app  # noqa: F401  (pytest fixture)
from tests.support.slack import fake_slack  # noqa: F401  (pytest fixture)
