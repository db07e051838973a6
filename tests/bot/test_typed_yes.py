"""A yes typed to an offer taps its button."""

from __future__ import annotations

from typing import Any

import pytest

from bot.models import Message
from bot.typed_yes import is_bare_yes, offered_button

RESUME = {"title": "继续退款", "payload": "订单1申请退款"}
NO = {"title": "不用了", "payload": "/deny"}


@pytest.mark.parametrize(
    "text", ["好的", "嗯", "嗯嗯", "可以", "继续", "好吧～", "OK", "要的！", "确定"]
)
def test_a_bare_yes(text: str) -> None:
    assert is_bare_yes(text)


@pytest.mark.parametrize(
    "text",
    [
        "好的谢谢 还有个问题",
        "不要",
        "好评",
        "继续等吧 不退了",
        "可以开发票吗",
        "对了",
        "好了",
        "行了",
    ],
)
def test_more_than_a_yes(text: str) -> None:
    assert not is_bare_yes(text)


def _conversation(*rows: tuple[str, dict[str, Any]]) -> list[Message]:
    return [
        Message(id=number, sender=sender, text="", payload=payload)
        for number, (sender, payload) in enumerate(rows, start=1)
    ]


def test_the_offer_right_before_is_its_button() -> None:
    recent = _conversation(("bot", {"quick_replies": [RESUME, NO]}), ("shopper", {}))
    assert offered_button(recent, 2) == RESUME


@pytest.mark.parametrize(
    "offer",
    [
        {"quick_replies": [{"title": "确认", "payload": "/affirm"}, NO]},  # Rasa reads a yes
        {"quick_replies": [RESUME, {"title": "订单2", "payload": "/inform"}, NO]},  # a choice
        {"quick_replies": [RESUME]},  # no 「不用了」 beside it
        {},
    ],
)
def test_other_buttons_are_no_offer(offer: dict[str, Any]) -> None:
    assert offered_button(_conversation(("bot", offer), ("shopper", {})), 2) is None


def test_an_offer_answered_already_or_made_by_a_person_is_none() -> None:
    answered = _conversation(
        ("bot", {"quick_replies": [RESUME, NO]}), ("shopper", {}), ("bot", {}), ("shopper", {})
    )
    assert offered_button(answered, 4) is None
    agent = _conversation(("agent", {"quick_replies": [RESUME, NO]}), ("shopper", {}))
    assert offered_button(agent, 2) is None
