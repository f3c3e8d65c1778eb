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

from bot.prompts import Prompt
from bot.slack.mrkdwn import escape, link
from bot.text import split_text
from bot.view import (
    ALSO_RELEVANT,
    CHOOSE,
    DID_YOU_MEAN,
    NOT_WRITTEN_YET,
    SEND_AS_DM,
    TRUNCATED_NOTE,
    ChecklistItem,
    answer_view,
    area_label,
    checklist_items,
    citation,
    citation_parts,
    help_view,
    level_groups,
    side_by_side,
    side_headings,
)
from index.answer import Answer, Quote
from index.entry import Entry
from index.followup import Context

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
ACTION_CHOOSE = "choose"  # suffixed likewise; the value carries the question the choice asks
ACTION_WHOLE_CELL = "whole_cell"  # the whole cell when only its relevant paragraphs were quoted
ACTION_CHECKLIST_DM = "checklist_dm"  # sends a promotion checklist to the clicker's direct messages
FIELD_LIMIT = 2000  # characters of one section field (two fields show side by side)
MAX_CHOICES = 10  # choice buttons shown (a craft's levels: Block Kit allows 25 per actions block)
AGAIN_QUESTION_CHARS = 800  # of the question a button answering again carries (2,000 characters a value, escaped)

HELP = help_view([
    "`/careerfw what does Head of ML own?`: only you see the answer, and you can share it",
    "send me a direct message with your question",
    "mention me in a channel: I answer in the thread",
])
HOW_TO_ASK = "\n".join([
    HELP.intro,
    *(f"• {way}" for way in HELP.ways_to_ask),
    *(f"• `/careerfw {word}`: {what}" for word, what in HELP.commands),
    HELP.promise,
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


def quote_blocks(quote: Quote) -> list[Block]:
    blocks: list[Block] = []
    if quote.todo:
        area = escape(quote.entry.area)
        blocks.append(_section(f"*{area}*: _{NOT_WRITTEN_YET}._"))
    else:
        for piece in split_for_sections(escape(quote.text), _quote_mrkdwn):
            blocks.append(_section(_quote_mrkdwn(piece)))
    note = ""
    if not (quote.complete or quote.todo):
        note = "  ·  _part of the cell; the whole text is one click away_"
    blocks.append(_context(citation_line(quote.entry, quote.url) + note))
    return blocks


def side_by_side_blocks(quotes: Sequence[Quote]) -> list[Block] | None:
    """Two cells next to each other: one section with a field each (Slack shows two fields as two
    columns), the citations under them. None when a cell is too long for a field: then one after the other."""
    fields = []
    for quote, heading in zip(quotes, side_headings(quotes), strict=True):
        area, _, rest = heading.partition(" · ")
        head = f"*{escape(area)}*" + (f" · {escape(rest)}" if rest else "")
        body = f"_{NOT_WRITTEN_YET}._" if quote.todo else _quote_mrkdwn(escape(quote.text))
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
        elements.append({"type": "rich_text_quote", "elements": [_rich_text(quote.text)]})
    return [{"type": "rich_text", "elements": elements}, _context(citation_line(quote.entry, quote.url))]


def _levels_blocks(answer: Answer) -> list[Block]:
    blocks: list[Block] = []
    for craft, levels in level_groups(answer):
        lines = [f"*{escape(craft)}*"]
        for n, level in enumerate(levels, start=1):
            label = _link(level.url(answer.site_url), escape(level.title))
            lines.append(f"{n}. {label}  `{escape(level.source)}`")
        for piece in split_for_sections("\n".join(lines), lambda t: t):
            blocks.append(_section(piece))
    return blocks


def _question_line(question: str, truncated: bool) -> Block:
    shown = question if len(question) <= QUESTION_ECHO_LIMIT else question[: QUESTION_ECHO_LIMIT - 1] + "…"
    line = f"*Asked:* {escape(shown)}"
    if truncated:
        line += f"\n_{TRUNCATED_NOTE}_"
    return _context(line)


def _value(**fields: object) -> str:
    return json.dumps(fields, separators=(",", ":"), ensure_ascii=False)


def _fallback(answer: Answer) -> str:
    parts: list[str] = [f"({note})" for note in answer_view(answer).notes]
    if answer.message:
        parts.append(escape(answer.message))
    items = checklist_items(answer)
    if items:
        parts.extend(f"• {escape(i.quote.entry.area)} ({escape(i.mark)})" for i in items)
    elif answer.quotes:
        first = answer.quotes[0]
        body = "(not written yet)" if first.todo else escape(first.text)
        parts.append(f"{body}\n— {escape(citation(first.entry))}")
    elif answer.suggestions:
        parts.append(f"{DID_YOU_MEAN} " + "; ".join(escape(s.entry.area) for s in answer.suggestions[:MAX_SUGGESTIONS]))
    elif answer.choices:
        parts.append("; ".join(escape(c.label) for c in answer.choices[:MAX_SUGGESTIONS]))
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
) -> Message:
    """The whole reply for one answer. `question_id` (from feedback.record_question) ties the
    buttons back to the stored question; `share` adds "Share in channel" (ephemeral answers only);
    `dm` is an answer in the asker's direct messages with the bot (a checklist there has no "Send me
    this as a DM": it would only post a second copy); `native_feedback` puts Slack's own feedback
    buttons in place of ours (agent threads); `followed` is the context the question followed on
    from and `explained` the entry a "Whole text" or "Did you mean" answer quotes, which "Share in
    channel" and "Send me this as a DM" carry to give the same answer again (`again_value`)."""
    head: list[Block] = [_question_line(answer.question, answer.truncated)]
    if shared_by and re.fullmatch(r"[UW][A-Z0-9]+", shared_by):
        head.append(_context(f"Shared by <@{shared_by}>"))
    view = answer_view(answer)
    if view.carried:
        head.append(_context(escape(view.carried)))
    if answer.message:
        head.append(_section(escape(answer.message)))

    items = checklist_items(answer)
    paired = side_by_side_blocks(view.main) if side_by_side(answer) else None
    groups: list[list[Block]]
    if items:
        groups = [checklist_item_blocks(item) for item in items]
    elif paired is not None:
        groups = [paired]
    else:
        groups = [quote_blocks(q) for q in view.main]  # whole quotes are dropped when over the limit
    levels = _levels_blocks(answer)
    if levels:
        groups.insert(0, levels)
    for i, quote in enumerate(view.also_relevant[:ALSO_RELEVANT_SHOWN]):
        group = quote_blocks(quote)
        if i == 0:
            group.insert(0, {"type": "divider"})
            group.insert(1, _context(f"*{ALSO_RELEVANT}*"))
        groups.append(group)

    tail: list[Block] = []
    if not answer.confident and answer.suggestions:
        tail.append(_section(f"*{DID_YOU_MEAN}*"))
        buttons = [
            _button(
                area_label(s.entry),
                f"{ACTION_DID_YOU_MEAN}_{i}",
                _value(e=s.entry.id, q=question_id),
            )
            for i, s in enumerate(answer.suggestions[:MAX_SUGGESTIONS])
        ]
        tail.append({"type": "actions", "block_id": "did_you_mean", "elements": buttons})
    if answer.choices:
        tail.append(_section(f"*{CHOOSE}*"))
        choices = [
            _button(c.label, f"{ACTION_CHOOSE}_{i}", _value(c=c.question))
            for i, c in enumerate(answer.choices[:MAX_CHOICES])
        ]
        tail.append({"type": "actions", "block_id": "choose", "elements": choices})
    if question_id is not None:
        value = _value(q=question_id)
        elements = [] if native_feedback else [
            _button("👍 Helpful", ACTION_HELPFUL, value),
            _button("👎 Not helpful", ACTION_NOT_HELPFUL, value),
        ]
        share_value = again_value(answer, question_id, followed, explained) if share else None
        if share_value is not None:
            elements.append(_button("Share in channel", ACTION_SHARE, share_value, style="primary"))
        partial = answer.quotes[0] if answer.quotes and not answer.quotes[0].complete else None
        if partial is not None and not items:
            elements.append(_button(f"Whole text: {partial.entry.area}", ACTION_WHOLE_CELL,
                                    _value(e=partial.entry.id, q=question_id)))
        if elements:
            tail.append({"type": "actions", "block_id": "answer_actions", "elements": elements})
        if native_feedback:
            tail.append(feedback_buttons(question_id))
    dm_value = again_value(answer, question_id, followed) if items and not dm else None
    if dm_value is not None:
        tail.append({"type": "actions", "block_id": "checklist_actions",
                     "elements": [_button(SEND_AS_DM, ACTION_CHECKLIST_DM, dm_value)]})

    if items:
        groups = _fit_checklist(groups, items, MAX_BLOCKS - len(head) - len(tail))
    blocks = _fit(head, groups, tail)
    return {"text": _fallback(answer), "blocks": blocks}


def again_value(answer: Answer, question_id: int | None, followed: Context | None = None,
                explained: str | None = None) -> str | None:
    """What a button that gives this answer again ("Share in channel", "Send me this as a DM") carries,
    within Slack's 2,000 characters per button value: the stored question's id, the question (for when
    that row is gone), the context it followed on from ("and at level 4?" means nothing without it) and,
    for an answer quoting one named area (`explained`: "Whole text", "Did you mean"), that area's entry.
    The question is shortened to fit; None (no button) when the rest alone does not fit, since a click
    would then answer something else. bot/slack/listeners/actions.py `answer_again` reads it."""
    fields: dict[str, object] = {"q": question_id}
    if followed:
        fields["x"] = {k: v for k, v in followed.to_json().items() if v}
    if explained:
        fields["e"] = explained
    if len(_value(**fields, c="")) > BUTTON_VALUE_LIMIT:
        return None
    question = answer.question[:AGAIN_QUESTION_CHARS]
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


def help_message() -> Message:
    return {"text": HOW_TO_ASK, "blocks": [_section(HOW_TO_ASK)]}


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


def home_view(entries: Sequence[Entry], site_url: str | None) -> dict[str, Any]:
    """App Home: how to ask, then the TODO summary."""
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": "careerfw: ask the career framework"}},
        _section(HOW_TO_ASK),
        {"type": "divider"},
        {"type": "header", "text": {"type": "plain_text", "text": "Not written yet"}},
    ]
    blocks.extend(todo_blocks(entries, site_url, max_blocks=MAX_BLOCKS - len(blocks)))
    return {"type": "home", "blocks": blocks}
