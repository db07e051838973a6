"""Each order request does the real work in the shop database, or refuses clearly."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import func, select

from actions import after_sales
from actions.order_form import NO_REFUNDS, NOTHING_TO_WITHDRAW
from actions.order_request import ONE_REQUEST_SLOTS, ActionHandleOrderRequest
from actions.shop.errors import InvalidOrderState
from actions.shop.models import UrgeRecord
from actions.shop.seed import (
    DEMO_CANCELLED_ORDER,
    DEMO_COMPLETED_ORDER,
    DEMO_DELIVERED_ORDER,
    DEMO_PAID_ORDER,
    DEMO_PENDING_ORDER,
    DEMO_SHIPPED_ORDER,
    DEMO_SHIPPED_TRACKING,
    OTHER_PAID_ORDER,
    OTHER_SHOPPER_ORDER,
)
from actions.shop.service import ShopService
from tests.factories import make_tracker

CLEARED = [SlotSet(slot, None) for slot in ONE_REQUEST_SLOTS]


async def handle(
    shop: ShopService, kind: str, shopper_id: str | None = "demo", **slots: Any
) -> tuple[list[dict[str, Any]], list[Any]]:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(shopper_id=shopper_id, slots={"request_kind": kind, **slots})
    events = await ActionHandleOrderRequest(shop).run(dispatcher, tracker, {})
    return dispatcher.messages, events


def responses(messages: list[dict[str, Any]]) -> list[str]:
    return [m["response"] for m in messages]


async def test_status_of_a_shipped_order_includes_tracking(shop: ShopService) -> None:
    messages, events = await handle(shop, "order_status", order_id=DEMO_SHIPPED_ORDER)
    shipment = await shop.shipment(shopper_id="demo", order_id=DEMO_SHIPPED_ORDER)
    assert shipment is not None
    # The latest event already names the courier and phone: not said twice.
    assert shipment.courier_phone in messages[1]["latest"]
    assert responses(messages) == ["utter_order_status_shipped", "utter_shipment_progress"]
    assert messages[1]["tracking_no"] == DEMO_SHIPPED_TRACKING
    assert events == CLEARED


async def test_logistics_by_tracking_number_only(shop: ShopService) -> None:
    messages, _ = await handle(shop, "logistics_track", tracking_no=DEMO_SHIPPED_TRACKING)
    assert messages[0]["response"] == "utter_shipment_progress"
    assert messages[0]["carrier"]
    assert messages[0]["order_id"] == DEMO_SHIPPED_ORDER  # the parcel says which order it is


async def test_logistics_of_an_unshipped_order_offers_to_urge(shop: ShopService) -> None:
    messages, _ = await handle(shop, "logistics_track", order_id=DEMO_PAID_ORDER)
    assert responses(messages) == ["utter_not_shipped_yet"]


async def test_urging_is_recorded_for_a_paid_order_and_refused_when_cancelled(
    shop: ShopService,
) -> None:
    recorded, _ = await handle(shop, "urge_delivery", order_id=DEMO_PAID_ORDER)
    refused, _ = await handle(shop, "urge_delivery", order_id=DEMO_CANCELLED_ORDER)
    assert responses(recorded) == ["utter_urge_shipping_recorded"]
    assert responses(refused) == ["utter_urge_not_applicable"]


async def test_urging_again_says_it_was_urged_and_offers_a_person(shop: ShopService) -> None:
    # 「再催一次」 got 「已为您登记催发货✅」 each time, as if never asked.
    await handle(shop, "urge_delivery", order_id=DEMO_PAID_ORDER)
    again, _ = await handle(shop, "urge_delivery", order_id=DEMO_PAID_ORDER)
    assert responses(again) == ["utter_urge_again"]
    assert again[0]["urged_at"]


async def test_an_unshipped_order_refunded_whole_is_closed_and_not_urged(
    shop: ShopService,
) -> None:
    # Approved at once (a gold member), the order stayed 「待发货」 and could be urged.
    filed, _ = await handle(
        shop, "refund_request", order_id=DEMO_PAID_ORDER, refund_reason="拍错了",
        refund_confirmed=True,
    )  # fmt: skip
    urged, _ = await handle(shop, "urge_delivery", order_id=DEMO_PAID_ORDER)
    assert responses(filed) == ["utter_refund_fast_approved"]
    assert filed[0]["closed"] == "订单已关闭，不会再发货。"
    assert responses(urged) == ["utter_urge_not_applicable"]
    assert (await shop.order("demo", DEMO_PAID_ORDER)).status == "cancelled"


async def test_an_order_whose_refund_is_under_review_is_not_urged(shop: ShopService) -> None:
    await shop.request_refund("u1002", OTHER_PAID_ORDER, "拍错了")  # a normal member: review
    urged, _ = await handle(shop, "urge_delivery", "u1002", order_id=OTHER_PAID_ORDER)
    assert responses(urged) == ["utter_urge_refunding_paid"]


async def test_a_parcel_on_its_way_refunded_in_full_is_to_be_refused_not_urged(
    shop: ShopService,
) -> None:
    # It said the warehouse had stopped it, though the courier had it.
    await shop.request_refund("demo", DEMO_SHIPPED_ORDER, "不想要了")
    urged, _ = await handle(shop, "urge_delivery", order_id=DEMO_SHIPPED_ORDER)
    assert responses(urged) == ["utter_urge_refunding_shipped"]


async def test_an_order_refunded_in_full_gets_no_invoice(shop: ShopService) -> None:
    # An invoice was filed for it.
    await shop.request_refund("demo", DEMO_SHIPPED_ORDER, "不想要了")
    asked, _ = await handle(shop, "invoice", order_id=DEMO_SHIPPED_ORDER)
    titled, _ = await handle(shop, "invoice", order_id=DEMO_SHIPPED_ORDER, invoice_title="个人")
    assert responses(asked) == responses(titled) == ["utter_invoice_refunded"]
    assert await shop.invoice("demo", DEMO_SHIPPED_ORDER) is None


async def test_confirmed_cancel_of_a_paid_order_refunds_it(shop: ShopService) -> None:
    messages, events = await handle(
        shop, "cancel_order", order_id=DEMO_PAID_ORDER, cancel_confirmed=True
    )
    assert responses(messages) == ["utter_order_cancelled_refund"]
    assert SlotSet("order_status", "cancelled") in events
    assert (await shop.order(shopper_id="demo", order_id=DEMO_PAID_ORDER)).status == "cancelled"
    assert (await shop.refunds(shopper_id="demo", order_id=DEMO_PAID_ORDER))[0].status == "approved"


async def test_declined_cancel_keeps_the_order(shop: ShopService) -> None:
    messages, _ = await handle(
        shop, "cancel_order", order_id=DEMO_PAID_ORDER, cancel_confirmed=False
    )
    assert responses(messages) == ["utter_cancel_kept"]
    assert (await shop.order(shopper_id="demo", order_id=DEMO_PAID_ORDER)).status == "paid"


async def test_shipped_order_cannot_be_cancelled(shop: ShopService) -> None:
    messages, _ = await handle(shop, "cancel_order", order_id=DEMO_SHIPPED_ORDER)
    assert responses(messages) == ["utter_cancel_not_allowed"]
    assert (await shop.order(shopper_id="demo", order_id=DEMO_SHIPPED_ORDER)).status == "shipped"


async def test_gold_member_refund_is_approved_at_once_and_only_once(shop: ShopService) -> None:
    first, _ = await handle(
        shop, "refund_request", order_id=DEMO_DELIVERED_ORDER, refund_reason="质量问题"
    )
    again, _ = await handle(
        shop, "refund_request", order_id=DEMO_DELIVERED_ORDER, refund_reason="质量问题"
    )
    assert responses(first) == ["utter_refund_fast_approved"]
    assert responses(again) == ["utter_refund_already"]
    assert len(await shop.refunds(shopper_id="demo", order_id=DEMO_DELIVERED_ORDER)) == 1


async def test_normal_member_refund_goes_to_review(shop: ShopService) -> None:
    from actions.shop.seed import OTHER_SHIPPED_ORDER

    messages, _ = await handle(
        shop,
        "refund_request",
        shopper_id="u1002",
        order_id=OTHER_SHIPPED_ORDER,
        refund_reason="不想要了",
    )
    assert responses(messages) == ["utter_refund_pending_review"]
    assert messages[0]["reason"] == "不想要了"


async def test_unpaid_order_needs_no_refund(shop: ShopService) -> None:
    messages, _ = await handle(shop, "refund_request", order_id=DEMO_PENDING_ORDER)
    assert responses(messages) == ["utter_refund_not_paid"]
    assert await shop.refunds(shopper_id="demo", order_id=DEMO_PENDING_ORDER) == []


async def test_refund_amount_above_total_is_refused(shop: ShopService) -> None:
    messages, _ = await handle(
        shop,
        "refund_request",
        order_id=DEMO_DELIVERED_ORDER,
        refund_reason="少件",
        amount="¥99999",
    )
    assert responses(messages) == ["utter_refund_amount_too_high"]
    assert await shop.refunds(shopper_id="demo", order_id=DEMO_DELIVERED_ORDER) == []


async def test_refund_progress_reports_the_newest_refund(shop: ShopService) -> None:
    none, _ = await handle(shop, "refund_progress", order_id=DEMO_DELIVERED_ORDER)
    await handle(shop, "refund_request", order_id=DEMO_DELIVERED_ORDER, refund_reason="不想要了")
    some, _ = await handle(shop, "refund_progress", order_id=DEMO_DELIVERED_ORDER)
    assert responses(none) == ["utter_no_refund"]
    assert responses(some) == ["utter_refund_progress_approved"]


async def test_a_shopper_without_refunds_is_told_so_and_how_long_refunds_take(
    shop: ShopService,
) -> None:
    messages, _ = await handle(shop, NO_REFUNDS)
    assert responses(messages) == ["utter_no_refunds"]


async def test_a_refund_declined_at_its_confirmation_is_not_filed(shop: ShopService) -> None:
    messages, _ = await handle(
        shop, "refund_request", order_id=DEMO_DELIVERED_ORDER, refund_reason="质量问题",
        refund_confirmed=False,
    )  # fmt: skip
    assert responses(messages) == ["utter_refund_kept"]
    assert await shop.refunds(shopper_id="demo", order_id=DEMO_DELIVERED_ORDER) == []


async def test_a_refund_under_review_is_withdrawn_not_filed_again(shop: ShopService) -> None:
    await handle(
        shop, "refund_request", shopper_id="u1002", order_id=OTHER_SHOPPER_ORDER,
        refund_reason="买多了",
    )  # fmt: skip
    messages, _ = await handle(
        shop, "cancel_refund", shopper_id="u1002", order_id=OTHER_SHOPPER_ORDER
    )
    assert responses(messages) == ["utter_refund_withdrawn"]
    refunds = await shop.refunds(shopper_id="u1002", order_id=OTHER_SHOPPER_ORDER)
    assert [r.status for r in refunds] == ["withdrawn"]


async def test_an_approved_refund_is_too_late_to_withdraw(shop: ShopService) -> None:
    await handle(shop, "refund_request", order_id=DEMO_DELIVERED_ORDER, refund_reason="质量问题")
    late, _ = await handle(shop, "cancel_refund", order_id=DEMO_DELIVERED_ORDER)
    none, _ = await handle(shop, "cancel_refund", order_id=DEMO_SHIPPED_ORDER)
    nothing, _ = await handle(shop, NOTHING_TO_WITHDRAW)
    assert responses(late) == ["utter_refund_withdraw_too_late"]
    assert late[0]["refund_status"] == "已同意，退款中"
    assert responses(none) == ["utter_refund_none_to_withdraw"]
    assert responses(nothing) == ["utter_no_refunds_to_withdraw"]
    assert len(await shop.refunds(shopper_id="demo")) == 1


async def test_after_part_of_the_money_the_goods_can_still_go_back(shop: ShopService) -> None:
    # A ¥100 compensation locked the order: 「已经有一笔退款…不用再申请退货了」.
    await handle(
        shop, "refund_request", order_id=DEMO_DELIVERED_ORDER, refund_reason="降价补偿",
        amount="¥100",
    )  # fmt: skip
    answers = [
        responses((await handle(shop, kind, order_id=DEMO_DELIVERED_ORDER))[0])[0]
        for kind in ("return_goods", "exchange_goods")
    ]
    assert answers == ["utter_return_eligible", "utter_exchange_eligible"]


async def test_a_refund_past_its_window_is_refused_in_words_that_say_so(
    shop: ShopService,
) -> None:
    messages, _ = await handle(
        shop, "refund_request", order_id=DEMO_COMPLETED_ORDER, refund_reason="质量问题"
    )
    assert responses(messages) == ["utter_refund_too_late"]


async def test_a_refunded_order_gets_no_return_exchange_or_price_protection(
    shop: ShopService,
) -> None:
    await handle(shop, "refund_request", order_id=DEMO_DELIVERED_ORDER, refund_reason="质量问题")
    answers = [
        responses((await handle(shop, kind, order_id=DEMO_DELIVERED_ORDER))[0])
        for kind in ("return_goods", "exchange_goods", "price_protect")
    ]
    assert answers == [
        ["utter_return_refunded"],
        ["utter_exchange_refunded"],
        ["utter_price_protect_refunded"],
    ]


async def test_confirmed_address_change_is_written(shop: ShopService) -> None:
    messages, _ = await handle(
        shop,
        "change_address",
        order_id=DEMO_PAID_ORDER,
        new_address="浙江省杭州市西湖区文三路90号 13912345678",
        address_confirmed=True,
    )
    order = await shop.order(shopper_id="demo", order_id=DEMO_PAID_ORDER)
    assert responses(messages) == ["utter_address_changed"]
    assert order.address == "浙江省杭州市西湖区文三路90号"
    assert order.receiver_phone == "13912345678"


async def test_a_receiver_named_beside_the_phone_number_is_written_too(
    shop: ShopService,
) -> None:
    before = await shop.order(shopper_id="demo", order_id=DEMO_PAID_ORDER)
    messages, _ = await handle(
        shop,
        "change_address",
        order_id=DEMO_PAID_ORDER,
        new_address="浙江省杭州市西湖区文三路90号 张三 13912345678",
        address_confirmed=True,
    )
    order = await shop.order(shopper_id="demo", order_id=DEMO_PAID_ORDER)
    (said,) = messages
    assert before.receiver != "张三"
    assert (order.address, order.receiver) == ("浙江省杭州市西湖区文三路90号", "张三")
    assert said["receiver"] == "张三"


async def test_address_of_a_shipped_order_is_not_changed(shop: ShopService) -> None:
    before = await shop.order(shopper_id="demo", order_id=DEMO_SHIPPED_ORDER)
    messages, _ = await handle(shop, "change_address", order_id=DEMO_SHIPPED_ORDER)
    after = await shop.order(shopper_id="demo", order_id=DEMO_SHIPPED_ORDER)
    assert responses(messages) == ["utter_address_not_allowed"]
    assert after.address == before.address


async def test_invoice_once_per_order(shop: ShopService) -> None:
    first, _ = await handle(shop, "invoice", order_id=DEMO_DELIVERED_ORDER, invoice_title="个人")
    second, _ = await handle(shop, "invoice", order_id=DEMO_DELIVERED_ORDER, invoice_title="个人")
    unpaid, _ = await handle(shop, "invoice", order_id=DEMO_PENDING_ORDER)
    assert responses(first) == ["utter_invoice_requested"]
    assert responses(second) == ["utter_invoice_already"]
    assert responses(unpaid) == ["utter_invoice_not_allowed"]


async def test_an_invoice_asked_for_again_is_named_without_a_title(shop: ShopService) -> None:
    await shop.request_invoice("demo", DEMO_DELIVERED_ORDER, "个人")
    again, _ = await handle(shop, "invoice", order_id=DEMO_DELIVERED_ORDER)  # no title asked
    (said,) = again
    assert (said["response"], said["title"], said["invoice_status"]) == (
        "utter_invoice_already",
        "个人",
        "开具中",
    )


async def test_return_depends_on_delivery(shop: ShopService) -> None:
    delivered, _ = await handle(shop, "return_goods", order_id=DEMO_DELIVERED_ORDER)
    in_transit, _ = await handle(shop, "return_goods", order_id=DEMO_SHIPPED_ORDER)
    unshipped, _ = await handle(shop, "exchange_goods", order_id=DEMO_PAID_ORDER)
    assert responses(delivered) == ["utter_return_eligible"]
    assert responses(in_transit) == ["utter_return_in_transit"]
    assert responses(unshipped) == ["utter_exchange_not_shipped"]


async def test_price_protection_answers_from_current_prices(shop: ShopService) -> None:
    messages, _ = await handle(shop, "price_protect", order_id=DEMO_DELIVERED_ORDER)
    assert responses(messages)[0] in {"utter_price_protect_found", "utter_price_protect_none"}


async def test_price_protection_of_a_cancelled_order_says_its_status(shop: ShopService) -> None:
    messages, _ = await handle(shop, "price_protect", order_id=DEMO_CANCELLED_ORDER)
    assert responses(messages) == ["utter_price_protect_not_allowed"]
    assert messages[0]["status"] == "已取消"


class PaidLongAgo:
    """A shop whose orders are all past the price-protection window."""

    async def price_protect(self, shopper_id: str, order_id: str) -> list[Any]:
        raise InvalidOrderState(order_id, "delivered", "price_protect", "too_late")


async def test_price_protection_after_fifteen_days_says_the_window_has_passed() -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(slots={"order_id": DEMO_DELIVERED_ORDER})
    await after_sales.price_protect(PaidLongAgo(), "demo", tracker, dispatcher)  # type: ignore[arg-type]
    assert responses(dispatcher.messages) == ["utter_price_protect_too_late"]


async def test_invoice_for_an_unpaid_order_says_its_status(shop: ShopService) -> None:
    messages, _ = await handle(shop, "invoice", order_id=DEMO_PENDING_ORDER)
    assert messages[0]["status"] == "待付款"


async def test_a_bare_tracking_number_is_looked_up_as_a_parcel(shop: ShopService) -> None:
    # 「运单号SF…」 alone parses as inform: no request kind, only the number.
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(slots={"tracking_no": DEMO_SHIPPED_TRACKING})
    await ActionHandleOrderRequest(shop).run(dispatcher, tracker, {})
    assert responses(dispatcher.messages) == ["utter_shipment_progress"]


async def test_another_shoppers_order_is_never_answered(shop: ShopService) -> None:
    messages, events = await handle(shop, "order_status", order_id=OTHER_SHOPPER_ORDER)
    assert responses(messages) == ["utter_order_not_found"]
    assert SlotSet("order_id", None) in events


async def test_aborted_and_anonymous_requests(shop: ShopService) -> None:
    aborted, _ = await handle(shop, "aborted")
    anonymous, _ = await handle(shop, "order_status", shopper_id=None, order_id=DEMO_PAID_ORDER)
    assert responses(aborted) == ["utter_stopped"]
    assert responses(anonymous) == ["utter_login_required"]


@pytest.mark.parametrize("order_id", [DEMO_SHIPPED_ORDER, DEMO_PAID_ORDER])
async def test_asked_for_a_delivery_day_it_says_it_cannot_and_does_not_hurry_it(
    shop: ShopService, order_id: str
) -> None:
    # 「能不能指定周六送」 reads as an urge: it answered 「已为您登记催派送」.
    dispatcher = CollectingDispatcher()
    asked = {"event": "user", "text": "能不能指定周六送",
             "parse_data": {"intent": {"name": "urge_delivery"}}}  # fmt: skip
    slots = {"request_kind": "urge_delivery", "order_id": order_id}
    tracker = make_tracker("第一个", "inform", slots=slots, events=[asked])

    await ActionHandleOrderRequest(shop).run(dispatcher, tracker, {})

    said = responses(dispatcher.messages)
    assert said[0] == "utter_delivery_time_not_set"
    # The shipped order's courier is who to arrange a day with.
    assert said[1:] == (["utter_courier_contact"] if order_id == DEMO_SHIPPED_ORDER else [])
    async with shop._sessionmaker() as s:
        assert (await s.execute(select(func.count()).select_from(UrgeRecord))).scalar() == 0


@pytest.mark.parametrize(
    ("order_id", "handed_over"), [(DEMO_DELIVERED_ORDER, True), (DEMO_SHIPPED_ORDER, False)]
)
async def test_a_parcel_shown_delivered_but_not_received_goes_to_a_person(
    shop: ShopService, order_id: str, handed_over: bool
) -> None:
    # The tracking 「本人签收」 was shown twice, then 「这个问题我还不太擅长」.
    dispatcher = CollectingDispatcher()
    asked = {"event": "user", "text": "显示签收了但我没收到",
             "parse_data": {"intent": {"name": "logistics_track"}}}  # fmt: skip
    slots = {"request_kind": "logistics_track", "order_id": order_id}
    tracker = make_tracker("第一个", "inform", slots=slots, events=[asked])

    events = await ActionHandleOrderRequest(shop).run(dispatcher, tracker, {})

    said = [m.get("response") for m in dispatcher.messages]
    handoffs = [m["custom"]["handoff"] for m in dispatcher.messages if m.get("custom")]
    if handed_over:  # a parcel still on its way is answered with its tracking
        assert said[0] == "utter_parcel_missing"
        [handoff] = handoffs
        assert (handoff["reason"], handoff["team"], handoff["order_id"]) == (
            "parcel_missing",
            "after_sales",
            order_id,
        )
        assert any(e.get("event") == "pause" for e in events)  # the bot waits for the person
    else:
        assert said == ["utter_shipment_progress"] and handoffs == []


async def test_a_refund_asked_after_of_an_order_cancelled_unpaid_says_nothing_was_taken(
    shop: ShopService,
) -> None:
    # 「口红那单的钱退了没」 got 「还没有退款申请。需要现在帮您申请吗？」.
    messages, _ = await handle(shop, "refund_progress", order_id=DEMO_CANCELLED_ORDER)
    assert responses(messages) == ["utter_no_refund_never_paid"]
    delivered, _ = await handle(shop, "refund_progress", order_id=DEMO_DELIVERED_ORDER)
    assert responses(delivered) == ["utter_no_refund"]
