"""The core's one face (index/__init__.py; CONTRIBUTING.md, "The direction of imports"): every public name
bot/ uses is importable from `index` itself, is the very object its module defines, and costs nothing
until it is used."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import index

INIT = Path(index.__file__)


def test_the_face_names_every_public_name_once_and_each_is_its_modules_own_object() -> None:
    assert sorted(index.__all__) == sorted(index._HOMES)
    assert len(set(index.__all__)) == len(index.__all__)
    for name in index.__all__:
        module, attr = index._HOMES[name]
        assert getattr(index, name) is getattr(importlib.import_module(f"index.{module}"), attr), name


def test_what_type_checkers_read_is_what_the_face_resolves() -> None:
    """The TYPE_CHECKING imports and `_HOMES` say the same thing, so an editor's types are the run time's."""
    tree = ast.parse(INIT.read_text())
    block = next(
        node for node in tree.body if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING"
    )
    read = {
        alias.asname or alias.name: (node.module.removeprefix("index."), alias.name)
        for node in block.body
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("index.")
        for alias in node.names
    }
    assert read == index._HOMES


def test_importing_the_face_loads_no_module_of_the_core_and_no_numpy() -> None:
    """`careerfw --help` and the CLI's quick paths import `index` without paying for the model or numpy."""
    probe = (
        "import sys, index\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('index.') or m == 'numpy')\n"
        "print(','.join(loaded))\n"
        "from index import Entry\n"
        "print('numpy' in sys.modules, 'index.answer' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[0] == ""
    # A name pulls in only its own module: Entry is not the answerer.
    assert out[1] == "False False"


def test_modules_stay_reachable_and_an_unknown_name_is_an_attribute_error() -> None:
    from index import answer

    assert answer.__name__ == "index.answer"
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        index.nonsense  # noqa: B018 - the lookup is the test
    assert "Answerer" in dir(index)
