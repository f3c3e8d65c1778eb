"""index/compose/__init__.py, one composer per intent (docs/retrieval.md, "Answer"; issue 19 item 4):
every intent of the decision table (index/query.py `ROWS`) is answered by exactly one module of
index/compose, whose `compose` is the one `COMPOSERS` picks."""

from __future__ import annotations

import importlib
import pkgutil
from typing import get_args

import index.compose
from index.compose import COMPOSERS
from index.intents import IntentKind
from index.query import ROWS
from tests.index.compose.helpers import ASKED

# Modules of index/compose that compose no intent of the table: the answer types, what composers share,
# the restriction a meaning question puts on the lookup, and careerfw.yaml's answers made before any Query.
NOT_COMPOSERS = {"answers", "shared", "definition", "redirect"}


def test_each_intent_of_the_decision_table_maps_to_exactly_one_composer_module() -> None:
    kinds = set(get_args(IntentKind))
    assert {row.intent for row in ROWS} == kinds
    assert set(COMPOSERS) == kinds
    modules = {kind: importlib.import_module(composer.__module__) for kind, composer in COMPOSERS.items()}
    for kind, module in modules.items():
        # The composer is its module's one `compose`, in a module of its own under index/compose.
        assert module.__name__.startswith("index.compose."), kind
        assert module.compose is COMPOSERS[kind], kind
    found = {m.name for m in pkgutil.iter_modules(index.compose.__path__)}
    assert {m.__name__.removeprefix("index.compose.") for m in modules.values()} == found - NOT_COMPOSERS
    assert ASKED.keys() == kinds  # each composer module's tests ask its intents' questions (helpers.kinds_of)
