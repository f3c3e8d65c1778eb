"""Teams over real HTTP on loopback: the bot's aiohttp app and a stand-in for the Bot Framework
connector (the `serviceUrl` replies and proactive posts go to), both on one background event loop.

Tests talk to the bot with plain HTTP (urllib), exactly as Teams would: Bot Framework activities
POSTed to /api/messages. The model is the session's `seed_answerer`; nothing leaves 127.0.0.1.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from aiohttp import web

from bot.config import Settings
from bot.teams import connection
from bot.teams.app import create_app
from bot.teams.services import Services
from tests.teams.harness import REPO, Bot, Connector, LoopThread, serve


@pytest.fixture(scope="session")
def loop_thread() -> Iterator[LoopThread]:
    loop = LoopThread()
    yield loop
    loop.close()


@pytest.fixture(scope="module")
def connector(loop_thread: LoopThread) -> Iterator[Connector]:
    stand_in = Connector()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", stand_in.handle)
    runner, port = loop_thread.run(serve(app))
    stand_in.url = f"http://127.0.0.1:{port}/"
    yield stand_in
    loop_thread.run(runner.cleanup())


@pytest.fixture(scope="module")
def start_bot(loop_thread: LoopThread, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., Bot]]:
    runners: list[web.AppRunner] = []
    started: list[Services] = []

    def start(answerer: Any, ready: bool = True, manager: Any = None, **settings: Any) -> Bot:
        state = tmp_path_factory.mktemp("teams-state") / "state.db"
        config = Settings(content_dir=REPO / "content", state_db=state, scheduler_enabled=False, **settings)
        services = Services.create(config, answerer)
        if ready:
            services.health.mark_ready(len(answerer.entries))
        app = create_app(services, manager or connection.connection_manager(config))
        runner, port = loop_thread.run(serve(app))
        runners.append(runner)
        started.append(services)
        return Bot(f"http://127.0.0.1:{port}", services)

    yield start
    for runner in runners:
        loop_thread.run(runner.cleanup())
    for services in started:
        services.close()


@pytest.fixture(scope="module")
def bot(start_bot: Callable[..., Bot], seed_answerer: Any) -> Bot:
    """The development set-up: CAREERFW_TEAMS_ALLOW_ANONYMOUS=1. A module asks many questions, often as one
    person, so the rate limit is out of its way (test_chat starts its own bot to test the limit)."""
    return start_bot(seed_answerer, teams_allow_anonymous=True, rate_limit_per_minute=1000)


@pytest.fixture(scope="module")
def monzo_bot(start_bot: Callable[..., Bot], monzo_answerer: Any) -> Bot:
    """The bot serving the shared Monzo framework, with the module's own state: the follow-up and ladder
    tests ask many questions, so the rate limit is out of their way."""
    return start_bot(monzo_answerer, teams_allow_anonymous=True, rate_limit_per_minute=1000)
