"""A question already understood: what a button or card asks, by the index's own names.

A choice the core offers ("Level 3" in which craft?) or a follow-up a surface offers ("Compare with the
next level") knows exactly what it asks for: the intent, the framework, craft and level titles and the
area, as the loaded index spells them. A `Request` carries that, so the answer is composed from those
names directly (`Answerer.answer_request`) and nothing is written out in English only to be parsed again.

`describe()` is the same request as a person would type it: it is what the answer says was asked, what
`careerfw ask --json` shows as a choice's question, and, typed, it gives the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, get_args

RequestIntent = Literal["level", "checklist", "compare", "compare_areas"]
INTENTS: tuple[RequestIntent, ...] = get_args(RequestIntent)
# How many names each intent reads: (levels, areas), each a range (fewest, most).
_SHAPE: dict[str, tuple[tuple[int, int], tuple[int, int]]] = {
    "level": ((1, 1), (0, 0)),
    "checklist": ((2, 2), (0, 0)),
    "compare": ((2, 2), (1, 1)),
    "compare_areas": ((0, 1), (2, 2)),
}
# A name longer than any title or area a framework writes is not one (a tampered button's value).
MAX_NAME_CHARS = 300


@dataclass(frozen=True)
class Request:
    """`level`: one level's overview (levels: the level). `checklist`: the move from levels[0] to
    levels[1]. `compare`: one area (areas[0]) at two levels. `compare_areas`: two areas side by side, at
    levels[0] when given, else wherever the craft has both. Names are the index's, exactly."""

    intent: RequestIntent
    framework: str = ""
    craft: str = ""
    levels: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"intent": self.intent}
        for key in ("framework", "craft"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if self.levels:
            out["levels"] = list(self.levels)
        if self.areas:
            out["areas"] = list(self.areas)
        return out

    @classmethod
    def from_json(cls, data: Any) -> Request | None:
        """The request a button carried, or None when it is not one (damaged, tampered, another version's)."""
        if not isinstance(data, dict) or data.get("intent") not in INTENTS:
            return None
        framework, craft = data.get("framework", ""), data.get("craft", "")
        levels, areas = data.get("levels", []), data.get("areas", [])
        if not (isinstance(framework, str) and isinstance(craft, str)
                and isinstance(levels, list) and isinstance(areas, list)):
            return None
        names = [framework, craft, *levels, *areas]
        if not all(isinstance(n, str) and len(n) <= MAX_NAME_CHARS for n in names):
            return None
        if not all(n.strip() for n in (*levels, *areas)):
            return None
        (lo, hi), (alo, ahi) = _SHAPE[data["intent"]]
        if not (lo <= len(levels) <= hi and alo <= len(areas) <= ahi):
            return None
        return cls(data["intent"], framework, craft, tuple(levels), tuple(areas))

    def describe(self) -> str:
        """The request as a question a person would type, naming everything it names."""
        where = f" in {self.craft}" if self.craft else ""
        if self.intent == "level":
            return f"what is expected of {self.levels[0]}{where}?"
        if self.intent == "checklist":
            return f"what do I need to go from {self.levels[0]} to {self.levels[1]}{where}?"
        if self.intent == "compare":
            return f"Compare {self.areas[0]} at {self.levels[0]} and {self.levels[1]}{where}"
        at = f" at {self.levels[0]}" if self.levels else ""
        return f"what's the difference between {self.areas[0]} and {self.areas[1]}{at}{where}?"
