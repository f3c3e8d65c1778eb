"""The one word table (index/words.tsv, read by index/wordtable.py): each word once, with its roles and
a reason, and a table that breaks that rule is refused naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from index import wordtable
from index.tokens import ASKING, stem


def test_every_word_has_one_row_and_the_rules_agree(tmp_path: Path) -> None:
    rows = wordtable.load()
    assert rows["next"].roles >= {"up"} and rows["previous"].roles >= {"down"}
    assert not wordtable.role("up") & wordtable.role("down")
    for bad, message in [
        ("word\troles\treason\nnext\tup\tabove\nnext\tdown\tbelow\n", "already on line"),
        ("word\troles\treason\nnext\tsideways\tabove\n", "unknown role"),
        ("word\troles\treason\nnext\tup\t\n", "no reason"),
    ]:
        table = tmp_path / "words.tsv"
        table.write_text(bad, "utf-8")
        with pytest.raises(wordtable.WordTableError, match=message) as raised:
            wordtable.load(table)
        assert str(table) in str(raised.value)


def test_no_row_is_only_another_rows_inflection_where_the_rules_read_stems() -> None:
    # These roles are read through the stemmer (index/intents.py, index/query.py, index/entry.py): "skills" or
    # "expected" in them says nothing "skill" and "expect" do not, so such a row is a rule with no work.
    stemmed = {"asking", "topical", "person", "ladder", "progress", "move-verb", "todo", "todo-weak", "framework-noun"}
    rows = wordtable.load()

    def covers(o: str, w: str) -> bool:  # o says all w says, and is the row to keep of the two
        return o != w and stem(o) == stem(w) and rows[w].roles <= rows[o].roles \
            and (rows[o].roles > rows[w].roles or (len(o), o) < (len(w), w))

    idle = sorted(w for w, row in rows.items() if row.roles <= stemmed and any(covers(o, w) for o in rows))
    assert idle == []
    assert {stem(w) for w in wordtable.role("asking")} == ASKING  # what the rule reads is the stems
