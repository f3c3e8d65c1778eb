"""One bad value never pauses the shared store for everyone (docs/state.md, "Answers never wait on the
database"): text is cleaned and ids checked before any store call, and a call the database refuses for
its own data fails alone. On both backends: the SQLite file and a real PostgreSQL server."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.config import Settings
from bot.feedback import Feedback
from bot.ratelimit import RateLimiter
from bot.services import NO_SENDER, AnswerServices
from bot.store import Store
from bot.store.clean import clean_text, valid_id
from bot.store.events import EventLedger
from bot.store.schema import rate_limits
from index.answer import Answerer


@pytest.fixture
def store(state_settings: Settings) -> Iterator[Store]:
    opened = Store.open(state_settings)
    yield opened
    opened.close()


def limit_still_kept(store: Store) -> bool:
    """Whether the store is in use right now: a limit of one question a minute refuses the second."""
    limiter = RateLimiter(store, per_minute=1)
    return limiter.check("slack:U0OTHER").allowed and not limiter.check("slack:U0OTHER").allowed


def test_a_question_with_a_nul_is_recorded_without_it_and_pauses_nothing(
    store: Store, seed_answerer: Answerer
) -> None:
    """PostgreSQL text cannot hold U+0000: the insert failed, and the store was skipped for 5 s for
    everyone (rate limits unenforced, a Slack retry answered twice)."""
    answer = seed_answerer.ask("what does Head of ML own?\x00 \x1b[2J")
    log = Feedback(store)
    qid = log.record_question(surface="slack", user_id="U0NUL", answer=answer)
    assert qid is not None, "the question was not recorded, so its answer went out without buttons"
    stored = log.get_question(qid)
    assert stored is not None
    assert "\x00" not in stored.question and "\x1b" not in stored.question
    assert stored.question.startswith("what does Head of ML own?")
    assert log.record_feedback(surface="slack", user_id="U0NUL", verdict="not_helpful", question_id=qid)
    # A vote carrying its question's words (Teams), with a lone surrogate neither driver can encode.
    assert log.record_feedback(surface="teams", user_id="29:1x", verdict="helpful", question="why\x00 \ud800?")
    assert EventLedger(store).first_time("slack:Ev\x00NUL") is True
    assert EventLedger(store).first_time("slack:Ev\x00NUL") is False  # still de-duplicated
    assert limit_still_kept(store)


def test_a_value_the_database_refuses_fails_that_call_alone(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    """A real data error from the database itself (PostgreSQL: DataError for a NUL; SQLite:
    ProgrammingError binding a list) drops that call, not the store."""
    bad: object = "a\x00b" if not store.target.is_sqlite else ["U1"]

    def work(conn: Connection) -> bool:
        conn.execute(sa.insert(rate_limits).values(key=bad, hits="[]", updated_at=0.0))
        return True

    caplog.set_level(logging.WARNING, logger="careerfw.store")
    assert store.attempt("a bad row", work, fallback=False) is False
    assert "that call alone is dropped" in caplog.text
    assert "unavailable" not in caplog.text  # not reported as an outage
    assert limit_still_kept(store)
    ledger = EventLedger(store)
    assert ledger.first_time("slack:EvAFTER") is True and ledger.first_time("slack:EvAFTER") is False


class _Services(AnswerServices, surface="slack", thread_name_prefix="careerfw-test"):
    pass


def test_a_user_id_that_is_not_a_string_is_refused_without_touching_the_store(
    state_settings: Settings, seed_answerer: Answerer
) -> None:
    """A signed Slack event whose `user` is a list made SQLite refuse the bind, which paused the store
    for everyone. Now it is refused politely, nothing is written for it, and the store goes on."""
    services = _Services.create(state_settings, seed_answerer)
    try:
        for odd in (["U1"], {"id": "U1"}, 7, "", "U" * 300, "U1\x00", None):
            assert asyncio.run(services.rate_check(odd)) == NO_SENDER  # type: ignore[arg-type]
            asked = services.ask_following(odd, "what does Head of ML own?", conversation="D0LIST")  # type: ignore[arg-type]
            assert asked.question_id is None
        with services.store.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM questions")).scalar_one() == 0
            assert conn.execute(sa.text("SELECT count(*) FROM conversation_context")).scalar_one() == 0
        # The store is not paused: the next person's question is recorded and their limit kept.
        assert services.ask_following("U0REAL", "what does Head of ML own?", conversation="D0REAL").question_id
        assert limit_still_kept(services.store)
    finally:
        services.close()


def test_clean_text_and_valid_id() -> None:
    assert clean_text("a\x00b\tc\nd\x1b[2Je\x7f") == "ab\tc\nd[2Je\x7f"
    assert clean_text("x\ud800y") == "x\ufffdy"
    assert valid_id("U0123ABC") == "U0123ABC"
    assert valid_id("29:1abc-DEF_ghi") == "29:1abc-DEF_ghi"
    for odd in (["U1"], 1, None, "", " U1", "U1\n", "U" * 256, "U\x00"):
        assert valid_id(odd) is None
