"""The promotion checklist: for a move from one level to the next ("from level 3 to level 4",
"promoted to L4", "I'm an L3, how do I progress?"), every area of the target level in page order (the area a
question asks about besides the move first), each marked `changed`, `same` or `new` against the current level,
with the changed words marked; led by what the current level's own page says of moving up, when it has a section
for it ("Getting to the next level"), marked `guide`."""

from __future__ import annotations

from dataclasses import replace

from index import wordtable
from index.compose import overview
from index.compose.answers import NOT_WRITTEN, Answer, Checklist, Choice, Quote, quote_for
from index.compose.shared import Asking, best_of_choice, named_levels, reaching_order
from index.intents import Intent as Plan
from index.levelnames import LEVEL_WORDS
from index.levelorder import Level
from index.query import Query
from index.request import Request
from index.search import Ranking
from index.tokens import words
from index.worddiff import new_spans

# Words of a section's heading that say it is about moving up, the word table's: a progress word ("Path to
# promotion", "How to progress"), or a rung's word or a move's verb with a level word ("Getting to the next level",
# "Moving up a level"). A rung's word alone is no advice: "Going above and beyond" is a competency.
_PROGRESS = wordtable.role("progress")
_MOVE = wordtable.role("up") | wordtable.role("move-verb")


def _moving_up(heading: str) -> bool:
    ws = set(words(heading))
    return bool(ws & _PROGRESS) or bool(ws & _MOVE and ws & LEVEL_WORDS)


def compose(asking: Asking, query: Query, ranking: Ranking, plan: Plan) -> Answer | None:
    """What the target level asks for, area by area, marked where it differs from the current level;
    None when the names make no move on one track (the answerer compares the two levels instead)."""
    state, question, truncated = asking.state, asking.question, asking.truncated
    order = state.levels
    named = [named_levels(state, query, rows) for rows in plan.sides]
    if not all(named):
        return None
    crafts = sorted(set.intersection(*({(lv.framework, lv.craft) for lv in side} for side in named)))
    # Each craft's moves, worked out before asking which one: a choice carries the move itself.
    moves: dict[tuple[str, str], list[tuple[Level, Level]]] = {}
    for framework, craft in crafts:
        sides = [[lv for lv in side if lv.craft == craft and lv.framework == framework] for side in named]
        pairs: list[tuple[Level, Level]] = []
        if len(sides) == 2:
            for a in sides[0]:
                for b in sides[1]:
                    low, high = (a, b) if a.position < b.position else (b, a)
                    if low.rung != high.rung and (low.track is None or high.track is None
                                                  or low.track == high.track):
                        pairs.append((low, high))
        else:
            for lv in sides[0]:
                if plan.current_named:
                    pairs += [(lv, nxt) for nxt in order.next(lv.title, craft, framework)]
                else:
                    pairs += [(prev, lv) for prev in order.previous(lv.title, craft, framework)]
        if pairs:
            moves[(framework, craft)] = pairs
    every = [pair for pairs in moves.values() for pair in pairs]
    if not every and len(named) == 1 and not plan.current_named:
        # "How do I become a member?" of a ladder's first level: no level below it to move from, so what it takes
        # is the level's own text, the area the question asks for leading (not a lookup of the word "become").
        return overview.of_rows(asking, reaching_order(asking, query, ranking, plan.sides[0]), in_order=True)
    if not every:
        return None
    if len(every) > 1:
        def move(a: Level, b: Level) -> Request:
            return Request("checklist", a.framework, a.craft, (a.title, b.title))

        if len(moves) > 1 and len(every) == len(moves):
            choices = [Choice.of(a.craft, move(a, b)) for a, b in every]
            choice = Answer(question, "choose", False, message=f"That move is written for {len(moves)} crafts: "
                            "which one do you mean?", choices=choices, truncated=truncated)
            if len(named) > 1 or plan.current_named:
                return choice
            # "How do I become a Subproject Lead?": only the target is named, and each craft reaches it by
            # a move of its own. What the target's own text says of becoming it is an answer in any craft,
            # so the ranking's best of it is quoted beside the choice of whole checklists.
            return best_of_choice(asking, query, ranking, plan.sides[0], choice)
        many = len(moves) > 1
        choices = [Choice.of(f"{a.title} → {b.title}" + (f" ({a.craft})" if many else ""), move(a, b))
                   for a, b in every]
        return Answer(question, "choose", False, message="Which move do you mean?", choices=choices,
                      truncated=truncated)
    current, target = every[0]
    return of_move(asking, current, target, _asked_area(asking, query, ranking, target))


def _asked_area(asking: Asking, query: Query, ranking: Ranking, target: Level) -> str | None:
    """The area of the target level a move question asks about besides the move ("how do I get to L6 on the
    technical side?"): the area of the target's cell the ranking puts first. None for a question that says
    only the move ("from L3 to L4", "how do I get promoted to L4?"), whose checklist reads in page order."""
    if not query.beyond_ladder:
        return None
    entries = asking.state.index.entries
    for hit in ranking.hits:
        e = entries[hit.entry]
        if e.kind == "level" and e.level == target.title and e.craft == target.craft \
                and e.framework == target.framework and e.area != target.title:
            return e.area
    return None


def of_move(asking: Asking, current: Level, target: Level, lead: str | None = None) -> Answer | None:
    """The checklist of one move, from `current` to `target` (two levels of one craft), in page order but for the
    cells of `lead`, the area the question asks about, which come first."""
    framework, craft = target.framework, target.craft
    entries = asking.state.index.entries
    at = {}
    for e in entries:
        if e.kind == "level" and e.craft == craft and e.framework == framework and e.level == current.title:
            at.setdefault(e.area, e)
            at.setdefault((e.section, e.area), e)
    quotes: list[Quote] = []
    changes: list[str] = []
    for e in entries:
        if e.kind != "level" or e.craft != craft or e.framework != framework or e.level != target.title:
            continue
        if e.area == target.title:
            continue  # the page's introduction is no item to work through
        if _moving_up(e.area):
            continue  # nor is its advice on the move after this one
        before = at.get((e.section, e.area)) or at.get(e.area)
        if before is None:
            change = "new"
        elif " ".join(before.description.split()) == " ".join(e.description.split()):
            change = "same"
        else:
            change = "changed"
        quote = quote_for(e, 1.0, (), asking.site_url)
        if change == "changed" and before is not None and not (e.todo or before.todo):
            quote = replace(quote, new_words=new_spans(before.description, quote.text),
                            new_against=current.title)
        quotes.append(quote)
        changes.append(change)
    if not quotes:
        return None
    if lead is not None:
        first = [k for k, q in enumerate(quotes) if q.entry.area == lead]
        order = first + [k for k in range(len(quotes)) if k not in first]
        quotes, changes = [quotes[k] for k in order], [changes[k] for k in order]
    # The current level's own advice on moving up comes first: what its page says it takes to reach the next.
    guides = [quote_for(e, 1.0, (), asking.site_url) for e in entries
              if e.kind == "level" and e.craft == craft and e.framework == framework and e.level == current.title
              and e.area != current.title and not e.todo and _moving_up(e.area)]
    quotes, changes = guides + quotes, ["guide"] * len(guides) + changes
    counts = {c: changes.count(c) for c in ("changed", "new", "same") if c in changes}
    summary = ", ".join(f"{n} {c if c != 'same' else f'same as {current.title}'}" for c, n in counts.items())
    message = f"From {current.title} to {target.title} ({craft}): {len(quotes) - len(guides)} area(s); {summary}."
    if any(q.todo for q in quotes):
        message += f" {NOT_WRITTEN}"
    return Answer(asking.question, "checklist", True, quotes=quotes, message=message, truncated=asking.truncated,
                  levels=[current, target], checklist=Checklist(current.title, target.title, craft,
                                                                tuple(changes)), site_url=asking.site_url)
