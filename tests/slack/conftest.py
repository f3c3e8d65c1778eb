"""Fixtures for the Slack app tests (the harness is in harness.py, the fake Slack in tests/support)."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.slack.harness import (  # noqa: F401  (slack_app: fixture)
    SlackApp,
    pick_confident_question,
    pick_no_match_question,
    serve_slack,
    slack_app,
    slack_settings,
)
from tests.support.slack import (
    FakeSlack,
    fake_slack,  # noqa: F401  (pytest fixture)
)


@pytest.fixture(scope="module")
def question(seed_answerer) -> str:
    return pick_confident_question(seed_answerer)


@pytest.fixture(scope="module")
def no_match_question(seed_answerer) -> str:
    return pick_no_match_question(seed_answerer)


@pytest.fixture(scope="module")
def monzo_slack(monzo_answerer, monzo_dir: Path, fake_slack: FakeSlack,  # noqa: F811  (the fixture)
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlackApp]:
    """The Slack app serving the shared Monzo framework, with the module's own state database: the
    follow-up, ladder and agent tests each start from no conversations and no votes."""
    state = tmp_path_factory.mktemp("slack-monzo") / "state.db"
    with serve_slack(slack_settings(fake_slack, state, content_dir=monzo_dir), monzo_answerer, fake_slack) as app:
        yield app
