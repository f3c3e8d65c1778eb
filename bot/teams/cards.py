"""Adaptive Cards for Teams: answers, the TODO list, help and the weekly nudge.

Framework text goes into `TextRun`s of `RichTextBlock`s, which Teams shows literally: a `TextBlock`
would read `*`, `_` or `[x](y)` in a quote as markdown and change the words we promised to quote
verbatim. Only the bot's own words use `TextBlock`. The cards translate the surface-neutral views of
bot/view.py (answer, help); nothing here decides what an answer says. Every card carries `fallbackText` (the same plain
text `careerfw ask` prints), and the activity carrying it a `summary`, the Bot Framework's text for
clients that cannot render the card.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from bot.nudge.message import SINCE_LAST, NudgeMessage
from bot.prompts import help_example
from bot.text import render_todo, render_view, split_text
from bot.view import (
    ALSO_RELEVANT,
    CHOOSE,
    DID_YOU_MEAN,
    FOLLOW_UPS,
    NO_QUESTION,
    SHOW_ALL,
    Action,
    AnswerView,
    Budget,
    ChecklistItem,
    QuoteGroup,
    absolute_url,
    answer_view,
    area_label,
    citation,
    code_span,
    cut_mark,
    cut_to,
    help_view,
    side_headings,
    smaller,
)
from bot.view import NOT_WRITTEN_YET as _NOT_WRITTEN_YET
from index import MAX_QUESTION_CHARS, Answer, Answerer, Context, Entry, Quote, Span, pieces, restricted

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
# 1.5 is the newest version every Teams client (desktop, web, mobile) renders.
VERSION = "1.5"
# The key in Action.Submit data that names what a button does; Teams posts the data back as the
# message activity's `value`.
SUBMIT_KEY = "careerfw"
EXPLAIN = "explain"
REQUEST = "request"  # a choice or "Compare with the next level": answers the request it carries (bot.view.Action)
TODO = "todo"  # "TODO areas": the unwritten areas, as the todo command lists them
# Cards posted before buttons carried requests: a choice asked its question in words, a follow-up sent
# its text as if typed. Still answered (as typed questions); a choice without a request is still sent so.
CHOOSE_VERB = "choose"
ASK = "ask"
FEEDBACK = "feedback"
REASON = "feedback_reason"  # the optional reason card's submit, after a "Not helpful" vote
REASON_INPUT = "reason"  # the Input.Text id: Teams merges its value into the submit data under this key
CHECKLIST_DM = "checklist_dm"  # "Send me this as a DM": the checklist again, in the asker's personal chat
# Teams refuses a message over about 28 KB; cards stay under this, with room for the envelope.
MAX_CARD_BYTES = 24_000
MAX_CARDS = 5
# One quote's share of a card when a single quote is too long for one (it appears three times).
MAX_QUOTE_PIECE_BYTES = 6_000
MAX_FALLBACK_CHARS = 4_000
# A long TODO list is cut well before the size limit.
MAX_TODO_ROWS = 40
# Teams cuts a button title past about this many characters (fewer when buttons share a row).
MAX_BUTTON_TITLE = 24
NOT_WRITTEN_YET = _NOT_WRITTEN_YET[0].upper() + _NOT_WRITTEN_YET[1:] + "."
# One phone screen (docs/teams.md): what a default answer's card may show before "Show all", buttons
# and citations included. Teams mobile shows about 40 characters a line and 30 lines of a card.
BUDGET = Budget(lines=30, chars=1500, width=40)

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


_BLOCK_PROPERTIES = ("spacing", "separator", "horizontalAlignment")


def literal(text: str, url: str | None = None, **style: Any) -> Element:
    """Text shown exactly as given: framework quotes, area names, questions. Layout properties go on
    the block, text styles (weight, size, isSubtle, …) on the run."""
    block: Element = {"type": "RichTextBlock"}
    run: Element = {"type": "TextRun", "text": text}
    for key, value in style.items():
        (block if key in _BLOCK_PROPERTIES else run)[key] = value
    if url:
        run["selectAction"] = {"type": "Action.OpenUrl", "url": url}
    block["inlines"] = [run]
    return block


def link_for(quote_or_entry: Quote | Entry, site_url: str | None = None) -> str | None:
    """Only absolute links are clickable; without CAREERFW_SITE_URL the citation is plain text."""
    return absolute_url(quote_or_entry.url if isinstance(quote_or_entry, Quote) else quote_or_entry.url(site_url))


def marked(text: str, spans: tuple[Span, ...] | None, **style: Any) -> Element:
    """`text` literally, the words new against the other level in bold runs: the runs' texts joined are
    `text` exactly."""
    if not spans:
        return literal(text, **style)
    block = literal(text, **style)
    run = block["inlines"][0]
    block["inlines"] = [{**run, "text": piece, **({"weight": "Bolder"} if new else {})}
                        for piece, new in pieces(text, spans)]
    return block


def _located(text: str, parts: list[str]) -> list[tuple[int, str]]:
    """Each part of `text` (in order, as split_text or a paragraph split gives them) with its offset."""
    found, at = [], 0
    for part in parts:
        at = text.find(part, at)
        found.append((at, part))
        at += len(part)
    return found


def _marked_parts(text: str, parts: list[str], spans: tuple[Span, ...] | None) -> list[Element]:
    return [marked(part, restricted(spans, at, at + len(part)) if spans else None,
                   spacing="Small" if i else "None")
            for i, (at, part) in enumerate(_located(text, parts))]


def _paragraphs(text: str, spans: tuple[Span, ...] | None = None) -> list[Element]:
    return _marked_parts(text, [p for p in text.split("\n\n") if p.strip()], spans)


def _ending(parts: list[Element], quote: Quote) -> list[Element]:
    """`parts` (a quote's text) with the view's ellipsis after the last run when the quote stops inside a word."""
    mark = cut_mark(quote)
    if mark and parts:
        parts[-1]["inlines"].append({"type": "TextRun", "text": mark})
    return parts


def not_written_yet() -> Element:
    """An area not written yet, said in a warning box: the host's warning style tints the box and keeps
    the text in the default colour, which reads in light and dark themes (warning-coloured text on the
    quotes' grey was pale yellow on light grey)."""
    return {"type": "Container", "style": "warning", "spacing": "Small",
            "items": [words(f"⚠️ {NOT_WRITTEN_YET}", weight="Bolder")]}


def quote_elements(quote: Quote, heading: str | None = None, group: QuoteGroup | None = None) -> list[Element]:
    """One quote, its new words bold, then where it comes from: every citation of `group` when the same
    text is written in several places ("same in Backend, Web and Mobile · Level 4")."""
    entry = quote.entry
    items: list[Element] = [literal(heading or entry.area, weight="Bolder")]
    if quote.todo:
        items.append(not_written_yet())
    else:
        items.append({"type": "Container", "style": "emphasis",
                      "items": _ending(_paragraphs(quote.text, quote.new_words), quote), "spacing": "Small"})
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
    if group is not None and group.shared:
        items.append(literal(group.shared, isSubtle=True, size="Small", italic=True))
    for q in group.quotes if group is not None else (quote,):
        cite, url = citation(q.entry), link_for(q)
        items.append(literal(cite if url else f"{cite} ({q.entry.source})", url=url, isSubtle=True, size="Small"))
    return [{"type": "Container", "items": items, "spacing": "Medium"}]


def side_by_side_elements(quotes: tuple[Quote, ...] | list[Quote]) -> list[Element]:
    """Two cells next to each other: a ColumnSet with one column per cell, each cited under it."""
    columns = [{"type": "Column", "width": "stretch", "items": quote_elements(q, heading)}
               for q, heading in zip(quotes, side_headings(quotes), strict=True)]
    return [{"type": "ColumnSet", "columns": columns, "spacing": "Medium"}]


def checklist_item_elements(item: ChecklistItem, n: int) -> list[Element]:
    """One area to work through: a toggle to tick it off, named with how it changed, then the
    target level's text (in pieces when long) and where it comes from."""
    quote = item.quote
    toggle = {"type": "Input.Toggle", "id": f"item_{n}", "title": f"{quote.entry.area} ({item.mark})",
              "value": "false", "wrap": True}
    if quote.todo:
        text = not_written_yet()
    else:
        body = _ending(_marked_parts(quote.text, split_text(quote.text, str.encode, MAX_QUOTE_PIECE_BYTES),
                                     quote.new_words), quote)
        text = {"type": "Container", "style": "emphasis", "items": body, "spacing": "Small"}
    cite = citation(quote.entry)
    url = link_for(quote)
    return [{"type": "Container", "spacing": "Medium", "items": [
        toggle,
        text,
        literal(cite if url else f"{cite} ({quote.entry.source})", url=url, isSubtle=True, size="Small"),
    ]}]


def _levels_elements(view: AnswerView) -> list[tuple[str, list[Element]]]:
    """Each craft's levels in order: (the craft, its heading and one line per level)."""
    out: list[tuple[str, list[Element]]] = []
    for craft, levels in view.levels:
        lines = [literal(craft, weight="Bolder", spacing="Medium")]
        for n, level in enumerate(levels, start=1):
            url = absolute_url(level.url(view.site_url))
            lines.append(literal(f"{n}. {level.title}" if url else f"{n}. {level.title} ({level.source})", url=url,
                                 spacing="None"))
        out.append((craft, lines))
    return out


def submit(title: str, verb: str, **data: Any) -> Element:
    return {"type": "Action.Submit", "title": title, "data": {SUBMIT_KEY: verb, **data}}


def action_button(action: Action, question: str, title: str | None = None) -> Element:
    """A button of the view (bot.view.Action) as an Action.Submit whose data is its payload, under the
    verb that answers it. `question`: the answer's, which an area's button carries as its context.
    "Send me this as a DM" is rendered by `answer_card`, with the context it carries."""
    if action.kind in ("explain", "whole_text"):
        return submit(title or action.label, EXPLAIN, entry_id=action.payload["entry"], question=question)
    if action.kind == "todo":
        return submit(title or action.label, TODO)
    if "request" not in action.payload:  # a choice made without one (the core gives each a request)
        return submit(title or action.label, CHOOSE_VERB, question=action.payload["question"])
    return submit(title or action.label, REQUEST, **action.payload)


def answer_card(answer: Answer, question_id: int | None = None, *, dm: bool = False,
                followed: Context | None = None, whole: bool = False) -> dict[str, Any]:
    """The card for one answer (`view_card` of its view); `dm`, `followed` and `whole` as there."""
    return view_card(answer_view(answer, dm=dm), question_id, followed=followed, whole=whole)


def view_card(
    view: AnswerView,
    question_id: int | None = None,
    *,
    first: int = 0,
    part: tuple[int, int] | None = None,
    vote_on: Quote | None = None,
    followed: Context | None = None,
    whole: bool = False,
) -> dict[str, Any]:
    """The card for one answer's view, on one phone screen (BUDGET) with the rest under "Show all",
    unless `whole` or a `part` of several cards.

    `question_id` is the recorded question (bot.feedback) the vote buttons refer to; the buttons also
    carry the question and top area so a vote is kept even if that row is gone. `first`, `part` and
    `vote_on` are for an answer split over several cards (`answer_cards`, `view` then one part of it):
    the position of this card's first quote in the whole answer, "part n of m", and the answer's top
    quote the votes are about (None: no vote buttons on this card). A view made for the asker's personal
    chat (answer_view's `dm`) offers no "Send me this as a DM": it would only post a copy; `followed`:
    the context the question followed on from, which that button carries to give the same checklist again.
    """
    body: list[Element] = []
    if part is not None and part[0] > 1:
        body.append(words(f"(continued, {part[0]} of {part[1]})", isSubtle=True))
    body.extend(words(note, isSubtle=True) for note in view.notes)
    if view.carried and first == 0:
        body.append(literal(view.carried, isSubtle=True))  # names from the content: never read as markdown
    if view.message:
        # The core's message can name areas and levels from the content: shown literally, not as markdown.
        # A careerfw.yaml redirect's note opens the admins' link (index/glossary.py); its text says where.
        body.append(literal(view.message, url=view.message_link, weight="Bolder"))
    whole = whole or part is not None
    checklist = view.shown_checklist(whole)
    if view.legend is not None:
        body.append(marked(view.legend.text, view.legend.sample, isSubtle=True, size="Small"))
    units: list[_Unit] = [(craft, lambda limit, e=e: e) for craft, e in _levels_elements(view)]
    if checklist is not None:
        units += [(i.quote.entry.area,
                   lambda limit, i=i, n=n: checklist_item_elements(cut_to(i, limit), n))
                  for n, i in enumerate(checklist.items, start=first)]
    elif view.side_by_side and part is None:
        units.append(("", lambda limit: side_by_side_elements([cut_to(q, limit) for q in view.quotes])))
    elif part is not None:
        units += [(area_label(q.entry), lambda limit, q=q: quote_elements(q)) for q in view.main]
        for i, quote in enumerate(view.also_relevant):
            def one(limit: int | None, q: Quote = quote, head: bool = i == 0 and not view.also_continued
                    ) -> list[Element]:
                return [*([words(ALSO_RELEVANT, weight="Bolder", separator=True, spacing="Large")] if head else []),
                        *quote_elements(q)]
            units.append((area_label(quote.entry), one))
    else:
        units += [(area_label(g.quote.entry), lambda limit, g=g: quote_elements(cut_to(g.quote, limit), group=g))
                  for g in view.main_groups]
        for i, g in enumerate(view.also_groups):
            def also_unit(limit: int | None, g: QuoteGroup = g, head: bool = i == 0) -> list[Element]:
                return [*([words(ALSO_RELEVANT, weight="Bolder", separator=True, spacing="Large")] if head else []),
                        *quote_elements(cut_to(g.quote, limit), group=g)]
            units.append((area_label(g.quote.entry), also_unit))
    same = [literal(checklist.same_line, spacing="Medium")] if checklist is not None and checklist.same_line else []
    if whole:
        body.extend(e for _, build in units for e in build(None))
        body.extend(same)
        hidden: list[Element] = []
    else:
        # What "Show all" opens shares the card's size limit with the fallback text, which the activity's
        # summary repeats: the fallback is cut to a screen's worth first.
        fallback = _short_fallback(render_view(view).rstrip())
        room = MAX_CARD_BYTES - 2 * len(fallback.encode()) - MAX_QUOTE_PIECE_BYTES // 2
        hidden = _fit_screen(body, units, same, view, room)
    explains = view.offered("explain")
    if explains:
        # Teams cuts a long button title mid-word; the card lists each area in full, numbered, and
        # its button carries the number and as much of the name as fits.
        body.append(words(DID_YOU_MEAN, spacing="Medium"))
        for n, entry in enumerate(view.suggestions, start=1):
            body.append(literal(f"{n}. {_suggestion_detail(entry)}", spacing="Small" if n > 1 else "Default"))
        body.append({"type": "ActionSet", "actions": [
            action_button(a, view.question, _suggestion_title(n, entry))
            for n, (a, entry) in enumerate(zip(explains, view.suggestions, strict=True), start=1)]})
    choices = view.offered("choose")
    if choices:
        body.append(words(CHOOSE, spacing="Medium"))
        body.append({"type": "ActionSet", "actions": [action_button(a, view.question) for a in choices]})
    actions: list[Element] = []
    vote_on = vote_on if part is not None else (view.quotes[0] if view.quotes else None)
    if vote_on is not None:
        about: dict[str, Any] = {"entry_id": vote_on.entry.id, "question": view.question}
        if question_id is not None:
            about["question_id"] = question_id
        actions = [
            submit("Helpful", FEEDBACK, helpful=True, **about),
            submit("Not helpful", FEEDBACK, helpful=False, **about),
        ]
    for send in view.offered("send_dm"):
        if part is None or part[0] == part[1]:
            carried = {"context": {k: v for k, v in followed.to_json().items() if v}} if followed else {}
            if view.request is not None:  # a choice's checklist: given again by its names, not its words
                carried["request"] = view.request.to_json()
            actions.append(submit(send.label, CHECKLIST_DM, question=view.question[:MAX_QUESTION_CHARS], **carried))
    if hidden:
        # The rest of the answer in the card itself, opened in place: nothing to ask again.
        actions.insert(0, {"type": "Action.ShowCard", "title": SHOW_ALL,
                           "card": {"type": "AdaptiveCard", "version": VERSION, "body": hidden}})
    if not body:
        body.append(words(NO_QUESTION))
    return card(body, render_view(view).rstrip() if whole else fallback, actions)


_Unit = tuple[str, Callable[[int | None], list[Element]]]  # a name for "…and N more", and its elements


def _short_fallback(text: str) -> str:
    """A default card's fallback text: its first MAX_FALLBACK_CHARS at a line break."""
    if len(text) <= MAX_FALLBACK_CHARS:
        return text
    return text[: text.rfind("\n", 0, MAX_FALLBACK_CHARS) + 1] + "…(Show all: the whole answer)"


def _fit_screen(body: list[Element], units: list[_Unit], same: list[Element], view: AnswerView,
                room: int = MAX_CARD_BYTES // 2) -> list[Element]:
    """Fills `body` with as many whole units (areas, quotes) as fit one phone screen (BUDGET) and
    returns what "Show all" opens: every unit whole (a checklist's unchanged areas too), within the
    card's size limit, the rest named. A first unit too long alone is cut after a sentence."""
    head = list(body)
    shown, limit = len(units), None
    while True:
        body[:] = head + [e for n, (_, build) in enumerate(units[:shown]) for e in build(limit if n == 0 else None)]
        rest = [name for name, _ in units[shown:]]
        if rest:
            body.append(words(f"…and {len(rest)} more: " + ", ".join(n for n in rest if n), isSubtle=True))
        body.extend(same)
        collapsed = bool(rest) or limit is not None or bool(same)
        # The buttons under the card: the votes, "Show all", "Send me this as a DM" (two to a row).
        fewer = smaller(shown, limit)
        if BUDGET.holds([*screen_texts(body), "", ""]) or fewer is None:
            break
        shown, limit = fewer
    if not collapsed:
        return []
    checklist = view.checklist
    if checklist is not None:  # toggles in the shown part are item_0…; these are numbered on from 1000
        all_units = [e for n, i in enumerate(checklist.items) for e in checklist_item_elements(i, 1000 + n)]
    else:
        all_units = [e for _, build in units for e in build(None)]
    hidden: list[Element] = []
    for element in all_units:
        if len(json.dumps(body + hidden + [element], ensure_ascii=False).encode()) > room:
            hidden.append(words("The rest is too long for one card: ask about an area by name.", isSubtle=True))
            break
        hidden.append(element)
    return hidden


def screen_texts(elements: list[Element]) -> list[str]:
    """What a card body shows, as lines of text to measure against BUDGET: text blocks, rich text (its
    runs joined), toggles' titles; each row of buttons in the body (two to a row) as a line. What a
    ShowCard holds is not on the screen until opened."""
    texts: list[str] = []
    for element in elements:
        kind = element.get("type")
        if kind == "TextBlock":
            texts.append(element["text"])
        elif kind == "RichTextBlock":
            texts.append("".join(run.get("text", "") for run in element["inlines"]))
        elif kind == "Input.Toggle":
            texts.append(element["title"])
        elif kind == "ActionSet":
            texts.extend("" for _ in range(-(-len(element["actions"]) // 2)))
        elif kind in ("Container", "Column"):
            texts.extend(screen_texts(element.get("items", [])))
        elif kind == "ColumnSet":
            for column in element["columns"]:
                texts.extend(screen_texts(column.get("items", [])))
    return texts


def reason_card(feedback_id: int, max_chars: int) -> dict[str, Any]:
    """After a "Not helpful" vote: thanks, and an optional box for what was wrong. Sending it stores
    the text with that vote (`feedback_id`); ignoring it keeps the vote as it is."""
    thanks = "Thanks for saying so. Noted that this answer was not helpful."
    body: list[Element] = [
        words(thanks),
        {
            "type": "Input.Text",
            "id": REASON_INPUT,
            "label": "What was wrong or missing? (optional)",
            "placeholder": "e.g. it quoted the wrong level, or the text is unclear",
            "isMultiline": True,
            "maxLength": max_chars,
        },
    ]
    return card(body, thanks, [submit("Send", REASON, feedback_id=feedback_id)])


def card_bytes(value: dict[str, Any]) -> int:
    """What a card adds to a message: the card itself plus its fallback again as the summary."""
    return len(json.dumps(value, ensure_ascii=False).encode()) + len(value["fallbackText"].encode())


def answer_cards(answer: Answer, question_id: int | None = None, *, dm: bool = False,
                 followed: Context | None = None, whole: bool = False) -> list[dict[str, Any]]:
    """The cards of one answer (`view_cards` of its view); `dm`, `followed` and `whole` as there."""
    return view_cards(answer_view(answer, dm=dm), question_id, followed=followed, whole=whole)


def view_cards(view: AnswerView, question_id: int | None = None, *, followed: Context | None = None,
               whole: bool = False) -> list[dict[str, Any]]:
    """One card on one phone screen, the rest under "Show all"; with `whole`, every area in full: one
    card, or several in order when one would pass Teams' message size limit (a "level" answer on a
    large framework quotes every area of the level). At most MAX_CARDS; the last then names the areas
    left out, which can be asked about one by one."""
    made = view_card(view, question_id, followed=followed, whole=whole)
    if card_bytes(made) <= MAX_CARD_BYTES:
        return [made]
    if view.checklist is not None:
        return _checklist_cards(view, question_id, followed)
    view = replace(view, main=tuple(p for q in view.main for p in _pieces_of(q)),
                   also_relevant=tuple(p for q in view.also_relevant for p in _pieces_of(q)))
    quotes = view.quotes
    if len(quotes) < 2:
        return [view_card(view, question_id)]
    chunks: list[list[Quote]] = [[]]
    start = 0
    for n, quote in enumerate(quotes):
        # Measured as the fullest a card can be: with the "continued" line and the vote buttons.
        trial = view.part(start, n + 1, first=True, last=False)
        if chunks[-1] and card_bytes(_piece(trial, question_id, 2, 2, 0, quotes[0], [])) > MAX_CARD_BYTES:
            chunks.append([])
            start = n
        chunks[-1].append(quote)
    left_out = [q for chunk in chunks[MAX_CARDS:] for q in chunk]
    chunks = chunks[:MAX_CARDS]
    # Pieces of an area already shown are not "more areas"; each area is named once.
    shown = {q.entry.id for chunk in chunks for q in chunk}
    cut_short = list({q.entry.id: q for q in left_out if q.entry.id in shown}.values())
    left_out = list({q.entry.id: q for q in left_out if q.entry.id not in shown}.values())
    result = []
    first = 0
    for n, chunk in enumerate(chunks, start=1):
        last = n == len(chunks)
        vote_on = quotes[0] if last else None
        piece = view.part(first, first + len(chunk), first=n == 1, last=last)
        made = _piece(piece, question_id, n, len(chunks), first, vote_on, left_out if last else [],
                      cut_short if last else [])
        while last and len(chunk) > 1 and card_bytes(made) > MAX_CARD_BYTES:
            dropped = chunk.pop()  # the list of names left out made the last card too big
            (cut_short if any(q.entry.id == dropped.entry.id for q in chunk) else left_out).insert(0, dropped)
            piece = view.part(first, first + len(chunk), first=n == 1, last=last)
            made = _piece(piece, question_id, n, len(chunks), first, vote_on, left_out, cut_short)
        result.append(made)
        first += len(chunk)
    return result


def _checklist_cards(view: AnswerView, question_id: int | None,
                     followed: Context | None = None) -> list[dict[str, Any]]:
    """A checklist too big for one card: whole items per card, in order (an item's long text is in
    pieces inside its item), the votes and the DM button on the last."""
    assert view.checklist is not None
    items = view.checklist.items
    vote_on = view.quotes[0]
    sizes = [0]
    for n in range(len(items)):
        # Measured as a last card: with the "continued" line, the votes and the DM button.
        made = view_card(view.part(n - sizes[-1], n + 1, first=False, last=True), question_id, part=(2, 2),
                         vote_on=vote_on, followed=followed)
        if sizes[-1] and card_bytes(made) > MAX_CARD_BYTES:
            sizes.append(0)
        sizes[-1] += 1
    sizes = sizes[:MAX_CARDS]
    shown = sum(sizes)
    result = []
    first = 0
    for n, size in enumerate(sizes, start=1):
        last = n == len(sizes)
        made = view_card(view.part(first, first + size, first=n == 1, last=last), question_id, first=first,
                         part=(n, len(sizes)), vote_on=vote_on if last else None, followed=followed)
        if last and shown < len(items):
            rest = ", ".join(i.quote.entry.area for i in items[shown:])
            made["body"].append(words(f"{len(items) - shown} more areas did not fit; ask about one by name:",
                                      separator=True))
            made["body"].append(literal(rest))
        result.append(made)
        first += size
    return result


def _pieces_of(quote: Quote) -> list[Quote]:
    """`quote` as consecutive quotes of the same area, each small enough for a card of its own (its
    text appears about three times in a message: the card, its fallbackText and the summary). A
    partial quote too big to send becomes the whole cell in pieces, so nothing is a click away that
    cannot be shown. Verbatim: the pieces joined with blank lines or spaces are the text."""
    alone = card([*quote_elements(quote)], quote.text + quote.rest)
    if quote.todo or card_bytes(alone) <= MAX_CARD_BYTES:
        return [quote]
    text = quote.text if quote.complete else quote.entry.description
    parts = split_text(text, str.encode, MAX_QUOTE_PIECE_BYTES)
    # Marked words are offsets into the quoted text: each piece keeps those within it, as its own offsets.
    spans = quote.new_words if quote.complete else None
    return [replace(quote, text=part, complete=True,
                    new_words=restricted(spans, at, at + len(part)) if spans is not None else None)
            for at, part in _located(text, parts)]


def answer_lead(view: AnswerView, part: int = 1, parts: int = 1) -> str:
    """One line of the bot's own words for the message text: what Teams shows in notifications and
    the chat list, and above the card. The quote itself is only in the card and its fallback."""
    return f"(continued, {part} of {parts})" if part > 1 else view.lead


def answer_messages(answer: Answer, question_id: int | None = None, answerer: Answerer | None = None, *,
                    dm: bool = False, followed: Context | None = None,
                    whole: bool = False) -> list[tuple[str, dict[str, Any]]]:
    """(message text, card) for each message an answer takes, in order. The view's follow-ups (with
    `answerer`, the loaded framework: bot.view.answer_actions) are buttons on the last card, in every
    kind of chat: Teams shows suggested actions only under a message without a card, which an answer
    never is (a few small Action.Submits: the cards keep room for them under Teams' limit). `dm` and
    `followed` as for `answer_card`."""
    view = answer_view(answer, answerer, dm=dm)
    follow_ups = [action_button(a, view.question) for a in view.offered(*FOLLOW_UPS)]
    made = view_cards(view, question_id, followed=followed, whole=whole)
    if follow_ups:
        made[-1].setdefault("actions", []).extend(follow_ups)
    return [(answer_lead(view, n, len(made)), c) for n, c in enumerate(made, start=1)]


def todo_lead(entries: list[Entry]) -> str:
    return f"{len(entries)} area(s) not written yet" if entries else "Every area is filled in"


def _piece(
    piece: AnswerView, question_id: int | None, n: int, of: int, first: int, vote_on: Quote | None,
    left_out: list[Quote], cut_short: list[Quote] | None = None,
) -> dict[str, Any]:
    made = view_card(piece, question_id, first=first, part=(n, of), vote_on=vote_on)
    for quote in {q.entry.id: q for q in cut_short or []}.values():
        where = link_for(quote) or quote.entry.source
        made["body"].append(words("The rest of this text is too long for a Teams answer; it is on the page:",
                                  separator=True))
        made["body"].append(literal(f"{citation(quote.entry)} ({where})", url=link_for(quote)))
        made["fallbackText"] += f"\n\nThe rest of {quote.entry.area} is too long for a Teams answer: {where}"
    if left_out:
        names = ", ".join(area_label(q.entry) for q in left_out)
        made["body"].append(words(f"{len(left_out)} more areas match; ask about one by name:", separator=True))
        made["body"].append(literal(names))
        made["fallbackText"] += f"\n\n{len(left_out)} more areas match; ask about one by name: {names}"
    return made


def _suggestion_title(n: int, entry: Entry) -> str:
    """A button title Teams shows whole: the number of the line above that names the area in full."""
    title = f"{n}. {entry.area}"
    return title if len(title) <= MAX_BUTTON_TITLE else title[: MAX_BUTTON_TITLE - 1].rstrip() + "…"


def _suggestion_detail(entry: Entry) -> str:
    return f"{area_label(entry)}, {entry.craft}" if entry.craft else area_label(entry)


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


def help_text(answerer: Answerer) -> str:
    """The help as Teams markdown, its example a question about the framework `answerer` serves, in a
    code span so the content's names are never read as markdown."""
    view = help_view(["In a personal chat, just type.", "In a channel or group chat, @mention me."],
                     code_span(help_example(answerer.entries, answerer.level_order)))
    return "\n\n".join([
        view.intro,
        "\n".join([f"- Ask anything, e.g. `{view.example}`",
                   *(f"- **{word}**: {what}" for word, what in view.commands)]),
        " ".join(view.ways_to_ask),
        view.promise,
    ])


def nudge_card(message: NudgeMessage) -> dict[str, Any]:
    """The weekly nudge. Owner ids from owners.yaml are not mentioned: they name Slack users and
    groups, which Teams cannot resolve; the groups and counts say who should act.

    Within the message size limit: with hundreds of TODO areas, each group lists as many as fit and
    says how many more it has (its count line always gives the total)."""
    per_group = max((len(g.areas) for g in message.groups), default=0)
    while True:
        made = _nudge_card(message, per_group)
        if card_bytes(made) <= MAX_CARD_BYTES or per_group == 0:
            return made
        per_group = per_group // 2 if per_group > 8 else per_group - 1


def _nudge_card(message: NudgeMessage, per_group: int) -> dict[str, Any]:
    # Titles, intros and group summaries name frameworks, crafts and levels from the content: literal.
    body: list[Element] = [literal(message.title, weight="Bolder", size="Medium"), literal(message.intro)]
    fallback = message.text.rstrip()
    cut = False
    for group in message.groups:
        items: list[Element] = [literal(group.heading, weight="Bolder"), literal(group.summary, spacing="None")]
        for area in group.areas[:per_group]:
            label = f"{area.area} ({area.section})" if area.section else area.area
            new = " (new this week)" if group.is_new(area) else ""
            url = absolute_url(area.url)
            items.append(literal(f"• {label}{new}" if url else f"• {label}{new} — {area.where}", url=url))
        if len(group.areas) > per_group:
            cut = True
            more = len(group.areas) - per_group
            items.append(words(f"…and {more} more (`careerfw todo` lists them all)", isSubtle=True))
        body.append({"type": "Container", "items": items, "spacing": "Medium", "separator": True})
    if message.changes:
        changes: list[Element] = [words(SINCE_LAST, weight="Bolder")]
        for change in message.changes:
            areas = change.areas
            shown = ", ".join(a.label for a in areas[: max(per_group, 1)])
            extra = f" and {len(areas) - max(per_group, 1)} more" if len(areas) > max(per_group, 1) else ""
            changes.append(literal(f"{change.label}: {shown}{extra}"))
        body.append({"type": "Container", "items": changes, "spacing": "Medium", "separator": True})
    elif message.unchanged_note:
        body.append(words(message.unchanged_note, isSubtle=True, separator=True))
    if cut:
        kept: list[str] = []
        for line in fallback.splitlines():
            if sum(len(k) + 1 for k in kept) + len(line) > MAX_FALLBACK_CHARS:
                break
            kept.append(line)
        fallback = "\n".join(kept) + "\n…(cut to fit one Teams message; `careerfw todo` lists every area)"
    return card(body, fallback)
