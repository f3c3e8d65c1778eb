"""What the bot shows, once, for every surface: the answer view, the help text, the keyword parser.

Block Kit (bot/slack/blocks.py), Adaptive Cards (bot/teams/cards.py) and plain text (bot/text.py)
only translate these into their format, so a wording or a rule changes in one place. The nudge works
the same way: `bot.nudge.message.NudgeMessage` is built once and rendered per surface.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, TypeVar

from index import (
    MAX_QUESTION_CHARS,
    Answer,
    Answerer,
    Choice,
    Entry,
    Level,
    LevelOrder,
    Quote,
    Request,
    Span,
    restricted,
)

Keyword = Literal["help", "todo"]

TRUNCATED_NOTE = (
    f"Your question was over {MAX_QUESTION_CHARS:,} characters, so only its first {MAX_QUESTION_CHARS:,} were used."
)
ALSO_RELEVANT = "Also relevant"
DID_YOU_MEAN = "Did you mean one of these areas?"
# Over the buttons of a question the framework answers several ways ("Level 3" in four crafts).
CHOOSE = "Pick one and I'll quote it:"
NO_QUESTION = "Ask a question about the framework."
# Said of a TODO area, inside a sentence of each surface's own ("*Area*: _not written yet: …_").
NOT_WRITTEN_YET = "not written yet: the framework marks this area TODO"
# After what a follow-up took from the previous turn ("Backend › Level 4 › Mastery, following on…").
FOLLOWING_ON = "following on from your last question"
# The promotion checklist's button that sends the checklist to the asker's direct messages.
SEND_AS_DM = "Send me this as a DM"
SENT_AS_DM = "Sent: the checklist is in your direct messages with me."
# That button pressed after the content changed so that the question no longer gives a checklist.
NO_CHECKLIST = "The framework no longer gives that checklist (it has changed since). Please ask the question again."
# The button under an answer cut to one screen, and what the terminal offers instead.
SHOW_ALL = "Show all"
# The words of the line above marked words (`Legend`) that each surface marks as it marks new words.
MARKED_SAMPLE = "like this"

# --- keywords ------------------------------------------------------------------------------------

_KEYWORDS: tuple[Keyword, ...] = ("help", "todo")
# What people type around a keyword: "/help", "help?", "todo.", "help:", "todo, please" is a question.
_KEYWORD_STRIP = "/!?.:, "


def command_word(text: str) -> str:
    """`text` as a possible one-word command: trimmed, lower-cased, without surrounding punctuation."""
    return text.strip().lower().strip(_KEYWORD_STRIP)


def keyword(text: str) -> Keyword | None:
    """`help` and `todo` are commands, not questions; so is nothing at all, which is help."""
    word = command_word(text)
    if not word:
        return "help"
    return word if word in _KEYWORDS else None  # type: ignore[return-value]


# --- help --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HelpView:
    """The one help text. A surface adds only where and how to type (`ways_to_ask`). `example` is a
    question about the loaded framework (bot.prompts.help_example), never a fixed one: a fixed example
    names a level most frameworks do not have."""

    ways_to_ask: tuple[str, ...]
    example: str
    intro: str = "Ask me about the career framework and I'll quote it, with where each quote comes from."
    commands: tuple[tuple[str, str], ...] = (
        ("todo", "the areas the framework has not written yet"),
        ("help", "this message"),
    )
    promise: str = (
        "I only ever quote the framework; when nothing in it answers you, I say so and offer the nearest areas."
    )


def help_view(ways_to_ask: Sequence[str], example: str) -> HelpView:
    return HelpView(tuple(ways_to_ask), example)


def code_span(text: str) -> str:
    """`text` fit to sit between backticks, as the help shows its example on Slack and Teams: a
    backtick from the content would end the span early and let the rest read as markup."""
    return " ".join(text.replace("`", "'").split())


# --- links and citations -----------------------------------------------------------------------------


def absolute_url(url: str | None) -> str | None:
    """The URL if a reader can follow it (http or https, i.e. CAREERFW_SITE_URL is set), else None:
    a site-relative permalink is shown as text, never as a broken link."""
    return url if url and url.startswith(("https://", "http://")) else None


def citation_parts(entry: Entry) -> list[str]:
    """framework, craft, level, section, area, each named once: on a prose page the section (the page's
    title) and often the area are the level's own name, and "Senior Engineer › Senior Engineer ›
    Delivery" reads like a mistake. A repeat is dropped in favour of the later name, so the area, which
    surfaces link, is always last."""
    parts: list[str] = []
    for part in (entry.framework, entry.craft, entry.level, entry.section, entry.area):
        if not part:
            continue
        if parts and " ".join(parts[-1].lower().split()) == " ".join(part.lower().split()):
            parts[-1] = part
        else:
            parts.append(part)
    return parts


def citation(entry: Entry) -> str:
    """framework › craft › level › section › area: where a quote comes from, in words."""
    return " › ".join(citation_parts(entry))


def area_label(entry: Entry) -> str:
    """An area as a person picks it from a list: "Area (Level)"."""
    return f"{entry.area} ({entry.level})" if entry.level else entry.area


# --- the answer ----------------------------------------------------------------------------------------


def starts_also_relevant(answer: Answer, position: int) -> bool:
    """Whether the quote at `position` (in the whole answer) opens the "also relevant" part: a lookup
    quotes the area asked about first, then what else matched; other answers are lists of equals."""
    return answer.intent == "lookup" and position == 1


def _names(names: Sequence[str]) -> str:
    """"Backend, Web and Mobile"."""
    names = list(dict.fromkeys(names))
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


@dataclass(frozen=True)
class QuoteGroup:
    """One text quoted once, with every place it comes from: crafts and levels often share a sentence
    word for word, and quoting it three times buries what differs. The first quote is the one shown;
    each quote keeps its own citation."""

    quotes: tuple[Quote, ...]

    @property
    def quote(self) -> Quote:
        return self.quotes[0]

    @property
    def shared(self) -> str | None:
        """Where else the text is, in words ("same in Backend, Web and Mobile · Level 4"): the parts
        of the citations that differ, named together, then what they share. None for a single quote."""
        if len(self.quotes) < 2:
            return None
        entries = [q.entry for q in self.quotes]
        fields = ("framework", "craft", "level", "section", "area")
        differ = [f for f in fields if len({getattr(e, f) for e in entries}) > 1]
        names = [" › ".join(getattr(e, f) for f in differ if getattr(e, f)) for e in entries]
        # Quotes whose citations differ only by source line name no place apart from each other: "same in"
        # would list nothing ("same in  · Level 4"), so only their citations say where they are.
        if len({n for n in names if n}) < 2:
            return None
        places = _names([n for n in names if n])
        common = next((getattr(entries[0], f) for f in ("level", "craft") if f not in differ and
                       getattr(entries[0], f)), "")
        return f"same in {places}" + (f" · {common}" if common else "")


def _same_text(quote: Quote) -> str:
    return " ".join(quote.text.split())


def _place(quote: Quote) -> tuple[str, str, str | None]:
    """Where a quote comes from as a reader sees it: its citation, source and link."""
    return citation(quote.entry), quote.entry.source, quote.url


def grouped(quotes: Sequence[Quote]) -> tuple[QuoteGroup, ...]:
    """`quotes` with identical (or whitespace-identical) texts together, in the order each text first
    appears. A TODO area has no text to repeat and stays on its own. The same text from the same place
    is one quote with one citation: an answer that lists a cell twice (or a fuzzed one, three times)
    would otherwise show its citation once per copy under a "same in" naming no other place."""
    groups: dict[object, list[Quote]] = {}
    for n, quote in enumerate(quotes):
        key: object = ("todo", n) if quote.todo or not quote.text.strip() else _same_text(quote)
        group = groups.setdefault(key, [])
        if all(_place(q) != _place(quote) for q in group):
            group.append(quote)
    return tuple(QuoteGroup(tuple(g)) for g in groups.values())


@dataclass(frozen=True)
class AnswerView:
    """Everything every surface shows for one answer, in order, in the bot's own words where it speaks.
    Surfaces read only this (tests/bot/test_view.py checks it), never the core's Answer."""

    question: str  # as asked (the core cut it to length: `notes` says so)
    notes: tuple[str, ...]  # about the question itself (cut to length)
    message: str | None  # the core's words before the quotes ("No good match…", "2 not written yet")
    main: tuple[Quote, ...]
    also_relevant: tuple[Quote, ...]
    suggestions: tuple[Entry, ...]  # "did you mean" areas, when nothing answered confidently
    choices: tuple[Choice, ...]  # which one the asker means, each a question to ask (buttons)
    lead: str  # one line for notifications and chat lists; never a quote
    # A follow-up's "Backend › Level 4 › Mastery, following on from your last question": what it took from
    # the previous turn, shown so a wrong assumption is visible (None: nothing was carried over).
    carried: str | None = None
    # The buttons to offer, in order, the same on every surface (`answer_actions`).
    actions: tuple[Action, ...] = ()
    # Where the framework is published, for the levels' links (None: link to the source files).
    site_url: str | None = None
    # Where `message` points when it is a careerfw.yaml redirect's note (the admins' link), else None.
    message_link: str | None = None
    # A "which levels are there?" answer's levels, craft by craft (`level_groups`).
    levels: tuple[tuple[str, tuple[Level, ...]], ...] = ()
    # A comparison: two cells are shown side by side (`side_by_side`).
    compared: bool = False
    # A promotion checklist, every area in full (`shown_checklist` collapses the unchanged ones).
    checklist: ChecklistView | None = None
    # The request a button asked (a choice, "Compare with the next level"): what a button that gives this
    # answer again carries instead of its words (Answer.request).
    request: Request | None = None
    # One part of an answer sent as several messages (`part`), after the part that opened "Also relevant".
    also_continued: bool = False

    @property
    def quotes(self) -> tuple[Quote, ...]:
        return self.main + self.also_relevant

    @property
    def side_by_side(self) -> bool:
        """Two cells compared (two areas, or one area at two levels): shown next to each other."""
        return self.compared and len(self.quotes) == 2

    def shown_checklist(self, whole: bool = False) -> ChecklistView | None:
        """The checklist as shown: the unchanged areas named on one line, unless `whole` ("Show all")."""
        if self.checklist is None or whole:
            return self.checklist
        return self.checklist.collapsed()

    @property
    def marked_against(self) -> str | None:
        """The level the marked (bold) words are new against, for the line that says so (`legend`); None
        when nothing is marked."""
        if self.checklist is not None:
            return self.checklist.current if any(i.new_words for i in self.checklist.items) else None
        return next((q.new_against for q in self.quotes if q.new_words), None)

    @property
    def legend(self) -> Legend | None:
        """The line above marked words that says what the marks are, the same words on every surface;
        None when nothing is marked."""
        against = self.marked_against
        return None if against is None else Legend.of(against)

    def whole_text(self, cut: bool = False) -> tuple[Action, ...]:
        """"Whole text" for the first quote: offered when only part of its cell is quoted and, with `cut`,
        when the surface cut the quote to fit its screen."""
        offered = self.offered("whole_text")
        if offered or not cut or not self.quotes or self.checklist is not None:
            return offered
        return _whole_text_action(self.quotes[0])

    def part(self, start: int, stop: int, *, first: bool, last: bool) -> AnswerView:
        """Quotes [start:stop] (checklist areas, for a checklist) as one of several messages of a long
        answer: the notes and the message open the `first`, the "did you mean" areas and their buttons
        close the `last`, and "Also relevant" is headed once, in the part where it starts."""
        split = len(self.main)
        checklist = self.checklist
        if checklist is not None:
            checklist = replace(checklist, items=checklist.items[start:stop])
        return replace(
            self,
            notes=self.notes if first else (),
            message=self.message if first else None,
            message_link=self.message_link if first else None,
            main=self.main[start:stop],
            also_relevant=self.also_relevant[max(0, start - split):max(0, stop - split)],
            also_continued=self.also_continued or start > split,
            suggestions=self.suggestions if last else (),
            actions=tuple(a for a in self.actions if last or a.kind != "explain"),
            checklist=checklist,
        )

    def offered(self, *kinds: ActionKind) -> tuple[Action, ...]:
        return tuple(a for a in self.actions if a.kind in kinds)

    @property
    def main_groups(self) -> tuple[QuoteGroup, ...]:
        """The main quotes, each text once; a text "also relevant" repeats joins the main quote's group."""
        return tuple(g for g in grouped(self.quotes) if g.quote in self.main)

    @property
    def also_groups(self) -> tuple[QuoteGroup, ...]:
        return tuple(g for g in grouped(self.quotes) if g.quote not in self.main)


@dataclass(frozen=True)
class Legend:
    """What the marked words are, in the bot's words: "Words new since Level 3 are marked like this.",
    where `sample` ("like this") is to be marked the way the surface marks the new words themselves (bold
    in Slack and Teams, {+…+} in the terminal), so the line shows the mark it explains. Surfaces cut
    `text` at `sample` with `pieces`, as they cut a quote at its new words."""

    text: str
    sample: tuple[Span, ...]

    @classmethod
    def of(cls, against: str) -> Legend:
        before = f"Words new since {against} are marked "
        return cls(f"{before}{MARKED_SAMPLE}.", ((len(before), len(before) + len(MARKED_SAMPLE)),))


# --- the ladder and the promotion checklist --------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistItem:
    """One area of a promotion checklist: the target level's cell, and how it changed since the current level."""

    quote: Quote
    change: str  # "changed", "new" or "same"; "guide" for the current level's advice on moving up
    mark: str  # the change in words: "changed from Level 3", "new at Level 4", "same as Level 3"

    @property
    def new_words(self) -> tuple[Span, ...]:
        """The words of the text new against the current level, as offsets (index/worddiff.py)."""
        return self.quote.new_words or ()


@dataclass(frozen=True)
class ChecklistView:
    """A checklist as shown: the areas to work through in full, and the areas whose text did not change
    named on one line ("Same as Level 3: Ownership, Communication"). `whole` shows every area in full."""

    current: str
    target: str
    items: tuple[ChecklistItem, ...]
    same: tuple[ChecklistItem, ...]

    @property
    def same_line(self) -> str | None:
        if not self.same:
            return None
        return f"Same as {self.current}: {', '.join(i.quote.entry.area for i in self.same)}"

    def collapsed(self) -> ChecklistView:
        """The areas whose text did not change taken out of the items, to be named on one line."""
        # An unwritten area stays an item even when both levels leave it TODO: there is nothing to compare.
        same = tuple(i for i in self.items if i.change == "same" and not i.quote.todo)
        return ChecklistView(self.current, self.target, tuple(i for i in self.items if i not in same), same)


def checklist_view(answer: Answer, whole: bool = False) -> ChecklistView | None:
    c = answer.checklist
    if c is None:
        return None
    every = ChecklistView(c.current, c.target, checklist_items(answer), ())
    return every if whole else every.collapsed()


def _mark(change: str, current: str, target: str) -> str:
    if change == "guide":
        return f"what {current} says of moving up"
    if change == "same":
        return f"same as {current}"
    if change == "new":
        return f"new at {target}"
    return f"changed from {current}"


def checklist_items(answer: Answer) -> tuple[ChecklistItem, ...]:
    c = answer.checklist
    if c is None:
        return ()
    return tuple(ChecklistItem(q, change, _mark(change, c.current, c.target))
                 for q, change in zip(answer.quotes, c.changes, strict=True))


# --- one screen by default ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Budget:
    """What a default answer may take on a phone screen: at most `lines` lines of `width` characters
    (each line of text wraps to as many) and `chars` characters in all. Each surface sets its own
    (docs/slack.md, docs/teams.md) and fits its message to it; the terminal and --json have none."""

    lines: int
    chars: int
    width: int

    def lines_of(self, texts: Sequence[str]) -> int:
        return sum(max(1, -(-len(line) // self.width)) for text in texts for line in text.split("\n"))

    def holds(self, texts: Sequence[str]) -> bool:
        return sum(len(t) for t in texts) <= self.chars and self.lines_of(texts) <= self.lines


# A first unit (area, quote) too long for the screen alone is cut after a sentence near FIRST_CUT
# characters, then near half as many each time, down to MIN_CUT, where it is shown however long.
FIRST_CUT = 700
MIN_CUT = 120


def smaller(shown: int, limit: int | None) -> tuple[int, int | None] | None:
    """The next, smaller try at fitting an answer on one screen, from `shown` units with the first cut to
    `limit` characters (None: whole): one unit fewer while there are several, then the first cut shorter;
    None when there is nothing left to take (one unit, cut to MIN_CUT). Both surfaces fit this way."""
    if shown > 1:
        return shown - 1, limit
    if limit is not None and limit <= MIN_CUT:
        return None
    return shown, FIRST_CUT if limit is None else max(MIN_CUT, limit // 2)


# Shown after a quote cut inside a word (`cut_mark`): the word goes on in the whole text.
ELLIPSIS = "…"


def _joins(char: str) -> bool:
    """Whether `char` belongs to the character before it (an accent, a zero-width joiner, a variation
    selector, a skin tone, an emoji tag): a cut before it splits what the reader sees as one letter."""
    return (unicodedata.category(char) in ("Mn", "Mc", "Me") or char in "\u200c\u200d"
            or "\ufe00" <= char <= "\ufe0f" or "\U0001f3fb" <= char <= "\U0001f3ff"
            or "\U000e0020" <= char <= "\U000e007f")


def shortened(quote: Quote, chars: int) -> Quote:
    """The start of `quote` in at most about `chars` characters, verbatim: a part of the cell, the whole
    one click away. Cut after a sentence or a line, else before the first word that does not fit; only
    a single word longer than `chars` is cut inside (between two letters or emoji, never within one),
    which `cut_mark` shows. Escaping comes later, so no escape sequence is ever cut."""
    text = quote.text
    if quote.todo or len(text) <= chars:
        return quote
    head = text[: chars + 1]
    # After a sentence, or before a paragraph break (a list of bullets has no full stops).
    cut = max((m.end() for m in re.finditer(r"[.!?;:](?=\s)|\S(?=\n)", head)), default=0)
    if cut == 0:  # before the last whitespace after a word: any space, not only " " (CJK text has U+3000)
        cut = max((m.start() for m in re.finditer(r"(?<=\S)\s", head)), default=0)
    if cut == 0:
        cut = chars
        while cut > 1 and (_joins(text[cut]) or text[cut - 1] == "\u200d"):
            cut -= 1
    spans = restricted(quote.new_words, 0, cut) if quote.new_words is not None else None
    return replace(quote, text=text[:cut].rstrip(), complete=False, new_words=spans)


_Cuttable = TypeVar("_Cuttable", Quote, ChecklistItem)


def cut_to(shown: _Cuttable, limit: int | None) -> _Cuttable:
    """A quote, or a checklist item's quote, as `shortened` to about `limit` characters; whole when
    `limit` is None. The surfaces fitting an answer on one screen cut only its first unit this way, and
    every unit of "Show all" is whole."""
    if limit is None:
        return shown
    if isinstance(shown, ChecklistItem):
        return replace(shown, quote=shortened(shown.quote, limit))
    return shortened(shown, limit)


def cut_mark(quote: Quote) -> str:
    """ELLIPSIS after a quote that stops inside a word of its cell (`shortened` of a word longer than the
    screen), so the reader sees the word goes on; "" for a quote that ends where a word ends."""
    text, cell = quote.text, quote.entry.description
    if quote.complete or quote.todo or not text or len(cell) <= len(text) or not cell.startswith(text):
        return ""
    return "" if text[-1].isspace() or cell[len(text)].isspace() else ELLIPSIS


def level_groups(answer: Answer) -> tuple[tuple[str, tuple[Level, ...]], ...]:
    """The levels a "which levels are there?" answer lists, craft by craft, in order."""
    if answer.intent != "levels":
        return ()
    groups: dict[str, list[Level]] = {}
    for level in answer.levels:
        groups.setdefault(level.craft, []).append(level)
    return tuple((craft, tuple(levels)) for craft, levels in groups.items())


def side_headings(quotes: Sequence[Quote]) -> list[str]:
    """Each compared cell's heading: its area and level, and its craft when the two crafts differ
    ("Mastery · Level 3 · Backend Engineering Craft"), so two columns never read alike."""
    crafts = {q.entry.craft for q in quotes}
    return [" · ".join(p for p in (q.entry.area, q.entry.level, q.entry.craft if len(crafts) > 1 else "") if p)
            for q in quotes]


def answer_lead(answer: Answer) -> str:
    if not answer.quotes:
        return answer.message or NO_QUESTION
    top = answer.quotes[0].entry
    if answer.intent == "todo":
        return f"{len(answer.quotes)} area(s) not written yet"
    if answer.intent == "checklist" and answer.checklist:
        return f"Checklist: {answer.checklist.current} → {answer.checklist.target}"
    if answer.intent in ("lookup", "area"):
        return f"{area_label(top)}: not written yet" if top.todo else f"From the framework: {area_label(top)}"
    return f"From the framework: {len(answer.quotes)} areas"


def carried_label(answer: Answer) -> str | None:
    """What a follow-up is about, when part of it came from the previous turn of the conversation."""
    if not answer.carried or not answer.context:
        return None
    path = answer.context.label()
    return f"{path}, {FOLLOWING_ON}" if path else FOLLOWING_ON.capitalize()


# --- the buttons an answer offers ---------------------------------------------------------------------------

ActionKind = Literal["explain", "choose", "compare_next", "whole_text", "todo", "send_dm"]
# The follow-ups under an answer's last message, after what it quotes.
FOLLOW_UPS: tuple[ActionKind, ...] = ("compare_next", "whole_text", "todo")
COMPARE_NEXT = "Compare with the next level"
WHOLE_TEXT = "Whole text"
TODO_AREAS = "TODO areas"


@dataclass(frozen=True)
class Action:
    """One button an answer offers, decided here for every surface: what it is, what it says, and what
    it asks for by the index's own names, never in words to be parsed again. `payload` is one of
    {"request": Request JSON} (choose, compare_next: `Answerer.answer_request`), {"entry": id} (explain,
    whole_text: `Answerer.explain`), {"command": "todo"}, or {} (send_dm: the surface adds how it gives
    the answer again: its stored question and context)."""

    kind: ActionKind
    label: str
    payload: dict[str, Any]


def next_level_request(entry: Entry, order: LevelOrder) -> Request | None:
    """The same area one level up, beside this cell (the first of the next rung's levels when the track
    splits there), if the cell is a level's and its ladder goes higher."""
    if entry.kind != "level" or not entry.level:
        return None
    above = order.next(entry.level, entry.craft, entry.framework)
    if not above:
        return None
    return Request("compare", entry.framework, entry.craft, (entry.level, above[0].title), (entry.area,))


def _whole_text_action(quote: Quote) -> tuple[Action, ...]:
    """The whole cell of `quote`, which was quoted only in part; nothing for an unwritten area."""
    return () if quote.todo else (Action("whole_text", WHOLE_TEXT, {"entry": quote.entry.id}),)


def answer_actions(answer: Answer, answerer: Answerer | None = None, *, dm: bool = False) -> tuple[Action, ...]:
    """What to offer after `answer`: the "did you mean" areas and the core's choices; the same area one
    level up (after a comparison, above its higher side); the whole cell when only part was quoted; the
    unwritten areas when there are any; a checklist sent to the asker's direct messages (`dm`: the
    answer is there already). `answerer` (the loaded framework: its ladder, its TODO areas) is needed
    for the two that look beyond the answer; without it they are not offered."""
    actions = [Action("explain", area_label(s.entry), {"entry": s.entry.id}) for s in answer.suggestions]
    actions += [Action("choose", c.label, {"request": c.request.to_json()} if c.request else {"question": c.question})
                for c in answer.choices]
    if answerer is not None and answer.confident and answer.quotes and answer.intent in ("lookup", "area", "compare"):
        top = answer.quotes[-1] if answer.intent == "compare" else answer.quotes[0]
        request = next_level_request(top.entry, answerer.level_order)
        if request is not None:
            actions.append(Action("compare_next", COMPARE_NEXT, {"request": request.to_json()}))
    first = answer.quotes[0] if answer.quotes else None
    if first is not None and not first.complete and answer.checklist is None:
        actions += _whole_text_action(first)
    if answerer is not None and answer.intent != "todo" and answerer.todo():
        actions.append(Action("todo", TODO_AREAS, {"command": "todo"}))
    if answer.checklist is not None and not dm:
        actions.append(Action("send_dm", SEND_AS_DM, {}))
    return tuple(actions)


def answer_view(answer: Answer, answerer: Answerer | None = None, *, dm: bool = False) -> AnswerView:
    """The view of `answer`; `answerer` and `dm` as for `answer_actions`."""
    split = next((i for i in range(len(answer.quotes)) if starts_also_relevant(answer, i)), len(answer.quotes))
    return AnswerView(
        question=answer.question,
        notes=(TRUNCATED_NOTE,) if answer.truncated else (),
        message=answer.message,
        main=tuple(answer.quotes[:split]),
        also_relevant=tuple(answer.quotes[split:]),
        suggestions=tuple(s.entry for s in answer.suggestions),
        choices=tuple(answer.choices),
        lead=answer_lead(answer),
        carried=carried_label(answer),
        actions=answer_actions(answer, answerer, dm=dm),
        site_url=answer.site_url,
        message_link=answer.redirect.link if answer.redirect else None,
        levels=level_groups(answer),
        compared=answer.intent == "compare",
        checklist=checklist_view(answer, whole=True),
        request=answer.request,
    )
