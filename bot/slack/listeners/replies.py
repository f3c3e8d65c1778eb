"""Turning a question into a reply, shared by the slash command, DMs, mentions and buttons."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.slack.blocks import Message, answer_message, help_message, notice_message, todo_message
from bot.slack.services import Services
from bot.view import keyword
from index import Context

log = logging.getLogger("careerfw.slack")

SORRY = "Sorry, something went wrong while answering that. Please try again in a moment."


def conversation_of(channel: str, thread_ts: str | None) -> str:
    """A thread is its own conversation (in a channel or a DM); a DM outside threads is one (expiring)
    conversation."""
    return f"{channel}/{thread_ts}" if thread_ts else channel


@dataclass(frozen=True)
class Reply:
    message: Message
    refused: bool = False  # the rate-limit notice: only the asker needs to see it
    context: Context | None = None  # what the answer resolved: where a thread under it follows on from


async def reply_for(services: Services, user_id: str, question: str, *, share: bool,
                    conversation: str | None = None, native_feedback: bool = False, dm: bool = False) -> Reply:
    """The reply to `question` from `user_id`: help, the TODO list, the rate-limit notice, or an
    answer. Never raises: a failure becomes a polite notice and a logged traceback. In a conversation
    (`conversation_of`) the question may follow up the previous answer there; `dm`: the reply goes to
    the asker's direct messages with the bot."""
    try:
        word = keyword(question)
        if word == "help":
            return Reply(help_message(services.answerer))
        if word == "todo":
            return Reply(todo_message(services.answerer.todo(), services.settings.site_url))
        refusal = await services.rate_check(user_id)
        if refusal:
            return Reply(notice_message(refusal), refused=True)
        answer, question_id, followed = await services.ask(user_id, question, conversation)
        message = answer_message(answer, question_id, share=share, native_feedback=native_feedback, dm=dm,
                                 followed=followed, answerer=services.answerer)
        return Reply(message, context=answer.context)
    except Exception:
        log.exception("answering %r failed", question[:200])
        return Reply(notice_message(SORRY))
