"""「只退T恤」: a refund of the goods the shopper names, not of the whole parcel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk.executor import CollectingDispatcher

from actions.order_form import ValidateOrderForm, slot_values
from actions.order_questions import ActionAskRefundConfirmed
from actions.order_request import ActionHandleOrderRequest
from actions.refund_goods import goods_named, goods_of, goods_slot, request_texts
from actions.shop.seed import (
    DEMO_DELIVERED_ORDER,
    DEMO_PAID_ORDER,
    DEMO_SHIPPED_ORDER,
    OTHER_SHIPPED_ORDER,
)
from actions.shop.service import ShopService
from tests.factories import make_tracker

ROOT = Path(__file__).resolve().parents[2]
# DEMO_SHIPPED_ORDER: 轻薄羽绒服 (P1001, 399 元) and 纯棉圆领T恤 (P1002, 79 元).
JACKET, TSHIRT = "P1001", "P1002"


@pytest.fixture
def domain() -> dict:
    """The project's domain, whose questions offer the buttons the form reads."""
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def user(text: str, intent: str) -> dict[str, Any]:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}


@pytest.mark.parametrize(
    ("texts", "chosen"),
    [
        (["T恤不想要了 退款"], {TSHIRT: 1}),
        (["我要退款", "只退羽绒服"], {JACKET: 1}),
        (["只退T恤", "不对，全部退"], {}),
        (["不是全部，只退T恤"], {TSHIRT: 1}),
        (["只退T恤 羽绒服留着"], {TSHIRT: 1}),
        (["羽绒服不退，申请退款"], {TSHIRT: 1}),
        (["T恤那单退款"], {}),  # names the order by its goods
        (["418825那单 只退T恤"], {TSHIRT: 1}),  # the order, then the goods
        (["T恤和羽绒服都要退款"], {}),
        (["耳机退款"], {}),  # not in this order
        (["只退T恤", "质量问题"], {TSHIRT: 1}),  # the reason keeps the goods
    ],
)
async def test_the_latest_words_to_name_goods_of_the_order_choose_them(
    shop: ShopService, texts: list[str], chosen: dict[str, int]
) -> None:
    order = await shop.order("demo", DEMO_SHIPPED_ORDER)
    assert await goods_named(shop, order, texts) == chosen


@pytest.mark.parametrize(
    ("order_id", "text", "chosen"),
    [
        # DEMO_PAID_ORDER: 婴儿纸尿裤 ×2 and 每日坚果礼盒 ×1.
        (DEMO_PAID_ORDER, "纸尿裤买多了 只想退一包", {"P3001": 1}),
        (DEMO_PAID_ORDER, "买了2包纸尿裤 退1包就行", {"P3001": 1}),
        (DEMO_PAID_ORDER, "退两包纸尿裤", {"P3001": 2}),
        (DEMO_PAID_ORDER, "纸尿裤退5包", {"P3001": 2}),  # no more than the order holds
        (DEMO_PAID_ORDER, "纸尿裤和坚果都退", {}),
        # OTHER_SHIPPED_ORDER: 云南小粒咖啡豆 ×2, one kind of goods.
        (OTHER_SHIPPED_ORDER, "咖啡豆只想退一袋", {"P5002": 1}),
        (OTHER_SHIPPED_ORDER, "只想退一袋", {"P5002": 1}),
        (OTHER_SHIPPED_ORDER, "咖啡豆不想要了", {}),
        (OTHER_SHIPPED_ORDER, "退20元吧", {}),  # an amount, not goods
    ],
)
async def test_a_count_refunds_some_of_the_goods(
    shop: ShopService, order_id: str, text: str, chosen: dict[str, int]
) -> None:
    shopper = "u1002" if order_id == OTHER_SHIPPED_ORDER else "demo"
    order = await shop.order(shopper, order_id)
    assert await goods_named(shop, order, [text]) == chosen


async def test_an_order_of_one_kind_of_goods_is_refunded_whole(shop: ShopService) -> None:
    order = await shop.order("demo", DEMO_DELIVERED_ORDER)
    assert await goods_named(shop, order, ["耳机退款"]) == {}


def test_the_request_texts_start_with_the_form_and_skip_buttons() -> None:
    began = {"event": "active_loop", "name": "order_form"}
    earlier = [user("T恤到哪了", "order_status"), {"event": "active_loop", "name": None},
               user("只退T恤", "refund_request"), began, user("/inform", "inform"),
               user("确认退款", "refund_request")]  # fmt: skip
    tracker = make_tracker("质量问题", "inform", events=earlier)
    assert request_texts(tracker) == ["只退T恤", "确认退款", "质量问题"]


async def test_goods_named_at_the_confirmation_change_it_and_it_is_asked_again(
    shop: ShopService, domain: dict
) -> None:
    slots = {"request_kind": "refund_request", "requested_slot": "refund_confirmed",
             "order_id": DEMO_SHIPPED_ORDER, "order_status": "shipped",
             "refund_reason": "不想要了"}  # fmt: skip
    events = [user("我要退款", "refund_request")]
    tracker = make_tracker(
        "不是全部，只退T恤", "refund_request", slots=slots, events=events, active_loop="order_form"
    )

    found = await ValidateOrderForm(shop).run(CollectingDispatcher(), tracker, domain)

    set_to = {e["name"]: e["value"] for e in found if e.get("event") == "slot"}
    assert set_to["refund_goods"] == [f"{TSHIRT}:1"]
    assert set_to["refund_confirmed"] is None


async def test_the_confirmation_names_the_goods_and_their_price(shop: ShopService) -> None:
    dispatcher = CollectingDispatcher()
    slots = {"order_id": DEMO_SHIPPED_ORDER, "refund_reason": "不想要了",
             "refund_goods": [f"{TSHIRT}:1"]}  # fmt: skip

    await ActionAskRefundConfirmed(shop).run(dispatcher, make_tracker(slots=slots), {})

    [message] = dispatcher.messages
    assert (message["items"], message["amount"]) == ("纯棉圆领T恤 ×1", "¥79.00")
    # The jacket still comes: not 「拒收」, but sign for it and keep the T-shirt.
    assert "拒收" not in message["note"]
    assert "请正常签收" in message["note"] and "纯棉圆领T恤 ×1请保留" in message["note"]


async def test_an_amount_above_the_goods_price_is_said_before_the_confirmation(
    shop: ShopService,
) -> None:
    dispatcher = CollectingDispatcher()
    slots = {"order_id": DEMO_SHIPPED_ORDER, "refund_reason": "不想要了",
             "refund_goods": [f"{TSHIRT}:1"], "amount": "100元"}  # fmt: skip

    events = await ActionAskRefundConfirmed(shop).run(dispatcher, make_tracker(slots=slots), {})

    too_high, ask = dispatcher.messages
    assert (too_high["response"], too_high["total"]) == ("utter_refund_amount_too_high", "¥79.00")
    assert (ask["response"], ask["amount"]) == ("utter_ask_refund_confirmed", "¥79.00")
    assert events == [{"event": "slot", "timestamp": None, "name": "amount", "value": None}]


async def test_the_confirmed_refund_is_of_the_goods_and_the_rest_can_follow(
    shop: ShopService,
) -> None:
    async def confirm(goods: list[str]) -> dict[str, Any]:
        dispatcher = CollectingDispatcher()
        slots = {"request_kind": "refund_request", "order_id": DEMO_SHIPPED_ORDER,
                 "refund_reason": "不想要了", "refund_confirmed": True,
                 "refund_goods": goods}  # fmt: skip
        await ActionHandleOrderRequest(shop).run(dispatcher, make_tracker(slots=slots), {})
        return dispatcher.messages[0]

    tshirt = await confirm([f"{TSHIRT}:1"])
    assert tshirt["response"] == "utter_refund_fast_approved"  # demo is a gold member
    assert (tshirt["goods"], tshirt["amount"]) == ("（纯棉圆领T恤 ×1）", "¥79.00")
    again = await confirm([f"{TSHIRT}:1"])
    assert (again["response"], again["goods"]) == ("utter_refund_already", "（纯棉圆领T恤 ×1）")
    jacket = await confirm([f"{JACKET}:1"])
    assert (jacket["response"], jacket["amount"]) == ("utter_refund_fast_approved", "¥399.00")
    refunds = await shop.refunds("demo", DEMO_SHIPPED_ORDER)
    assert sorted(r.counts for r in refunds) == [((JACKET, 1),), ((TSHIRT, 1),)]


def test_the_slot_holds_goods_and_counts_and_drops_what_it_cannot_read() -> None:
    assert goods_slot({TSHIRT: 1, JACKET: 2}) == [f"{TSHIRT}:1", f"{JACKET}:2"]
    assert goods_slot({}) is None
    assert goods_of([f"{TSHIRT}:1", "P9", "P8:x", "P7:0", None]) == {TSHIRT: 1}


async def test_a_return_of_some_goods_before_shipping_offers_to_refund_just_those(
    shop: ShopService,
) -> None:
    # 「买了2包纸尿裤 退1包就行」 was told to cancel the whole order.
    dispatcher = CollectingDispatcher()
    request = user("买了2包纸尿裤 退1包就行", "return_goods")
    slots = {"request_kind": "return_goods", "order_id": DEMO_PAID_ORDER}
    tracker = make_tracker("/inform", "inform", slots=slots, events=[request])

    await ActionHandleOrderRequest(shop).run(dispatcher, tracker, {})

    [message] = dispatcher.messages
    assert (message["response"], message["goods"]) == ("utter_return_not_shipped_some",
                                                       "婴儿纸尿裤 ×1")  # fmt: skip
    refund, cancel = message["buttons"]
    order = await shop.order("demo", DEMO_PAID_ORDER)
    assert await goods_named(shop, order, [refund["payload"]]) == {"P3001": 1}
    assert cancel["payload"] == "/cancel_order"


async def test_a_new_request_at_the_refund_confirmation_sets_the_refund_aside(
    shop: ShopService, domain: dict
) -> None:
    slots = {"request_kind": "refund_request", "requested_slot": "refund_confirmed",
             "order_id": DEMO_SHIPPED_ORDER, "order_status": "shipped",
             "refund_reason": "质量问题", "refund_goods": [f"{TSHIRT}:1"]}  # fmt: skip
    # Rasa's slot mapping has set request_kind from the new message's intent already.
    before = [{"event": "slot", "name": "request_kind", "value": "refund_request"},
              user("我要退款", "refund_request")]  # fmt: skip
    slots["request_kind"] = "logistics_track"
    tracker = make_tracker(
        "等等 先问下物流到哪了", "logistics_track", slots=slots, events=before,
        active_loop="order_form",
    )  # fmt: skip

    events = await ValidateOrderForm(shop).run(CollectingDispatcher(), tracker, domain)

    set_to = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert set_to["request_kind"] == "logistics_track"
    assert set_to["paused_refund"] == {
        "order_id": DEMO_SHIPPED_ORDER, "reason": "质量问题", "goods": [f"{TSHIRT}:1"]
    }  # fmt: skip


async def test_the_refund_set_aside_is_offered_again_after_the_answer(shop: ShopService) -> None:
    # 「那退款继续吧」 after the answer got 「您目前没有退款记录」: the refund was gone.
    dispatcher = CollectingDispatcher()
    paused = {"order_id": DEMO_SHIPPED_ORDER, "reason": "质量问题", "goods": [f"{TSHIRT}:1"]}
    slots = {"request_kind": "logistics_track", "order_id": DEMO_SHIPPED_ORDER,
             "paused_refund": paused}  # fmt: skip

    events = await ActionHandleOrderRequest(shop).run(dispatcher, make_tracker(slots=slots), {})

    offer = dispatcher.messages[-1]
    assert offer["response"] == "utter_refund_resume"
    resume, no = offer["buttons"]
    assert (
        resume["payload"] == f"订单{DEMO_SHIPPED_ORDER}申请退款，只退纯棉圆领T恤1件，原因：质量问题"
    )
    assert no["payload"] == "/deny"
    assert {"event": "slot", "timestamp": None, "name": "paused_refund", "value": None} in events


@pytest.mark.parametrize(
    ("text", "only_goods"),
    [
        ("只退坚果", True),  # it was filed as the reason
        ("我只想退这个T恤吧", True),
        ("纸尿裤退一包就行", True),
        ("T恤质量有问题", False),
        ("坚果受潮了", False),
    ],
)
async def test_goods_named_at_the_reason_are_no_reason(
    shop: ShopService, text: str, only_goods: bool
) -> None:
    found = await ValidateOrderForm(shop).validate_refund_reason(
        text, CollectingDispatcher(), make_tracker(text, "refund_request"), {}
    )
    assert found == {"refund_reason": None if only_goods else text}


async def test_goods_the_order_does_not_hold_are_said_before_the_confirmation(
    shop: ShopService,
) -> None:
    # 「只退口红」 for the earbuds order offered the earbuds' ¥699 without a word.
    dispatcher = CollectingDispatcher()
    slots = {"order_id": DEMO_DELIVERED_ORDER, "refund_reason": "不想要了"}
    tracker = make_tracker("263307只退口红", "refund_request", slots=slots)

    await ActionAskRefundConfirmed(shop).run(dispatcher, tracker, {})

    said, ask = dispatcher.messages
    assert said["response"] == "utter_refund_goods_not_in_order" and "口红" in said["named"]
    assert ask["response"] == "utter_ask_refund_confirmed"


async def test_the_whole_order_after_a_refund_of_some_goods_is_the_rest(
    shop: ShopService, domain: dict
) -> None:
    # 「418825全部退」 after the T-shirt offered ¥478 and was then refused as a second refund.
    await shop.request_refund("demo", DEMO_SHIPPED_ORDER, "不想要了", goods={TSHIRT: 1})
    slots = {"request_kind": "refund_request", "requested_slot": "refund_reason",
             "order_id": DEMO_SHIPPED_ORDER, "order_status": "shipped"}  # fmt: skip
    tracker = make_tracker(
        "全部退", "refund_request", slots=slots, events=[user("全部退", "refund_request")],
        active_loop="order_form",
    )  # fmt: skip

    found = await ValidateOrderForm(shop).run(CollectingDispatcher(), tracker, domain)

    assert slot_values(found, "refund_goods")[-1] == [f"{JACKET}:1"]


async def test_the_order_status_lists_its_refunds(shop: ShopService) -> None:
    # After one pack of two was refunded the status read as if all of it were still due.
    await shop.request_refund("demo", DEMO_SHIPPED_ORDER, "不想要了", goods={TSHIRT: 1})
    dispatcher = CollectingDispatcher()
    slots = {"request_kind": "order_status", "order_id": DEMO_SHIPPED_ORDER}

    await ActionHandleOrderRequest(shop).run(dispatcher, make_tracker(slots=slots), {})

    refunds = next(m for m in dispatcher.messages if m["response"] == "utter_order_refunds")
    assert refunds["refunds"].startswith("· 纯棉圆领T恤 ×1 ¥79.00")


async def test_withdrawing_one_refund_says_the_others_go_on(shop: ShopService) -> None:
    # u1002's refunds wait for review: one bag of coffee beans, then the other.
    for _ in range(2):
        await shop.request_refund("u1002", OTHER_SHIPPED_ORDER, "不想要了", goods={"P5002": 1})
    dispatcher = CollectingDispatcher()
    slots = {"request_kind": "cancel_refund", "order_id": OTHER_SHIPPED_ORDER}
    tracker = make_tracker(shopper_id="u1002", slots=slots)

    await ActionHandleOrderRequest(shop).run(dispatcher, tracker, {})

    withdrawn, others = dispatcher.messages
    assert withdrawn["response"] == "utter_refund_withdrawn"
    assert others["response"] == "utter_refund_others_go_on"
    assert others["refunds"] == "· 云南小粒咖啡豆 ×1 ¥68.00（审核中）"


async def test_a_tapped_suggestion_keeps_the_order_and_goods_it_was_suggested_for(
    shop: ShopService, domain: dict
) -> None:
    # 「590142 纸尿裤退一包」 not understood, then 「申请退款」 tapped: the whole order
    # (two packs and the nuts, ¥367.90) was offered for the one pack asked about.
    said = f"{DEMO_PAID_ORDER[-6:]} 纸尿裤退一包"
    events = [
        user(said, "nlu_fallback"),
        {
            "event": "bot",
            "text": "您是不是想问：",
            "metadata": {"utter_action": "utter_did_you_mean"},
        },
    ]
    slots = {"request_kind": "refund_request"}
    tracker = make_tracker(
        "/refund_request", "refund_request", slots=slots, events=events, active_loop="order_form"
    )

    found = await ValidateOrderForm(shop).run(CollectingDispatcher(), tracker, domain)

    assert slot_values(found, "order_id")[-1] == DEMO_PAID_ORDER
    assert slot_values(found, "refund_goods")[-1] == ["P3001:1"]
