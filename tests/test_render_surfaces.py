"""careerfw_tools/render_surfaces.py: the pictures of one checklist in docs/checklist.md (issue 21).

The HTML pages draw what the bot really sends: every block, element and action of the checklist's
Slack message and Teams card (a type without a drawing is an error), escaped, the new words in bold;
Chromium photographs them as pages with something on them; the terminal capture is what `careerfw ask`
prints, wrapped where the terminal wraps it.
"""

from __future__ import annotations

import shlex
import shutil
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from careerfw_tools.render_surfaces import (
    DEFAULT_CONTENT,
    DEFAULT_QUESTION,
    UnknownElement,
    capture_terminal,
    mrkdwn_html,
    screenshot,
    slack_html,
    surfaces_for,
    teams_html,
    terminal_html,
)
from tests.support.chromium import chromium, read_png

if TYPE_CHECKING:
    from index import Answer

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / DEFAULT_CONTENT
# The made-up ladder's one changed area: these words are new at Level 2 (tests/fixtures/promotion).
NEW_WORDS = ("short design notes & share them before I start.", "and our stakeholders")


class Drawn(HTMLParser):
    """What a page shows: the tags used, the `data-type`s drawn, the text, and the text inside <b>."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: Counter[str] = Counter()
        self.types: Counter[str] = Counter()
        self.text: list[str] = []
        self.bold: list[str] = []
        self._bold = 0
        self._void = {"br", "hr", "meta"}
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        kind = dict(attrs).get("data-type")
        if kind:
            self.types[kind] += 1
        if tag == "b":
            self._bold += 1
            self.bold.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "b":
            self._bold -= 1

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._bold:
            self.bold[-1] += data

    @property
    def shown(self) -> str:
        return "".join(self.text)


def sent_types(value: Any) -> Counter[str]:
    """Every typed object in a message or card, nested ones included."""
    found: Counter[str] = Counter()
    if isinstance(value, dict):
        if isinstance(value.get("type"), str):
            found[value["type"]] += 1
        for item in value.values():
            found += sent_types(item)
    elif isinstance(value, list):
        for item in value:
            found += sent_types(item)
    return found


@pytest.fixture(scope="module")
def promotion_index(embedder, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from index import Answerer

    folder = tmp_path_factory.mktemp("promotion-index")
    Answerer.open(CONTENT, folder, embedder=embedder)
    return folder


@pytest.fixture(scope="module")
def promotion_answer(embedder, promotion_index: Path) -> Answer:
    """The default question's answer, from the index `careerfw ask --index` reads in the terminal test."""
    from index import Answerer

    return Answerer.open(CONTENT, promotion_index, embedder=embedder).ask(DEFAULT_QUESTION)


@pytest.fixture(scope="module")
def checklist(promotion_answer: Answer) -> tuple[dict[str, Any], dict[str, Any]]:
    assert promotion_answer.checklist is not None, "the default question must give a checklist"
    return surfaces_for(promotion_answer)


def test_every_block_element_and_action_of_the_checklist_is_drawn(checklist) -> None:
    slack, teams = checklist
    for sent, page in ((slack, slack_html(slack)), (teams, teams_html(teams))):
        # As many drawn as sent, type by type: nothing left out, nothing drawn twice.
        assert Drawn(page).types == sent_types(sent)
    # The checklist uses what matters: quotes as rich text with bold runs, toggles, Show all, buttons.
    assert {"rich_text", "rich_text_list", "rich_text_quote", "context", "actions", "button"} <= set(sent_types(slack))
    assert {"RichTextBlock", "TextRun", "Container", "Input.Toggle", "Action.ShowCard", "Action.Submit"} \
        <= set(sent_types(teams))


def test_an_unknown_type_is_an_error_that_says_where_not_a_gap(checklist) -> None:
    slack, teams = checklist
    video = {**slack, "blocks": [*slack["blocks"], {"type": "video", "title": {"type": "plain_text", "text": "x"}}]}
    with pytest.raises(UnknownElement, match=rf"'video' at blocks\[{len(slack['blocks'])}\]"):
        slack_html(video)
    nested = {"blocks": [{"type": "rich_text", "elements": [{"type": "rich_text_quote",
                                                             "elements": [{"type": "date", "timestamp": 0}]}]}]}
    with pytest.raises(UnknownElement, match=r"'date' at blocks\[0\]\.elements\[0\]\.elements\[0\]"):
        slack_html(nested)
    hidden = {**teams, "actions": [{"type": "Action.ShowCard", "title": "More", "card": {
        "type": "AdaptiveCard", "body": [{"type": "Container", "items": [{"type": "Media", "sources": []}]}]}}]}
    with pytest.raises(UnknownElement, match=r"'Media' at card\.actions\[0\]\.card\.body\[0\]\.items\[0\]"):
        teams_html(hidden)
    with pytest.raises(UnknownElement, match="'Action.Popover'"):
        teams_html({**teams, "actions": [{"type": "Action.Popover", "title": "x"}]})


def test_text_is_escaped_and_shown_as_written() -> None:
    evil = '<script>alert(1)</script> & <img src=x onerror="y"> "q"'
    slack_escaped = evil.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    message = {"blocks": [
        {"type": "section", "text": {"type": "mrkdwn", "text": slack_escaped}},
        {"type": "rich_text", "elements": [{"type": "rich_text_quote", "elements": [
            {"type": "text", "text": evil, "style": {"bold": True}}]}]},
        {"type": "actions", "elements": [{"type": "button", "action_id": "a", "value": "v",
                                          "text": {"type": "plain_text", "text": evil}}]},
    ]}
    card = {"type": "AdaptiveCard", "version": "1.5", "body": [
        {"type": "RichTextBlock", "inlines": [{"type": "TextRun", "text": evil, "weight": "Bolder"}]},
        {"type": "TextBlock", "text": evil},
        {"type": "Input.Toggle", "id": "t", "title": evil},
    ], "actions": [{"type": "Action.Submit", "title": evil}]}
    for page, times in ((slack_html(message), 3), (teams_html(card), 4), (terminal_html(evil + "\n"), 1)):
        drawn = Drawn(page)
        assert not drawn.tags.keys() & {"script", "img", "a", "iframe", "link"}, drawn.tags
        assert drawn.shown.count(evil) == times
    assert evil in Drawn(slack_html(message)).bold and evil in Drawn(teams_html(card)).bold


def test_mrkdwn_is_drawn_as_slack_reads_it() -> None:
    drawn = Drawn(mrkdwn_html("*Bold*: words new since Level 1 &amp; _same in Web_ · `level2.md:16`\n"
                              "<https://example.com/l2|*Hiring*> ~gone~ snake_case_name 2*3*4\n> quoted"))
    assert drawn.bold == ["Bold", "Hiring"]
    assert "snake_case_name 2*3*4" in drawn.shown  # marks inside words are not emphasis
    assert drawn.tags["i"] == 1 and drawn.tags["code"] == 1 and drawn.tags["s"] == 1
    assert drawn.tags["blockquote"] == 1 and "&" in drawn.shown and "&amp;" not in drawn.shown


def test_the_new_words_are_bold_and_nothing_else_of_the_quote(checklist) -> None:
    slack, teams = checklist
    for page in (slack_html(slack), teams_html(teams)):
        drawn = Drawn(page)
        for words in NEW_WORDS:
            assert words in drawn.bold
        # The unchanged words of the changed area are shown, and not bold.
        assert "I write " in drawn.shown and not any("I write" in b for b in drawn.bold)
        assert not any("up to date." in b for b in drawn.bold)


def test_chromium_photographs_each_page_as_a_page_with_something_on_it(checklist, tmp_path: Path) -> None:
    browser = chromium()  # skips without Chromium, fails under CI=true
    slack, teams = checklist
    lines = ["$ careerfw ask …", "From Level 1 to Level 2 (Engineering): 4 area(s)", "  > I write …", "$"]
    for name, page in (("slack", slack_html(slack)), ("teams", teams_html(teams)),
                       ("terminal", terminal_html("\n".join(lines)))):
        out = tmp_path / f"{name}.png"
        width, height = screenshot(page, out, scale=1, browser=browser)
        image = read_png(out)
        assert (image.width, image.height) == (width, height), name  # cut to the drawing, at scale 1
        assert 400 <= width <= 1400 and 60 <= height <= 2000, (name, width, height)
        background = image.pixels[2][2]
        drawn = sum(1 for row in image.pixels for pixel in row if pixel != background)
        assert drawn > 0.02 * width * height, f"{name}: the picture is nearly blank ({drawn} pixels drawn)"
        # Text: dark pixels on the light pages, light ones on the terminal's dark window.
        ink = [p for row in image.pixels for p in row if (sum(p) < 200 if name != "terminal" else sum(p) > 600)]
        assert len(ink) > 500, f"{name}: no text drawn"
    # A whole checklist is taller than a few lines.
    assert screenshot(slack_html(slack), tmp_path / "again.png", scale=1, browser=browser)[1] > 300


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux not installed (apt-get install tmux)")
def test_the_terminal_capture_is_what_careerfw_ask_prints(promotion_index: Path, promotion_answer: Answer) -> None:
    from bot.text import render_answer

    columns = 80
    typed = shlex.join(["careerfw", "ask", "--content", str(DEFAULT_CONTENT), "--index", str(promotion_index),
                        DEFAULT_QUESTION])
    shown = capture_terminal(typed, cwd=REPO, columns=columns, path=[Path(sys.executable).parent])

    def wrapped(line: str) -> list[str]:
        return [line[i:i + columns].rstrip() for i in range(0, max(len(line), 1), columns)]

    printed = [w for line in render_answer(promotion_answer).rstrip("\n").split("\n") for w in wrapped(line)]
    rows = shown.split("\n")[:-1]
    assert rows[0] == ("$ " + typed)[:columns].rstrip()
    # The rows the typed line took depend on how readline wraps it (the index path's length varies):
    # what follows it is the answer as printed, wrapped at the pane's width, then the prompt again.
    assert rows[-len(printed) - 1:] == [*printed, "$"]
    # (spaces aside: a row that ends at a space is captured without it)
    assert "".join(rows[:-len(printed) - 1]).replace(" ", "") == ("$ " + typed).replace(" ", "")
