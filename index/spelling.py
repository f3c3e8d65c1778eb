"""How loosely a typed word may be read as another word, one rule for every reader that does so: names
in a question (index/aliases.py), BM25's unknown words (index/bm25.py), a misspelt word of the text written as
the text writes it in the question the model reads (index/aliases.py `corrected`; `respelt`, which BM25 reads
too), a slip of a function word (index/query.py), an unknown word standing for an area's name
(index/bridge.py), a craft's people's word (index/followup.py), a word standing for a numbering code
(index/levelnames.py) and a misspelt `parent:` (index/checks.py). Each of these once wrote its own lengths, and
two of them disagreed on when a word may carry two slips.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from rapidfuzz.distance import OSA

# Fewer letters than this are read only as themselves: no shorter word is a cut-short name's word ("eng"
# is, "en" is not), a slip of a function word, a word that stands for an area's name by its meaning, a
# craft's people's word or a numbering code it starts with ("manager 4" for M4). Two letters are too often
# another word ("an"/"at", "dx").
FEWEST_LETTERS = 3
# Fewer letters than this are read only as typed, never loosely: not completed to an indexed word
# ("exec"), not a typo of a name's word, not one word abbreviating a whole name, not another form of an
# area's name ("lead" for Leadership). So short a word resembles too many others.
LOOSE_MIN = 4
# Fewer letters than this are never read as a slip of another word the text writes (`respelt`): a short word
# one letter off a word of the text is as often a word of its own ("teas", "coms").
TYPO_MIN = 6
# Letters from which a word may carry a second slip (a letter added, dropped or changed, or two
# swapped); a shorter word carries one.
_SECOND_SLIP = 9


def slips(length: int) -> int:
    """How many slips a word of `length` letters may carry and still be read as the word it misspells."""
    return 1 if length < _SECOND_SLIP else 2


def near(word: str, known: Sequence[str]) -> list[str]:
    """The words of `known` (sorted) that `word` is within `slips` of (two swapped letters count as one), starting
    alike: what a slip of `word` could stand for, whatever its length."""
    allowed = slips(len(word))
    lo = bisect.bisect_left(known, word[:1])
    hi = bisect.bisect_left(known, chr(ord(word[0]) + 1)) if word else lo
    return [w for w in known[lo:hi]
            if abs(len(w) - len(word)) <= allowed and OSA.distance(word, w, score_cutoff=allowed) <= allowed]


def respelt(word: str, known: Sequence[str]) -> str | None:
    """The one word of `known` (sorted) that `word`, which `known` lacks, is a slip of ("responsibilite" for
    "responsibility", "jargoon" for "jargon"): `near` it. None when none is, or when two are: then the slip could
    be either."""
    if len(word) < TYPO_MIN or word.isdigit():
        return None
    close = near(word, known)
    return close[0] if len(close) == 1 else None
