"""Feedback and the questions log in the shared store, on both backends (the SQLite file and a real
PostgreSQL server), and the `careerfw feedback` summary."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Settings
from bot.feedback import Feedback
from bot.store import Store
from index.answer import Answer, Quote
from index.entry import Entry


def _entry(area: str, level: str = "Level 1") -> Entry:
    return Entry(
        framework="FW", craft="Craft", level=level, role="Role", section="Section", area=area,
        description=f"I do {area}.", todo=False, source=f"craft/{level}.md:{len(area)}",
    )


def _answer(question: str, *entries: Entry) -> Answer:
    quotes = [Quote(e, e.description, 0.9, True, None) for e in entries]
    return Answer(question, "lookup", bool(quotes), quotes=quotes)


@pytest.fixture
def store(state_settings: Settings) -> Iterator[Store]:
    opened = Store.open(state_settings)
    yield opened
    opened.close()


def _use(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREERFW_STATE_DB", str(settings.state_db))
    if settings.database_url:
        monkeypatch.setenv("CAREERFW_DATABASE_URL", settings.database_url)
    else:
        monkeypatch.delenv("CAREERFW_DATABASE_URL", raising=False)


def test_votes_are_counted_per_area_and_the_latest_vote_wins(store: Store) -> None:
    log = Feedback(store)
    ops, strategy = _entry("ML Ops"), _entry("AI Strategy")
    q1 = log.record_question(surface="slack", user_id="U111", answer=_answer("who owns ml ops?", ops, strategy))
    q2 = log.record_question(surface="teams", user_id="aad-222", answer=_answer("ml ops again", ops))
    log.record_question(surface="slack", user_id="U111", answer=_answer("what is lunch?"))
    assert q1 and q2 and q1 != q2

    log.record_feedback(surface="slack", user_id="U111", verdict="not_helpful", question_id=q1)
    log.record_feedback(surface="slack", user_id="U111", verdict="helpful", question_id=q1)  # changes mind
    log.record_feedback(surface="teams", user_id="aad-222", verdict="not_helpful", question_id=q2)

    rows = {r.area: r for r in log.summary()}
    assert (rows["ML Ops"].asked, rows["ML Ops"].helpful, rows["ML Ops"].not_helpful) == (2, 1, 1)
    assert (rows["AI Strategy"].asked, rows["AI Strategy"].helpful, rows["AI Strategy"].not_helpful) == (1, 1, 0)
    assert rows["(no good match)"].asked == 1
    asked = log.get_question(q1)
    assert asked is not None and asked.question == "who owns ml ops?" and asked.confident
    assert log.asked_by(asked, "slack", "U111") and not log.asked_by(asked, "slack", "U999")


def test_two_replicas_share_questions_votes_and_who_asked(stores: tuple[Store, Store]) -> None:
    a, b = stores
    # Separate Feedback objects stand for separate processes: each finds the user-hash key itself.
    qid = Feedback(a).record_question(surface="slack", user_id="U1", answer=_answer("q", _entry("Ops")))
    other = Feedback(b)
    asked = other.get_question(qid)
    assert asked is not None and other.asked_by(asked, "slack", "U1")
    other.record_feedback(surface="slack", user_id="U1", verdict="helpful", question_id=qid)
    Feedback(a).record_feedback(surface="slack", user_id="U1", verdict="not_helpful", question_id=qid)
    (row,) = Feedback(b).summary()
    assert (row.helpful, row.not_helpful) == (0, 1)  # one person, one vote, wherever it landed


def test_feedback_without_a_recorded_question_keeps_question_and_entries(store: Store) -> None:
    log = Feedback(store)
    log.record_feedback(surface="teams", user_id="aad-1", verdict="helpful", question="q?", entries=[_entry("Ops")])
    (row,) = log.summary()
    assert (row.area, row.helpful, row.asked) == ("Ops", 1, 0)
    with pytest.raises(ValueError):
        log.record_feedback(surface="teams", user_id="aad-1", verdict="meh", question="q?")


def test_a_reason_is_kept_with_the_voters_own_thumbs_down_only(store: Store) -> None:
    log = Feedback(store)
    qid = log.record_question(surface="slack", user_id="U1", answer=_answer("who hires?", _entry("Hiring")))
    down = log.record_feedback(surface="slack", user_id="U1", verdict="not_helpful", question_id=qid)
    assert down is not None
    assert not log.add_reason(down, surface="slack", user_id="U2", reason="not mine to explain")
    assert log.add_reason(down, surface="slack", user_id="U1", reason="  It quoted <Level 2> & not 1\nsecond line ")
    (row,) = log.summary()
    assert row.reasons == ["It quoted <Level 2> & not 1\nsecond line"]  # stored as typed: escaping is for display
    up = log.record_feedback(surface="slack", user_id="U1", verdict="helpful", question_id=qid)
    assert up is not None and not log.add_reason(up, surface="slack", user_id="U1", reason="a helpful vote has none")


def test_user_ids_are_stored_only_hashed(state_settings: Settings, store: Store) -> None:
    log = Feedback(store)
    qid = log.record_question(surface="slack", user_id="U0SECRETID", answer=_answer("q", _entry("Ops")))
    log.record_feedback(surface="slack", user_id="U0SECRETID", verdict="helpful", question_id=qid)
    asked = log.get_question(qid)
    assert asked is not None and "U0SECRETID" not in asked.user_hash and len(asked.user_hash) == 64
    if not state_settings.database_url:
        store.close()
        raw = b"".join(p.read_bytes() for p in state_settings.state_db.parent.iterdir()
                       if p.name.startswith("state.db") and not p.name.endswith(".key"))
        assert b"U0SECRETID" not in raw


def test_feedback_command_prints_areas_votes_and_reasons(
    state_settings: Settings, store: Store, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    log = Feedback(store)
    qid = log.record_question(surface="slack", user_id="U1", answer=_answer("q", _entry("Data Ethics")))
    fid = log.record_feedback(surface="slack", user_id="U1", verdict="not_helpful", question_id=qid)
    assert fid is not None and log.add_reason(fid, surface="slack", user_id="U1", reason="Too vague\nfor my team")
    other = log.record_question(surface="teams", user_id="aad-2", answer=_answer("q2", _entry("Hiring")))
    log.record_feedback(surface="teams", user_id="aad-2", verdict="not_helpful", question_id=other)  # no reason
    _use(state_settings, monkeypatch)

    assert main(["feedback", "--json"]) == 0
    rows = {r["area"]: r for r in json.loads(capsys.readouterr().out)}
    ethics = rows["Data Ethics"]
    assert (ethics["asked"], ethics["helpful"], ethics["not_helpful"]) == (1, 0, 1)
    assert ethics["reasons"] == ["Too vague\nfor my team"] and rows["Hiring"]["reasons"] == []

    assert main(["feedback"]) == 0
    out = capsys.readouterr().out
    assert "Data Ethics" in out and "not helpful" in out
    reasons = out.split("Reasons given with a thumbs-down")[1]
    assert "Data Ethics — Level 1:\n  - Too vague for my team\n" in reasons
    assert "Hiring" not in reasons


def test_feedback_command_with_nothing_recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CAREERFW_STATE_DB", str(tmp_path / "absent.db"))
    monkeypatch.delenv("CAREERFW_DATABASE_URL", raising=False)
    assert main(["feedback"]) == 0
    assert "No questions" in capsys.readouterr().out
    assert not (tmp_path / "absent.db").exists()  # saying so creates nothing


def test_the_serving_key_reader_reads_only_a_small_regular_file(tmp_path: Path) -> None:
    import os

    from bot.feedback import FeedbackError, _read_key

    assert _read_key(tmp_path / "absent.key") is None
    good = tmp_path / "good.key"
    good.write_text("ab" * 32 + "\n", "ascii")
    assert _read_key(good) == bytes.fromhex("ab" * 32)
    fifo = tmp_path / "fifo.key"
    os.mkfifo(fifo)  # read as before, this blocked the process for ever
    big = tmp_path / "big.key"
    big.write_text("ab" * 10_000, "ascii")
    zero = tmp_path / "zero.key"
    zero.symlink_to("/dev/zero")  # read as before, this filled memory
    for path in (fifo, big, zero):
        with pytest.raises(FeedbackError) as err:
            _read_key(path)
        assert str(path) in str(err.value)
