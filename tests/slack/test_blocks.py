"""Answers as Block Kit: verbatim, escaped, cited, and within Slack's limits for any content."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.slack.blocks import (
    ACTION_CHECKLIST_DM,
    MAX_BLOCKS,
    SECTION_LIMIT,
    answer_message,
    escape,
    home_view,
    plain_question,
    split_for_sections,
    todo_message,
)
from index.answer import Answer, Checklist, Choice, Quote
from index.entry import Entry
from index.followup import Context
from tests.slack.harness import assert_valid_message, blocks_text, normalised, quoted


def _entry(area: str = "ML Ops", description: str = "I run it.", todo: bool = False, **kw: object) -> Entry:
    fields: dict[str, object] = dict(
        framework="Vaarst", craft="ML Craft", level="Level 1", role="Head", section="Craft - All", area=area,
        description=description, todo=todo, source="ml/level1.md:12", permalink="/ml/level1",
    )
    fields.update(kw)
    return Entry(**fields)  # type: ignore[arg-type]


def _quote(entry: Entry, complete: bool = True, site: str | None = None) -> Quote:
    return Quote(entry, "" if entry.todo else entry.description, 0.8, complete, entry.url(site))


def _sentences(n: int, words: int = 12) -> str:
    return " ".join(f"Sentence {i} " + "word " * words + "ends here." for i in range(n))


def test_a_long_quote_is_split_at_paragraphs_and_sentences_and_kept_verbatim() -> None:
    description = "\n\n".join([_sentences(20), _sentences(60), "Short & <sharp> closing paragraph."])
    assert len(description) > 2 * SECTION_LIMIT
    message = answer_message(Answer("q", "lookup", True, quotes=[_quote(_entry(description=description))]), 7,
                             whole=True)
    assert_valid_message(message)
    sections = [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]
    assert len(sections) >= 3 and all(len(s) <= SECTION_LIMIT for s in sections)
    # Every piece ends at a sentence end: nothing is cut mid-word.
    assert all(s.rstrip().endswith((".", "ends here.")) for s in sections)
    assert quoted(message["blocks"]) == normalised(escape(description))


def test_a_huge_cell_stays_within_50_blocks_and_says_where_the_rest_is() -> None:
    description = "\n\n".join(_sentences(25) for _ in range(80))
    message = answer_message(Answer("q", "lookup", True, quotes=[_quote(_entry(description=description))]), 1,
                             whole=True)
    assert_valid_message(message)
    assert len(message["blocks"]) <= MAX_BLOCKS
    shown = blocks_text(message["blocks"])
    assert "continues at the link" in shown and "ML Ops" in shown  # the citation survives the cut
    assert "feedback_helpful" in json.dumps(message["blocks"])


def test_content_and_questions_are_escaped_and_citations_linked_with_site_url() -> None:
    entry = _entry(area="R&D <Lab>", description="Use <!channel> & <@U123> wisely > all.")
    answer = Answer("<!here> & <@U9>?", "lookup", True, quotes=[_quote(entry, site="https://fw.example.com")])
    message = answer_message(answer, 3, share=True)
    assert_valid_message(message)
    # Button values are never shown: "Share in channel" keeps the question verbatim, to ask it again.
    values = [e.pop("value") for b in message["blocks"] for e in b.get("elements", []) if "value" in e]
    assert answer.question in [json.loads(v).get("c") for v in values]
    wire = json.dumps(message)
    assert "<!channel>" not in wire and "<!here>" not in wire and "<@U" not in wire
    shown = blocks_text(message["blocks"])
    assert "R&amp;D &lt;Lab&gt;" in shown and "&lt;!channel&gt; &amp; &lt;@U123&gt;" in shown
    assert "<https://fw.example.com/ml/level1#rd-lab|*R&amp;D &lt;Lab&gt;*>" in shown
    assert "Vaarst › ML Craft › Level 1 › Craft - All › " in shown


def test_without_site_url_the_citation_is_plain_and_source_is_shown() -> None:
    message = answer_message(Answer("q", "lookup", True, quotes=[_quote(_entry())]), 3)
    shown = blocks_text(message["blocks"])
    assert "<" not in shown.replace("&lt;", "") and "`ml/level1.md:12`" in shown


def test_lookup_shows_two_also_relevant_and_other_intents_show_all_in_order() -> None:
    quotes = [_quote(_entry(area=f"Area {i}", description=f"Text {i}.")) for i in range(4)]
    lookup = answer_message(Answer("q", "lookup", True, quotes=quotes), 1)
    shown = blocks_text(lookup["blocks"])
    assert "Also relevant" in shown and "Area 2" in shown and "Area 3" not in shown
    compare = answer_message(Answer("q", "compare", True, quotes=quotes), 1)
    shown = blocks_text(compare["blocks"])
    assert "Also relevant" not in shown
    assert [shown.index(f"Text {i}.") for i in range(4)] == sorted(shown.index(f"Text {i}.") for i in range(4))


def test_todo_is_called_out_as_not_written_yet_never_quoted() -> None:
    entry = _entry(area="Architecture", description="TODO", todo=True)
    answer = Answer("q", "lookup", True, quotes=[_quote(entry)], message="This expectation has not been written yet.")
    message = answer_message(answer, 2)
    assert_valid_message(message)
    assert "not written yet" in blocks_text(message["blocks"]) and quoted(message["blocks"]) == ""


def test_truncated_question_gets_a_note() -> None:
    message = answer_message(Answer("x" * 1000, "lookup", True, quotes=[_quote(_entry())], truncated=True), 2)
    assert_valid_message(message)
    assert "first 1,000" in blocks_text(message["blocks"]) and "first 1,000" in message["text"]


def test_todo_list_and_home_view_fit_slack_limits() -> None:
    from slack_sdk.models.views import View

    entries = [_entry(area=f"Area {i} & more", todo=True, description="") for i in range(120)]
    message = todo_message(entries, None)
    assert_valid_message(message)
    assert "120 area(s)" in message["text"] and "80 more" in blocks_text(message["blocks"])
    view = home_view(entries, "https://fw.example.com", "how to ask")
    View(**view).validate_json()
    assert len(view["blocks"]) <= MAX_BLOCKS


def test_plain_question_reads_slack_markup_as_words() -> None:
    assert plain_question("<!channel> hi <@U1|ann> in <#C1|general> see <https://x.io|docs> &amp; &lt;b&gt;") == (
        "@channel hi @ann in #general see docs & <b>"
    )
    assert plain_question("<!subteam^S1|@leads> <!here> <@U2>") == "@leads @here @U2"


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .!?\n&<>é")), max_size=9000))
def test_splitting_never_exceeds_the_limit_and_loses_nothing(text: str) -> None:
    pieces = split_for_sections(escape(text), lambda s: s, 500)
    assert all(len(p) <= 500 for p in pieces)
    assert "".join("".join(pieces).split()) == "".join(escape(text).split())


def test_an_unbroken_run_is_cut_without_splitting_an_escape() -> None:
    text = escape("&" * 700)
    pieces = split_for_sections(text, lambda s: s, 998)
    assert "".join(pieces) == text and all(len(p) <= 998 and p.startswith("&amp;") for p in pieces)


def test_a_partial_quote_offers_the_whole_cell_and_a_complete_one_does_not() -> None:
    entry = _entry(description="First paragraph.\n\nSecond paragraph.")
    partial = Quote(entry, "Second paragraph.", 0.7, False, None)
    message = answer_message(Answer("q", "lookup", True, quotes=[partial]), 4)
    assert_valid_message(message)
    (button,) = [el for b in message["blocks"] if b["type"] == "actions" for el in b["elements"]
                 if el["action_id"] == "whole_cell"]
    assert json.loads(button["value"]) == {"e": entry.id, "q": 4}
    assert "whole text is one click away" in blocks_text(message["blocks"])
    complete = answer_message(Answer("q", "lookup", True, quotes=[_quote(entry)]), 4)
    assert "whole_cell" not in json.dumps(complete["blocks"])


def test_choices_are_buttons_that_carry_their_question() -> None:
    choosing = Answer("what is expected at level 3?", "choose", False, message="Level 3 is written for 2 crafts: "
                      "which one do you mean?", choices=[Choice("Backend <craft>", "what is expected of Level 3 in "
                      "Backend?"), Choice("Web", "what is expected of Level 3 in Web?")])
    message = answer_message(choosing, None)
    assert_valid_message(message)
    buttons = [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [(b["action_id"], json.loads(b["value"])["c"]) for b in buttons] == [
        ("choose_0", "what is expected of Level 3 in Backend?"), ("choose_1", "what is expected of Level 3 in Web?")]
    assert buttons[0]["text"]["text"] == "Backend <craft>"  # plain_text: Slack shows it as typed
    assert "Backend &lt;craft&gt;" in message["text"]  # the mrkdwn fallback is escaped


def _checklist_answer(question: str) -> Answer:
    quotes = [_quote(_entry(area=a, level="Level 2")) for a in ("ML Ops", "AI Strategy")]
    return Answer(question, "checklist", True, quotes=quotes,
                  checklist=Checklist("Level 1", "Level 2", "ML Craft", ("changed", "new")))


def _dm_button(message: dict) -> dict | None:
    return next((el for b in message["blocks"] if b["type"] == "actions" for el in b["elements"]
                 if el["action_id"] == ACTION_CHECKLIST_DM), None)


def test_send_as_dm_carries_the_context_within_slacks_2000_characters() -> None:
    # docs/slack.md: the button carries the context a follow-up checklist followed on from. A long
    # question full of characters JSON escapes is shortened to fit; the context is kept whole.
    question = ('how do I get "promoted" from there \\ ' * 40)[:1000]
    followed = Context("Vaarst " * 30, "ML Craft " * 30, "Level 1", "Ownership " * 30)
    message = answer_message(_checklist_answer(question), 7, followed=followed)
    assert_valid_message(message)
    button = _dm_button(message)
    assert button is not None and len(button["value"]) <= 2000
    value = json.loads(button["value"])
    assert value["q"] == 7 and Context.from_json(value["x"]) == followed
    assert value["c"] and question.startswith(value["c"])

    # Not offered in the DM itself, nor when the context alone would not fit (a click would answer
    # something else).
    assert _dm_button(answer_message(_checklist_answer(question), 7, followed=followed, dm=True)) is None
    huge = Context("F" * 700, "C" * 700, "L" * 700)
    assert _dm_button(answer_message(_checklist_answer(question), 7, followed=huge)) is None
    assert _dm_button(answer_message(_checklist_answer(question), 7)) is not None
