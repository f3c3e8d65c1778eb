"""Count the hand-written rules left in the answering core (issue 19, item 5): `python -m careerfw_tools.rules`.

A rule is what someone wrote by hand for the frameworks they had seen, rather than what the content, a fitted
model or a library decides: a word list (a list, set or tuple of three or more string literals, or one string
split into three or more words), a regular expression (a call of `re.compile`, `re.search`, ...), or a literal
number other than 0, 1, -1 and 2. The word table (`index/words.tsv`) is rules too: each of its rows is a word a
rule reads by its role, so its rows are counted beside the lists.

The counts are blunt on purpose: a `Literal[...]` of names or a tuple of file names counts as a list although
it decides nothing, and one named constant is one number however often it is used. What counts is the trend,
and that a rule goes because its work is gone or done generically, not because it is spelled differently.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

_REGEX_CALLS = frozenset({"compile", "match", "search", "fullmatch", "findall", "finditer", "sub", "subn", "split"})
_FREE_NUMBERS = (0, 1, -1, 2)  # counting, indexing and halving: no threshold anyone chose
_LIST_MIN = 3  # two strings are a pair (a key and a value, a start and an end), three a vocabulary


@dataclass(frozen=True)
class Counts:
    lists: int = 0
    words: int = 0
    regexes: int = 0
    numbers: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.lists + other.lists, self.words + other.words, self.regexes + other.regexes,
                      self.numbers + other.numbers)

    def __str__(self) -> str:
        return f"{self.lists} word lists ({self.words} words), {self.regexes} regexes, {self.numbers} literal numbers"


def count_source(source: str) -> Counts:
    """The rules in one module's source."""
    lists = words = regexes = numbers = 0
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.List | ast.Set | ast.Tuple):
            strings = [e for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            if len(strings) >= _LIST_MIN and len(strings) == len(node.elts):
                lists, words = lists + 1, words + len(strings)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            if node.func.attr == "split" and isinstance(owner, ast.Constant) and isinstance(owner.value, str) \
                    and len(owner.value.split()) >= _LIST_MIN:
                lists, words = lists + 1, words + len(owner.value.split())
            if node.func.attr in _REGEX_CALLS and isinstance(owner, ast.Name) and owner.id == "re":
                regexes += 1
        elif isinstance(node, ast.Constant) and isinstance(node.value, int | float) \
                and not isinstance(node.value, bool) and node.value not in _FREE_NUMBERS:
            numbers += 1
    return Counts(lists, words, regexes, numbers)


def word_table_rows(table: Path) -> int:
    """Rows of a word table: its lines less blank lines, comments and the header."""
    lines = [line for line in table.read_text("utf-8").splitlines() if line.strip() and not line.startswith("#")]
    return max(len(lines) - 1, 0)


def count_package(package: Path) -> dict[str, Counts]:
    """Each module of `package` (relative path -> counts), modules without rules left out."""
    out: dict[str, Counts] = {}
    for path in sorted(package.rglob("*.py")):
        counts = count_source(path.read_text("utf-8"))
        if counts != Counts():
            out[path.relative_to(package.parent).as_posix()] = counts
    return out


def main(argv: list[str] | None = None) -> int:
    packages = [Path(p) for p in (argv if argv is not None else sys.argv[1:])] or [Path(__file__).parents[1] / "index"]
    total = Counts()
    for package in packages:
        for name, counts in count_package(package).items():
            print(f"{name}: {counts}")
            total += counts
    print(f"total: {total}")
    for package in packages:
        for table in sorted(package.glob("*.tsv")):
            print(f"{package.name}/{table.name}: {word_table_rows(table)} words in the word table")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
