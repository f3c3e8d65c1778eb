"""Fixtures for the Slack app tests (the harness is in harness.py, the fake Slack in tests/support)."""

import pytest

from tests.slack.harness import pick_confident_question, pick_no_match_question, slack_app  # noqa: F401  (fixture)
from tests.support.slack import fake_slack  # noqa: F401  (pytest fixture)


@pytest.fixture(scope="module")
def question(seed_answerer) -> str:
    return pick_confident_question(seed_answerer)


@pytest.fixture(scope="module")
def no_match_question(seed_answerer) -> str:
    return pick_no_match_question(seed_answerer)
