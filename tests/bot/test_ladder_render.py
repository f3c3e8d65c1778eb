"""The ladder answers on every surface, from answers built by hand: the checklist as a terminal list,
Slack rich text and Teams toggles (valid, escaped where mrkdwn, never losing an item), two cells side
by side, and the list of levels with their citations."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.slack.blocks import ACTION_CHECKLIST_DM, ACTION_SHOW_ALL, MAX_BLOCKS, answer_message
from bot.teams.cards import CHECKLIST_DM, SUBMIT_KEY, answer_cards
from bot.text import render_answer
from bot.view import SEND_AS_DM, SHOW_ALL
from index.answer import Answer, Checklist, Quote
from index.entry import Entry
from index.levelorder import Level
from index.worddiff import new_spans
from tests.slack.harness import assert_valid_message, blocks_text, buttons_of
from tests.teams.harness import assert_valid_card, card_actions, card_elements, card_texts


def _entry(area: str, description: str, level: str = "Level 4", todo: bool = False) -> Entry:
    return Entry(framework="Acme", craft="Backend", level=level, role="Backend - " + level, section="Craft",
                 area=area, description=description, todo=todo, source=f"backend/l4.md:{len(area) + 10}",
                 permalink="/backend/l4")


def _checklist(n: int, text: str = "I lead <big> & small work.\n\nI mentor *others*.") -> Answer:
    quotes = [Quote(e, "" if e.todo else e.description, 1.0, True, e.url())
              for e in (_entry(f"Area {i}", text, todo=i == 2) for i in range(n))]
    changes = tuple(("changed", "same", "new")[i % 3] for i in range(n))
    return Answer("from level 3 to level 4?", "checklist", True, quotes=quotes, message=f"From Level 3 to Level 4: {n}",
                  checklist=Checklist("Level 3", "Level 4", "Backend", changes))


def test_terminal_checklist_is_a_plain_list_to_tick() -> None:
    text = render_answer(_checklist(3), whole=True)
    assert "[ ] Area 0 (changed from Level 3)" in text
    assert "[ ] Area 1 (same as Level 3)" in text
    assert "[ ] Area 2 (new at Level 4)" in text
    assert "  > I lead <big> & small work." in text  # verbatim in a terminal
    assert text.index("Area 0") < text.index("Area 1") < text.index("Area 2")


OLD = "I lead work in my team & review <designs>.\n\nI mentor *others*."
NEW = "I lead work across teams & review *all* <designs>.\n\nI mentor *others* and_hire ~people~."


def _marked_checklist() -> Answer:
    """A checklist with a changed area (its new words marked), two the same, and one new."""
    def quote(area: str, text: str, new: bool = False) -> Quote:
        e = _entry(area, text)
        return Quote(e, text, 1.0, True, e.url(), new_words=new_spans(OLD, text) if new else None,
                     new_against="Level 3" if new else None)
    quotes = [quote("Ownership", "I own it & <say> so.*"), quote("Delivery", NEW, new=True),
              quote("Communication", "I write_things ~down~."), quote("Hiring", "I interview & hire.")]
    return Answer("from level 3 to level 4?", "checklist", True, quotes=quotes, message="From Level 3 to Level 4: 4",
                  checklist=Checklist("Level 3", "Level 4", "Backend", ("same", "changed", "same", "new")))


def test_terminal_checklist_marks_new_words_and_names_unchanged_areas_on_one_line() -> None:
    text = render_answer(_marked_checklist())
    assert "[ ] Delivery (changed from Level 3)" in text and "[ ] Hiring (new at Level 4)" in text
    assert "Same as Level 3: Ownership, Communication" in text
    assert "I own it" not in text and "[ ] Ownership" not in text
    assert "  > I lead work {+across teams & review *all*+} <designs>." in text
    # Marks stripped, the quoted text is the framework's, byte for byte.
    quoted = "\n".join(line[4:] for line in text.splitlines() if line.startswith("  > ") or line == "  >")
    assert quoted.replace("{+", "").replace("+}", "").startswith(NEW + "\n")
    whole = render_answer(_marked_checklist(), whole=True)
    assert "[ ] Ownership (same as Level 3)" in whole and "I own it & <say> so.*" in whole
    assert "Same as Level 3:" not in whole


def test_slack_checklist_is_rich_text_with_the_text_literal_and_a_dm_button() -> None:
    message = answer_message(_checklist(3), 7, whole=True)
    assert_valid_message(message)
    rich = [b for b in message["blocks"] if b["type"] == "rich_text"]
    assert len(rich) == 3
    assert rich[0]["elements"][1]["elements"][0]["text"] == "I lead <big> & small work.\n\nI mentor *others*."
    assert "not written yet" in rich[2]["elements"][1]["elements"][0]["text"]
    button = buttons_of(message)[ACTION_CHECKLIST_DM]
    assert button["text"]["text"] == SEND_AS_DM and '"q":7' in button["value"]
    # mrkdwn parts (fallback text, citations) stay escaped.
    assert "<big>" not in message["text"] and "&lt;" not in blocks_text(rich)
    dm = answer_message(_checklist(3), 7, dm=True, whole=True)
    assert ACTION_CHECKLIST_DM not in buttons_of(dm)


def test_slack_checklist_too_long_for_one_message_names_what_it_left_out() -> None:
    message = answer_message(_checklist(40), 1, whole=True)
    assert_valid_message(message)
    assert len(message["blocks"]) <= MAX_BLOCKS
    shown = [b for b in message["blocks"] if b["type"] == "rich_text"]
    note = blocks_text(message["blocks"])
    left = [f"Area {i}" for i in range(len(shown), 40)]
    assert f"…and {len(left)} more area(s)" in note and all(name in note for name in left)


@settings(max_examples=25, deadline=None)
@given(st.text(min_size=1, max_size=1500), st.integers(min_value=1, max_value=30))
def test_any_checklist_text_gives_valid_slack_blocks(text: str, n: int) -> None:
    if not text.strip():
        text = "x"
    assert_valid_message(answer_message(_checklist(n, text), 1))


def test_teams_checklist_is_toggles_in_order_with_the_dm_button_on_the_last_card() -> None:
    made = answer_cards(_checklist(30, "I lead the work. " * 80), 5, whole=True)
    for card in made:
        assert_valid_card(card)
    toggles = [t for card in made for t in card_elements(card["body"], "Input.Toggle")]
    assert [t["title"].split(" (")[0] for t in toggles] == [f"Area {i}" for i in range(len(toggles))]
    assert len({t["id"] for t in toggles}) == len(toggles)
    dm = [a for card in made for a in card_actions(card) if a["data"][SUBMIT_KEY] == CHECKLIST_DM]
    assert len(dm) == 1 and dm[0] in card_actions(made[-1])
    if len(toggles) < 30:
        assert f"Area {len(toggles)}" in "\n".join(card_texts(made[-1]["body"]))


def test_two_cells_side_by_side_and_too_long_ones_one_after_the_other() -> None:
    short = [Quote(_entry(a, f"{a} text & more."), f"{a} text & more.", 1.0, True, None) for a in ("Left", "Right")]
    answer = Answer("q", "compare", True, quotes=short)
    message = answer_message(answer, None)
    assert_valid_message(message)
    (fields,) = [b["fields"] for b in message["blocks"] if "fields" in b]
    assert "Left text &amp; more." in fields[0]["text"] and "Right text &amp; more." in fields[1]["text"]
    long = [Quote(_entry(a, "word " * 600), "word " * 600, 1.0, True, None) for a in ("Left", "Right")]
    sequential = answer_message(Answer("q", "compare", True, quotes=long), None)
    assert_valid_message(sequential)
    assert not [b for b in sequential["blocks"] if "fields" in b]
    (card,) = answer_cards(answer)
    assert_valid_card(card)
    (columns,) = card_elements(card["body"], "ColumnSet")
    assert [card_texts(c)[0] for c in columns["columns"]] == ["Left · Level 4", "Right · Level 4"]
    text = render_answer(answer)
    assert text.index("Left text & more.") < text.index("Right text & more.")


def test_levels_are_labels_and_citations_on_every_surface() -> None:
    levels = [Level("Acme", craft, f"Level {n}", n - 1, n - 1, None, float(n), n, f"{craft.lower()}/l{n}.md:3",
                    f"/{craft.lower()}/l{n}", ()) for craft in ("Backend", "Web") for n in (1, 2)]
    answer = Answer("which levels are there?", "levels", True, message="Levels of each craft, in order:",
                    levels=levels, site_url="https://fw.example.com")
    text = render_answer(answer)
    assert "Backend:\n  1. Level 1  [https://fw.example.com/backend/l1; backend/l1.md:3]" in text
    message = answer_message(answer, None)
    assert_valid_message(message)
    shown = blocks_text(message["blocks"])
    assert "1. <https://fw.example.com/web/l1|Level 1>  `web/l1.md:3`" in shown
    assert shown.index("*Backend*") < shown.index("*Web*")
    (card,) = answer_cards(answer)
    assert_valid_card(card)
    runs = card_elements(card["body"], "TextRun")
    linked = [r for r in runs if r["text"] == "2. Level 2"]
    assert [r["selectAction"]["url"] for r in linked] == ["https://fw.example.com/backend/l2",
                                                          "https://fw.example.com/web/l2"]
    assert answer.to_json()["levels"][0] == {"level": "Level 1", "craft": "Backend", "framework": "Acme",
                                             "url": "https://fw.example.com/backend/l1", "source": "backend/l1.md:3"}


def test_slack_checklist_bolds_new_words_and_collapses_unchanged_areas() -> None:
    message = answer_message(_marked_checklist(), 7)
    assert_valid_message(message)
    rich = [b for b in message["blocks"] if b["type"] == "rich_text"]
    assert [r["elements"][0]["elements"][0]["elements"][0]["text"] for r in rich] == ["Delivery", "Hiring"]
    runs = rich[0]["elements"][1]["elements"]
    assert "".join(r["text"] for r in runs) == NEW  # marks stripped: the framework's text, byte for byte
    assert [r["text"] for r in runs if r.get("style") == {"bold": True}] == [
        "across teams & review *all*", "and_hire ~people~."]
    shown = blocks_text(message["blocks"])
    assert "Same as Level 3: Ownership, Communication" in shown and "new at Level 4" in shown
    assert "I own it" not in shown
    assert "Words new since Level 3 are marked *like this*." in shown
    # Citations and the collapsed line are mrkdwn: escaped.
    assert "&lt;" not in "".join(r["text"] for r in runs) and "<say>" not in message["text"]
    assert buttons_of(message)[ACTION_SHOW_ALL]["text"]["text"] == SHOW_ALL
    every = answer_message(_marked_checklist(), 7, whole=True)
    assert_valid_message(every)
    assert "I own it & <say> so.*" in blocks_text(every["blocks"]) and ACTION_SHOW_ALL not in buttons_of(every)


def test_teams_checklist_bolds_new_words_and_collapses_unchanged_areas() -> None:
    (card,) = answer_cards(_marked_checklist(), 5)
    assert_valid_card(card)
    toggles = [t["title"] for t in card_elements(card["body"], "Input.Toggle")]
    assert toggles == ["Delivery (changed from Level 3)", "Hiring (new at Level 4)"]
    quoted = [c for c in card_elements(card["body"], "Container") if c.get("style") == "emphasis"]
    blocks = [b for c in quoted for b in c["items"] if b["type"] == "RichTextBlock" and len(b["inlines"]) > 1]
    assert "\n\n".join("".join(r["text"] for r in b["inlines"]) for b in blocks[:2]) == NEW
    assert [r["text"] for b in blocks for r in b["inlines"] if r.get("weight") == "Bolder"] == [
        "across teams & review *all*", "and_hire ~people~."]
    assert "Same as Level 3: Ownership, Communication" in card_texts(card["body"])
    (show,) = [a for a in card["actions"] if a["type"] == "Action.ShowCard"]
    assert show["title"] == SHOW_ALL
    hidden = [t["title"] for t in card_elements(show["card"]["body"], "Input.Toggle")]
    assert hidden == ["Ownership (same as Level 3)", "Delivery (changed from Level 3)",
                      "Communication (same as Level 3)", "Hiring (new at Level 4)"]


def _overview_with_a_shared_text() -> Answer:
    """A level overview where two areas of two sections are written word for word alike (but for spacing)."""
    shared = "I own the design of a service & <its> *data*."
    quotes = []
    for area, section, text in (("Design", "Craft", shared), ("Ownership", "Impact", shared.replace(" ", "\n", 1)),
                                ("Hiring", "Impact", "I interview & hire.")):
        e = Entry("Acme", "Backend", "Level 4", "Backend - Level 4", section, area, text, False, f"l4.md:{len(area)}",
                  permalink="/backend/l4")
        quotes.append(Quote(e, text, 1.0, True, e.url()))
    return Answer("what is expected of level 4?", "level", True, quotes=quotes, message="Level 4: 3 area(s).")


def test_grouped_quotes_keep_every_citation_on_slack_and_teams() -> None:
    answer = _overview_with_a_shared_text()
    message = answer_message(answer, 1, whole=True)
    assert_valid_message(message)
    shown = blocks_text(message["blocks"])
    assert shown.count("I own the design of a service") == 1
    assert "_same in Craft › Design and Impact › Ownership · Level 4_" in shown
    assert "Level 4 › Craft › *Design*" in shown and "Level 4 › Impact › *Ownership*" in shown
    assert "&amp; &lt;its&gt;" in shown  # mrkdwn still escaped
    (card,) = answer_cards(answer, 1, whole=True)
    assert_valid_card(card)
    texts = card_texts(card["body"])
    assert sum("I own the design of a service" in t for t in texts) == 1
    assert "same in Craft › Design and Impact › Ownership · Level 4" in texts
    assert {t for t in texts if t.startswith("Acme › Backend › Level 4 ›")} >= {
        "Acme › Backend › Level 4 › Craft › Design (l4.md:6)",
        "Acme › Backend › Level 4 › Impact › Ownership (l4.md:9)"}
    assert render_answer(answer).count("I own the design") == 1


def test_the_checklist_in_the_docs_is_valid_on_slack_and_teams_and_marks_what_changed() -> None:
    """docs/checklist.md shows one checklist on the three surfaces; its JSON must be what Slack and Teams
    accept, with the changed area's new words marked and the unchanged ones named on one line."""
    import json
    import re
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "checklist.md").read_text()
    slack, teams = (json.loads(m) for m in re.findall(r"```json\n(.*?)\n```", doc, re.S))
    assert_valid_message(slack)
    assert_valid_card(teams)
    assert "Same as Level 1: Ownership, Craft" in blocks_text(slack["blocks"])
    assert "Same as Level 1: Ownership, Craft" in card_texts(teams["body"])
    assert "{+short design notes & share them before I start.+}" in doc


def test_ask_all_quotes_the_unchanged_areas_too(tmp_path, capsys) -> None:
    from pathlib import Path

    from bot.cli import main

    folder = str(Path(__file__).resolve().parents[1] / "fixtures" / "promotion")
    question = "what do I need to go from level 1 to level 2?"
    assert main(["ask", "--content", folder, "--index", str(tmp_path), question]) == 0
    short = capsys.readouterr().out
    assert "Same as Level 1: Ownership, Craft." in short and "[ ] Ownership" not in short
    assert main(["ask", "--all", "--content", folder, "--index", str(tmp_path), question]) == 0
    every = capsys.readouterr().out
    assert "[ ] Ownership (same as Level 1)" in every and "[ ] Craft (same as Level 1)" in every
    assert "I see my changes through to production and fix what I break." in every
    assert "Same as Level 1:" not in every


def test_two_compared_cells_too_long_for_one_teams_card_keep_their_bold_words_over_the_cards() -> None:
    """One area at two levels, each cell longer than a card holds: split over cards in pieces, the
    higher level's new words still bold, and its pieces' runs joined are its text (was a ValueError:
    the pieces kept the whole text's offsets)."""
    old = "\n\n".join(f"Part {i}: " + " ".join(["I lead the work in my team."] * 60) for i in range(4))
    new = "\n\n".join(f"Part {i}: " + " ".join(["I lead the work across teams."] * 60) for i in range(4))
    spans = new_spans(old, new)
    low, high = _entry("Mastery", old, level="Level 3"), _entry("Mastery", new)
    answer = Answer("compare mastery", "compare", True, quotes=[
        Quote(low, old, 1.0, True, None), Quote(high, new, 1.0, True, None, new_words=spans, new_against="Level 3")])
    made = answer_cards(answer, 1, whole=True)
    assert len(made) > 1
    for card in made:
        assert_valid_card(card)
    quoted = [b for card in made for c in card_elements(card["body"], "Container") if c.get("style") == "emphasis"
              for b in c["items"]]
    higher = [b for b in quoted if "across" in "".join(r["text"] for r in b["inlines"])]
    assert "\n\n".join("".join(r["text"] for r in b["inlines"]) for b in higher) == new
    bold = "".join(r["text"] for b in higher for r in b["inlines"] if r.get("weight") == "Bolder")
    assert bold == "".join(new[s:e] for s, e in spans) and bold
