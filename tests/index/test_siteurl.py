"""Citations are links by default (docs/content.md, "Citations"): the site address comes from
CAREERFW_SITE_URL, else careerfw.yaml's site_url, else Jekyll's _config.yml (url + baseurl) in the
content folder or its parent; with none, `check` says citations will be file paths."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main

PAGE = """---
title: Level 1
permalink: /ladder/eng/level1
parent: Engineering
grand_parent: Acme
---
# Engineer - Level 1

|Area|Description|
|--|--|
| Delivery | I ship small changes behind feature flags and watch them in production. |
| Hiring | TODO |
"""


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("CAREERFW_SITE_URL", raising=False)
    content = tmp_path / "site" / "ladder"
    content.mkdir(parents=True)
    (content / "level1.md").write_text(PAGE, "utf-8")
    return content


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out + out.err


def todo_url(content: Path, capsys: pytest.CaptureFixture[str]) -> str:
    code, out = run(["todo", "--json", "--content", str(content)], capsys)
    assert code == 0, out
    [hiring] = json.loads(out)
    return hiring["url"]


def test_jekyll_config_in_the_content_folder_gives_links(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (site / "_config.yml").write_text('title: Ladder\nurl: "https://acme.github.io"\nbaseurl: "/handbook"\n')
    assert todo_url(site, capsys) == "https://acme.github.io/handbook/ladder/eng/level1#hiring"
    code, out = run(["check", "--content", str(site)], capsys)
    assert code == 0 and "file paths" not in out


def test_jekyll_config_in_the_parent_folder_gives_links(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (site.parent / "_config.yml").write_text("url: https://careers.acme.example/\n")
    assert todo_url(site, capsys) == "https://careers.acme.example/ladder/eng/level1#hiring"


def test_careerfw_yaml_site_url_wins_over_jekyll(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (site / "_config.yml").write_text("url: https://acme.github.io\n")
    (site / "careerfw.yaml").write_text("site_url: https://intranet.acme.example/framework/\n")
    assert todo_url(site, capsys) == "https://intranet.acme.example/framework/ladder/eng/level1#hiring"


def test_careerfw_site_url_setting_wins_over_the_content(
    site: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (site / "careerfw.yaml").write_text("site_url: https://intranet.acme.example\n")
    monkeypatch.setenv("CAREERFW_SITE_URL", "https://set.by.operator")
    assert todo_url(site, capsys) == "https://set.by.operator/ladder/eng/level1#hiring"


def test_without_any_site_address_check_says_citations_are_file_paths(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (site.parent / "_config.yml").write_text("title: no url here\nbaseurl: /handbook\n")  # relative only
    assert todo_url(site, capsys) == "/ladder/eng/level1#hiring"
    code, out = run(["check", "--content", str(site)], capsys)
    assert code == 0
    assert [line for line in out.splitlines() if "file paths" in line] == [
        "citations will be file paths (page.md:12), not links: set CAREERFW_SITE_URL, site_url in "
        "careerfw.yaml, or url in the site's _config.yml (docs/content.md)"
    ]


def test_a_careerfw_yaml_that_gives_no_address_is_a_check_problem(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (site / "careerfw.yaml").write_text("site_url: intranet/framework\n")
    code, out = run(["check", "--content", str(site)], capsys)
    assert code == 1 and "careerfw.yaml:1: site_url 'intranet/framework' is not an http:// or https://" in out
    (site / "careerfw.yaml").write_text("# where the framework is published\nsite_url: https://a.example: x\n")
    code, out = run(["check", "--content", str(site)], capsys)
    assert code == 1 and "careerfw.yaml:2: the file is not valid YAML:" in out and "put the value in quotes" in out


def test_ask_json_cites_a_link_from_the_content(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (site / "_config.yml").write_text("url: https://acme.github.io\nbaseurl: /handbook\n")
    question = "what does an engineer do with feature flags?"
    code, out = run(["ask", "--json", "--content", str(site), "--index", str(tmp_path / "index"), question], capsys)
    assert code == 0, out
    answer = json.loads(out.splitlines()[-1])
    assert answer["answers"][0]["area"] == "Delivery"
    assert answer["answers"][0]["url"].startswith("https://acme.github.io/handbook/ladder/eng/level1")


def test_reading_the_site_address_parses_no_markdown_and_no_yaml_without_a_file(tmp_path: Path) -> None:
    """Every start reads the site address (bot/config.py): with no careerfw.yaml or _config.yml there is
    nothing to parse, so it imports neither the Markdown parser nor YAML (issue 23, item 4)."""
    import subprocess
    import sys

    (tmp_path / "pages").mkdir()
    script = ("import sys\nfrom pathlib import Path\nfrom index import site_address\n"
              "print(site_address(Path(sys.argv[1])).url)\n"
              "print(sorted(m for m in ('markdown_it', 'yaml', 'index.parse') if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "pages")], capture_output=True, text=True,
                          timeout=120, cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["None", "[]"]
