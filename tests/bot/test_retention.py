"""CAREERFW_RETENTION_DAYS: questions and votes older than that are deleted, at start and daily, on
both backends (the SQLite file and a real PostgreSQL server)."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest
import sqlalchemy as sa

from bot.config import ConfigError, Settings
from bot.feedback import Feedback
from bot.store import Store
from bot.store.retention import DAY_S, Retention, prune
from bot.store.schema import feedback, questions
from index.answer import Answer


def _age(store: Store, table: sa.Table, column: str, row_id: int, days: float) -> None:
    """Make one row `days` old (what a clock `days` ahead would see), in the real tables."""
    with store.engine.begin() as conn:
        conn.execute(sa.update(table).where(table.c.id == row_id).values({column: time.time() - days * DAY_S}))


def _count(store: Store, table: sa.Table) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def _asked(log: Feedback, user: str, days_old: float, store: Store) -> int:
    qid = log.record_question(surface="slack", user_id=user, answer=Answer(f"q by {user}", "lookup", False))
    assert qid is not None
    _age(store, questions, "asked_at", qid, days_old)
    return qid


def test_questions_and_votes_past_the_retention_are_pruned(state_settings: Settings) -> None:
    store = Store.open(state_settings)
    try:
        log = Feedback(store)
        old = _asked(log, "U1", 91, store)
        recent = _asked(log, "U2", 89, store)
        old_vote = log.record_feedback(surface="slack", user_id="U1", verdict="not_helpful", question_id=old)
        recent_vote_on_old = log.record_feedback(surface="slack", user_id="U2", verdict="helpful", question_id=old)
        assert old_vote and recent_vote_on_old
        _age(store, feedback, "created_at", old_vote, 95)

        pruned = prune(store, days=90)
        assert pruned is not None and (pruned.questions, pruned.feedback) == (1, 1)
        assert log.get_question(old) is None and log.get_question(recent) is not None
        # A recent vote on a pruned question stays, with its question text, until its own time.
        (row,) = [r for r in log.summary() if r.helpful or r.not_helpful]
        assert (row.helpful, row.not_helpful) == (1, 0)
        assert prune(store, days=90) == type(pruned)(questions=0, feedback=0)  # again: nothing left to do
    finally:
        store.close()


def test_a_serving_process_prunes_at_start(state_settings: Settings, seed_answerer) -> None:
    from bot.slack.services import Services

    store = Store.open(state_settings)
    log = Feedback(store)
    _asked(log, "U1", 31, store)
    keep = _asked(log, "U2", 1, store)
    store.close()

    services = Services.create(replace(state_settings, retention_days=30), seed_answerer)
    try:
        deadline = time.monotonic() + 20
        while services.retention.runs == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert services.retention.runs >= 1
        assert _count(services.store, questions) == 1
        assert services.feedback_log.get_question(keep) is not None
    finally:
        services.close()


def test_the_sweep_repeats_daily_and_zero_keeps_everything(state_settings: Settings) -> None:
    store = Store.open(state_settings)
    try:
        log = Feedback(store)
        _asked(log, "U1", 400, store)
        kept = Retention(store, days=0)
        kept.start()
        assert kept._thread is None and _count(store, questions) == 1  # 0: retention off

        clock = [time.time()]
        sweep = Retention(store, days=90, every_s=0.05, clock=lambda: clock[0])
        sweep.start()
        deadline = time.monotonic() + 20
        while _count(store, questions) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _count(store, questions) == 0
        _asked(log, "U2", 10, store)
        runs = sweep.runs
        clock[0] += 81 * DAY_S  # the next daily run sees a question that has since grown old
        while _count(store, questions) and time.monotonic() < deadline:
            time.sleep(0.05)
        sweep.stop()
        assert _count(store, questions) == 0 and sweep.runs > runs
    finally:
        store.close()


def test_retention_days_is_read_once_into_settings() -> None:
    assert Settings.from_env({}).retention_days == 90
    assert Settings.from_env({"CAREERFW_RETENTION_DAYS": "30"}).retention_days == 30
    assert Settings.from_env({"CAREERFW_RETENTION_DAYS": "0"}).retention_days == 0
    for bad in ("-1", "ninety"):
        with pytest.raises(ConfigError, match="CAREERFW_RETENTION_DAYS"):
            Settings.from_env({"CAREERFW_RETENTION_DAYS": bad})
