"""How questions name the framework's parts (index/aliases.py): an abbreviation drops vowels or cuts
the word short. (Names read on a whole framework are in test_word_forms.py and test_levelnames.py.)"""

from __future__ import annotations

import pytest

from index.aliases import _abbreviates


@pytest.mark.parametrize("short, full, stands_for", [
    ("mgmt", "management", True), ("sr", "senior", True), ("convo", "conversation", True),
    ("count", "communication", False), ("coat", "communication", False),
])
def test_an_abbreviation_drops_vowels_or_cuts_the_word_short(short: str, full: str, stands_for: bool) -> None:
    assert _abbreviates(short, full, set()) is stands_for
