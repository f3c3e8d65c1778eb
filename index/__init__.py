"""The answering core: parse framework pages, embed and search them, answer with verbatim quotes.

Knows nothing of Slack, Teams or any chat surface.
"""
