"""Seed the realistic demo shop; ``python -m actions.shop.seed --database-url URL``.

Seeding is idempotent: the demo shoppers' rows (orders, refunds, invoices,
coupons, urges, shipments) are deleted and inserted again in one
transaction, and the catalogue is upserted, so re-running resets the demo.
"""

from __future__ import annotations

import argparse
import asyncio
import os
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import sessionmaker

from actions.shop.db import (
    create_schema,
    ensure_sqlite_dir,
    make_engine,
    make_sessionmaker,
)
from actions.shop.demo_catalog import demo_products
from actions.shop.demo_data import (
    DEMO_CANCELLED_ORDER,
    DEMO_COMPLETED_ORDER,
    DEMO_DELIVERED_ORDER,
    DEMO_DELIVERED_TRACKING,
    DEMO_PAID_ORDER,
    DEMO_PENDING_ORDER,
    DEMO_SHIPPED_ORDER,
    DEMO_SHIPPED_TRACKING,
    DEMO_SHOPPER,
    OTHER_PAID_ORDER,
    OTHER_SHIPPED_ORDER,
    OTHER_SHIPPED_TRACKING,
    OTHER_SHOPPER,
    OTHER_SHOPPER_ORDER,
    PLATINUM_DELIVERED_ORDER,
    PLATINUM_SHOPPER,
    SEED_SHOPPERS,
    demo_coupons,
    demo_invoices,
    demo_orders,
    demo_shoppers,
)
from actions.shop.demo_logistics import demo_shipments
from actions.shop.models import (
    Coupon,
    Invoice,
    Order,
    OrderItem,
    Refund,
    RefundLine,
    Shipment,
    Shopper,
    TrackingEvent,
    UrgeRecord,
    utc_now,
)
from actions.shop.runtime import DEFAULT_DATABASE_URL

__all__ = [
    "DEMO_CANCELLED_ORDER",
    "DEMO_COMPLETED_ORDER",
    "DEMO_DELIVERED_ORDER",
    "DEMO_DELIVERED_TRACKING",
    "DEMO_PAID_ORDER",
    "DEMO_PENDING_ORDER",
    "DEMO_SHIPPED_ORDER",
    "DEMO_SHIPPED_TRACKING",
    "DEMO_SHOPPER",
    "OTHER_PAID_ORDER",
    "OTHER_SHIPPED_ORDER",
    "OTHER_SHIPPED_TRACKING",
    "OTHER_SHOPPER",
    "OTHER_SHOPPER_ORDER",
    "PLATINUM_DELIVERED_ORDER",
    "PLATINUM_SHOPPER",
    "SEED_SHOPPERS",
    "main",
    "seed_demo_shop",
]


async def seed_demo_shop(sessionmaker: sessionmaker, now: datetime) -> None:
    """Replace the demo shop's data with a fresh copy dated relative to ``now``.

    Args:
        sessionmaker: Factory of ``AsyncSession`` on a database whose schema
            exists (see ``db.create_schema``).
        now: Aware UTC time the demo is built around.
    """
    async with sessionmaker.begin() as s:
        await _clear_demo(s)
        for product in demo_products():
            await s.merge(product)
        s.add_all(demo_shoppers(now))
        await s.flush()
        s.add_all(demo_orders(now))
        await s.flush()
        s.add_all([*demo_shipments(now), *demo_coupons(now), *demo_invoices(now)])


async def _clear_demo(s: AsyncSession) -> None:
    """Delete everything belonging to the demo shoppers, children first."""
    orders = select(Order.id).where(Order.shopper_id.in_(SEED_SHOPPERS))
    shipments = select(Shipment.id).where(Shipment.order_id.in_(orders))
    refunds = select(Refund.id).where(
        or_(Refund.order_id.in_(orders), Refund.shopper_id.in_(SEED_SHOPPERS))
    )
    statements = [
        delete(TrackingEvent).where(TrackingEvent.shipment_id.in_(shipments)),
        delete(Shipment).where(Shipment.order_id.in_(orders)),
        delete(RefundLine).where(RefundLine.refund_id.in_(refunds)),
        delete(OrderItem).where(OrderItem.order_id.in_(orders)),
        *(
            delete(model).where(
                or_(model.order_id.in_(orders), model.shopper_id.in_(SEED_SHOPPERS))
            )
            for model in (Refund, Invoice, UrgeRecord)
        ),
        delete(Coupon).where(Coupon.shopper_id.in_(SEED_SHOPPERS)),
        delete(Order).where(Order.shopper_id.in_(SEED_SHOPPERS)),
        delete(Shopper).where(Shopper.id.in_(SEED_SHOPPERS)),
    ]
    for statement in statements:
        # Nothing is loaded in this fresh session, so skip syncing it.
        await s.execute(statement.execution_options(synchronize_session=False))


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m actions.shop.seed",
        description="Create the shop schema and load the demo shop.",
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("SHOP_DATABASE_URL") or DEFAULT_DATABASE_URL,
        help="default: $SHOP_DATABASE_URL or %(default)s",
    )
    return parser.parse_args(argv)


async def main(argv: Sequence[str] | None = None) -> None:
    """Create the schema at ``--database-url`` and seed the demo shop."""
    args = _parse_args(argv)
    ensure_sqlite_dir(args.database_url)
    engine = make_engine(args.database_url)
    try:
        await create_schema(engine)
        await seed_demo_shop(make_sessionmaker(engine), utc_now())
    finally:
        await engine.dispose()
    print(f"seeded demo shop into {engine.url!r}")


if __name__ == "__main__":
    asyncio.run(main())
