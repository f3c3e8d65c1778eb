"""How loosely a typed word may be read as another word, one rule for every reader that does so: names
in a question (index/aliases.py), BM25's unknown words (index/bm25.py), a slip of a function word
(index/query.py), an unknown word standing for an area's name (index/bridge.py), a craft's people's word
(index/followup.py), a word standing for a numbering code (index/levelnames.py) and a misspelt `parent:`
(index/checks.py). Each of these once wrote its own lengths, and two of them disagreed on when a word may
carry two slips.
"""

from __future__ import annotations

# Fewer letters than this are read only as themselves: no shorter word is a cut-short name's word ("eng"
# is, "en" is not), a slip of a function word, a word that stands for an area's name by its meaning, a
# craft's people's word or a numbering code it starts with ("manager 4" for M4). Two letters are too often
# another word ("an"/"at", "dx").
FEWEST_LETTERS = 3
# Fewer letters than this are read only as typed, never loosely: not completed to an indexed word
# ("exec"), not a typo of a name's word, not one word abbreviating a whole name, not another form of an
# area's name ("lead" for Leadership). So short a word resembles too many others.
LOOSE_MIN = 4
# Letters from which a word may carry a second slip (a letter added, dropped or changed, or two
# swapped); a shorter word carries one.
_SECOND_SLIP = 9


def slips(length: int) -> int:
    """How many slips a word of `length` letters may carry and still be read as the word it misspells."""
    return 1 if length < _SECOND_SLIP else 2
