"""The one word table (index/words.tsv, read by index/wordtable.py): each word once, with its roles and
a reason, and a table that breaks that rule is refused naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from index import wordtable


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
