"""The answering core: parse framework pages, embed and search them, answer with verbatim quotes.

Knows nothing of Slack, Teams or any chat surface.

This package is the core's one face: `bot/` imports the names below from `index`, never from its
modules (tests/test_layout.py checks it), so the modules can be split, merged or renamed behind it.
A name is imported from its module on first use (PEP 562 `__getattr__`), not here: `import index`
stays free of numpy, the model and the index, and `from index import Entry` costs only what
index/entry.py costs, as it did before there was a face.
"""

from __future__ import annotations

import importlib

# typing.TYPE_CHECKING without importing typing (a few ms of every start); type checkers read the name.
TYPE_CHECKING = False
if TYPE_CHECKING:  # what type checkers and readers see; at run time `_HOMES` below resolves each name
    from typing import Any

    from index.answer import MAX_QUESTION_CHARS, Answer, Answerer, Choice, Quote
    from index.checks import check_content, check_loaded
    from index.documents import build_documents
    from index.embedder import BACKENDS, Embedder, ModelError
    from index.entry import Entry
    from index.files import content_signature
    from index.followup import Context
    from index.glossary import GLOSSARY_FILE, Glossary, load_glossary, parse_glossary
    from index.levelorder import Level, LevelOrder
    from index.owners import Owners, load_owners
    from index.parse import load_content
    from index.problem import Problem
    from index.query import ROWS as INTENT_ROWS
    from index.query import Query
    from index.ranking import NAMES as FEATURE_NAMES
    from index.request import Request
    from index.shape import framework_shape
    from index.siteurl import site_address
    from index.store import BuildReport, SearchIndexError, build_index, default_index_dir
    from index.tokens import STOPWORDS
    from index.worddiff import Span, pieces, restricted

# Public name -> (module under index/, its name there). A name is renamed only where its module's own
# name would be ambiguous in the face (query.ROWS beside wordtable.ROWS; ranking.NAMES).
_HOMES: dict[str, tuple[str, str]] = {
    "MAX_QUESTION_CHARS": ("answer", "MAX_QUESTION_CHARS"),
    "Answer": ("answer", "Answer"),
    "Answerer": ("answer", "Answerer"),
    "Choice": ("answer", "Choice"),
    "Quote": ("answer", "Quote"),
    "check_content": ("checks", "check_content"),
    "check_loaded": ("checks", "check_loaded"),
    "build_documents": ("documents", "build_documents"),
    "BACKENDS": ("embedder", "BACKENDS"),
    "Embedder": ("embedder", "Embedder"),
    "ModelError": ("embedder", "ModelError"),
    "Entry": ("entry", "Entry"),
    "content_signature": ("files", "content_signature"),
    "Context": ("followup", "Context"),
    "GLOSSARY_FILE": ("glossary", "GLOSSARY_FILE"),
    "Glossary": ("glossary", "Glossary"),
    "load_glossary": ("glossary", "load_glossary"),
    "parse_glossary": ("glossary", "parse_glossary"),
    "Level": ("levelorder", "Level"),
    "LevelOrder": ("levelorder", "LevelOrder"),
    "Owners": ("owners", "Owners"),
    "load_owners": ("owners", "load_owners"),
    "Problem": ("problem", "Problem"),
    "load_content": ("parse", "load_content"),
    "INTENT_ROWS": ("query", "ROWS"),
    "Query": ("query", "Query"),
    "FEATURE_NAMES": ("ranking", "NAMES"),
    "Request": ("request", "Request"),
    "framework_shape": ("shape", "framework_shape"),
    "site_address": ("siteurl", "site_address"),
    "BuildReport": ("store", "BuildReport"),
    "SearchIndexError": ("store", "SearchIndexError"),
    "build_index": ("store", "build_index"),
    "default_index_dir": ("store", "default_index_dir"),
    "STOPWORDS": ("tokens", "STOPWORDS"),
    "Span": ("worddiff", "Span"),
    "pieces": ("worddiff", "pieces"),
    "restricted": ("worddiff", "restricted"),
}

__all__ = (  # the face; tests/index/test_face.py checks it names exactly `_HOMES`
    "Answer",
    "Answerer",
    "BACKENDS",
    "BuildReport",
    "Choice",
    "Context",
    "Embedder",
    "Entry",
    "FEATURE_NAMES",
    "GLOSSARY_FILE",
    "Glossary",
    "INTENT_ROWS",
    "Level",
    "LevelOrder",
    "MAX_QUESTION_CHARS",
    "ModelError",
    "Owners",
    "Problem",
    "Query",
    "Quote",
    "Request",
    "STOPWORDS",
    "SearchIndexError",
    "Span",
    "build_documents",
    "build_index",
    "check_content",
    "check_loaded",
    "content_signature",
    "default_index_dir",
    "framework_shape",
    "load_content",
    "load_glossary",
    "load_owners",
    "parse_glossary",
    "pieces",
    "restricted",
    "site_address",
)


def __getattr__(name: str) -> Any:
    try:
        module, attr = _HOMES[name]
    except KeyError:
        # AttributeError, not KeyError: `from index import answer` relies on it to import the submodule.
        raise AttributeError(f"module 'index' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(f"index.{module}"), attr)
    globals()[name] = value  # kept, so the next use is a plain attribute lookup
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
