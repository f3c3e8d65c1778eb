"""Fixtures for the nudge tests (helpers.py holds the shared functions and the fixed week)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.slack import FakeSlack


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    """A fresh fake Slack per test: these tests script its failures."""
    with FakeSlack() as fake:
        yield fake
