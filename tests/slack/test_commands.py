"""`/careerfw` over real HTTP (bot/slack/listeners/commands.py): acked at once, answered privately at the
response URL, help and todo, rate limits, overlong questions. Expected quotes come from the core itself."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

from bot.prompts import help_example
from bot.slack.mrkdwn import escape
from tests.slack.harness import (
    BOT_USER,
    SlackApp,
    assert_valid_message,
    blocks_text,
    buttons_of,
    message_of,
    normalised,
    quoted,
    send_command,
    send_event,
    to_url,
)


def test_slash_command_is_acked_and_the_quote_arrives_privately(
    slack_app: SlackApp, seed_answerer, question: str
) -> None:
    expected = seed_answerer.ask(question)
    assert expected.confident

    resp, response_url = send_command(slack_app, question)

    assert resp.status == 200
    (call,) = slack_app.fake.wait_for(to_url(response_url))
    message = message_of(call)
    assert message["response_type"] == "ephemeral"
    assert_valid_message(message)
    shown = blocks_text(message["blocks"])
    assert normalised(escape(expected.quotes[0].text)) in quoted(message["blocks"])
    top = expected.quotes[0].entry
    assert f"*{escape(top.area)}*" in shown and escape(top.level) in shown and escape(top.framework) in shown
    assert {"feedback_helpful", "feedback_not_helpful", "share_answer"} <= set(buttons_of(message))
    assert escape(expected.quotes[0].text)[:80] in message["text"]


def test_help_empty_and_todo_commands(slack_app: SlackApp, seed_answerer) -> None:
    for text in ("", "help"):
        resp, url = send_command(slack_app, text)
        assert resp.status == 200
        message = message_of(slack_app.fake.wait_for(to_url(url))[0])
        assert_valid_message(message)
        assert "/careerfw" in message["text"] and "direct message" in message["text"]

    resp, url = send_command(slack_app, "todo")
    message = message_of(slack_app.fake.wait_for(to_url(url))[0])
    assert_valid_message(message)
    todo = seed_answerer.todo()
    assert todo, "the seed content marks some areas TODO"
    shown = blocks_text(message["blocks"])
    assert all(escape(e.area) in shown for e in todo)


def test_help_and_app_home_offer_an_example_from_the_framework_served(monzo_slack: SlackApp, monzo_answerer) -> None:
    """On a company's own framework the example names its levels and areas, not the seed's "Head of ML",
    and it is a question the bot answers there."""
    example = help_example(monzo_answerer.entries, monzo_answerer.level_order)
    assert monzo_answerer.ask(example).confident
    _, url = send_command(monzo_slack, "help")
    message = message_of(monzo_slack.fake.wait_for(to_url(url))[0])
    assert_valid_message(message)
    assert f"`/careerfw {escape(example)}`" in message["text"] and "Head of ML" not in message["text"]
    send_event(monzo_slack, {"type": "app_home_opened", "user": "U0MONZOHOME", "channel": "D0MH", "tab": "home"})
    (call,) = monzo_slack.fake.wait_for(
        lambda c: c.method == "views.publish" and c.body.get("user_id") == "U0MONZOHOME")
    view = call.body["view"] if isinstance(call.body["view"], dict) else json.loads(call.body["view"])
    shown = blocks_text(view["blocks"])
    assert escape(example) in shown and "Head of ML" not in shown


def test_rate_limit_answers_politely(slack_app: SlackApp, question: str) -> None:
    limit = slack_app.settings.rate_limit_per_minute
    urls = [send_command(slack_app, f"{question} ({i})", user="U0EAGER")[1] for i in range(limit + 1)]
    replies = [message_of(slack_app.fake.wait_for(to_url(u))[0]) for u in urls]
    refused = [r for r in replies if "Please ask again" in r["text"]]
    assert len(refused) == 1 and f"{limit} questions in the last minute" in refused[0]["text"]
    assert sum("feedback_helpful" in buttons_of(r) for r in replies) == limit
    # Another person is not affected by this one's limit.
    _, other = send_command(slack_app, question, user="U0PATIENT")
    assert "Please ask again" not in message_of(slack_app.fake.wait_for(to_url(other))[0])["text"]


def test_twenty_concurrent_slash_commands_are_all_acked_and_answered(slack_app: SlackApp, question: str) -> None:
    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(lambda i: send_command(slack_app, f"{question} #{i}", user=f"U0CROWD{i:02d}"),
                                range(20)))
    assert all(r.status == 200 for r, _ in results)
    for _, url in results:
        message = message_of(slack_app.fake.wait_for(to_url(url), timeout=60)[0])
        assert "feedback_helpful" in buttons_of(message)


def test_acks_do_not_wait_for_answering(slack_app: SlackApp, question: str) -> None:
    """With every answering thread busy, a slash command is still acked at once, and its answer
    follows as soon as a thread frees up."""
    import threading

    services = slack_app.asgi.state.services
    release = threading.Event()
    busy = [services.executor.submit(release.wait, 30) for _ in range(services.executor._max_workers)]
    try:
        resp, url = send_command(slack_app, question, user="U0WAITER")
        assert resp.status == 200
        assert slack_app.fake.matching(to_url(url)) == []  # acked before any answering could happen
    finally:
        release.set()
    for f in busy:
        f.result(timeout=30)
    assert "feedback_helpful" in buttons_of(message_of(slack_app.fake.wait_for(to_url(url))[0]))


def test_an_overlong_question_is_cut_with_a_note(slack_app: SlackApp, question: str) -> None:
    long_question = question + " " + "and also tell me more about it " * 60
    assert len(long_question) > 1000
    _, url = send_command(slack_app, long_question, user="U0LONGWINDED")
    message = message_of(slack_app.fake.wait_for(to_url(url))[0])
    assert_valid_message(message)
    assert "only its first 1,000 were used" in blocks_text(message["blocks"])


def test_mass_mentions_in_a_question_never_ping(slack_app: SlackApp) -> None:
    sneaky = "<!channel> <!here> <!everyone> <@U0VICTIM> <!subteam^S0TEAM|@leads> what does Head of ML own?"
    event = {"type": "app_mention", "channel": "C0PING", "user": "U0PINGER", "ts": "1700000002.000300",
             "text": f"<@{BOT_USER}> {sneaky}"}
    send_event(slack_app, event)
    _, url = send_command(slack_app, sneaky, user="U0PINGER2")
    visible = message_of(slack_app.fake.wait_for(
        lambda c: c.method == "chat.postMessage" and c.body.get("channel") == "C0PING")[0])
    private = message_of(slack_app.fake.wait_for(to_url(url))[0])
    for message in (visible, private):
        wire = json.dumps(message)
        assert "<!" not in wire and "<@" not in wire, wire[:500]
        assert "@channel" in blocks_text(message["blocks"])  # shown as words, so the asker sees what was asked
