"""What a name means ("what does scope mean?", "what counts as business impact?", "what is an individual
contributor?"): answered from the craft pages' definitions of the areas or crafts the question names, not
from one level's cell. No intent of its own: the lookup ranks only those definitions, so this narrows the
candidates before anything is ranked. ("What is a principal?" names a level: that is its overview.)"""

from __future__ import annotations

import numpy as np

from index.compose.shared import State
from index.query import Query


def definitions_asked(state: State, query: Query) -> np.ndarray | None:
    """The definitions of the areas or crafts a question asks the meaning of (None: not such a question,
    or the framework defines none of them)."""
    if not query.meaning:
        return None
    named = {v for m in query.detected.mentions if not m.partial for f, v in m.values if f in ("area", "craft")}
    if not named:
        return None
    # An area's sub-sections define it further ("How inactivity is measured" under "Inactive members").
    rows = np.array([e.kind == "definition" and (e.area in named or e.craft in named or e.under in named)
                     for e in state.index.entries])
    return rows if rows.any() else None
