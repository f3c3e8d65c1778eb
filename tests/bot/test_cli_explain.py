"""`careerfw ask --explain` (README "The command line", docs/retrieval.md "The question model"): how a
question was read, the decision table's row that fired, the level resolved with the form that named it,
the candidates' ranking features and the gate's decision, as a person runs it."""

from __future__ import annotations

import json
import math
from pathlib import Path

from tests.bot.test_cli import careerfw


def test_explain_shows_the_reading_the_candidates_and_the_gate(multilevel_copy: Path) -> None:
    result = careerfw("ask", "--explain", "--content", str(multilevel_copy),
                      "how does a senior engineer 1 handle hiring?")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    # The answer itself comes first, as without --explain.
    assert out.index("Hiring") < out.index("== question model ==")
    sections = ["== question model ==", "== resolved ==", "== candidates ==", "== gate =="]
    assert [out.index(s) for s in sections] == sorted(out.index(s) for s in sections)
    assert 'levels: "senior engineer 1" -> Senior Engineer 1' in out
    assert "intent: lookup" in out and "row fired: lookup" in out
    assert 'level "senior engineer 1" matched the form "senior engineer 1"' in out
    assert "level: Senior Engineer 1; area: Hiring" in out
    candidates = out[out.index("== candidates =="):out.index("== gate ==")]
    assert candidates.splitlines()[1].startswith("1. Hiring @ Software Engineering Craft · Senior Engineer 1")
    assert "final " in candidates and "dense " in candidates and "bm25 " in candidates
    # Every candidate's fitted features; nothing of the hand-weighted ranker the product no longer has.
    assert "area_match " in candidates and "area boost" not in candidates
    gate = out[out.index("== gate =="):]
    assert "confident: answered:" in gate
    # The shipped (fitted) gate says what it compared and which features pushed hardest.
    assert ">= threshold " in gate and "weighed most: " in gate


def test_explain_names_the_row_of_a_ladder_question_and_that_no_gate_decided(multilevel_copy: Path) -> None:
    out = careerfw("ask", "--explain", "--content", str(multilevel_copy), "what comes after engineer 2?").stdout
    assert "intent: next" in out and "row fired: level-above" in out
    assert "no gate: the next answer is composed from the framework's structure" in out


def test_explain_with_json_adds_one_key_and_keeps_the_contract(multilevel_copy: Path) -> None:
    question = "what is the pay of an engineer 1?"
    plain = json.loads(careerfw("ask", "--json", "--content", str(multilevel_copy), question).stdout)
    result = careerfw("ask", "--json", "--explain", "--content", str(multilevel_copy), question)
    assert result.returncode == 0, result.stderr
    explained = json.loads(result.stdout)
    assert set(explained) - set(plain) == {"explain"}
    assert {k: v for k, v in explained.items() if k != "explain"} == plain
    e = explained["explain"]
    assert set(e) == {"query", "fired", "resolved", "candidates", "gate", "glossary", "redirect"}
    assert e["glossary"] == [] and e["redirect"] is None  # no careerfw.yaml here (tests/index/test_glossary.py)
    assert e["query"]["levels"][0]["names"] == ["Engineer 1", "Software Engineering - Engineer 1"]
    assert e["fired"] == [{"row": "lookup", "why": "anything else: the best matching area"}]
    assert e["gate"]["confident"] is False and e["gate"]["signals"]["out_of_scope"] is True
    assert e["gate"]["why"].startswith("refused: it asks about pay")
    assert "(out_of_scope)" in e["gate"]["why"] and "< threshold " in e["gate"]["why"]
    assert all({"final", "dense", "bm25", "features"} <= set(c) and "area_boost" not in c for c in e["candidates"])


def test_explain_shows_the_logit_the_candidates_are_ordered_by(multilevel_copy: Path) -> None:
    # `final` is the probability, which rounds to 1.0000 for several strong candidates at once; the logit it is
    # computed from is what orders them (index/search.py), so --explain shows it beside each candidate.
    question = "how does a senior engineer 1 handle hiring?"
    result = careerfw("ask", "--json", "--explain", "--content", str(multilevel_copy), question)
    assert result.returncode == 0, result.stderr
    candidates = json.loads(result.stdout)["explain"]["candidates"]
    logits = [c["logit"] for c in candidates]
    # The named level's candidates, in the order they are quoted: by logit, highest first.
    assert logits == sorted(logits, reverse=True)
    # The probability shown is the logistic function of the logit shown.
    assert all(abs(c["final"] - 1 / (1 + math.exp(-c["logit"]))) < 1e-3 for c in candidates)
    text = careerfw("ask", "--explain", "--content", str(multilevel_copy), question).stdout
    assert f"final {candidates[0]['final']:.4f} (logit {logits[0]:.4f})" in text
