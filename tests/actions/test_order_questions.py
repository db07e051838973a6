"""The order form's questions ask once per message and offer the shopper's orders."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.order_questions import (
    ActionAskAddressConfirmed,
    ActionAskOrderId,
    ActionAskRefundConfirmed,
)
from actions.shop.format import yuan
from actions.shop.seed import (
    DEMO_COMPLETED_ORDER,
    DEMO_DELIVERED_ORDER,
    DEMO_PAID_ORDER,
    DEMO_SHIPPED_ORDER,
    OTHER_SHOPPER_ORDER,
)
from actions.shop.service import ShopService
from tests.factories import make_tracker


async def test_order_question_offers_recent_orders_as_buttons(shop: ShopService) -> None:
    dispatcher = CollectingDispatcher()
    await ActionAskOrderId(shop).run(dispatcher, make_tracker("我的订单到哪了"), {})
    message = dispatcher.messages[0]
    assert message["response"] == "utter_ask_order_id_choose"
    payloads = [button["payload"] for button in message["buttons"]]
    assert len(payloads) == 5
    assert f'/inform{{"order_id":"{DEMO_PAID_ORDER}"}}' in payloads
    assert all(OTHER_SHOPPER_ORDER not in payload for payload in payloads)


async def test_goods_named_in_the_request_put_their_order_first(shop: ShopService) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("耳机没声音了，我要退货", "return_goods")

    await ActionAskOrderId(shop).run(dispatcher, tracker, {})

    message = dispatcher.messages[0]
    assert message["response"] == "utter_ask_order_id_named"
    assert DEMO_DELIVERED_ORDER in message["buttons"][0]["payload"]
    assert len(message["buttons"]) == 5


async def test_goods_in_two_offered_orders_leave_the_list_as_it_is(shop: ShopService) -> None:
    dispatcher = CollectingDispatcher()
    await ActionAskOrderId(shop).run(
        dispatcher, make_tracker("耳机和口红都要退", "return_goods"), {}
    )
    assert dispatcher.messages[0]["response"] == "utter_ask_order_id_choose"


FORM_ASKED = [
    {"event": "user", "text": "我要退款", "parse_data": {"intent": {"name": "refund_request"}}},
    {"event": "action", "name": "order_form"},
    {"event": "active_loop", "name": "order_form"},
    {
        "event": "bot",
        "text": "请问是哪一笔订单呢？",
        "metadata": {"utter_action": "utter_ask_order_id_choose"},
    },
    {"event": "action", "name": "action_listen"},
]


async def test_back_from_a_digression_the_order_is_asked_for_in_one_line(
    shop: ShopService,
) -> None:
    answered = [{"event": "bot", "text": "支持支付宝…", "metadata": {"utter_action": "utter_x"}}]
    tracker = make_tracker("能用花呗吗", "payment_issue", events=FORM_ASKED + answered)
    dispatcher = CollectingDispatcher()

    await ActionAskOrderId(shop).run(dispatcher, tracker, {})

    assert [(m["response"], m["buttons"]) for m in dispatcher.messages] == [("utter_ask_again", [])]


async def test_after_details_it_could_not_use_it_says_it_still_needs_the_order(
    shop: ShopService,
) -> None:
    tracker = make_tracker("屏幕碎了", "inform", events=FORM_ASKED)
    dispatcher = CollectingDispatcher()

    await ActionAskOrderId(shop).run(dispatcher, tracker, {})

    assert [m["response"] for m in dispatcher.messages] == ["utter_which_order_not_understood"]


async def test_after_a_correction_it_says_it_still_needs_the_order(shop: ShopService) -> None:
    tracker = make_tracker("发错了", "deny", events=FORM_ASKED)
    dispatcher = CollectingDispatcher()

    await ActionAskOrderId(shop).run(dispatcher, tracker, {})

    assert [m["response"] for m in dispatcher.messages] == ["utter_which_order_not_understood"]


async def test_details_that_name_the_goods_offer_their_order(shop: ShopService) -> None:
    tracker = make_tracker("耳机左耳没声音了", "inform", events=FORM_ASKED)
    dispatcher = CollectingDispatcher()

    await ActionAskOrderId(shop).run(dispatcher, tracker, {})

    [message] = dispatcher.messages
    assert message["response"] == "utter_ask_order_id_named"
    assert DEMO_DELIVERED_ORDER in message["buttons"][0]["payload"]


@pytest.mark.parametrize(
    ("text", "intent", "said"),
    [
        ("忘了是哪个", "nlu_fallback", "utter_which_order_not_understood"),
        ("2611180930263307", "inform", "utter_order_not_found"),
    ],
)
async def test_once_the_bot_said_it_needs_another_order_the_form_does_not_ask_again(
    shop: ShopService, text: str, intent: str, said: str
) -> None:
    tracker = make_tracker(text, intent, events=FORM_ASKED)
    tracker.events.append({"event": "bot", "text": "…", "metadata": {"utter_action": said}})
    dispatcher = CollectingDispatcher()

    await ActionAskOrderId(shop).run(dispatcher, tracker, {})

    assert dispatcher.messages == []


async def test_a_new_request_in_the_form_gets_the_order_list_again(shop: ShopService) -> None:
    tracker = make_tracker("帮我查物流", "logistics_track", events=FORM_ASKED)
    dispatcher = CollectingDispatcher()

    await ActionAskOrderId(shop).run(dispatcher, tracker, {})

    [message] = dispatcher.messages
    assert message["response"] == "utter_ask_order_id_choose" and len(message["buttons"]) == 5


@pytest.mark.parametrize(
    ("text", "kind", "policy"),
    [
        ("支持七天无理由吗", "return_goods", "utter_policy_returns"),
        ("运费谁出", "return_goods", "utter_policy_returns"),
        ("下单后多久发货", "urge_delivery", "utter_policy_ship_from"),
        ("一般几天发货", "urge_delivery", "utter_policy_ship_from"),
        ("发什么快递", "logistics_track", "utter_policy_ship_from"),
        ("能发顺丰吗", "logistics_track", "utter_policy_ship_from"),
    ],
)
async def test_a_policy_question_is_answered_before_asking_for_the_order(
    shop: ShopService, text: str, kind: str, policy: str
) -> None:
    tracker = make_tracker(text, kind, slots={"request_kind": kind})
    dispatcher = CollectingDispatcher()

    await ActionAskOrderId(shop).run(dispatcher, tracker, {})

    responses = [m["response"] for m in dispatcher.messages]
    assert responses == [policy, "utter_ask_order_id_fitting"]


async def test_shopper_without_orders_is_asked_for_the_number(shop: ShopService) -> None:
    dispatcher = CollectingDispatcher()
    await ActionAskOrderId(shop).run(dispatcher, make_tracker(shopper_id="nobody"), {})
    assert dispatcher.messages[0]["response"] == "utter_ask_order_id"


@pytest.mark.parametrize(
    ("text", "kind", "policy"),
    [
        ("可以开专票吗", "invoice", "utter_policy_invoice_kinds"),
        ("我要开发票", "invoice", None),
    ],
)
async def test_an_invoice_kind_question_is_answered_before_the_order_is_asked(
    shop: ShopService, text: str, kind: str, policy: str | None
) -> None:
    tracker = make_tracker(text, kind, slots={"request_kind": kind})
    dispatcher = CollectingDispatcher()

    await ActionAskOrderId(shop).run(dispatcher, tracker, {})

    responses = [m["response"] for m in dispatcher.messages]
    assert responses == [r for r in (policy, "utter_ask_order_id_fitting") if r]


async def test_a_refund_is_shown_with_its_goods_amount_and_reason_before_it_is_filed(
    shop: ShopService,
) -> None:
    dispatcher = CollectingDispatcher()
    slots = {"order_id": DEMO_SHIPPED_ORDER, "refund_reason": "不想要了", "amount": "¥20"}

    await ActionAskRefundConfirmed(shop).run(dispatcher, make_tracker(slots=slots), {})

    [message] = dispatcher.messages
    order = await shop.order("demo", DEMO_SHIPPED_ORDER)
    assert message["response"] == "utter_ask_refund_confirmed"
    assert (message["items"], message["amount"], message["reason"]) == (
        order.item_summary,
        "¥20.00",
        "不想要了",
    )
    # Refusing the parcel for ¥20 of it would lose the rest.
    assert "包裹" not in message["note"]
    assert await shop.refunds("demo", DEMO_SHIPPED_ORDER) == []


async def test_a_whole_refund_of_a_parcel_on_its_way_says_to_refuse_it(shop: ShopService) -> None:
    dispatcher = CollectingDispatcher()
    slots = {"order_id": DEMO_SHIPPED_ORDER, "refund_reason": "不想要了"}

    await ActionAskRefundConfirmed(shop).run(dispatcher, make_tracker(slots=slots), {})

    assert "拒收" in dispatcher.messages[0]["note"]


async def test_a_delivered_orders_refund_is_its_total_and_needs_no_parcel_note(
    shop: ShopService,
) -> None:
    dispatcher = CollectingDispatcher()
    slots = {"order_id": DEMO_DELIVERED_ORDER, "refund_reason": "质量问题"}

    await ActionAskRefundConfirmed(shop).run(dispatcher, make_tracker(slots=slots), {})

    order = await shop.order("demo", DEMO_DELIVERED_ORDER)
    assert dispatcher.messages[0]["amount"] == yuan(order.total_fen)
    assert "包裹" not in dispatcher.messages[0]["note"]


@pytest.mark.parametrize(
    ("shopper_id", "order_id", "note"),
    [
        # A gold member's refund is approved the moment it is confirmed: said before.
        ("demo", DEMO_DELIVERED_ORDER, "您是金卡会员，享受极速退款：确认后立即退款，不能撤销。"),
        ("demo", DEMO_PAID_ORDER, "订单会关闭、不再发货，不能撤销"),
        ("u1002", OTHER_SHOPPER_ORDER, ""),  # reviewed first, and can be withdrawn meanwhile
    ],
)
async def test_a_refund_that_is_final_at_once_says_so_before_it_is_confirmed(
    shop: ShopService, shopper_id: str, order_id: str, note: str
) -> None:
    dispatcher = CollectingDispatcher()
    slots = {"order_id": order_id, "refund_reason": "不想要了"}

    await ActionAskRefundConfirmed(shop).run(
        dispatcher, make_tracker("", None, shopper_id, slots), {}
    )

    assert note in dispatcher.messages[0]["note"]
    assert bool(note) == ("极速退款" in dispatcher.messages[0]["note"])


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("浙江省杭州市西湖区文三路100号 13800138000 谢谢", ("文三路100号", "小林", "13800138000")),
        (
            "浙江省杭州市西湖区文三路100号 李道明 13912345678",
            ("文三路100号", "李道明", "13912345678"),
        ),
    ],
)
async def test_the_address_is_confirmed_as_it_will_be_written(
    shop: ShopService, typed: str, shown: tuple[str, str, str]
) -> None:
    dispatcher = CollectingDispatcher()
    slots = {"order_id": DEMO_PAID_ORDER, "new_address": typed}

    await ActionAskAddressConfirmed(shop).run(dispatcher, make_tracker(slots=slots), {})

    [message] = dispatcher.messages
    address, receiver, phone = shown
    assert message["new_address"].endswith(address) and "谢谢" not in message["new_address"]
    assert (message["receiver"], message["phone"]) == (receiver, phone)


async def test_how_price_protection_works_is_answered_before_the_order_is_asked(
    shop: ShopService,
) -> None:
    dispatcher = CollectingDispatcher()
    slots = {"request_kind": "price_protect"}
    tracker = make_tracker("价保是怎么规定的", "price_protect", slots=slots)

    await ActionAskOrderId(shop).run(dispatcher, tracker, {})

    said = [m["response"] for m in dispatcher.messages]
    assert said[0] == "utter_policy_price_protect" and len(said) == 2


async def test_a_parcel_not_received_offers_only_delivered_orders(shop: ShopService) -> None:
    # It listed the unshipped orders first.
    dispatcher = CollectingDispatcher()
    slots = {"request_kind": "logistics_track"}
    tracker = make_tracker("显示签收了但我没收到", "logistics_track", slots=slots)

    await ActionAskOrderId(shop).run(dispatcher, tracker, {})

    [message] = dispatcher.messages
    offered = [b["payload"] for b in message["buttons"]]
    assert offered == [
        f'/inform{{"order_id":"{DEMO_DELIVERED_ORDER}"}}',
        f'/inform{{"order_id":"{DEMO_COMPLETED_ORDER}"}}',
    ]
