"""`careerfw report --html FILE` looked at in a real browser: headless Chromium (Debian's package)
opens the file from disk, with no server and no network, and draws the three charts."""

from __future__ import annotations

import re
from pathlib import Path

from bot.cli import build_parser, cmd_report
from bot.config import Settings
from bot.report import html as page_html
from tests.report.helpers import FRAMEWORK, NOW, fill
from tests.support.chromium import dump_dom, read_png, screenshot


def rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def write_page(tmp_path: Path) -> Path:
    settings = Settings(content_dir=FRAMEWORK, state_db=tmp_path / "state.db", scheduler_enabled=False)
    fill(settings)
    page = tmp_path / "report.html"
    assert cmd_report(build_parser().parse_args(["report", "--html", str(page)]), settings, now=NOW) == 0
    return page


def test_the_page_loads_nothing_from_anywhere(tmp_path: Path) -> None:
    text = write_page(tmp_path).read_text(encoding="utf-8")
    assert "<script" not in text.lower()
    assert not re.search(r"""\b(src|href)\s*=|@import|url\(""", text), "the page must not load anything"
    assert "default-src 'none'" in text  # and the browser is told to refuse anything it would


def test_chromium_draws_the_three_charts(tmp_path: Path) -> None:
    page = write_page(tmp_path)
    dom = dump_dom(page)
    charts = {}
    for ident in ("chart-weekly", "chart-answered", "chart-areas"):
        match = re.search(rf'<svg id="{ident}"[^>]*>(.*?)</svg>', dom, re.S)
        assert match, f"{ident} is not in the DOM Chromium parsed"
        charts[ident] = match.group(1)
    assert charts["chart-weekly"].count("<rect") == 2 * 8  # asked and answered, for each of 8 weeks
    assert charts["chart-answered"].count("<circle") == 2  # the two weeks anyone asked in
    assert charts["chart-areas"].count("<rect") == 3

    image = read_png(screenshot(page, tmp_path / "shot.png"))
    blue, green = rgb(page_html.BAR), rgb(page_html.ANSWERED)
    orange, purple = rgb(page_html.SHARE), rgb(page_html.AREAS)
    for colour in (blue, green, orange, purple):
        assert image.count(colour) > 300, f"no chart drawn in {colour}"
    # Half of the questions were answered each week: the green part of the bars is half of them.
    assert abs(image.count(green) - image.count(blue)) <= 0.05 * image.count(blue)
    # In the page's order: the weekly bars, then the share line, then the areas.
    assert max(image.rows_with(blue)) < min(image.rows_with(orange))
    assert max(image.rows_with(orange)) < min(image.rows_with(purple))
    # The areas' bars are as long as their counts: 3, 2 and 1.
    rows = image.rows_with(purple)
    lengths = sorted({image.pixels[y].count(purple) for y in rows if image.pixels[y].count(purple) > 20},
                     reverse=True)
    assert lengths[0] / lengths[-1] > 2.5, lengths
