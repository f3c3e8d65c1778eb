"""Asking an answerer as a chat does: each question with the context the answer before it left."""

from __future__ import annotations

from index import Answer, Answerer, Context


def converse(answerer: Answerer, *questions: str) -> list[Answer]:
    """The answers to questions asked one after another in one conversation."""
    answers: list[Answer] = []
    context: Context | None = None
    for question in questions:
        answers.append(answerer.ask(question, context=context))
        context = answers[-1].context
    return answers
