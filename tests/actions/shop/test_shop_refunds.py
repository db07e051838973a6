"""Refunds (极速退款 vs review, refusals) and price protection."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import sessionmaker

from actions.shop.errors import (
    InvalidInput,
    InvalidOrderState,
    NoActiveRefund,
    NothingToRefund,
    NotYourOrder,
    RefundAlreadyRequested,
    RefundNotWithdrawable,
)
from actions.shop.models import Order, Product, Refund
from actions.shop.seed import (
    DEMO_CANCELLED_ORDER,
    DEMO_COMPLETED_ORDER,
    DEMO_DELIVERED_ORDER,
    DEMO_PAID_ORDER,
    DEMO_PENDING_ORDER,
    DEMO_SHIPPED_ORDER,
    OTHER_SHOPPER_ORDER,
    PLATINUM_DELIVERED_ORDER,
)
from actions.shop.service import ShopService

pytestmark = pytest.mark.asyncio
CountRows = Callable[..., Awaitable[int]]


async def test_gold_shopper_gets_fast_refund(shop: ShopService, now: datetime) -> None:
    refund = await shop.request_refund("demo", DEMO_DELIVERED_ORDER, " 耳机有杂音 ")
    assert (refund.status, refund.fast_track, refund.decided_at) == ("approved", True, now)
    assert (refund.amount_fen, refund.reason) == (69900, "耳机有杂音")
    assert refund.order_id == DEMO_DELIVERED_ORDER and refund.created_at == now


async def test_platinum_shopper_gets_fast_refund(shop: ShopService) -> None:
    refund = await shop.request_refund("u1003", PLATINUM_DELIVERED_ORDER, "尺寸不合适")
    assert (refund.status, refund.fast_track) == ("approved", True)


async def test_normal_shopper_waits_for_review(shop: ShopService) -> None:
    refund = await shop.request_refund("u1002", OTHER_SHOPPER_ORDER, "买多了", 32800)
    assert (refund.status, refund.fast_track) == ("pending_review", False)
    assert refund.decided_at is None and refund.amount_fen == 32800


@pytest.mark.parametrize("order_id", [DEMO_PAID_ORDER, DEMO_SHIPPED_ORDER])
async def test_refund_before_delivery(shop: ShopService, order_id: str) -> None:
    refund = await shop.request_refund("demo", order_id, "不想要了", 100)
    assert refund.amount_fen == 100


async def test_refund_twice_is_refused(shop: ShopService, count_rows: CountRows) -> None:
    first = await shop.request_refund("demo", DEMO_DELIVERED_ORDER, "质量问题")
    with pytest.raises(RefundAlreadyRequested) as caught:
        await shop.request_refund("demo", DEMO_DELIVERED_ORDER, "再申请一次")
    assert caught.value.refund == first
    assert await count_rows(Refund, order_id=DEMO_DELIVERED_ORDER) == 1


async def test_refund_again_after_rejection(shop: ShopService, seeded: sessionmaker) -> None:
    first = await shop.request_refund("u1002", OTHER_SHOPPER_ORDER, "质量问题")
    async with seeded.begin() as s:
        await s.execute(update(Refund).where(Refund.id == first.id).values(status="rejected"))
    second = await shop.request_refund("u1002", OTHER_SHOPPER_ORDER, "补充凭证")
    assert second.status == "pending_review"
    assert [r.id for r in await shop.refunds("u1002")] == [second.id, first.id]


@pytest.mark.parametrize(
    ("order_id", "status"),
    [(DEMO_CANCELLED_ORDER, "cancelled"), (DEMO_PENDING_ORDER, "pending_payment")],
)
async def test_refund_refused_for_unpaid_or_cancelled(
    shop: ShopService, count_rows: CountRows, order_id: str, status: str
) -> None:
    with pytest.raises(InvalidOrderState) as caught:
        await shop.request_refund("demo", order_id, "不要了")
    assert (caught.value.action, caught.value.status) == ("refund", status)
    assert await count_rows(Refund) == 0


@pytest.mark.parametrize("amount", [69901, 0, -5])
async def test_refund_amount_must_fit_the_order(
    shop: ShopService, count_rows: CountRows, amount: int
) -> None:
    with pytest.raises(InvalidInput) as caught:
        await shop.request_refund("demo", DEMO_DELIVERED_ORDER, "退部分", amount)
    assert caught.value.field == "amount"
    assert await count_rows(Refund) == 0


async def test_refund_reason_too_long(shop: ShopService, count_rows: CountRows) -> None:
    with pytest.raises(InvalidInput) as caught:
        await shop.request_refund("demo", DEMO_DELIVERED_ORDER, "差" * 201)
    assert caught.value.field == "reason"
    assert await count_rows(Refund) == 0


async def test_completed_order_refund_window(
    seeded: sessionmaker, now: datetime, count_rows: CountRows
) -> None:
    # Delivered 25 days ago: too late.
    shop = ShopService(seeded, clock=lambda: now)
    with pytest.raises(InvalidOrderState) as caught:
        await shop.request_refund("demo", DEMO_COMPLETED_ORDER, "想退")
    assert (caught.value.action, caught.value.reason) == ("refund", "too_late")
    assert await count_rows(Refund) == 0
    # Seen from 12 days after delivery it is allowed.
    delivered = (await shop.order("demo", DEMO_COMPLETED_ORDER)).delivered_at
    assert delivered is not None
    earlier = ShopService(seeded, clock=lambda: delivered + timedelta(days=12))
    refund = await earlier.request_refund("demo", DEMO_COMPLETED_ORDER, "想退")
    assert refund.status == "approved"


async def test_refund_zero_total(shop: ShopService, seeded: sessionmaker) -> None:
    async with seeded.begin() as s:
        stmt = update(Order).where(Order.id == DEMO_DELIVERED_ORDER).values(total_fen=0)
        await s.execute(stmt)
    with pytest.raises(NothingToRefund) as caught:
        await shop.request_refund("demo", DEMO_DELIVERED_ORDER, "赠品")
    assert caught.value.order_id == DEMO_DELIVERED_ORDER


async def test_refund_for_another_shoppers_order(shop: ShopService, count_rows: CountRows) -> None:
    with pytest.raises(NotYourOrder):
        await shop.request_refund("demo", OTHER_SHOPPER_ORDER, "不想要了")
    assert await count_rows(Refund) == 0


async def test_refunds_newest_first(seeded: sessionmaker, now: datetime) -> None:
    early = ShopService(seeded, clock=lambda: now - timedelta(hours=1))
    late = ShopService(seeded, clock=lambda: now)
    first = await early.request_refund("demo", DEMO_DELIVERED_ORDER, "一")
    second = await late.request_refund("demo", DEMO_SHIPPED_ORDER, "二")
    assert [r.id for r in await late.refunds("demo")] == [second.id, first.id]
    assert [r.id for r in await late.refunds("demo", f" {DEMO_SHIPPED_ORDER}")] == [second.id]
    assert await late.refunds("u1002") == []
    with pytest.raises(NotYourOrder):
        await late.refunds("demo", OTHER_SHOPPER_ORDER)


async def test_price_protect_finds_drops(shop: ShopService) -> None:
    [(item, difference)] = await shop.price_protect("demo", DEMO_DELIVERED_ORDER)
    assert (item.product_id, item.unit_price_fen, difference) == ("P2001", 69900, 5000)


async def test_price_protect_without_drops(shop: ShopService) -> None:
    assert await shop.price_protect("demo", DEMO_PAID_ORDER) == []


async def test_price_protect_after_price_cut(shop: ShopService, seeded: sessionmaker) -> None:
    async with seeded.begin() as s:
        stmt = update(Product).where(Product.id == "P1001").values(price_fen=35900)
        await s.execute(stmt)
    drops = await shop.price_protect("demo", DEMO_SHIPPED_ORDER)
    assert [(i.name, d) for i, d in drops] == [("轻薄羽绒服", 4000)]


@pytest.mark.parametrize(
    ("order_id", "reason"),
    [
        (DEMO_PENDING_ORDER, "status"),
        (DEMO_CANCELLED_ORDER, "status"),
        (DEMO_COMPLETED_ORDER, "status"),
    ],
)
async def test_price_protect_refused(shop: ShopService, order_id: str, reason: str) -> None:
    with pytest.raises(InvalidOrderState) as caught:
        await shop.price_protect("demo", order_id)
    assert (caught.value.action, caught.value.reason) == ("price_protect", reason)


async def test_price_protect_too_late(seeded: sessionmaker, now: datetime) -> None:
    later = ShopService(seeded, clock=lambda: now + timedelta(days=11))
    with pytest.raises(InvalidOrderState) as caught:
        await later.price_protect("demo", DEMO_DELIVERED_ORDER)
    assert caught.value.reason == "too_late"


async def test_concurrent_refunds_create_one(
    shop: ShopService, engine: AsyncEngine, count_rows: CountRows
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("in-memory SQLite shares one connection; no concurrency")
    # Open the pool's connections first so the four transactions overlap.
    conns = [await engine.connect() for _ in range(4)]
    for conn in conns:
        await conn.close()
    results = await asyncio.gather(
        *(shop.request_refund("demo", DEMO_DELIVERED_ORDER, "并发") for _ in range(4)),
        return_exceptions=True,
    )
    created = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, RefundAlreadyRequested)]
    assert (len(created), len(refused)) == (1, 3)
    assert await count_rows(Refund, order_id=DEMO_DELIVERED_ORDER) == 1


async def test_a_refund_under_review_can_be_withdrawn(shop: ShopService, now: datetime) -> None:
    await shop.request_refund("u1002", OTHER_SHOPPER_ORDER, "买多了")
    withdrawn = await shop.withdraw_refund("u1002", OTHER_SHOPPER_ORDER)
    assert (withdrawn.status, withdrawn.decided_at) == ("withdrawn", now)
    # Withdrawn, it no longer blocks a new request.
    again = await shop.request_refund("u1002", OTHER_SHOPPER_ORDER, "还是不想要了")
    assert again.status == "pending_review" and again.id != withdrawn.id


async def test_an_approved_refund_cannot_be_withdrawn(shop: ShopService) -> None:
    approved = await shop.request_refund("demo", DEMO_DELIVERED_ORDER, "质量问题")
    with pytest.raises(RefundNotWithdrawable) as caught:
        await shop.withdraw_refund("demo", DEMO_DELIVERED_ORDER)
    assert caught.value.refund == approved
    assert (await shop.refunds("demo", DEMO_DELIVERED_ORDER))[0].status == "approved"


async def test_withdrawing_needs_a_refund_in_progress(shop: ShopService) -> None:
    with pytest.raises(NoActiveRefund):
        await shop.withdraw_refund("demo", DEMO_DELIVERED_ORDER)
    with pytest.raises(NotYourOrder):
        await shop.withdraw_refund("demo", OTHER_SHOPPER_ORDER)


async def test_no_price_protection_for_a_refunded_order(shop: ShopService) -> None:
    await shop.request_refund("demo", DEMO_SHIPPED_ORDER, "不想要了")
    with pytest.raises(InvalidOrderState) as caught:
        await shop.price_protect("demo", DEMO_SHIPPED_ORDER)
    assert (caught.value.action, caught.value.reason) == ("price_protect", "refunded")
