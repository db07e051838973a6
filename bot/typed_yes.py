"""A yes typed to an offer taps the offer's button.

The bot offers some things as a button and a 「不用了」: 「刚才的退款申请还没有
提交，需要继续申请吗？ [继续退款] [不用了]」. Shoppers type 「好的」 instead of
tapping. Rasa reads a bare yes as small talk (「好的～还有其他需要帮忙的吗」) and
the refund the shopper thinks they confirmed is never filed. A yes typed right
after such an offer goes to Rasa as the offer's button, as if tapped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from bot.models import Message
from bot.replies import DECLINE_PAYLOAD, button_payloads

_YES = re.compile(
    r"^(?:好+|好的|好吧|好啊|行|可以|要|要的|需要|是|是的|对|对的|嗯+|恩+|继续|继续吧|"
    r"确定|确认|麻烦了|麻烦你了|ok|okay|yes)"
    # No 了: 「对了」 is "by the way", 「好了」 and 「行了」 often "enough".
    r"[啊呀吧哦呢的嘛～~!！。.,，\s]*$",
    re.IGNORECASE,
)


def is_bare_yes(text: str) -> bool:
    """Whether ``text`` says yes and nothing more."""
    return bool(_YES.match(text.strip()))


def offered_button(recent: Sequence[Message], message_id: int) -> dict[str, Any] | None:
    """The one button the bot offered, beside 「不用了」, right before ``message_id``.

    ``recent`` is the conversation's newest messages, oldest first. None unless
    the message just before was the bot's, with exactly that pair of buttons.
    """
    before = [m for m in recent if int(m.id) < message_id]
    if not before or before[-1].sender != "bot":
        return None
    offer = before[-1].payload or {}
    payloads = button_payloads([offer])
    if len(payloads) != 2 or payloads[1] != DECLINE_PAYLOAD:
        return None
    if payloads[0] in ("", DECLINE_PAYLOAD, "/affirm"):
        return None
    return next(b for b in offer["quick_replies"] if isinstance(b, dict))
