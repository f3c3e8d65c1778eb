"""`careerfw ask --json` for the ladder questions: the documented contract keys, plus `levels` and
`checklist` (docs/configuration.md), from a real process."""

from __future__ import annotations

import json
from pathlib import Path

from tests.bot.test_cli import CONTRACT_KEYS, careerfw


def test_ask_json_for_levels_checklist_and_a_missing_level(multilevel_copy: Path) -> None:
    questions = ["which levels are there?", "what do I need to go from Engineer 1 to Engineer 2?",
                 "what does a level 7 data scientist do?"]
    result = careerfw("ask", "--json", "--content", str(multilevel_copy), stdin="\n".join(questions) + "\n")
    assert result.returncode == 0, result.stderr
    levels, checklist, missing = (json.loads(line) for line in result.stdout.splitlines())

    assert levels["intent"] == "levels" and levels["confident"] is True and levels["answers"] == []
    assert levels["checklist"] is None
    software = [lv["level"] for lv in levels["levels"] if lv["craft"] == "Software Engineering Craft"]
    assert software[:3] == ["Engineer 1", "Engineer 2", "Senior Engineer 1"]
    for lv in levels["levels"]:
        assert set(lv) == {"level", "craft", "framework", "url", "source"}
        page = lv["source"].rsplit(":", 1)[0]
        assert (multilevel_copy / page).is_file()

    assert checklist["intent"] == "checklist"
    items = checklist["checklist"]["items"]
    assert (checklist["checklist"]["from"], checklist["checklist"]["to"]) == ("Engineer 1", "Engineer 2")
    assert [i["area"] for i in items] == [a["area"] for a in checklist["answers"]]
    assert {i["change"] for i in items} <= {"changed", "same", "new"}
    page = (multilevel_copy / "software" / "engineer2.md").read_text(encoding="utf-8")
    for quote in checklist["answers"]:
        assert CONTRACT_KEYS <= set(quote) and quote["level"] == "Engineer 2"
        assert quote["todo"] or all(p in page for p in quote["text"].split("\n\n"))

    assert missing["intent"] == "missing_level" and missing["answers"] == []
    assert missing["message"].startswith("This framework has no Level 7; it has: ")
