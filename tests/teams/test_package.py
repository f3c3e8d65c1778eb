"""`careerfw teams-package`: the zip a Teams admin uploads."""

from __future__ import annotations

import argparse
import json
import re
import shutil
import zipfile
import zlib
from pathlib import Path

import pytest

from bot.config import Settings
from bot.teams.icons import png_info
from bot.teams.package import PACKAGE_DIR, PackageError, build_package, check_manifest, package_command
from index.parse import load_content

BOT_ID = "0b5c3d3e-1f2a-4b6c-9d8e-7f6a5b4c3d2e"


def test_package_holds_the_substituted_manifest_and_both_icons(tmp_path: Path) -> None:
    out = tmp_path / "pkg" / "careerfw.zip"
    settings = Settings(teams_client_id=BOT_ID, site_url="https://framework.example.org/")
    assert package_command(argparse.Namespace(out=out), settings) == 0

    with zipfile.ZipFile(out) as zf:
        assert sorted(zf.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(zf.read("manifest.json"))
        assert png_info(zf.read("color.png"))[:2] == (192, 192)
        width, height, alpha = png_info(zf.read("outline.png"))
        assert (width, height, alpha) == (32, 32, True)
    assert manifest["id"] == BOT_ID and manifest["bots"][0]["botId"] == BOT_ID
    assert manifest["developer"]["websiteUrl"] == "https://framework.example.org"
    assert "${{" not in json.dumps(manifest)
    assert manifest["manifestVersion"] == "1.22" and manifest["$schema"].endswith("/v1.22/MicrosoftTeams.schema.json")
    assert set(manifest["bots"][0]["scopes"]) == {"personal", "team", "groupChat"}
    commands = [c["title"] for c in manifest["bots"][0]["commandLists"][0]["commands"]]
    assert commands[:2] == ["help", "todo"] and len(commands) > 2  # then questions about the framework


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MONZO = Path(__file__).resolve().parents[3] / "shared" / "frameworks" / "monzo-engineering"


def _commands(content: Path, tmp_path: Path) -> list[dict[str, str]]:
    out = tmp_path / "careerfw.zip"
    assert package_command(argparse.Namespace(out=out), Settings(teams_client_id=BOT_ID, content_dir=content)) == 0
    with zipfile.ZipFile(out) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    assert check_manifest(manifest, BOT_ID) == []  # Teams' limits: ten commands, titles 1-32, descriptions 1-128
    (command_list,) = manifest["bots"][0]["commandLists"]
    return command_list["commands"]


def _levels(content: Path) -> set[str]:
    return {e.level for e in load_content(content).entries if e.kind == "level"}


@pytest.mark.parametrize("content", [FIXTURES / "multilevel", MONZO], ids=["multilevel", "monzo"])
def test_commands_are_prompt_starters_made_from_the_content(content: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    if not content.is_dir():
        pytest.skip(f"{content} is not present")
    commands = _commands(content, tmp_path)
    titles = [c["title"] for c in commands]
    assert titles[:2] == ["help", "todo"] and 2 < len(titles) <= 10
    starters = "\n".join(titles[2:])
    levels = _levels(content)
    named = {level for level in levels if level in starters}
    assert len(named) >= 2, starters  # the first two levels, by the framework's own order
    # Never a level the content lacks ("Level 9" from a fixed list).
    assert set(re.findall(r"(?:Level|Engineer) \d+", starters)) <= {
        m for level in levels for m in re.findall(r"(?:Level|Engineer) \d+", level)}
    areas = {e.area for e in load_content(content).entries}
    assert any(area in starters for area in areas)
    assert all(c["description"].strip() for c in commands)
    assert str(content) in capsys.readouterr().out  # says which content the commands came from


def test_content_with_no_framework_keeps_help_and_todo_and_says_why(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert [c["title"] for c in _commands(empty, tmp_path)] == ["help", "todo"]
    err = capsys.readouterr().err
    assert str(empty) in err and "careerfw check" in err


def test_no_bot_id_no_package(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "careerfw.zip"
    assert package_command(argparse.Namespace(out=out), Settings()) == 1
    assert "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID" in capsys.readouterr().err
    assert not out.exists()


def _broken_copy(tmp_path: Path) -> Path:
    source = tmp_path / "appPackage"
    shutil.copytree(PACKAGE_DIR, source, ignore=shutil.ignore_patterns("*.zip"))
    return source


def test_wrong_icon_size_and_bad_manifest_are_refused_with_every_reason(tmp_path: Path) -> None:
    source = _broken_copy(tmp_path)
    shutil.copy(source / "color.png", source / "outline.png")  # 192 px where 32 px is needed
    manifest = json.loads((source / "manifest.json").read_text())
    manifest["name"]["short"] = "careerfw, the career framework answering bot"
    manifest["bots"][0]["botId"] = "${{OTHER_ID}}"
    (source / "manifest.json").write_text(json.dumps(manifest))
    out = tmp_path / "careerfw.zip"

    with pytest.raises(PackageError) as excinfo:
        build_package(out, BOT_ID, None, source)

    reasons = str(excinfo.value)
    assert "outline.png: 192x192 pixels; Teams needs 32x32" in reasons
    assert "name.short" in reasons and "${{OTHER_ID}}" in reasons
    assert not out.exists() and not list(tmp_path.glob(".careerfw-*"))


def test_invalid_json_template_names_the_line(tmp_path: Path) -> None:
    source = _broken_copy(tmp_path)
    (source / "manifest.json").write_text('{\n  "id": "${{BOT_ID}}",\n  oops\n}\n')
    with pytest.raises(PackageError, match=r"manifest.json:3: not valid JSON"):
        build_package(tmp_path / "x.zip", BOT_ID, None, source)


def _pixels(png: bytes) -> tuple[bytes, bytes]:
    """IHDR and the decompressed image data: equal pixels whatever zlib build compressed them."""
    chunks: dict[bytes, bytes] = {}
    pos = 8
    while pos < len(png):
        length = int.from_bytes(png[pos:pos + 4], "big")
        kind = png[pos + 4:pos + 8]
        chunks[kind] = chunks.get(kind, b"") + png[pos + 8:pos + 8 + length]
        pos += 12 + length
    return chunks[b"IHDR"], zlib.decompress(chunks[b"IDAT"])


def test_committed_icons_match_the_generator() -> None:
    from bot.teams.icons import color_icon, outline_icon

    assert _pixels((PACKAGE_DIR / "color.png").read_bytes()) == _pixels(color_icon())
    assert _pixels((PACKAGE_DIR / "outline.png").read_bytes()) == _pixels(outline_icon())
    # Teams wants the outline icon white on transparent: every pixel is white or fully transparent.
    _, raw = _pixels(outline_icon())
    rows = [raw[i * (1 + 32 * 4) + 1:(i + 1) * (1 + 32 * 4)] for i in range(32)]
    pixels = [row[j:j + 4] for row in rows for j in range(0, len(row), 4)]
    assert all(p[3] == 0 or p[:3] == b"\xff\xff\xff" for p in pixels)
    assert any(p[3] == 255 for p in pixels) and any(p[3] == 0 for p in pixels)


def test_the_comparison_starter_names_the_area_it_compares(tmp_path: Path) -> None:
    """docs/teams.md, prompt starters: the comparison is of the most-written area whose title fits in 32
    characters, which is another area when the most-written one's name is too long; its description
    names the area its title does."""
    from bot.prompts import prompt_starters
    from index.entry import Entry

    long_area, short_area = "Architecture and Design", "Delivery"
    entries = [Entry("F", "Engineering", f"Level {n}", "Engineer", "Skills", area, "Text.", False,
                     f"level{n}.md:{i + 5}")
               for n in (1, 2) for i, area in enumerate((long_area, short_area))]
    entries.append(Entry("F", "Engineering", "Level 3", "Engineer", "Skills", long_area, "Text.", False, "level3.md:5"))
    starters = prompt_starters(entries, limit=10, title_limit=32)
    area_starter, compared = starters[-2], starters[-1]
    assert long_area in area_starter.title and long_area in area_starter.message  # the most-written area
    assert " vs " in compared.title and short_area in compared.title  # its comparison would not fit
    assert short_area in compared.message and long_area not in compared.message
