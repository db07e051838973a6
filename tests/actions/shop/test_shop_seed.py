"""Demo seed: contents, idempotence and the command-line runner."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from actions.shop import seed
from actions.shop.db import make_engine, make_sessionmaker
from actions.shop.models import (
    Coupon,
    Invoice,
    Order,
    OrderItem,
    Product,
    Refund,
    Shipment,
    Shopper,
    TrackingEvent,
    UrgeRecord,
)
from actions.shop.service import ShopService

pytestmark = pytest.mark.asyncio
CountRows = Callable[..., Awaitable[int]]
MODELS = (
    Shopper,
    Product,
    Order,
    OrderItem,
    Shipment,
    TrackingEvent,
    Refund,
    Coupon,
    Invoice,
    UrgeRecord,
)


async def _counts(count_rows: CountRows) -> dict[str, int]:
    return {model.__name__: await count_rows(model) for model in MODELS}


async def test_seed_contents(seeded: sessionmaker, count_rows: CountRows) -> None:
    counts = await _counts(count_rows)
    assert counts["Product"] == 15 and counts["Shopper"] == 3
    async with seeded() as s:
        categories = set((await s.execute(select(Product.category))).scalars())
        statuses = (
            await s.execute(select(Order.status).where(Order.shopper_id == "demo"))
        ).scalars()
        bad_totals = await s.execute(
            select(Order.id)
            .join(OrderItem)
            .group_by(Order.id, Order.total_fen)
            .having(func.sum(OrderItem.quantity * OrderItem.unit_price_fen) != Order.total_fen)
        )
    assert categories == {"服装", "数码", "母婴", "美妆", "食品", "家电"}
    assert set(statuses) == {
        "pending_payment",
        "paid",
        "shipped",
        "delivered",
        "completed",
        "cancelled",
    }
    assert list(bad_totals) == []


async def test_seed_ids_and_shoppers(shop: ShopService, now: datetime) -> None:
    for order_id in (
        seed.DEMO_SHIPPED_ORDER,
        seed.DEMO_PAID_ORDER,
        seed.DEMO_DELIVERED_ORDER,
        seed.DEMO_PENDING_ORDER,
        seed.DEMO_CANCELLED_ORDER,
        seed.DEMO_COMPLETED_ORDER,
        seed.OTHER_SHOPPER_ORDER,
    ):
        assert len(order_id) == 16 and order_id[:2] in ("25", "26")
    delivered = await shop.order("demo", seed.DEMO_DELIVERED_ORDER)
    assert delivered.delivered_at == now - timedelta(days=2)
    other = await shop.shopper("u1002")
    platinum = await shop.shopper("u1003")
    assert other is not None and (other.name, other.tier) == ("王芳", "normal")
    assert platinum is not None and platinum.tier == "platinum"
    assert 2 <= len(await shop.recent_orders("u1002")) <= 3


async def test_seed_times_are_in_the_past(shop: ShopService, now: datetime) -> None:
    for order in await shop.recent_orders("demo", limit=10):
        stamps = [order.created_at, order.paid_at, order.shipped_at, order.delivered_at]
        present = [t for t in stamps if t is not None]
        assert present == sorted(present) and present[-1] <= now


async def test_seed_is_idempotent(
    seeded: sessionmaker, now: datetime, count_rows: CountRows
) -> None:
    before = await _counts(count_rows)
    shop = ShopService(seeded, clock=lambda: now)
    await shop.cancel_order("demo", seed.DEMO_PAID_ORDER)
    await shop.urge("demo", seed.DEMO_SHIPPED_ORDER)
    await shop.request_invoice("demo", seed.DEMO_DELIVERED_ORDER, "个人")
    await seed.seed_demo_shop(seeded, now)
    await seed.seed_demo_shop(seeded, now)
    assert await _counts(count_rows) == before
    assert (await shop.order("demo", seed.DEMO_PAID_ORDER)).status == "paid"


async def test_seed_keeps_other_shoppers(
    seeded: sessionmaker, now: datetime, count_rows: CountRows
) -> None:
    async with seeded.begin() as s:
        s.add(Shopper(id="u2000", name="路人", phone="", tier="silver", points=0, created_at=now))
    await seed.seed_demo_shop(seeded, now)
    assert await count_rows(Shopper) == 4


async def test_seed_command(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nested' / 'shop.db'}"
    await seed.main(["--database-url", url])
    await seed.main(["--database-url", url])
    engine = make_engine(url)
    try:
        async with make_sessionmaker(engine)() as s:
            orders = (await s.execute(select(func.count()).select_from(Order))).scalar_one()
    finally:
        await engine.dispose()
    assert orders == 10


async def test_seed_command_uses_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SHOP_DATABASE_URL", raising=False)
    await seed.main([])
    assert (tmp_path / "var" / "shop.db").exists()
    monkeypatch.setenv("SHOP_DATABASE_URL", "sqlite:///other.db")
    await seed.main([])
    assert (tmp_path / "other.db").exists()
