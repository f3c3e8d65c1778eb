"""One answer view (bot/view.py, CONTRIBUTING.md: Layout): every surface shows the same help and reads
the same keywords, and only translates the view into its format."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from bot.chat import chat_help
from bot.prompts import help_example
from bot.slack.blocks import how_to_ask
from bot.teams.cards import help_text
from bot.text import render_answer
from bot.view import HelpView, absolute_url, answer_view, keyword
from index.answer import Answer, Choice


def test_every_surface_shows_the_one_help_text(monzo_answerer) -> None:
    shared = HelpView(ways_to_ask=(), example="")
    example = help_example(monzo_answerer.entries, monzo_answerer.level_order)
    for shown in (how_to_ask(monzo_answerer), help_text(monzo_answerer), chat_help(monzo_answerer)):
        assert shared.intro in shown and shared.promise in shown
        for word, what in shared.commands:
            assert word in shown and what in shown
        assert example in shown and "Head of ML" not in shown  # the framework served, not the seed


def test_keywords_are_read_the_same_way_everywhere() -> None:
    for text in ("help", " Help? ", "/help", "help:", "", "   "):
        assert keyword(text) == "help", text
    for text in ("todo", "TODO.", "todo,", "!todo"):
        assert keyword(text) == "todo", text
    for text in ("todo, please", "help me with AI strategy", "what is todo?"):
        assert keyword(text) is None, text


def test_only_absolute_links_are_offered_as_links() -> None:
    assert absolute_url("https://fw.example.com/level1#ml-ops") == "https://fw.example.com/level1#ml-ops"
    assert absolute_url("http://intranet/level1") == "http://intranet/level1"
    for url in (None, "", "/careerframework/level1#ml-ops", "javascript:alert(1)", "ftp://x"):
        assert absolute_url(url) is None


def test_choices_show_in_plain_text_with_the_question_to_ask() -> None:
    choosing = Answer("what is expected at level 3?", "choose", False, message="Level 3 is written for 2 crafts: "
                      "which one do you mean?", choices=[Choice("Backend", "what is expected of Level 3 in Backend?"),
                                                         Choice("Web", "what is expected of Level 3 in Web?")])
    text = render_answer(choosing)
    assert "Level 3 is written for 2 crafts" in text
    assert '- Backend: ask "what is expected of Level 3 in Backend?"' in text
    assert answer_view(choosing).choices == tuple(choosing.choices)


def test_a_follow_up_says_what_it_carried_over_on_every_surface() -> None:
    from bot.slack.blocks import answer_message
    from bot.teams.cards import answer_card
    from index.answer import Quote
    from index.entry import Entry
    from index.followup import Context

    entry = Entry("Acme", "R&D <Platform> Craft", "Level 4", "", "", "Mastery", "I own the design of a service.", False,
                  "rd_level4.md:12")
    follow = Answer("and at level 4?", "lookup", True, quotes=[Quote(entry, entry.description, 0.6, True, None)],
                    context=Context("Acme", entry.craft, "Level 4", "Mastery"), carried=("craft", "area"))
    label = "R&D <Platform> › Level 4 › Mastery, following on from your last question"
    assert answer_view(follow).carried == label
    assert f"({label})" in render_answer(follow)
    blocks = answer_message(follow, None)["blocks"]
    shown = [e["text"] for b in blocks if b["type"] == "context" for e in b["elements"]]
    assert "R&amp;D &lt;Platform&gt; › Level 4 › Mastery, following on from your last question" in shown
    card = json.dumps(answer_card(follow), ensure_ascii=False)
    assert label.replace("<", "\\u003c") in card or label in card
    # Nothing carried, no label.
    fresh = Answer("q", "lookup", True, quotes=follow.quotes, context=follow.context)
    assert answer_view(fresh).carried is None
    assert "following on" not in render_answer(fresh) + json.dumps(answer_message(fresh, None))


def test_compared_cells_are_headed_by_level_and_by_craft_when_the_crafts_differ(monzo_answerer) -> None:
    from bot.slack.blocks import side_by_side_blocks
    from bot.teams.cards import side_by_side_elements
    from bot.view import side_headings

    same = monzo_answerer.ask("Compare Mastery at Level 3 and Level 4 in Backend Engineering Craft").quotes
    assert side_headings(same) == ["Mastery · Level 3", "Mastery · Level 4"]
    backend = monzo_answerer.ask("mastery for a level 3 backend engineer").quotes[0]
    mobile = monzo_answerer.ask("mastery for a level 3 mobile engineer").quotes[0]
    assert side_headings([backend, mobile]) == ["Mastery · Level 3 · Backend Engineering Craft",
                                                "Mastery · Level 3 · Mobile Engineering Craft"]
    slack = side_by_side_blocks([backend, mobile])
    assert slack is not None
    assert [f["text"].split("\n")[0] for f in slack[0]["fields"]] == [
        "*Mastery* · Level 3 · Backend Engineering Craft", "*Mastery* · Level 3 · Mobile Engineering Craft"]
    # Two levels of one craft: Level 4's new words are bold, which fields cannot hold: rich text, headed.
    assert same[1].new_words and side_by_side_blocks(same) is None
    from bot.slack.blocks import answer_message
    rich = [b for b in answer_message(Answer("q", "compare", True, quotes=same), 1, whole=True)["blocks"]
            if b["type"] == "rich_text"]
    assert [r["elements"][0]["elements"][0]["text"] for r in rich] == ["Mastery · Level 3", "Mastery · Level 4"]
    assert any(e.get("style") == {"bold": True} for e in rich[1]["elements"][1]["elements"])
    columns = side_by_side_elements(same)[0]["columns"]
    assert [c["items"][0]["items"][0]["inlines"][0]["text"] for c in columns] == [
        "Mastery · Level 3", "Mastery · Level 4"]
    # Teams: Level 4's new words are bold runs; each paragraph's runs joined are the cell's paragraph.
    level4 = columns[1]["items"][0]["items"][1]["items"]
    assert "\n\n".join("".join(r["text"] for r in b["inlines"]) for b in level4) == same[1].text
    bold = [r["text"] for b in level4 for r in b["inlines"] if r.get("weight") == "Bolder"]
    assert bold == [same[1].text[s:e] for s, e in same[1].new_words]


def _shared_text_answer() -> Answer:
    """A lookup whose best cell is written word for word (but for spacing) in two other crafts, and one
    more relevant cell."""
    from index.answer import Quote
    from index.entry import Entry

    def quote(craft: str, text: str, area: str = "Mastery") -> Quote:
        e = Entry("Acme", craft, "Level 4", f"{craft} - Level 4", "Craft", area, text, False, f"{craft.lower()}.md:9",
                  permalink=f"/{craft.lower()}/l4")
        return Quote(e, text, 0.5, True, e.url())

    shared = "I own the design of a service & <its> *data*."
    return Answer("who owns the design?", "lookup", True, quotes=[
        quote("Backend", shared), quote("Web", shared.replace(" ", "  ", 2)), quote("Data", "I own the pipelines."),
        quote("Mobile", shared + "\n")])


def test_a_text_shared_by_crafts_is_quoted_once_with_every_citation() -> None:
    from bot.view import grouped

    answer = _shared_text_answer()
    view = answer_view(answer)
    (main,) = view.main_groups
    assert [q.entry.craft for q in main.quotes] == ["Backend", "Web", "Mobile"]
    assert main.shared == "same in Backend, Web and Mobile · Level 4"
    assert [g.quote.entry.craft for g in view.also_groups] == ["Data"]
    assert grouped(answer.quotes[2:3])[0].shared is None
    text = render_answer(answer)
    assert text.count("I own the design of a service") == 1
    assert "(same in Backend, Web and Mobile · Level 4)" in text
    for craft in ("Backend", "Web", "Mobile", "Data"):
        assert f"Acme › {craft} › Level 4 › Craft › Mastery" in text



def test_a_text_repeated_from_one_place_is_quoted_once_with_one_citation_on_every_surface() -> None:
    """Issue 21 item 2: the same cell three times in one answer showed "same in  · Level 4", naming no
    place, and its citation three times on Slack, Teams and the terminal. The same text from the same
    place is one quote with one citation; "same in" names only places that differ."""
    from bot.slack.blocks import answer_message
    from bot.teams.cards import answer_card
    from index.answer import Quote
    from index.entry import Entry

    text = "I own the design of a service & <its> data."

    def quote(craft: str, spacing: str = "") -> Quote:
        e = Entry("Acme", craft, "Level 4", f"{craft} - Level 4", "Craft", "Mastery", text, False,
                  f"{craft.lower()}.md:9", permalink=f"/{craft.lower()}/l4")
        return Quote(e, text + spacing, 0.5, True, e.url())

    thrice = Answer("who owns the design?", "lookup", True, quotes=[quote("Backend"), quote("Backend", "  "),
                                                                     quote("Backend", "\n")])
    twice_and_web = Answer("who owns the design?", "lookup", True,
                           quotes=[quote("Backend"), quote("Web"), quote("Backend", " ")])
    for answer, shared, crafts in ((thrice, None, ["Backend"]),
                                   (twice_and_web, "same in Backend and Web · Level 4", ["Backend", "Web"])):
        cites = [f"Acme › {craft} › Level 4 › Craft" for craft in crafts]
        slack = "\n".join(e["text"] for b in answer_message(answer, 1)["blocks"] if b["type"] == "context"
                          for e in b["elements"])
        teams = "\n".join(r["text"] for c in answer_card(answer, 1)["body"] if c["type"] == "Container"
                          for e in c["items"] if e["type"] == "RichTextBlock" for r in e["inlines"])
        terminal = render_answer(answer)
        for surface in (slack, teams, terminal):
            assert "same in  " not in surface and " in  ·" not in surface
            assert [surface.count(cite) for cite in cites] == [1] * len(crafts)
            assert ("same in Backend and Web · Level 4" in surface) == (shared is not None)
        assert terminal.count("I own the design of a service") == 1
        (group,) = answer_view(answer).main_groups
        assert group.shared == shared
        assert [q.entry.craft for q in group.quotes] == crafts

def test_the_buttons_to_offer_are_decided_once_in_the_view(monzo_answerer) -> None:
    """bot/view.py answer_actions: every surface renders these; none picks its own (issue 21, item 4)."""
    from bot.view import answer_actions
    from index.request import Request

    cell = monzo_answerer.ask("what does mastery look like for a level 3 backend engineer?")
    kinds = {a.kind: a for a in answer_actions(cell, monzo_answerer)}
    assert Request.from_json(kinds["compare_next"].payload["request"]) == Request(
        "compare", cell.quotes[0].entry.framework, cell.quotes[0].entry.craft, ("Level 3", "Level 4"), ("Mastery",))
    assert "compare_next" not in {a.kind for a in answer_actions(cell)}  # without the ladder, nothing beyond it
    choosing = monzo_answerer.ask("what is expected at level 3?")
    offered = answer_actions(choosing, monzo_answerer)
    assert [a.label for a in offered if a.kind == "choose"] == [c.label for c in choosing.choices]
    # Structured, never English: each choice carries its request, which answers without parsing.
    assert all(set(a.payload) == {"request"} for a in offered if a.kind == "choose")
    pressed = Request.from_json(offered[0].payload["request"])
    assert pressed is not None and monzo_answerer.answer_request(pressed).intent == "level"
    move = monzo_answerer.answer_request(Request("checklist", cell.quotes[0].entry.framework,
                                                 cell.quotes[0].entry.craft, ("Level 2", "Level 3")))
    assert move.checklist is not None
    assert "send_dm" in {a.kind for a in answer_actions(move)}
    assert "send_dm" not in {a.kind for a in answer_actions(move, dm=True)}  # it is in the DM already
    assert "whole_text" not in {a.kind for a in answer_actions(move)}


def _core_answer_uses(source: str) -> list[str]:
    """Where `source` uses the core Answer other than to build its view: a renderer may only hand an
    answer to `answer_view(...)` and must take everything it shows from the view. An answer is a name
    called `answer` or a parameter annotated `Answer`; reading its attributes, or passing it to anything
    else (`checklist_view(answer)`, `replace(answer, ...)`), re-derives a fact per surface."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    core = {"answer"} | {a.arg for a in ast.walk(tree) if isinstance(a, ast.arg) and a.annotation is not None
                         and ast.unparse(a.annotation).replace(" ", "") in ("Answer", "Answer|None")}
    uses = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Name) and node.id in core and isinstance(node.ctx, ast.Load)):
            continue
        call = parents.get(node)
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "answer_view" \
                and call.args and call.args[0] is node:
            continue
        use = parents.get(node)
        uses.append(f"line {node.lineno}: {ast.unparse(use if use is not None else node)[:80]}")
    # The view no longer carries the core answer, so `view.answer` cannot be a way round this.
    uses += [f"line {n.lineno}: .answer" for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr == "answer"]
    return uses


def test_the_check_on_renderers_catches_reads_of_the_core_answer() -> None:
    fine = "def f(view: AnswerView, answer: Answer) -> str:\n    return view.lead + answer_view(answer).lead"
    assert _core_answer_uses(fine) == []
    for reads in ("def f(answer: Answer) -> str:\n    return answer.question",
                  "def f(piece: Answer) -> str:\n    return piece.message",
                  "def f(a: Answer | None) -> object:\n    return checklist_view(a)",
                  "def f(answer: Answer) -> object:\n    return replace(answer, quotes=[])",
                  "def f(view: AnswerView) -> object:\n    return view.answer.intent"):
        assert _core_answer_uses(reads), reads


# The renderers of issue 21 item 4: each reads only AnswerView (bot/view.py), which decides once what
# every surface shows.
VIEW_ONLY_RENDERERS = ("bot/text.py", "bot/slack/blocks.py", "bot/teams/cards.py")


@pytest.mark.parametrize("path", VIEW_ONLY_RENDERERS)
def test_renderers_read_the_answer_only_through_its_view(path: str) -> None:
    source = (Path(__file__).resolve().parents[2] / path).read_text()
    assert _core_answer_uses(source) == []


def test_a_cell_continued_over_several_teams_cards_is_not_headed_also_relevant() -> None:
    """A lookup's cell too long for one card goes on in the next cards as itself; "Also relevant" heads
    the other areas only, once (the view's split, not the position of a piece among the cards)."""
    from bot.teams.cards import answer_cards
    from index.answer import Quote
    from index.entry import Entry
    from tests.teams.harness import card_texts

    text = "\n\n".join(f"Paragraph {i}: " + "words " * 400 for i in range(10))
    big = Entry("FW", "C", "Level 1", "R", "S", "Big", text, False, "p.md:3")
    other = Entry("FW", "C", "Level 1", "R", "S", "Other", "I do other things.", False, "p.md:30")
    answer = Answer("big?", "lookup", True, quotes=[Quote(big, text, 0.9, True, None),
                                                    Quote(other, other.description, 0.5, True, None)])
    made = answer_cards(answer, whole=True)
    assert len(made) > 1  # the case under test: the cell is in pieces over several cards
    shown = [t for c in made for t in card_texts(c["body"]) if t in ("Also relevant", "Big", "Other")]
    assert shown[-2:] == ["Also relevant", "Other"] and shown.count("Also relevant") == 1
    assert set(shown[:-2]) == {"Big"}
    # Each card's plain-text fallback says the same.
    assert ["Also relevant:" in c["fallbackText"] for c in made] == [False] * (len(made) - 1) + [True]


def test_a_word_longer_than_the_screen_is_cut_between_emoji_with_an_ellipsis_on_both_surfaces() -> None:
    """A cell of one unbroken run (a pasted token, a long link, emoji) has no sentence or space to cut at
    to fit a phone screen: Slack and Teams show its start up to a whole emoji, then "…" (the text goes
    on), and offer the whole text. Before, both cut inside "👩‍💻" and showed no sign of the cut."""
    from bot.slack.blocks import ACTION_WHOLE_CELL, answer_message
    from bot.teams.cards import answer_card
    from index.answer import Quote
    from index.entry import Entry
    from tests.slack.harness import buttons_of

    run = "👩\u200d💻" * 700  # three code points each, joined by U+200D
    entry = Entry("FW", "C", "Level 1", "R", "S", "Emoji", run, False, "p.md:3")
    answer = Answer("emoji?", "lookup", True, quotes=[Quote(entry, run, 0.9, True, None)])

    message = answer_message(answer, 1)
    (quoted,) = [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]
    assert quoted.startswith("> ") and quoted.endswith("…")
    shown = quoted[2:-1]
    assert run.startswith(shown) and len(shown) % 3 == 0 and shown
    assert ACTION_WHOLE_CELL in buttons_of(message)

    card = answer_card(answer, 1)
    (quote_box,) = [e for c in card["body"] if c["type"] == "Container" for e in c["items"]
                    if e.get("style") == "emphasis"]
    runs = "".join(r["text"] for block in quote_box["items"] for r in block["inlines"])
    assert runs.endswith("…") and run.startswith(runs[:-1]) and len(runs[:-1]) % 3 == 0
    assert any(a["title"] == "Show the whole text" for c in card["body"] if c["type"] == "Container"
               for e in c["items"] if e["type"] == "ActionSet" for a in e["actions"])


def test_the_line_about_marked_words_says_the_same_words_on_every_surface() -> None:
    """Above a checklist's or a comparison's marked words, one line in the view's words says what the
    marks are; each surface marks the sample as it marks the new words (bold, {+…+}) and adds nothing.
    Before, Slack said "*Bold*: words new since …", Teams "Bold: words new since …" and the terminal
    "(Words new since … are marked {+like this+}.)"."""
    from bot.slack.blocks import answer_message
    from bot.teams.cards import answer_card
    from index.answer import Checklist, Quote
    from index.entry import Entry
    from index.worddiff import new_spans

    old, new = "I review <designs> & code.", "I review <designs> & code across teams."
    low = Entry("Acme", "Backend", "Level 3 & <up>", "R", "Craft", "Mastery", old, False, "l3.md:4")
    high = Entry("Acme", "Backend", "Level 4", "R", "Craft", "Mastery", new, False, "l4.md:4")
    marked = Quote(high, new, 1.0, True, None, new_words=new_spans(old, new), new_against=low.level)
    compared = Answer("compare", "compare", True, quotes=[Quote(low, old, 1.0, True, None), marked])
    checklist = Answer("from 3 to 4?", "checklist", True, quotes=[marked],
                       checklist=Checklist(low.level, "Level 4", "Backend", ("changed",)))
    words = "Words new since Level 3 & <up> are marked like this."
    for answer in (compared, checklist):
        slack = [e["text"] for b in answer_message(answer, 1)["blocks"] if b["type"] == "context"
                 for e in b["elements"] if "new since" in e["text"]]
        assert slack == ["Words new since Level 3 &amp; &lt;up&gt; are marked *like this*."]
        teams = [b["inlines"] for b in answer_card(answer, 1)["body"] if b["type"] == "RichTextBlock"
                 and "new since" in "".join(r["text"] for r in b["inlines"])]
        assert ["".join(r["text"] for r in runs) for runs in teams] == [words]
        assert [r["text"] for r in teams[0] if r.get("weight") == "Bolder"] == ["like this"]
        terminal = [line for line in render_answer(answer).splitlines() if "new since" in line]
        assert terminal == ["(Words new since Level 3 & <up> are marked {+like this+}.)"]
        legend = answer_view(answer).legend
        assert legend is not None and legend.text == words
    assert answer_view(Answer("q", "compare", True, quotes=[Quote(low, old, 1.0, True, None),
                                                            Quote(high, new, 1.0, True, None)])).legend is None
