"""Modals: the optional reason a thumbs-down asks for (views.open on the 👎 click), and what the
modal shows once it is sent.

Everything from a user (the question asked, the reason typed) is escaped before it reaches mrkdwn;
the reason itself is stored as typed (bot/feedback.py).
"""

from __future__ import annotations

import json
from typing import Any

from bot.feedback import MAX_REASON_CHARS, question_id_from
from bot.slack.blocks import QUESTION_ECHO_LIMIT
from bot.slack.mrkdwn import escape

View = dict[str, Any]

REASON_CALLBACK = "feedback_reason"  # the view_submission listener's callback_id
REASON_BLOCK = "reason"
REASON_INPUT = "reason"
REASON_ECHO_LIMIT = 2500  # a section's text is at most 3,000 characters, with room for our words


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def reason_modal(feedback_id: int, question: str) -> View:
    """Asks what was wrong with an answer just voted not helpful. Optional: sending it empty, or
    closing it, keeps the vote as it is. `private_metadata` names the vote the reason belongs to."""
    asked = escape(_clip(" ".join(question.split()), QUESTION_ECHO_LIMIT))
    return {
        "type": "modal",
        "callback_id": REASON_CALLBACK,
        "private_metadata": json.dumps({"f": feedback_id}),
        "title": _plain("Not helpful"),
        "submit": _plain("Send"),
        "close": _plain("Skip"),
        "blocks": [
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": f"Your 👎 on the answer to _{asked}_ is recorded. Thank you."},
            },
            {
                "type": "input",
                "block_id": REASON_BLOCK,
                "optional": True,
                "label": _plain("What was wrong or missing? (optional)"),
                "hint": _plain("People who look after the framework read these to improve it."),
                "element": {
                    "type": "plain_text_input",
                    "action_id": REASON_INPUT,
                    "multiline": True,
                    "max_length": MAX_REASON_CHARS,
                    "placeholder": _plain("e.g. it quoted the wrong level, or the text is unclear"),
                },
            },
        ],
    }


NOT_A_THUMBS_DOWN = "Your vote on that answer is no longer a 👎 (changed since), so the reason was not kept."
NOT_RECORDED = "Sorry, I couldn't record that just now (your 👎 itself is recorded). Please send it again."


def reason_thanks(reason: str) -> View:
    """What the modal turns into once the reason is stored: the reason echoed back, escaped."""
    # Each line quoted, so the reason reads as the person's words, not the bot's.
    lines = escape(_clip(reason, REASON_ECHO_LIMIT)).splitlines() or [""]
    return notice_view("Thanks! Recorded your reason:\n" + "\n".join(f">{line}" for line in lines))


def notice_view(text: str) -> View:
    """A closing modal with one line of mrkdwn (already escaped)."""
    return {
        "type": "modal",
        "title": _plain("Not helpful"),
        "close": _plain("Done"),
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}],
    }


def submitted(view: dict[str, Any]) -> tuple[int | None, str]:
    """The vote's id and the reason typed, from a view_submission's view (anything malformed: None)."""
    try:
        metadata = json.loads(view.get("private_metadata") or "{}")
    except (json.JSONDecodeError, RecursionError):
        metadata = {}
    feedback_id = question_id_from(metadata.get("f")) if isinstance(metadata, dict) else None
    values = ((view.get("state") or {}).get("values") or {}).get(REASON_BLOCK) or {}
    value = (values.get(REASON_INPUT) or {}).get("value")
    return feedback_id, value if isinstance(value, str) else ""
