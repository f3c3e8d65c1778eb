"""Teams chats over real HTTP: questions, mentions, cards, buttons, feedback, commands."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

import pytest

from bot.prompts import help_example
from bot.teams import cards
from bot.teams.listeners import actions, replies
from bot.view import area_label
from index.answer import NO_MATCH, Answer, Answerer, Checklist, Choice, quote_for
from tests.teams.harness import (
    BOT_NAME,
    Bot,
    Connector,
    adaptive_card,
    assert_valid_card,
    card_actions,
    card_elements,
    card_texts,
    message,
)

QUESTION = "what does AI governance expect at level 1?"


def stored(bot: Bot, sql: str, *params: Any) -> list[Any]:
    """Rows of the bot's own shared store (bot/store), read as another process would."""
    with bot.services.store.engine.connect() as conn:
        return list(conn.exec_driver_sql(sql, params).mappings())


def paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if p.strip()]


def test_personal_question_is_answered_with_the_verbatim_quote(bot: Bot, connector: Connector) -> None:
    expected = bot.services.answerer.ask(QUESTION)
    assert expected.confident and not expected.todo and expected.quotes[0].text  # the case under test

    replies = bot.replies(message(QUESTION, service_url=connector.url))

    assert len(replies) == 1
    card = adaptive_card(replies[0])
    texts = card_texts(card["body"])
    top = expected.quotes[0]
    for para in paragraphs(top.text):
        assert para in texts  # each paragraph verbatim, as its own run of text
    assert top.entry.area in texts
    cite = next(t for t in texts if top.entry.level in t and " › " in t)
    assert cite.startswith(f"{top.entry.framework} › {top.entry.craft} › {top.entry.level}")
    assert top.entry.source in cite  # no CAREERFW_SITE_URL: plain citation with file:line
    # One phone screen: what else is relevant is named, and under "Show all", opened in the card.
    hidden = [t for a in card.get("actions", []) if a["type"] == "Action.ShowCard"
              for t in card_texts(a["card"]["body"])]
    assert "Also relevant" in texts + hidden
    for other in expected.quotes[1:3]:
        assert other.entry.area in texts + hidden
    # The message text is a one-line lead (notifications, chat list); the plain-text fallback for
    # clients that cannot render the card carries the quote itself.
    assert replies[0]["text"] == f"From the framework: {top.entry.area} ({top.entry.level})"
    assert replies[0]["textFormat"] == "plain"
    assert paragraphs(top.text)[0][:60] in replies[0]["summary"]
    assert paragraphs(top.text)[0][:60] in card["fallbackText"]
    assert connector.posts() == []  # expectReplies: nothing went through the connector


def test_channel_mention_is_stripped_and_answered_in_the_thread(bot: Bot, connector: Connector) -> None:
    connector.clear()
    thread = "19:general@thread.tacv2;messageid=1700000000001"
    activity = message(
        f"<at>{BOT_NAME}</at> {QUESTION}", service_url=connector.url, conversation=thread, kind="channel",
        mention=True, team="19:general@thread.tacv2",
    )

    status, _ = bot.post(activity)

    assert status == 202
    posts = connector.posts()
    assert len(posts) == 1
    # A reply to the message (POST …/activities/{id}) is what puts it in the message's thread.
    assert posts[0].path == f"/v3/conversations/{thread}/activities/{activity['id']}"
    reply = posts[0].body
    assert reply["replyToId"] == activity["id"]
    assert reply["conversation"]["id"] == thread
    card = adaptive_card(reply)
    asked = {a["data"]["question"] for a in card_actions(card) if a["data"][cards.SUBMIT_KEY] == cards.FEEDBACK}
    assert asked == {QUESTION}  # the mention is gone from the question that was answered
    expected = bot.services.answerer.ask(QUESTION)
    assert paragraphs(expected.quotes[0].text)[0] in card_texts(card["body"])


@pytest.mark.parametrize("kind", ["channel", "groupChat"])
def test_group_messages_without_a_mention_are_left_alone(bot: Bot, connector: Connector, kind: str) -> None:
    connector.clear()
    conversation = f"19:{kind}-quiet@thread.v2"
    status, _ = bot.post(message(QUESTION, service_url=connector.url, conversation=conversation, kind=kind))
    assert status == 202
    assert connector.posts() == []
    assert bot.services.conversations.get(conversation) is None


def test_group_chat_mention_is_answered(bot: Bot, connector: Connector) -> None:
    replies = bot.replies(
        message(f"<at>{BOT_NAME}</at> {QUESTION}", service_url=connector.url, conversation="19:group@thread.v2",
                kind="groupChat", mention=True)
    )
    assert len(replies) == 1
    assert adaptive_card(replies[0])["type"] == "AdaptiveCard"


def test_answer_cards_are_valid_adaptive_cards_with_a_text_fallback(bot: Bot, connector: Connector) -> None:
    for question in (QUESTION, "which areas are still TODO?", "what is the weather in Paris tomorrow?"):
        replies = bot.replies(message(question, service_url=connector.url))
        assert len(replies) == 1
        card = adaptive_card(replies[0])
        assert_valid_card(card)
        assert replies[0]["summary"] == card["fallbackText"]
        assert replies[0]["text"].strip() and "\n" not in replies[0]["text"]


def test_todo_area_is_called_out_as_not_written_yet(seed_answerer: Answerer) -> None:
    entry = next(e for e in seed_answerer.entries if e.todo)
    answer = seed_answerer.explain(entry.id)
    card = cards.answer_card(answer, question_id=7)
    assert_valid_card(card)
    texts = card_texts(card["body"])
    assert any(cards.NOT_WRITTEN_YET in t for t in texts)
    assert entry.area in texts
    assert "TODO" not in texts  # never the placeholder word as if it were the quote


def test_not_written_yet_reads_on_its_background(seed_answerer: Answerer) -> None:
    """The note was Warning-coloured text (pale yellow) on the quotes' light grey: now default-coloured
    text in a warning box, in an answer and in a promotion checklist alike."""
    entry = next(e for e in seed_answerer.entries if e.todo)
    explained = seed_answerer.explain(entry.id)
    checklist = replace(explained, intent="checklist",
                        checklist=Checklist("Level 0", entry.level, entry.craft, ("new",)))
    for card in (cards.answer_card(explained), cards.answer_card(checklist)):
        assert_valid_card(card)
        boxes = [c for c in card_elements(card["body"], "Container")
                 if any(cards.NOT_WRITTEN_YET in t for t in card_texts(c.get("items")))
                 and not card_elements(c.get("items"), "Container")]
        assert boxes and all(box["style"] == "warning" for box in boxes)
        notes = [b for box in boxes for b in box["items"] if cards.NOT_WRITTEN_YET in b.get("text", "")]
        assert notes and all(note.get("color", "Default") == "Default" and not note.get("isSubtle") for note in notes)


def test_did_you_mean_buttons_are_short_and_the_card_names_each_area_in_full(seed_answerer: Answerer) -> None:
    """docs/teams.md, cards: Teams cuts a long button title ("Machine Learning and Deep Learning (Level 1
    (Hea…"), so each button is a number and a short name, and the card lists the areas in full."""
    offered = sorted(seed_answerer.entries, key=lambda e: len(area_label(e)), reverse=True)[:3]
    assert len(area_label(offered[0])) > cards.MAX_BUTTON_TITLE  # the case under test
    answer = Answer("ml stuff?", "lookup", False, suggestions=[quote_for(e, 0.2, (), None) for e in offered],
                    message=NO_MATCH)
    card = cards.answer_card(answer)
    assert_valid_card(card)
    buttons = [b for b in card_actions(card) if b["data"][cards.SUBMIT_KEY] == cards.EXPLAIN]
    assert [b["data"]["entry_id"] for b in buttons] == [e.id for e in offered]
    texts = card_texts(card["body"])
    for n, (button, entry) in enumerate(zip(buttons, offered, strict=True), start=1):
        assert len(button["title"]) <= cards.MAX_BUTTON_TITLE
        assert button["title"].startswith(f"{n}. ")
        assert f"{n}. {area_label(entry)}, {entry.craft}" in texts  # the detail, whole, in the card


def test_not_confident_answer_offers_areas_as_buttons_and_quotes_nothing(seed_answerer: Answerer) -> None:
    nearest = [e for e in seed_answerer.entries if not e.todo][:3]
    answer = Answer("how do I get promoted fastest?", "lookup", False,
                    suggestions=[quote_for(e, 0.2, (), None) for e in nearest], message=NO_MATCH)
    card = cards.answer_card(answer)
    assert_valid_card(card)
    texts = card_texts(card["body"])
    assert NO_MATCH in texts
    for entry in nearest:
        assert not any(p in texts for p in paragraphs(entry.description))  # offered, never quoted
    buttons = card_actions(card)
    assert [b["data"]["entry_id"] for b in buttons] == [e.id for e in nearest]
    assert all(b["data"][cards.SUBMIT_KEY] == cards.EXPLAIN for b in buttons)
    assert not [b for b in buttons if b["data"][cards.SUBMIT_KEY] == cards.FEEDBACK]


def test_citation_links_to_the_site_when_site_url_is_set(start_bot: Any, seed_answerer: Answerer,
                                                          connector: Connector) -> None:
    site = "https://framework.example.com"
    linked = Answerer(seed_answerer.index, seed_answerer.embedder, site_url=site)
    bot = start_bot(linked, teams_allow_anonymous=True, site_url=site)
    card = adaptive_card(bot.replies(message(QUESTION, service_url=connector.url))[0])
    top = linked.ask(QUESTION).quotes[0]
    urls = [a["url"] for a in card_actions(card, "Action.OpenUrl")]
    assert top.url in urls and top.url.startswith(site + "/")


def test_did_you_mean_button_answers_that_area(bot: Bot, connector: Connector, seed_answerer: Answerer) -> None:
    entry = next(e for e in seed_answerer.entries if not e.todo and len(e.paragraphs) > 1)
    value = {cards.SUBMIT_KEY: cards.EXPLAIN, "entry_id": entry.id, "question": "something vague"}
    replies = bot.replies(message(None, service_url=connector.url, value=value))
    assert len(replies) == 1
    texts = card_texts(adaptive_card(replies[0])["body"])
    assert all(p in texts for p in entry.paragraphs)  # the whole cell of the chosen area


def test_a_did_you_mean_click_on_an_area_since_removed_is_not_counted_as_a_question(
        bot: Bot, connector: Connector) -> None:
    # The framework changed after the card was sent: the click is told the area is gone, as on Slack, and is
    # no question the framework refused: the owners' report (bot/report) would list it as a gap in their pages.
    before = stored(bot, "SELECT count(*) AS n FROM questions")[0]["n"]
    value = {cards.SUBMIT_KEY: cards.EXPLAIN, "entry_id": "removed-area", "question": "something vague"}
    replies = bot.replies(message(None, service_url=connector.url, value=value))
    assert len(replies) == 1 and "no longer in the framework" in json.dumps(replies[0])
    assert stored(bot, "SELECT count(*) AS n FROM questions")[0]["n"] == before


def test_button_in_a_channel_needs_no_mention(bot: Bot, connector: Connector, seed_answerer: Answerer) -> None:
    entry = seed_answerer.entries[0]
    value = {cards.SUBMIT_KEY: cards.EXPLAIN, "entry_id": entry.id}
    replies = bot.replies(message(None, service_url=connector.url, conversation="19:c@thread.tacv2", kind="channel",
                                  value=value, team="19:c@thread.tacv2"))
    assert len(replies) == 1 and entry.area in card_texts(adaptive_card(replies[0])["body"])


def test_feedback_buttons_are_recorded_in_the_shared_feedback_table(bot: Bot, connector: Connector) -> None:
    card = adaptive_card(bot.replies(message(QUESTION, service_url=connector.url, aad="aad-voter"))[0])
    votes = {b["title"]: b["data"] for b in card_actions(card) if b["data"][cards.SUBMIT_KEY] == cards.FEEDBACK}
    assert set(votes) == {"Helpful", "Not helpful"}
    question_id = votes["Helpful"]["question_id"]

    thanks = bot.replies(message(None, service_url=connector.url, aad="aad-voter", value=votes["Helpful"]))
    assert "helpful" in thanks[0]["text"].lower()

    rows = stored(bot, "SELECT surface, question_id, question, verdict, entries FROM feedback")
    mine = [r for r in rows if r["question_id"] == question_id]
    assert len(mine) == 1
    assert (mine[0]["surface"], mine[0]["question"], mine[0]["verdict"]) == ("teams", QUESTION, "helpful")
    top = bot.services.answerer.ask(QUESTION).quotes[0].entry
    assert json.loads(mine[0]["entries"])[0]["id"] == top.id
    (asked,) = stored(bot, "SELECT surface, question FROM questions WHERE id = ?", question_id)
    assert (asked["surface"], asked["question"]) == ("teams", QUESTION)

    # Changing one's mind replaces the vote rather than counting twice.
    bot.replies(message(None, service_url=connector.url, aad="aad-voter", value=votes["Not helpful"]))
    mine = stored(bot, "SELECT verdict FROM feedback WHERE question_id = ?", question_id)
    assert [r["verdict"] for r in mine] == ["not_helpful"]


def test_in_a_group_chat_only_the_asker_can_vote_on_an_answer(bot: Bot, connector: Connector) -> None:
    """docs/teams.md, feedback: as in Slack, a vote counts only as the asker's. Everyone in a group chat
    sees the card; someone else's press is refused politely and records nothing."""
    group = {"service_url": connector.url, "conversation": "19:votes@thread.v2", "kind": "groupChat"}
    card = adaptive_card(bot.replies(message(f"<at>{BOT_NAME}</at> {QUESTION}", mention=True, aad="aad-asker",
                                             user="29:asker", **group))[0])
    votes = {b["title"]: b["data"] for b in card_actions(card) if b["data"][cards.SUBMIT_KEY] == cards.FEEDBACK}
    question_id = votes["Helpful"]["question_id"]

    def rows() -> list[str]:
        return [r["verdict"] for r in stored(bot, "SELECT verdict FROM feedback WHERE question_id = ?", question_id)]

    (refused,) = bot.replies(message(None, value=votes["Not helpful"], aad="aad-bystander", user="29:bystander",
                                     **group))
    assert refused["text"] == actions.NOT_YOURS
    assert rows() == []
    (thanks,) = bot.replies(message(None, value=votes["Helpful"], aad="aad-asker", user="29:asker", **group))
    assert thanks["text"] == actions.FEEDBACK_THANKS["helpful"]
    assert rows() == ["helpful"]
    # Without a stored question nothing says who asked: refused in a group chat, kept in a personal chat
    # (only the asker sees that card).
    unbound = {k: v for k, v in votes["Helpful"].items() if k != "question_id"}
    (stale,) = bot.replies(message(None, value=unbound, aad="aad-bystander", user="29:bystander", **group))
    assert stale["text"] == replies.STALE_BUTTON
    (kept,) = bot.replies(message(None, value=unbound, service_url=connector.url, aad="aad-asker"))
    assert kept["text"] == actions.FEEDBACK_THANKS["helpful"]


def test_forged_or_stale_button_gets_a_polite_reply(bot: Bot, connector: Connector) -> None:
    value = {cards.SUBMIT_KEY: cards.FEEDBACK, "helpful": "very", "question": 5}
    replies = bot.replies(message(None, service_url=connector.url, value=value))
    assert replies[0]["text"] == "That button belongs to an older answer I can no longer act on. " \
        "Please ask the question again."
    assert stored(bot, "SELECT id FROM feedback WHERE question = '5'") == []


def test_help_offers_an_example_from_the_framework_served(monzo_bot: Bot, connector: Connector) -> None:
    answerer = monzo_bot.services.answerer
    example = help_example(answerer.entries, answerer.level_order)
    help_reply = monzo_bot.replies(message("help", service_url=connector.url, conversation="a:monzo-help"))[0]
    assert f"`{example}`" in help_reply["text"] and "Head of ML" not in help_reply["text"]


def test_help_and_todo_commands(bot: Bot, connector: Connector, seed_answerer: Answerer) -> None:
    help_reply = bot.replies(message("help", service_url=connector.url))[0]
    assert "todo" in help_reply["text"] and "@mention" in help_reply["text"]

    todo = bot.replies(
        message(f"<at>{BOT_NAME}</at> todo", service_url=connector.url, conversation="19:t@thread.tacv2",
                kind="channel", mention=True, team="19:t@thread.tacv2")
    )[0]
    card = adaptive_card(todo)
    assert_valid_card(card)
    texts = " ".join(card_texts(card["body"]))
    todo_entries = seed_answerer.todo()
    assert todo_entries
    for entry in todo_entries:
        assert entry.area in texts
    assert all(e.area not in texts for e in seed_answerer.entries if not e.todo)
    assert all(e.area in card["fallbackText"] for e in todo_entries)


def test_a_failing_answer_gets_a_polite_reply_not_a_trace(start_bot: Any, seed_answerer: Answerer,
                                                          connector: Connector) -> None:
    class Broken(Answerer):
        def ask(self, question: str, limit: int = 3) -> Answer:
            raise RuntimeError("index exploded at /secret/path")

    bot = start_bot(Broken(seed_answerer.index, seed_answerer.embedder), teams_allow_anonymous=True)
    replies = bot.replies(message(QUESTION, service_url=connector.url))
    assert len(replies) == 1
    assert replies[0]["text"].startswith("Sorry, something went wrong")
    assert "exploded" not in json.dumps(replies) and "Traceback" not in json.dumps(replies)


def test_over_the_rate_limit_gets_a_polite_reply(start_bot: Any, seed_answerer: Answerer,
                                                  connector: Connector) -> None:
    bot = start_bot(seed_answerer, teams_allow_anonymous=True, rate_limit_per_minute=2)
    for _ in range(2):
        assert "attachments" in bot.replies(message(QUESTION, service_url=connector.url, aad="aad-busy"))[0]
    refused = bot.replies(message(QUESTION, service_url=connector.url, aad="aad-busy"))[0]
    assert "Please ask again in" in refused["text"]
    # Someone else is not affected.
    assert "attachments" in bot.replies(message(QUESTION, service_url=connector.url, aad="aad-other"))[0]


def _long_quotes(count: int, paragraphs_each: int) -> list[Any]:
    from index.entry import Entry

    def entry(n: int) -> Entry:
        text = "\n\n".join(
            f"Area {n} paragraph {p}: " + "I do the work well. " * 20 for p in range(paragraphs_each)
        )
        return Entry("Framework", "Craft", "Level 4", "Engineer - Level 4", "Skills", f"Area {n}", text, False,
                     f"level4.md:{n + 10}", permalink="/level4")

    return [quote_for(entry(n), 0.5, (), None) for n in range(count)]


def test_an_answer_too_big_for_one_message_is_split_over_cards_in_order() -> None:
    quotes = _long_quotes(24, 2)
    answer = Answer("what is expected at level 4?", "level", True, quotes=quotes)
    assert cards.card_bytes(cards.answer_card(answer, whole=True)) > cards.MAX_CARD_BYTES  # the case under test

    made = cards.answer_cards(answer, question_id=3, whole=True)  # "Show all" would cut nothing

    assert 1 < len(made) <= cards.MAX_CARDS
    shown: list[str] = []
    for n, card in enumerate(made, start=1):
        assert_valid_card(card)
        assert cards.card_bytes(card) <= cards.MAX_CARD_BYTES
        texts = card_texts(card["body"])
        shown += [t for t in texts if re.fullmatch(r"Area \d+", t)]
        votes = card_actions(card)
        assert bool(votes) == (n == len(made))  # one pair of vote buttons, on the last card
        assert (f"(continued, {n} of {len(made)})" in texts) == (n > 1)
    assert shown == [q.entry.area for q in quotes]  # every quote, in order, once
    assert card_actions(made[-1])[0]["data"]["entry_id"] == quotes[0].entry.id


def test_beyond_the_card_limit_the_rest_is_named_not_dropped_silently() -> None:
    quotes = _long_quotes(80, 3)
    made = cards.answer_cards(Answer("everything at level 4", "level", True, quotes=quotes), whole=True)
    assert len(made) == cards.MAX_CARDS
    quoted = [t for c in made for t in card_texts(c["body"]) if re.fullmatch(r"Area \d+", t)]
    rest = card_texts(made[-1]["body"])[-1]
    assert all(cards.card_bytes(c) <= cards.MAX_CARD_BYTES for c in made)
    assert quoted == [q.entry.area for q in quotes[: len(quoted)]]
    assert rest == ", ".join(f"{q.entry.area} (Level 4)" for q in quotes[len(quoted):])


def test_a_vote_the_database_cannot_take_gets_a_polite_reply(start_bot: Any, seed_answerer: Answerer,
                                                              connector: Connector) -> None:
    bot = start_bot(seed_answerer, teams_allow_anonymous=True)
    card = adaptive_card(bot.replies(message(QUESTION, service_url=connector.url))[0])
    vote = next(b["data"] for b in card_actions(card) if b["title"] == "Helpful")
    # Someone broke the table (a real SQLite failure, not a mock): writes to it now fail.
    with bot.services.store.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE feedback")
        conn.exec_driver_sql("CREATE VIEW feedback AS SELECT 1 AS id")

    reply = bot.replies(message(None, service_url=connector.url, value=vote))

    assert [r["text"] for r in reply] == ["Sorry, I could not record that vote just now. Please try again in a few "
                                          "minutes."]


def test_a_choice_button_asks_the_question_it_carries(bot: Bot, connector: Connector, seed_answerer: Answerer) -> None:
    # A level written for several crafts answers with one button per craft (index/answer.py, "choose").
    choosing = Answer("what is expected at level 3?", "choose", False, message="Level 3 is written for 2 crafts: "
                      "which one do you mean?", choices=[Choice("Backend", QUESTION), Choice("Web", "web level 3")])
    card = cards.answer_card(choosing, None)
    assert_valid_card(card)
    buttons = [b for b in card_actions(card) if b["data"][cards.SUBMIT_KEY] == cards.CHOOSE_VERB]
    assert [(b["title"], b["data"]["question"]) for b in buttons] == [("Backend", QUESTION), ("Web", "web level 3")]

    replies = bot.replies(message(None, service_url=connector.url, value=buttons[0]["data"]))
    assert len(replies) == 1
    expected = seed_answerer.ask(QUESTION).quotes[0]
    assert expected.text.split("\n\n")[0] in card_texts(adaptive_card(replies[0])["body"])
