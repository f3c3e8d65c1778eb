"""Pictures of one answer on each surface (issue 21, Done means): the terminal from `tmux capture-pane`,
Slack's Block Kit message and Teams' Adaptive Card from the JSON the bot sends, each drawn as a small
self-contained HTML page and photographed by headless Chromium (Debian's package, as the report's test
uses it).

    python -m careerfw_tools.render_surfaces [--content DIR] [--question Q] [--out docs/img]

writes checklist-terminal.png, checklist-slack.png and checklist-teams.png (docs/checklist.md shows them).

The pages imitate Slack's and Teams' look (fonts, colours, spacing); they are not those clients. What
they promise is narrower and tested (tests/test_render_surfaces.py): every block, element and action in
the JSON is drawn (a type without a drawing here is an error, never left out), every text is escaped,
and Slack's bold rich text and mrkdwn `*bold*` and Teams' `"weight": "Bolder"` runs are bold. Each drawn
element carries `data-type`, so a test can count what was drawn against what was sent. Slack's Lato and
the emoji on the buttons need `apt-get install fonts-lato fonts-noto-color-emoji`; without them Chromium
falls back to DejaVu and an empty box.

Nothing in bot/ or index/ imports this module: it only reads what the bot builds.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from index import Answer

REPO = Path(__file__).resolve().parent.parent
# A made-up ladder whose Level 2 has an area changed, two unchanged and one new: every part of a checklist.
DEFAULT_CONTENT = Path("tests/fixtures/promotion")
DEFAULT_QUESTION = "what do I need to go from level 1 to level 2?"
DEFAULT_OUT = Path("docs/img")
TERMINAL_COLUMNS = 100

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars")

Json = dict[str, Any]


class UnknownElement(ValueError):
    """A block, element or action this renderer has no drawing for: drawing the rest would hide it."""


class ToolMissing(RuntimeError):
    """Chromium or tmux is not installed."""


def _unknown(surface: str, kind: object, where: str) -> UnknownElement:
    return UnknownElement(f"{surface}: no drawing for type {kind!r} at {where}; add one to "
                          "careerfw_tools/render_surfaces.py rather than leave it out")


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _tag(name: str, kind: str, inner: str, cls: str = "", style: str = "") -> str:
    """An element as drawn, with the type it was drawn from (`data-type`), which the test counts."""
    attrs = f' data-type="{_e(kind)}"'
    if cls:
        attrs += f' class="{cls}"'
    if style:
        attrs += f' style="{_e(style)}"'
    return f"<{name}{attrs}>{inner}</{name}>"


# --- the page ----------------------------------------------------------------------------------------

# Nothing is loaded from anywhere; the measuring pass alone runs one inline script (see `screenshot`).
_CSP = "default-src 'none'; style-src 'unsafe-inline'"
_MEASURE = ("<script>const r = document.getElementById('frame').getBoundingClientRect();"
            "document.title = Math.ceil(r.right) + 'x' + Math.ceil(r.bottom);</script>")


def page(title: str, css: str, body: str) -> str:
    """A whole HTML document: the frame (`#frame`) is what gets photographed."""
    return ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{_CSP}\">"
            f"<title>{_e(title)}</title><style>html,body{{margin:0;padding:0}}"
            f"#frame{{display:inline-block;vertical-align:top}}{css}</style></head>"
            f"<body><div id=\"frame\">{body}</div></body></html>\n")


# --- Slack: Block Kit ---------------------------------------------------------------------------------

SLACK_CSS = """
body{background:#fff}
#frame{width:640px;padding:16px 20px 20px;font:15px/1.47 Lato,'DejaVu Sans',sans-serif;color:#1d1c1d}
.msg{display:flex;gap:8px}
.avatar{flex:none;width:36px;height:36px;border-radius:6px;background:#4a154b;color:#fff;font-weight:900;
  font-size:18px;display:flex;align-items:center;justify-content:center}
.who{font-weight:900}.app{font-size:10px;font-weight:700;color:#616061;background:#e8e8e8;border-radius:2px;
  padding:1px 3px;margin-left:4px;vertical-align:2px}.time{color:#616061;font-size:12px;margin-left:6px}
.blocks{flex:1;min-width:0}
.s-section,.s-rich,.s-actions,.s-context{margin:4px 0}
.s-context{font-size:13px;color:#616061;display:flex;flex-wrap:wrap;gap:8px;align-items:center}
.s-fields{display:grid;grid-template-columns:1fr 1fr;gap:8px 16px}
.s-header{font-size:18px;font-weight:900;margin:8px 0 4px}
hr.s-divider{border:0;border-top:1px solid #dddddd;margin:12px 0}
.s-actions{display:flex;flex-wrap:wrap;gap:8px;margin-top:10px}
.s-button{border:1px solid #bbbabb;border-radius:4px;padding:3px 12px;font-size:14px;font-weight:700;background:#fff}
.s-button.primary{background:#007a5a;border-color:#007a5a;color:#fff}
.s-button.danger{background:#e01e5a;border-color:#e01e5a;color:#fff}
.s-feedback{border:1px solid #dddddd;border-radius:4px;padding:1px 7px}
blockquote{margin:2px 0;padding:0 0 0 12px;border-left:4px solid #dddddd}
ul.s-list,ol.s-list{margin:2px 0;padding-left:26px}
code{font:12px 'DejaVu Sans Mono',monospace;color:#c01343;background:#f7f7f9;border:1px solid #e8e8e8;
  border-radius:3px;padding:1px 3px}
pre{font:12px/1.5 'DejaVu Sans Mono',monospace;background:#f8f8f8;border:1px solid #e8e8e8;border-radius:4px;
  padding:8px;white-space:pre-wrap;margin:4px 0}
.link{color:#1264a3}.mention{color:#1264a3;background:#e8f5fa;border-radius:3px;padding:0 2px}
"""

_SLACK_TOKEN = re.compile(r"<([^<>\n]+)>")
_SLACK_CODE = re.compile(r"`([^`\n]+)`")


def _slack_unescape(text: str) -> str:
    """Slack's wire escapes undone (only these three exist), before the text is escaped again as HTML."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _emphasis(mark: str) -> re.Pattern[str]:
    """Slack's *bold*, _italic_ and ~strike~: the marks hug the words and stand apart from neighbouring words."""
    m = re.escape(mark)
    return re.compile(rf"(?<![^\s(\[{{'\"]){m}(?=\S)([^{m}\n]*?\S){m}(?![^\s.,;:!?)\]}}'\"])")


_EMPHASIS = [(_emphasis("*"), "b"), (_emphasis("_"), "i"), (_emphasis("~"), "s")]


def _slack_token(token: str) -> str:
    target, _, label = token.partition("|")
    if target.startswith("@"):
        return f'<span class="mention">@{_e(_slack_unescape(label or target[1:]))}</span>'
    if target.startswith("#"):
        return f'<span class="mention">#{_e(_slack_unescape(label or target[1:]))}</span>'
    if target.startswith("!"):
        return f'<span class="mention">{_e(_slack_unescape(label or "@" + target[1:].split("^", 1)[0]))}</span>'
    # A link: drawn as one, never followed (the page loads nothing).
    return f'<span class="link">{_mrkdwn_inline(label) if label else _e(_slack_unescape(target))}</span>'


def _mrkdwn_inline(text: str) -> str:
    """One line of mrkdwn as HTML: code spans and <…> tokens first (nothing inside them is formatted),
    then bold, italic and strike, each of which may hold the others."""
    out: list[str] = []
    pos = 0
    for match in re.finditer(rf"{_SLACK_CODE.pattern}|{_SLACK_TOKEN.pattern}", text):
        out.append(_mrkdwn_emphasis(text[pos:match.start()]))
        if match.group(1) is not None:
            out.append(f"<code>{_e(_slack_unescape(match.group(1)))}</code>")
        else:
            out.append(_slack_token(match.group(2)))
        pos = match.end()
    out.append(_mrkdwn_emphasis(text[pos:]))
    return "".join(out)


def _mrkdwn_emphasis(text: str) -> str:
    found = [(m, tag) for pattern, tag in _EMPHASIS if (m := pattern.search(text))]
    if not found:
        return _e(_slack_unescape(text))
    match, tag = min(found, key=lambda f: f[0].start())  # the first mark opened holds the others
    return (_mrkdwn_emphasis(text[:match.start()]) + f"<{tag}>{_mrkdwn_emphasis(match.group(1))}</{tag}>"
            + _mrkdwn_emphasis(text[match.end():]))


def mrkdwn_html(text: str) -> str:
    """Slack mrkdwn as HTML: ```code``` blocks, `>` quote lines, then inline formatting, newlines kept."""
    parts: list[str] = []
    for n, chunk in enumerate(text.split("```")):
        if n % 2:
            parts.append(f"<pre>{_e(_slack_unescape(chunk.strip(chr(10))))}</pre>")
            continue
        lines = chunk.split("\n")
        i = 0
        rendered: list[str] = []
        while i < len(lines):
            if lines[i].startswith(">"):
                quoted = []
                while i < len(lines) and lines[i].startswith(">"):
                    quoted.append(_mrkdwn_inline(lines[i][2:] if lines[i].startswith("> ") else lines[i][1:]))
                    i += 1
                rendered.append("<blockquote>" + "<br>".join(quoted) + "</blockquote>")
            else:
                rendered.append(_mrkdwn_inline(lines[i]) + ("<br>" if i + 1 < len(lines) and
                                                            not lines[i + 1].startswith(">") else ""))
                i += 1
        parts.append("".join(rendered))
    return "".join(parts)


def _slack_text(obj: Json, where: str) -> str:
    kind = obj.get("type")
    if kind == "mrkdwn":
        return _tag("span", kind, mrkdwn_html(obj.get("text", "")))
    if kind == "plain_text":
        return _tag("span", kind, _e(obj.get("text", "")).replace("\n", "<br>"))
    raise _unknown("Slack text", kind, where)


def _rich_inline(el: Json, where: str) -> str:
    kind = el.get("type")
    style = el.get("style") or {}
    if kind == "text":
        inner = _e(el.get("text", "")).replace("\n", "<br>")
    elif kind == "link":
        inner = f'<span class="link">{_e(el.get("text") or el.get("url", ""))}</span>'
    elif kind == "emoji":
        code = el.get("unicode")
        inner = "".join(chr(int(c, 16)) for c in code.split("-")) if code else _e(f":{el.get('name', '')}:")
    elif kind == "user":
        inner = f'<span class="mention">@{_e(el.get("user_id", ""))}</span>'
    elif kind == "channel":
        inner = f'<span class="mention">#{_e(el.get("channel_id", ""))}</span>'
    elif kind == "broadcast":
        inner = f'<span class="mention">@{_e(el.get("range", ""))}</span>'
    else:
        raise _unknown("Slack rich text", kind, where)
    for flag, tag in (("code", "code"), ("strike", "s"), ("italic", "i"), ("bold", "b")):
        if style.get(flag):
            inner = f"<{tag}>{inner}</{tag}>"
    return _tag("span", kind, inner)


def _rich_block(el: Json, where: str) -> str:
    kind = el.get("type")
    children = el.get("elements", [])
    if kind == "rich_text_section":
        return _tag("div", kind, "".join(_rich_inline(c, f"{where}.elements[{i}]") for i, c in enumerate(children)))
    if kind == "rich_text_quote":
        return _tag("blockquote", kind,
                    "".join(_rich_inline(c, f"{where}.elements[{i}]") for i, c in enumerate(children)))
    if kind == "rich_text_preformatted":
        return _tag("pre", kind, "".join(_rich_inline(c, f"{where}.elements[{i}]") for i, c in enumerate(children)))
    if kind == "rich_text_list":
        tag = "ol" if el.get("style") == "ordered" else "ul"
        items = "".join(f"<li>{_rich_block(c, f'{where}.elements[{i}]')}</li>" for i, c in enumerate(children))
        return _tag(tag, kind, items, cls="s-list", style=f"margin-left:{24 * int(el.get('indent', 0))}px")
    raise _unknown("Slack rich text", kind, where)


def _slack_element(el: Json, where: str) -> str:
    """What an actions or context block holds."""
    kind = el.get("type")
    if kind in ("mrkdwn", "plain_text"):
        return _slack_text(el, where)
    if kind == "button":
        style = el.get("style", "")
        return _tag("span", kind, _slack_text(el["text"], f"{where}.text"),
                    cls=f"s-button {style}".strip())
    if kind == "feedback_buttons":
        return _tag("span", kind, "".join(
            f'<span class="s-feedback">{_slack_text(el[side]["text"], f"{where}.{side}.text")}</span> '
            for side in ("positive_button", "negative_button")))
    raise _unknown("Slack element", kind, where)


def _slack_block(block: Json, where: str) -> str:
    kind = block.get("type")
    if kind == "section":
        inner = ""
        if "text" in block:
            inner += f"<div>{_slack_text(block['text'], f'{where}.text')}</div>"
        if "fields" in block:
            fields = "".join(f"<div>{_slack_text(f, f'{where}.fields[{i}]')}</div>"
                             for i, f in enumerate(block["fields"]))
            inner += f'<div class="s-fields">{fields}</div>'
        if "accessory" in block:
            inner += f"<div>{_slack_element(block['accessory'], f'{where}.accessory')}</div>"
        return _tag("div", kind, inner, cls="s-section")
    if kind == "context":
        return _tag("div", kind, "".join(_slack_element(e, f"{where}.elements[{i}]")
                                         for i, e in enumerate(block.get("elements", []))), cls="s-context")
    if kind in ("actions", "context_actions"):
        return _tag("div", kind, "".join(_slack_element(e, f"{where}.elements[{i}]")
                                         for i, e in enumerate(block.get("elements", []))), cls="s-actions")
    if kind == "divider":
        return _tag("hr", kind, "", cls="s-divider").replace("></hr>", ">")
    if kind == "header":
        return _tag("div", kind, _slack_text(block["text"], f"{where}.text"), cls="s-header")
    if kind == "rich_text":
        return _tag("div", kind, "".join(_rich_block(e, f"{where}.elements[{i}]")
                                         for i, e in enumerate(block.get("elements", []))), cls="s-rich")
    raise _unknown("Slack block", kind, where)


def slack_html(message: Json, bot: str = "careerfw") -> str:
    """A Slack message (`{"text": …, "blocks": [...]}`, as chat.postMessage takes it) as an HTML page.
    Without blocks, Slack shows `text` as mrkdwn, and so does this."""
    blocks = message.get("blocks")
    if blocks:
        inner = "".join(_slack_block(b, f"blocks[{i}]") for i, b in enumerate(blocks))
    else:
        inner = _tag("div", "mrkdwn", mrkdwn_html(message.get("text", "")), cls="s-section")
    body = (f'<div class="msg"><div class="avatar">{_e(bot[:1].upper())}</div><div class="blocks">'
            f'<div><span class="who">{_e(bot)}</span><span class="app">APP</span>'
            f'<span class="time">9:41 AM</span></div>{inner}</div></div>')
    return page(f"{bot} in Slack", SLACK_CSS, body)


# --- Teams: Adaptive Cards ----------------------------------------------------------------------------

TEAMS_CSS = """
body{background:#f5f5f5}
#frame{width:600px;padding:16px 20px 20px;font:14px/1.43 'Segoe UI','DejaVu Sans',sans-serif;color:#242424}
.who{font-size:12px;color:#616161;margin:0 0 4px 2px}.who b{color:#242424;margin-right:6px}
.ac-card{background:#fff;border:1px solid #e0e0e0;border-radius:6px;padding:14px 16px;
  box-shadow:0 1px 2px rgba(0,0,0,.14)}
.ac-items>*{margin-top:8px}.ac-items>*:first-child{margin-top:0!important}
.ac-text{white-space:pre-wrap;overflow-wrap:anywhere}
.ac-styled{padding:8px 10px;border-radius:4px}
.ac-columns{display:flex;gap:12px}.ac-column{min-width:0}
.ac-toggle{display:flex;gap:8px;align-items:flex-start}
.ac-box{flex:none;width:14px;height:14px;border:1px solid #616161;border-radius:3px;margin-top:3px}
.ac-box.on{background:#5b5fc7;border-color:#5b5fc7}
.ac-input{border:1px solid #d1d1d1;border-bottom-color:#616161;border-radius:4px;padding:5px 8px;color:#707070}
.ac-actions{display:flex;flex-wrap:wrap;gap:8px;margin-top:12px}
.ac-button{border:1px solid #d1d1d1;border-radius:4px;padding:4px 12px;font-weight:600;background:#fff}
.ac-button.positive{background:#5b5fc7;border-color:#5b5fc7;color:#fff}
.ac-button.destructive{color:#c4314b}
.ac-showcard{display:none}
.ac-facts td{padding:0 12px 2px 0;vertical-align:top}.ac-facts td:first-child{font-weight:600}
.ac-link{color:#5b5fc7;text-decoration:underline}
"""

_AC_SPACING = {"None": 0, "Small": 4, "Default": 8, "Medium": 16, "Large": 24, "ExtraLarge": 32, "Padding": 16}
_AC_SIZE = {"Small": 12, "Default": 14, "Medium": 17, "Large": 21, "ExtraLarge": 26}
_AC_COLOUR = {"Default": "#242424", "Dark": "#242424", "Light": "#ffffff", "Accent": "#5b5fc7",
              "Good": "#237b4b", "Warning": "#835b00", "Attention": "#c4314b"}
_AC_SUBTLE = "#616161"
_AC_BACKGROUND = {"emphasis": "#f5f5f5", "accent": "#e8ebfa", "good": "#e7f2da", "attention": "#fcf4f6",
                  "warning": "#fbf6d9"}


def _ac_block_style(el: Json) -> str:
    style = f"margin-top:{_AC_SPACING.get(el.get('spacing', 'Default'), 8)}px;"
    if el.get("separator"):
        style += "border-top:1px solid #e0e0e0;padding-top:8px;"
    if el.get("horizontalAlignment") in ("Center", "Right"):
        style += f"text-align:{el['horizontalAlignment'].lower()};"
    return style


def _ac_text_style(el: Json) -> str:
    style = ""
    if el.get("size") in _AC_SIZE:
        style += f"font-size:{_AC_SIZE[el['size']]}px;"
    if el.get("weight") == "Bolder":
        style += "font-weight:700;"
    elif el.get("weight") == "Lighter":
        style += "font-weight:300;"
    if el.get("isSubtle"):
        style += f"color:{_AC_SUBTLE};"
    elif el.get("color") in _AC_COLOUR:
        style += f"color:{_AC_COLOUR[el['color']]};"
    if el.get("fontType") == "Monospace":
        style += "font-family:'DejaVu Sans Mono',monospace;"
    return style


def _ac_markdown(text: str) -> str:
    """The markdown Teams reads in a TextBlock: **bold**, _italic_ and [label](url), on escaped text."""
    out = _e(text)
    out = re.sub(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", r"<b>\1</b>", out)
    out = re.sub(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)", r"<i>\1</i>", out)
    return re.sub(r"\[([^\]\n]+)\]\(([^)\s]+)\)", r'<span class="ac-link">\1</span>', out)


def _ac_run(run: Json, where: str) -> str:
    kind = run.get("type")
    if kind != "TextRun":
        raise _unknown("Adaptive Card inline", kind, where)
    inner = _e(run.get("text", ""))
    for flag, tag in (("strikethrough", "s"), ("underline", "u"), ("italic", "i")):
        if run.get(flag):
            inner = f"<{tag}>{inner}</{tag}>"
    if run.get("weight") == "Bolder":
        inner = f"<b>{inner}</b>"
    if run.get("highlight"):
        inner = f'<mark style="background:#fff4ce">{inner}</mark>'
    if "selectAction" in run:
        inner = _tag("span", _ac_action_kind(run["selectAction"], f"{where}.selectAction"), inner, cls="ac-link")
    return _tag("span", kind, inner, style=_ac_text_style({**run, "weight": None}))


def _ac_action_kind(action: Json, where: str) -> str:
    kind = action.get("type")
    if kind not in ("Action.Submit", "Action.OpenUrl", "Action.ShowCard", "Action.Execute",
                    "Action.ToggleVisibility"):
        raise _unknown("Adaptive Card action", kind, where)
    return str(kind)


def _ac_action(action: Json, where: str) -> str:
    kind = _ac_action_kind(action, where)
    style = action.get("style", "")
    button = _tag("span", kind, _e(action.get("title", "")), cls=f"ac-button {style}".strip())
    if kind == "Action.ShowCard":
        # Drawn closed, as Teams first shows it; the card inside is still drawn (hidden), so a type in it
        # without a drawing is found too.
        button += f'<div class="ac-showcard">{_ac_card(action["card"], f"{where}.card")}</div>'
    return button


def _ac_items(items: Iterable[Json], where: str) -> str:
    return '<div class="ac-items">' + "".join(_ac_element(e, f"{where}[{i}]") for i, e in enumerate(items)) + "</div>"


def _ac_element(el: Json, where: str) -> str:
    kind = el.get("type")
    block = _ac_block_style(el)
    if el.get("isVisible") is False:
        block += "display:none;"
    if kind == "TextBlock":
        inner = _ac_markdown(el.get("text", ""))
        return _tag("div", kind, inner, cls="ac-text", style=block + _ac_text_style(el))
    if kind == "RichTextBlock":
        runs = "".join(_ac_run(r, f"{where}.inlines[{i}]") for i, r in enumerate(el.get("inlines", [])))
        return _tag("div", kind, runs, cls="ac-text", style=block)
    if kind == "Container":
        styled = el.get("style") in _AC_BACKGROUND
        if styled:
            block += f"background:{_AC_BACKGROUND[el['style']]};"
        inner = _ac_items(el.get("items", []), f"{where}.items")
        if "selectAction" in el:
            inner += _tag("span", _ac_action_kind(el["selectAction"], f"{where}.selectAction"), "")
        return _tag("div", kind, inner, cls="ac-styled" if styled else "", style=block)
    if kind == "ColumnSet":
        columns = []
        for i, column in enumerate(el.get("columns", [])):
            if column.get("type", "Column") != "Column":
                raise _unknown("Adaptive Card column", column.get("type"), f"{where}.columns[{i}]")
            width = column.get("width", "stretch")
            flex = ("flex:0 0 auto;" if width == "auto" else f"flex:0 0 {width};" if str(width).endswith("px")
                    else f"flex:{width} 1 0;" if isinstance(width, int | float) else "flex:1 1 0;")
            columns.append(_tag("div", "Column", _ac_items(column.get("items", []), f"{where}.columns[{i}].items"),
                                cls="ac-column", style=flex))
        return _tag("div", kind, "".join(columns), cls="ac-columns", style=block)
    if kind == "FactSet":
        rows = "".join(f"<tr><td>{_e(f.get('title', ''))}</td><td>{_ac_markdown(f.get('value', ''))}</td></tr>"
                       for f in el.get("facts", []))
        return _tag("table", kind, rows, cls="ac-facts", style=block)
    if kind == "ActionSet":
        return _tag("div", kind, "".join(_ac_action(a, f"{where}.actions[{i}]")
                                         for i, a in enumerate(el.get("actions", []))), cls="ac-actions", style=block)
    if kind == "Input.Toggle":
        on = " on" if el.get("value") == el.get("valueOn", "true") else ""
        return _tag("div", kind, f'<span class="ac-box{on}"></span><span>{_e(el.get("title", ""))}</span>',
                    cls="ac-toggle", style=block)
    if kind == "Input.Text":
        label = f"<div>{_e(el['label'])}</div>" if el.get("label") else ""
        shown = el.get("value") or el.get("placeholder", "")
        return _tag("div", kind, f'{label}<div class="ac-input">{_e(shown)}</div>', style=block)
    raise _unknown("Adaptive Card element", kind, where)


def _ac_card(card: Json, where: str) -> str:
    if card.get("type") != "AdaptiveCard":
        raise _unknown("Adaptive Card", card.get("type"), where)
    inner = _ac_items(card.get("body", []), f"{where}.body")
    actions = card.get("actions", [])
    if actions:
        inner += '<div class="ac-actions">' + "".join(
            _ac_action(a, f"{where}.actions[{i}]") for i, a in enumerate(actions)) + "</div>"
    return _tag("div", "AdaptiveCard", inner, cls="ac-card" if where == "card" else "")


def teams_html(card: Json, bot: str = "careerfw") -> str:
    """An Adaptive Card (as the bot attaches it) as an HTML page, in a Teams chat's colours."""
    body = f'<div class="who"><b>{_e(bot)}</b>9:41 AM</div>{_ac_card(card, "card")}'
    return page(f"{bot} in Teams", TEAMS_CSS, body)


# --- the terminal ---------------------------------------------------------------------------------------

TERMINAL_CSS = """
body{background:#fff}
#frame{padding:12px}
.window{display:inline-block;background:#1e1e1e;border-radius:8px;overflow:hidden;box-shadow:0 2px 8px rgba(0,0,0,.35)}
.bar{background:#3a3a3a;color:#c8c8c8;font:12px 'DejaVu Sans',sans-serif;padding:5px 12px;text-align:center}
pre{margin:0;padding:10px 14px 14px;color:#e6e6e6;font:13px/1.4 'DejaVu Sans Mono',monospace;white-space:pre}
"""


def terminal_html(text: str, columns: int = TERMINAL_COLUMNS, title: str = "careerfw ask") -> str:
    """What a terminal `columns` wide shows (e.g. `tmux capture-pane -p`), character for character."""
    lines = text.rstrip("\n").split("\n")
    body = (f'<div class="window"><div class="bar">{_e(title)}</div>'
            f'<pre data-type="terminal" style="width:{columns}ch">{_e(chr(10).join(lines))}</pre></div>')
    return page(title, TERMINAL_CSS, body)


def capture_terminal(typed: str, *, cwd: Path, columns: int = TERMINAL_COLUMNS, rows: int = 60,
                     timeout: float = 180, path: Iterable[Path] = ()) -> str:
    """`typed` run at a shell prompt in a tmux pane `columns` wide, and the pane as `tmux capture-pane`
    gives it once the prompt is back: lines wrap where the terminal wraps them. The tmux server is this
    call's own (its own socket) and is stopped after."""
    tmux = shutil.which("tmux")
    if tmux is None:
        raise ToolMissing("tmux not found: apt-get install tmux")
    socket = f"careerfw-render-{os.getpid()}"
    env = {**os.environ, "PS1": "$ ", "TERM": "xterm-256color",
           "PATH": os.pathsep.join([*(str(p) for p in path), os.environ.get("PATH", "")])}

    def tmux_run(*args: str) -> str:
        return subprocess.run([tmux, "-L", socket, "-f", os.devnull, *args], capture_output=True, text=True,
                              check=True, env=env, cwd=cwd, timeout=30).stdout

    def prompt_after(lines: int) -> list[str] | None:
        """The pane once a bare prompt is its last line and it has more than `lines` lines, else None."""
        shown = [line.rstrip() for line in tmux_run("capture-pane", "-p", "-t", "shot").split("\n")]
        while shown and not shown[-1]:
            shown.pop()
        return shown if len(shown) > lines and shown[-1] == "$" else None

    def wait(lines: int) -> list[str]:
        deadline = time.monotonic() + timeout
        while (shown := prompt_after(lines)) is None:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{typed!r} did not finish in {timeout:.0f} s in tmux")
            time.sleep(0.2)
        return shown

    with tempfile.TemporaryDirectory(prefix="careerfw-tmux-") as folder:
        rc = Path(folder) / "bashrc"
        rc.write_text("PS1='$ '\n", encoding="utf-8")  # a plain prompt, whoever runs this
        tmux_run("new-session", "-d", "-s", "shot", "-x", str(columns), "-y", str(rows),
                 shlex.join(["bash", "--noprofile", "--rcfile", str(rc)]))
        try:
            wait(0)  # typed before the shell is ready, the keys would be echoed twice
            tmux_run("send-keys", "-t", "shot", "-l", typed)
            tmux_run("send-keys", "-t", "shot", "Enter")
            return "\n".join(wait(1)) + "\n"
        finally:
            tmux_run("kill-server")


# --- the photograph -------------------------------------------------------------------------------------


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        raise ToolMissing("Chromium not found: apt-get install chromium, or run `make test`")
    return found


def _chromium(browser: str, *args: str) -> str:
    with tempfile.TemporaryDirectory(prefix="careerfw-render-") as profile:
        return subprocess.run([browser, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True,
                              text=True, timeout=120, check=True, env={**os.environ, "LC_ALL": "C.UTF-8"}).stdout


def screenshot(document: str, out: Path, *, scale: float = 2, browser: str | None = None) -> tuple[int, int]:
    """`document` (from `page`) photographed to the PNG `out`, cut to its frame: Chromium lays it out
    once to measure the frame (an inline script writes its size into the title), then photographs a
    window of exactly that size. Returns the frame's size in CSS pixels; the PNG is `scale` times that."""
    browser = browser or chromium()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="careerfw-page-") as folder:
        measuring = Path(folder) / "measure.html"
        measuring.write_text(document.replace(_CSP, _CSP + "; script-src 'unsafe-inline'")
                             .replace("</body>", _MEASURE + "</body>"), encoding="utf-8")
        dom = _chromium(browser, "--window-size=1600,400", "--dump-dom", measuring.as_uri())
        size = re.search(r"<title>(\d+)x(\d+)</title>", dom)
        if size is None:
            raise RuntimeError(f"Chromium did not lay out the page (no size in its DOM): {dom[:300]!r}")
        width, height = int(size.group(1)), int(size.group(2))
        shown = Path(folder) / "page.html"
        shown.write_text(document, encoding="utf-8")
        _chromium(browser, f"--window-size={width},{height}", f"--force-device-scale-factor={scale}",
                  f"--screenshot={out.resolve()}", shown.as_uri())
    if not out.is_file():
        raise RuntimeError(f"Chromium wrote no screenshot to {out}")
    return width, height


# --- one answer on the three surfaces ------------------------------------------------------------------


def surfaces_for(answer: Answer) -> tuple[Json, Json]:
    """The Slack message and the Teams card the bot sends for `answer` by default (one screen), built by
    the bot's own code (bot.slack.blocks, bot.teams.cards), as the first question of a conversation."""
    from bot.slack.blocks import answer_message
    from bot.teams.cards import answer_card

    return answer_message(answer, 1), answer_card(answer, 1)


def surfaces(content: Path, question: str, index: Path | None = None) -> tuple[Json, Json]:
    """`surfaces_for` the answer `careerfw ask` gives: the same settings, the same per-content index."""
    from bot.config import Settings
    from bot.runtime import open_answerer

    settings = Settings.from_env().with_overrides(content_dir=content, index_dir=index).with_content_site_url()
    return surfaces_for(open_answerer(settings, progress=False).ask(question))


def update_doc(doc: Path, terminal: str, slack: Json, teams: Json) -> None:
    """The page's first ```text fence becomes the terminal capture and its two ```json fences the Slack
    message and the Teams card, so the text beside the pictures is what was photographed."""
    text = doc.read_text(encoding="utf-8")
    fences = iter([json.dumps(slack, indent=1, ensure_ascii=False), json.dumps(teams, indent=1, ensure_ascii=False)])
    text, terminals = re.subn(r"```text\n.*?\n```", lambda _: f"```text\n{terminal.rstrip()}\n```", text,
                              count=1, flags=re.S)
    text, jsons = re.subn(r"```json\n.*?\n```", lambda _: f"```json\n{next(fences, '')}\n```", text,
                          count=2, flags=re.S)
    if (terminals, jsons) != (1, 2):
        raise ValueError(f"{doc}: expected one ```text and two ```json fences to fill, found {terminals} and {jsons}")
    doc.write_text(text, encoding="utf-8")


def render(content: Path, question: str, out: Path, *, columns: int = TERMINAL_COLUMNS, doc: Path | None = None,
           log: Callable[[str], None] = print) -> list[Path]:
    """The three pictures of one answer, named checklist-{terminal,slack,teams}.png in `out`, and with
    `doc` the text and JSON beside them (`update_doc`). The index is the per-content one `careerfw ask`
    uses, opened here first so the terminal shows no build."""
    slack, teams = surfaces(content if content.is_absolute() else REPO / content, question)
    typed = shlex.join(["careerfw", "ask", "--content", str(content), question])
    shown = capture_terminal(typed, cwd=REPO, columns=columns, path=[Path(sys.executable).parent])
    made = []
    for name, document in (("terminal", terminal_html(shown, columns)), ("slack", slack_html(slack)),
                           ("teams", teams_html(teams))):
        target = out / f"checklist-{name}.png"
        width, height = screenshot(document, target)
        log(f"{target}: {width}x{height} CSS px")
        made.append(target)
    if doc is not None:
        update_doc(doc, shown, slack, teams)
        log(f"{doc}: terminal text and JSON updated")
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m careerfw_tools.render_surfaces",
                                     description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--content", type=Path, default=DEFAULT_CONTENT,
                        help=f"framework pages, relative to the repository (default: {DEFAULT_CONTENT})")
    parser.add_argument("--question", default=DEFAULT_QUESTION, help=f"default: {DEFAULT_QUESTION!r}")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"folder for the PNGs (default: {DEFAULT_OUT})")
    parser.add_argument("--columns", type=int, default=TERMINAL_COLUMNS, help="the terminal's width")
    parser.add_argument("--doc", type=Path, help="a page whose ```text and ```json fences to fill (docs/checklist.md)")
    args = parser.parse_args(argv)
    try:
        render(args.content, args.question, args.out if args.out.is_absolute() else REPO / args.out,
               columns=args.columns, doc=args.doc)
    except (ToolMissing, UnknownElement, TimeoutError) as error:
        print(f"render_surfaces: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
