"""Answers, help and the TODO summary as Slack messages: Block Kit plus a plain-text fallback `text`.

They translate the surface-neutral views of bot/view.py; every string from a user or the framework is
escaped by bot/slack/mrkdwn.py before it reaches mrkdwn. Messages respect Block Kit's limits (3,000
characters per section text, 50 blocks per message): a long quote is split at paragraph, then
sentence, then word boundaries.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Sequence
from typing import Any

from bot.prompts import Prompt, help_example
from bot.slack.mrkdwn import escape, link
from bot.text import split_text
from bot.view import (
    ALSO_RELEVANT,
    CHOOSE,
    DID_YOU_MEAN,
    NOT_WRITTEN_YET,
    SHOW_ALL,
    AnswerView,
    Budget,
    ChecklistItem,
    QuoteGroup,
    answer_view,
    area_label,
    citation,
    citation_parts,
    code_span,
    cut_mark,
    cut_to,
    help_view,
    side_headings,
    smaller,
)
from index import Answer, Answerer, Context, Entry, Quote, pieces

Block = dict[str, Any]
Message = dict[str, Any]  # {"text": ..., "blocks": [...]}: keyword arguments for chat.postMessage / respond

SECTION_LIMIT = 3000
MAX_BLOCKS = 50
BUTTON_TEXT_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
FALLBACK_LIMIT = 3000
QUESTION_ECHO_LIMIT = 300
MAX_SUGGESTIONS = 5
ALSO_RELEVANT_SHOWN = 2  # Block Kit's 50 blocks: a lookup shows at most this many "also relevant" quotes

ACTION_HELPFUL = "feedback_helpful"
ACTION_NOT_HELPFUL = "feedback_not_helpful"
# Slack's own thumbs (a feedback_buttons element in a context_actions block), used in agent threads;
# each button's value carries the question id and the verdict.
ACTION_FEEDBACK = "feedback"
ACTION_SHARE = "share_answer"
ACTION_DID_YOU_MEAN = "did_you_mean"  # suffixed _0, _1, …: action ids must be unique within a block
# Suffixed likewise; the value carries the choice's request (bot.view.Action), or, on a message posted
# before requests, the question it asks in words ({"c": …}), which is still answered.
ACTION_CHOOSE = "choose"
ACTION_WHOLE_CELL = "whole_cell"  # the whole cell when only its relevant paragraphs were quoted
ACTION_COMPARE_NEXT = "compare_next"  # the same area one level up: the value carries the request
ACTION_TODO_AREAS = "todo_areas"  # the unwritten areas, as `/careerfw todo` lists them
ACTION_CHECKLIST_DM = "checklist_dm"  # sends a promotion checklist to the clicker's direct messages
ACTION_SHOW_ALL = "show_all"  # the answer again, every area and whole texts (not cut to one screen)
# One phone screen (docs/slack.md): what a default answer may take, buttons and citations included.
# Slack's mobile app shows about 45 characters a line and 30 lines between the header and the composer.
BUDGET = Budget(lines=30, chars=1500, width=45)
FIELD_LIMIT = 2000  # characters of one section field (two fields show side by side)
MAX_CHOICES = 10  # choice buttons shown (a craft's levels: Block Kit allows 25 per actions block)
AGAIN_QUESTION_CHARS = 800  # of the question a button answering again carries (2,000 characters a value, escaped)



def how_to_ask(answerer: Answerer) -> str:
    """The help in mrkdwn, its example a question about the framework `answerer` serves (escaped: it
    carries the content's names)."""
    example = escape(code_span(help_example(answerer.entries, answerer.level_order)))
    view = help_view([
        f"`/careerfw {example}`: only you see the answer, and you can share it",
        "send me a direct message with your question",
        "mention me in a channel: I answer in the thread",
    ], example)
    return "\n".join([
        view.intro,
        *(f"• {way}" for way in view.ways_to_ask),
        *(f"• `/careerfw {word}`: {what}" for word, what in view.commands),
        view.promise,
    ])


TODO_SHOWN = 40


_SLACK_TOKEN = re.compile(r"<([^<>]*)>")


def _plain_token(token: str) -> str:
    target, _, label = token.partition("|")
    if target.startswith("@"):  # <@U123> or <@U123|name>
        return "@" + (label or target[1:])
    if target.startswith("#"):  # <#C123|general>
        return "#" + (label or target[1:])
    if target.startswith("!subteam^"):
        return label or "@group"
    if target.startswith("!"):  # <!channel>, <!here>, <!everyone>, <!date^…|fallback>
        return label or "@" + target[1:].split("^", 1)[0]
    return label or target  # a link: its label, else the URL


def plain_question(slack_text: str) -> str:
    """What a person typed, from Slack's wire format: mentions and links become readable words and
    Slack's own &amp;/&lt;/&gt; are undone, so the core sees the question as written."""
    return html.unescape(_SLACK_TOKEN.sub(lambda m: _plain_token(m.group(1)), slack_text or "")).strip()


# --- text splitting --------------------------------------------------------------------------------


def _quote_mrkdwn(text: str) -> str:
    """Escaped text as a mrkdwn block quote; paragraphs stay apart inside the quote."""
    lines: list[str] = []
    for i, para in enumerate(p for p in text.split("\n\n") if p.strip()):
        if i:
            lines.append(">")
        lines.extend("> " + line for line in para.split("\n"))
    return "\n".join(lines)


def split_for_sections(text: str, render: Callable[[str], str], limit: int = SECTION_LIMIT) -> list[str]:
    return split_text(text, render, limit)


# --- building blocks -------------------------------------------------------------------------------


def _section(mrkdwn: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn[:SECTION_LIMIT]}}


def _context(mrkdwn: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": mrkdwn[:SECTION_LIMIT]}]}


def _button(text: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    if len(text) > BUTTON_TEXT_LIMIT:
        text = text[: BUTTON_TEXT_LIMIT - 1] + "…"
    button: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": text, "emoji": True},
        "action_id": action_id,
        "value": value[:BUTTON_VALUE_LIMIT],
    }
    if style:
        button["style"] = style
    return button


def _link(url: str | None, label: str) -> str:
    """A mrkdwn link when the URL is absolute (CAREERFW_SITE_URL set); otherwise just the label."""
    return link(url, label) or label


def citation_line(entry: Entry, url: str | None) -> str:
    """framework › craft › level › section › area, the area linked to its page anchor."""
    *context, area = citation_parts(entry) or [""]
    parts = [escape(p) for p in context]
    parts.append(_link(url, f"*{escape(area)}*"))
    return " › ".join(parts) + f"  ·  `{escape(entry.source)}`"


def marked_elements(quote: Quote) -> list[dict[str, Any]]:
    """A quote's text as rich text elements, the words new against the other level in bold. Rich text
    is literal (no mrkdwn to escape), so the elements' texts joined are the framework's text exactly,
    then the view's ellipsis when the quote stops inside a word."""
    mark = [_rich_text(cut_mark(quote))] if cut_mark(quote) else []
    if not quote.new_words:
        return [_rich_text(quote.text), *mark]
    return [*(_rich_text(piece, bold=True) if new else _rich_text(piece)
              for piece, new in pieces(quote.text, quote.new_words)), *mark]


def quote_blocks(quote: Quote, group: QuoteGroup | None = None, heading: str | None = None) -> list[Block]:
    """One quote, then where it comes from: every citation of `group` when the same text is written in
    several places ("same in Backend, Web and Mobile · Level 4"). A quote with marked words is rich
    text, headed by `heading` (the compared cell's area and level)."""
    blocks: list[Block] = []
    if quote.todo:
        area = escape(quote.entry.area)
        blocks.append(_section(f"*{area}*: _{NOT_WRITTEN_YET}._"))
    elif quote.new_words is not None or heading:
        elements: list[dict[str, Any]] = []
        if heading:
            elements.append({"type": "rich_text_section", "elements": [_rich_text(heading, bold=True)]})
        elements.append({"type": "rich_text_quote", "elements": marked_elements(quote)})
        blocks.append({"type": "rich_text", "elements": elements})
    else:
        for piece in split_for_sections(escape(quote.text) + cut_mark(quote), _quote_mrkdwn):
            blocks.append(_section(_quote_mrkdwn(piece)))
    note = ""
    if not (quote.complete or quote.todo):
        note = "  ·  _part of the cell; the whole text is one click away_"
    quotes = group.quotes if group is not None else (quote,)
    lines = [citation_line(q.entry, q.url) for q in quotes]
    if group is not None and group.shared:
        lines.insert(0, f"_{escape(group.shared)}_")
    blocks.append(_context("\n".join(lines) + note))
    return blocks


def side_by_side_blocks(quotes: Sequence[Quote]) -> list[Block] | None:
    """Two cells next to each other: one section with a field each (Slack shows two fields as two
    columns), the citations under them. None when a cell is too long for a field: then one after the other."""
    if any(q.new_words for q in quotes):
        return None  # marked words are bold rich text, which section fields cannot hold
    fields = []
    for quote, heading in zip(quotes, side_headings(quotes), strict=True):
        area, _, rest = heading.partition(" · ")
        head = f"*{escape(area)}*" + (f" · {escape(rest)}" if rest else "")
        body = f"_{NOT_WRITTEN_YET}._" if quote.todo else _quote_mrkdwn(escape(quote.text) + cut_mark(quote))
        text = f"{head}\n{body}"
        if len(text) > FIELD_LIMIT:
            return None
        fields.append({"type": "mrkdwn", "text": text})
    cites = "\n".join(citation_line(q.entry, q.url) for q in quotes)
    return [{"type": "section", "fields": fields}, _context(cites)]


def _rich_text(text: str, **style: bool) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "text", "text": text}
    if style:
        element["style"] = style
    return element


def checklist_item_blocks(item: ChecklistItem) -> list[Block]:
    """One area to work through: a list item naming the area and how it changed, then the target
    level's text as a quote. Rich text shows framework text literally (no mrkdwn to escape)."""
    quote = item.quote
    line = {"type": "rich_text_section",
            "elements": [_rich_text(quote.entry.area, bold=True), _rich_text(f"  ·  {item.mark}", italic=True)]}
    elements: list[dict[str, Any]] = [{"type": "rich_text_list", "style": "bullet", "elements": [line]}]
    if quote.todo:
        elements.append({"type": "rich_text_section", "elements": [_rich_text(NOT_WRITTEN_YET, italic=True)]})
    else:
        elements.append({"type": "rich_text_quote", "elements": marked_elements(quote)})
    note = "" if quote.complete or quote.todo else "  ·  _part of the cell: *Show all* quotes it whole_"
    return [{"type": "rich_text", "elements": elements}, _context(citation_line(quote.entry, quote.url) + note)]


def _levels_blocks(view: AnswerView) -> list[list[Block]]:
    """Each craft's levels, one group of blocks per craft."""
    groups: list[list[Block]] = []
    for craft, levels in view.levels:
        lines = [f"*{escape(craft)}*"]
        for n, level in enumerate(levels, start=1):
            label = _link(level.url(view.site_url), escape(level.title))
            lines.append(f"{n}. {label}  `{escape(level.source)}`")
        groups.append([_section(piece) for piece in split_for_sections("\n".join(lines), lambda t: t)])
    return groups


def _question_line(view: AnswerView) -> Block:
    question = view.question
    shown = question if len(question) <= QUESTION_ECHO_LIMIT else question[: QUESTION_ECHO_LIMIT - 1] + "…"
    line = f"*Asked:* {escape(shown)}"
    line += "".join(f"\n_{note}_" for note in view.notes)
    return _context(line)


def _value(**fields: object) -> str:
    return json.dumps(fields, separators=(",", ":"), ensure_ascii=False)


def _fallback(view: AnswerView) -> str:
    parts: list[str] = [f"({note})" for note in view.notes]
    if view.message:
        parts.append(escape(view.message))
    items = view.checklist.items if view.checklist is not None else ()
    if items:
        parts.extend(f"• {escape(i.quote.entry.area)} ({escape(i.mark)})" for i in items)
    elif view.quotes:
        first = view.quotes[0]
        body = "(not written yet)" if first.todo else escape(first.text)
        parts.append(f"{body}\n— {escape(citation(first.entry))}")
    elif view.suggestions:
        parts.append(f"{DID_YOU_MEAN} " + "; ".join(escape(s.area) for s in view.suggestions[:MAX_SUGGESTIONS]))
    elif view.choices:
        parts.append("; ".join(escape(c.label) for c in view.choices[:MAX_SUGGESTIONS]))
    text = "\n".join(parts) or "careerfw"
    return text if len(text) <= FALLBACK_LIMIT else text[: FALLBACK_LIMIT - 1] + "…"


def answer_message(
    answer: Answer,
    question_id: int | None,
    *,
    share: bool = False,
    shared_by: str | None = None,
    dm: bool = False,
    native_feedback: bool = False,
    followed: Context | None = None,
    explained: str | None = None,
    whole: bool = False,
    answerer: Answerer | None = None,
) -> Message:
    """The whole reply for one answer, on one phone screen (BUDGET) unless `whole` ("Show all").
    `question_id` (from feedback.record_question) ties the buttons back to the stored question;
    `share` adds "Share in channel" (ephemeral answers only);
    `dm` is an answer in the asker's direct messages with the bot (a checklist there has no "Send me
    this as a DM": it would only post a second copy); `native_feedback` puts Slack's own feedback
    buttons in place of ours (agent threads); `followed` is the context the question followed on
    from and `explained` the entry a "Whole text" or "Did you mean" answer quotes, which "Share in
    channel" and "Send me this as a DM" carry to give the same answer again (`again_value`). The
    buttons are the view's (bot.view.answer_actions, over `answerer`, the loaded framework)."""
    view = answer_view(answer, answerer, dm=dm)
    head: list[Block] = [_question_line(view)]
    if shared_by and re.fullmatch(r"[UW][A-Z0-9]+", shared_by):
        head.append(_context(f"Shared by <@{shared_by}>"))
    if view.carried:
        head.append(_context(escape(view.carried)))
    if view.message:
        head.append(_section(escape(view.message)))

    checklist = view.shown_checklist(whole)
    units: list[_Unit] = [(craft, lambda limit, g=g: g)
                          for (craft, _), g in zip(view.levels, _levels_blocks(view), strict=True)]
    if view.legend is not None:
        head.append(_context("".join(f"*{escape(piece)}*" if sample else escape(piece)
                                     for piece, sample in pieces(view.legend.text, view.legend.sample))))
    if checklist is not None:
        units += [(i.quote.entry.area, lambda limit, i=i: checklist_item_blocks(cut_to(i, limit)))
                  for i in checklist.items]
    elif view.side_by_side:
        pair = view.main
        if side_by_side_blocks(pair) is not None:
            units.append(("", lambda limit: side_by_side_blocks([cut_to(q, limit) for q in pair])
                          or side_by_side_blocks(pair) or []))
        else:  # too long for two fields, or marked: one after the other, each headed
            units += [(q.entry.area, lambda limit, q=q, h=h: quote_blocks(cut_to(q, limit), heading=h))
                      for q, h in zip(pair, side_headings(pair), strict=True)]
    else:  # whole quotes are dropped when over the limit
        units += [(area_label(g.quote.entry), lambda limit, g=g: quote_blocks(cut_to(g.quote, limit), g))
                  for g in view.main_groups]
    for i, g in enumerate(view.also_groups[:ALSO_RELEVANT_SHOWN]):
        def also(limit: int | None, g: QuoteGroup = g, first: bool = i == 0) -> list[Block]:
            group = quote_blocks(cut_to(g.quote, limit), g)
            return [{"type": "divider"}, _context(f"*{ALSO_RELEVANT}*"), *group] if first else group
        units.append((area_label(g.quote.entry), also))
    same = [_context(escape(checklist.same_line))] if checklist is not None and checklist.same_line else []

    def tail(show_all: bool, cut: bool) -> list[Block]:
        made: list[Block] = list(same)
        explains = view.offered("explain")[:MAX_SUGGESTIONS]
        if explains:
            made.append(_section(f"*{DID_YOU_MEAN}*"))
            buttons = [_button(a.label, f"{ACTION_DID_YOU_MEAN}_{i}", _value(e=a.payload["entry"], q=question_id))
                       for i, a in enumerate(explains)]
            made.append({"type": "actions", "block_id": "did_you_mean", "elements": buttons})
        choices = view.offered("choose")[:MAX_CHOICES]
        if choices:
            made.append(_section(f"*{CHOOSE}*"))
            made.append({"type": "actions", "block_id": "choose", "elements": [
                _button(a.label, f"{ACTION_CHOOSE}_{i}",
                        _value(**a.payload) if "request" in a.payload else _value(c=a.payload["question"]))
                for i, a in enumerate(choices)]})
        elements: list[dict[str, Any]] = []
        if show_all:
            # The same answer again, never cut: the value gives it again as "Share in channel" does.
            again = again_value(view, question_id, followed, explained)
            if again is not None:
                elements.append(_button(SHOW_ALL, ACTION_SHOW_ALL, again))
        if question_id is not None:
            value = _value(q=question_id)
            if not native_feedback:
                elements += [_button("👍 Helpful", ACTION_HELPFUL, value),
                             _button("👎 Not helpful", ACTION_NOT_HELPFUL, value)]
            share_value = again_value(view, question_id, followed, explained) if share else None
            if share_value is not None:
                elements.append(_button("Share in channel", ACTION_SHARE, share_value, style="primary"))
        # The view's follow-ups; "Whole text" also for a first quote this message cut to fit the screen.
        for action in view.whole_text(cut) + view.offered("compare_next", "todo"):
            if action.kind == "whole_text":
                entry = action.payload["entry"]
                area = next((q.entry.area for q in view.quotes if q.entry.id == entry), "")
                elements.append(_button(f"{action.label}: {area}" if area else action.label, ACTION_WHOLE_CELL,
                                        _value(e=entry, q=question_id)))
            else:
                action_id = ACTION_COMPARE_NEXT if action.kind == "compare_next" else ACTION_TODO_AREAS
                elements.append(_button(action.label, action_id, _value(**action.payload)))
        if elements:
            made.append({"type": "actions", "block_id": "answer_actions", "elements": elements})
        if question_id is not None and native_feedback:
            made.append(feedback_buttons(question_id))
        for send in view.offered("send_dm"):
            dm_value = again_value(view, question_id, followed)
            if dm_value is not None:
                made.append({"type": "actions", "block_id": "checklist_actions",
                             "elements": [_button(send.label, ACTION_CHECKLIST_DM, dm_value)]})
        return made

    if whole:
        groups = [build(None) for _, build in units]
        end = tail(False, False)
        if checklist is not None:
            groups = _fit_checklist(groups, checklist.items, MAX_BLOCKS - len(head) - len(end))
        return {"text": _fallback(view), "blocks": _fit(head, groups, end)}
    blocks = _fit_screen(head, units, tail, bool(checklist is not None and checklist.same))
    return {"text": _fallback(view), "blocks": blocks}


_Unit = tuple[str, Callable[[int | None], list[Block]]]  # a name for "…and N more", and its blocks (cut to ~n chars)


def _fit_screen(head: list[Block], units: list[_Unit], tail: Callable[[bool, bool], list[Block]],
                collapsed: bool) -> list[Block]:
    """The answer on one phone screen (BUDGET): as many whole units (areas, quotes) as fit, the rest
    named on one line with "Show all"; a first unit too long alone is cut after a sentence, with "Whole
    text" (a quote) or "Show all" (a checklist). `collapsed`: areas are already left out (the checklist's
    unchanged ones), so "Show all" is offered anyway."""
    shown, limit = len(units), None
    while True:
        body = [b for n, (_, build) in enumerate(units[:shown]) for b in build(limit if n == 0 else None)]
        rest = [name for name, _ in units[shown:]]
        note = [_context(f"…and {len(rest)} more: {escape(', '.join(n for n in rest if n))}")] if rest else []
        cut = limit is not None
        end = tail(collapsed or bool(rest) or cut, cut)
        blocks = _fit(head, [body + note], end)
        fewer = smaller(shown, limit)
        if BUDGET.holds(screen_texts(blocks)) or fewer is None:
            return blocks
        shown, limit = fewer


def screen_texts(blocks: Sequence[Block]) -> list[str]:
    """What a message shows, as lines of text to measure against BUDGET: every section, field, context
    and rich text line; a divider, and each row of buttons (two to a row on a phone), as a line."""
    texts: list[str] = []

    def rich(element: dict[str, Any]) -> str:
        return "".join(e.get("text", "") for e in element.get("elements", []) if isinstance(e, dict))

    for block in blocks:
        kind = block.get("type")
        if kind in ("section", "header"):
            if block.get("text"):
                texts.append(block["text"]["text"])
            texts.extend(f["text"] for f in block.get("fields", []))
        elif kind == "context":
            texts.append(" ".join(e.get("text", "") for e in block["elements"]))
        elif kind == "rich_text":
            for element in block["elements"]:
                if element["type"] == "rich_text_list":
                    texts.extend(rich(item) for item in element["elements"])
                else:
                    texts.append(rich(element))
        elif kind in ("actions", "context_actions"):
            texts.extend("" for _ in range(-(-len(block["elements"]) // 2)))
        elif kind == "divider":
            texts.append("")
    return texts



def again_value(view: AnswerView, question_id: int | None, followed: Context | None = None,
                explained: str | None = None) -> str | None:
    """What a button that gives this answer again ("Share in channel", "Send me this as a DM") carries,
    within Slack's 2,000 characters per button value: the stored question's id, the question (for when
    that row is gone), the context it followed on from ("and at level 4?" means nothing without it) and,
    for an answer quoting one named area (`explained`: "Whole text", "Did you mean"), that area's entry;
    for the answer to a button's request (a choice), the request ("r"). The question is shortened to
    fit; None (no button) when the rest alone does not fit, since a click would then answer something
    else. bot/slack/listeners/actions.py `answer_again` reads it."""
    fields: dict[str, object] = {"q": question_id}
    if view.request is not None:  # a button's request: given again by its names, never its words
        fields["r"] = view.request.to_json()
    if followed:
        fields["x"] = {k: v for k, v in followed.to_json().items() if v}
    if explained:
        fields["e"] = explained
    if len(_value(**fields, c="")) > BUTTON_VALUE_LIMIT:
        return None
    question = view.question[:AGAIN_QUESTION_CHARS]
    while len(value := _value(**fields, c=question)) > BUTTON_VALUE_LIMIT:
        question = question[: len(question) - max(1, (len(value) - BUTTON_VALUE_LIMIT) // 2)]
    return value


def _fit_checklist(groups: list[list[Block]], items: Sequence[ChecklistItem], room: int) -> list[list[Block]]:
    """Every item that fits in Block Kit's 50 blocks, then the names of the rest: a checklist never
    loses an area silently."""
    if sum(len(g) for g in groups) <= room:
        return groups
    keep = 0
    used = 1  # the closing note
    while keep < len(groups) and used + len(groups[keep]) <= room:
        used += len(groups[keep])
        keep += 1
    rest = ", ".join(escape(i.quote.entry.area) for i in items[keep:])
    note = _context(f"…and {len(items) - keep} more area(s), too many for one Slack message: {rest}. "
                    "Ask about one by name, or run `careerfw ask` for the whole list.")
    return [*groups[:keep], [note]]


def feedback_buttons(question_id: int) -> Block:
    """Slack's native thumbs for one stored question: a context_actions block of feedback_buttons."""
    return {
        "type": "context_actions",
        "block_id": "answer_feedback",
        "elements": [{
            "type": "feedback_buttons",
            "action_id": ACTION_FEEDBACK,
            "positive_button": {"text": {"type": "plain_text", "text": "👍"}, "accessibility_label": "Helpful",
                                "value": _value(q=question_id, v="helpful")},
            "negative_button": {"text": {"type": "plain_text", "text": "👎"}, "accessibility_label": "Not helpful",
                                "value": _value(q=question_id, v="not_helpful")},
        }],
    }


def _fit(head: list[Block], groups: list[list[Block]], tail: list[Block]) -> list[Block]:
    """At most MAX_BLOCKS: drop trailing "also relevant" quotes first, then cut the main quote."""
    room = MAX_BLOCKS - len(head) - len(tail)
    kept: list[Block] = []
    for n, group in enumerate(groups):
        if len(kept) + len(group) <= room:
            kept.extend(group)
            continue
        if n == 0:  # the main quote alone is too long: keep its start and say where the rest is
            citation_block = group[-1]
            kept.extend(group[: room - 2])
            kept.append(_context("_The quote continues at the link below._"))
            kept.append(citation_block)
        break
    return head + kept + tail


PROMPT_TITLE_LIMIT = 75


def suggested_prompts(prompts: Sequence[Prompt]) -> list[dict[str, str]]:
    """Prompts as assistant.threads.setSuggestedPrompts takes them. Plain text, not mrkdwn: the message
    is sent as the person's own words, so it is not escaped."""
    return [
        {"title": p.title if len(p.title) <= PROMPT_TITLE_LIMIT else p.title[: PROMPT_TITLE_LIMIT - 1] + "…",
         "message": p.message}
        for p in prompts
    ]


def help_message(answerer: Answerer) -> Message:
    text = how_to_ask(answerer)
    return {"text": text, "blocks": [_section(text)]}


def notice_message(text: str) -> Message:
    """A short reply in the bot's own words (rate limit, errors, stale buttons)."""
    return {"text": escape(text), "blocks": [_section(escape(text))]}


def _todo_lines(entries: Sequence[Entry], site_url: str | None) -> list[str]:
    return [
        f"• {_link(e.url(site_url), escape(e.area))}: {escape(e.level)} ({escape(e.craft)})"
        for e in entries[:TODO_SHOWN]
    ]


def todo_blocks(entries: Sequence[Entry], site_url: str | None, max_blocks: int = MAX_BLOCKS) -> list[Block]:
    if not entries:
        return [_section("Every area in the framework is written: nothing is marked TODO.")]
    blocks: list[Block] = [_section(f"*{len(entries)} area(s) are not written yet* (marked TODO in the framework):")]
    chunk = ""
    for line in _todo_lines(entries, site_url):
        if chunk and len(chunk) + 1 + len(line) > SECTION_LIMIT:
            blocks.append(_section(chunk))
            chunk = ""
        chunk = f"{chunk}\n{line}" if chunk else line
    if chunk:
        blocks.append(_section(chunk))
    blocks = blocks[: max_blocks - 1]
    if len(entries) > TODO_SHOWN:
        blocks.append(_context(f"…and {len(entries) - TODO_SHOWN} more: run `careerfw todo` for the full list."))
    return blocks


def todo_message(entries: Sequence[Entry], site_url: str | None) -> Message:
    text = f"{len(entries)} area(s) are not written yet." if entries else "Nothing in the framework is marked TODO."
    return {"text": text, "blocks": todo_blocks(entries, site_url)}


def home_view(entries: Sequence[Entry], site_url: str | None, how: str) -> dict[str, Any]:
    """App Home: how to ask (`how_to_ask`), then the TODO summary."""
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": "careerfw: ask the career framework"}},
        _section(how),
        {"type": "divider"},
        {"type": "header", "text": {"type": "plain_text", "text": "Not written yet"}},
    ]
    blocks.extend(todo_blocks(entries, site_url, max_blocks=MAX_BLOCKS - len(blocks)))
    return {"type": "home", "blocks": blocks}
