"""careerfw.yaml's titles, synonyms and redirects (docs/content.md, "careerfw.yaml: your company's
words"; issue 22 part 1), on a made-up framework with a glossary (tests/fixtures/glossary): a title
selects its levels, side by side when there are two; a synonym is resolved before ranking; a redirect
answers with the admin's words and link, labelled; `check` names every bad line with file:line; a
hot reload picks the file up like a page and refuses a broken one."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.cli import main
from bot.reload import Reloader
from bot.text import render_answer
from index.answer import Answerer
from index.glossary import ADMIN_NOTE, Glossary, load_glossary, parse_glossary

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "glossary"
NONE = Glossary()


def cells(answer) -> list[tuple[str, str, str]]:
    return [(q.entry.area, q.entry.level, q.entry.craft) for q in answer.quotes]


def test_a_title_with_two_levels_in_the_craft_asked_about_shows_both_side_by_side(keel_answerer: Answerer) -> None:
    question = "what does a senior backend engineer do for communication?"
    before = keel_answerer.with_glossary(NONE).ask(question)
    assert before.intent != "compare"  # without the glossary "Senior" is no level of this framework
    answer = keel_answerer.ask(question)
    assert answer.intent == "compare" and answer.confident
    assert cells(answer) == [("Communication", "Level 4", "Backend Engineering"),
                             ("Communication", "Level 5", "Backend Engineering")]
    assert answer.question == question  # shown as asked, not as rewritten
    [used] = answer.glossary
    assert (used.kind, used.line) == ("title", 3) and used.text.startswith("Senior:")
    payload = answer.to_json()
    assert payload["glossary"] == [{"kind": "title", "source": "careerfw.yaml:3", "text": used.text}]
    assert payload["redirect"] is None


def test_a_title_with_one_level_in_that_craft_selects_it(keel_answerer: Answerer) -> None:
    answer = keel_answerer.ask("what is expected of a senior web engineer?")
    assert answer.confident
    assert {(lv, craft) for _, lv, craft in cells(answer)} == {("Level 4", "Web Engineering")}
    staff = keel_answerer.ask("what does a staff engineer do for delivery?")
    assert staff.confident and cells(staff)[0] == ("Delivery", "Level 5", "Backend Engineering")


def test_a_title_meaning_different_levels_per_craft_asks_which_craft(keel_answerer: Answerer) -> None:
    answer = keel_answerer.ask("what does a senior do for communication?")
    assert answer.intent == "choose" and not answer.confident
    assert [c.label for c in answer.choices] == ["Backend Engineering", "Web Engineering"]
    picked = keel_answerer.ask(answer.choices[0].question)
    assert picked.intent == "compare"
    assert {lv for _, lv, _ in cells(picked)} == {"Level 4", "Level 5"}


def test_a_title_in_a_follow_up_takes_the_conversations_craft(keel_answerer: Answerer) -> None:
    first = keel_answerer.ask("what does a level 3 backend engineer do for communication?")
    assert first.context is not None and first.context.craft == "Backend Engineering"
    answer = keel_answerer.ask("and for a senior?", context=first.context)
    assert answer.intent == "compare"
    assert cells(answer) == [("Communication", "Level 4", "Backend Engineering"),
                             ("Communication", "Level 5", "Backend Engineering")]


def test_a_synonym_is_resolved_before_ranking_and_changes_the_top_answer(keel_answerer: Answerer) -> None:
    question = "what does xfn look like at level 4 in backend engineering?"
    before = keel_answerer.with_glossary(NONE).ask(question)
    assert not (before.confident and cells(before)[0][0] == "Collaboration")
    answer = keel_answerer.ask(question)
    assert answer.confident and cells(answer)[0] == ("Collaboration", "Level 4", "Backend Engineering")
    assert [(g.kind, g.line, g.text) for g in answer.glossary] == [("synonym", 6, "xfn: Collaboration")]
    assert answer.question == question


def test_a_synonym_chain_is_followed_to_the_framework_name_and_every_line_is_recorded(keel_answerer: Answerer) -> None:
    answer = keel_answerer.ask("what does cross team work look like at level 4 in backend engineering?")
    assert answer.confident and cells(answer)[0][0] == "Collaboration"
    assert [g.line for g in answer.glossary] == [7, 6]


def test_a_long_synonym_chain_is_followed_to_its_end(keel_answerer: Answerer) -> None:
    # Only a loop stops a chain (and `check` names it); a chain of any length reaches the framework's name.
    hops = "".join(f"  hop{n}: hop{n + 1}\n" for n in range(10)) + "  hop10: Collaboration\n"
    answer = keel_answerer.with_glossary(parse_glossary("synonyms:\n" + hops)).ask(
        "what does hop0 look like at level 4 in backend engineering?")
    assert cells(answer)[0][0] == "Collaboration"
    assert len(answer.glossary) == 11


def test_a_redirect_answers_with_the_admins_words_and_link_labelled(
    keel_answerer: Answerer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answer = keel_answerer.ask("how is my salary decided at level 4?")
    assert answer.intent == "redirect" and not answer.confident and answer.quotes == []
    assert answer.redirect is not None
    assert answer.to_json()["redirect"]["say"] == "Pay isn't part of the progression framework."
    assert answer.to_json()["redirect"]["link"] == "https://people.example.com/pay"
    assert answer.message is not None and answer.message.startswith(ADMIN_NOTE)
    [used] = answer.glossary
    assert used.kind == "redirect" and used.line == 10
    shown = render_answer(answer)
    assert ADMIN_NOTE in shown and "https://people.example.com/pay" in shown
    # Through the command line: the JSON contract's new key, the question as asked.
    monkeypatch.delenv("CAREERFW_SITE_URL", raising=False)
    code = main(["ask", "--json", "--content", str(FIXTURE), "--index", str(tmp_path / "i"), "what about bonuses?"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["answers"] == [] and out["confident"] is False and out["intent"] == "redirect"
    assert out["redirect"]["say"] == "Pay isn't part of the progression framework." and out["question"] == (
        "what about bonuses?")


def test_no_glossary_line_applies_to_a_question_it_does_not_name(keel_answerer: Answerer) -> None:
    answer = keel_answerer.ask("who leads the response to outages at level 4 in backend engineering?")
    assert answer.confident and answer.glossary == () and answer.redirect is None


BAD = [
    ("titles:\n  Senior: {Backend Engineering: [Level 4, Level 9]}\n",
     'careerfw.yaml:2: title "Senior": "Level 9" is not a level of Backend Engineering in the content'),
    ("titles:\n  Senior: {Data Engineering: [Level 4]}\n",
     'careerfw.yaml:2: title "Senior": "Data Engineering" is not a craft in the content'),
    ("titles:\n  Staff:\n    - IC6\n", 'careerfw.yaml:3: title "Staff": "IC6" is not a level in the content'),
    ("synonyms:\n  xfn: XFN\n", 'careerfw.yaml:2: synonym "xfn" points to itself'),
    ("synonyms:\n  comms: Communication\n  a: b\n  b: a\n", 'careerfw.yaml:3: synonyms loop: "a" -> "b" -> "a"'),
    ("synonyms:\n  comms: Communication\n  Comms: Collaboration\n",
     'careerfw.yaml:3: "Comms" appears twice (first on line 2)'),
    ("titles:\n  Staff: [Level 5]\ntitles:\n  Senior: [Level 4]\n", 'careerfw.yaml:3: "titles" appears twice'),
    ("redirects:\n  - topics: [pay]\n    say: Ask People.\n    link: people.example.com/pay\n",
     'careerfw.yaml:4: link "people.example.com/pay" is not a web address'),
    ("redirects:\n  - topics: [pay, delivery]\n    say: Ask People.\n",
     'careerfw.yaml:2: redirect topic "delivery" is the name of the area "Delivery"'),
]


@pytest.mark.parametrize(("text", "expected"), BAD, ids=[
    "unknown level", "unknown craft", "unknown level for every craft", "synonym to itself", "synonym loop",
    "duplicate key", "duplicate section", "malformed link", "topic is an area"])
def test_check_names_each_bad_line_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, expected: str
) -> None:
    content = shutil.copytree(FIXTURE, tmp_path / "keel")
    (content / "careerfw.yaml").write_text(text, "utf-8")
    code = main(["check", "--content", str(content)])
    out = capsys.readouterr().out
    assert code == 1, out
    assert expected in out, out
    assert "Traceback" not in out


def test_the_fixture_glossary_passes_check(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--content", str(FIXTURE)])
    out = capsys.readouterr().out
    assert code == 0 and "careerfw.yaml:" not in out, out


def test_site_url_still_works_beside_the_glossary(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CAREERFW_SITE_URL", raising=False)
    content = shutil.copytree(FIXTURE, tmp_path / "keel")
    text = (content / "careerfw.yaml").read_text("utf-8")
    (content / "careerfw.yaml").write_text("site_url: https://wiki.keel.example/framework\n" + text, "utf-8")
    assert main(["check", "--content", str(content)]) == 0
    assert main(["todo", "--json", "--content", str(content)]) == 0
    assert len(load_glossary(content).synonyms) == 3


def test_hot_reload_picks_up_the_glossary_and_refuses_a_broken_one(tmp_path: Path, embedder) -> None:
    content = shutil.copytree(FIXTURE, tmp_path / "keel")
    (content / "careerfw.yaml").unlink()
    index_dir = tmp_path / "index"
    answerer = Answerer.open(content, index_dir, embedder=embedder)
    question = "what does xfn look like at level 4 in backend engineering?"
    assert not answerer.ask(question).glossary
    (content / "careerfw.yaml").write_text("synonyms:\n  xfn: Collaboration\n", "utf-8")
    outcome = Reloader(answerer, content, index_dir).reload()
    assert outcome.ok, outcome.message
    assert "already matches" in outcome.message and "careerfw.yaml: 1 line(s)" in outcome.message  # no page changed
    answer = answerer.ask(question)
    assert answer.confident and cells(answer)[0][0] == "Collaboration"
    assert [str(g) for g in answer.glossary] == ["careerfw.yaml:2: xfn: Collaboration"]
    # A loop is a `check` error: the reload is refused and the glossary already serving stays.
    (content / "careerfw.yaml").write_text("synonyms:\n  xfn: Collaboration\n  a: b\n  b: a\n", "utf-8")
    refused = Reloader(answerer, content, index_dir).reload()
    assert not refused.ok
    assert [str(p).split(";")[0] for p in refused.problems] == ['careerfw.yaml:3: synonyms loop: "a" -> "b" -> "a"']
    assert cells(answerer.ask(question))[0][0] == "Collaboration"


def test_a_glossary_built_from_a_mapping_applies_without_writing_a_file(keel_answerer: Answerer) -> None:
    """The API the owners' report uses to try a candidate line: nothing is written, the answerer serving
    keeps its own glossary."""
    question = "how do I handle incidents as a level 4 backend engineer in the pagerstorm?"
    candidate = keel_answerer.glossary.extended({"synonyms": {"pagerstorm": "Incident Response"}})
    assert [s.phrase for s in candidate.synonyms] == ["xfn", "cross team", "firefighting", "pagerstorm"]
    trial = keel_answerer.with_glossary(candidate).ask(question)
    assert any(g.text == "pagerstorm: Incident Response" for g in trial.glossary)
    assert not any(g.kind == "synonym" for g in keel_answerer.ask(question).glossary)
    alone = Glossary.from_mapping({"redirects": [{"topics": ["parking"], "say": "See the office guide."}]})
    assert not alone.problems
    assert keel_answerer.with_glossary(alone).ask("where do I park?").intent == "lookup"  # "park" is not "parking"
    assert keel_answerer.with_glossary(alone).ask("what about parking?").redirect.say == "See the office guide."


def test_eval_reports_each_glossary_framework_with_and_without_it(embedder, tmp_path: Path) -> None:
    """docs/evaluation.md: `careerfw eval` measures a careerfw.yaml's worth on its framework's questions."""
    from careerfw_tools.evaluate import load_set
    from careerfw_tools.glossary_eval import glossary_worth, render

    questions = load_set(FIXTURE.parent / "glossary-questions.yaml")
    seed = load_set(Path(__file__).resolve().parents[1] / "eval" / "seed.yaml")
    [row] = glossary_worth([questions, seed], embedder, index_dir_for=lambda s: tmp_path / s.name)
    assert (row.framework, row.lines) == ("keel", 6)  # the seed content has no glossary: no row
    with_it, without = row.with_glossary.as_dict(), row.without.as_dict()
    assert with_it["top1"] > without["top1"]
    assert with_it["intents"] == {"correct": 2, "total": 2} and without["intents"]["correct"] < 2
    assert any("xfn" in c and c.startswith("right with the glossary, wrong without") for c in row.changed)
    shown = render([row])
    assert "with its glossary and without it" in shown and "keel" in shown


def test_a_title_inside_a_level_name_is_that_level_not_the_title() -> None:
    """"Senior" mapped to Senior Engineer 1 and 2 must leave "senior engineer 2" (a level's own name) alone."""
    glossary = Glossary.from_mapping({"titles": {"Senior": ["Senior Engineer 1", "Senior Engineer 2"],
                                                 "Staff": ["Staff Engineer (IC6)"]}})
    levels = ["Engineer", "Senior Engineer 1", "Senior Engineer 2", "Staff Engineer (IC6)"]
    assert glossary.rewrite("what does a senior engineer 2 own?", level_titles=lambda: levels).text == (
        "what does a senior engineer 2 own?")
    assert glossary.rewrite("what does a staff engineer own?", level_titles=lambda: levels).text == (
        "what does a staff engineer own?")
    assert glossary.rewrite("what does a senior own?", level_titles=lambda: levels).text == (
        "what does a Senior Engineer 1 and Senior Engineer 2 own?")


def test_a_hostile_or_broken_glossary_is_a_check_error_and_the_answerer_still_opens(
    tmp_path: Path, embedder, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/content.md: the file is read like front matter (no aliases, bounded depth), never a traceback."""
    content = shutil.copytree(FIXTURE, tmp_path / "keel")
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nsynonyms: {c: *b}\n"
    for text, expected in ((laughs, "careerfw.yaml:2: the file is not valid YAML: aliases (*a) are not allowed"),
                           ("synonyms: " + "[" * 500 + "]" * 500 + "\n", "careerfw.yaml:1:"),
                           ("redirects:\n  - topics: [pay]\n    say: [not, text]\n",
                            "careerfw.yaml:2: a redirect needs")):
        (content / "careerfw.yaml").write_text(text, "utf-8")
        code = main(["check", "--content", str(content)])
        out = capsys.readouterr().out
        assert code == 1 and expected in out and "Traceback" not in out, out
    answerer = Answerer.open(content, tmp_path / "index", embedder=embedder)
    assert answerer.ask("what about pay at level 4?").intent != "redirect"


def test_a_redirects_words_are_quoted_as_written() -> None:
    glossary = Glossary.from_mapping({"redirects": [{"topics": ["leave"], "say": "Holidays:  see the\nPeople hub."}]})
    assert glossary.rewrite("how much leave do I get?").redirect.say == "Holidays:  see the\nPeople hub."


def test_ask_explain_shows_the_glossary_lines_that_applied(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`careerfw ask --explain` (issue 22): which careerfw.yaml line applied, before the question model."""
    monkeypatch.delenv("CAREERFW_SITE_URL", raising=False)
    index = str(tmp_path / "index")
    question = "what does cross team work look like at level 4 in backend engineering?"
    assert main(["ask", "--explain", "--content", str(FIXTURE), "--index", index, question]) == 0
    out = capsys.readouterr().out
    shown = out[out.index("== careerfw.yaml =="):out.index("== question model ==")]
    assert "careerfw.yaml:7: cross team: xfn  (a synonym" in shown and "careerfw.yaml:6: xfn: Collaboration" in shown
    assert main(["ask", "--explain", "--json", "--content", str(FIXTURE), "--index", index, "what about pay?"]) == 0
    data = json.loads(capsys.readouterr().out)["explain"]
    assert [g["kind"] for g in data["glossary"]] == ["redirect"] and data["redirect"]["link"].startswith("https://")
