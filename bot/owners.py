"""owners.yaml as the bot reads it for the weekly nudge and the owners' report: read again at each use,
each problem in it told where whoever runs the bot looks, and the part it names ignored (the rest is used).

One home for both readers, so a command and a serving process's round say the same thing of one file."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from index import Owners, load_owners


def read_owners(content_dir: Path, log: logging.Logger | None = None) -> Owners:
    """The owners beside `content_dir`'s pages. Each problem goes to `log` as a warning (a serving
    process's round, whose stderr nobody reads), or without `log` to stderr (a command someone ran)."""
    owners = load_owners(content_dir)
    for problem in owners.problems:
        if log is None:
            print(f"careerfw: {problem} (run `careerfw check`; that part of owners.yaml is ignored)", file=sys.stderr)
        else:
            log.warning("owners.yaml: %s (that part is ignored; run `careerfw check`)", problem)
    return owners
