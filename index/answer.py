"""The one question-to-answer API every front end uses.

    answerer = Answerer.open(content_dir)          # loads model and index (building it if needed)
    answer = answerer.ask("what does Head of ML own?")
    answer.confident, answer.quotes[0].text, answer.to_json()

The answerer reads a question into its `Query` (index/query.py), ranks, and hands both to the composer
of the query's intent (index/compose/: one module per intent); it keeps the loaded index, the ranking,
the confidence gate and the public methods. Answers only ever carry framework text verbatim; anything
the bot says in its own words (no match, not written yet) is a separate `message`, never mixed into a
quote (index/compose/answers.py, whose types this module re-exports as the core's face).
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
from index.compose import COMPOSERS, checklist, compare, compare_areas, definition, overview, redirect
from index.compose.answers import NO_MATCH, NOT_WRITTEN, Answer, quote_for
from index.compose.answers import Checklist as Checklist
from index.compose.answers import Choice as Choice
from index.compose.answers import Quote as Quote
from index.compose.shared import QUOTES, Asking, State
from index.embedder import Embedder
from index.entry import Entry
from index.followup import Context, FollowUps, resolved
from index.glossary import Glossary, Rewrite, load_glossary
from index.intents import Intent as Plan
from index.levelorder import LevelOrder
from index.query import Query, parse, settle
from index.ranking import NAMES, Model, shipped_model
from index.request import Request
from index.search import LIMIT, Hit, HybridRanker, Ranking
from index.store import BuildReport, LoadedIndex, ensure_index
from index.tokens import terms, words

MAX_QUESTION_CHARS = 1000
# A request (a button's) naming a level, craft or area the loaded content no longer has.
GONE = "The framework no longer has that (it has changed since). Please ask the question again."
RANKED = LIMIT  # candidates a lookup ranks, whatever it quotes: as many as a ranker returns


class Answerer:
    """Holds one loaded index and the model; safe to share between threads.

    Everything derived from the index (BM25 and which texts hold each term, aliases) is built once here or in `reload`,
    never per question; a question reads one `State` and keeps it even if a reload swaps another in.
    """

    def __init__(
        self,
        index: LoadedIndex,
        embedder: Embedder,
        site_url: str | None = None,
        model: Model | None = None,
        glossary: Glossary | None = None,
    ) -> None:
        self.embedder = embedder
        self.site_url = site_url
        # The fitted ranker's constants are read here, so a missing or broken file stops start-up, not a question.
        self.model = model or shipped_model()
        self.gate = confidence.Gate(self.model.threshold)
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

    def tuned(self, model: Model) -> Answerer:
        """The same loaded index answering with the fitted ranker and gate of `model` (`careerfw eval` fits one
        without each framework); the shipped answerer is left as it is."""
        other = copy.copy(self)
        other.model = model
        other.gate = confidence.Gate(model.threshold)
        return other

    def _rank(self, state: State, question: str, vector: np.ndarray, detected: Detected | None = None,
              **kwargs: Any) -> Ranking:
        """The ranking the answerer uses: its fitted model's (index/ranking.py)."""
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

    def ask(self, question: str, limit: int = QUOTES, context: Context | None = None) -> Answer:
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
            return redirect.compose(asked, rewrite, truncated, context)
        question = rewrite.text
        detected = structure.detect(question)
        question = structure.corrected(question, detected)
        if question != rewrite.text:
            detected = structure.detect(question)
        return self._answer(state, asked, parse(question, detected, structure), rewrite, context, limit, truncated)

    def _answer(self, state: State, asked: str, query: Query, rewrite: Rewrite, context: Context | None,
                limit: int, truncated: bool, reask: bool = True) -> Answer:
        """The answer to a question read in the company's words and spelt right (`query`), as `ask` took it:
        `asked` as typed, `rewrite` the glossary's reading of it. `reask` False: the question is already one
        asked again without its page words, which is not asked again."""
        question = query.text
        # "and for web?" after a promotion checklist or "what comes after level 2?": that question, for web.
        again = state.followups.repeated(query, context)
        if again is not None:
            answer = self.ask(again[0], limit)
            return replace(answer, question=asked, carried=("level",) if _used_carried(answer) else (),
                           glossary=rewrite.used or answer.glossary)
        # "which levels are there?" is about the whole ladder, never the last answer's level.
        follow = state.followups.apply(question, query, None if query.listing else context)
        answer = self._respond(state, query.carrying(follow.text, follow.detected, "level" in follow.carried),
                               follow.restrict, limit, truncated)
        if "level" in follow.carried and follow.topical and context is not None and context.craft:
            # A topic of its own carried into the last level may be one the ladder's own page answers for every
            # level ("and if I go quiet for a year?" after a role, answered by the page on inactive members):
            # asked in the ladder alone, a passage of that page the model is surer of than of the level's answer,
            # on a topic the level has no area for ("site reliability" of a level with that area stays the
            # level's). Only for a question the level answers: one it refuses ("what's the weather like?") is not
            # made an answer by the ladder's name alone.
            ladder = state.followups.apply(question, query, replace(context, level="", area=""))
            # Ranked and composed a second time only when its answer could be taken: a level's answer the gate
            # refused, or a ladder that carried no craft, keeps the level's answer whatever the ladder ranks.
            if "craft" in ladder.carried and answer.confident:
                wider = self._respond(state, query.carrying(ladder.text, ladder.detected, "level" in ladder.carried),
                                      ladder.restrict, limit, truncated)
                page = _ranked_first(state, wider)
                if page is not None and ladder.on_its_page(page) and not follow.covers_area(page.area) \
                        and _surer(wider, answer):
                    follow, answer = ladder, wider
        found = _ranked_first(state, answer)
        if follow.carried and follow.topical and not (found is not None and follow.on_its_page(found)):
            # A question with its own topic, carried into the last answer's level or craft: if that topic is
            # an area the carried scope does not have ("who runs interviews?" after a level with no Hiring),
            # the conversation has moved on, and the question is answered on its own. Not when the carried names
            # found it on the ladder's own page: that is where the conversation is.
            fresh = self._respond(state, query, None, limit, truncated)
            if fresh.confident and fresh.intent == "lookup" and fresh.quotes and follow.moved_on(fresh.quotes[0].entry):
                follow = state.followups.apply(question, query, None)
                answer = fresh
            elif reask and fresh.confident and fresh.quotes and "level" in follow.carried \
                    and follow.names_the_page(fresh.quotes[0].entry):
                # "and in the community membership doc?" after a role: on their own its words find only the
                # introduction of the ladder it names, so they say where to look, not what about. Asked again
                # without them, it is the carried role on that ladder, as "and in the community membership?" is. Only
                # the words the follow-up read as its topic go: a ladder named by a word of its own stays named.
                # The words left are already in the company's words and spelt right: they are not read by the
                # glossary again (a synonym inside the name it stands for, "board: School Board", would grow on
                # every pass), and what is asked again is not asked again a second time.
                plain = " ".join(w for i, w in enumerate(query.detected.words) if i not in follow.topic)
                structure = state.ranker.structure
                return self._answer(state, asked, parse(plain, structure.detect(plain), structure), rewrite, context,
                                    limit, truncated, reask=False)
        moved = (answer.checklist.current, answer.checklist.target) if answer.checklist else None
        now = resolved([q.entry for q in answer.quotes], answer.intent, answer.confident, follow.asked, context,
                       follow.new_subject, moved, state.levels)
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
        definitions = definition.definitions_asked(state, query)
        if definitions is not None:
            restrict = definitions if restrict is None else (restrict & definitions)
        ranking = self._rank(state, question, vector, detected, limit=max(limit, RANKED), restrict=restrict,
                             bridged=bridged)
        # The intent was decided from the question model before ranking (index/query.py); the ranking only
        # settles whether a topical word picks one area of a whole level.
        plan, fired = settle(query, ranking, state.ranker.structure, state.ranker.lexical.holding)
        answer = self._compose(self._asking(state, question, truncated, limit, restrict), query, ranking, plan)
        return replace(answer, query=query, fired=fired, ranking=ranking)

    def _asking(self, state: State, question: str, truncated: bool, limit: int = QUOTES,
                restrict: np.ndarray | None = None) -> Asking:
        """What the composers read of this answerer for one question: its index, links and judgement."""

        def rank_within(allowed: np.ndarray, leaving_out: frozenset[str] = frozenset()) -> Ranking:
            # Words that asked for the composer ("difference", "vs") name nothing the candidates should say: the
            # cosine reads the whole question, the words it is matched by are the rest.
            text = " ".join(w for w in words(question) if w not in leaving_out) if leaving_out else question
            return self._rank(state, text, self.embedder.encode_query(question), limit=RANKED, restrict=allowed)

        def signals(ranking: Ranking, hit: Hit) -> confidence.Signals:
            return self._signals(state, ranking, hit)

        return Asking(state, question, truncated, self.site_url, signals, self.gate.decide, rank_within, limit,
                      restrict, self.embedder.encode_query)

    @staticmethod
    def _compose(asking: Asking, query: Query, ranking: Ranking, plan: Plan) -> Answer:
        """The answer of the composer for the plan's intent (index/compose/)."""
        answer = COMPOSERS[plan.kind](asking, query, ranking, plan)
        if answer is None and plan.kind == "checklist" and len(plan.sides) == 2:
            # Two levels and no move between them on one track ("from M3 to L4"): the two compared.
            plan = Plan("compare", plan.sides, plan.side_names, side_spans=plan.side_spans)
            answer = COMPOSERS["compare"](replace(asking, restrict=None), query, ranking, plan)
        if answer is None:
            # A composer that finds nothing to compose (no level has both areas, …) leaves it to the lookup.
            answer = COMPOSERS["lookup"](asking, query, ranking, plan)
        return answer

    def _signals(self, state: State, ranking: Ranking, top: Hit) -> confidence.Signals:
        """The fitted gate's view of `top`: the model's probability, and the features `--explain` shows."""
        assert ranking.features is not None and ranking.probability is not None, "ranked without the fitted model"
        row = dict(zip(NAMES, ranking.features[top.entry], strict=True))
        named = _names_area(state.index.entries, ranking, top.entry)
        return confidence.Signals(top.dense, float(row["coverage"]), named, bool(row["out_of_scope"]),
                                  float(row["dense_rest"]), bool(row["phrase"]),
                                  probability=float(ranking.probability[top.entry]))

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
        now = resolved([q.entry for q in answer.quotes], answer.intent, answer.confident, asked, None, False, moved,
                       state.levels)
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
        asking = self._asking(state, question, False)

        def at(title: str) -> np.ndarray:
            return np.flatnonzero(in_craft & np.array([e.kind == "level" and e.level == title for e in entries]))

        if request.intent == "level":
            rows = at(request.levels[0])
            return overview.of_rows(asking, rows) if len(rows) else None
        if request.intent == "checklist":
            return checklist.of_move(asking, found[0][0], found[1][0])
        if request.intent == "compare":
            sides = [at(title) for title in request.levels]
            anchor = next((entries[i] for rows in sides for i in rows if entries[i].area == request.areas[0]), None)
            if anchor is None:
                return None
            return compare.side_by_side(asking, sides, list(request.levels), anchor, 1.0)
        allowed = in_craft & np.array([e.level == request.levels[0] for e in entries]) if request.levels else in_craft
        return compare_areas.side_by_side(asking, *request.areas, allowed)

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


def _names_area(entries: list[Entry], ranking: Ranking, entry: int) -> bool:
    area = entries[entry].area
    return any(not m.partial and any(f == "area" and v == area for f, v in m.values)
               for m in ranking.detected.of_kind("area"))


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


def _ranked_first(state: State, answer: Answer) -> Entry | None:
    """The best quote of a confident answer when its ranking put it strictly first. A tie (a model that weighs
    nothing, `Model.neutral`, ranks every candidate alike) is no sign of where the topic is."""
    hits = answer.ranking.hits if answer.ranking is not None else []
    if not answer.confident or not answer.quotes or not hits:
        return None
    top = state.index.entries[hits[0].entry]
    if top is not answer.quotes[0].entry or (len(hits) > 1 and hits[1].score >= hits[0].score):
        return None
    return top


def _surer(one: Answer, other: Answer) -> bool:
    """Whether the fitted model is surer of one answer's best match than of the other's (their probabilities);
    False when either has none, or they tie."""
    p = one.signals.probability if one.signals else None
    q = other.signals.probability if other.signals else None
    return p is not None and q is not None and p > q


def _used_carried(answer: Answer) -> bool:
    """Whether an answer to a follow-up was made from the names it carried, so it says "following on from
    your last question": an answer, or the choice of craft it asks for ("how do I get promoted from there?"
    after a level several crafts share: every choice is the move from that level). Not a refusal, which used
    none, nor "This framework has no Level 9", which the carried names did not make."""
    return (answer.confident or answer.intent == "choose") and answer.intent != "missing_level"
