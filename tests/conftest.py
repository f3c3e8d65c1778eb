"""Fixtures more than one test folder uses: one model load per session, the answerers built once a
session over the seed, multilevel, Keel and Monzo frameworks, open_answerer for a framework a test
wrote (tests/support/frameworks.py), a module's own copy of the multilevel fixture, isolated caches,
and the state stores on SQLite and a real PostgreSQL."""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.support.frameworks import KEEL, MULTILEVEL, SEED_CONTENT

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(autouse=True, scope="session")
def _isolated_caches(tmp_path_factory: pytest.TempPathFactory) -> None:
    # Default index and state locations must never touch the developer's home directory.
    root = tmp_path_factory.mktemp("xdg")
    os.environ["XDG_CACHE_HOME"] = str(root / "cache")
    os.environ["XDG_STATE_HOME"] = str(root / "state")


@pytest.fixture(scope="session")
def embedder():
    from index.embedder import Embedder

    return Embedder()


@pytest.fixture(scope="session")
def open_answerer(embedder, tmp_path_factory: pytest.TempPathFactory):
    """Opens an Answerer over a content folder a test wrote (tests/support/frameworks.py), on the
    session's embedder and a fresh index folder: fixtures of any scope may call it."""
    from index import Answerer

    def open_(content: Path, **options: Any) -> Answerer:
        return Answerer.open(content, tmp_path_factory.mktemp("index"), embedder=embedder, **options)

    return open_


@pytest.fixture(scope="session")
def seed_answerer(embedder, tmp_path_factory: pytest.TempPathFactory):
    from index.answer import Answerer

    return Answerer.open(SEED_CONTENT, tmp_path_factory.mktemp("seed-index"), embedder=embedder)


@pytest.fixture(scope="session")
def multilevel_answerer(embedder, tmp_path_factory: pytest.TempPathFactory):
    """tests/fixtures/multilevel (two crafts, an IC and a manager track, TODO cells) answered once per
    session: the retrieval, intent, ladder, follow-up and Teams suggestion tests all ask it."""
    from index import Answerer

    return Answerer.open(MULTILEVEL, tmp_path_factory.mktemp("multilevel-index"), embedder=embedder)


@pytest.fixture(scope="session")
def keel_answerer(open_answerer):
    """tests/fixtures/glossary, Keel's framework with its careerfw.yaml (titles, synonyms, redirects),
    answered once per session: the core's, Slack's and Teams' glossary tests all ask it."""
    return open_answerer(KEEL)


@pytest.fixture(scope="module")
def multilevel_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The module's own copy of tests/fixtures/multilevel, which it may edit under a running bot (a hot
    reload) or hand to a `careerfw` process, leaving the fixture in the repository untouched."""
    copy = tmp_path_factory.mktemp("multilevel-copy") / "multilevel"
    shutil.copytree(MULTILEVEL, copy)
    return copy


@pytest.fixture(scope="module")
def reloadable_answerer(open_answerer, multilevel_copy: Path):
    """The module's own Answerer over multilevel_copy: reloading it leaves the session's answerers be."""
    return open_answerer(multilevel_copy)


@pytest.fixture(scope="session")
def monzo_dir() -> Path:
    from tests.support.shared import shared_framework

    return shared_framework("monzo-engineering")


@pytest.fixture(scope="session")
def monzo_answerer(embedder, monzo_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    from index.answer import Answerer

    return Answerer.open(monzo_dir, tmp_path_factory.mktemp("monzo-index"), embedder=embedder)


@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL server for the session (tests/support/postgres.py); skipped without the
    server binaries, except under CI=true, where .ci/run installs them and a skip would hide that."""
    from tests.support.postgres import bindir, running_server

    bin_dir = bindir()
    if bin_dir is None:
        reason = "PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install postgresql, or run .ci/run"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true: these tests must run)")
        pytest.skip(reason)
    with running_server(bin_dir) as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def state_settings(request: pytest.FixtureRequest, tmp_path: Path):
    """Settings whose shared state is the SQLite file (CAREERFW_DATABASE_URL unset) or a fresh
    database on the test PostgreSQL server: the state tests run once on each."""
    from bot.config import Settings

    settings = Settings(state_db=tmp_path / "state.db", scheduler_enabled=False)
    if request.param == "postgresql":
        return replace(settings, database_url=request.getfixturevalue("postgres").create_database())
    return settings


@pytest.fixture
def stores(state_settings):
    """Two Store objects over one state database: two replicas, as far as the database sees."""
    from bot.store import Store

    a, b = Store.open(state_settings), Store.open(state_settings)
    yield a, b
    a.close()
    b.close()
