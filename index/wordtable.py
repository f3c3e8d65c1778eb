"""The one word table of the question model: `index/words.tsv`, loaded once at import.

Every word a rule of the question side reads by its role ("next" asks for the level above, "todo"
marks an unwritten area, "senior" is a seniority) is one row of that file: the word, the roles it
plays and why. Nothing else in `index/` lists such words, so two rules can no longer disagree about
one (they did: "next/previous", "compare" and the level words were each written twice, differently).

The table is checked when it is loaded: a word written twice, a role no rule reads, a row without a
reason, or a stray column is an error naming the file and the line, so a bad edit fails at import
rather than quietly answering differently.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

TABLE = Path(__file__).with_name("words.tsv")

# The roles a word can play, and what reads each one. A role is one rule's vocabulary.
ROLES: dict[str, str] = {
    "asking": "asking words: what a question says beyond them is its topic (index/query.py topic)",
    "topical": "asking words the text may use as a topic: a level question picks an area by them",
    "person": "who is asked about, right after a level's name ('a level 3 engineer')",
    "job": "a job noun: after a seniority word, a level's name (index/levelnames.py)",
    "seniority": "seniority words people call levels by (index/levelnames.py)",
    "ellipsis": "a follow-up's stand-ins for what was asked before (index/followup.py)",
    "reference": "a follow-up pointing back at the previous topic (index/followup.py)",
    "todo": "marks the TODO list by itself",
    "todo-weak": "marks the TODO list beside a framework noun",
    "written": "marks the TODO list after a negator",
    "negator": "negates a 'written' word",
    "excluding": "before a name, says the name is not what is asked about (index/aliases.py Structure.negated)",
    "framework-noun": "a part of the framework, for the TODO list",
    "meaning": "asks what a name means",
    "level-word": "introduces a level number (index/levelnames.py, index/tokens.py roman numerals)",
    "any-level-word": "introduces a level number in any framework, whatever its titles say",
    "level-plural": "asks for the list of levels",
    "ladder": "a word about the ladder itself, no topic",
    "count": "asks for a number right after a 'count-opener' word: only text that gives one answers it "
             "(index/search.py counted)",
    "count-opener": "opens a question for a number when a 'count' word follows it ('how many')",
    "up": "asks for the level above",
    "down": "asks for the level below",
    "progress": "a move between levels",
    "move-verb": "a move when followed by a move-to word",
    "move-to": "where a move goes",
    "compare": "asks for two things side by side",
    "separator": "keeps two names apart (index/aliases.py)",
    "number-after": "a bare number after it is a level (index/levelnames.py); lower-case initials after it a "
                    "title's (index/aliases.py)",
    "degree-preposition": "ends the degree 'how' asks (index/tokens.py degree_words)",
    "self": "says which level the asker is at",
    "own-question": "a verb that makes a follow-up a question of its own: no last topic is carried (index/followup.py)",
    "generic": "names the kind of thing a page is, not which one: never a name alone (index/aliases.py)",
    "topic": "a topic in frameworks although the library's English stop list has it (index/tokens.py STOPWORDS)",
}


class WordTableError(ValueError):
    """A malformed word table, with the file and line."""


@dataclass(frozen=True)
class Row:
    word: str
    roles: frozenset[str]
    reason: str
    line: int


# The file's columns are a row's fields; `line` is where the row was read, not a column.
_HEADER = tuple(f.name for f in fields(Row) if f.name != "line")


def load(path: Path = TABLE) -> dict[str, Row]:
    """The table's rows by word; raises WordTableError naming `path:line` for any malformed row."""
    rows: dict[str, Row] = {}
    header = False
    for n, raw in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        cells = raw.split("\t")
        if not header:
            if cells != list(_HEADER):
                raise WordTableError(f"{path}:{n}: the header must be 'word<TAB>roles<TAB>reason'")
            header = True
            continue
        if len(cells) != len(_HEADER):
            raise WordTableError(f"{path}:{n}: {len(cells)} columns; a row is word<TAB>roles<TAB>reason")
        word, roles, reason = (c.strip() for c in cells)
        if not word or word != word.lower() or " " in word:
            raise WordTableError(f"{path}:{n}: {word!r} is not one lower-case word")
        if word in rows:
            raise WordTableError(f"{path}:{n}: {word!r} is already on line {rows[word].line}; a word appears once")
        named = frozenset(r.strip() for r in roles.split(",") if r.strip())
        unknown = sorted(named - ROLES.keys())
        if not named or unknown:
            raise WordTableError(f"{path}:{n}: unknown role(s) {unknown or [roles]} for {word!r}")
        if not reason:
            raise WordTableError(f"{path}:{n}: {word!r} has no reason")
        rows[word] = Row(word, named, reason, n)
    if not header:
        raise WordTableError(f"{path}: no header line")
    return rows


ROWS = load()


def role(name: str) -> frozenset[str]:
    """The words that play one role."""
    if name not in ROLES:
        raise KeyError(name)
    return frozenset(w for w, row in ROWS.items() if name in row.roles)
