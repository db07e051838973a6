"""Pure shop rules: which order states allow what, time windows, matching."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from actions.shop.errors import (
    InvalidInput,
    InvalidOrderState,
    NoActiveRefund,
    NothingToRefund,
    RefundNotWithdrawable,
)
from actions.shop.models import Order, OrderItem, Refund
from actions.shop.views import (
    ItemView,
    OrderView,
    ProductView,
    RefundView,
    item_view,
    refund_view,
)

URGE_STATES = frozenset({"paid", "shipped"})
CANCEL_STATES = frozenset({"pending_payment", "paid"})
ADDRESS_STATES = frozenset({"pending_payment", "paid"})
REFUND_STATES = frozenset({"paid", "shipped", "delivered", "completed"})
INVOICE_STATES = REFUND_STATES
PRICE_PROTECT_STATES = frozenset({"paid", "shipped", "delivered"})
#: Returns and exchanges, once delivered (and within seven days: actions/after_sales.py).
RETURN_STATES = frozenset({"delivered", "completed"})
#: Shopper tiers whose refunds are approved at once (极速退款).
FAST_TRACK_TIERS = frozenset({"gold", "platinum"})
#: A completed order may be refunded this long after delivery.
REFUND_WINDOW = timedelta(days=15)
#: Price protection covers drops this long after payment.
PRICE_PROTECT_WINDOW = timedelta(days=15)
#: Reason recorded on the refund created by cancelling a paid order.
CANCEL_REFUND_REASON = "取消订单"


def require_status(order: Order, allowed: frozenset[str], action: str) -> None:
    """Raise ``InvalidOrderState`` unless the order's status is allowed."""
    if order.status not in allowed:
        raise InvalidOrderState(order.id, order.status, action)


def check_refundable(order: Order, now: datetime) -> None:
    """Raise ``InvalidOrderState`` (action "refund") if no refund is possible."""
    require_status(order, REFUND_STATES, "refund")
    if past_refund_window(order, now):
        raise InvalidOrderState(order.id, order.status, "refund", "too_late")


def past_refund_window(order: Order | OrderView, now: datetime) -> bool:
    """Whether a completed order was delivered too long ago to be refunded."""
    delivered = order.delivered_at or order.paid_at or order.created_at
    return order.status == "completed" and now - delivered > REFUND_WINDOW


def refund_amount(order: Order, amount_fen: int | None) -> int:
    """Return the amount to refund: the total by default, never more.

    Raises:
        NothingToRefund: The order total is zero.
        InvalidInput: field "amount" outside 1..total.
    """
    if order.total_fen <= 0:
        raise NothingToRefund(order.id)
    if amount_fen is None:
        return int(order.total_fen)
    if amount_fen <= 0 or amount_fen > order.total_fen:
        raise InvalidInput("amount", "out_of_range")
    return amount_fen


def new_refund(order: Order, tier: str, amount_fen: int, reason: str, now: datetime) -> Refund:
    """Build a refund request: approved at once (极速退款) for fast-track tiers."""
    fast = tier in FAST_TRACK_TIERS
    return Refund(
        order_id=order.id,
        shopper_id=order.shopper_id,
        amount_fen=amount_fen,
        reason=reason,
        status="approved" if fast else "pending_review",
        fast_track=fast,
        created_at=now,
        decided_at=now if fast else None,
    )


def withdraw(refund: Refund | None, order_id: str, now: datetime) -> Refund:
    """Withdraw a refund still under review (the shopper kept the goods).

    Raises:
        NoActiveRefund: The order has none in progress.
        RefundNotWithdrawable: It was approved or paid out already.
    """
    if refund is None:
        raise NoActiveRefund(order_id)
    if refund.status != "pending_review":
        raise RefundNotWithdrawable(refund_view(refund))
    refund.status = "withdrawn"
    refund.decided_at = now
    return refund


def refunded_in_full(refund: Refund | RefundView | None, order: Order | OrderView) -> bool:
    """Whether ``refund`` gives the whole order back; after part of it (a compensation)
    the goods can still go back and their price is still protected."""
    return refund is not None and refund.amount_fen >= order.total_fen


def cancellation_refund(order: Order, existing: Refund | None, now: datetime) -> Refund | None:
    """Give a cancelled paid order's full amount back.

    A pending request is approved for the full amount instead of adding a
    second refund; an approved or completed one is left as it is.

    Returns:
        A new approved refund to insert, or None if ``existing`` covers it.
    """
    if existing is not None:
        if existing.status == "pending_review":
            existing.status, existing.decided_at = "approved", now
            existing.amount_fen = order.total_fen
        return None
    return Refund(
        order_id=order.id,
        shopper_id=order.shopper_id,
        amount_fen=order.total_fen,
        reason=CANCEL_REFUND_REASON,
        status="approved",
        fast_track=False,
        created_at=now,
        decided_at=now,
    )


def check_price_protect(order: Order, now: datetime, refunded: bool = False) -> None:
    """Raise ``InvalidOrderState`` (action "price_protect") if not covered.

    An order refunded in full (under way or paid out) has no price left to protect.
    """
    require_status(order, PRICE_PROTECT_STATES, "price_protect")
    if order.paid_at is None or now - order.paid_at > PRICE_PROTECT_WINDOW:
        raise InvalidOrderState(order.id, order.status, "price_protect", "too_late")
    if refunded:
        raise InvalidOrderState(order.id, order.status, "price_protect", "refunded")


def price_drops(
    items: Iterable[OrderItem], prices: Mapping[str, int]
) -> list[tuple[ItemView, int]]:
    """Return items whose current price is below the paid one, with the gap."""
    drops = []
    for item in items:
        price = prices.get(item.product_id)
        if price is not None and price < item.unit_price_fen:
            drops.append((item_view(item), item.unit_price_fen - price))
    return drops


def match_length(product: ProductView, text: str) -> int:
    """Length of the longest name or alias of the product found in ``text``."""
    needle = text.casefold()
    terms = (product.name, *product.aliases)
    return max((len(t) for t in terms if t and t.casefold() in needle), default=0)


def rank_products(products: Iterable[ProductView], text: str, limit: int) -> list[ProductView]:
    """Return up to ``limit`` products mentioned in ``text``, longest match first."""
    scored = [(match_length(p, text), p) for p in products]
    hits = sorted((pair for pair in scored if pair[0] > 0), key=lambda x: (-x[0], x[1].id))
    return [product for _, product in hits[:limit]]
