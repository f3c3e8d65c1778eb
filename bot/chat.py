"""`careerfw chat`: a terminal conversation over the same answering core as Slack and Teams."""

from __future__ import annotations

import sys

from bot.config import Settings
from bot.runtime import open_answerer
from bot.text import render_answer, render_help, render_todo
from bot.view import command_word, help_view, keyword

HELP = render_help(help_view(["type a question at the you> prompt", "quit: end the chat"]))
QUIT = ("quit", "exit", "bye", "q")


def run_chat(settings: Settings) -> int:
    print("Loading the framework…", file=sys.stderr)
    answerer = open_answerer(settings)
    answerer.warm()
    print(f"careerfw: {len(answerer.entries)} framework entries loaded. {HELP}")
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
            print(HELP)
            continue
        if word == "todo":
            sys.stdout.write(render_todo(answerer.todo()))
            continue
        sys.stdout.write(render_answer(answerer.ask(question)))
