"""Pure shop rules: which order states allow what, time windows, matching."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta

from actions.shop.errors import (
    InvalidInput,
    InvalidOrderState,
    NoActiveRefund,
    NothingToRefund,
    RefundAlreadyRequested,
    RefundNotWithdrawable,
)
from actions.shop.models import Order, OrderItem, Refund, RefundLine
from actions.shop.store import ACTIVE_REFUND_STATUSES
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


def held_counts(order: Order | OrderView) -> dict[str, int]:
    """How many of each product the order holds."""
    held: dict[str, int] = {}
    for item in order.items:
        held[item.product_id] = held.get(item.product_id, 0) + item.quantity
    return held


def refund_lines(order: Order, goods: Mapping[str, int]) -> list[tuple[OrderItem, int]]:
    """The order's lines of ``goods`` (product id → how many), with how many of each;
    none named means the whole order.

    Raises:
        InvalidInput: field "goods": a product not in the order ("not_in_order"),
            or more of it than the order holds ("too_many").
    """
    lines = {item.product_id: item for item in reversed(order.items)}
    if any(pid not in lines for pid in goods):
        raise InvalidInput("goods", "not_in_order")
    if any(not 0 < count <= lines[pid].quantity for pid, count in goods.items()):
        raise InvalidInput("goods", "too_many")
    return [(lines[pid], count) for pid, count in goods.items()]


def goods_share(order: Order | OrderView, goods: Mapping[str, int]) -> int:
    """What ``goods`` (product id → how many) cost of what was paid (all of it for none).

    The paid total may differ from the lines' prices (coupons, shipping), so
    the goods get their part of the total, in proportion to their price.
    """
    listed = sum(item.quantity * item.unit_price_fen for item in order.items)
    if not goods or listed <= 0:
        return int(order.total_fen)
    prices = {item.product_id: item.unit_price_fen for item in order.items}
    chosen = sum(prices.get(pid, 0) * count for pid, count in goods.items())
    return round(order.total_fen * chosen / listed)


def refund_amount(
    order: Order,
    amount_fen: int | None,
    goods: Mapping[str, int] | None = None,
    refunded_fen: int = 0,
) -> int:
    """Return the amount to refund: the goods' share by default, never more, and
    never more than what other refunds of the order left.

    Raises:
        NothingToRefund: The order total is zero.
        InvalidInput: field "amount" outside 1..what may be refunded.
    """
    if order.total_fen <= 0:
        raise NothingToRefund(order.id)
    most = min(goods_share(order, goods or {}), order.total_fen - refunded_fen)
    if amount_fen is None:
        return most
    if amount_fen <= 0 or amount_fen > most:
        raise InvalidInput("amount", "out_of_range")
    return amount_fen


def check_no_refund_overlap(
    order: Order, active: Sequence[Refund], goods: Mapping[str, int]
) -> None:
    """Refuse a second refund of the same goods.

    A refund of some goods (or some of them: one pack of two) leaves the rest
    free to be refunded; a refund of the whole order (or of an amount off it)
    leaves nothing.

    Raises:
        RefundAlreadyRequested: With the refund in the way.
    """
    held = held_counts(order)
    taken: dict[str, int] = {}
    for refund in active:
        if not refund.lines or not goods:
            raise RefundAlreadyRequested(refund_view(refund))
        for line in refund.lines:
            taken[line.product_id] = taken.get(line.product_id, 0) + line.quantity
    for pid, count in goods.items():
        if taken.get(pid, 0) + count > held.get(pid, 0):
            newest = next(r for r in active if any(ln.product_id == pid for ln in r.lines))
            raise RefundAlreadyRequested(refund_view(newest))


def new_refund(
    order: Order,
    tier: str,
    amount_fen: int,
    reason: str,
    now: datetime,
    lines: Sequence[tuple[OrderItem, int]] = (),
) -> Refund:
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
        lines=[
            RefundLine(
                order_item_id=item.id,
                product_id=item.product_id,
                name=item.name,
                quantity=count,
            )
            for item, count in lines
        ],
    )


def withdraw(
    active: Sequence[Refund], order_id: str, now: datetime, refund_id: int | None = None
) -> Refund:
    """Withdraw one of the order's refunds still under review (the shopper kept the goods):
    ``refund_id``, or the newest.

    Args:
        active: The order's refunds in progress or done, newest first.

    Raises:
        NoActiveRefund: The order has none in progress (or none with ``refund_id``).
        RefundNotWithdrawable: It (the newest) was approved or paid out already.
    """
    if refund_id is not None:
        active = [r for r in active if r.id == refund_id]
    if not active:
        raise NoActiveRefund(order_id)
    refund = next((r for r in active if r.status == "pending_review"), None)
    if refund is None:
        raise RefundNotWithdrawable(refund_view(active[0]))
    refund.status = "withdrawn"
    refund.decided_at = now
    return refund


def refunded_in_full(active: Iterable[Refund | RefundView], order: Order | OrderView) -> bool:
    """Whether the order's ``active`` refunds give all of it back; after part of it (a
    compensation, or single goods) the rest can still go back and its price is still
    protected."""
    return sum(refund.amount_fen for refund in active) >= order.total_fen


def left_to_refund(order: OrderView, refunds: Iterable[RefundView]) -> dict[str, int]:
    """The goods the order's active refunds of single goods leave (product id → how many);
    {} when none is active, or one of the whole order is."""
    active = [r for r in refunds if r.order_id == order.id and r.status in ACTIVE_REFUND_STATUSES]
    if not active or any(not refund.counts for refund in active):
        return {}
    left = held_counts(order)
    for pid, count in (pair for refund in active for pair in refund.counts):
        left[pid] = left.get(pid, 0) - count
    return {pid: count for pid, count in left.items() if count > 0}


def closes_unshipped_order(order: Order, active: Iterable[Refund]) -> bool:
    """Whether refunds approved for all of a paid order close it: nothing is left to ship.

    Refunds still under review leave it open (the warehouse holds it: no urging).
    """
    active = list(active)
    approved = all(refund.status in ("approved", "refunded") for refund in active)
    return order.status == "paid" and approved and refunded_in_full(active, order)


def nothing_left_to_refund(order: OrderView, refunds: Iterable[RefundView]) -> bool:
    """Whether the order's active ``refunds`` (of any orders) leave it no goods to refund:
    one of the whole order (or an amount off it), or one of each of its goods."""
    mine = [r for r in refunds if r.order_id == order.id and r.status in ACTIVE_REFUND_STATUSES]
    return bool(mine) and not left_to_refund(order, mine)


def cancellation_refund(order: Order, active: Sequence[Refund], now: datetime) -> Refund | None:
    """Give a cancelled paid order's full amount back.

    Refunds under review are approved as they are, and what they and the
    approved ones leave is refunded by a new one. A single request for an
    amount off the whole order is approved for the full amount instead.

    Returns:
        A new approved refund to insert, or None if ``active`` covers it.
    """
    pending = [refund for refund in active if refund.status == "pending_review"]
    for refund in pending:
        refund.status, refund.decided_at = "approved", now
    if len(active) == 1 and pending and not pending[0].lines:
        pending[0].amount_fen = order.total_fen
    left = order.total_fen - sum(refund.amount_fen for refund in active)
    if left <= 0:
        return None
    return Refund(
        order_id=order.id,
        shopper_id=order.shopper_id,
        amount_fen=left,
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
