"""A typed reply picks one of the offered orders, or none when it says more."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.order_choice import chosen_order, named_by_number
from actions.order_form import ValidateOrderForm
from actions.order_offer import OFFERED_ORDERS
from actions.shop.demo_data import (
    DEMO_CANCELLED_ORDER,
    DEMO_COMPLETED_ORDER,
    DEMO_DELIVERED_ORDER,
    DEMO_PAID_ORDER,
    DEMO_PENDING_ORDER,
    DEMO_SHIPPED_ORDER,
)
from actions.shop.service import ShopService
from tests.factories import make_tracker

DOMAIN = {"forms": {"order_form": {"required_slots": ["order_id", "refund_reason"]}}}


async def pick(shop: ShopService, text: str) -> str | None:
    orders = await shop.recent_orders(shopper_id="demo", limit=OFFERED_ORDERS)
    order = chosen_order(text, orders, await shop.match_products(text))
    return order.id if order else None


async def test_the_demo_shopper_is_offered_these_orders_newest_first(shop: ShopService) -> None:
    orders = await shop.recent_orders(shopper_id="demo", limit=OFFERED_ORDERS)
    assert [o.id for o in orders] == [
        DEMO_PENDING_ORDER,
        DEMO_PAID_ORDER,
        DEMO_SHIPPED_ORDER,
        DEMO_DELIVERED_ORDER,
        DEMO_CANCELLED_ORDER,
    ]


@pytest.mark.parametrize(
    ("reply", "order_id"),
    [
        # the short number the button shows, or its tail
        (DEMO_PAID_ORDER[-6:], DEMO_PAID_ORDER),
        (f"尾号{DEMO_SHIPPED_ORDER[-4:]}的那单", DEMO_SHIPPED_ORDER),
        ("５９０１４２", DEMO_PAID_ORDER),
        # a position in the list
        ("第三个", DEMO_SHIPPED_ORDER),
        ("第2个订单", DEMO_PAID_ORDER),
        ("最新的那个", DEMO_PENDING_ORDER),
        ("最近那单", DEMO_PENDING_ORDER),
        ("最后一个", DEMO_CANCELLED_ORDER),
        # the status the button shows
        ("已发货的那个", DEMO_SHIPPED_ORDER),
        ("待发货的", DEMO_PAID_ORDER),
        # the goods, by name or alias, in any line of the order
        ("耳机", DEMO_DELIVERED_ORDER),
        ("羽绒服那个", DEMO_SHIPPED_ORDER),
        ("就是空气炸锅那单吧", DEMO_PENDING_ORDER),
        ("尿不湿的", DEMO_PAID_ORDER),
        # a correction (it was filed as an invoice title)
        ("哦不对，是羽绒服那单", DEMO_SHIPPED_ORDER),
    ],
)
async def test_a_reply_that_only_points_at_an_order_picks_it(
    shop: ShopService, reply: str, order_id: str
) -> None:
    assert await pick(shop, reply) == order_id


@pytest.mark.parametrize(
    "reply",
    [
        "羽绒服有货吗",  # a product question, not a choice
        "最近有什么优惠",
        "第九个",  # there are five
        "已完成的",  # not among those offered
        DEMO_COMPLETED_ORDER[-6:],  # older than the five offered
        "123456",  # no such tail
        "0142 和 8825",  # two numbers
        "我要退款",
        "不是羽绒服那单",  # names the one it is not
        "",
    ],
)
async def test_a_reply_that_says_more_or_fits_none_picks_nothing(
    shop: ShopService, reply: str
) -> None:
    assert await pick(shop, reply) is None


@pytest.mark.parametrize(
    ("request_text", "order_id"),
    [
        (f"我要退货 {DEMO_DELIVERED_ORDER[-6:]}", DEMO_DELIVERED_ORDER),
        (f"{DEMO_COMPLETED_ORDER[-6:]}这单开发票", DEMO_COMPLETED_ORDER),  # older than five
        (f"尾号{DEMO_SHIPPED_ORDER[-4:]}的到哪了", DEMO_SHIPPED_ORDER),
        ("退货 ２６３３０７", DEMO_DELIVERED_ORDER),
        ("我要退货 123456", None),  # no such tail
        ("退款 手机13800138000", None),  # a phone number
        ("0142 和 8825 都要退", None),  # two numbers
        ("税号91330100MA27XL0E2K", None),  # part of a tax id
        (f"我要退货 {DEMO_DELIVERED_ORDER[-4:]}年买的", None),  # a year
        (f"退款 ¥{DEMO_DELIVERED_ORDER[-4:]}", None),  # an amount
        (f"退 {DEMO_DELIVERED_ORDER[-4:]} 元", None),
        ("我要退货", None),
    ],
)
async def test_a_request_may_name_its_order_by_the_short_number(
    shop: ShopService, request_text: str, order_id: str | None
) -> None:
    orders = await shop.recent_orders(shopper_id="demo", limit=20)
    order = named_by_number(request_text, orders)
    assert (order.id if order else None) == order_id


async def test_the_form_takes_the_order_a_request_names_by_its_short_number(
    shop: ShopService,
) -> None:
    slots = {"request_kind": "return_goods"}
    text = f"我要退货 {DEMO_DELIVERED_ORDER[-6:]}"
    tracker = make_tracker(text, "return_goods", slots=slots, active_loop="order_form")

    events = await ValidateOrderForm(shop).run(CollectingDispatcher(), tracker, DOMAIN)

    assert SlotSet("order_id", DEMO_DELIVERED_ORDER) in events


@pytest.mark.parametrize(
    ("text", "kind", "order_id"),
    [
        ("我买的羽绒服还没到", "logistics_track", DEMO_SHIPPED_ORDER),
        ("耳机发货了吗", "order_status", DEMO_DELIVERED_ORDER),
        ("耳机没声音了，我想退货", "return_goods", None),  # a change: proposed for a yes first
        ("我的快递到哪了", "logistics_track", None),  # no goods named
    ],
)
async def test_a_lookup_by_the_goods_of_one_order_is_about_that_order(
    shop: ShopService, text: str, kind: str, order_id: str | None
) -> None:
    tracker = make_tracker(text, kind, slots={"request_kind": kind}, active_loop="order_form")

    found = await ValidateOrderForm(shop).extract_order_id(CollectingDispatcher(), tracker, DOMAIN)

    assert found == ({"order_id": order_id} if order_id else {})


async def test_the_form_takes_the_picked_order_and_checks_it(shop: ShopService) -> None:
    # Before the buttons are in the tracker, positions count on those the question
    # would offer: a refund's are the paid, shipped and delivered orders.
    slots = {"requested_slot": "order_id", "request_kind": "refund_request"}
    tracker = make_tracker("第二个", "nlu_fallback", slots=slots, active_loop="order_form")

    events = await ValidateOrderForm(shop).run(CollectingDispatcher(), tracker, DOMAIN)

    assert SlotSet("order_id", DEMO_SHIPPED_ORDER) in events
    assert SlotSet("order_status", "shipped") in events


async def test_picking_by_status_does_not_switch_the_request(shop: ShopService) -> None:
    # 「已发货的那个」 may parse as order_status; it answers the refund's question.
    slots = {"requested_slot": "order_id", "request_kind": "refund_request"}
    tracker = make_tracker("已发货的那个", "order_status", slots=slots, active_loop="order_form")

    events = await ValidateOrderForm(shop).run(CollectingDispatcher(), tracker, DOMAIN)

    assert SlotSet("order_id", DEMO_SHIPPED_ORDER) in events
    assert not [e for e in events if e.get("name") == "request_kind"]


async def test_only_the_order_question_is_answered_by_a_pick(shop: ShopService) -> None:
    slots = {
        "requested_slot": "refund_reason",
        "request_kind": "refund_request",
        "order_id": DEMO_SHIPPED_ORDER,
        "order_status": "shipped",
    }
    tracker = make_tracker("第一个", "inform", slots=slots, active_loop="order_form")

    events = await ValidateOrderForm(shop).run(CollectingDispatcher(), tracker, DOMAIN)

    assert not [e for e in events if e.get("name") == "order_id"]


async def test_a_button_payload_is_left_to_its_entity(shop: ShopService) -> None:
    slots = {"requested_slot": "order_id", "request_kind": "order_status"}
    payload = f'/inform{{"order_id":"{DEMO_PAID_ORDER}"}}'
    entities = [{"entity": "order_id", "value": DEMO_PAID_ORDER}]
    tracker = make_tracker(payload, "inform", slots=slots, entities=entities)

    extracted = await ValidateOrderForm(shop).extract_order_id(
        CollectingDispatcher(), tracker, DOMAIN
    )

    assert extracted == {}
