"""Words as retrieval sees them: normalised, lightly stemmed, with the glue words of questions set apart.

One tokenizer serves BM25, alias detection and intent detection, so a word means the same thing to
all three. The stemmer is deliberately light (plurals, -ing, -ed): career frameworks are short texts
where an aggressive stemmer merges words people keep apart ("communication" / "community").
"""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[a-z0-9]+")
_NUMBER_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
    "first": "1", "second": "2", "third": "3", "fourth": "4", "fifth": "5", "sixth": "6",
    "i": "1", "ii": "2", "iii": "3", "iv": "4", "vi": "6", "vii": "7",
}
# Roman numerals only count as numbers right after a level word ("level iv"), never alone ("I").
_LEVEL_WORDS = {"level", "lvl", "l", "grade", "band", "tier", "step", "stage", "rank"}

# Function words: they carry no topic, in questions or in framework text.
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing done during each either else ever every few for
    from further get gets getting give had has have having he her here hers herself him himself his how i
    if in into is it its itself just let like me might more most much must my myself need needs no nor not
    now of off on once only or other others our ours ourselves out over per please really same she
    should so some such than that the their theirs them themselves then there these they this those
    through to too under until up upon us very via was way we were what when where whether which while who
    whom whose why will with within without would yet you your yours yourself yourselves s t d ll m re ve
    tell show say said know want wants wanted hi hey hello thanks thank ok okay""".split()
)


def fold(text: str) -> str:
    """Lower case, accents and typographic quotes folded, so 'Team’s' and "team's" match."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.replace("’", "'").replace("‘", "'").lower()


def stem(word: str) -> str:
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith("ing") and len(word) > 5:
        base = word[:-3]
        if len(base) > 2 and base[-1] == base[-2] and base[-1] not in "lsz":
            base = base[:-1]  # running -> run
        return base
    if word.endswith("ed") and len(word) > 4 and not word.endswith("eed"):
        base = word[:-2]
        if len(base) > 2 and base[-1] == base[-2] and base[-1] not in "lsz":
            base = base[:-1]
        return base
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """Folded words with number words turned to digits and "L3"/"lvl3" split into level + number."""
    out: list[str] = []
    raw = _WORD.findall(fold(text).replace("'s ", " ").replace("'", ""))
    for w in raw:
        m = re.fullmatch(r"(l|lvl|level)(\d+)", w)
        if m:
            out.extend(["level", m.group(2)])
            continue
        if w in _NUMBER_WORDS and (w not in {"i", "ii", "iii", "iv", "vi", "vii"} or (out and out[-1] in _LEVEL_WORDS)):
            out.append(_NUMBER_WORDS[w])
            continue
        if w == "lvl":
            out.append("level")
            continue
        out.append(w)
    return out


def terms(text: str) -> list[str]:
    """Stemmed content words: what BM25 indexes and matches."""
    return [stem(w) for w in words(text) if w not in STOPWORDS]
