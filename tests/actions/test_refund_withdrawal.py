"""「取消退款」 asks before withdrawing, and which refund when the order has several."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
import pytest_asyncio
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.order_form import ValidateOrderForm
from actions.order_request import ActionHandleOrderRequest
from actions.refund_withdrawal import (
    ALL,
    ActionAskWithdrawConfirmed,
    choice_payload,
    withdraw_buttons,
)
from actions.shop.db import create_schema, make_engine, make_sessionmaker
from actions.shop.errors import NoActiveRefund, RefundNotWithdrawable
from actions.shop.models import Order, OrderItem
from actions.shop.seed import (
    OTHER_PAID_ORDER,
    OTHER_SHIPPED_ORDER,
    OTHER_SHOPPER_ORDER,
    seed_demo_shop,
)
from actions.shop.service import ShopService
from actions.shop.views import RefundView
from tests.actions.conftest import NOW
from tests.factories import make_tracker

SHOPPER = "u1002"  # whose refunds wait for review: they can be withdrawn
ORDER = "2611210812345678"  # a jacket and a T-shirt, delivered
JACKET, TSHIRT = "P1001", "P1002"
SLOT = "withdraw_confirmed"


@pytest_asyncio.fixture
async def shop() -> AsyncIterator[ShopService]:
    """The demo shop, with ORDER for u1002 and a refund of each of its goods under review."""
    engine = make_engine("sqlite+aiosqlite://")
    await create_schema(engine)
    sessions = make_sessionmaker(engine)
    await seed_demo_shop(sessions, NOW)
    async with sessions.begin() as s:
        s.add(Order(
            id=ORDER, shopper_id=SHOPPER, status="delivered", total_fen=47800,
            receiver="王芳", receiver_phone="13700137000", address="北京市朝阳区建国路88号",
            created_at=NOW - timedelta(days=3), paid_at=NOW - timedelta(days=3),
            shipped_at=NOW - timedelta(days=2), delivered_at=NOW - timedelta(hours=5),
            items=[
                OrderItem(product_id=JACKET, name="轻薄羽绒服", quantity=1, unit_price_fen=39900),
                OrderItem(product_id=TSHIRT, name="纯棉圆领T恤", quantity=1, unit_price_fen=7900),
            ],
        ))  # fmt: skip
    service = ShopService(sessions, clock=lambda: NOW)
    await service.request_refund(SHOPPER, ORDER, "不想要了", goods={TSHIRT: 1})
    await service.request_refund(SHOPPER, ORDER, "质量问题", goods={JACKET: 1})
    yield service
    await engine.dispose()


async def refunds_by_goods(shop: ShopService) -> dict[str, str]:
    """Each refund's goods and state: {"纯棉圆领T恤 ×1": "pending_review", …}."""
    return {r.goods: r.status for r in await shop.refunds(SHOPPER, ORDER)}


async def refund_of(shop: ShopService, product_id: str) -> RefundView:
    return next(r for r in await shop.refunds(SHOPPER, ORDER) if r.counts[0][0] == product_id)


def asked(buttons: list[dict[str, str]]) -> dict[str, Any]:
    """The bot's question with ``buttons``, as the tracker holds it."""
    return {"event": "bot", "text": "要撤销哪一笔？", "data": {"buttons": buttons},
            "metadata": {"utter_action": "utter_ask_withdraw_which"}}  # fmt: skip


def answering(
    shop_refunds: list[RefundView], text: str, intent: str, entities: list[dict[str, Any]] = ()
) -> Tracker:
    """A reply to the withdrawal question that showed ``shop_refunds``' buttons."""
    slots = {"request_kind": "cancel_refund", "order_id": ORDER, "order_status": "delivered",
             "requested_slot": SLOT}  # fmt: skip
    return make_tracker(
        text, intent, shopper_id=SHOPPER, slots=slots, entities=list(entities),
        events=[asked(withdraw_buttons(shop_refunds))], active_loop="order_form",
    )  # fmt: skip


async def test_a_refund_under_review_is_confirmed_before_it_is_withdrawn(
    shop: ShopService,
) -> None:
    slots = {"request_kind": "cancel_refund", "order_id": ORDER, "order_status": "delivered"}
    tracker = make_tracker("取消退款", "cancel_refund", shopper_id=SHOPPER, slots=slots)
    form = ValidateOrderForm(shop)

    needed = await form.required_slots([], CollectingDispatcher(), tracker, {})

    assert needed == ["order_id", SLOT]
    # An approved refund cannot be withdrawn: nothing to confirm, its handler says why.
    assert await shop.withdraw_refund(SHOPPER, ORDER) is not None
    assert await shop.withdraw_refund(SHOPPER, ORDER) is not None
    assert await form.required_slots([], CollectingDispatcher(), tracker, {}) == ["order_id"]


async def test_several_refunds_are_offered_each_with_all_and_keep(shop: ShopService) -> None:
    slots = {"request_kind": "cancel_refund", "order_id": ORDER}
    events = [{"event": "active_loop", "name": "order_form"}]
    tracker = make_tracker("取消退款", "cancel_refund", SHOPPER, slots, events=events)
    dispatcher = CollectingDispatcher()

    await ActionAskWithdrawConfirmed(shop).run(dispatcher, tracker, {})

    [question] = dispatcher.messages
    assert question["response"] == "utter_ask_withdraw_which"
    assert question["count"] == 2
    assert question["refunds"].splitlines() == [
        "1. 轻薄羽绒服 ×1 ¥399.00（质量问题，11月23日 18:00 申请）",
        "2. 纯棉圆领T恤 ×1 ¥79.00（不想要了，11月23日 18:00 申请）",
    ]
    jacket, tshirt = await refund_of(shop, JACKET), await refund_of(shop, TSHIRT)
    assert [(b["title"], b["payload"]) for b in question["buttons"]] == [
        ("撤销：轻薄羽绒服 ×1，质量问题 ¥399.00", f'/affirm{{"refund_id": "{jacket.id}"}}'),
        ("撤销：纯棉圆领T恤 ×1，不想要了 ¥79.00", f'/affirm{{"refund_id": "{tshirt.id}"}}'),
        ("全部撤销", '/affirm{"refund_id": "all"}'),
        ("不撤销了", "/deny"),
    ]


async def test_a_request_naming_the_goods_asks_about_their_refund_only(
    shop: ShopService,
) -> None:
    slots = {"request_kind": "cancel_refund", "order_id": ORDER}
    events = [{"event": "active_loop", "name": "order_form"}]
    tracker = make_tracker("T恤的退款不退了 撤销吧", "cancel_refund", SHOPPER, slots, events=events)
    dispatcher = CollectingDispatcher()

    await ActionAskWithdrawConfirmed(shop).run(dispatcher, tracker, {})

    [question] = dispatcher.messages
    tshirt = await refund_of(shop, TSHIRT)
    assert question["response"] == "utter_ask_withdraw_confirmed"
    assert (question["goods"], question["amount"]) == ("（纯棉圆领T恤 ×1）", "¥79.00")
    assert [b["payload"] for b in question["buttons"]] == [choice_payload(tshirt.id), "/deny"]


@pytest.mark.parametrize(
    ("text", "intent", "entity", "chosen"),
    [
        ("T恤那个", "inform", None, TSHIRT),  # by its goods, whatever its words read as
        ("羽绒服的", "refund_request", None, JACKET),
        ("撤销：纯棉圆领T恤 ×1，不想要了 ¥79.00", "cancel_refund", None, TSHIRT),  # typed title
        ("第一个", "inform", None, JACKET),  # by its place among the buttons
        ("质量问题那笔", "inform", None, JACKET),  # by its reason
        ("全部撤销", "cancel_refund", None, ALL),
        ("两个都撤销吧", "cancel_refund", None, ALL),
        ("不撤销了", "deny", None, False),
        ("T恤那个先不撤了", "deny", None, False),  # naming goods to keep is no choice of them
        ("羽绒服的别撤", "cancel_refund", None, False),
        ("算了不撤了", "deny", None, False),
        ("/deny", "deny", None, False),
        ("/affirm", "affirm", ALL, ALL),
    ],
)
async def test_the_reply_chooses_which_refund_or_none(
    shop: ShopService, text: str, intent: str, entity: str | None, chosen: Any
) -> None:
    refunds = list(await shop.refunds(SHOPPER, ORDER))
    entities = [{"entity": "refund_id", "value": entity}] if entity else []
    tracker = answering(refunds, text, intent, entities)

    found = await ValidateOrderForm(shop).extract_withdraw_confirmed(
        CollectingDispatcher(), tracker, {}
    )

    if chosen in (JACKET, TSHIRT):
        chosen = str((await refund_of(shop, chosen)).id)
    assert found == {SLOT: chosen}


async def test_a_tapped_refund_is_chosen_and_a_bare_yes_to_several_is_asked_again(
    shop: ShopService,
) -> None:
    refunds = list(await shop.refunds(SHOPPER, ORDER))
    tshirt = await refund_of(shop, TSHIRT)
    tapped = [{"entity": "refund_id", "value": str(tshirt.id)}]
    form = ValidateOrderForm(shop)
    dispatcher = CollectingDispatcher()

    chosen = await form.extract_withdraw_confirmed(
        dispatcher, answering(refunds, choice_payload(tshirt.id), "affirm", tapped), {}
    )
    # 「确认」 to 「要撤销哪一笔」: which one is not said, so the question comes again
    # rather than Rasa rejecting the form into 「我没听懂」.
    bare = answering(refunds, "确认", "affirm")
    unknown = [{"entity": "refund_id", "value": "99999"}]
    stale = answering(refunds, '/affirm{"refund_id": "99999"}', "affirm", unknown)

    assert chosen == {SLOT: str(tshirt.id)}
    assert await form.extract_withdraw_confirmed(dispatcher, bare, {}) == {}
    assert SlotSet(SLOT, None) in await form.run(dispatcher, bare, {})
    assert await form.extract_withdraw_confirmed(dispatcher, stale, {}) == {}


async def test_a_bare_yes_to_one_refund_confirms_it(shop: ShopService) -> None:
    tshirt = await refund_of(shop, TSHIRT)
    tracker = answering([tshirt], "确认", "affirm")

    found = await ValidateOrderForm(shop).extract_withdraw_confirmed(
        CollectingDispatcher(), tracker, {}
    )

    assert found == {SLOT: str(tshirt.id)}


async def handle(shop: ShopService, choice: Any) -> list[dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    slots = {"request_kind": "cancel_refund", "order_id": ORDER, SLOT: choice}
    tracker = make_tracker(shopper_id=SHOPPER, slots=slots)
    events = await ActionHandleOrderRequest(shop).run(dispatcher, tracker, {})
    assert SlotSet(SLOT, None) in events  # one request's answer
    return dispatcher.messages


async def test_the_chosen_refund_is_withdrawn_and_the_other_goes_on(shop: ShopService) -> None:
    tshirt = await refund_of(shop, TSHIRT)

    withdrawn, others = await handle(shop, str(tshirt.id))

    assert withdrawn["response"] == "utter_refund_withdrawn"
    assert withdrawn["goods"] == "（纯棉圆领T恤 ×1）"
    assert others["refunds"] == "· 轻薄羽绒服 ×1 ¥399.00（审核中）"
    assert await refunds_by_goods(shop) == {
        "纯棉圆领T恤 ×1": "withdrawn", "轻薄羽绒服 ×1": "pending_review"
    }  # fmt: skip


async def test_all_are_withdrawn_or_none(shop: ShopService) -> None:
    kept = await handle(shop, False)
    assert [m["response"] for m in kept] == ["utter_refund_withdraw_kept"]
    assert set((await refunds_by_goods(shop)).values()) == {"pending_review"}

    withdrawn = await handle(shop, ALL)

    assert [m["response"] for m in withdrawn] == ["utter_refund_withdrawn"] * 2
    assert set((await refunds_by_goods(shop)).values()) == {"withdrawn"}


async def test_only_a_refund_of_the_order_under_review_can_be_withdrawn(
    shop: ShopService,
) -> None:
    jacket = await refund_of(shop, JACKET)
    coffee = await shop.request_refund(SHOPPER, OTHER_SHIPPED_ORDER, "不想要了")
    await shop.cancel_order(SHOPPER, OTHER_PAID_ORDER)  # its refund is approved at once
    [approved] = await shop.refunds(SHOPPER, OTHER_PAID_ORDER)

    with pytest.raises(NoActiveRefund):
        await shop.withdraw_refund(SHOPPER, ORDER, refund_id=coffee.id)
    with pytest.raises(RefundNotWithdrawable):
        await shop.withdraw_refund(SHOPPER, OTHER_PAID_ORDER, refund_id=approved.id)
    withdrawn = await shop.withdraw_refund(SHOPPER, ORDER, refund_id=jacket.id)
    assert (withdrawn.id, withdrawn.status) == (jacket.id, "withdrawn")
    with pytest.raises(NoActiveRefund):  # once withdrawn it is no longer in progress
        await shop.withdraw_refund(SHOPPER, ORDER, refund_id=jacket.id)


@pytest.mark.parametrize(
    ("text", "intent", "chosen"),
    [
        ("全部撤销", "cancel_order", ALL),  # Rasa's mapping took cancel_order from the words
        ("羽绒服那个撤了吧", "refund_request", JACKET),
        ("撤销吧", "cancel_refund", None),  # which one is not said: asked again
    ],
)
async def test_words_read_as_another_request_answer_which_refund(
    shop: ShopService, text: str, intent: str, chosen: Any
) -> None:
    refunds = list(await shop.refunds(SHOPPER, ORDER))
    before = [{"event": "slot", "name": "request_kind", "value": "cancel_refund"},
              asked(withdraw_buttons(refunds))]  # fmt: skip
    slots = {"request_kind": intent, "order_id": ORDER, "order_status": "delivered",
             "requested_slot": SLOT}  # fmt: skip
    tracker = make_tracker(text, intent, SHOPPER, slots, events=before, active_loop="order_form")

    events = await ValidateOrderForm(shop).run(CollectingDispatcher(), tracker, {})

    if chosen in (JACKET, TSHIRT):
        chosen = str((await refund_of(shop, chosen)).id)
    assert SlotSet(SLOT, chosen) in events
    # The request stays the withdrawal; it went on to ask to cancel the whole order.
    assert SlotSet("request_kind", "cancel_refund") in events
    assert SlotSet("requested_slot", "cancel_confirmed") not in events


async def test_a_withdrawal_said_to_one_refund_confirms_it(shop: ShopService) -> None:
    jacket = await refund_of(shop, JACKET)
    tracker = answering([jacket], "嗯 撤销吧", "cancel_refund")

    found = await ValidateOrderForm(shop).extract_withdraw_confirmed(
        CollectingDispatcher(), tracker, {}
    )

    assert found == {SLOT: str(jacket.id)}


async def test_refunds_of_the_same_goods_are_told_apart_and_picked_by_reason_or_place(
    shop: ShopService,
) -> None:
    # Two refunds of one tin of formula each: the lines and buttons were identical, and
    # 「买多了那笔」 or 「第二个」 got the same question again.
    first = await shop.request_refund(SHOPPER, OTHER_SHOPPER_ORDER, "买多了", goods={"P3002": 1})
    second = await shop.request_refund(SHOPPER, OTHER_SHOPPER_ORDER, "质量问题", goods={"P3002": 1})
    refunds = await shop.refunds(SHOPPER, OTHER_SHOPPER_ORDER)
    titles = [b["title"] for b in withdraw_buttons(refunds)]
    form = ValidateOrderForm(shop)

    async def chosen(text: str) -> Any:
        tracker = answering(refunds, text, "inform")
        tracker.slots["order_id"] = OTHER_SHOPPER_ORDER
        return await form.extract_withdraw_confirmed(CollectingDispatcher(), tracker, {})

    assert len(set(titles)) == len(titles)
    assert await chosen("买多了那笔") == {SLOT: str(first.id)}
    assert await chosen("第一个") == {SLOT: str(second.id)}  # newest first, as shown
    assert await chosen("第二个") == {SLOT: str(first.id)}
    assert await chosen("第三个") == {}


async def test_the_one_order_with_a_refund_is_taken_without_asking(shop: ShopService) -> None:
    # 「取消退款」 with refunds in one order only asked which order, offering that one.
    slots = {"request_kind": "cancel_refund"}
    tracker = make_tracker("取消退款", "cancel_refund", SHOPPER, slots, active_loop="order_form")
    other = list(await shop.refunds(SHOPPER))
    assert {r.order_id for r in other} == {ORDER}

    events = await ValidateOrderForm(shop).run(CollectingDispatcher(), tracker, {})

    assert SlotSet("order_id", ORDER) in events
    assert SlotSet("requested_slot", SLOT) in events
