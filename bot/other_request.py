"""Find a second request in a shopper's message, which the bot's answer left out.

Shoppers ask two things at once: 「查下羽绒服到哪了 顺便开个发票 个人的」. Rasa
reads one intent a message and answers that one. The gateway splits the
message where a second request may start (顺便, 另外, 「，还有」, a question
mark), asks the model what each part asks, and offers the part that asks for
something else as a button, so the second request is one tap away, in the
shopper's own words.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.replies import PERSON_PAYLOAD, button_payloads

# Requests the bot acts on; small talk, answers to its questions and
# requests for a person are never offered (the last goes to people at once).
ACTIONABLE = frozenset(
    {
        "order_status", "logistics_track", "urge_delivery", "change_address", "cancel_order",
        "refund_request", "refund_progress", "cancel_refund", "return_goods", "exchange_goods",
        "invoice", "coupon", "payment_issue", "price_protect", "product_consult", "membership",
        "account_security",
    }
)  # fmt: skip
CONFIDENT = 0.7
MAX_PARTS = 4
TITLE_CHARS = 20

# Words that start another request wherever they stand, and words that do so
# only after a pause (「羽绒服还有货吗」 is one question).
_ANYWHERE = "顺便|顺带|顺道|另外|以及"
# Not a bare 也 or 还: 「积分呢 也能一起用？」 is one question.
_AFTER_A_PAUSE = "还有就是|还有|然后|并且|而且|同时|再帮我|再帮忙|还想|还要"
_SPLIT = re.compile(
    rf"(?:{_ANYWHERE})|[\s,，;；]+(?:{_AFTER_A_PAUSE})|(?<=[?？。!！])[\s,，]*(?:{_AFTER_A_PAUSE})?"
)
_EDGES = re.compile(r"^[\s,，;；。!！?？~、]+|[\s,，;；~、]+$")
_NOT_WORDS = re.compile(r"[\d\sA-Za-z,，;；。!！?？~、.#]")

Parse = Callable[[str], Awaitable[dict[str, Any]]]


def parts(text: str) -> list[str]:
    """The parts of ``text`` that may each be a request, in order (one when it has no seam)."""
    pieces = [_EDGES.sub("", piece) for piece in _SPLIT.split(text)]
    # A part needs words of its own: 「订单590142」 alone asks nothing.
    return [piece for piece in pieces if len(_NOT_WORDS.sub("", piece)) >= 3][:MAX_PARTS]


def _intent(parse: dict[str, Any]) -> tuple[str | None, float]:
    intent = parse.get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0)


@dataclass(frozen=True)
class OtherRequest:
    """A part of a message asking for something the answer left out, and what it asks."""

    words: str
    intent: str


async def other_request(
    text: str, answered_intent: str | None, parse: Parse
) -> OtherRequest | None:
    """The part of ``text`` that confidently asks for something other than ``answered_intent``."""
    found = parts(text)
    if len(found) < 2:
        return None
    for part in found:
        intent, confidence = _intent(await parse(part))
        if intent in ACTIONABLE and intent != answered_intent and confidence >= CONFIDENT:
            return OtherRequest(part, str(intent))
    return None


def asks_a_choice(messages: Sequence[dict[str, Any]]) -> bool:
    """True when the answer's buttons ask the shopper to pick (beyond 「转人工」)."""
    return any(payload != PERSON_PAYLOAD for payload in button_payloads(messages))


def offer(part: str) -> dict[str, Any]:
    """A message offering ``part`` as a button that sends it.

    One button and no 「不用了」: a 「好的」 that acknowledges the answer must not
    take it (``bot/typed_yes.py``), as it took 「怎么还没发货」 and registered an urge.
    """
    title = part if len(part) <= TITLE_CHARS else part[: TITLE_CHARS - 1] + "…"
    return {
        "text": f"您还提到「{part}」，需要的话点下面接着办。",
        "quick_replies": [{"content_type": "text", "title": title, "payload": part}],
    }


class HeldRequests:
    """Second requests held while the bot's answer asks the shopper to pick.

    rasa-webchat shows only the newest message's buttons, so an offer under a
    list of orders would hide the list. The request is held and offered under
    the first answer that asks nothing (「查下纸尿裤到哪了，另外把空气炸锅那单取消了」:
    the order list for the parcel, then the cancellation). In memory, like the
    bot's last answers, and bounded.

    Args:
        size: conversations kept; the least recently held go first.
    """

    def __init__(self, size: int = 10_000) -> None:
        self._size = size
        self._held: OrderedDict[str, OtherRequest] = OrderedDict()

    def hold(self, conversation_id: str, request: OtherRequest) -> None:
        """Keep ``request`` to offer later."""
        self._held[conversation_id] = request
        self._held.move_to_end(conversation_id)
        while len(self._held) > self._size:
            self._held.popitem(last=False)

    def take(self, conversation_id: str, asked_since: str | None = None) -> OtherRequest | None:
        """The held request, which is no longer held; none if ``asked_since`` is its intent."""
        held = self._held.pop(conversation_id, None)
        return None if held is None or held.intent == asked_since else held
