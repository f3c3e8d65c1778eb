"""CONTRIBUTING.md (Adding a surface): a surface registers its listeners from one place, grouped by what
triggers them. Teams' are modules like Slack's bot/slack/listeners/, not closures in one function."""

from __future__ import annotations

import ast
import inspect

from bot.teams import agent, listeners
from bot.teams.listeners import actions, install, messages


def test_teams_listeners_are_modules_grouped_by_trigger_like_slacks() -> None:
    for module in (actions, install, messages):
        assert callable(getattr(module, "register", None)), module.__name__
    assert callable(listeners.register)
    # agent.py builds the app and nothing else: no listener defined inside it.
    tree = ast.parse(inspect.getsource(agent))
    functions = [n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    assert functions == ["build_agent"]
