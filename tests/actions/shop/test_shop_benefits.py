"""Coupons, invoices and product matching."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy.orm import sessionmaker

from actions.shop.errors import (
    InvalidInput,
    InvalidOrderState,
    InvoiceAlreadyRequested,
    NotYourOrder,
)
from actions.shop.models import Invoice
from actions.shop.seed import (
    DEMO_CANCELLED_ORDER,
    DEMO_COMPLETED_ORDER,
    DEMO_DELIVERED_ORDER,
    DEMO_PAID_ORDER,
    DEMO_PENDING_ORDER,
    OTHER_SHOPPER_ORDER,
)
from actions.shop.service import ShopService

pytestmark = pytest.mark.asyncio
CountRows = Callable[..., Awaitable[int]]


async def test_usable_coupons_soonest_first(shop: ShopService, now: datetime) -> None:
    coupons = await shop.usable_coupons("demo")
    assert [c.title for c in coupons] == ["全场满300减30", "母婴品类满199减20"]
    soon, later = coupons
    assert soon.expiring_soon and soon.expires_at - now == timedelta(days=2)
    assert not later.expiring_soon and later.category == "母婴"
    assert (soon.discount_fen, soon.threshold_fen) == (3000, 30000)


async def test_usable_coupons_are_per_shopper(shop: ShopService) -> None:
    assert [c.title for c in await shop.usable_coupons("u1002")] == ["新人专享满99减10"]
    assert await shop.usable_coupons("u1003") == []


async def test_coupons_expire_with_time(seeded: sessionmaker, now: datetime) -> None:
    later = ShopService(seeded, clock=lambda: now + timedelta(days=3))
    assert [c.title for c in await later.usable_coupons("demo")] == ["母婴品类满199减20"]


async def test_request_personal_invoice(shop: ShopService, now: datetime) -> None:
    invoice = await shop.request_invoice("demo", DEMO_DELIVERED_ORDER, " 个人 ")
    assert (invoice.title, invoice.tax_id) == ("个人", None)
    assert (invoice.kind, invoice.status, invoice.created_at) == (
        "electronic",
        "requested",
        now,
    )


async def test_request_company_invoice(shop: ShopService) -> None:
    invoice = await shop.request_invoice(
        "demo", DEMO_PAID_ORDER, "上海林间科技有限公司", "91310000ma1k4abc2x"
    )
    assert invoice.tax_id == "91310000MA1K4ABC2X"


async def test_invoice_twice_is_refused(shop: ShopService, count_rows: CountRows) -> None:
    with pytest.raises(InvoiceAlreadyRequested) as caught:
        await shop.request_invoice("demo", DEMO_COMPLETED_ORDER, "个人")
    assert caught.value.invoice.status == "issued"
    first = await shop.request_invoice("demo", DEMO_DELIVERED_ORDER, "个人")
    with pytest.raises(InvoiceAlreadyRequested) as again:
        await shop.request_invoice("demo", DEMO_DELIVERED_ORDER, "个人")
    assert again.value.invoice == first
    assert await count_rows(Invoice, order_id=DEMO_DELIVERED_ORDER) == 1


@pytest.mark.parametrize(
    ("title", "tax_id", "field"),
    [
        ("上海林间科技有限公司", None, "tax_id"),
        ("林记便利店", "", "tax_id"),
        ("上海林间科技有限公司", "123", "tax_id"),
        ("个人", "91310000MA1K4ABC2", "tax_id"),
        ("   ", None, "title"),
        ("抬" * 101, None, "title"),
    ],
)
async def test_invoice_input_refused(
    shop: ShopService,
    count_rows: CountRows,
    title: str,
    tax_id: str | None,
    field: str,
) -> None:
    with pytest.raises(InvalidInput) as caught:
        await shop.request_invoice("demo", DEMO_DELIVERED_ORDER, title, tax_id)
    assert caught.value.field == field
    assert await count_rows(Invoice) == 1  # only the seeded one


@pytest.mark.parametrize("order_id", [DEMO_PENDING_ORDER, DEMO_CANCELLED_ORDER])
async def test_invoice_refused_for_unpaid_or_cancelled(
    shop: ShopService, count_rows: CountRows, order_id: str
) -> None:
    with pytest.raises(InvalidOrderState) as caught:
        await shop.request_invoice("demo", order_id, "个人")
    assert caught.value.action == "invoice"
    assert await count_rows(Invoice) == 1


async def test_invoice_for_another_shoppers_order(shop: ShopService, count_rows: CountRows) -> None:
    with pytest.raises(NotYourOrder):
        await shop.request_invoice("demo", OTHER_SHOPPER_ORDER, "个人")
    assert await count_rows(Invoice) == 1


async def test_categories_come_once_each_in_catalogue_order(shop: ShopService) -> None:
    categories = await shop.categories()
    assert categories[:2] == ["服装", "数码"]
    assert len(categories) == len(set(categories)) == 6


async def test_match_products_longest_first(shop: ShopService) -> None:
    found = await shop.match_products("我想问下降噪蓝牙耳机和充电器有货吗")
    assert [p.id for p in found] == ["P2001", "P2002"]
    earbuds = found[0]
    assert earbuds.category == "数码" and earbuds.in_stock
    assert "耳机" in earbuds.aliases and earbuds.authentic_guarantee


async def test_match_products_by_alias_and_limit(shop: ShopService) -> None:
    [coat] = await shop.match_products("羽绒外套有XL吗")
    assert coat.name == "轻薄羽绒服" and "XL" in coat.sizes
    found = await shop.match_products("T恤 牛仔裤 围巾 口红", limit=2)
    assert [p.name for p in found] == ["高腰直筒牛仔裤", "纯棉圆领T恤"]
    assert await shop.match_products("你好") == []


async def test_match_products_case_insensitive(shop: ShopService) -> None:
    [tee] = await shop.match_products("白色t恤")
    assert tee.id == "P1002"
    [scarf] = await shop.match_products("围巾还有吗")
    assert not scarf.in_stock
