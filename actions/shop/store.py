"""Query functions; each takes the session ``s`` and leaves commits to callers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from actions.shop.errors import NotYourOrder, OrderNotFound
from actions.shop.models import (
    Coupon,
    Invoice,
    Order,
    Product,
    Refund,
    Shipment,
    Shopper,
    UrgeRecord,
)

#: Refund statuses that block another refund request for the same order.
ACTIVE_REFUND_STATUSES = ("approved", "pending_review", "refunded")


async def get_shopper(s: AsyncSession, shopper_id: str) -> Shopper | None:
    """Return the shopper, or None."""
    return await s.get(Shopper, shopper_id)


async def get_order(s: AsyncSession, order_id: str, *, for_update: bool = False) -> Order | None:
    """Return the order with its items, optionally locking the row.

    ``for_update`` serialises concurrent changes on PostgreSQL; SQLite ignores
    it (its writers are serialised anyway).
    """
    stmt = select(Order).where(Order.id == order_id)
    if for_update:
        stmt = stmt.with_for_update()
    return (await s.execute(stmt)).scalars().first()


async def owned_order(
    s: AsyncSession, shopper_id: str, order_id: str | None, *, for_update: bool = False
) -> Order:
    """Return the shopper's order.

    Raises:
        OrderNotFound: No such order (also for an empty or None id).
        NotYourOrder: The order belongs to another shopper.
    """
    key = (order_id or "").strip()
    order = await get_order(s, key, for_update=for_update) if key else None
    if order is None:
        raise OrderNotFound(order_id)
    if order.shopper_id != shopper_id:
        raise NotYourOrder(order.id, shopper_id)
    return order


async def recent_orders(s: AsyncSession, shopper_id: str, limit: int) -> list[Order]:
    """Return the shopper's orders, newest first."""
    stmt = (
        select(Order)
        .where(Order.shopper_id == shopper_id)
        .order_by(Order.created_at.desc(), Order.id.desc())
        .limit(limit)
    )
    return list((await s.execute(stmt)).scalars())


async def shipment_for_order(s: AsyncSession, order_id: str) -> Shipment | None:
    """Return the order's latest shipment with its events, or None."""
    stmt = (
        select(Shipment)
        .where(Shipment.order_id == order_id)
        .order_by(Shipment.created_at.desc(), Shipment.id.desc())
        .limit(1)
    )
    return (await s.execute(stmt)).scalars().first()


async def shipment_by_tracking(s: AsyncSession, tracking_no: str) -> Shipment | None:
    """Return the shipment with this tracking number, or None."""
    stmt = select(Shipment).where(Shipment.tracking_no == tracking_no)
    return (await s.execute(stmt)).scalars().first()


async def latest_urge(s: AsyncSession, order_id: str) -> datetime | None:
    """When the order was last urged, or None."""
    stmt = select(func.max(UrgeRecord.created_at)).where(UrgeRecord.order_id == order_id)
    return (await s.execute(stmt)).scalar()


async def add_urge(s: AsyncSession, order_id: str, shopper_id: str, at: datetime) -> UrgeRecord:
    """Record a shopper's request to hurry an order."""
    record = UrgeRecord(order_id=order_id, shopper_id=shopper_id, created_at=at)
    s.add(record)
    await s.flush()
    return record


async def active_refunds(s: AsyncSession, order_id: str) -> list[Refund]:
    """Return the order's approved, pending or completed refunds, newest first."""
    stmt = (
        select(Refund)
        .where(Refund.order_id == order_id)
        .where(Refund.status.in_(ACTIVE_REFUND_STATUSES))
        .order_by(Refund.created_at.desc(), Refund.id.desc())
    )
    return list((await s.execute(stmt)).scalars())


async def add_refund(s: AsyncSession, refund: Refund) -> Refund:
    """Insert a refund and assign its id."""
    s.add(refund)
    await s.flush()
    return refund


async def refunds_for(
    s: AsyncSession, shopper_id: str, order_id: str | None = None
) -> list[Refund]:
    """Return the shopper's refunds (optionally of one order), newest first."""
    stmt = select(Refund).where(Refund.shopper_id == shopper_id)
    if order_id is not None:
        stmt = stmt.where(Refund.order_id == order_id)
    stmt = stmt.order_by(Refund.created_at.desc(), Refund.id.desc())
    return list((await s.execute(stmt)).scalars())


async def usable_coupons(s: AsyncSession, shopper_id: str, now: datetime) -> list[Coupon]:
    """Return unused, started, unexpired coupons, soonest expiry first."""
    stmt = (
        select(Coupon)
        .where(Coupon.shopper_id == shopper_id)
        .where(Coupon.used_at.is_(None))
        .where(Coupon.starts_at <= now)
        .where(Coupon.expires_at > now)
        .order_by(Coupon.expires_at, Coupon.id)
    )
    return list((await s.execute(stmt)).scalars())


async def shopper_coupons(s: AsyncSession, shopper_id: str) -> list[Coupon]:
    """Return all the shopper's coupons, used and expired ones too, latest expiry first."""
    stmt = (
        select(Coupon)
        .where(Coupon.shopper_id == shopper_id)
        .order_by(Coupon.expires_at.desc(), Coupon.id)
    )
    return list((await s.execute(stmt)).scalars())


async def invoice_for_order(s: AsyncSession, order_id: str) -> Invoice | None:
    """Return the order's invoice, or None."""
    stmt = select(Invoice).where(Invoice.order_id == order_id)
    return (await s.execute(stmt)).scalars().first()


async def add_invoice(s: AsyncSession, invoice: Invoice) -> Invoice:
    """Insert an invoice and assign its id."""
    s.add(invoice)
    await s.flush()
    return invoice


async def all_products(s: AsyncSession) -> list[Product]:
    """Return the whole catalogue ordered by id."""
    return list((await s.execute(select(Product).order_by(Product.id))).scalars())


async def products_in(s: AsyncSession, category: str) -> list[Product]:
    """Return the catalogue's products of ``category`` ordered by id."""
    stmt = select(Product).where(Product.category == category).order_by(Product.id)
    return list((await s.execute(stmt)).scalars())


async def products_by_id(s: AsyncSession, ids: Iterable[str]) -> dict[str, Product]:
    """Return the products with these ids, keyed by id."""
    stmt = select(Product).where(Product.id.in_(sorted(set(ids))))
    return {product.id: product for product in (await s.execute(stmt)).scalars()}
