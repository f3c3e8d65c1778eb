"""The cyclic garbage collector paused while a server starts, and resumed once it serves.

Its own module, free of anything slow to import: `careerfw` pauses it before it parses its arguments.
"""

from __future__ import annotations

import gc
import threading

# Whether this process paused the cyclic garbage collector for its start (`pause_collection`).
_COLLECTION_PAUSED = threading.Event()


def pause_collection() -> None:
    """Pause the cyclic garbage collector while a server starts. A start creates about 200,000 objects
    that live as long as the process (modules, classes, the answerer's state) and under 2,000 that are
    garbage, so the collector's ~290 passes over them during a start find almost nothing and cost about
    13% of its import CPU (issue 23, item 4). `Runtime.go_live` resumes it, and `resume_collection` on
    every other way out. Nothing is pausing when the collector is already off (whoever turned it off
    keeps it off)."""
    if gc.isenabled():
        gc.disable()
        _COLLECTION_PAUSED.set()


def resume_collection(freeze: bool = False) -> None:
    """Resume the collector if `pause_collection` paused it. `freeze`: the objects the start made are
    moved to the collector's permanent generation first (`gc.freeze`), so no later collection scans them
    again; the first pass after a pause would otherwise walk all of them, inside the first answer. They are
    still freed by reference counting (the answerer holds no reference cycles, so a reload frees the old
    one); only the few cycles a start left as garbage stay."""
    if not _COLLECTION_PAUSED.is_set():
        return
    _COLLECTION_PAUSED.clear()
    if freeze:
        gc.freeze()
    gc.enable()
