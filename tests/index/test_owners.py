"""content/owners.yaml: who the weekly nudge mentions. Malformed files are `careerfw check` errors with
file:line, never a crash."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.cli import main
from bot.nudge.message import build_message
from index.owners import load_owners
from index.parse import load_content

SEED = Path(__file__).resolve().parents[2] / "content"
CRAFT = "ML and Edge ML Engineer Craft"
LEVEL = "Level 1 (Head Of)"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    dest = tmp_path / "content"
    shutil.copytree(SEED, dest)
    return dest


def check(content: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    rc = main(["check", "--content", str(content)])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return rc, captured.out


def test_valid_owners_file_passes_check_and_feeds_mentions(content: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (content / "owners.yaml").write_text(
        f"# who owns what\n{CRAFT}: [S0GROUP1, U0LEAD01]\n{LEVEL}: U0HEAD01\n", encoding="utf-8"
    )
    rc, out = check(content, capsys)
    assert rc == 0, out
    owners = load_owners(content)
    assert owners.by_name == {CRAFT: ("S0GROUP1", "U0LEAD01"), LEVEL: ("U0HEAD01",)}
    message = build_message(load_content(content).entries, owners=owners)
    assert message is not None
    assert message.groups[0].mentions == ("S0GROUP1", "U0LEAD01", "U0HEAD01")
    assert "owners: S0GROUP1, U0LEAD01, U0HEAD01" in message.text


def test_no_owners_file_is_fine(content: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert check(content, capsys)[0] == 0
    assert not load_owners(content)


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        (f"{LEVEL}: [U0HEAD01\n", 2, "not valid YAML"),
        (f"{CRAFT}: [S0GROUP1]\n{LEVEL}: U1\n  bad: indent\n", 3, "not valid YAML"),
        ("- U0HEAD01\n- S0GROUP1\n", 1, "must map a craft or level name to ids"),
        (f"{CRAFT}: [S0GROUP1]\n{LEVEL}: '<@U0HEAD01>'\n", 2, "is not an id"),
        (f"{CRAFT}:\n  - S0GROUP1\n  - '@alice'\n", 3, "is not an id"),
        (f"{CRAFT}: ~\n", 1, "is not an id"),
        (f"{CRAFT}: {{team: S0GROUP1}}\n", 1, "is not an id"),
        (f"{CRAFT}: []\n", 1, "lists no ids"),
        (f"{CRAFT}: [S0GROUP1]\n{LEVEL}: U1\n{CRAFT}: [S2]\n", 3, "appears twice (first on line 1)"),
    ],
)
def test_malformed_owners_file_is_a_check_error_with_file_and_line(
    content: Path, capsys: pytest.CaptureFixture[str], text: str, line: int, reason: str
) -> None:
    (content / "owners.yaml").write_text(text, encoding="utf-8")
    rc, out = check(content, capsys)
    assert rc == 1
    problems = [p for p in out.splitlines() if p.startswith("owners.yaml:")]
    assert len(problems) == 1, out
    assert problems[0].startswith(f"owners.yaml:{line}: ") and reason in problems[0], problems[0]


def test_owners_key_naming_no_craft_or_level_is_a_check_warning(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The rest of the file still mentions people, so the content is served; check prints it, exit 0.
    (content / "owners.yaml").write_text(f"{CRAFT}: [S0GROUP1]\nLevel 9 (Nobody): U1\n", encoding="utf-8")
    rc, out = check(content, capsys)
    assert rc == 0
    problems = [p for p in out.splitlines() if p.startswith("owners.yaml:")]
    assert len(problems) == 1 and problems[0].startswith("owners.yaml:2: warning: "), out
    assert "is not a craft or level in the content" in problems[0]


def test_owners_file_that_is_not_utf8_is_a_check_error(content: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (content / "owners.yaml").write_bytes(f"{CRAFT}: [S0GROUP1]\n".encode() + b"Level \xff: U1\n")
    rc, out = check(content, capsys)
    assert rc == 1 and "owners.yaml:2: owners file is not UTF-8" in out
    assert "(byte 0xff)" in out  # which byte, as a page names it: the one to retype


def test_valid_parts_of_a_partly_bad_owners_file_still_mention(content: Path) -> None:
    (content / "owners.yaml").write_text(f"{CRAFT}: [S0GROUP1, '<!here>']\n{LEVEL}: ~\n", encoding="utf-8")
    owners = load_owners(content)
    assert owners.by_name == {CRAFT: ("S0GROUP1",)}
    assert [p.line for p in owners.problems] == [1, 2]
