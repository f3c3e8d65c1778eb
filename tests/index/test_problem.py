"""index/problem.py: a content problem as `careerfw check` prints it, the same class wherever it is read."""

from __future__ import annotations

from index import Problem
from index.parse import Problem as ParsedProblem
from index.problem import Problem as OwnProblem


def test_a_problem_names_file_and_line_and_is_one_class_under_every_name() -> None:
    problem = Problem("backend/level3.md", 20, "front matter opened with --- but never closed")
    assert str(problem) == "backend/level3.md:20: front matter opened with --- but never closed"
    assert problem.severity == "error"
    assert Problem is ParsedProblem is OwnProblem
