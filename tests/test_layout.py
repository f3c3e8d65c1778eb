"""The direction of imports CONTRIBUTING.md (Layout) documents, checked on the real import graph.

grimp reads every import statement, including those inside functions and under TYPE_CHECKING, so a
lazy import cannot hide a cycle or a wrong-way dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import grimp
import pytest

PACKAGES = ("bot", "index", "careerfw_tools")


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES)


def imports(graph: grimp.ImportGraph, importer: str, imported: str) -> list[tuple[str, str]]:
    """Every direct import from a module in `importer` (a package or module) of one in `imported`."""
    found = []
    for module in sorted(graph.find_descendants(importer) | {importer}):
        for target in graph.find_modules_directly_imported_by(module):
            if target == imported or target.startswith(imported + "."):
                found.append((module, target))
    return found


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), i.e. every import cycle."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        order[module] = low[module] = len(order)
        stack.append(module)
        on_stack.add(module)
        for target in graph.find_modules_directly_imported_by(module):
            if target not in order:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], order[target])
        if low[module] == order[module]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in order:
            visit(module)
    return found


def test_no_import_cycle_anywhere(graph: grimp.ImportGraph) -> None:
    assert cycles(graph) == []


def test_the_core_knows_no_chat_code_and_no_tooling(graph: grimp.ImportGraph) -> None:
    assert imports(graph, "index", "bot") == []
    assert imports(graph, "index", "careerfw_tools") == []


def test_nudges_know_no_surface_and_no_cli(graph: grimp.ImportGraph) -> None:
    for other in ("bot.slack", "bot.teams", "bot.cli"):
        assert imports(graph, "bot.nudge", other) == []


def test_nothing_imports_the_cli_and_only_the_cli_imports_tooling(graph: grimp.ImportGraph) -> None:
    importers = {m for m, _ in imports(graph, "bot", "bot.cli") if m != "bot.cli"}
    assert importers | {m for m, _ in imports(graph, "careerfw_tools", "bot.cli")} == set()
    # The CLI reaches careerfw_tools only by name, when `eval`, `bench` or `loadtest` runs.
    assert imports(graph, "bot", "careerfw_tools") == []


def test_surfaces_do_not_import_each_other(graph: grimp.ImportGraph) -> None:
    assert imports(graph, "bot.slack", "bot.teams") == []
    assert imports(graph, "bot.teams", "bot.slack") == []


def test_the_owners_report_knows_no_surface_and_no_cli(graph: grimp.ImportGraph) -> None:
    for other in ("bot.slack", "bot.teams", "bot.cli"):
        assert imports(graph, "bot.report", other) == []


def test_bot_uses_the_core_only_through_its_face(graph: grimp.ImportGraph) -> None:
    """bot/ imports the names index/__init__.py exports, never a module of the core (`index.answer`), so
    the core's modules can be split or renamed without touching chat code."""
    assert [(m, t) for m, t in imports(graph, "bot", "index") if t != "index"] == []


def test_no_module_of_the_core_imports_another_modules_private_names() -> None:
    """A name with a leading underscore is its module's own; a helper another module needs is public."""
    root = Path(__file__).resolve().parent.parent / "index"
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "index":
                found += [f"{path.name}:{node.lineno} {a.name}" for a in node.names if a.name.startswith("_")]
    assert found == []


def untested_modules(core: Path, tests: Path) -> list[str]:
    """The modules under `core` with no test file under `tests`: index/<module>.py is tested in
    tests/index/test_<module>.py; a module of a package, index/<package>/<module>.py, in
    tests/index/<package>/test_<module>.py or in the package's own tests/index/test_<package>.py."""
    missing = []
    for path in sorted(core.rglob("*.py")):
        parts = path.relative_to(core).with_suffix("").parts
        if parts[-1] == "__init__":
            continue
        own = tests.joinpath(*parts[:-1], f"test_{parts[-1]}.py")
        package = tests / f"test_{parts[0]}.py" if len(parts) > 1 else own
        if not own.is_file() and not package.is_file():
            missing.append("/".join(parts) + ".py")
    return missing


def test_every_module_of_the_core_has_its_test_file() -> None:
    """tests/index mirrors index/ (CONTRIBUTING.md, Layout), packages such as index/compose included, so a
    change to a module names the tests to run."""
    root = Path(__file__).resolve().parent
    assert untested_modules(root.parent / "index", root / "index") == []


def test_a_module_of_a_package_without_tests_is_named(tmp_path: Path) -> None:
    core, tests = tmp_path / "index", tmp_path / "tests"
    for name in ("parse.py", "compose/__init__.py", "compose/lookup.py", "compose/todo.py"):
        (core / name).parent.mkdir(parents=True, exist_ok=True)
        (core / name).write_text("", "utf-8")
    tests.mkdir()
    (tests / "test_parse.py").write_text("", "utf-8")
    assert untested_modules(core, tests) == ["compose/lookup.py", "compose/todo.py"]
    (tests / "compose").mkdir()
    (tests / "compose" / "test_lookup.py").write_text("", "utf-8")
    assert untested_modules(core, tests) == ["compose/todo.py"]
    (tests / "test_compose.py").write_text("", "utf-8")  # the package's tests, as tests/index/test_compose.py
    assert untested_modules(core, tests) == []
    (tests / "test_parse.py").unlink()
    assert untested_modules(core, tests) == ["parse.py"]
