"""The order question offers the orders a request fits, and replies are read against them."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.order_form import ABORTED, ValidateOrderForm
from actions.order_offer import (
    RECENT_ORDERS_SCANNED,
    AskedOrder,
    asked_order,
    make_offer,
    order_ids_on,
)
from actions.order_questions import ActionAskOrderId
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


async def offered(shop: ShopService, kind: str | None, goods: str = "") -> tuple[list[str], Any]:
    recent = await shop.recent_orders(shopper_id="demo", limit=RECENT_ORDERS_SCANNED)
    offer = make_offer(recent, kind, await shop.match_products(goods) if goods else ())
    return [o.id for o in offer.orders], offer


@pytest.mark.parametrize(
    ("kind", "orders"),
    [
        ("cancel_order", [DEMO_PENDING_ORDER, DEMO_PAID_ORDER]),
        ("change_address", [DEMO_PENDING_ORDER, DEMO_PAID_ORDER]),
        ("urge_delivery", [DEMO_PAID_ORDER, DEMO_SHIPPED_ORDER]),
        ("return_goods", [DEMO_DELIVERED_ORDER, DEMO_COMPLETED_ORDER]),
        ("logistics_track", [DEMO_PAID_ORDER, DEMO_SHIPPED_ORDER, DEMO_DELIVERED_ORDER]),
        (
            "invoice",
            [DEMO_PAID_ORDER, DEMO_SHIPPED_ORDER, DEMO_DELIVERED_ORDER, DEMO_COMPLETED_ORDER],
        ),
    ],
)
async def test_a_request_offers_the_orders_it_can_be_done_for(
    shop: ShopService, kind: str, orders: list[str]
) -> None:
    ids, offer = await offered(shop, kind)
    assert ids == orders
    assert offer.fitting and not offer.named


async def test_a_question_about_any_order_offers_the_five_newest(shop: ShopService) -> None:
    ids, offer = await offered(shop, "order_status")
    assert ids == [
        DEMO_PENDING_ORDER,
        DEMO_PAID_ORDER,
        DEMO_SHIPPED_ORDER,
        DEMO_DELIVERED_ORDER,
        DEMO_CANCELLED_ORDER,
    ]
    assert not offer.fitting


async def test_with_no_order_that_fits_the_recent_ones_are_offered(shop: ShopService) -> None:
    recent = await shop.recent_orders(shopper_id="demo", limit=RECENT_ORDERS_SCANNED)
    delivered = [o for o in recent if o.status in ("delivered", "completed", "cancelled")]

    offer = make_offer(delivered, "cancel_order")

    assert [o.id for o in offer.orders] == [o.id for o in delivered]
    assert not offer.fitting


async def test_the_order_of_the_goods_named_comes_first_even_if_it_does_not_fit(
    shop: ShopService,
) -> None:
    # 「口红退货」: the lipstick order was cancelled; its handler will say so.
    ids, offer = await offered(shop, "return_goods", "口红")
    assert ids == [DEMO_CANCELLED_ORDER, DEMO_DELIVERED_ORDER, DEMO_COMPLETED_ORDER]
    assert offer.named


async def test_a_refund_is_offered_for_no_order_refunded_already_or_past_its_window(
    shop: ShopService,
) -> None:
    await shop.request_refund(shopper_id="demo", order_id=DEMO_SHIPPED_ORDER, reason="不想要了")
    tracker = make_tracker("我要退款", "refund_request", slots={"request_kind": "refund_request"})
    dispatcher = CollectingDispatcher()

    await ActionAskOrderId(shop).run(dispatcher, tracker, {})

    [message] = dispatcher.messages
    # The completed order was delivered 25 days ago: offered as 「可以办理」, it got
    # 「已超过售后期」 only after the reason was asked.
    assert order_ids_on(message) == (DEMO_PAID_ORDER, DEMO_DELIVERED_ORDER)


async def test_an_order_with_one_of_its_goods_refunded_is_offered_for_the_rest(
    shop: ShopService,
) -> None:
    # Only the T-shirt of the shipped order (jacket and T-shirt) is refunded.
    await shop.request_refund("demo", DEMO_SHIPPED_ORDER, "不想要了", goods={"P1002": 1})
    tracker = make_tracker("我要退款", "refund_request", slots={"request_kind": "refund_request"})
    dispatcher = CollectingDispatcher()

    await ActionAskOrderId(shop).run(dispatcher, tracker, {})

    assert DEMO_SHIPPED_ORDER in order_ids_on(dispatcher.messages[0])
    await shop.request_refund("demo", DEMO_SHIPPED_ORDER, "不想要了", goods={"P1001": 1})
    dispatcher = CollectingDispatcher()
    await ActionAskOrderId(shop).run(dispatcher, tracker, {})
    assert DEMO_SHIPPED_ORDER not in order_ids_on(dispatcher.messages[0])


async def test_where_is_my_refund_offers_only_orders_that_have_one(shop: ShopService) -> None:
    # It listed an order without a refund first.
    await shop.request_refund("demo", DEMO_SHIPPED_ORDER, "不想要了", goods={"P1002": 1})
    await shop.request_refund("demo", DEMO_DELIVERED_ORDER, "质量问题")
    slots = {"request_kind": "refund_progress"}
    tracker = make_tracker("我的退款呢", "refund_progress", slots=slots)
    dispatcher = CollectingDispatcher()

    await ActionAskOrderId(shop).run(dispatcher, tracker, {})

    assert set(order_ids_on(dispatcher.messages[0])) == {DEMO_SHIPPED_ORDER, DEMO_DELIVERED_ORDER}


def question(utter: str, order_ids: list[str] = ()) -> dict[str, Any]:  # type: ignore[assignment]
    buttons = [{"title": i[-6:], "payload": f'/inform{{"order_id":"{i}"}}'} for i in order_ids]
    return {
        "event": "bot",
        "text": "…",
        "data": {"buttons": buttons},
        "metadata": {"utter_action": utter},
    }


FORM_STARTED = [
    {"event": "user", "text": "耳机退货", "parse_data": {"intent": {"name": "return_goods"}}},
    {"event": "active_loop", "name": "order_form"},
]
NAMED = [DEMO_DELIVERED_ORDER, DEMO_COMPLETED_ORDER, DEMO_PENDING_ORDER]


def test_the_last_question_and_the_orders_it_showed_are_read_from_the_events() -> None:
    events = FORM_STARTED + [question("utter_ask_order_id_named", NAMED)]
    assert asked_order(events) == AskedOrder("utter_ask_order_id_named", tuple(NAMED))
    assert asked_order(events).proposed == DEMO_DELIVERED_ORDER


def test_a_later_question_without_buttons_keeps_the_shown_orders_but_proposes_none() -> None:
    events = FORM_STARTED + [
        question("utter_ask_order_id_named", NAMED),
        question("utter_which_order_not_understood"),
    ]
    asked = asked_order(events)
    assert asked.shown == tuple(NAMED) and asked.proposed is None


def test_questions_of_an_earlier_run_of_the_form_do_not_count() -> None:
    events = [
        {"event": "active_loop", "name": "order_form"},
        question("utter_ask_order_id_named", NAMED),
        {"event": "active_loop", "name": None},
    ]
    assert asked_order(events) == AskedOrder()


def test_only_order_buttons_are_read() -> None:
    data = {
        "buttons": [
            {"title": "转人工", "payload": "/request_human"},
            {"title": "x", "payload": "/inform{not json"},
            {"title": "590142", "payload": f'/inform{{"order_id":"{DEMO_PAID_ORDER}"}}'},
        ]
    }
    assert order_ids_on(data) == (DEMO_PAID_ORDER,)


async def test_the_question_offers_only_cancellable_orders_and_says_so(shop: ShopService) -> None:
    tracker = make_tracker("我要取消订单", "cancel_order", slots={"request_kind": "cancel_order"})
    dispatcher = CollectingDispatcher()

    await ActionAskOrderId(shop).run(dispatcher, tracker, {})

    [message] = dispatcher.messages
    assert message["response"] == "utter_ask_order_id_fitting"
    assert order_ids_on(message) == (DEMO_PENDING_ORDER, DEMO_PAID_ORDER)


def form_tracker(text: str, intent: str, *asked: dict[str, Any]) -> Any:
    slots = {"requested_slot": "order_id", "request_kind": "return_goods"}
    events = FORM_STARTED + list(asked)
    return make_tracker(text, intent, slots=slots, events=events, active_loop="order_form")


@pytest.mark.parametrize(
    ("text", "intent"),
    [("好的", "affirm"), ("对 就是这个", "affirm"), ("质量问题 左耳没声音", "inform"),
     ("耳机左耳没声音", "inform")],
)  # fmt: skip
async def test_going_along_with_the_proposed_order_takes_it(
    shop: ShopService, text: str, intent: str
) -> None:
    tracker = form_tracker(text, intent, question("utter_ask_order_id_named", NAMED))

    events = await ValidateOrderForm(shop).run(CollectingDispatcher(), tracker, DOMAIN)

    assert SlotSet("order_id", DEMO_DELIVERED_ORDER) in events


async def test_details_about_other_goods_do_not_take_the_proposed_order(
    shop: ShopService,
) -> None:
    tracker = form_tracker("羽绒服掉毛", "inform", question("utter_ask_order_id_named", NAMED))

    events = await ValidateOrderForm(shop).run(CollectingDispatcher(), tracker, DOMAIN)

    assert not [e for e in events if e.get("name") == "order_id" and e.get("value")]


async def test_yes_to_a_plain_list_picks_nothing(shop: ShopService) -> None:
    tracker = form_tracker("好的", "affirm", question("utter_ask_order_id_choose", NAMED))

    events = await ValidateOrderForm(shop).run(CollectingDispatcher(), tracker, DOMAIN)

    assert not [e for e in events if e.get("name") == "order_id" and e.get("value")]


async def test_a_position_counts_on_the_buttons_shown(shop: ShopService) -> None:
    tracker = form_tracker("第二个", "inform", question("utter_ask_order_id_named", NAMED))

    events = await ValidateOrderForm(shop).run(CollectingDispatcher(), tracker, DOMAIN)

    assert SlotSet("order_id", DEMO_COMPLETED_ORDER) in events


async def test_no_to_the_proposed_order_asks_for_another_instead_of_giving_up(
    shop: ShopService,
) -> None:
    asked = question("utter_ask_order_id_named", NAMED)

    events = await ValidateOrderForm(shop).run(
        CollectingDispatcher(), form_tracker("不是这个", "deny", asked), DOMAIN
    )
    assert SlotSet("request_kind", ABORTED) not in events
    assert SlotSet("order_id", None) in events

    dispatcher = CollectingDispatcher()
    await ActionAskOrderId(shop).run(dispatcher, form_tracker("不是这个", "deny", asked), {})
    [message] = dispatcher.messages
    assert message["response"] == "utter_ask_order_id_other"
    assert order_ids_on(message) == (DEMO_COMPLETED_ORDER, DEMO_PENDING_ORDER)


async def test_never_mind_to_the_proposed_order_stops(shop: ShopService) -> None:
    tracker = form_tracker("算了不用了", "deny", question("utter_ask_order_id_named", NAMED))

    events = await ValidateOrderForm(shop).run(CollectingDispatcher(), tracker, DOMAIN)

    assert SlotSet("request_kind", ABORTED) in events
