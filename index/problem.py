"""A problem found in the content, named by file and line: what `careerfw check` and a failed build print.

Its own small module so that what reads a content problem without parsing pages (the site address,
index/siteurl.py, read at every start by bot/config.py) imports no Markdown parser to name one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    reason: str
    severity: Severity = "error"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"
