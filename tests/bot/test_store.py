"""The shared state (bot/store) on both backends: SQLite (CAREERFW_DATABASE_URL unset) and a real
PostgreSQL server. Two Store objects on one database stand for two replicas."""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import replace
from pathlib import Path

import pytest

import bot.store
from bot.config import ConfigError, Settings
from bot.ratelimit import RateLimiter
from bot.store import Store, StoreUnavailable, migrate
from bot.store.events import EventLedger
from tests.support.clock import Clock


def test_an_event_seen_by_one_replica_is_a_duplicate_on_the_other(stores: tuple[Store, Store]) -> None:
    a, b = (EventLedger(store) for store in stores)
    assert a.first_time("slack:Ev1") is True
    assert b.first_time("slack:Ev1") is False
    assert a.first_time("slack:Ev1") is False
    assert b.first_time("slack:Ev2") is True


def test_an_event_is_new_again_after_its_expiry(stores: tuple[Store, Store]) -> None:
    clock = Clock()
    a, b = (EventLedger(store, ttl_s=60, clock=clock) for store in stores)
    assert a.first_time("slack:Ev1") is True
    clock.now += 59
    assert b.first_time("slack:Ev1") is False
    clock.now += 2
    assert b.first_time("slack:Ev1") is True  # past the expiry: recorded afresh
    assert a.first_time("slack:Ev1") is False


def test_racing_deliveries_of_one_event_are_answered_once(stores: tuple[Store, Store]) -> None:
    ledgers = [EventLedger(store) for store in stores]
    results: list[bool] = []
    start = threading.Barrier(8)

    def deliver(i: int) -> None:
        start.wait()
        results.append(ledgers[i % 2].first_time("slack:EvRACE"))

    threads = [threading.Thread(target=deliver, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results) == [False] * 7 + [True]


def test_one_users_questions_over_two_replicas_meet_one_limit(stores: tuple[Store, Store]) -> None:
    clock = Clock()
    a, b = (RateLimiter(store, per_minute=3, clock=clock) for store in stores)
    assert a.check("slack:U1").allowed
    clock.now += 10
    assert b.check("slack:U1").allowed
    assert a.check("slack:U1").allowed
    refused = b.check("slack:U1")
    assert not refused.allowed
    assert refused.retry_after_s == 50  # the first question leaves the window 60 s after it was asked
    assert a.check("slack:U2").allowed  # another person is not affected
    clock.now += 50.5
    assert b.check("slack:U1").allowed


def test_racing_questions_from_one_user_admit_exactly_the_limit(stores: tuple[Store, Store]) -> None:
    limiters = [RateLimiter(store, per_minute=5) for store in stores]
    results: list[bool] = []
    start = threading.Barrier(12)

    def ask(i: int) -> None:
        start.wait()
        results.append(limiters[i % 2].check("teams:U1").allowed)

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(results) == 12
    assert results.count(True) == 5


def test_db_upgrade_creates_the_schema_then_reports_it_current(
    state_settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    monkeypatch.setenv("CAREERFW_STATE_DB", str(state_settings.state_db))
    if state_settings.database_url:
        monkeypatch.setenv("CAREERFW_DATABASE_URL", state_settings.database_url)
    else:
        monkeypatch.delenv("CAREERFW_DATABASE_URL", raising=False)

    assert main(["db", "status"]) == 3  # empty: a revision to apply
    assert "to apply" in capsys.readouterr().out
    assert main(["db", "upgrade"]) == 0
    out = capsys.readouterr().out
    assert "upgraded from empty to" in out
    assert main(["db", "upgrade"]) == 0
    assert "already at" in capsys.readouterr().out
    assert main(["db", "status"]) == 0
    out = capsys.readouterr().out
    assert "up to date" in out
    if state_settings.database_url:
        assert "s3cret" not in out and "***" in out


def test_without_a_database_url_the_state_lives_in_the_state_db_file(tmp_path: Path) -> None:
    db = tmp_path / "nested" / "state.db"
    store = Store.open(Settings(state_db=db))
    assert EventLedger(store).first_time("slack:Ev1")
    store.close()
    tables = {r[0] for r in sqlite3.connect(db).execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"seen_events", "rate_limits", "alembic_version"} <= tables
    assert not (tmp_path / "nested").joinpath("state.db").with_suffix(".sqlite").exists()


def test_start_refuses_a_pending_revision_that_is_not_additive(
    state_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = migrate._script().get_revision("0001").module
    monkeypatch.setattr(module, "additive", False)
    with pytest.raises(StoreUnavailable, match="careerfw db upgrade"):
        Store.open(state_settings)
    # What `careerfw db upgrade` does by hand is still possible, and a start after it is fine.
    from bot.store.engine import ADMIN, Target, create_engine

    engine = create_engine(Target.from_settings(state_settings), ADMIN)
    migrate.upgrade(engine)
    engine.dispose()
    Store.open(state_settings).close()


def test_a_database_at_a_newer_revision_is_used_with_a_warning(
    state_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    Store.open(state_settings).close()
    store = Store.open(state_settings)
    with store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    store.close()
    caplog.set_level("WARNING", logger="careerfw.store")
    store = Store.open(state_settings)
    assert EventLedger(store).first_time("slack:Ev1")
    store.close()
    assert "does not know" in caplog.text


@pytest.mark.parametrize(
    "url", ["mysql://root:hunter2@db/careerfw", "not a url", "sqlite:///tmp/x.db"]
)
def test_a_database_url_that_is_not_postgresql_is_refused_by_name(url: str) -> None:
    with pytest.raises(ConfigError) as raised:
        Settings.from_env({"CAREERFW_DATABASE_URL": url})
    message = str(raised.value)
    assert "CAREERFW_DATABASE_URL" in message
    assert "hunter2" not in message


def test_postgresql_urls_in_the_usual_spellings_are_accepted() -> None:
    for url in ("postgresql://u:p@h:5432/d", "postgres://u:p@h/d", "postgresql+psycopg://u@h/d"):
        assert Settings.from_env({"CAREERFW_DATABASE_URL": url}).database_url == url
    assert Settings.from_env({}).database_url is None


# --- PostgreSQL down, restarting, or refusing us ---------------------------------------------------


def test_while_postgresql_is_down_state_fails_open_and_resumes_after(
    postgres, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.support.postgres import running_server

    monkeypatch.setattr(bot.store, "PAUSE_S", 0.2)
    with running_server(postgres.bin) as server:
        settings = Settings(state_db=tmp_path / "unused.db", database_url=server.create_database())
        store = Store.open(settings)
        ledger, limiter = EventLedger(store), RateLimiter(store, per_minute=1)
        assert ledger.first_time("slack:Ev1") is True
        assert limiter.check("slack:U1").allowed and not limiter.check("slack:U1").allowed

        server.stop()
        # Fails open: a duplicate is answered and the limit admits, rather than silence.
        assert ledger.first_time("slack:Ev1") is True
        assert limiter.check("slack:U1").allowed

        server.start()
        import time

        time.sleep(0.3)  # past the pause, the next call tries the database again
        assert ledger.first_time("slack:Ev1") is False  # de-duplication resumed, with the old record
        assert ledger.first_time("slack:Ev2") is True
        assert ledger.first_time("slack:Ev2") is False
        store.close()
    assert not (tmp_path / "unused.db").exists()


def test_a_wrong_password_stops_the_start_with_one_masked_line(postgres, tmp_path: Path) -> None:
    url = postgres.create_database().replace(":s3cret-for-tests@", ":wrong-pass-123@")
    settings = Settings(state_db=tmp_path / "state.db", database_url=url)
    with pytest.raises(StoreUnavailable) as raised:
        Store.open(settings)
    message = str(raised.value)
    assert "\n" not in message
    assert "CAREERFW_DATABASE_URL=postgresql://careerfw:***@127.0.0.1:" in message
    assert "wrong-pass-123" not in message
    assert "password authentication failed" in message


def test_an_unreachable_host_stops_the_start_with_one_line(tmp_path: Path) -> None:
    from tests.support.ports import free_port

    url = f"postgresql://careerfw:pw-not-shown@127.0.0.1:{free_port()}/careerfw"
    with pytest.raises(StoreUnavailable) as raised:
        Store.open(replace(Settings(state_db=tmp_path / "s.db"), database_url=url))
    message = str(raised.value)
    assert "\n" not in message and "pw-not-shown" not in message
    assert message.startswith("cannot use CAREERFW_DATABASE_URL=postgresql://careerfw:***@127.0.0.1:")


def test_the_migrated_schema_matches_the_tables_the_code_uses(state_settings: Settings) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from bot.store.schema import metadata

    store = Store.open(state_settings)
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    store.close()
    ours = [d for d in diff if "alembic_version" not in repr(d)]
    assert ours == []


@pytest.mark.parametrize("command", [["teams", "--host", "127.0.0.1"], ["db", "upgrade"]])
def test_a_server_with_a_wrong_password_exits_with_one_masked_line(
    postgres, tmp_path: Path, command: list[str]
) -> None:
    import os
    import subprocess
    import sys

    from tests.support.ports import free_port

    url = postgres.create_database().replace(":s3cret-for-tests@", ":wrong-pass-123@")
    env = {
        **os.environ,
        "CAREERFW_DATABASE_URL": url,
        "CAREERFW_STATE_DB": str(tmp_path / "state.db"),
        "CAREERFW_TEAMS_ALLOW_ANONYMOUS": "1",
        "CAREERFW_SCHEDULER": "off",
    }
    if command[0] == "teams":
        command = [*command, "--port", str(free_port())]
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", *command], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if "CAREERFW_DATABASE_URL" in line]
    assert len(errors) == 1, done.stderr
    assert errors[0].startswith("careerfw: cannot use CAREERFW_DATABASE_URL=postgresql://careerfw:***@")
    assert "password authentication failed" in errors[0]
    assert "wrong-pass-123" not in done.stderr + done.stdout
    assert "Traceback" not in done.stderr
    assert "entries loaded" not in done.stderr  # stopped before the model loaded


# --- a start at head does not need Alembic (issue 23, item 4) ------------------------------------------

_OPEN_AND_REPORT = """
import json, sys
from bot.config import Settings
from bot.store import Store, migrate
from bot.store.engine import ADMIN, Target, create_engine
settings = Settings.from_env()
Store.open(settings).close()
loaded = "alembic" in sys.modules
engine = create_engine(Target.from_settings(settings), ADMIN)
print(json.dumps({"alembic": loaded, "current": migrate.status(engine).current}))
engine.dispose()
"""


def _open_in_a_process(settings: Settings) -> dict[str, object]:
    """Store.open as a serving process runs it, in a fresh interpreter: did it import Alembic, and where is
    the schema after it."""
    import json
    import subprocess
    import sys

    from tests.support.process import REPO, process_env

    env = process_env(settings.state_db.parent, CAREERFW_STATE_DB=str(settings.state_db))
    if settings.database_url:
        env["CAREERFW_DATABASE_URL"] = settings.database_url
    run = subprocess.run([sys.executable, "-c", _OPEN_AND_REPORT], env=env, cwd=REPO, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_the_head_the_revision_files_declare_is_alembics_head() -> None:
    assert migrate.declared_head() == migrate._script().get_current_head()


def test_a_start_on_a_database_at_head_does_not_import_alembic(state_settings: Settings) -> None:
    head = migrate._script().get_current_head()
    first = _open_in_a_process(state_settings)  # empty: Alembic creates the schema
    assert first == {"alembic": True, "current": head}
    again = _open_in_a_process(state_settings)  # a restart: one SELECT says it is at head
    assert again == {"alembic": False, "current": head}


def test_a_database_at_an_older_revision_is_still_upgraded_at_start(state_settings: Settings) -> None:
    from alembic import command

    from bot.store.engine import ADMIN, Target, create_engine

    script = migrate._script()
    head = script.get_current_head()
    older = script.get_revision(head).down_revision
    assert isinstance(older, str)
    engine = create_engine(Target.from_settings(state_settings), ADMIN)
    config = migrate._config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, older)
    assert migrate.status(engine).pending == (head,)
    engine.dispose()
    assert _open_in_a_process(state_settings) == {"alembic": True, "current": head}
