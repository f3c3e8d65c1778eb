"""The answers careerfw.yaml gives before the question is read (index/glossary.py): the admins' note for a
redirect topic, or which craft a title is asked about when it means different levels per craft."""

from __future__ import annotations

from index.compose.answers import Answer, Choice
from index.followup import Context
from index.glossary import Rewrite


def compose(question: str, rewrite: Rewrite, truncated: bool, context: Context | None) -> Answer:
    """A redirect (the admin's note, never framework text, so not confident), or which craft a title
    that means different levels per craft is asked about."""
    if rewrite.redirect is not None:
        return Answer(question, "redirect", False, message=rewrite.redirect.message(), truncated=truncated,
                      context=context, glossary=rewrite.used, redirect=rewrite.redirect)
    choices = [Choice(label, asked) for label, asked in rewrite.choices]
    return Answer(question, "choose", False, message=rewrite.choose_message, choices=choices, truncated=truncated,
                  context=context, glossary=rewrite.used)
