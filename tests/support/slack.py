"""The one fake Slack: Slack's Web API and response URLs on loopback, recording every call.

The class lives in careerfw_tools.loopback because `careerfw loadtest` drives the real server against
it; tests reach it here. `fake_slack` is one per session, shared by the Slack app tests; tests that
script failures start their own (`with FakeSlack() as fake:`).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from careerfw_tools.loopback import BOT_USER, TEAM, Call, FakeSlack

__all__ = ["BOT_USER", "TEAM", "Call", "FakeSlack", "fake_slack"]


@pytest.fixture(scope="session")
def fake_slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake

