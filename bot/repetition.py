"""Notice when the bot gives a shopper, asking the same again, the answer it just gave.

A shopper who asks the same thing twice and gets the same reply is stuck:
urging 「怎么还没发货」 again, or 「怎么换 我不会弄」 after the return steps were
shown. The bot's model is sure of itself each time, so no fallback counts the
misses; the repeated answer is the sign. The gateway then offers a person
under it, as a person would: 「这个回答好像没能解决您的问题」.

An answer that asks something is no dead end, even when asked again: the
form's next question (「请问退款的原因是什么呢？」 after 「只退一包」) or a list
of orders to pick from. Nor is the same words for another request (the order
list for a refund, then for a cancellation).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.replies import PERSON_PAYLOAD, ReplyBatch, button_payloads, display_text

# Saying hello or thanks twice is no sign of being stuck; nor is the bot's
# question asked again once an answer changed what it is about.
NOT_STUCK = frozenset({"greet", "goodbye", "thanks", "bot_challenge", "inform", "affirm", "deny"})
_QUESTION_ENDS = ("？", "?", "吗", "呢")


@dataclass(frozen=True)
class Answer:
    """What the bot said to a message, and the intent it read the message as."""

    texts: tuple[str, ...] = ()
    intent: str | None = None


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
        self._answers: OrderedDict[str, Answer] = OrderedDict()

    def get(self, conversation_id: str) -> Answer:
        """The bot's last answer, or an empty one."""
        return self._answers.get(conversation_id, Answer())

    def remember(self, conversation_id: str, answer: Answer) -> None:
        """Keep ``answer`` as the conversation's last."""
        self._answers[conversation_id] = answer
        self._answers.move_to_end(conversation_id)
        while len(self._answers) > self._size:
            self._answers.popitem(last=False)

    def add(self, conversation_id: str, text: str) -> None:
        """Add ``text`` to the conversation's last answer (said under it later)."""
        last = self.get(conversation_id)
        self.remember(conversation_id, Answer((*last.texts, text), last.intent))

    def forget(self, conversation_id: str) -> None:
        """Someone else spoke (a person, the system): the bot's answer is no longer the last."""
        self._answers.pop(conversation_id, None)


def offers_a_person(messages: Sequence[dict[str, Any]]) -> bool:
    """True when a message already carries the 「转人工」 button."""
    return PERSON_PAYLOAD in button_payloads(messages)


def asks_something(messages: Sequence[dict[str, Any]]) -> bool:
    """True when the answer ends in a question or offers buttons to pick from."""
    texts = [display_text(message).strip() for message in messages]
    last = next((text for text in reversed(texts) if text), "")
    has_buttons = any(message.get("quick_replies") for message in messages)
    return has_buttons or last.endswith(_QUESTION_ENDS)


def is_repeat(messages: Sequence[dict[str, Any]], previous: Answer, intent: str | None) -> bool:
    """True when ``messages`` say again, word for word, ``previous`` to a message of its intent.

    Small talk, answers to the bot's questions, answers that ask something and
    answers that already offer a person are never a repeat.
    """
    if intent in NOT_STUCK or intent != previous.intent:
        return False
    if offers_a_person(messages) or asks_something(messages):
        return False
    texts = tuple(display_text(message) for message in messages)
    return any(texts) and texts == previous.texts


def offer_a_person_if_repeated(
    batch: ReplyBatch, previous: Answer, intent: str | None, offer: dict[str, Any]
) -> ReplyBatch:
    """``batch`` with ``offer`` after it when it says ``previous`` again.

    The same ``batch`` object when nothing was added; a handoff needs no offer.
    """
    if batch.handoff is not None or not is_repeat(batch.messages, previous, intent):
        return batch
    return ReplyBatch([*batch.messages, offer], None)
