"""`careerfw check`: every problem named with file:line and a plain reason, exit 1; a summary when clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main

REPO = Path(__file__).resolve().parents[2]
GOOD = """---
title: Level 1
parent: Craft
grand_parent: Framework
---
# Engineer - Level 1

|Area|Description|
|--|--|
| Impact | Delivers. |
| Scope | TODO |
"""


def run_check(content: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(["check", "--content", str(content)])
    out = capsys.readouterr()
    return code, [line for line in (out.out + out.err).splitlines() if line]


def test_clean_content_prints_one_line_summary(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAREERFW_SITE_URL", "https://fw.example.com")
    code, lines = run_check(REPO / "content", capsys)
    assert code == 0
    assert len(lines) == 1
    assert "1 pages, 7 entries, 2 TODO" in lines[0]
    # The seed declares no site address: one more line says citations will be file paths.
    monkeypatch.delenv("CAREERFW_SITE_URL")
    code, lines = run_check(REPO / "content", capsys)
    assert code == 0 and len(lines) == 2 and lines[0].startswith("citations will be file paths")


def test_bad_front_matter_yaml_names_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "good.md").write_text(GOOD)
    (tmp_path / "bad.md").write_text("---\ntitle: Level 2\nparent: [unclosed\n---\n# X\n")
    code, lines = run_check(tmp_path, capsys)
    assert code == 1
    assert any(line.startswith("bad.md:") and "front matter is not valid YAML" in line for line in lines)
    line_no = int(next(line for line in lines if line.startswith("bad.md:")).split(":")[1])
    assert 3 <= line_no <= 5


def test_non_utf8_file_names_the_line_of_the_bad_byte(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "good.md").write_text(GOOD)
    (tmp_path / "latin1.md").write_bytes(GOOD.replace("Delivers.", "Délivers.").encode("latin-1"))
    code, lines = run_check(tmp_path, capsys)
    assert code == 1
    assert any(line.startswith("latin1.md:10:") and "not UTF-8" in line for line in lines)


def test_non_utf8_file_with_a_byte_order_mark_names_its_bad_byte(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    # An editor that saves UTF-8 with a byte-order mark, then a pasted Latin-1 "é": the byte named is the "é"
    # (0xe9), counted past the mark, not the byte three before it.
    (tmp_path / "good.md").write_text(GOOD)
    (tmp_path / "bom.md").write_bytes(b"\xef\xbb\xbf" + GOOD.replace("Delivers.", "Délivers.").encode("latin-1"))
    code, lines = run_check(tmp_path, capsys)
    assert code == 1
    assert any(line.startswith("bom.md:10:") and "byte 0xe9" in line for line in lines), lines


def test_non_utf8_file_with_old_mac_line_ends_names_the_line_of_the_bad_byte(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Lines ended by a lone CR (classic Mac OS; a page's text and YAML read it as a line end too): the line
    # named is the one the editor shows, as for a file with LF or CRLF line ends.
    (tmp_path / "good.md").write_text(GOOD)
    for name, end in (("cr.md", b"\r"), ("crlf.md", b"\r\n")):
        (tmp_path / name).write_bytes(GOOD.replace("Delivers.", "Délivers.").encode("latin-1").replace(b"\n", end))
    code, lines = run_check(tmp_path, capsys)
    assert code == 1
    for name in ("cr.md", "crlf.md"):
        assert any(line.startswith(f"{name}:10:") and "not UTF-8" in line for line in lines), (name, lines)


# Warnings are printed and labelled, but the content still builds, so they do not fail `check` (or a
# reload: docs/content.md).
def test_row_with_wrong_cell_count_is_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "page.md").write_text(GOOD.replace("| Impact | Delivers. |", "| Impact | Delivers. | stray |"))
    code, lines = run_check(tmp_path, capsys)
    assert code == 0
    assert any(line.startswith("page.md:10: warning:") and "3 cells but the header has 2" in line for line in lines)
    assert lines[-1].endswith("1 warning(s)")


def test_duplicate_area_on_one_page_is_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "page.md").write_text(GOOD + "| Impact | Again. |\n")
    code, lines = run_check(tmp_path, capsys)
    assert code == 0
    assert any(line.startswith("page.md:12: warning:") and '"Impact" appears twice' in line and "line 10" in line
               for line in lines)


def test_stray_readme_with_a_table_is_a_warning_not_a_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "good.md").write_text(GOOD)
    (tmp_path / "README.md").write_text("# Our framework\n\n| Level | Title |\n|--|--|\n| 1 | Engineer |\n")
    code, lines = run_check(tmp_path, capsys)
    assert code == 0, lines
    assert "README.md:1: warning: no front matter: Jekyll publishes it as a plain file, not a page; skipped" in lines
    assert lines[-1].endswith("1 pages, 2 entries, 1 TODO, 1 warning(s)")


def test_no_entries_at_all(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "prose.md").write_text("---\ntitle: About\n---\n# About\n\nNo tables here.\n")
    code, lines = run_check(tmp_path, capsys)
    assert code == 1
    assert any("no framework entries found" in line for line in lines)


def test_every_problem_is_listed_not_just_the_first(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.md").write_text("---\ntitle: [\n---\n")
    (tmp_path / "b.md").write_bytes(b"\xff\xfe")
    (tmp_path / "c.md").write_text(GOOD + "| Impact | Again. |\n")
    code, lines = run_check(tmp_path, capsys)
    assert code == 1
    assert {line.split(":")[0] for line in lines if ".md:" in line} == {"a.md", "b.md", "c.md"}


def test_missing_content_dir_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = run_check(tmp_path / "nope", capsys)
    assert code == 1
    assert any("content directory does not exist" in line for line in lines)
