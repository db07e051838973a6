"""A return's own questions: when the seven days start, where to send it, pickup, postage."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.after_sales import return_goods
from actions.policy import policy_asked_with
from actions.products import ActionProductConsult
from actions.shop.format import local_time
from actions.shop.seed import DEMO_DELIVERED_ORDER, PLATINUM_DELIVERED_ORDER, PLATINUM_SHOPPER
from actions.shop.service import ShopService
from tests.actions.conftest import NOW
from tests.factories import make_tracker

ELIGIBLE = {"utter_action": "utter_return_eligible"}
# The bot has told the demo shopper their delivered order can be returned.
TOLD = [
    {"event": "bot", "text": f"订单 {DEMO_DELIVERED_ORDER} 支持7天无理由退货", "metadata": ELIGIBLE}
]


@pytest.mark.parametrize(
    ("text", "response"),
    [
        ("7天无理由从哪天开始算", "utter_policy_return_window"),  # it got the general policy
        ("退货地址是啥", "utter_policy_return_address"),  # it got nothing
        ("上门取件要钱吗", "utter_policy_return_pickup"),
        ("退货运费谁出", "utter_policy_returns"),
        ("支持七天无理由吗", "utter_policy_returns"),
        ("我要退货", None),
    ],
)
def test_a_return_question_is_answered_before_the_order_is_asked(
    text: str, response: str | None
) -> None:
    topic = policy_asked_with("return_goods", text)
    assert (topic.response if topic else None) == response
    # With the order known, the return's answer gives it (with the order's dates).
    assert policy_asked_with("return_goods", text, order_known=True) is None


async def _return(
    shop: ShopService, text: str, order_id: str, shopper_id: str = "demo", events=()
) -> list[str]:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        text, "return_goods", shopper_id=shopper_id, slots={"order_id": order_id}, events=events
    )
    await return_goods(shop, shopper_id, tracker, dispatcher)
    return dispatcher.messages


@pytest.mark.parametrize(
    ("text", "response"),
    [
        ("退货地址是啥", "utter_policy_return_address"),
        ("上门取件要钱吗", "utter_policy_return_pickup"),
        ("7天无理由从哪天开始算", "utter_return_window_of_order"),
    ],
)
async def test_a_return_question_after_the_orders_answer_is_answered_not_looped(
    shop: ShopService, text: str, response: str
) -> None:
    # Each got the order's eligibility text again.
    messages = await _return(shop, text, DEMO_DELIVERED_ORDER, events=TOLD)
    assert [m["response"] for m in messages] == [response]


async def test_the_seven_days_are_counted_from_the_orders_delivery(shop: ShopService) -> None:
    [window, eligible] = await _return(shop, "7天无理由从哪天开始算", DEMO_DELIVERED_ORDER)
    delivered = NOW - timedelta(hours=48)
    assert window["delivered"] == local_time(delivered)
    assert window["deadline"] == local_time(delivered + timedelta(days=7)) == eligible["deadline"]
    assert eligible["response"] == "utter_return_eligible"


async def test_a_platinum_member_is_told_their_return_postage_is_free(shop: ShopService) -> None:
    messages = await _return(shop, "运费谁出", PLATINUM_DELIVERED_ORDER, PLATINUM_SHOPPER)
    assert [m["response"] for m in messages] == [
        "utter_policy_returns",
        "utter_return_postage_free_platinum",
        "utter_return_eligible",
    ]


@pytest.mark.parametrize(
    ("shopper_id", "context", "responses"),
    [
        # Asked while the return waits for its order: the postage back, free for platinum.
        (PLATINUM_SHOPPER, {"slots": {"request_kind": "return_goods"}},
         ["utter_policy_returns", "utter_return_postage_free_platinum"]),
        # Right after the order's return answer.
        ("demo", {"events": TOLD}, ["utter_policy_returns"]),
        # Before buying it asks about shipping to the shopper.
        ("demo", {}, ["utter_policy_shipping"]),
    ],
)  # fmt: skip
async def test_who_pays_the_postage_on_a_return_is_not_the_shipping_policy(
    shop: ShopService, shopper_id: str, context: dict, responses: list[str]
) -> None:
    # 「运费要我出吗」 (read as a product question) got 「全店满99元包邮…」 in a return.
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("运费要我出吗", "product_consult", shopper_id=shopper_id, **context)
    await ActionProductConsult(shop).run(dispatcher, tracker, {})
    assert [m["response"] for m in dispatcher.messages] == responses
