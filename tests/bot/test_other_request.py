"""Finding the second request of a message."""

from __future__ import annotations

from typing import Any

import pytest

from bot.models import Message
from bot.other_request import (
    HeldRequests,
    OtherRequest,
    asks_a_choice,
    offer,
    other_request,
    parts,
)
from bot.typed_yes import offered_button


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("查下羽绒服到哪了 顺便开个发票 个人的", ["查下羽绒服到哪了", "开个发票 个人的"]),
        ("订单590142到哪了，还有发票怎么开", ["订单590142到哪了", "发票怎么开"]),
        ("到哪了？发票怎么开", ["到哪了？", "发票怎么开"]),
        ("这单取消了吧 再帮我开个发票", ["这单取消了吧", "开个发票"]),
        # One request each: no seam, or a part that asks nothing on its own.
        ("羽绒服还有货吗", ["羽绒服还有货吗"]),
        ("积分呢 也能一起用？", ["积分呢 也能一起用？"]),
        ("查下物流，还想开个发票", ["查下物流", "开个发票"]),
        ("订单590142，到哪了", ["订单590142，到哪了"]),
        ("我要退货，然后退款", ["我要退货"]),
    ],
)
def test_parts_split_where_another_request_may_start(text: str, expected: list[str]) -> None:
    assert parts(text) == expected


def _model(intents: dict[str, tuple[str, float]]) -> Any:
    async def parse(text: str) -> dict[str, Any]:
        name, confidence = intents.get(text, ("out_of_scope", 0.9))
        return {"intent": {"name": name, "confidence": confidence}}

    return parse


async def test_the_part_asking_for_something_else_is_found() -> None:
    model = _model({"查下物流": ("logistics_track", 0.95), "开个发票": ("invoice", 0.9)})
    found = await other_request("查下物流 顺便开个发票", "logistics_track", model)
    assert found == OtherRequest("开个发票", "invoice")
    # The answered request is no other; nor is a part the model is unsure of.
    found = await other_request("查下物流 顺便开个发票", "invoice", model)
    assert found == OtherRequest("查下物流", "logistics_track")
    unsure = _model({"开个发票": ("invoice", 0.5)})
    assert await other_request("查下物流 顺便开个发票", "logistics_track", unsure) is None
    # Small talk and requests for a person are not offered.
    chat = _model({"谢谢你": ("thanks", 0.99), "找人工": ("request_human", 0.99)})
    assert await other_request("查下物流 顺便谢谢你 另外找人工", "logistics_track", chat) is None


async def test_a_message_of_one_part_is_not_parsed_again() -> None:
    async def parse(text: str) -> dict[str, Any]:
        raise AssertionError("parsed")

    assert await other_request("羽绒服到哪了", "logistics_track", parse) is None


def test_the_offer_sends_the_shoppers_own_words() -> None:
    shown = offer("开个发票 个人的")
    assert "「开个发票 个人的」" in shown["text"]
    assert shown["quick_replies"] == [
        {"content_type": "text", "title": "开个发票 个人的", "payload": "开个发票 个人的"}
    ]
    # A 「好的」 that acknowledges the answer does not take it.
    recent = [Message(id=1, sender="bot", text=shown["text"], payload=shown)]
    assert offered_button(recent, 2) is None
    long = offer("帮我把订单里的羽绒服换成大一号的顺便把地址也改成公司的地址吧")
    assert long["quick_replies"][0]["title"].endswith("…")
    assert len(long["quick_replies"][0]["title"]) == 20


def test_choices_other_than_a_person_ask_to_pick() -> None:
    person = {"title": "转人工", "payload": "/request_human"}
    assert not asks_a_choice([{"text": "好的", "quick_replies": [person]}])
    pick = {"title": "订单1", "payload": "/inform"}
    assert asks_a_choice([{"text": "哪一笔", "quick_replies": [pick, person]}])


def test_a_held_request_is_taken_once_unless_asked_for_since() -> None:
    held = HeldRequests(size=2)
    cancel = OtherRequest("把空气炸锅那单取消了", "cancel_order")
    held.hold("a", cancel)
    assert held.take("a", asked_since="logistics_track") == cancel
    assert held.take("a") is None
    held.hold("a", cancel)
    assert held.take("a", asked_since="cancel_order") is None  # the shopper asked it already
    for conversation in "abc":
        held.hold(conversation, cancel)
    assert held.take("a") is None and held.take("c") == cancel  # only the newest two kept
