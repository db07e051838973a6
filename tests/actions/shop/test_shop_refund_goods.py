"""Refunds of single goods in an order: 「只退T恤」, then the down jacket too."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import update
from sqlalchemy.orm import sessionmaker

from actions.shop.errors import InvalidInput, InvalidOrderState, RefundAlreadyRequested
from actions.shop.models import Invoice, Order, Refund, RefundLine, Shopper
from actions.shop.seed import DEMO_PAID_ORDER, DEMO_SHIPPED_ORDER
from actions.shop.service import ShopService
from tests.actions.shop.conftest import CountRows

pytestmark = pytest.mark.asyncio
# DEMO_SHIPPED_ORDER: 轻薄羽绒服 (P1001, 399 元) and 纯棉圆领T恤 (P1002, 79 元), 478 元.
JACKET, TSHIRT = "P1001", "P1002"


async def test_a_refund_of_one_of_the_goods_gives_back_its_price(
    shop: ShopService, count_rows: CountRows
) -> None:
    refund = await shop.request_refund("demo", DEMO_SHIPPED_ORDER, "不想要了", None, {TSHIRT: 1})
    assert (refund.amount_fen, refund.counts) == (7900, ((TSHIRT, 1),))
    assert refund.goods == "纯棉圆领T恤 ×1"
    assert await count_rows(RefundLine, refund_id=refund.id) == 1
    assert (await shop.refunds("demo", DEMO_SHIPPED_ORDER))[0].goods == "纯棉圆领T恤 ×1"


async def test_the_other_goods_can_be_refunded_after_and_then_nothing_is_left(
    shop: ShopService,
) -> None:
    tshirt = await shop.request_refund("demo", DEMO_SHIPPED_ORDER, "不想要了", None, {TSHIRT: 1})
    jacket = await shop.request_refund("demo", DEMO_SHIPPED_ORDER, "质量问题", None, {JACKET: 1})
    assert jacket.amount_fen == 39900
    with pytest.raises(RefundAlreadyRequested) as caught:
        await shop.request_refund("demo", DEMO_SHIPPED_ORDER, "全部退")
    assert caught.value.refund == jacket
    # Both goods back: the whole order is refunded, no price is left to protect.
    with pytest.raises(InvalidOrderState) as refused:
        await shop.price_protect("demo", DEMO_SHIPPED_ORDER)
    assert refused.value.reason == "refunded"
    assert {r.id for r in await shop.refunds("demo")} == {tshirt.id, jacket.id}


async def test_the_same_goods_are_not_refunded_twice(
    shop: ShopService, count_rows: CountRows
) -> None:
    first = await shop.request_refund("demo", DEMO_SHIPPED_ORDER, "不想要了", None, {TSHIRT: 1})
    with pytest.raises(RefundAlreadyRequested) as caught:
        both = {TSHIRT: 1, JACKET: 1}
        await shop.request_refund("demo", DEMO_SHIPPED_ORDER, "再退一次", None, both)
    assert caught.value.refund == first
    assert await count_rows(Refund, order_id=DEMO_SHIPPED_ORDER) == 1


async def test_a_refund_of_the_whole_order_leaves_no_goods_to_refund(shop: ShopService) -> None:
    whole = await shop.request_refund("demo", DEMO_SHIPPED_ORDER, "不想要了")
    assert (whole.amount_fen, whole.counts, whole.goods) == (47800, (), "")
    with pytest.raises(RefundAlreadyRequested) as caught:
        await shop.request_refund("demo", DEMO_SHIPPED_ORDER, "不想要了", None, {TSHIRT: 1})
    assert caught.value.refund == whole


async def test_some_of_the_goods_refunds_their_part_and_leaves_the_rest(
    shop: ShopService, count_rows: CountRows
) -> None:
    # DEMO_PAID_ORDER: 婴儿纸尿裤 ×2 (139 元 each) and 每日坚果礼盒 ×1.
    one = await shop.request_refund("demo", DEMO_PAID_ORDER, "买多了", None, {"P3001": 1})
    assert (one.amount_fen, one.counts, one.goods) == (13900, (("P3001", 1),), "婴儿纸尿裤 ×1")
    other = await shop.request_refund("demo", DEMO_PAID_ORDER, "买多了", None, {"P3001": 1})
    assert other.amount_fen == 13900
    with pytest.raises(RefundAlreadyRequested) as caught:  # both packs are refunded now
        await shop.request_refund("demo", DEMO_PAID_ORDER, "买多了", None, {"P3001": 1})
    assert caught.value.refund == other
    assert await count_rows(Refund, order_id=DEMO_PAID_ORDER) == 2


async def test_more_than_the_order_holds_is_refused(shop: ShopService) -> None:
    with pytest.raises(InvalidInput) as caught:
        await shop.request_refund("demo", DEMO_PAID_ORDER, "买多了", None, {"P3001": 3})
    assert (caught.value.field, caught.value.reason) == ("goods", "too_many")


async def test_goods_the_order_does_not_hold_are_refused(
    shop: ShopService, count_rows: CountRows
) -> None:
    with pytest.raises(InvalidInput) as caught:
        await shop.request_refund("demo", DEMO_SHIPPED_ORDER, "不想要了", None, {"P2001": 1})
    assert (caught.value.field, caught.value.reason) == ("goods", "not_in_order")
    assert await count_rows(Refund) == 0 and await count_rows(RefundLine) == 0


async def test_an_amount_off_one_of_the_goods_fits_its_price(shop: ShopService) -> None:
    with pytest.raises(InvalidInput) as caught:
        await shop.request_refund("demo", DEMO_SHIPPED_ORDER, "有污渍", 7901, {TSHIRT: 1})
    assert caught.value.field == "amount"
    part = await shop.request_refund("demo", DEMO_SHIPPED_ORDER, "有污渍", 2000, {TSHIRT: 1})
    assert part.amount_fen == 2000


async def test_a_discounted_order_refunds_the_goods_share_of_what_was_paid(
    shop: ShopService, seeded: sessionmaker
) -> None:
    async with seeded.begin() as s:  # a 10% coupon: 430.20 元 paid for 478 元 of goods
        await s.execute(update(Order).where(Order.id == DEMO_SHIPPED_ORDER).values(total_fen=43020))
    tshirt = await shop.request_refund("demo", DEMO_SHIPPED_ORDER, "不想要了", None, {TSHIRT: 1})
    jacket = await shop.request_refund("demo", DEMO_SHIPPED_ORDER, "不想要了", None, {JACKET: 1})
    assert (tshirt.amount_fen, jacket.amount_fen) == (7110, 35910)
    assert tshirt.amount_fen + jacket.amount_fen == 43020


async def test_cancelling_after_a_refund_of_goods_gives_back_the_rest(
    shop: ShopService,
) -> None:
    order = await shop.order("demo", DEMO_PAID_ORDER)
    some = order.items[-1]
    first = await shop.request_refund("demo", DEMO_PAID_ORDER, "拍错了", None, {some.product_id: 1})
    await shop.cancel_order("demo", DEMO_PAID_ORDER)
    refunds = await shop.refunds("demo", DEMO_PAID_ORDER)
    assert [r.status for r in refunds] == ["approved", "approved"]
    assert sum(r.amount_fen for r in refunds) == order.total_fen
    assert refunds[-1] == first


async def test_withdrawing_takes_back_the_newest_refund_under_review(
    shop: ShopService, seeded: sessionmaker, now: datetime
) -> None:
    async with seeded.begin() as s:  # a normal shopper's refunds wait for review
        await s.execute(update(Shopper).where(Shopper.id == "demo").values(tier="normal"))
    tshirt = await shop.request_refund("demo", DEMO_SHIPPED_ORDER, "不想要了", None, {TSHIRT: 1})
    jacket = await shop.request_refund("demo", DEMO_SHIPPED_ORDER, "不想要了", None, {JACKET: 1})
    withdrawn = await shop.withdraw_refund("demo", DEMO_SHIPPED_ORDER)
    assert (withdrawn.id, withdrawn.status) == (jacket.id, "withdrawn")
    statuses = {r.id: r.status for r in await shop.refunds("demo", DEMO_SHIPPED_ORDER)}
    assert statuses == {tshirt.id: "pending_review", jacket.id: "withdrawn"}


async def test_an_unshipped_order_refunded_in_full_is_closed(
    shop: ShopService, now: datetime
) -> None:
    # The refund was approved and the order stayed 「待发货」: urged, it would have shipped.
    await shop.request_refund("demo", DEMO_PAID_ORDER, "拍错了", None, {"P3001": 2})
    assert (await shop.order("demo", DEMO_PAID_ORDER)).status == "paid"  # the nuts still ship
    await shop.request_refund("demo", DEMO_PAID_ORDER, "拍错了", None, {"P5001": 1})
    order = await shop.order("demo", DEMO_PAID_ORDER)
    assert (order.status, order.cancelled_at) == ("cancelled", now)


async def test_a_refund_under_review_leaves_the_order_open(
    shop: ShopService, seeded: sessionmaker
) -> None:
    async with seeded.begin() as s:
        await s.execute(update(Shopper).where(Shopper.id == "demo").values(tier="normal"))
    await shop.request_refund("demo", DEMO_PAID_ORDER, "拍错了")
    assert (await shop.order("demo", DEMO_PAID_ORDER)).status == "paid"


async def test_an_order_refunded_in_full_gets_no_invoice(
    shop: ShopService, count_rows: CountRows
) -> None:
    await shop.request_refund("demo", DEMO_SHIPPED_ORDER, "不想要了", None, {TSHIRT: 1})
    assert not await shop.refunded_in_full("demo", DEMO_SHIPPED_ORDER)
    await shop.request_refund("demo", DEMO_SHIPPED_ORDER, "不想要了", None, {JACKET: 1})
    assert await shop.refunded_in_full("demo", DEMO_SHIPPED_ORDER)
    with pytest.raises(InvalidOrderState) as caught:
        await shop.request_invoice("demo", DEMO_SHIPPED_ORDER, "个人")
    assert (caught.value.action, caught.value.reason) == ("invoice", "refunded")
    assert await count_rows(Invoice, order_id=DEMO_SHIPPED_ORDER) == 0
