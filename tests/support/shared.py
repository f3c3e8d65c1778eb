"""The real public frameworks in ../shared/frameworks, which tests read in place and never copy into the
repository (CONTRIBUTING.md: tests that use them skip cleanly when that folder is absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

FRAMEWORKS = Path(__file__).resolve().parents[3] / "shared" / "frameworks"


def shared_framework(name: str) -> Path:
    """One shared framework's folder; the calling test is skipped, saying which, when it is absent."""
    path = FRAMEWORKS / name
    if not path.is_dir():
        pytest.skip(f"../shared/frameworks/{name} is not present")
    return path


def shared_frameworks() -> list[Path]:
    """Every shared framework with pages, by name (none when the folder is absent), to parametrize over."""
    if not FRAMEWORKS.is_dir():
        return []
    return sorted(p for p in FRAMEWORKS.iterdir() if p.is_dir() and any(p.glob("*.md")))
