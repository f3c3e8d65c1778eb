"""Adaptive Cards for Teams: answers, the TODO list, help and the weekly nudge.

Framework text goes into `TextRun`s of `RichTextBlock`s, which Teams shows literally: a `TextBlock`
would read `*`, `_` or `[x](y)` in a quote as markdown and change the words we promised to quote
verbatim. Only the bot's own words use `TextBlock`. Every card carries `fallbackText` (the same plain
text `careerfw ask` prints), and the activity carrying it a `summary`, the Bot Framework's text for
clients that cannot render the card.
"""

from __future__ import annotations

from typing import Any

from bot.nudge.message import NudgeMessage
from bot.text import citation, render_answer, render_todo
from index.answer import Answer, Quote
from index.entry import Entry

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
# 1.5 is the newest version every Teams client (desktop, web, mobile) renders.
VERSION = "1.5"
# The key in Action.Submit data that names what a button does; Teams posts the data back as the
# message activity's `value`.
SUBMIT_KEY = "careerfw"
EXPLAIN = "explain"
FEEDBACK = "feedback"
# Teams rejects messages over ~28 KB; a long TODO list is cut well before that.
MAX_TODO_ROWS = 40
NOT_WRITTEN_YET = "Not written yet: the framework has no text for this area at this level."

Element = dict[str, Any]


def card(body: list[Element], fallback: str, actions: list[Element] | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": VERSION,
        "fallbackText": fallback,
        "body": body,
        "msteams": {"width": "Full"},
    }
    if actions:
        result["actions"] = actions
    return result


def words(text: str, **style: Any) -> Element:
    """The bot's own words (markdown allowed, nothing from content or users)."""
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def literal(text: str, url: str | None = None, **style: Any) -> Element:
    """Text shown exactly as given: framework quotes, area names, questions."""
    run: Element = {"type": "TextRun", "text": text, **style}
    if url:
        run["selectAction"] = {"type": "Action.OpenUrl", "url": url}
    return {"type": "RichTextBlock", "inlines": [run]}


def link_for(quote_or_entry: Quote | Entry, site_url: str | None = None) -> str | None:
    """Only absolute links are clickable; without CAREERFW_SITE_URL the citation is plain text."""
    url = quote_or_entry.url if isinstance(quote_or_entry, Quote) else quote_or_entry.url(site_url)
    return url if url and url.startswith(("https://", "http://")) else None


def _paragraphs(text: str) -> list[Element]:
    paras = [p for p in text.split("\n\n") if p.strip()]
    return [literal(p, spacing="Small" if i else "None") for i, p in enumerate(paras)]


def quote_elements(quote: Quote) -> list[Element]:
    entry = quote.entry
    items: list[Element] = [literal(entry.area, weight="Bolder")]
    if quote.todo:
        body: list[Element] = [words(NOT_WRITTEN_YET, color="Warning", isSubtle=False)]
    else:
        body = _paragraphs(quote.text)
    items.append({"type": "Container", "style": "emphasis", "items": body, "spacing": "Small"})
    if not quote.complete and quote.rest:
        items.append(
            {
                "type": "ActionSet",
                "actions": [
                    {
                        "type": "Action.ShowCard",
                        "title": "Show the whole text",
                        "card": {"type": "AdaptiveCard", "version": VERSION, "body": _paragraphs(quote.rest)},
                    }
                ],
            }
        )
    cite = citation(entry)
    url = link_for(quote)
    items.append(literal(cite if url else f"{cite} ({entry.source})", url=url, isSubtle=True, size="Small"))
    return [{"type": "Container", "items": items, "spacing": "Medium"}]


def submit(title: str, verb: str, **data: Any) -> Element:
    return {"type": "Action.Submit", "title": title, "data": {SUBMIT_KEY: verb, **data}}


def answer_card(answer: Answer, question_id: int | None = None) -> dict[str, Any]:
    """The card for one answer, following the core's rendering rules (see index/answer.py).

    `question_id` is the recorded question (bot.feedback) the vote buttons refer to; the buttons also
    carry the question and top area so a vote is kept even if that row is gone.
    """
    body: list[Element] = []
    if answer.truncated:
        body.append(words("(Your question was cut to its first 1,000 characters.)", isSubtle=True))
    if answer.message:
        body.append(words(answer.message, weight="Bolder"))
    for i, quote in enumerate(answer.quotes):
        if i == 1 and answer.intent == "lookup":
            body.append(words("Also relevant", weight="Bolder", separator=True, spacing="Large"))
        body.extend(quote_elements(quote))
    if answer.suggestions:
        body.append(words("Did you mean one of these areas?", spacing="Medium"))
        body.append(
            {
                "type": "ActionSet",
                "actions": [
                    submit(_suggestion_title(s.entry), EXPLAIN, entry_id=s.entry.id, question=answer.question)
                    for s in answer.suggestions
                ],
            }
        )
    actions: list[Element] = []
    if answer.quotes:
        about: dict[str, Any] = {"entry_id": answer.quotes[0].entry.id, "question": answer.question}
        if question_id is not None:
            about["question_id"] = question_id
        actions = [
            submit("Helpful", FEEDBACK, helpful=True, **about),
            submit("Not helpful", FEEDBACK, helpful=False, **about),
        ]
    if not body:
        body.append(words("Ask a question about the framework."))
    return card(body, render_answer(answer).rstrip(), actions)


def _suggestion_title(entry: Entry) -> str:
    title = f"{entry.area} ({entry.level})" if entry.level else entry.area
    return title if len(title) <= 60 else title[:59] + "…"


def todo_card(entries: list[Entry], site_url: str | None = None) -> dict[str, Any]:
    fallback = render_todo(entries).rstrip()
    if not entries:
        return card([words("Every area is filled in: nothing is waiting to be written.")], fallback)
    body: list[Element] = [words(f"{len(entries)} area(s) not written yet", weight="Bolder", size="Medium")]
    for entry in entries[:MAX_TODO_ROWS]:
        body.append(literal(f"{entry.area} — {entry.level} ({entry.craft})", url=link_for(entry, site_url)))
    if len(entries) > MAX_TODO_ROWS:
        body.append(words(f"…and {len(entries) - MAX_TODO_ROWS} more (`careerfw todo` lists them all).", isSubtle=True))
    return card(body, fallback)


HELP_TEXT = (
    "I answer questions about the career framework by quoting it, and say where each quote comes from.\n\n"
    "- Ask anything, e.g. *what does Head of ML own?*\n"
    "- **todo**: the areas the framework has not written yet\n"
    "- **help**: this message\n\n"
    "In a channel or group chat, @mention me; in a personal chat, just type."
)


def nudge_card(message: NudgeMessage) -> dict[str, Any]:
    """The weekly nudge. Owner ids from owners.yaml are not mentioned: they name Slack users and
    groups, which Teams cannot resolve; the groups and counts say who should act."""
    body: list[Element] = [words(message.title, weight="Bolder", size="Medium"), words(message.intro)]
    for group in message.groups:
        items: list[Element] = [literal(group.heading, weight="Bolder"), words(group.summary, spacing="None")]
        for area in group.areas:
            label = f"{area.area} ({area.section})" if area.section else area.area
            new = " (new this week)" if group.is_new(area) else ""
            url = area.url if area.url and area.url.startswith(("https://", "http://")) else None
            items.append(literal(f"• {label}{new}" if url else f"• {label}{new} — {area.where}", url=url))
        body.append({"type": "Container", "items": items, "spacing": "Medium", "separator": True})
    if message.has_changes:
        changes: list[Element] = [words("Since the last nudge", weight="Bolder")]
        for title, areas in (
            ("Filled in", message.filled_in),
            ("Newly not written", message.newly_todo),
            ("No longer in the framework", message.removed),
        ):
            if areas:
                changes.append(literal(f"{title}: " + ", ".join(a.label for a in areas)))
        body.append({"type": "Container", "items": changes, "spacing": "Medium", "separator": True})
    elif not message.first and message.kind == "todo":
        body.append(words("Nothing changed since the last nudge.", isSubtle=True, separator=True))
    return card(body, message.text.rstrip())
