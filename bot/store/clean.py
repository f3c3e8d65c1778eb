"""What may reach the shared store: text without the characters a backend refuses, and ids that are ids.

One NUL in a question made PostgreSQL refuse the insert (text cannot hold U+0000), and a lone
surrogate (JSON may carry "\\ud800") cannot be encoded by either driver; a Slack event whose `user`
was a list could not be bound by SQLite. Each failed one call, and used to pause the store for
everyone (bot/store/__init__.py). So text is cleaned, and ids are checked, before any store call:

    clean_text("a\\x00b")     -> "ab"        (C0 controls dropped, tab and newline kept)
    valid_id(["U1"])          -> None        (refuse: not a string)
    valid_id("U0123")         -> "U0123"
"""

from __future__ import annotations

import re

# C0 controls except tab (\t, 0x09) and newline (\n, 0x0a); DEL is harmless to both backends.
_C0 = re.compile(r"[\x00-\x08\x0b-\x1f]")
# Lone UTF-16 surrogates: valid in a Python str, but not encodable as UTF-8 for either backend.
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# Slack's user, channel and team ids are ~11 characters, Teams' (29:…, a:…, 19:…@thread…) a few hundred;
# the store's key columns are 255 wide.
MAX_ID_CHARS = 255


def clean_text(value: str) -> str:
    """`value` as the store can hold it: C0 control characters other than tab and newline dropped,
    lone surrogates replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", _C0.sub("", value))


def valid_id(value: object) -> str | None:
    """`value` when it can be a user, channel, team or conversation id (a non-empty string of at most
    MAX_ID_CHARS characters with no control characters, no surrogates and no surrounding blanks);
    None otherwise, for the caller to refuse without touching the store."""
    if not isinstance(value, str) or not 0 < len(value) <= MAX_ID_CHARS:
        return None
    if value != value.strip() or clean_text(value) != value or "\t" in value or "\n" in value:
        return None
    return value
