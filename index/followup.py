"""Follow-up questions: what a question leaves out, it takes from the previous turn of its conversation.

People ask "what does mastery look like for a level 3 backend engineer?", then "and at level 4?", then
"what about mobile?". Each answer resolves a `Context` (framework, craft, level, area); the next
question in the same conversation is asked with it, and inherits what it does not name itself:

- **What the question names always wins.** Only facets the question leaves out are carried, so a
  question that names everything is answered exactly as it would be on its own.
- **Level and craft** are carried when the question names none, and only where they fit what it does
  name: a craft is not carried onto a level that only one craft has (the level already says which),
  and a level is not carried into a craft that has no level of that title.
- **The area** (the topic) is carried only by a question with no topic of its own: one with no words
  but names and glue ("and at level 4?", "what about mobile?"), or one that points back at it ("what
  does that look like at level 4?"). "What is expected at level 4?" asks for the whole level, and "who
  do they mentor?" brings its own topic.
- **A craft's own word** ("mobile" for "Mobile Engineering Craft": the words of a craft's name that
  the other crafts' names do not share) names that craft in a question that says nothing else of
  substance ("what about mobile?"). In a question with a topic ("how do I handle data?") the word is
  the topic's.
- **Another ladder, the same rung.** A follow-up naming another craft and no level ("and for
  management?" after a D3 answer) moves to that craft's level that stands where the last one stood: the
  same number and seniority word, else the number, else the seniority word, else the same rung of a
  ladder as long (`_matching`). A craft is also named by another form of its own word ("manager"), the
  starts of its name's words ("devex"), or the noun only its level titles call people by ("writers").
- **A bare level number stays on the ladder.** "and at level 5?" after an M4 answer, on a ladder of
  four, is that ladder's missing Level 5, not another ladder's (`_off_ladder`); and on the track of the last
  level: after M4, where M3..M6 stand beside IC1..IC5 in one ladder, it is M5, though alone it counts to
  IC5 (`_on_track`), when that track has every number the question names. A code of its own ("and for IC5?")
  still moves.
- **Pointing back** ("do they still write code?", "how many years is that?") keeps the carried scope
  even when the question has a topic of its own. So does a question whose best answer alone is a page's own
  text ("and in the community membership doc?": that ladder's introduction): another page is no other topic.
  When that page is the introduction of the ladder the question names, its words said only where to look, and
  it is asked again without them (index/answer.py).
- **A role described whole** (the last answer filed under its level's own name) had no topic but the role:
  no area is carried from it, so "and in the community membership ladder?" gets that role there as a whole.
- **A ladder's own page** (its passages of no level) speaks for every level on it: a topic found there
  with the carried names has not moved on, and one the level has no area for is answered from it when the
  model is surer of it there (index/answer.py).
- **The framework**, when several are loaded, narrows the candidates like a name would, unless the
  question's own names lie in another framework.
- A question about the framework itself (the TODO list, "what does scope mean?") inherits nothing.

Everything here reads the loaded content's names and the question's structure (index/aliases.py);
nothing knows any one framework.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from typing import Any

import numpy as np

from index import wordtable
from index.aliases import EXACT, FIELDS, Detected, Mention, Structure, clipped, strip_generic
from index.entry import Entry, filed_whole
from index.intents import COMPARING, LADDER, direction, moves_on_the_ladder
from index.levelnames import (
    SENIORITY,
    MissingLevel,
    base_title,
    levels_counted,
    roman,
    singular,
    title_numbers,
    title_qualifiers,
)
from index.levelorder import LevelOrder, rank
from index.query import Query, parse
from index.spelling import FEWEST_LETTERS
from index.tokens import GENERIC, MEMO, STOPWORDS, of_substance, ordinals, stem, words

# Words that point back at the previous answer's topic ("what does that look like at level 4?"); the
# question's words a follow-up may take as its own topic are the Query's (`Query.loose`, index/query.py).
REFERENCE = wordtable.role("reference")
# Verbs that make a follow-up a question of its own ("what does a D3 do?"), unlike "and at level 4?".
OWN_QUESTION = wordtable.role("own-question")
# Questions about the ladder that a follow-up naming only another craft asks again ("and for web?").
REPEATED = ("checklist", "next", "previous")


@dataclass(frozen=True)
class Context:
    """What one answer resolved, for the next question of the same conversation. Serialisable: the
    bot keeps it in the state store between messages (bot/store/contexts.py)."""

    framework: str = ""
    craft: str = ""
    level: str = ""
    area: str = ""
    # The kind of question about the ladder it answered, which "and for web?" asks again for another craft:
    # "checklist" (from `level` to `target`), "next" or "previous" (from `level`); "" for the rest.
    kind: str = ""
    target: str = ""

    def __bool__(self) -> bool:
        return any(getattr(self, f) for f in FACETS)

    def to_json(self) -> dict[str, str]:
        out = {f: getattr(self, f) for f in FACETS}
        if self.kind:
            out |= {"kind": self.kind, "target": self.target}
        return out

    @classmethod
    def from_json(cls, data: Any) -> Context | None:
        """A stored context, or None when it is not one (a row written by something else, or damaged)."""
        if not isinstance(data, dict):
            return None
        values = {f.name: data.get(f.name, "") for f in fields(cls)}
        if not all(isinstance(v, str) for v in values.values()):
            return None
        if values["kind"] not in REPEATED:
            values["kind"] = values["target"] = ""
        return cls(**values) or None

    @property
    def is_whole(self) -> bool:
        """The answer was filed under its level's or craft's own name (a role described in one passage, as
        `Entry.is_whole`): it had no topic but the whole."""
        return filed_whole(self.area, (self.level, self.craft))

    def label(self) -> str:
        """craft › level › area, as a person reads it ("Backend Engineering › Level 4 › Mastery")."""
        craft = strip_generic(self.craft) or self.craft
        return " › ".join(p for p in (craft, self.level, self.area) if p)


# What an answer resolved that the next question may leave out: every field of a Context but the
# ladder question it answered, which only "and for web?" asks again.
FACETS = tuple(f.name for f in fields(Context) if f.name not in ("kind", "target"))


@dataclass(frozen=True)
class FollowUp:
    """A question with what it inherits: the text to embed, its structure with the inherited names added
    as mentions (after the question's own words), and which facets were carried."""

    text: str
    detected: Detected
    carried: tuple[str, ...] = ()
    restrict: np.ndarray | None = None  # the inherited framework's entries, when several are loaded
    asked: Context = field(default_factory=Context)  # the question's facets, its own and inherited
    # Where the question's own topic is, in its words: those no name accounts for (a ladder named by a word of its
    # own, "school" of School Board, is a name), asking words left out.
    topic: tuple[int, ...] = ()
    scope_areas: frozenset[str] = frozenset()  # the areas of the entries its names, with what it inherits, select
    # A question of its own (a topic and a level or craft named): unanswered, it still ends the last topic.
    new_subject: bool = False

    points_back: bool = False  # a word that stands for the previous answer ("how many years is *that*?")

    @property
    def topical(self) -> bool:
        """Whether the question has a topic of its own."""
        return bool(self.topic)

    def covers_area(self, area: str) -> bool:
        return area in self.scope_areas

    def on_its_page(self, found: Entry) -> bool:
        """Whether the best answer made with the carried names (`found`) is a passage of the ladder asked about
        that belongs to none of its levels (its own page, which speaks for every level on it): the topic was
        found where the conversation is ("can I get my role back?" after a ladder's level, answered by that
        ladder's page on returning), so the conversation has not moved on, even when another ladder's passage
        is nearer the question's words alone."""
        return not found.level and bool(found.craft) and found.craft == self.asked.craft

    def names_the_page(self, alone: Entry) -> bool:
        """Whether the question's best answer asked on its own (`alone`) is the introduction of the ladder the
        question names itself (its passage filed under the ladder's own name): its words found the page, no
        topic on it."""
        return "craft" not in self.carried and not alone.level and alone.area == alone.craft == self.asked.craft

    def moved_on(self, alone: Entry) -> bool:
        """Whether the question's best answer asked on its own (`alone`) shows the conversation moved on:
        its topic is an area the carried scope does not have ("who runs interviews?" after a level with no
        Hiring). Not when the question points back at the previous answer ("do *they* still write code?"),
        and not when that area is only a page's own text (a level written as one passage, or a ladder's
        introduction: its area is its title): another page is not another topic ("and in the membership doc?"
        after a role names the ladder whose role of that name it asks about, not the ladder's introduction)."""
        return not self.points_back and not alone.is_whole and not self.covers_area(alone.area)


class FollowUps:
    """Built once per loaded index (with the Answerer's other derived state)."""

    def __init__(self, entries: list[Entry], structure: Structure, levels: LevelOrder) -> None:
        self.structure = structure
        self.levels = levels
        self.size = len(entries)
        self.craft_of = [e.craft for e in entries]
        self.level_of = [e.level for e in entries]
        self.area_of = [e.area for e in entries]
        self.framework_of = [e.framework for e in entries]
        self.frameworks = sorted({e.framework for e in entries if e.framework})
        self.short_crafts = _short_craft_names(sorted({e.craft for e in entries if e.craft}))
        # Which crafts there are, and each craft's levels: `_names` compares every question's names with
        # them, and they depend on the index alone (read per question, they cost a pass over every entry).
        self.crafts = frozenset(c for c in self.craft_of if c)
        levels_of: dict[str, set[str]] = {}
        for lv, c in zip(self.level_of, self.craft_of, strict=True):
            if lv:
                levels_of.setdefault(c, set()).add(lv)
        self.levels_of_craft = {c: frozenset(lvs) for c, lvs in levels_of.items()}
        self._columns: dict[str, np.ndarray] = {}
        for word, craft in _person_words(levels).items():
            self.short_crafts.setdefault(word, craft)

    # --- which entries a facet selects ---------------------------------------------------------------

    def _column(self, facet: str) -> np.ndarray:
        """A facet's value per entry as an array, made on the first follow-up that reads it: compared in one
        numpy pass, not entry by entry in Python for every carried facet of every follow-up."""
        column = self._columns.get(facet)
        if column is None:
            column = self._columns[facet] = np.array(
                {"craft": self.craft_of, "level": self.level_of, "area": self.area_of,
                 "framework": self.framework_of}[facet], dtype=object)
        return column

    def _select(self, facet: str, value: str) -> np.ndarray:
        return np.asarray(self._column(facet) == value, dtype=bool)

    # --- the follow-up ---------------------------------------------------------------------------------

    def apply(self, question: str, query: Query, context: Context | None) -> FollowUp:
        detected = query.detected
        mentions = list(detected.mentions)
        names_who, names_craft = self._names(mentions)
        # A name matched in part ("problem solving" of "Problem Solving & Decision Making") is still the topic.
        names_area = any("area" in m.kinds for m in mentions)
        loose = list(query.loose)
        short = self._short_craft(detected, loose) if not names_craft else None
        if short is not None and context is not None and self._an_area_word_there(detected.words[slice(*short[1])],
                                                                                    context):
            short = None  # "what about security at that level?": the level's "Security, privacy…", not Security eng
        if short is not None:
            craft, span = short
            mentions.append(self._mention(detected.words, span, "craft", craft))
            mentions.sort(key=lambda m: m.start)
            names_craft = True
            loose = [i for i in loose if not span[0] <= i < span[1]]
            detected = Detected(detected.words, mentions, detected.missing)
            query = parse(query.text, detected, self.structure)  # the craft is a name now, not a word
        if not context or query.todo or query.meaning:
            return FollowUp(question, detected, asked=self.asked(detected))
        names_craft_itself = any(f == "craft" for m in mentions for f, _ in m.values)
        along = mentions if names_craft_itself else self._on_track(mentions, context.level)
        if along != mentions:
            # "and at level 5?" after an M4 answer: M5, the number counted along the track of the last level.
            mentions = along
            detected = Detected(detected.words, mentions, detected.missing)
            query = parse(query.text, detected, self.structure)
            names_who, names_craft = self._names(mentions)
        off = None if names_craft_itself else self._off_ladder(detected, context)
        if off is not None:
            # "and at level 5?" after an M4 answer, on a ladder of four: no level 5 of that ladder, rather than
            # another ladder's (the missing level is answered for the ladder carried).
            mention, label = off
            mentions = [m for m in mentions if m is not mention]
            detected = Detected(detected.words, mentions, [*detected.missing,
                                                           MissingLevel(mention.start, mention.end, label)])
            query = parse(query.text, detected, self.structure)
            names_who, names_craft = self._names(mentions)
        current = self.structure.mask(mentions, {"who", "craft"})
        if current is not None and not current.any():
            # Names that select nothing together ("level 3 vs level 4"): each is a side of its own.
            current = np.zeros(self.size, dtype=bool)
            for m in mentions:
                if m.kinds & {"who", "craft"} and not m.partial and not m.refines:
                    current[self.structure.rows(m, {"who", "craft"})] = True
        rows = np.ones(self.size, dtype=bool) if current is None else current.copy()
        carried: list[str] = []
        extra: list[tuple[str, str, frozenset[str]]] = []  # facet, name, the values it stands for
        # What the question names itself wins: an inherited level or craft without the named area is dropped.
        named_areas = {v for m in mentions if "area" in m.kinds for f, v in m.values if f == "area"}
        if named_areas:
            wanted = np.array([a in named_areas for a in self.area_of], dtype=bool)
            if (rows & wanted).any():
                rows &= wanted
        # Also under a level's name that several crafts share ("subproject lead" of two ladders): the one asked
        # about before. Not when the question names a craft itself ("as a backend engineer").
        names_a_craft = any(f == "craft" for m in mentions if not m.partial for f, _ in m.values)
        if context.craft and not (names_craft and names_a_craft):
            crafts = {self.craft_of[i] for i in np.flatnonzero(rows)}
            fits = rows & self._select("craft", context.craft)
            # A level only one craft has already says which craft; one several share takes the asker's.
            if fits.any() and fits.sum() < rows.sum() and len(crafts) > 1:
                extra.append(("craft", context.craft, frozenset({context.craft})))
                rows = fits
        own_topic = substance(detected.words, loose)
        # A track word alone ("and the manager track?") picks a version of the previous level; in a question
        # with a topic of its own ("how do I talk to my manager about pay?") it picks nothing.
        tracks = [m for m in mentions if m.refines and not own_topic]
        if names_who or tracks:
            level = self._version([m for m in mentions if not m.refines] + tracks, context.level)
        else:
            level = context.level
            # Its own seniority word that the last level's title does not have ("how does a staff developer
            # collaborate?" after a D3 Senior Developer answer) says it is not about that level.
            covered = detected.covered()
            said = {singular(w) for i, w in enumerate(detected.words) if i not in covered} & SENIORITY
            if said and not said <= rank(level)[1]:
                level = ""
        # The levels each of the question's own level names selects.
        named_levels = [{self.level_of[i] for i in self.structure.rows(m, {"who"}) if self.level_of[i]}
                        for m in mentions if "who" in m.kinds and not m.partial and not m.refines]
        own = set().union(*named_levels)
        # "What comes after Level 2?" names its own level: that is a question about the order, not a follow-up.
        # A word about the ladder itself ("what comes next?") is no topic that keeps the conversation on its level.
        on_topic = [i for i in own_topic if stem(detected.words[i]) not in LADDER]
        step = direction(detected.words) if not on_topic and len(own) != 1 else 0
        if step:
            # "and the level above?": the previous level (or the version a track word picked), one rung on.
            base = level or context.level
            moved = self._moved(base, context, step * levels_counted(detected.words, ordinals(query.text)), mentions)
            if moved:
                comparing = bool(COMPARING & set(detected.words))
                if comparing:
                    extra.append(("level", base, frozenset({base})))
                extra.append(("level", " ".join(moved), frozenset(moved)))
                fits = rows & np.isin(self._column("level"), list(moved))
                rows = (rows & (fits | self._select("level", base))) if comparing else fits
            level = ""
        if level:
            fits = rows & self._select("level", level)
            if not fits.any() and names_craft and not names_who and not step:
                # "and for management?" after a D3 answer: the named ladder's level at the same rung, if it has one.
                level = self._matching(level, context, rows)
                fits = rows & self._select("level", level) if level else fits
            if fits.any():
                extra.append(("level", level, frozenset({level})))
                rows = fits
        points_back = any(w in REFERENCE for w in detected.words)
        # "What comes after level 2?" or "from level 3 to level 4?" is a question about the ladder, complete
        # as it is: the last topic would turn it into a lookup of one area.
        ladder = any(len(levels) == 1 for levels in named_levels) and moves_on_the_ladder(detected.words)
        # A verb of its own ("what does a D3 do?") asks for the whole level, not the last topic there.
        elliptic = not any(w in OWN_QUESTION for w in detected.words)
        # The last answer's text filed under its own level's or craft's name (a role described in one passage) had
        # no topic but the whole: "and in the community membership ladder?" after it asks for that role there as a
        # whole, not for the passage that happens to share the name (that page's introduction).
        if context.area and not context.is_whole and not names_area and not own_topic and (not loose or points_back) \
                and not ladder and (elliptic or points_back):
            fits = rows & self._select("area", context.area)
            if own:
                # The level the question names wins: the last topic only as an area of that level, not a passage
                # of no level whose name merely mentions it ("SIG Node reviewers and approvers" for "an approver?").
                fits &= np.isin(self._column("level"), list(own))
            if fits.any():
                extra.append(("area", context.area, frozenset({context.area})))
                rows = fits
        # The carried area is exactly the previous answer's, not any area whose name is like it ("Mastery",
        # not "Mastery-Analytics" beside it): a restriction, not only the named area's bonus.
        restrict = self._select("area", context.area) if any(f == "area" for f, _, _ in extra) else None
        if context.framework and len(self.frameworks) > 1:
            fits = rows & self._select("framework", context.framework)
            if fits.any() and fits.sum() < rows.sum() and (current is None or (current & fits).any()):
                framework = self._select("framework", context.framework)
                restrict = framework if restrict is None else (restrict & framework)
                carried.append("framework")
        ws = list(detected.words)
        text = question
        # Levels before the craft: two levels ("that" and "the level above") are then the two sides of a
        # comparison, and the craft a name of its own that narrows both.
        extra.sort(key=lambda e: e[0] == "craft")
        for facet, name, values in extra:
            # Each after a word that keeps names apart (index/aliases.py): an inherited craft then narrows both
            # sides of "level 3 vs level 4" instead of joining the name written last.
            ws.append("with")
            start = len(ws)
            ws += words(name)
            mentions.append(self._mention(ws, (start, len(ws)), facet, values))
            text = f"{text} {name}"
            carried.append(facet)
        # A level number the question asks about that no title carries stays the question's own ("and at level 9?").
        follow = Detected(ws, mentions, detected.missing)
        areas = frozenset(self.area_of[i] for i in np.flatnonzero(rows))
        return FollowUp(text, follow, tuple(f for f in FACETS if f in carried), restrict, self.asked(follow),
                        tuple(own_topic), areas, bool(own_topic) and (names_who or names_craft), points_back)

    def repeated(self, query: Query, context: Context | None) -> tuple[str, str] | None:
        """The previous question about the ladder asked again for another craft, when this one names only
        that craft ("and for web?" after "what do I need to go from level 3 to level 4 as a backend
        engineer?"): (the question written out in full, the craft), else None."""
        if not context or context.kind not in REPEATED or not context.level:
            return None
        detected = query.detected
        if query.todo or query.meaning or detected.of_kind("area"):
            return None
        mentions = list(detected.mentions)
        names_who, names_craft = self._names(mentions)
        if names_who:
            return None
        loose = list(query.loose)
        crafts = {v for m in mentions if "craft" in m.kinds and not m.partial for f, v in m.values if f == "craft"}
        if not names_craft:
            short = self._short_craft(detected, loose)
            if short is None:
                return None
            crafts = {short[0]}
            loose = [i for i in loose if not short[1][0] <= i < short[1][1]]
        if len(crafts) != 1 or substance(detected.words, loose):
            return None
        craft = crafts.pop()
        if context.kind == "checklist":
            return f"what do I need to go from {context.level} to {context.target} in {craft}?", craft
        where = "after" if context.kind == "next" else "before"
        return f"what comes {where} {context.level} in {craft}?", craft

    def _version(self, mentions: list[Mention], level: str) -> str:
        """The version of the previous level that a track name picks ("and the manager track?", "the IC
        equivalent?" after Senior Engineer 2 (Individual Contributor): Senior Engineer 2 (People Manager)),
        or the level on the previous level's track that a name of several versions picks ("and principal?"
        after an IC level: Principal Engineer (Individual Contributor)). "" when the names say otherwise."""
        if not level:
            return ""
        named: set[str] = set()
        for m in mentions:
            if "who" in m.kinds and not m.partial:
                named |= {self.level_of[i] for i in self.structure.rows(m, {"who"}) if self.level_of[i]}
        same_rung = [t for t in named if base_title(t) == base_title(level) and t != level]
        if len(same_rung) == 1:
            return same_rung[0]
        if len(named) < 2:
            return ""  # the question names its level itself
        track = set(title_qualifiers(level))
        on_track = [t for t in named if track and set(title_qualifiers(t)) == track]
        return on_track[0] if len(on_track) == 1 else ""

    def _on_track(self, mentions: list[Mention], level: str) -> list[Mention]:
        """The question's names with a level number that came with no code of its own ("and at level 5?") read
        along the track of the last answer's `level` when that track has the number: M5 after M4, though alone
        "level 5" counts to IC5 beside the managers' M3..M6 (index/levelnames.py). Else, and when that track lacks
        any of the question's numbers, as they read alone."""
        numbered = {id(m): self.structure.level_names.on_track(level, m.uncoded)
                    for m in mentions if level and m.uncoded is not None and not m.partial}
        if not all(numbered.values()):
            # Every number on one track or none: "from level 2 to level 3" after M4, where M has no 2, is IC2 to
            # IC3 as alone, not IC2 to M3.
            return mentions
        out = []
        for m in mentions:
            along = numbered.get(id(m), set())
            values = frozenset(v for v in m.values if v[0] != "level") | {("level", t) for t in along}
            out.append(replace(m, values=values) if along and values != m.values else m)
        return out

    def _off_ladder(self, detected: Detected, context: Context) -> tuple[Mention, str] | None:
        """A level named by a number with no code of its own ("level 5", "lvl V", "the 5th level", "a level 5
        engineer") that the last answer's ladder does not have though another ladder does: (its mention, the
        missing level's label), else None."""
        if not context.craft:
            return None
        own = [lv.title for lv in self.levels.levels(context.craft, context.framework or None)]
        for m in detected.mentions:
            n = m.uncoded
            if m.partial or "who" not in m.kinds or n is None:
                continue
            named = {self.craft_of[i] for i in self.structure.rows(m, {"who"})}
            if own and context.craft not in named and not any(n in rank(t)[0] for t in own):
                return m, f"Level {n}"
        return None

    def _matching(self, level: str, context: Context, rows: np.ndarray) -> str:
        """The level of the one other ladder `rows` hold that stands where `level` stands on its own
        (`LevelOrder.same_rung`). "" when none is one level."""
        crafts = {self.craft_of[i] for i in np.flatnonzero(rows) if self.craft_of[i]}
        if len(crafts) != 1:
            return ""
        return self.levels.same_rung(level, context.craft or None, crafts.pop(), context.framework or None)

    def _names(self, mentions: list[Mention]) -> tuple[bool, bool]:
        """Whether the question's names pick levels, and crafts. A name picks levels when it selects some
        of its crafts' levels, not all ("level 4", "Senior Engineer 1"; not "backend engineer"), and picks
        crafts when it selects some of the framework's crafts, not all ("backend"; not "level 4" when
        every craft has a Level 4)."""
        levels = crafts = False
        every_craft = self.crafts
        for m in mentions:
            if m.partial or m.refines or not m.kinds & {"who", "craft"}:
                continue
            rows = self.structure.rows(m, {"who", "craft"})
            here = {self.craft_of[i] for i in rows if self.craft_of[i]}
            named_levels = {self.level_of[i] for i in rows if self.level_of[i]}
            all_levels = set().union(*(self.levels_of_craft.get(c, ()) for c in here))
            levels = levels or bool(named_levels) and named_levels != all_levels
            crafts = crafts or bool(here) and len(every_craft) > 1 and here != every_craft
        return levels, crafts

    def _mention(self, ws: list[str], span: tuple[int, int], facet: str, values: str | frozenset[str]) -> Mention:
        text = " ".join(ws[span[0]:span[1]])
        names = frozenset({values}) if isinstance(values, str) else values
        return Mention(span[0], span[1], text, frozenset({FIELDS[facet]}), frozenset((facet, v) for v in names),
                       EXACT, False, text)

    def _moved(self, level: str, context: Context, step: int, mentions: list[Mention]) -> list[str]:
        """The level(s) `step` rungs above (step > 0) or below (< 0) `level` in the previous craft, on its track
        (index/levelorder.py); with a track named ("the next level on the IC track"), on that track."""
        if not level:
            return []
        craft = context.craft or next((c for c, lv in zip(self.craft_of, self.level_of, strict=True)
                                       if lv == level and c), "")
        framework = context.framework or None
        titles = [level]
        for _ in range(abs(step)):  # "two levels up": each rung from the one before, on the same track
            titles = list(dict.fromkeys(lv.title for t in titles for lv in (
                self.levels.next(t, craft, framework) if step > 0 else self.levels.previous(t, craft, framework))))
        named = {self.level_of[i] for m in mentions if "who" in m.kinds and not m.partial
                 for i in self.structure.rows(m, {"who"}) if self.level_of[i]}
        return [t for t in titles if t in named] or titles if named else titles

    def _short_craft(self, detected: Detected, loose: list[int]) -> tuple[str, tuple[int, int]] | None:
        """A craft named by its own word(s) in a question with nothing else of substance: asking words, and
        words about the ladder itself ("what comes after level 1 in mobile?"), are no topic."""
        ws = detected.words
        for name, craft in self.short_crafts.items():
            n = len(name.split())
            for i in loose:
                said = " ".join(ws[i:i + n])
                if said != name and not (n == 1 and singular(said) == name) \
                        and not _abbreviates(said, name):
                    continue
                others = [j for j in loose if not i <= j < i + n]
                if all(stem(ws[j]) in LADDER for j in substance(ws, others)):
                    return craft, (i, i + n)
        return None

    def _an_area_word_there(self, said: list[str], context: Context) -> bool:
        """Whether the words `said` are words of an area's name at the level the conversation is on: a word that
        names another craft too ("security" of Security engineer) is then that area's there, and the conversation
        stays on its level; the craft's job ("security engineers") still moves."""
        if not context.level:
            return False
        own = {stem(w) for w in said}
        there = np.flatnonzero(self._select("level", context.level) & self._select("craft", context.craft))
        return any(own <= {stem(w) for w in words(self.area_of[i])} for i in there)

    def asked(self, detected: Detected) -> Context:
        """The facets a question's names pin down to one value each (framework, craft, level, area)."""
        mask = self.structure.mask(detected.mentions, {"who", "craft"})
        rows = np.flatnonzero(mask) if mask is not None else np.zeros(0, dtype=np.int64)
        areas = {v for m in detected.of_kind("area") if not m.partial for f, v in m.values if f == "area"}
        # An area named only in part ("learning" of "Curiosity & Learning") is still what was asked about.
        areas = areas or {v for m in detected.of_kind("area") for f, v in m.values if f == "area"}
        if len(rows) and areas:
            within = {self.area_of[i] for i in rows} & areas
            areas = within or areas

        return Context(
            framework=_one([self.framework_of[i] for i in rows]),
            craft=_one([self.craft_of[i] for i in rows]),
            level=_one([self.level_of[i] for i in rows]),
            area=areas.pop() if len(areas) == 1 else "",
        )


def substance(ws: list[str], loose: Sequence[int]) -> list[int]:
    """The positions of a question's own topic: its loose words (`Query.loose`, no numbers) of substance
    (index/tokens.py `of_substance`: no asking words)."""
    return [i for i in loose if of_substance(stem(ws[i]))]


def resolved(quotes: list[Entry], intent: str, confident: bool, asked: Context, before: Context | None,
             new_subject: bool = False, moved: tuple[str, str] | None = None,
             levels: LevelOrder | None = None) -> Context:
    """What an answer resolved, for the next question: the best quote's framework, craft, level and area
    when it answered one area; the level (and craft) of a level overview or a comparison's higher side;
    otherwise what the question asked, over what the conversation had before (but not the last topic
    after a question with a topic of its own, such as "how do level 6 web engineers lead?")."""
    prior = before or Context()
    if new_subject:
        prior = replace(prior, area="")

    if confident and moved is not None and intent == "checklist":
        # The move itself: "and for web?" asks it again in another craft (FollowUps.repeated).
        current, target = moved
        return Context(_one([e.framework for e in quotes]), _one([e.craft for e in quotes]), current, "",
                       "checklist", target)
    if confident and intent in ("next", "previous") and asked.level:
        return replace(Context(*(getattr(asked, f) or getattr(prior, f) for f in FACETS)), area="", kind=intent)
    if confident and quotes:
        top = quotes[0]
        if intent in ("lookup", "area"):
            # A passage of no level (a craft page's section) still answered the level the question named.
            level = top.level or (asked.level if asked.craft in ("", top.craft) else "")
            return Context(top.framework, top.craft, level, top.area)
        if intent == "level":
            return Context(_one([e.framework for e in quotes]), _one([e.craft for e in quotes]),
                           _one([e.level for e in quotes]), "")
        if intent == "compare":
            # Two levels' introductions (index/compose/compare.py) lead with the best match, filed under its
            # own level's name: that level is carried with its area, never the other level's name as an area.
            last = top if top.is_whole else _highest(quotes, levels)
            return Context(last.framework, _one([e.craft for e in quotes]) or last.craft, last.level, top.area)
    if asked.craft and asked.craft != prior.craft and not asked.level:
        prior = replace(prior, level="")  # another craft's level is not this craft's ("the levels of design?")
    return Context(*(getattr(asked, f) or getattr(prior, f) for f in FACETS))


def _one(values: list[str]) -> str:
    """The one value `values` hold (blanks aside), else "": a facet the names or quotes pin down."""
    found = {v for v in values if v}
    return found.pop() if len(found) == 1 else ""


def _highest(quotes: list[Entry], levels: LevelOrder | None) -> Entry:
    """The quote of the higher level of a comparison, the one the conversation goes on from: after "how
    is L3 different from L4?" (or "L4 vs L3"), "and one level up?" means beyond both levels just seen,
    whichever order they were named in. The last quote when the order does not tell them apart."""
    def rung(e: Entry) -> int:
        found = levels.find(e.level, e.craft, e.framework) if levels is not None and e.level else []
        return found[0].rung if found else -1
    best = max(rung(e) for e in quotes)
    return next(e for e in reversed(quotes) if rung(e) == best)


@lru_cache(maxsize=MEMO)  # a pure function of two texts: the same question words meet the same craft names
def _abbreviates(said: str, name: str) -> bool:
    """A word made of the starts of each word of a craft's own name, in order ("devex" for "developer
    experience"; `clipped` in index/aliases.py)."""
    parts = name.split()
    return len(parts) in clipped(said, parts)


def _person_words(levels: LevelOrder) -> dict[str, str]:
    """The word a ladder's titles call its people by, when no other ladder's titles use it ("writer" of
    "Technical Writer I", "Senior Technical Writer", ...; the code "em" of "EM4", "EM5"): "what about
    writers at that level?" names that craft. A word in at least half of one craft's titles and in none
    of another's."""
    seen: dict[str, set[str]] = {}
    share: dict[tuple[str, str], int] = Counter()
    sizes: dict[str, int] = {}
    for ladder in levels.by_craft():
        craft = ladder[0].craft
        sizes[craft] = sizes.get(craft, 0) + len(ladder)
        for level in ladder:
            # The code its titles are numbered by is its people's name too ("EM" of EM4, EM5: "and for EMs?").
            codes = {c for c, _ in title_numbers(level.title) if len(c) >= 2}
            for w in {singular(w) for w in words(base_title(level.title))} | codes:
                if w in STOPWORDS or w in GENERIC or w in SENIORITY or w.isdigit() or roman(w) or len(w) < 2 \
                        or (len(w) < FEWEST_LETTERS and w not in codes):
                    continue
                seen.setdefault(w, set()).add(craft)
                share[(w, craft)] += 1
    return {w: next(iter(cs)) for w, cs in seen.items()
            if len(cs) == 1 and len(sizes) > 1 and share[(w, next(iter(cs)))] * 2 >= sizes[next(iter(cs))]}


def _short_craft_names(crafts: list[str]) -> dict[str, str]:
    """Each craft's own word(s): its name without generic words and without the words most crafts share
    ("Engineering" of "Backend Engineering Craft", "Mobile Engineering Craft"): "backend", "mobile".
    Also each single word only one craft's name has. Only names that pick one craft."""
    if len(crafts) < 2:
        return {}
    named = {c: [w for w in words(strip_generic(c) or c) if w not in STOPWORDS and w not in GENERIC] for c in crafts}
    share = Counter(w for ws in named.values() for w in set(ws))
    common = {w for w, n in share.items() if n >= max(2, len(crafts) / 2)}
    out: dict[str, set[str]] = {}
    for craft, ws in named.items():
        own = [w for w in ws if w not in common]
        # The whole name of two words or more too: "devex" abbreviates it (`_abbreviates`).
        if own and (own != ws or len(own) > 1):
            out.setdefault(" ".join(own), set()).add(craft)
        for w in own:
            if share[w] == 1:
                out.setdefault(w, set()).add(craft)
    return {name: next(iter(cs)) for name, cs in out.items() if len(cs) == 1}
