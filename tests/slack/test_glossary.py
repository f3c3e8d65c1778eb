"""A careerfw.yaml redirect in Slack over real HTTP (docs/content.md, "careerfw.yaml"): the admin's own
words and link, labelled as their note and not quoted as framework text, on a made-up framework."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.slack.mrkdwn import escape
from index.answer import Answerer
from index.glossary import ADMIN_NOTE
from tests.slack.harness import (
    SlackApp,
    assert_valid_message,
    blocks_text,
    message_of,
    quoted,
    send_command,
    serve_slack,
    slack_settings,
    to_url,
)
from tests.support.slack import FakeSlack

KEEL = Path(__file__).resolve().parents[1] / "fixtures" / "glossary"


@pytest.fixture(scope="module")
def keel_slack(keel_answerer: Answerer, fake_slack: FakeSlack,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlackApp]:
    settings = slack_settings(fake_slack, tmp_path_factory.mktemp("keel-state") / "state.db", content_dir=KEEL)
    with serve_slack(settings, keel_answerer, fake_slack) as app:
        yield app


def test_a_redirect_is_the_admins_note_with_its_link_not_a_quote(keel_slack: SlackApp) -> None:
    resp, url = send_command(keel_slack, "how is my salary decided at level 4?")
    assert resp.status == 200
    message = message_of(keel_slack.fake.wait_for(to_url(url))[0])
    assert_valid_message(message)
    shown = blocks_text(message["blocks"])
    assert escape(ADMIN_NOTE) in shown
    assert escape("Pay isn't part of the progression framework.") in shown
    assert "https://people.example.com/pay" in shown
    assert "Pay isn't" not in quoted(message["blocks"])  # never set as a framework quote
