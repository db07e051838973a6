"""ShopService order, shipment, urge, cancel and address operations."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.orm import sessionmaker

from actions.shop.errors import (
    InvalidInput,
    InvalidOrderState,
    NotYourOrder,
    OrderNotFound,
)
from actions.shop.models import Order, Refund, Shopper, UrgeRecord
from actions.shop.seed import (
    DEMO_CANCELLED_ORDER,
    DEMO_DELIVERED_ORDER,
    DEMO_PAID_ORDER,
    DEMO_PENDING_ORDER,
    DEMO_SHIPPED_ORDER,
    DEMO_SHIPPED_TRACKING,
    OTHER_PAID_ORDER,
    OTHER_SHIPPED_TRACKING,
    OTHER_SHOPPER_ORDER,
)
from actions.shop.service import ShopService

pytestmark = pytest.mark.asyncio
CountRows = Callable[..., Awaitable[int]]


async def test_shopper_profile(shop: ShopService) -> None:
    demo = await shop.shopper("demo")
    assert demo is not None
    assert (demo.name, demo.tier, demo.points, demo.phone) == (
        "小林",
        "gold",
        2680,
        "13800138000",
    )
    assert await shop.shopper("nobody") is None


async def test_order_returns_items_and_summary(shop: ShopService) -> None:
    order = await shop.order("demo", DEMO_SHIPPED_ORDER)
    assert order.status == "shipped"
    assert [item.name for item in order.items] == ["轻薄羽绒服", "纯棉圆领T恤"]
    assert order.total_fen == sum(item.subtotal_fen for item in order.items)
    assert order.item_summary == "轻薄羽绒服 ×1 等2件"
    assert order.created_at.tzinfo is not None and order.shipped_at is not None


async def test_order_of_another_shopper_is_not_found(shop: ShopService) -> None:
    with pytest.raises(NotYourOrder) as caught:
        await shop.order("demo", OTHER_SHOPPER_ORDER)
    assert isinstance(caught.value, OrderNotFound)
    assert caught.value.order_id == OTHER_SHOPPER_ORDER
    with pytest.raises(OrderNotFound) as missing:
        await shop.order("demo", "2600000000000000")
    assert type(missing.value) is OrderNotFound


@pytest.mark.parametrize("order_id", ["", "   ", None])
async def test_blank_order_id_is_not_found(shop: ShopService, order_id: str) -> None:
    with pytest.raises(OrderNotFound):
        await shop.order("demo", order_id)


async def test_order_id_is_trimmed(shop: ShopService) -> None:
    shipment = await shop.shipment("demo", f" {DEMO_SHIPPED_ORDER} ")
    assert shipment is not None and shipment.order_id == DEMO_SHIPPED_ORDER


async def test_recent_orders_newest_first(shop: ShopService) -> None:
    orders = await shop.recent_orders("demo", limit=3)
    assert [o.id for o in orders] == [
        DEMO_PENDING_ORDER,
        DEMO_PAID_ORDER,
        DEMO_SHIPPED_ORDER,
    ]
    everything = await shop.recent_orders("demo", limit=20)
    assert len(everything) == 6
    assert OTHER_SHOPPER_ORDER not in {o.id for o in everything}


async def test_shipment_events_newest_first(shop: ShopService, now: datetime) -> None:
    shipment = await shop.shipment("demo", DEMO_SHIPPED_ORDER)
    assert shipment is not None
    assert (shipment.carrier, shipment.tracking_no) == ("顺丰速运", DEMO_SHIPPED_TRACKING)
    times = [event.at for event in shipment.events]
    assert times == sorted(times, reverse=True) and times[0] < now
    assert shipment.latest == shipment.events[0]
    assert "派送中" in shipment.latest.description
    assert "揽收" in shipment.events[-1].description
    assert any("转运中心" in e.description for e in shipment.events)


async def test_shipment_none_before_shipping(shop: ShopService) -> None:
    assert await shop.shipment("demo", DEMO_PAID_ORDER) is None
    with pytest.raises(NotYourOrder):
        await shop.shipment("demo", OTHER_SHOPPER_ORDER)


async def test_find_shipment_by_tracking(shop: ShopService) -> None:
    order, shipment = await shop.find_shipment_by_tracking(
        "demo", " " + DEMO_SHIPPED_TRACKING.lower()
    )
    assert order.id == DEMO_SHIPPED_ORDER
    assert shipment.tracking_no == DEMO_SHIPPED_TRACKING
    with pytest.raises(NotYourOrder):
        await shop.find_shipment_by_tracking("demo", OTHER_SHIPPED_TRACKING)
    with pytest.raises(OrderNotFound) as caught:
        await shop.find_shipment_by_tracking("demo", "SF000000000000")
    assert caught.value.tracking_no == "SF000000000000"


@pytest.mark.parametrize("order_id", [DEMO_PAID_ORDER, DEMO_SHIPPED_ORDER])
async def test_urge_records_request(
    shop: ShopService, count_rows: CountRows, order_id: str
) -> None:
    order, before = await shop.urge("demo", order_id)
    assert (order.id, before) == (order_id, None)
    assert await count_rows(UrgeRecord, order_id=order_id, shopper_id="demo") == 1


async def test_urging_again_tells_when_it_was_urged_before(
    seeded: sessionmaker, now: datetime, count_rows: CountRows
) -> None:
    await ShopService(seeded, clock=lambda: now).urge("demo", DEMO_PAID_ORDER)
    later = ShopService(seeded, clock=lambda: now + timedelta(hours=2))
    _, before = await later.urge("demo", DEMO_PAID_ORDER)
    assert before == now
    assert await count_rows(UrgeRecord, order_id=DEMO_PAID_ORDER) == 2


async def test_an_order_being_refunded_in_full_is_not_urged(
    shop: ShopService, seeded: sessionmaker, count_rows: CountRows
) -> None:
    async with seeded.begin() as s:  # a normal shopper's refund waits for review
        await s.execute(update(Shopper).where(Shopper.id == "demo").values(tier="normal"))
    await shop.request_refund("demo", DEMO_PAID_ORDER, "不想要了")
    with pytest.raises(InvalidOrderState) as caught:
        await shop.urge("demo", DEMO_PAID_ORDER)
    assert (caught.value.action, caught.value.reason) == ("urge", "refunding")
    assert await count_rows(UrgeRecord) == 0


@pytest.mark.parametrize(
    "order_id", [DEMO_PENDING_ORDER, DEMO_DELIVERED_ORDER, DEMO_CANCELLED_ORDER]
)
async def test_urge_refused_in_other_states(
    shop: ShopService, count_rows: CountRows, order_id: str
) -> None:
    with pytest.raises(InvalidOrderState) as caught:
        await shop.urge("demo", order_id)
    assert caught.value.action == "urge"
    assert await count_rows(UrgeRecord) == 0


async def test_urge_another_shoppers_order(shop: ShopService, count_rows: CountRows) -> None:
    with pytest.raises(NotYourOrder):
        await shop.urge("demo", OTHER_SHOPPER_ORDER)
    assert await count_rows(UrgeRecord) == 0


async def test_cancel_pending_order_without_refund(
    shop: ShopService, count_rows: CountRows, now: datetime
) -> None:
    order = await shop.cancel_order("demo", DEMO_PENDING_ORDER)
    assert (order.status, order.cancelled_at) == ("cancelled", now)
    assert (await shop.order("demo", DEMO_PENDING_ORDER)).status == "cancelled"
    assert await count_rows(Refund, order_id=DEMO_PENDING_ORDER) == 0


async def test_cancel_paid_order_refunds_in_full(shop: ShopService, now: datetime) -> None:
    order = await shop.cancel_order("demo", DEMO_PAID_ORDER)
    assert order.status == "cancelled"
    [refund] = await shop.refunds("demo", DEMO_PAID_ORDER)
    assert (refund.status, refund.amount_fen) == ("approved", order.total_fen)
    assert refund.decided_at == now


async def test_cancel_paid_order_approves_pending_refund(
    seeded: sessionmaker, now: datetime, count_rows: CountRows
) -> None:
    normal = ShopService(seeded, clock=lambda: now)
    pending = await normal.request_refund("u1002", OTHER_PAID_ORDER, "不想要了", 100)
    assert pending.status == "pending_review"
    order = await normal.cancel_order("u1002", OTHER_PAID_ORDER)
    [refund] = await normal.refunds("u1002", OTHER_PAID_ORDER)
    assert (refund.id, refund.status) == (pending.id, "approved")
    assert refund.amount_fen == order.total_fen
    assert await count_rows(Refund, order_id=OTHER_PAID_ORDER) == 1


@pytest.mark.parametrize(
    ("order_id", "status"),
    [
        (DEMO_SHIPPED_ORDER, "shipped"),
        (DEMO_DELIVERED_ORDER, "delivered"),
        (DEMO_CANCELLED_ORDER, "cancelled"),
    ],
)
async def test_cancel_refused_after_shipping(
    shop: ShopService, count_rows: CountRows, order_id: str, status: str
) -> None:
    with pytest.raises(InvalidOrderState) as caught:
        await shop.cancel_order("demo", order_id)
    assert (caught.value.order_id, caught.value.status) == (order_id, status)
    assert caught.value.action == "cancel"
    assert (await shop.order("demo", order_id)).status == status
    assert await count_rows(Refund) == 0


async def test_cancel_another_shoppers_order(shop: ShopService, count_rows: CountRows) -> None:
    with pytest.raises(NotYourOrder):
        await shop.cancel_order("demo", OTHER_SHOPPER_ORDER)
    assert await count_rows(Order, status="cancelled") == 1


async def test_change_address(shop: ShopService) -> None:
    order = await shop.change_address(
        "demo",
        DEMO_PAID_ORDER,
        " 浙江省杭州市西湖区文三路 90号 ",
        receiver="林先生",
        phone="+86 139-1234-5678",
    )
    assert order.address == "浙江省杭州市西湖区文三路 90号"
    assert (order.receiver, order.receiver_phone) == ("林先生", "13912345678")
    stored = await shop.order("demo", DEMO_PAID_ORDER)
    assert stored.address == order.address and stored.receiver == "林先生"


async def test_change_address_keeps_receiver_when_omitted(shop: ShopService) -> None:
    before = await shop.order("demo", DEMO_PENDING_ORDER)
    after = await shop.change_address("demo", DEMO_PENDING_ORDER, "北京市海淀区中关村大街1号")
    assert (after.receiver, after.receiver_phone) == (
        before.receiver,
        before.receiver_phone,
    )


@pytest.mark.parametrize(
    ("address", "receiver", "phone", "field"),
    [
        ("上海市", None, None, "address"),
        ("somewhere over the rainbow", None, None, "address"),
        ("上海市浦东新区世纪大道100号", "", None, "receiver"),
        ("上海市浦东新区世纪大道100号", None, "12345", "phone"),
        ("上海市浦东新区世纪大道100号", None, "010-12345678", "phone"),
    ],
)
async def test_change_address_rejects_bad_input(
    shop: ShopService,
    address: str,
    receiver: str | None,
    phone: str | None,
    field: str,
) -> None:
    before = await shop.order("demo", DEMO_PAID_ORDER)
    with pytest.raises(InvalidInput) as caught:
        await shop.change_address("demo", DEMO_PAID_ORDER, address, receiver, phone)
    assert caught.value.field == field
    assert await shop.order("demo", DEMO_PAID_ORDER) == before


async def test_change_address_refused_after_shipping(shop: ShopService) -> None:
    before = await shop.order("demo", DEMO_SHIPPED_ORDER)
    with pytest.raises(InvalidOrderState) as caught:
        await shop.change_address("demo", DEMO_SHIPPED_ORDER, "上海市浦东新区世纪大道100号")
    assert (caught.value.action, caught.value.status) == ("change_address", "shipped")
    assert await shop.order("demo", DEMO_SHIPPED_ORDER) == before


async def test_change_address_of_another_shopper(shop: ShopService) -> None:
    with pytest.raises(NotYourOrder):
        await shop.change_address("demo", OTHER_SHOPPER_ORDER, "上海市浦东新区世纪大道100号")
