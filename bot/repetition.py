"""Notice when the bot is about to give a shopper the answer it just gave.

A shopper who gets the same reply twice in a row is stuck: urging
「怎么还没发货」 again, or 「怎么换 我不会弄」 after the return steps were
shown. The bot's model is sure of itself each time, so no fallback counts the
misses; the repeated answer is the sign. The gateway then offers a person
under it, as a person would: 「这个问题好像没帮您解决」.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from bot.replies import ReplyBatch, display_text

HUMAN_PAYLOAD = "/request_human"

# Saying hello or thanks twice is no sign of being stuck; nor is the bot's
# question asked again once an answer changed what it is about (「是这笔吗」
# for the other order, the invoice title after the order was switched).
NOT_STUCK = frozenset({"greet", "goodbye", "thanks", "bot_challenge", "inform", "affirm", "deny"})


class LastAnswers:
    """What the bot last answered in each conversation this process answers.

    Kept in memory, not read back per message: one query more a message cost
    the gateway a seventh of its answer rate (``bench/throughput.py``). A
    conversation is answered by the gateway its shopper is connected to, and a
    person taking it over passes through there too (``forget``); after a
    restart or a move the first repeat simply goes unnoticed.

    Args:
        size: conversations kept; the least recently answered go first.
    """

    def __init__(self, size: int = 10_000) -> None:
        self._size = size
        self._answers: OrderedDict[str, list[str]] = OrderedDict()

    def get(self, conversation_id: str) -> list[str]:
        """The texts of the bot's last answer, or none."""
        return list(self._answers.get(conversation_id, ()))

    def remember(self, conversation_id: str, texts: list[str]) -> None:
        """Keep ``texts`` as the conversation's last answer."""
        self._answers[conversation_id] = list(texts)
        self._answers.move_to_end(conversation_id)
        while len(self._answers) > self._size:
            self._answers.popitem(last=False)

    def add(self, conversation_id: str, text: str) -> None:
        """Add ``text`` to the conversation's last answer (said under it later)."""
        self.remember(conversation_id, [*self.get(conversation_id), text])

    def forget(self, conversation_id: str) -> None:
        """Someone else spoke (a person, the system): the bot's answer is no longer the last."""
        self._answers.pop(conversation_id, None)


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
    batch: ReplyBatch, previous: Sequence[str], intent: str | None, offer: dict[str, Any]
) -> ReplyBatch:
    """``batch`` with ``offer`` when it says again the ``previous`` answer.

    The same ``batch`` object when nothing was added; a handoff needs no offer.
    """
    if batch.handoff is not None:
        return batch
    if not is_repeat(batch.messages, previous, intent):
        return batch
    return ReplyBatch(with_person_offered(batch.messages, offer), None)
