"""`careerfw chat` is one conversation: a follow-up takes what it leaves out from the answer before."""

from __future__ import annotations

from pathlib import Path

from tests.bot.test_cli import careerfw


def test_the_terminal_chat_answers_a_follow_up_for_the_level_asked(multilevel_copy: Path, tmp_path: Path) -> None:
    result = careerfw("chat", "--content", str(multilevel_copy), "--index", str(tmp_path / "index"),
                      stdin="what does a Senior Engineer 1 do for communication?\nand for an engineer 2?\nquit\n")
    assert result.returncode == 0, result.stderr
    first, follow = result.stdout.split("\nyou> ")[1:3]
    assert "I adapt how I explain things to the audience" in first and "following on" not in first
    assert "(Software Engineering › Engineer 2 › Communication, following on from your last question)" in follow
    assert "I give constructive, specific feedback in code reviews." in follow
    assert "Senior Engineer 1 ›" not in follow


def test_a_refused_follow_up_says_nothing_of_following_on(multilevel_copy: Path, tmp_path: Path) -> None:
    # The weather question is refused: no carried name helped it, so the chat does not claim it followed on.
    result = careerfw("chat", "--content", str(multilevel_copy), "--index", str(tmp_path / "index"),
                      stdin="what does a Senior Engineer 1 do for communication?\nwhat's the weather like tomorrow?\n"
                            "and for an engineer 2?\nquit\n")
    assert result.returncode == 0, result.stderr
    _, weather, follow = result.stdout.split("\nyou> ")[1:4]
    assert "following on" not in weather
    assert "(Software Engineering › Engineer 2 › Communication, following on from your last question)" in follow
