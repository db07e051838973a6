"""Notice when the bot is about to give a shopper the answer it just gave.

A shopper who gets the same reply twice in a row is stuck: urging
「怎么还没发货」 again, or 「怎么换 我不会弄」 after the return steps were
shown. The bot's model is sure of itself each time, so no fallback counts the
misses; the repeated answer is the sign. The gateway then offers a person
under it, as a person would: 「这个问题好像没帮您解决」.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.models import Message
from bot.replies import ReplyBatch, display_text

HUMAN_PAYLOAD = "/request_human"

# Saying hello or thanks twice is no sign of being stuck; nor is the bot's
# question asked again once an answer changed what it is about (「是这笔吗」
# for the other order, the invoice title after the order was switched).
NOT_STUCK = frozenset({"greet", "goodbye", "thanks", "bot_challenge", "inform", "affirm", "deny"})


def previous_answer(recent: Sequence[Message], message_id: int) -> list[str]:
    """The texts of what the bot answered to the shopper message before ``message_id``.

    ``recent`` is the conversation's newest messages, oldest first. Empty when
    that answer is not among them, or was no bot's (an agent or the system).
    """
    before = [m for m in recent if int(m.id) < message_id]
    answer: list[str] = []
    for message in reversed(before):
        if message.sender == "shopper":
            return answer
        if message.sender != "bot":
            return []
        answer.insert(0, str(message.text))
    return []  # the shopper message it answered is older than ``recent``


def offers_a_person(messages: Sequence[dict[str, Any]]) -> bool:
    """True when a message already carries the 「转人工」 button."""
    return any(
        reply.get("payload") == HUMAN_PAYLOAD
        for message in messages
        for reply in message.get("quick_replies") or ()
        if isinstance(reply, dict)
    )


def is_repeat(
    messages: Sequence[dict[str, Any]], previous: Sequence[str], intent: str | None
) -> bool:
    """True when ``messages`` say again, word for word, the answer ``previous`` gave.

    Small talk, answers to the bot's questions and answers that already offer a
    person are never a repeat.
    """
    if intent in NOT_STUCK or offers_a_person(messages):
        return False
    texts = [display_text(message) for message in messages]
    return any(texts) and texts == list(previous)


def with_person_offered(
    messages: Sequence[dict[str, Any]], offer: dict[str, Any]
) -> list[dict[str, Any]]:
    """``messages`` with a way to a person: ``offer`` after them, or its buttons beside theirs.

    Buttons go beside the answer's own: rasa-webchat shows only the newest
    message's quick replies, and the answer's choices must stay tappable.
    """
    *before, last = messages
    buttons = last.get("quick_replies")
    if not buttons:
        return [*messages, offer]
    return [*before, {**last, "quick_replies": [*buttons, *offer["quick_replies"]]}]


def offer_a_person_if_repeated(
    batch: ReplyBatch,
    recent: Sequence[Message],
    message_id: int,
    intent: str | None,
    offer: dict[str, Any],
) -> ReplyBatch:
    """``batch`` with ``offer`` when it repeats the answer to the message before ``message_id``.

    The same ``batch`` object when nothing was added; a handoff needs no offer.
    """
    if batch.handoff is not None:
        return batch
    if not is_repeat(batch.messages, previous_answer(recent, message_id), intent):
        return batch
    return ReplyBatch(with_person_offered(batch.messages, offer), None)
