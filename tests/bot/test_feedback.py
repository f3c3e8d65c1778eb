"""Feedback and questions in the real SQLite state DB, and the `careerfw feedback` summary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.feedback import get_question, record_feedback, record_question, summary
from bot.state import StateDB
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


def test_votes_are_counted_per_area_and_the_latest_vote_wins(tmp_path: Path) -> None:
    db = StateDB(tmp_path / "state.db")
    ops, strategy = _entry("ML Ops"), _entry("AI Strategy")
    q1 = record_question(db, surface="slack", user_id="U111", answer=_answer("who owns ml ops?", ops, strategy))
    q2 = record_question(db, surface="teams", user_id="aad-222", answer=_answer("ml ops again", ops))
    record_question(db, surface="slack", user_id="U111", answer=_answer("what is lunch?"))

    record_feedback(db, surface="slack", user_id="U111", verdict="not_helpful", question_id=q1)
    record_feedback(db, surface="slack", user_id="U111", verdict="helpful", question_id=q1)  # changes mind
    record_feedback(db, surface="teams", user_id="aad-222", verdict="not_helpful", question_id=q2)

    rows = {r.area: r for r in summary(db)}
    assert (rows["ML Ops"].asked, rows["ML Ops"].helpful, rows["ML Ops"].not_helpful) == (2, 1, 1)
    assert (rows["AI Strategy"].asked, rows["AI Strategy"].helpful, rows["AI Strategy"].not_helpful) == (1, 1, 0)
    assert rows["(no good match)"].asked == 1
    assert get_question(db, q1).question == "who owns ml ops?"


def test_feedback_without_a_recorded_question_keeps_question_and_entries(tmp_path: Path) -> None:
    db = StateDB(tmp_path / "state.db")
    record_feedback(db, surface="teams", user_id="aad-1", verdict="helpful", question="q?", entries=[_entry("Ops")])
    (row,) = db.conn.execute("SELECT question, verdict, entries FROM feedback").fetchall()
    assert row["question"] == "q?" and row["verdict"] == "helpful"
    assert json.loads(row["entries"])[0]["area"] == "Ops"
    with pytest.raises(ValueError):
        record_feedback(db, surface="teams", user_id="aad-1", verdict="meh", question="q?")


def test_user_ids_are_stored_only_hashed(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    db = StateDB(path)
    qid = record_question(db, surface="slack", user_id="U0SECRETID", answer=_answer("q", _entry("Ops")))
    record_feedback(db, surface="slack", user_id="U0SECRETID", verdict="helpful", question_id=qid)
    db.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("state.db"))
    assert b"U0SECRETID" not in raw
    sql = "SELECT user_hash FROM questions UNION SELECT user_hash FROM feedback"
    hashes = {r[0] for r in StateDB(path).conn.execute(sql)}
    assert len(hashes) == 1 and len(next(iter(hashes))) == 64


def test_feedback_command_prints_per_area_summary(tmp_path: Path, monkeypatch, capsys) -> None:
    path = tmp_path / "state.db"
    db = StateDB(path)
    qid = record_question(db, surface="slack", user_id="U1", answer=_answer("q", _entry("Data Ethics")))
    record_feedback(db, surface="slack", user_id="U1", verdict="not_helpful", question_id=qid)
    monkeypatch.setenv("CAREERFW_STATE_DB", str(path))

    assert main(["feedback", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert (row["area"], row["asked"], row["helpful"], row["not_helpful"]) == ("Data Ethics", 1, 0, 1)

    assert main(["feedback"]) == 0
    out = capsys.readouterr().out
    assert "Data Ethics" in out and "not helpful" in out

    monkeypatch.setenv("CAREERFW_STATE_DB", str(tmp_path / "absent.db"))
    assert main(["feedback"]) == 0
    assert "No questions" in capsys.readouterr().out
