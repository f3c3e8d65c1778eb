"""Which conversation a message belongs to, for follow-up questions (index/followup.py).

A follow-up takes what it leaves out from the previous answer *in the same conversation* of the same
person, never another's: the key is the surface, the user and the conversation (a Slack thread, a Slack
DM, a Teams conversation). A context older than EXPIRY_S is not used: in a DM, where there are no
threads, a question after a long pause is a new conversation.
"""

from __future__ import annotations

EXPIRY_S = 30 * 60.0


def conversation_key(surface: str, user_id: str, conversation: str) -> str:
    """"slack:U123:D456" (a DM), "slack:U123:C789/1700000000.000100" (a thread), "teams:<aad>:<conversation>"."""
    return f"{surface}:{user_id}:{conversation}"
