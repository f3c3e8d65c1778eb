"""What the composers share: the loaded index they read."""

from __future__ import annotations

from dataclasses import dataclass, field

from index.bridge import VocabularyBridge
from index.followup import FollowUps
from index.glossary import Glossary
from index.levelorder import LevelOrder
from index.search import HybridRanker
from index.store import LoadedIndex


@dataclass(frozen=True)
class State:
    """One loaded index with everything derived from it, swapped in as one object."""

    index: LoadedIndex
    ranker: HybridRanker
    by_id: dict[str, int]
    bridge: VocabularyBridge
    levels: LevelOrder  # each craft's levels in order (index/levelorder.py)
    followups: FollowUps
    glossary: Glossary = field(default_factory=Glossary)  # careerfw.yaml, loaded with the pages
