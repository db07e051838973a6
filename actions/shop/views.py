"""Immutable views handed to callers, so no ORM object leaves a session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

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
)

#: A coupon expiring within this window is flagged ``expiring_soon``.
EXPIRING_SOON = timedelta(days=3)


@dataclass(frozen=True)
class ShopperView:
    """A shopper's profile."""

    id: str
    name: str
    tier: str
    points: int
    phone: str


@dataclass(frozen=True)
class ItemView:
    """One order line."""

    product_id: str
    name: str
    quantity: int
    unit_price_fen: int

    @property
    def subtotal_fen(self) -> int:
        """Price of the whole line in fen."""
        return self.quantity * self.unit_price_fen


@dataclass(frozen=True)
class OrderView:
    """An order with its items; ``item_summary`` reads "轻薄羽绒服 ×1 等2件"."""

    id: str
    status: str
    total_fen: int
    created_at: datetime
    paid_at: datetime | None
    shipped_at: datetime | None
    delivered_at: datetime | None
    cancelled_at: datetime | None
    receiver: str
    receiver_phone: str
    address: str
    items: tuple[ItemView, ...]
    item_summary: str


@dataclass(frozen=True)
class EventView:
    """One tracking scan."""

    at: datetime
    location: str
    description: str


@dataclass(frozen=True)
class ShipmentView:
    """A shipment; ``events`` are newest first and ``latest`` is the first."""

    order_id: str
    carrier: str
    tracking_no: str
    courier_name: str
    courier_phone: str
    events: tuple[EventView, ...]
    latest: EventView | None


@dataclass(frozen=True)
class RefundView:
    """A refund request and its decision."""

    id: int
    order_id: str
    amount_fen: int
    reason: str
    status: str
    fast_track: bool
    created_at: datetime
    decided_at: datetime | None
    #: The goods refunded (product id, how many), none for the whole order (or an amount off it).
    counts: tuple[tuple[str, int], ...] = ()
    goods: str = ""  # 「纯棉圆领T恤 ×1」


@dataclass(frozen=True)
class CouponView:
    """A coupon; ``category`` None means it applies to every category."""

    id: int
    title: str
    discount_fen: int
    threshold_fen: int
    category: str | None
    starts_at: datetime
    expires_at: datetime
    expiring_soon: bool
    used_at: datetime | None = None


@dataclass(frozen=True)
class InvoiceView:
    """An invoice request."""

    id: int
    order_id: str
    title: str
    tax_id: str | None
    kind: str
    status: str
    created_at: datetime


@dataclass(frozen=True)
class ProductView:
    """A catalogue product."""

    id: str
    name: str
    aliases: tuple[str, ...]
    category: str
    price_fen: int
    stock: int
    material: str
    sizes: tuple[str, ...]
    description: str
    authentic_guarantee: bool

    @property
    def in_stock(self) -> bool:
        """Whether at least one unit is available."""
        return self.stock > 0


def split_csv(value: str | None) -> tuple[str, ...]:
    """Split a comma-separated column into trimmed, non-empty parts."""
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())


def shopper_view(shopper: Shopper) -> ShopperView:
    """Build a ShopperView."""
    return ShopperView(
        id=shopper.id,
        name=shopper.name,
        tier=shopper.tier,
        points=shopper.points,
        phone=shopper.phone,
    )


def item_view(item: OrderItem) -> ItemView:
    """Build an ItemView."""
    return ItemView(
        product_id=item.product_id,
        name=item.name,
        quantity=item.quantity,
        unit_price_fen=item.unit_price_fen,
    )


def summarize_items(items: tuple[ItemView, ...]) -> str:
    """Describe items as "轻薄羽绒服 ×1", or "轻薄羽绒服 ×1 等3件" for several."""
    if not items:
        return ""
    first = f"{items[0].name} ×{items[0].quantity}"
    if len(items) == 1:
        return first
    return f"{first} 等{sum(item.quantity for item in items)}件"


def order_view(order: Order) -> OrderView:
    """Build an OrderView (the order's items must be loaded)."""
    items = tuple(item_view(item) for item in order.items)
    return OrderView(
        id=order.id,
        status=order.status,
        total_fen=order.total_fen,
        created_at=order.created_at,
        paid_at=order.paid_at,
        shipped_at=order.shipped_at,
        delivered_at=order.delivered_at,
        cancelled_at=order.cancelled_at,
        receiver=order.receiver,
        receiver_phone=order.receiver_phone,
        address=order.address,
        items=items,
        item_summary=summarize_items(items),
    )


def event_view(event: TrackingEvent) -> EventView:
    """Build an EventView."""
    return EventView(at=event.at, location=event.location, description=event.description)


def shipment_view(shipment: Shipment) -> ShipmentView:
    """Build a ShipmentView with events newest first."""
    events = tuple(
        event_view(event) for event in sorted(shipment.events, key=lambda e: e.at, reverse=True)
    )
    return ShipmentView(
        order_id=shipment.order_id,
        carrier=shipment.carrier,
        tracking_no=shipment.tracking_no,
        courier_name=shipment.courier_name,
        courier_phone=shipment.courier_phone,
        events=events,
        latest=events[0] if events else None,
    )


def refund_view(refund: Refund) -> RefundView:
    """Build a RefundView."""
    return RefundView(
        id=refund.id,
        order_id=refund.order_id,
        amount_fen=refund.amount_fen,
        reason=refund.reason,
        status=refund.status,
        fast_track=refund.fast_track,
        created_at=refund.created_at,
        decided_at=refund.decided_at,
        counts=tuple((line.product_id, line.quantity) for line in refund.lines),
        goods="、".join(f"{line.name} ×{line.quantity}" for line in refund.lines),
    )


def coupon_view(coupon: Coupon, now: datetime) -> CouponView:
    """Build a CouponView, flagging it when it expires within three days."""
    return CouponView(
        id=coupon.id,
        title=coupon.title,
        discount_fen=coupon.discount_fen,
        threshold_fen=coupon.threshold_fen,
        category=coupon.category,
        starts_at=coupon.starts_at,
        expires_at=coupon.expires_at,
        expiring_soon=coupon.expires_at - now <= EXPIRING_SOON,
        used_at=coupon.used_at,
    )


def invoice_view(invoice: Invoice) -> InvoiceView:
    """Build an InvoiceView."""
    return InvoiceView(
        id=invoice.id,
        order_id=invoice.order_id,
        title=invoice.title,
        tax_id=invoice.tax_id,
        kind=invoice.kind,
        status=invoice.status,
        created_at=invoice.created_at,
    )


def product_view(product: Product) -> ProductView:
    """Build a ProductView."""
    return ProductView(
        id=product.id,
        name=product.name,
        aliases=split_csv(product.aliases),
        category=product.category,
        price_fen=product.price_fen,
        stock=product.stock,
        material=product.material,
        sizes=split_csv(product.sizes),
        description=product.description,
        authentic_guarantee=product.authentic_guarantee,
    )
