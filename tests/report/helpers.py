"""What the report tests share: a made-up framework (tests/fixtures/multilevel: Northwind's ladder)
and a store filled through the real questions log (bot.feedback), with answers made from its entries
so the figures are known exactly."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from bot.config import Settings
from bot.feedback import Feedback
from bot.store import Store
from bot.store.schema import questions
from index.answer import Answer, Quote
from index.entry import Entry
from index.parse import load_content

REPO = Path(__file__).resolve().parents[2]
FRAMEWORK = REPO / "tests" / "fixtures" / "multilevel"
# Sunday of ISO week 2026-W49: the report's "now" in these tests.
NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)

# Refused questions: one wording asked by three people (its texts may be shown), and one asked
# twice by one person (a count only, whatever the wording).
PAY = ["how much is the salary for senior engineers?", "what is the salary of a senior engineer",
       "salary for senior engineers?"]
PRIVATE = "can I see the notes from my own promotion case with Dana Smith?"


def entries() -> list[Entry]:
    return load_content(FRAMEWORK).entries


def entry(area: str, level: str) -> Entry:
    return next(e for e in entries() if e.area == area and e.level == level)


def answered(question: str, *quoted: Entry) -> Answer:
    quotes = [Quote(e, e.description, 0.9, True, None) for e in quoted]
    return Answer(question, "lookup", True, quotes=quotes)


def refused(question: str) -> Answer:
    return Answer(question, "lookup", False, message="The framework has no good match for that question.")


def fill(settings: Settings, now: datetime = NOW) -> dict[str, int]:
    """Twelve questions an hour before `now` (6 answered, 5 refused, 1 asked back which craft), a
    thumbs-down with a reason and a thumbs-up, and two questions five weeks back (the weekly chart
    only). Returns the question ids by name."""
    store = Store.open(settings)
    log = Feedback(store)
    comms1 = entry("Communication", "Engineer 1")
    comms2 = entry("Communication", "Engineer 2")
    hiring = next(e for e in entries() if e.area == "Hiring" and e.todo)  # TODO at Senior Engineer 2 (IC)
    delivery = entry("Delivery", "Engineer 1")
    ids: dict[str, int] = {}

    def ask(name: str, user: str, answer: Answer) -> None:
        qid = log.record_question(surface="slack", user_id=user, answer=answer)
        assert qid is not None
        ids[name] = qid

    ask("comms-a", "U0AAA", answered("how do engineer 1s communicate?", comms1))
    ask("comms-b", "U0BBB", answered("communication at engineer 1", comms1))
    ask("comms-c", "U0CCC", answered("communication for engineer 2", comms2))
    ask("hiring-a", "U0AAA", answered("what about hiring for staff?", hiring))
    ask("hiring-b", "U0DDD", answered("hiring expectations staff", hiring))
    ask("delivery", "U0EEE", answered("delivery at engineer 1", delivery))
    for i, (user, text) in enumerate(zip(("U0AAA", "U0BBB", "U0CCC"), PAY, strict=True)):
        ask(f"pay-{i}", user, refused(text))
    ask("private-1", "U0FFF", refused(PRIVATE))
    ask("private-2", "U0FFF", refused(PRIVATE + " please"))
    ask("choose", "U0BBB", Answer("level 3?", "choose", False, message="Which craft?"))
    down = log.record_feedback(surface="slack", user_id="U0CCC", verdict="not_helpful", question_id=ids["comms-c"])
    assert down is not None
    assert log.add_reason(down, surface="slack", user_id="U0CCC", reason="It quoted the wrong level")
    log.record_feedback(surface="slack", user_id="U0AAA", verdict="helpful", question_id=ids["comms-a"])
    ask("old-1", "U0AAA", answered("old question", comms1))
    ask("old-2", "U0BBB", refused("old refused question"))
    # Everything asked "now", except the two old ones, five weeks before.
    with store.engine.begin() as conn:
        conn.execute(sa.update(questions).values(asked_at=now.timestamp() - 3600))
        conn.execute(sa.update(questions).where(questions.c.id.in_([ids["old-1"], ids["old-2"]]))
                     .values(asked_at=now.timestamp() - 35 * 86400))
    from bot.store.schema import feedback

    with store.engine.begin() as conn:
        conn.execute(sa.update(feedback).values(created_at=now.timestamp() - 1800))
    store.close()
    return ids
