"""Slack mrkdwn, the one escape for everything Slack shows: answers, help, TODO lists and nudges.

Every string taken from a user or from the framework goes through `escape` before it reaches mrkdwn,
so `<!channel>`, `<@U…>` or a stray `&` in a question or a cell is shown, never acted on.
"""

from __future__ import annotations

from bot.view import absolute_url


def escape(text: str) -> str:
    """Slack's mrkdwn escaping: the only three characters with control meaning."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(url: str | None, label: str) -> str | None:
    """`<url|label>` (label already mrkdwn) when the URL is absolute; None when it cannot be followed."""
    url = absolute_url(url)
    if url is None:
        return None
    # `&` is escaped as everywhere in mrkdwn; `|` and `>` would end the link, so they (and `<` and
    # spaces) are percent-encoded inside the URL.
    safe = url.replace("&", "&amp;").replace("|", "%7C").replace(">", "%3E").replace("<", "%3C").replace(" ", "%20")
    return f"<{safe}|{label}>"
