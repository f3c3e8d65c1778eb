"""The vocabulary bridge (index/bridge.py): a word the framework never uses stands for the area names the
model puts close to it, and lends their words to the lexical query. Vectors made up for the test, so
what is checked is the rule, not the model."""

from __future__ import annotations

import numpy as np

from index.bridge import VocabularyBridge
from index.tokens import stem, terms

AXES = np.eye(3, dtype=np.float32)
NAMES = {"Collaboration": AXES[0], "Recruiting": AXES[1]}
WORDS = {
    "hiring": AXES[1],  # a synonym of one name
    "teamwork": 0.6 * AXES[0] + 0.8 * AXES[2],  # cosine 0.6 with Collaboration: close enough
    "weather": 0.3 * AXES[0] + 0.95 * AXES[2],  # cosine 0.3: unrelated
    "collaboration": AXES[0],
}


def test_an_unknown_word_stands_for_the_area_names_close_to_it() -> None:
    bridge = VocabularyBridge.build(list(NAMES), lambda names: np.stack([NAMES[n] for n in names]))
    asked = ["hiring", "teamwork", "weather", "collaboration", "the", "ux"]
    bridged = bridge.bridge(asked, known=lambda t: t == stem("collaboration"), encode=lambda w: WORDS[w])
    # A word the framework uses, a stopword or a word under three letters is never looked up.
    assert bridged == {stem("hiring"): ["Recruiting"], stem("teamwork"): ["Collaboration"]}
    assert VocabularyBridge.terms(bridged) == terms("Recruiting") + terms("Collaboration")


def test_a_framework_without_area_names_bridges_nothing() -> None:
    bridge = VocabularyBridge.build([], lambda names: np.zeros((0, 3), dtype=np.float32))
    assert bridge.bridge(["hiring"], known=lambda t: False, encode=lambda w: WORDS[w]) == {}
