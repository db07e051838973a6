"""SQLAlchemy models of the demo shop.

Money is stored as integer fen (``*_fen``) and every timestamp is a
timezone-aware UTC ``datetime``.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import declarative_base, relationship

Base: Any = declarative_base()


def utc_now() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """``DateTime(timezone=True)`` that always round-trips aware UTC values.

    SQLite has no time zone support and hands back naive values; this type
    stores UTC there and re-attaches ``timezone.utc`` on the way out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Reject naive datetimes and convert aware ones to UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; use an aware UTC datetime")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Return an aware UTC datetime."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Shopper(Base):
    """A registered shopper."""

    __tablename__ = "shop_shoppers"

    id = Column(String(32), primary_key=True)
    name = Column(String(64), nullable=False)
    phone = Column(String(20), nullable=False, default="")
    tier = Column(String(16), nullable=False, default="normal")
    points = Column(Integer, nullable=False, default=0)
    created_at = Column(UTCDateTime, nullable=False)


class Product(Base):
    """A catalogue product; ``aliases`` holds comma-separated shopper words."""

    __tablename__ = "shop_products"

    id = Column(String(16), primary_key=True)
    name = Column(String(128), nullable=False)
    aliases = Column(String(256), nullable=False, default="")
    category = Column(String(16), nullable=False, index=True)
    price_fen = Column(Integer, nullable=False)
    stock = Column(Integer, nullable=False, default=0)
    material = Column(String(128), nullable=False, default="")
    sizes = Column(String(128), nullable=False, default="")
    description = Column(Text, nullable=False, default="")
    authentic_guarantee = Column(Boolean, nullable=False, default=True)


class Order(Base):
    """An order; ``status`` runs pending_payment → paid → shipped → delivered."""

    __tablename__ = "shop_orders"

    id = Column(String(16), primary_key=True)
    shopper_id = Column(ForeignKey("shop_shoppers.id"), nullable=False, index=True)
    status = Column(String(20), nullable=False)
    total_fen = Column(Integer, nullable=False)
    receiver = Column(String(64), nullable=False)
    receiver_phone = Column(String(20), nullable=False)
    address = Column(String(256), nullable=False)
    created_at = Column(UTCDateTime, nullable=False, index=True)
    paid_at = Column(UTCDateTime)
    shipped_at = Column(UTCDateTime)
    delivered_at = Column(UTCDateTime)
    cancelled_at = Column(UTCDateTime)

    items = relationship("OrderItem", lazy="selectin", order_by=lambda: OrderItem.id, cascade="all")


class OrderItem(Base):
    """One line of an order, with the price the shopper paid."""

    __tablename__ = "shop_order_items"

    id = Column(Integer, primary_key=True)
    order_id = Column(ForeignKey("shop_orders.id"), nullable=False, index=True)
    product_id = Column(ForeignKey("shop_products.id"), nullable=False)
    name = Column(String(128), nullable=False)
    quantity = Column(Integer, nullable=False)
    unit_price_fen = Column(Integer, nullable=False)


class Shipment(Base):
    """A parcel sent for an order (one per order in practice)."""

    __tablename__ = "shop_shipments"

    id = Column(Integer, primary_key=True)
    order_id = Column(ForeignKey("shop_orders.id"), nullable=False, index=True)
    carrier = Column(String(32), nullable=False)
    tracking_no = Column(String(32), nullable=False, unique=True)
    courier_name = Column(String(32), nullable=False, default="")
    courier_phone = Column(String(20), nullable=False, default="")
    created_at = Column(UTCDateTime, nullable=False)

    events = relationship(
        "TrackingEvent",
        lazy="selectin",
        order_by=lambda: [TrackingEvent.at, TrackingEvent.id],
        cascade="all",
    )


class TrackingEvent(Base):
    """One scan of a shipment."""

    __tablename__ = "shop_tracking_events"

    id = Column(Integer, primary_key=True)
    shipment_id = Column(ForeignKey("shop_shipments.id"), nullable=False, index=True)
    at = Column(UTCDateTime, nullable=False)
    location = Column(String(64), nullable=False, default="")
    description = Column(String(256), nullable=False)


class Refund(Base):
    """A refund request and its decision."""

    __tablename__ = "shop_refunds"

    id = Column(Integer, primary_key=True)
    order_id = Column(ForeignKey("shop_orders.id"), nullable=False, index=True)
    shopper_id = Column(ForeignKey("shop_shoppers.id"), nullable=False, index=True)
    amount_fen = Column(Integer, nullable=False)
    reason = Column(String(256), nullable=False, default="")
    status = Column(String(20), nullable=False)
    fast_track = Column(Boolean, nullable=False, default=False)
    created_at = Column(UTCDateTime, nullable=False)
    decided_at = Column(UTCDateTime)

    # None for a refund of the whole order (or an amount off it, a compensation).
    lines = relationship(
        "RefundLine", lazy="selectin", order_by=lambda: RefundLine.id, cascade="all"
    )


class RefundLine(Base):
    """An order line a refund gives back: refunds of single goods name theirs.

    A table of its own, not a column on ``shop_refunds``, so that an existing
    shop database gains it with ``create_all``.
    """

    __tablename__ = "shop_refund_lines"

    id = Column(Integer, primary_key=True)
    refund_id = Column(ForeignKey("shop_refunds.id"), nullable=False, index=True)
    order_item_id = Column(ForeignKey("shop_order_items.id"), nullable=False, index=True)
    product_id = Column(String(16), nullable=False)
    name = Column(String(128), nullable=False)
    quantity = Column(Integer, nullable=False)


class Coupon(Base):
    """A coupon held by a shopper; ``threshold_fen`` 0 means no threshold."""

    __tablename__ = "shop_coupons"

    id = Column(Integer, primary_key=True)
    shopper_id = Column(ForeignKey("shop_shoppers.id"), nullable=False, index=True)
    title = Column(String(64), nullable=False)
    discount_fen = Column(Integer, nullable=False)
    threshold_fen = Column(Integer, nullable=False, default=0)
    category = Column(String(16))
    starts_at = Column(UTCDateTime, nullable=False)
    expires_at = Column(UTCDateTime, nullable=False)
    used_at = Column(UTCDateTime)


class Invoice(Base):
    """An invoice request for an order (at most one per order)."""

    __tablename__ = "shop_invoices"

    id = Column(Integer, primary_key=True)
    order_id = Column(ForeignKey("shop_orders.id"), nullable=False, unique=True)
    shopper_id = Column(ForeignKey("shop_shoppers.id"), nullable=False, index=True)
    title = Column(String(100), nullable=False)
    tax_id = Column(String(20))
    kind = Column(String(16), nullable=False, default="electronic")
    status = Column(String(16), nullable=False, default="requested")
    created_at = Column(UTCDateTime, nullable=False)


class UrgeRecord(Base):
    """A shopper's 催发货/催派送, kept so staff can see it."""

    __tablename__ = "shop_urge_records"

    id = Column(Integer, primary_key=True)
    order_id = Column(ForeignKey("shop_orders.id"), nullable=False, index=True)
    shopper_id = Column(ForeignKey("shop_shoppers.id"), nullable=False)
    created_at = Column(UTCDateTime, nullable=False)
