"""Front matter mistakes as `careerfw check` reports them (docs/content.md): file:line, the line's text,
and what to change in plain words; hostile front matter refused with file:line, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main

LEVEL = """---
{front}
---
# Engineer - Level 2

|Area|Description|
|--|--|
| Impact | Delivers. |
"""
GOOD_FRONT = "title: Level 2\nparent: Craft\ngrand_parent: Framework"
# About a kilobyte: 500 nested flow sequences, which PyYAML composes one stack frame pair per level.
DEEP_FRONT = GOOD_FRONT + "\ntags: " + "[" * 500 + "]" * 500


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(argv)
    out = capsys.readouterr()
    return code, [line for line in (out.out + out.err).splitlines() if line.strip()]


def check(tmp_path: Path, front: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    (tmp_path / "level2.md").write_text(LEVEL.format(front=front), "utf-8")
    code, lines = run(["check", "--content", str(tmp_path)], capsys)
    return code, next((line for line in lines if line.startswith("level2.md:")), "\n".join(lines))


@pytest.mark.parametrize("command", [["check"], ["index", "build"], ["ask", "what is impact?"]])
def test_front_matter_nested_500_deep_is_refused_with_file_and_line(
    tmp_path: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "level2.md").write_text(LEVEL.format(front=DEEP_FRONT), "utf-8")
    code, lines = run([*command, "--content", str(content), "--index", str(tmp_path / "index")], capsys)
    assert code == 1
    assert any("level2.md:5: front matter is nested more than 20 levels deep" in line for line in lines), lines
    assert not any("Traceback" in line or "RecursionError" in line for line in lines)


def test_an_unquoted_colon_in_a_title_says_to_quote_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, line = check(tmp_path, "title: Level 2: Senior\nparent: Craft\ngrand_parent: Framework", capsys)
    assert code == 1
    assert line.startswith("level2.md:2: front matter is not valid YAML:"), line
    assert 'put the value in quotes: title: "Level 2: Senior"' in line
    assert "(the line reads: title: Level 2: Senior)" in line
    assert "mapping values are not allowed here" not in line


@pytest.mark.parametrize("front", ["title: Level 2\n\tparent: Craft", "title: Level 2\nparent:\tCraft"])
def test_a_tab_says_yaml_does_not_allow_tabs(tmp_path: Path, front: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, line = check(tmp_path, front, capsys)
    assert code == 1
    assert line.startswith("level2.md:3: front matter is not valid YAML:"), line
    assert "YAML does not allow tabs for indentation or spacing; use spaces instead" in line
    assert "<TAB>" in line and "Craft" in line  # the line's text, its tab made visible


@pytest.mark.parametrize("quote", ['"', "'"])
def test_an_unclosed_quote_names_the_line_it_opens_on(
    tmp_path: Path, quote: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, line = check(tmp_path, f"title: {quote}Level 2\nparent: Craft\ngrand_parent: Framework", capsys)
    assert code == 1
    assert line.startswith("level2.md:2: front matter is not valid YAML:"), line
    assert f"the {quote} opened here is never closed; end the value with {quote}" in line
    assert f"(the line reads: title: {quote}Level 2)" in line


def test_an_unclosed_bracket_says_to_close_it_or_quote(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, line = check(tmp_path, "title: Level 2\nparent: [Craft\ngrand_parent: Framework", capsys)
    assert code == 1
    assert line.startswith("level2.md:3: front matter is not valid YAML: the [ opened here is never closed"), line
    assert "(the line reads: parent: [Craft)" in line


def test_a_key_indented_under_a_value_says_to_unindent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, line = check(tmp_path, "title: Level 2\n  parent: Craft\ngrand_parent: Framework", capsys)
    assert code == 1
    assert line.startswith("level2.md:3:") and "start it at the beginning of the line" in line, line


def test_good_front_matter_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, line = check(tmp_path, GOOD_FRONT + "\ntags: [[a, b], [c]]", capsys)
    assert code == 0, line
