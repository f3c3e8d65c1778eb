"""`careerfw check`: every problem in a content folder, each with file:line and a plain reason."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from index.owners import check_owners
from index.parse import Content, Problem, load_content


def check_content(content_dir: Path) -> tuple[list[Problem], str]:
    """(problems, one-line summary). Other checks (owners file, …) append to the same list."""
    content = load_content(content_dir)
    problems = list(content.problems)
    for extra_check in EXTRA_CHECKS:
        problems.extend(extra_check(content_dir, content))
    summary = (
        f"{content_dir}: {len(content.pages)} pages, {len(content.entries)} entries, "
        f"{content.todo_count} TODO"
    )
    return problems, summary


# Checks of files beside the pages (e.g. owners.yaml for nudges) register here, so `check` stays the
# one place that validates a content folder. They get the pages already parsed, never parse again.
EXTRA_CHECKS: list[Callable[[Path, Content], list[Problem]]] = [check_owners]
