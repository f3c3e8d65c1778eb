"""The one question-to-answer API every front end uses.

    answerer = Answerer.open(content_dir)          # loads model and index (building it if needed)
    answer = answerer.ask("what does Head of ML own?")
    answer.confident, answer.quotes[0].text, answer.to_json()

Answers only ever carry framework text verbatim; anything the bot says in its own words (no match,
not written yet) is a separate `message`, never mixed into a quote (index/compose/answers.py, whose
types this module re-exports as the core's face).
"""

from __future__ import annotations

import copy
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from index import confidence
from index.aliases import Detected
from index.bridge import VocabularyBridge
from index.compose import lookup, overview, todo
from index.compose.answers import NO_MATCH, NOT_WRITTEN, Answer, Checklist, Choice, Intent, Quote, quote_for
from index.compose.shared import Asking, State, distinct_areas, quote_hit
from index.embedder import Embedder
from index.entry import Entry
from index.followup import Context, FollowUps, resolved
from index.glossary import Glossary, Rewrite, load_glossary
from index.intents import Intent as Plan
from index.levelorder import Level, LevelOrder
from index.query import Query, parse, settle
from index.ranking import NAMES, Model, shipped_model
from index.request import Request
from index.search import SHIPPED_RANKER, SHIPPED_WEIGHTS, Hit, HybridRanker, Ranker, Ranking, Weights
from index.store import BuildReport, LoadedIndex, ensure_index
from index.tokens import STOPWORDS, stem, terms
from index.worddiff import new_spans

__all__ = [
    "GONE", "MAX_QUESTION_CHARS", "NOT_WRITTEN", "NO_MATCH", "RANKED", "Answer", "Answerer", "Checklist", "Choice",
    "Intent", "Quote", "quote_for",
]

MAX_QUESTION_CHARS = 1000
# A request (a button's) naming a level, craft or area the loaded content no longer has.
GONE = "The framework no longer has that (it has changed since). Please ask the question again."
RANKED = 10  # candidates a lookup ranks, whatever it quotes


class Answerer:
    """Holds one loaded index and the model; safe to share between threads.

    Everything derived from the index (BM25, aliases, term sets) is built once here or in `reload`,
    never per question; a question reads one `State` and keeps it even if a reload swaps another in.
    """

    def __init__(
        self,
        index: LoadedIndex,
        embedder: Embedder,
        site_url: str | None = None,
        gate: confidence.AnyGate | None = None,
        weights: Weights = SHIPPED_WEIGHTS,
        ranker: Ranker = SHIPPED_RANKER,
        model: Model | None = None,
        glossary: Glossary | None = None,
    ) -> None:
        self.embedder = embedder
        self.site_url = site_url
        self.weights = weights
        # The fitted ranker's constants are read here, so a missing or broken file stops start-up, not a question.
        self.model = (model or shipped_model()) if ranker == "fitted" else None
        self.gate = gate or (confidence.FittedGate(self.model.threshold) if self.model else confidence.SHIPPED)
        self._lock = threading.Lock()
        self._install(index, glossary or Glossary())

    def _install(self, index: LoadedIndex, glossary: Glossary | None = None) -> None:
        bridge = VocabularyBridge.build([e.area for e in index.entries], self.embedder.encode)
        ranker = HybridRanker(index)
        levels = ranker.structure.order
        state = State(index, ranker, {e.id: i for i, e in enumerate(index.entries)}, bridge, levels,
                       FollowUps(index.entries, ranker.structure, levels),
                       glossary if glossary is not None else self._state.glossary)
        # One assignment swaps index and ranker together; a question in flight keeps the state it took.
        self._state = state

    @classmethod
    def open(
        cls,
        content_dir: Path,
        index_dir: Path | None = None,
        model: str | None = None,
        site_url: str | None = None,
        embedder: Embedder | None = None,
        progress: bool | None = None,
        backend: str | None = None,
    ) -> Answerer:
        embedder = embedder or Embedder(model, backend=backend)
        index, _ = ensure_index(content_dir, index_dir, embedder, progress=progress)
        return cls(index, embedder, site_url, glossary=load_glossary(content_dir))

    @property
    def glossary(self) -> Glossary:
        """The content's careerfw.yaml as loaded with the pages (index/glossary.py)."""
        return self._state.glossary

    def with_glossary(self, glossary: Glossary) -> Answerer:
        """The same loaded index and model answering with another glossary (`Glossary.from_mapping`,
        `Glossary.extended`): a line can be tried, and its worth measured, without writing the file."""
        other = copy.copy(self)
        other._state = replace(self._state, glossary=glossary)
        return other

    def tuned(self, gate: confidence.AnyGate | None = None, weights: Weights | None = None,
              model: Model | None = None) -> Answerer:
        """The same loaded index and model answering with other thresholds or weights, or with the fitted
        ranker of `model` (`careerfw eval` fits them framework by framework); the shipped answerer is left
        as it is."""
        other = copy.copy(self)
        # Weights or a hand gate ask for the hand ranker; a model for the fitted one; neither keeps this one's.
        other.model = model or (None if weights or gate else self.model)
        if gate is not None:
            other.gate = gate
        elif other.model is not None:
            other.gate = confidence.FittedGate(other.model.threshold)
        else:
            other.gate = confidence.SHIPPED if self.model is not None else self.gate
        other.weights = weights or self.weights
        return other

    def _rank(self, state: State, question: str, vector: np.ndarray, detected: Detected | None = None,
              **kwargs: Any) -> Ranking:
        """The ranking the answerer uses: the hand-weighted sum, or the fitted model (index/ranking.py)."""
        if self.model is None:
            return state.ranker.rank(question, vector, detected=detected, weights=self.weights, **kwargs)
        if detected is None:
            detected = state.ranker.structure.detect(question)
        rest = state.ranker.rest_of(detected)
        return state.ranker.rank(question, vector, detected=detected, fusion="fitted", model=self.model,
                                 rest_vector=self.embedder.encode_query(rest) if rest else None, **kwargs)

    @property
    def index(self) -> LoadedIndex:
        return self._state.index

    @property
    def ranker(self) -> HybridRanker:
        return self._state.ranker

    @property
    def level_order(self) -> LevelOrder:
        """Each craft's levels in order, with `next`/`previous` (index/levelorder.py)."""
        return self._state.levels

    @property
    def entries(self) -> list[Entry]:
        return self._state.index.entries

    def reload(self, content_dir: Path, index_dir: Path | None = None) -> BuildReport | None:
        """Rebuild if stale and swap the new index in while serving."""
        with self._lock:
            index, report = ensure_index(content_dir, index_dir, self.embedder, progress=False)
            self._install(index, load_glossary(content_dir))
            return report

    def todo(self) -> list[Entry]:
        return [e for e in self.entries if e.todo]

    def warm(self) -> None:
        """Load the model and run one query so the first real question is not the slow one."""
        self.ask("warm up")

    # --- asking ------------------------------------------------------------------------------------

    def ask(self, question: str, limit: int = 3, context: Context | None = None) -> Answer:
        """The answer to `question`; with `context` (the previous answer's, `Answer.context`) a follow-up
        takes what it leaves out from the previous turn (index/followup.py)."""
        # A lone surrogate (bytes that were not UTF-8, as a shell passes them) is no text the model reads.
        question = " ".join(question.encode("utf-8", "replace").decode("utf-8").split())
        truncated = len(question) > MAX_QUESTION_CHARS
        question = question[:MAX_QUESTION_CHARS]
        if not terms(question) and not question.strip("?!. "):
            return Answer(question, "empty", False, message="Ask a question about the framework.",
                          truncated=truncated, context=context)
        state = self._state
        asked = question
        structure = state.ranker.structure
        # The company's own words first (careerfw.yaml): everything after reads the framework's names.
        rewrite = state.glossary.rewrite(question, lambda text: _crafts_in(state, text),
                                         context.craft if context else None,
                                         lambda: (lv.title for ladder in state.levels.by_craft() for lv in ladder))
        if rewrite.redirect is not None or rewrite.choices:
            return _glossary_answer(asked, rewrite, truncated, context)
        question = rewrite.text
        detected = structure.detect(question)
        question = structure.corrected(question, detected)
        if question != rewrite.text:
            detected = structure.detect(question)
        # "and for web?" after a promotion checklist or "what comes after level 2?": that question, for web.
        query = parse(question, detected, structure)
        again = state.followups.repeated(query, context)
        if again is not None:
            answer = self.ask(again[0], limit)
            return replace(answer, question=asked, carried=("level",) if _used_carried(answer) else (),
                           glossary=rewrite.used or answer.glossary)
        # "which levels are there?" is about the whole ladder, never the last answer's level.
        follow = state.followups.apply(question, query, None if query.listing else context)
        answer = self._respond(state, query.carrying(follow.text, follow.detected, "level" in follow.carried),
                               follow.restrict, limit, truncated)
        if follow.carried and follow.topical:
            # A question with its own topic, carried into the last answer's level or craft: if that topic is
            # an area the carried scope does not have ("who runs interviews?" after a level with no Hiring),
            # the conversation has moved on, and the question is answered on its own.
            fresh = self._respond(state, query, None, limit, truncated)
            if fresh.confident and fresh.intent == "lookup" and fresh.quotes and follow.moved_on(fresh.quotes[0].entry):
                follow = state.followups.apply(question, query, None)
                answer = fresh
        moved = (answer.checklist.current, answer.checklist.target) if answer.checklist else None
        now = resolved([q.entry for q in answer.quotes], answer.intent, answer.confident, follow.asked, context,
                       follow.new_subject, moved)
        # The answer names the question as asked, not as its names were corrected or completed for searching.
        carried = follow.carried if _used_carried(answer) else ()
        return replace(answer, question=asked, context=now or None, carried=carried, glossary=rewrite.used)

    def _respond(self, state: State, query: Query, restrict: np.ndarray | None, limit: int,
                 truncated: bool) -> Answer:
        question, detected = query.text, query.detected
        vector = self.embedder.encode_query(question)
        covered = detected.covered()
        bridged = state.bridge.bridge([w for i, w in enumerate(detected.words) if i not in covered],
                                      state.ranker.lexical.known, self.embedder.encode_query)
        # "What does scope mean?": the craft page's definition of the name, not one level's cell.
        definitions = self._definitions_asked(state, query)
        if definitions is not None:
            restrict = definitions if restrict is None else (restrict & definitions)
        ranking = self._rank(state, question, vector, detected, limit=max(limit, RANKED), restrict=restrict,
                             bridged=bridged)
        # The intent was decided from the question model before ranking (index/query.py); the ranking only
        # settles whether a topical word picks one area of a whole level.
        plan, fired = settle(query, ranking, state.ranker.structure, state.ranker.lexical.term_sets)
        answer = self._answer(state, query, ranking, limit, truncated, restrict, plan)
        return replace(answer, query=query, fired=fired, ranking=ranking)

    def _asking(self, state: State, question: str, truncated: bool, limit: int = 3,
                restrict: np.ndarray | None = None) -> Asking:
        """What the composers read of this answerer for one question: its index, links and judgement."""

        def rank_within(allowed: np.ndarray) -> Ranking:
            return self._rank(state, question, self.embedder.encode_query(question), limit=RANKED, restrict=allowed)

        def signals(ranking: Ranking, hit: Hit) -> confidence.Signals:
            return self._signals(state, ranking, hit)

        return Asking(state, question, truncated, self.site_url, signals, self.gate.decide, rank_within, limit,
                      restrict)

    def _answer(self, state: State, query: Query, ranking: Ranking, limit: int, truncated: bool,
                restrict: np.ndarray | None, intent: Plan) -> Answer:
        question = query.text
        asking = self._asking(state, question, truncated, limit, restrict)
        if intent.kind == "todo":
            return todo.compose(asking, query, ranking, intent)
        if intent.kind == "compare":
            answer = self._compare_answer(state, asking, query, ranking, intent)
            if answer is not None:
                return answer
        if intent.kind == "level":
            return overview.compose(asking, query, ranking, intent)
        if intent.kind == "missing_level":
            return self._missing_level_answer(state, question, ranking, truncated)
        if intent.kind == "levels":
            return self._levels_answer(state, question, ranking, truncated)
        if intent.kind in ("next", "previous"):
            return self._step_answer(state, asking, query, ranking, intent)
        if intent.kind == "checklist":
            answer = self._checklist_answer(state, question, ranking, intent, truncated)
            if answer is not None:
                return answer
            intent = Plan("compare", intent.sides, intent.side_names, side_spans=intent.side_spans)
            if len(intent.sides) == 2:
                compared = self._compare_answer(state, replace(asking, restrict=None), query, ranking, intent)
                if compared is not None:
                    return compared
        if intent.kind == "compare_areas":
            answer = self._compare_areas_answer(state, question, ranking, intent, truncated)
            if answer is not None:
                return answer
        return lookup.compose(asking, query, ranking, intent)

    def _definitions_asked(self, state: State, query: Query) -> np.ndarray | None:
        """The definitions of the areas or crafts a question asks the meaning of (None: not such a question,
        or the framework defines none of them)."""
        if not query.meaning:
            return None
        detected = query.detected
        named = {v for m in detected.mentions if not m.partial for f, v in m.values if f in ("area", "craft")}
        if not named:
            return None
        rows = np.array([e.kind == "definition" and (e.area in named or e.craft in named) for e in state.index.entries])
        return rows if rows.any() else None

    def _named_area(self, ranking: Ranking, state: State, entry: int) -> bool:
        area = state.index.entries[entry].area
        return any(
            not m.partial and any(f == "area" and v == area for f, v in m.values)
            for m in ranking.detected.of_kind("area")
        )

    def confident_in(self, ranking: Ranking, hit: Hit) -> bool:
        """Whether `hit` answers the ranked question (the same decision `ask` makes)."""
        return self._confident(self._state, ranking, hit)

    def signals(self, ranking: Ranking, hit: Hit) -> confidence.Signals:
        """What the confidence gate sees of `hit` for the ranked question (for `careerfw eval`)."""
        return self._signals(self._state, ranking, hit)

    def _confident(self, state: State, ranking: Ranking, top: Hit) -> bool:
        return self.gate.decide(self._signals(state, ranking, top))

    def _signals(self, state: State, ranking: Ranking, top: Hit) -> confidence.Signals:
        lexical = state.ranker.lexical
        named = self._named_area(ranking, state, top.entry)
        if ranking.features is not None and ranking.probability is not None:
            # The fitted gate reads the model's probability; the rest is what it saw, for `careerfw eval`.
            row = dict(zip(NAMES, ranking.features[top.entry], strict=True))
            return confidence.Signals(top.dense, float(row["coverage"]), named, bool(row["out_of_scope"]),
                                      float(row["dense_rest"]), bool(row["phrase"]),
                                      probability=float(ranking.probability[top.entry]))
        entry = state.index.entries[top.entry]
        found = {t for t, names in ranking.bridged.items() if entry.area in names}
        cover = confidence.coverage(ranking.residual, lexical.term_sets[top.entry] | found, lexical)
        scope = confidence.out_of_scope(ranking.residual, lexical)
        structure = state.ranker.structure
        # Names that narrow the framework, and its owner ("Monzo"): "Monzo's share price" is not close to a
        # cell about Monzo's engineers.
        names = state.ranker.name_positions(ranking.detected)
        rest_dense = None
        if names and not named and not scope:
            # How close is it in meaning without the level/role names every cell of that level shares?
            rest = " ".join(w for i, w in enumerate(ranking.detected.words) if i not in names)
            if terms(rest):
                rest_dense = state.ranker.dense.entry_score(self.embedder.encode_query(rest), top.entry)
        # Phrases of the question's own words: no names (a level's "senior engineer"), no owner ("Monzo").
        covered = ranking.detected.covered()
        own = [
            stem(w) for i, w in enumerate(ranking.detected.words)
            if i not in covered and w not in STOPWORDS and w not in structure.owner_words
        ]
        phrase = confidence.shares_phrase(own, lexical.term_sets[top.entry], lexical)
        return confidence.Signals(top.dense, cover, named, scope, rest_dense, phrase)

    def _compare_answer(self, state: State, asking: Asking, query: Query, ranking: Ranking, intent: Plan
                        ) -> Answer | None:
        question, truncated, restrict = asking.question, asking.truncated, asking.restrict
        entries = state.index.entries
        side_a, side_b = intent.sides
        # Other names in the question (a craft, say) still narrow each side.
        named_sides = {i for s, e in intent.side_spans for i in range(s, e)}
        others = [
            m for m in ranking.detected.mentions
            if m.start not in named_sides and (m.kinds & {"who", "craft"}) and not m.partial
        ]
        narrow = state.ranker.structure.mask(others, {"who", "craft"})
        # A craft named anywhere ("Level 3 and Level 4 in Backend Engineering") is both sides' craft,
        # though the words sit next to one side: a side that names another craft keeps its own.
        crafts = [m for m in ranking.detected.mentions if m.kinds == {"craft"} and not m.partial]
        one = len({v for m in crafts for f, v in m.values if f == "craft"}) == 1
        in_craft = state.ranker.structure.mask(crafts, {"craft"}) if one else None
        sides = []
        for rows in (side_a, side_b):
            keep = rows if narrow is None else rows[narrow[rows]]
            keep = keep if len(keep) else rows
            if in_craft is not None and in_craft[keep].any():
                keep = keep[in_craft[keep]]
            sides.append(keep)
        union = np.zeros(len(entries), dtype=bool)
        union[sides[0]] = True
        union[sides[1]] = True
        if restrict is not None and (union & restrict).any():
            union &= restrict  # the area a follow-up carried ("level 3 vs level 4" after a Mastery answer)
        vector = self.embedder.encode_query(question)
        within = self._rank(state, question, vector, limit=RANKED, restrict=union)
        named = [m for m in ranking.detected.of_kind("area") if not m.partial]
        if not within.hits:
            return None
        top = within.hits[0]
        if not named and not self._confident(state, within, top):
            suggestions = [quote_hit(asking, query, within, h, whole=True)
                           for h in distinct_areas(state, within.hits)[:3]]
            return Answer(question, "compare", False, suggestions=suggestions,
                          message="Which area should I compare? Name one, for example one of these.",
                          truncated=truncated)
        return self._compared(state, question, sides, intent.side_names, entries[top.entry], top.score, truncated)

    def _compared(self, state: State, question: str, sides: list[np.ndarray], side_names: list[str],
                  anchor: Entry, score: float, truncated: bool) -> Answer:
        """`anchor`'s area in each side's entries, side by side; a side without that area is named."""
        entries = state.index.entries
        area = anchor.area
        quotes: list[Quote] = []
        missing: list[str] = []
        for rows, name in zip(sides, side_names, strict=True):
            same = [int(i) for i in rows if entries[i].area == area]
            if not same:
                missing.append(name)
                continue
            # Prefer the cell of the same craft and section as the best match; a name that covers two
            # levels ("Senior Engineer 2" of two tracks) shows each of them.
            same.sort(key=lambda i: (entries[i].craft != anchor.craft, entries[i].section != anchor.section))
            shown: set[str] = set()
            for i in same:
                if entries[i].level not in shown and entries[i].craft == entries[same[0]].craft:
                    shown.add(entries[i].level)
                    quotes.append(quote_for(entries[i], score, (), self.site_url))
        quotes = self._marked_higher(state, quotes)
        notes = []
        if missing:
            notes.append(f"{' and '.join(missing)} has no {area} area.")
        if any(q.todo for q in quotes):
            notes.append(NOT_WRITTEN)
        return Answer(question, "compare", bool(quotes), quotes=quotes,
                      message=" ".join(notes) or None, truncated=truncated)

    @staticmethod
    def _marked_higher(state: State, quotes: list[Quote]) -> list[Quote]:
        """One area at two levels of one craft: the higher level's text with the words new against the
        lower's marked (index/worddiff.py), as a checklist marks them."""
        if len(quotes) != 2 or any(q.todo for q in quotes):
            return quotes
        a, b = (q.entry for q in quotes)
        if a.area != b.area or a.craft != b.craft or a.framework != b.framework or a.level == b.level:
            return quotes
        pa, pb = (state.levels.find(e.level, e.craft, e.framework) for e in (a, b))
        if not (pa and pb) or pa[0].position == pb[0].position:
            return quotes
        low, high = (0, 1) if pa[0].position < pb[0].position else (1, 0)
        marked = list(quotes)
        marked[high] = replace(quotes[high], new_words=new_spans(quotes[low].entry.description, quotes[high].text),
                               new_against=quotes[low].entry.level)
        return marked

    # --- the ladder: which levels, what comes next, a level that isn't there, promotion ------------------

    def _crafts_named(self, state: State, ranking: Ranking, kinds: set[str]) -> set[tuple[str, str]] | None:
        """(framework, craft) pairs the question's names of these kinds allow (None: it names none). Names
        of levels are left out: a level's page heading may also be a section ("## Designer 1")."""
        crafts = [m for m in ranking.detected.mentions if not any(f == "level" for f, _ in m.values)]
        mask = state.ranker.structure.mask(crafts, kinds)
        if mask is None:
            return None
        entries = state.index.entries
        return {(entries[i].framework, entries[i].craft) for i in np.flatnonzero(mask) if entries[i].kind == "level"}

    def _ladders(self, state: State, crafts: set[tuple[str, str]] | None) -> list[list[Level]]:
        return [ls for ls in state.levels.by_craft() if crafts is None or (ls[0].framework, ls[0].craft) in crafts]

    def _levels_answer(self, state: State, question: str, ranking: Ranking, truncated: bool) -> Answer:
        ladders = self._ladders(state, self._crafts_named(state, ranking, {"craft"})) or state.levels.by_craft()
        if not ladders:
            return Answer(question, "levels", False, message=NO_MATCH, truncated=truncated)
        message = "Levels of each craft, in order:" if len(ladders) > 1 else "Levels, in order:"
        return Answer(question, "levels", True, message=message, truncated=truncated,
                      levels=[lv for ls in ladders for lv in ls], site_url=self.site_url)

    def _missing_level_answer(self, state: State, question: str, ranking: Ranking, truncated: bool) -> Answer:
        label = ranking.detected.missing[0].label
        crafts = self._crafts_named(state, ranking, {"craft"})
        ladders = self._ladders(state, crafts) or state.levels.by_craft()
        subject = ladders[0][0].craft if crafts is not None and len(ladders) == 1 else "This framework"
        lists = [", ".join(lv.title for lv in ls) for ls in ladders]
        if len(set(lists)) == 1:
            has = lists[0]
        else:
            has = "; ".join(f"{ls[0].craft}: {text}" for ls, text in zip(ladders, lists, strict=True))
        return Answer(question, "missing_level", True, message=f"{subject} has no {label}; it has: {has}.",
                      truncated=truncated, levels=[lv for ls in ladders for lv in ls], site_url=self.site_url)

    def _named_levels(self, state: State, ranking: Ranking, rows: np.ndarray) -> list[Level]:
        """The levels (in order) a name's rows select, narrowed by the question's craft names."""
        entries = state.index.entries
        crafts = self._crafts_named(state, ranking, {"craft"})
        found: list[Level] = []
        for i in rows:
            e = entries[int(i)]
            if e.kind != "level" or (crafts is not None and (e.framework, e.craft) not in crafts):
                continue
            for lv in state.levels.find(e.level, e.craft, e.framework):
                if lv not in found:
                    found.append(lv)
        return found

    def _step_answer(self, state: State, asking: Asking, query: Query, ranking: Ranking, intent: Plan) -> Answer:
        question, truncated = asking.question, asking.truncated
        here = self._named_levels(state, ranking, intent.sides[0])
        if not here:
            return lookup.best_cells(replace(asking, limit=3), query, ranking)
        up = intent.kind == "next"
        steps = {lv: (state.levels.next if up else state.levels.previous)(lv.title, lv.craft, lv.framework)
                 for lv in here}
        word = "After" if up else "Before"
        kind: Intent = intent.kind  # type: ignore[assignment]
        crafts = {lv.craft for lv in here}
        found = [s for lv in here for s in steps[lv]]
        if not found:
            edge = "highest" if up else "first"
            names = " and ".join(dict.fromkeys(lv.title for lv in here))
            where = f" of {here[0].craft}" if len(crafts) == 1 else ""
            return Answer(question, kind, True, message=f"{names} is the {edge} level{where}.", truncated=truncated,
                          levels=here, site_url=self.site_url)
        titles = list(dict.fromkeys(s.title for s in found))
        names = " and ".join(titles)
        start = " and ".join(dict.fromkeys(lv.title for lv in here))
        message = f"{word} {start} {'comes' if len(titles) == 1 else 'come'} {names}"
        if len(crafts) > 1 or len(found) > 1:
            # Several crafts or tracks: name them, and let the asker pick one to read.
            many = len(crafts) > 1
            choices = [Choice.of(f"{s.title} ({s.craft})" if many else s.title,
                                 Request("level", s.framework, s.craft, (s.title,)))
                       for s in found]
            if many:
                message += f" (in {', '.join(sorted(crafts))})"
            return Answer(question, kind, True, message=message + ".", choices=choices, truncated=truncated,
                          levels=found, site_url=self.site_url)
        quotes = overview.introduction(asking, found[0])
        return Answer(question, kind, True, quotes=quotes, message=message + ".", truncated=truncated,
                      levels=found, site_url=self.site_url)

    def _checklist_answer(
        self, state: State, question: str, ranking: Ranking, intent: Plan, truncated: bool
    ) -> Answer | None:
        """What the target level asks for, area by area, marked where it differs from the current level."""
        order = state.levels
        named = [self._named_levels(state, ranking, rows) for rows in intent.sides]
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
                    if intent.current_named:
                        pairs += [(lv, nxt) for nxt in order.next(lv.title, craft, framework)]
                    else:
                        pairs += [(prev, lv) for prev in order.previous(lv.title, craft, framework)]
            if pairs:
                moves[(framework, craft)] = pairs
        every = [pair for pairs in moves.values() for pair in pairs]
        if not every:
            return None
        if len(every) > 1:
            def move(a: Level, b: Level) -> Request:
                return Request("checklist", a.framework, a.craft, (a.title, b.title))

            if len(moves) > 1 and len(every) == len(moves):
                choices = [Choice.of(a.craft, move(a, b)) for a, b in every]
                return Answer(question, "choose", False, message=f"That move is written for {len(moves)} crafts: "
                              "which one do you mean?", choices=choices, truncated=truncated)
            many = len(moves) > 1
            choices = [Choice.of(f"{a.title} → {b.title}" + (f" ({a.craft})" if many else ""), move(a, b))
                       for a, b in every]
            return Answer(question, "choose", False, message="Which move do you mean?", choices=choices,
                          truncated=truncated)
        return self._checklist(state, question, *every[0], truncated)

    def _checklist(self, state: State, question: str, current: Level, target: Level, truncated: bool
                   ) -> Answer | None:
        """The checklist of one move, from `current` to `target` (two levels of one craft)."""
        framework, craft = target.framework, target.craft
        entries = state.index.entries
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
            before = at.get((e.section, e.area)) or at.get(e.area)
            if before is None:
                change = "new"
            elif " ".join(before.description.split()) == " ".join(e.description.split()):
                change = "same"
            else:
                change = "changed"
            quote = quote_for(e, 1.0, (), self.site_url)
            if change == "changed" and before is not None and not (e.todo or before.todo):
                quote = replace(quote, new_words=new_spans(before.description, quote.text),
                                new_against=current.title)
            quotes.append(quote)
            changes.append(change)
        if not quotes:
            return None
        counts = {c: changes.count(c) for c in ("changed", "new", "same") if c in changes}
        summary = ", ".join(f"{n} {c if c != 'same' else f'same as {current.title}'}" for c, n in counts.items())
        message = f"From {current.title} to {target.title} ({craft}): {len(quotes)} area(s); {summary}."
        if any(q.todo for q in quotes):
            message += f" {NOT_WRITTEN}"
        return Answer(question, "checklist", True, quotes=quotes, message=message, truncated=truncated,
                      levels=[current, target], checklist=Checklist(current.title, target.title, craft,
                                                                    tuple(changes)), site_url=self.site_url)

    def _compare_areas_answer(
        self, state: State, question: str, ranking: Ranking, intent: Plan, truncated: bool
    ) -> Answer | None:
        """Two areas side by side: at the level the question names, or the only one that has both."""
        a, b = intent.areas
        return self._compare_areas(state, question, a, b, ranking.narrowed, truncated)

    def _compare_areas(self, state: State, question: str, a: str, b: str, allowed: np.ndarray | None,
                       truncated: bool) -> Answer | None:
        """Areas `a` and `b` side by side, among the `allowed` entries (None: all)."""
        entries = state.index.entries
        cells: dict[tuple[str, str, str], dict[str, int]] = {}
        for i, e in enumerate(entries):
            if e.kind == "level" and e.area in (a, b) and (allowed is None or allowed[i]):
                cells.setdefault((e.framework, e.craft, e.level), {}).setdefault(e.area, i)
        both = [(key, found) for key, found in cells.items() if len(found) == 2]
        if len(both) == 1:
            _, found = both[0]
            quotes = [quote_for(entries[found[x]], 1.0, (), self.site_url) for x in (a, b)]
            message = NOT_WRITTEN if any(q.todo for q in quotes) else None
            return Answer(question, "compare", True, quotes=quotes, message=message, truncated=truncated)
        if not both:
            return None
        # The craft pages' own definitions of both areas answer the question for every level at once.
        defined: dict[tuple[str, str], dict[str, int]] = {}
        for i, e in enumerate(entries):
            if e.kind == "definition" and e.area in (a, b) and not e.todo:
                defined.setdefault((e.framework, e.craft), {}).setdefault(e.area, i)
        crafts = {(fw, cr) for (fw, cr, _), _ in both}
        full = [found for key, found in defined.items() if len(found) == 2 and key in crafts]
        if len(full) == 1:
            quotes = [quote_for(entries[full[0][x]], 1.0, (), self.site_url) for x in (a, b)]
            return Answer(question, "compare", True, quotes=quotes, truncated=truncated)
        if len(crafts) > 1:
            choices = [Choice.of(cr, Request("compare_areas", fw, cr, (), (a, b))) for fw, cr in sorted(crafts)]
            return Answer(question, "choose", False, message=f"{a} and {b} are written for {len(crafts)} crafts: "
                          "which one do you mean?", choices=choices, truncated=truncated)
        (framework, craft), = crafts
        levels = [lv for lv in state.levels.levels(craft, framework)
                  if (framework, craft, lv.title) in dict(both)]
        choices = [Choice.of(lv.title, Request("compare_areas", framework, craft, (lv.title,), (a, b)))
                   for lv in levels]
        return Answer(question, "choose", False, message=f"{a} and {b} are written for {len(levels)} levels: "
                      "which one do you mean?", choices=choices, truncated=truncated)

    # --- requests: questions already understood (a button's) ----------------------------------------------

    def answer_request(self, request: Request) -> Answer:
        """The answer to `request`, composed from the names it carries by the same steps a typed question
        takes once understood; nothing is parsed. A name the loaded content no longer has (the content
        changed since the button was made) is answered with GONE, not guessed at."""
        state = self._state
        question = request.describe()
        if not self._names_known(state, request):
            return Answer(question, "empty", False, message=GONE)
        answer = self._requested(state, request, question)
        if answer is None:
            return Answer(question, "empty", False, message=NO_MATCH)
        level = request.levels[-1] if request.levels else ""
        asked = Context(request.framework, request.craft, level, request.areas[0] if len(request.areas) == 1 else "")
        moved = (answer.checklist.current, answer.checklist.target) if answer.checklist else None
        now = resolved([q.entry for q in answer.quotes], answer.intent, answer.confident, asked, None, False, moved)
        return replace(answer, context=now or None, request=request)

    @staticmethod
    def _names_known(state: State, request: Request) -> bool:
        """Whether the loaded content still has every name `request` carries."""
        entries = state.index.entries
        fw, craft = request.framework, request.craft
        if not all(state.levels.find(title, craft, fw) for title in request.levels):
            return False
        return all(any(e.area == area and e.craft == craft and e.framework == fw for e in entries)
                   for area in request.areas)

    def _requested(self, state: State, request: Request, question: str) -> Answer | None:
        entries = state.index.entries
        fw, craft = request.framework, request.craft
        found = [state.levels.find(title, craft, fw) for title in request.levels]
        in_craft = np.array([e.craft == craft and e.framework == fw for e in entries], dtype=bool)

        def at(title: str) -> np.ndarray:
            return np.flatnonzero(in_craft & np.array([e.kind == "level" and e.level == title for e in entries]))

        if request.intent == "level":
            rows = at(request.levels[0])
            return overview.of_rows(self._asking(state, question, False), rows) if len(rows) else None
        if request.intent == "checklist":
            return self._checklist(state, question, found[0][0], found[1][0], False)
        if request.intent == "compare":
            sides = [at(title) for title in request.levels]
            anchor = next((entries[i] for rows in sides for i in rows if entries[i].area == request.areas[0]), None)
            if anchor is None:
                return None
            return self._compared(state, question, sides, list(request.levels), anchor, 1.0, False)
        allowed = in_craft & np.array([e.level == request.levels[0] for e in entries]) if request.levels else in_craft
        return self._compare_areas(state, question, *request.areas, allowed, False)

    def explain(self, entry_id: str, question: str | None = None) -> Answer:
        """The answer for one named area (a "Did you mean" choice), quoting its whole cell."""
        state = self._state
        position = state.by_id.get(entry_id)
        if position is None:
            return Answer(question or "", "area", False, message="That area is no longer in the framework.")
        entry = state.index.entries[position]
        quote = quote_for(entry, 1.0, (), self.site_url)
        return Answer(
            question or entry.area, "area", True, quotes=[quote], message=NOT_WRITTEN if entry.todo else None
        )


def _crafts_in(state: State, text: str) -> set[str]:
    """The crafts a text names (a title's levels differ by craft): a craft's name, or its people's
    ("backend engineer", a page heading's role), never a level's name, which many crafts share."""
    structure = state.ranker.structure
    entries = state.index.entries
    found: set[str] = set()
    for m in structure.detect(text).mentions:
        if m.partial or not m.kinds & {"craft", "who"} or any(f == "level" for f, _ in m.values):
            continue
        found |= {entries[i].craft for i in structure.rows(m, {"craft", "who"}) if entries[i].craft}
    return found


def _used_carried(answer: Answer) -> bool:
    """Whether an answer to a follow-up was made from the names it carried, so it says "following on from
    your last question": an answer, or the choice of craft it asks for ("how do I get promoted from there?"
    after a level several crafts share: every choice is the move from that level). Not a refusal, which used
    none, nor "This framework has no Level 9", which the carried names did not make."""
    return (answer.confident or answer.intent == "choose") and answer.intent != "missing_level"


def _glossary_answer(question: str, rewrite: Rewrite, truncated: bool, context: Context | None) -> Answer:
    """A redirect (the admin's note, never framework text, so not confident), or which craft a title
    that means different levels per craft is asked about."""
    if rewrite.redirect is not None:
        return Answer(question, "redirect", False, message=rewrite.redirect.message(), truncated=truncated,
                      context=context, glossary=rewrite.used, redirect=rewrite.redirect)
    choices = [Choice(label, asked) for label, asked in rewrite.choices]
    return Answer(question, "choose", False, message=rewrite.choose_message, choices=choices, truncated=truncated,
                  context=context, glossary=rewrite.used)
