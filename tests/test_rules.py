"""The count of hand rules in the answering core (careerfw_tools/rules.py, issue 19 item 5): what it counts,
and that index/ holds no more than it did after the round that halved the word lists."""

from __future__ import annotations

from pathlib import Path

from careerfw_tools.rules import Counts, count_package, count_source, main, word_table_rows

ROOT = Path(__file__).resolve().parents[1]

# index/ after issue 19 item 5 (docs/evaluation.md, "Hand rules"): the hand stop list became NLTK's (as bm25s
# ships it), placeholders and level headers read the word table, duplicated numbers are one named constant.
# Before: 34 word lists (453 words), 49 regexes, 171 literal numbers. A new rule should replace an old one;
# lower these when rules go.
# eacc126 added ranking.py's four layouts (a list that could read entry.Layout, as shape.KINDS does).
# Second round (parsing and naming modules): roman numerals from roman-numerals, markdown-it's anchor slug.
# Alias detection (index/aliases.py): 9 regexes / 42 numbers -> 5 / 18 (exact score, typo floor, short word
# named once; the window bound read from the longest name; the markup, doubled-word and prose regexes gone).
# Sixth round (issue 19 item 5): how loosely a typed word is read, one rule (index/spelling.py) for the
# readers that each wrote its own lengths; numbers read from the model's files; bounds that decided nothing.
# Regexes read twice become one: a name's separator and its parentheses (aliases read levelnames'), and a word
# that carries a number (tokens' level code, ordinal and plural, levelnames' code: one grammar, tokens.NUMBERED).
# The hand ranker and hand gate left index/ (the fitted model is the only ranker and gate).
# One number added by issue 23 item 3: index/blas.py's BLOCK_ROWS, how many rows of the vectors two cosine
# products read together. A size for the memory, not a rule about questions: it changes no score (tested bit
# for bit), only how fast they come.
# One number added by the fresh questions' mends (3a48817): index/store.py's FORMAT_VERSION 2 -> 3, read by the
# counter once it is above 2. It names the index's file format (an index built before is rebuilt), no threshold.
# One word added by the first runs of the held-back sets (docs/evaluation.md): "budget" among the pay, leave and
# benefits words of index/confidence.py, since six of the twelve off-topic questions those runs answered asked about
# money to spend ("is there a budget for courses?"). A topic people ask about, no threshold.
CEILING = Counts(lists=21, words=160, regexes=15, numbers=65)
# One row added by the review of issue 19's gate (3df7a3f): "how", without which "many" alone ("leads many
# teams") was read as asking for a number and narrowed the answer to whatever text gave one.
TABLE_CEILING = 266  # rows of index/words.tsv (307 before)


def test_each_kind_of_rule_is_counted_once() -> None:
    source = '''
import re
GLUE = {"and", "or", "of"}
PAIR = ("key", "value")
STEPS = "junior mid senior".split()
CODE = re.compile(r"l\\d")
ALSO = re.sub(r"x", "", "y")
LIMIT = 10
SHARE = 0.35
FREE = [0, 1, -1, 2]
FLAG = True
'''
    assert count_source(source) == Counts(lists=2, words=6, regexes=2, numbers=2)


def test_the_word_table_counts_its_rows(tmp_path: Path) -> None:
    table = tmp_path / "words.tsv"
    table.write_text("# a comment\nword\troles\treason\nup\tup\tasks for the level above\n\ndown\tdown\tbelow\n")
    assert word_table_rows(table) == 2


def test_index_holds_no_more_hand_rules_than_after_item_5(capsys) -> None:
    total = sum(count_package(ROOT / "index").values(), Counts())
    over = {k: (getattr(total, k), getattr(CEILING, k)) for k in ("lists", "words", "regexes", "numbers")
            if getattr(total, k) > getattr(CEILING, k)}
    assert not over, f"index/ has more hand rules than after issue 19 item 5 (now, ceiling): {over}"
    assert word_table_rows(ROOT / "index" / "words.tsv") <= TABLE_CEILING
    assert main([str(ROOT / "index")]) == 0
    out = capsys.readouterr().out
    assert f"total: {total}" in out and "index/words.tsv:" in out
