"""`careerfw chat`: a terminal conversation over the same answering core as Slack and Teams.

The chat is one conversation: a follow-up ("and at level 4?") takes what it leaves out from the
previous answer, as in a Slack thread, for as long as a Slack DM would (bot.conversation.EXPIRY_S).
One person at one terminal, so the context lives in memory, not in the state store.
"""

from __future__ import annotations

import sys
import time

from bot.config import Settings
from bot.conversation import EXPIRY_S
from bot.prompts import help_example
from bot.runtime import open_answerer
from bot.text import render_answer, render_help, render_todo
from bot.view import command_word, help_view, keyword
from index import Answerer, Context

WAYS_TO_ASK = ("type a question at the you> prompt", "quit: end the chat")
QUIT = ("quit", "exit", "bye", "q")


def chat_help(answerer: Answerer) -> str:
    """The help, its example a question about the framework the chat serves."""
    return render_help(help_view(WAYS_TO_ASK, help_example(answerer.entries, answerer.level_order)))


def run_chat(settings: Settings, whole: bool = False) -> int:
    """`whole` (`chat --all`): a checklist quotes the areas that did not change too."""
    print("Loading the framework…", file=sys.stderr)
    answerer = open_answerer(settings)
    answerer.warm()
    help_ = chat_help(answerer)
    print(f"careerfw: {len(answerer.entries)} framework entries loaded. {help_}")
    context: Context | None = None
    answered_at = 0.0
    while True:
        try:
            question = input("\nyou> ").strip()
        except EOFError:
            print()
            return 0
        if not question:
            continue
        if command_word(question) in QUIT:
            return 0
        word = keyword(question)
        if word == "help":
            print(help_)
            continue
        if word == "todo":
            sys.stdout.write(render_todo(answerer.todo()))
            continue
        if time.monotonic() - answered_at > EXPIRY_S:
            context = None
        answer = answerer.ask(question, context=context)
        context, answered_at = answer.context, time.monotonic()
        sys.stdout.write(render_answer(answer, whole=whole))
