"""A thumbs-down asks for an optional reason, over real HTTP: the 👎 click opens a modal through the
loopback Web API (views.open with the click's trigger_id), and the modal's view_submission stores
the reason with that vote; what the modal echoes is escaped."""

from __future__ import annotations

import json
import sqlite3
import urllib.parse
from typing import Any

from slack_sdk.models.views import View

from bot.slack.modals import REASON_BLOCK, REASON_CALLBACK, REASON_INPUT, reason_modal
from tests.slack.harness import (
    Response,
    SlackApp,
    buttons_of,
    message_of,
    post,
    send_action,
    send_command,
    sign,
    to_url,
)
from tests.support.slack import TEAM, Call


def _vote_not_helpful(app: SlackApp, question: str, user: str) -> tuple[int, Call]:
    """Ask, click 👎 on the answer; the question id and the views.open call the click made."""
    _, url = send_command(app, question, user=user)
    buttons = buttons_of(message_of(app.fake.wait_for(to_url(url))[0]))
    value = buttons["feedback_not_helpful"]["value"]
    opened_before = len(app.fake.matching(lambda c: c.method == "views.open"))
    _, thanks_url = send_action(app, "feedback_not_helpful", value, user=user)
    thanks = message_of(app.fake.wait_for(to_url(thanks_url))[0])
    assert "did not help" in thanks["text"]
    opened = app.fake.wait_for(lambda c: c.method == "views.open", count=opened_before + 1)[-1]
    return json.loads(value)["q"], opened


def _submit(app: SlackApp, view: dict[str, Any], user: str, reason: str | None) -> Response:
    """The view_submission Slack sends when the modal's Send is pressed, signed."""
    values = {REASON_BLOCK: {REASON_INPUT: {"type": "plain_text_input", "value": reason}}}
    payload = {
        "type": "view_submission", "team": {"id": TEAM, "domain": "test"},
        "user": {"id": user, "username": "voter", "team_id": TEAM}, "api_app_id": "A0CAREER", "token": "legacy",
        "trigger_id": f"trig.{app.next_id()}",
        "view": {**view, "id": f"V{app.next_id():08d}", "team_id": TEAM, "app_id": "A0CAREER",
                 "state": {"values": values}, "hash": "1700000000.abcd"},
    }
    body = urllib.parse.urlencode({"payload": json.dumps(payload)})
    return post(app.url + "/slack/events", body, "application/x-www-form-urlencoded", sign(body))


def _reasons(app: SlackApp, question_id: int) -> list[tuple[str, str | None]]:
    db = sqlite3.connect(app.settings.state_db)
    try:
        return db.execute("SELECT verdict, reason FROM feedback WHERE question_id = ?", (question_id,)).fetchall()
    finally:
        db.close()


def test_thumbs_down_opens_a_valid_modal_and_its_reason_is_stored(slack_app: SlackApp, question: str) -> None:
    question_id, opened = _vote_not_helpful(slack_app, question, "U0REASON")
    assert opened.auth == "Bearer xoxb-test-token"
    assert opened.body["trigger_id"].startswith("trig.")  # the click's own trigger, within its 3 s
    view = opened.body["view"]
    View(**view).validate_json()  # slack_sdk's own model of a modal: types, lengths, block ids
    assert view["type"] == "modal" and view["callback_id"] == REASON_CALLBACK
    (reason_input,) = [b for b in view["blocks"] if b["type"] == "input"]
    assert reason_input["optional"] is True and reason_input["element"]["multiline"] is True
    assert _reasons(slack_app, question_id) == [("not_helpful", None)]  # the vote is there before any reason

    typed = "It quoted <!channel> & the wrong level\nI asked about *Level 2*"
    resp = _submit(slack_app, view, "U0REASON", typed)
    assert resp.status == 200
    answer = json.loads(resp.body)
    assert answer["response_action"] == "update"
    View(**answer["view"]).validate_json()
    shown = answer["view"]["blocks"][0]["text"]["text"]
    assert ">It quoted &lt;!channel&gt; &amp; the wrong level\n>I asked about *Level 2*" in shown  # escaped echo
    assert _reasons(slack_app, question_id) == [("not_helpful", typed)]  # stored as typed


def test_sending_the_modal_empty_keeps_the_vote_without_a_reason(slack_app: SlackApp, question: str) -> None:
    question_id, opened = _vote_not_helpful(slack_app, question, "U0SKIPPER")
    resp = _submit(slack_app, opened.body["view"], "U0SKIPPER", None)
    assert resp.status == 200 and not resp.body  # an empty ack: the modal closes
    assert _reasons(slack_app, question_id) == [("not_helpful", None)]


def test_a_reason_sent_by_someone_else_is_not_kept(slack_app: SlackApp, question: str) -> None:
    question_id, opened = _vote_not_helpful(slack_app, question, "U0OWNER")
    resp = _submit(slack_app, opened.body["view"], "U0INTRUDER", "I am not the voter")
    assert json.loads(resp.body)["response_action"] == "update"
    assert "not kept" in json.loads(resp.body)["view"]["blocks"][0]["text"]["text"]
    assert _reasons(slack_app, question_id) == [("not_helpful", None)]


def test_a_helpful_vote_opens_no_modal(slack_app: SlackApp, question: str) -> None:
    _, url = send_command(slack_app, question, user="U0HAPPY")
    buttons = buttons_of(message_of(slack_app.fake.wait_for(to_url(url))[0]))
    before = len(slack_app.fake.matching(lambda c: c.method == "views.open"))
    _, thanks_url = send_action(slack_app, "feedback_helpful", buttons["feedback_helpful"]["value"], user="U0HAPPY")
    slack_app.fake.wait_for(to_url(thanks_url))
    assert len(slack_app.fake.matching(lambda c: c.method == "views.open")) == before


def test_the_modal_escapes_the_question_it_names() -> None:
    view = reason_modal(7, "what about <!here> & <@U0BOSS>?")
    View(**view).validate_json()
    assert "_what about &lt;!here&gt; &amp; &lt;@U0BOSS&gt;?_" in view["blocks"][0]["text"]["text"]
    assert json.loads(view["private_metadata"]) == {"f": 7}
