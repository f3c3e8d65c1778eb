"""`careerfw report` over a store filled in the test (SQLite file and PostgreSQL): the figures, the
groups of refused questions, and what is never shown (who asked; texts of small groups)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from bot.cli import build_parser, cmd_report
from bot.config import ConfigError, Settings
from bot.feedback import Feedback
from bot.store import Store
from tests.report.helpers import FRAMEWORK, NOW, PAY, PRIVATE, fill


def run_report(settings: Settings, *flags: str) -> int:
    args = build_parser().parse_args(["report", *flags])
    return cmd_report(args, settings, now=NOW)


@pytest.fixture
def filled(state_settings: Settings) -> Settings:
    settings = replace(state_settings, content_dir=FRAMEWORK)
    fill(settings)
    return settings


def test_the_report_counts_what_people_asked_and_could_not_get(filled: Settings, capsys) -> None:
    assert run_report(filled, "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["questions"], report["answered"], report["refused"], report["clarified"],
            report["thumbed_down"]) == (12, 6, 5, 1, 1)
    assert (report["answered_share"], report["refused_share"], report["thumbed_down_share"]) == (0.5, 0.417, 0.083)
    assert [(a["area"], a["asked"]) for a in report["top_areas"]] == [
        ("Communication", 3), ("Hiring", 2), ("Delivery", 1)]
    assert [(a["level"], a["asked"]) for a in report["top_levels"]] == [
        ("Engineer 1", 3), ("Senior Engineer 2 (Individual Contributor)", 2), ("Engineer 2", 1)]
    assert [(a["area"], a["level"], a["asked"]) for a in report["todo_asked"]] == [
        ("Hiring", "Senior Engineer 2 (Individual Contributor)", 2)]
    pay, private = report["refused_groups"]
    assert pay["count"] == 3 and pay["shown"] and len(pay["examples"]) == 2
    assert set(pay["examples"]) <= set(PAY)
    assert private == {"count": 2, "examples": [], "shown": False}
    assert report["thumbs_down"] == [{"area": "Communication", "level": "Engineer 2",
                                      "craft": "Software Engineering Craft", "votes": 1,
                                      "reasons": ["It quoted the wrong level"]}]
    weeks = {w["week"]: (w["asked"], w["answered"]) for w in report["weeks"]}
    assert weeks["2026-W49"] == (12, 6)
    assert weeks["2026-W44"] == (2, 1)  # before the period: the chart only
    assert len(weeks) >= 8


def test_the_report_never_shows_who_asked_nor_a_small_groups_words(filled: Settings, capsys, tmp_path: Path) -> None:
    store = Store.open(filled)
    hashes = [Feedback(store).hash_user("slack", u) for u in ("U0AAA", "U0BBB", "U0FFF")]
    store.close()
    page = tmp_path / "report.html"
    assert run_report(filled) == 0
    assert run_report(filled, "--json") == 0
    assert run_report(filled, "--html", str(page)) == 0
    assert run_report(filled, "--dry-run") == 0
    everything = capsys.readouterr().out + page.read_text(encoding="utf-8")
    for secret in (*hashes, "U0AAA", "U0FFF", "Dana Smith", PRIVATE):
        assert secret not in everything
    assert "2 questions (asked by fewer than 3 people: not shown)" in everything
    assert "3 questions like" in everything


def test_a_lower_minimum_shows_a_small_groups_words(filled: Settings, capsys) -> None:
    assert run_report(replace(filled, report_min_group=1), "--json") == 0
    groups = json.loads(capsys.readouterr().out)["refused_groups"]
    assert groups[1]["shown"] and PRIVATE in groups[1]["examples"]


def test_the_minimum_is_read_from_the_environment() -> None:
    assert Settings.from_env({}).report_min_group == 3
    assert Settings.from_env({"CAREERFW_REPORT_MIN_GROUP": "5"}).report_min_group == 5
    for bad in ("0", "-1", "three"):
        with pytest.raises(ConfigError, match="CAREERFW_REPORT_MIN_GROUP"):
            Settings.from_env({"CAREERFW_REPORT_MIN_GROUP": bad})


def test_a_period_that_is_not_one_is_one_clear_line(tmp_path: Path, capsys) -> None:
    from bot.cli import main

    assert main(["report", "--since", "a week", "--content", str(FRAMEWORK)]) == 1
    assert capsys.readouterr().err.strip() == "careerfw: --since 'a week' is not a period such as 7d, 4w or 48h"


def test_nothing_recorded_yet_is_an_empty_report_and_creates_no_database(tmp_path: Path, capsys) -> None:
    settings = Settings(content_dir=FRAMEWORK, state_db=tmp_path / "state.db", scheduler_enabled=False)
    assert run_report(settings) == 0
    assert "No questions were asked in this period." in capsys.readouterr().out
    assert not settings.state_db.exists()


def test_a_question_the_admins_note_answered_is_not_counted_as_refused(tmp_path: Path, capsys) -> None:
    from index.answer import Answer

    settings = Settings(content_dir=FRAMEWORK, state_db=tmp_path / "state.db", scheduler_enabled=False)
    store = Store.open(settings)
    log = Feedback(store)
    log.record_question(surface="teams", user_id="U01", answer=Answer("how is pay decided?", "redirect", False,
                                                                       message="A note from your admins: …"))
    log.record_question(surface="teams", user_id="U02", answer=Answer("where do I park?", "lookup", False))
    store.close()
    args = build_parser().parse_args(["report", "--json"])
    assert cmd_report(args, settings) == 0  # the real clock: both were asked just now
    report = json.loads(capsys.readouterr().out)
    assert (report["questions"], report["refused"], report["redirected"]) == (2, 1, 1)
