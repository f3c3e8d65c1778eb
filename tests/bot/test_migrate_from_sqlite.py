"""`careerfw db migrate-from-sqlite PATH` into a real PostgreSQL server: every state table the file
and the schema share is copied, counts are printed, running it twice copies nothing new, and what
cannot be copied is said, never dropped silently."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from microsoft_agents.activity import Activity

from bot.cli import main
from bot.config import Settings
from bot.feedback import Feedback
from bot.nudge.ledger import NudgeLedger, iso_week
from bot.ratelimit import RateLimiter
from bot.store import Store
from bot.store.contexts import ConversationContexts
from bot.store.events import EventLedger
from bot.store.schema import metadata, questions
from bot.teams.conversations import ConversationStore
from index.answer import Answer, Quote
from index.entry import Entry
from index.followup import Context
from tests.bot.test_feedback_legacy import write_legacy_state
from tests.teams.harness import members_changed


@pytest.fixture
def database_url(postgres, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    url = postgres.create_database()
    monkeypatch.setenv("CAREERFW_DATABASE_URL", url)
    monkeypatch.setenv("CAREERFW_STATE_DB", str(tmp_path / "unused-by-the-copy.db"))
    return url


@pytest.fixture
def into(database_url: str, tmp_path: Path) -> Iterator[Callable[[], Store]]:
    """Opens the PostgreSQL store the copy goes into, as a replica would."""
    stores: list[Store] = []

    def open_store() -> Store:
        stores.append(Store.open(Settings(state_db=tmp_path / "unused.db", database_url=database_url)))
        return stores[-1]

    yield open_store
    for store in stores:
        store.close()


def _answer(question: str, area: str) -> Answer:
    entry = Entry(framework="FW", craft="Craft", level="Level 1", role="Role", section="Section", area=area,
                  description=f"I do {area}.", todo=False, source="craft/level1.md:3")
    return Answer(question, "lookup", True, quotes=[Quote(entry, entry.description, 0.9, True, None)])


def current_state_file(path: Path) -> None:
    """A state file as this release writes it: every table of the schema, with rows in each that this
    module knows how to fill."""
    store = Store.open(Settings(state_db=path))
    log = Feedback(store)
    for i in range(5):
        qid = log.record_question(surface="slack", user_id=f"U{i}", answer=_answer(f"question {i}", f"Area {i % 2}"))
        fid = log.record_feedback(surface="slack", user_id=f"U{i}", verdict="not_helpful", question_id=qid)
        assert fid is not None and log.add_reason(fid, surface="slack", user_id=f"U{i}", reason=f"reason {i}")
    assert EventLedger(store).first_time("slack:Ev1")
    assert RateLimiter(store, per_minute=10).check("slack:U1").allowed
    context = Context(framework="FW", craft="Craft", level="Level 1", area="Area 0")
    assert ConversationContexts(store).put("slack", "U1", "D0DM", context)
    ledger = NudgeLedger(store)
    monday = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    claim = ledger.claim("slack:C0NUDGE", iso_week(monday), monday)
    ledger.mark_sent(claim, monday, "todo", {"e1": {"area": "Area 0"}})
    ledger.claim("slack:C0OTHER", iso_week(monday), monday)  # a claim in progress travels too
    added = members_changed(service_url="https://smba.trafficmanager.net/emea/", conversation="19:general@thread.tacv2",
                            kind="channel", added=True, team="19:general@thread.tacv2")
    assert ConversationStore(store).remember(Activity.model_validate(added), None, installed=True)
    store.close()


def _rows(conn: sa.Connection, columns: list[sa.Column]) -> set[tuple[object, ...]]:
    return {tuple(r) for r in conn.execute(sa.select(*columns))}


def _same_rows(path: Path, store: Store) -> list[str]:
    """The tables the file has, after checking PostgreSQL holds exactly the same rows in each."""
    source = sa.create_engine(f"sqlite:///{path}")
    compared = []
    with source.connect() as src, store.engine.connect() as dst:
        inspector = sa.inspect(src)
        names = set(inspector.get_table_names())
        for table in metadata.sorted_tables:
            if table.name in names and table.name != "feedback_meta":  # the key moves out (below)
                # The columns the file has (an old file lacks newer ones, left empty in the copy).
                have = {c["name"] for c in inspector.get_columns(table.name)}
                columns = [c for c in table.columns if c.name in have]
                assert _rows(src, columns) == _rows(dst, columns), table.name
                compared.append(table.name)
    source.dispose()
    return compared


def _counts(out: str) -> dict[str, list[int]]:
    """The printed table: per state table, in the file / database before / copied / database after."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("table "))
    rows = {}
    for line in lines[start + 1:]:
        parts = line.split()
        if len(parts) != 5 or not parts[1].isdigit():
            break
        rows[parts[0]] = [int(p) for p in parts[1:]]
    return rows


def test_a_current_state_file_is_copied_whole_and_twice_is_harmless(
    tmp_path: Path, into, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "state.db"
    current_state_file(path)

    assert main(["db", "migrate-from-sqlite", str(path)]) == 0
    out = capsys.readouterr().out
    counts = _counts(out)
    assert counts["questions"] == [5, 0, 5, 5] and counts["feedback"] == [5, 0, 5, 5]
    assert counts["seen_events"] == [1, 0, 1, 1] and counts["rate_limits"] == [1, 0, 1, 1]
    assert "***" in out and "s3cret" not in out  # the URL is named with its password masked

    # Again, right away (an interrupted run retried, a nervous operator): nothing new, nothing doubled.
    assert main(["db", "migrate-from-sqlite", str(path)]) == 0
    again = _counts(capsys.readouterr().out)
    assert again["questions"] == [5, 5, 0, 5] and again["feedback"] == [5, 5, 0, 5]

    store = into()
    # Every table this release has, from whoever made it (feedback, nudges, Teams, context), is
    # covered: the file has rows in each (else this test proves nothing for it), and PostgreSQL
    # now holds exactly those rows.
    for table in metadata.sorted_tables:
        if table.name != "feedback_meta":  # the key lives in the file beside it (checked below)
            assert counts.get(table.name, [0])[0] > 0, (
                f"{table.name} has no rows in current_state_file's file: add some there, so its copy is tested")
    assert set(_same_rows(path, store)) == {t.name for t in metadata.sorted_tables} - {"feedback_meta"}

    # The people behind the hashes are still recognised: U3's old question is U3's, a new vote
    # replaces the copied one, and new questions are numbered after the copied ones.
    log = Feedback(store)
    asked = log.get_question(4)
    assert asked is not None and log.asked_by(asked, "slack", "U3")
    assert log.record_feedback(surface="slack", user_id="U3", verdict="helpful", question_id=4) is not None
    assert log.record_question(surface="slack", user_id="U9", answer=_answer("new", "Area 0")) == 6
    by_area = {r.area: r for r in log.summary()}
    assert (by_area["Area 1"].helpful, by_area["Area 1"].not_helpful) == (1, 1)
    assert by_area["Area 0"].reasons == ["reason 4", "reason 2", "reason 0"]


def test_a_state_file_from_before_the_shared_store_is_copied(
    tmp_path: Path, into, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "old-state.db"
    user_hash = write_legacy_state(path, questions=40)
    before = sqlite3.connect(path).execute("SELECT COUNT(*) FROM questions").fetchone()

    assert main(["db", "migrate-from-sqlite", str(path)]) == 0
    counts = _counts(capsys.readouterr().out)
    assert counts["questions"] == [40, 0, 40, 40] and counts["feedback"] == [40, 0, 40, 40]
    assert "seen_events" not in counts  # the old file never had it: nothing to copy
    # The file was only read.
    assert sqlite3.connect(path).execute("SELECT COUNT(*) FROM questions").fetchone() == before
    assert "reason" not in {r[1] for r in sqlite3.connect(path).execute("PRAGMA table_info(feedback)")}

    store = into()
    assert _same_rows(path, store) == ["questions", "feedback"]
    log = Feedback(store)
    asked = log.get_question(40)
    assert asked is not None and asked.user_hash == user_hash and log.asked_by(asked, "slack", "U1")
    (row,) = log.summary()
    assert (row.asked, row.helpful, row.not_helpful) == (40, 20, 20)


def test_rows_that_postgresql_holds_differently_are_reported_not_overwritten(
    tmp_path: Path, into, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "state.db"
    write_legacy_state(path, questions=3)
    store = into()
    # A replica already wrote to PostgreSQL: its question 1 is another question.
    Feedback(store).record_question(surface="teams", user_id="aad-1", answer=_answer("already here", "Ops"))

    assert main(["db", "migrate-from-sqlite", str(path)]) == 1
    out = capsys.readouterr().out
    assert _counts(out)["questions"] == [3, 1, 2, 3]
    assert "1 row(s) of questions" in out and "were not copied" in out
    with store.engine.connect() as conn:
        kept = conn.execute(sa.select(questions.c.question).where(questions.c.id == 1)).scalar_one()
    assert kept == "already here"


def test_refusals_are_one_clear_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("CAREERFW_DATABASE_URL", raising=False)
    path = tmp_path / "state.db"
    write_legacy_state(path, questions=1)
    assert main(["db", "migrate-from-sqlite", str(path)]) == 1
    assert "set CAREERFW_DATABASE_URL" in capsys.readouterr().err

    monkeypatch.setenv("CAREERFW_DATABASE_URL", "postgresql://careerfw:pw@127.0.0.1:9/none")
    assert main(["db", "migrate-from-sqlite", str(tmp_path / "missing.db")]) == 1
    assert f"{tmp_path / 'missing.db'}: no such file" in capsys.readouterr().err

    garbage = tmp_path / "notes.txt"
    garbage.write_bytes(b"not a database " * 100)
    assert main(["db", "migrate-from-sqlite", str(garbage)]) == 1
    assert "is not a SQLite state database: file is not a database" in capsys.readouterr().err

    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE recipes (name TEXT)").connection.commit()
    assert main(["db", "migrate-from-sqlite", str(other)]) == 1
    err = capsys.readouterr().err
    assert "is not a careerfw state database" in err and "questions" in err


def test_a_row_postgresql_refuses_is_named_and_the_rest_are_copied(
    tmp_path: Path, into, capsys: pytest.CaptureFixture[str]
) -> None:
    """One bad row (a NUL in a question, which PostgreSQL text cannot hold; an id near 2^63, after which
    the sequence could number nothing) aborted the whole copy with a message blaming
    CAREERFW_DATABASE_URL. Now each is named by table and row, the rest copied, and the exit is 1."""
    path = tmp_path / "state.db"
    write_legacy_state(path, questions=6)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE questions SET question = ? WHERE id = 3", ("bad\x00question",))
    conn.execute("INSERT INTO questions (id, asked_at, surface, user_hash, question, kind, confident, entries)"
                 " VALUES (?, 1.0, 'slack', 'h', 'far away', 'ask', 1, '[]')", (2**63 - 2,))
    conn.commit()
    conn.close()

    assert main(["db", "migrate-from-sqlite", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}: table questions, row id=3: not copied:" in out
    assert f"{path}: table questions, row id={2**63 - 2}: not copied: its id is past" in out
    # question 3's vote has no question to refer to on PostgreSQL: named and skipped too
    assert f"{path}: table feedback, row id=3: not copied:" in out
    assert f"careerfw: 3 row(s) of {path} were skipped (each named above); every other row was copied" in out
    assert _counts(out)["questions"] == [7, 0, 5, 5] and _counts(out)["feedback"] == [6, 0, 5, 5]
    store = into()
    log = Feedback(store)
    assert log.get_question(3) is None and log.get_question(6) is not None
    assert log.record_question(surface="slack", user_id="U9", answer=_answer("new", "Area 0")) == 7


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "huge"])
def test_a_key_file_that_is_not_a_small_regular_file_is_refused_in_one_line(
    tmp_path: Path, database_url: str, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    """A FIFO as state.db.key hung the copy; a link to /dev/zero ran it out of memory."""
    path = tmp_path / "state.db"
    write_legacy_state(path, questions=1)
    key = path.with_name("state.db.key")
    key.unlink()
    if kind == "fifo":
        os.mkfifo(key)
    elif kind == "dev-zero":
        key.symlink_to("/dev/zero")
    else:
        key.write_bytes(b"0" * 100_000)
    assert main(["db", "migrate-from-sqlite", str(path)]) == 1
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("careerfw:")]
    assert len(lines) == 1 and str(key) in lines[0] and "refusing to read it" in lines[0], err


def test_db_status_on_a_malformed_file_names_it_and_leaves_it_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`careerfw db status` runs the check the serving commands run (bot.state.check_state); it used to
    open the file for writing (switching on WAL), which rewrote it."""
    monkeypatch.delenv("CAREERFW_DATABASE_URL", raising=False)
    path = tmp_path / "state.db"
    write_legacy_state(path, questions=20)
    data = bytearray(path.read_bytes())
    data[4096:4096 + 12] = b"\xff" * 12  # a b-tree page's header scribbled over: malformed, file header intact
    path.write_bytes(bytes(data))
    os.utime(path, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    monkeypatch.setenv("CAREERFW_STATE_DB", str(path))
    before = (path.read_bytes(), path.stat().st_mtime_ns)

    assert main(["db", "status"]) == 1
    err = capsys.readouterr().err
    assert f"the state database {path} (CAREERFW_STATE_DB) is unusable" in err and "Traceback" not in err
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert not Path(f"{path}-wal").exists()
