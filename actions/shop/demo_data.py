"""Demo shoppers, orders, shipments, coupons and invoices, relative to ``now``.

Order ids are fixed so tests and docs can name them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from actions.shop.demo_catalog import NAMES, PRICES
from actions.shop.models import Coupon, Invoice, Order, OrderItem, Shopper

DEMO_SHOPPER = "demo"
OTHER_SHOPPER = "u1002"
PLATINUM_SHOPPER = "u1003"
SEED_SHOPPERS = (DEMO_SHOPPER, OTHER_SHOPPER, PLATINUM_SHOPPER)

DEMO_SHIPPED_ORDER = "2611210930418825"
DEMO_DELIVERED_ORDER = "2611180815263307"
DEMO_PAID_ORDER = "2611230815590142"
DEMO_PENDING_ORDER = "2611230935117760"
DEMO_CANCELLED_ORDER = "2611150230084416"
DEMO_COMPLETED_ORDER = "2610260910337781"
OTHER_SHOPPER_ORDER = "2611200715642290"
OTHER_SHIPPED_ORDER = "2611220640385519"
OTHER_PAID_ORDER = "2611230905771034"
PLATINUM_DELIVERED_ORDER = "2611160545170063"

DEMO_SHIPPED_TRACKING = "SF142836770592"
DEMO_DELIVERED_TRACKING = "JDVA28374619203"
OTHER_SHIPPED_TRACKING = "YT8866321457709"

_DEMO_ADDRESS = ("小林", "13800138000", "上海市徐汇区漕溪北路398号汇智大厦12楼")
_OTHER_ADDRESS = ("王芳", "13700137000", "北京市朝阳区建国路88号SOHO现代城2号楼1801室")
_PLATINUM_ADDRESS = ("赵磊", "13600136000", "广东省深圳市南山区科技园科苑路15号")


def _ago(now: datetime, days: float = 0, hours: float = 0) -> datetime:
    return now - timedelta(days=days, hours=hours)


def demo_shoppers(now: datetime) -> list[Shopper]:
    """Return the three demo shoppers."""
    rows = [
        (DEMO_SHOPPER, "小林", "13800138000", "gold", 2680, 400),
        (OTHER_SHOPPER, "王芳", "13700137000", "normal", 320, 90),
        (PLATINUM_SHOPPER, "赵磊", "13600136000", "platinum", 15800, 1200),
    ]
    return [
        Shopper(id=i, name=n, phone=p, tier=t, points=pts, created_at=_ago(now, d))
        for i, n, p, t, pts, d in rows
    ]


def _order(
    order_id: str,
    shopper_id: str,
    status: str,
    address: tuple[str, str, str],
    lines: list[tuple[str, int, int | None]],
    times: dict[str, datetime],
) -> Order:
    """Build an order; each line is (product id, quantity, paid unit price)."""
    items = [
        OrderItem(
            product_id=pid,
            name=NAMES[pid],
            quantity=qty,
            unit_price_fen=PRICES[pid] if price is None else price,
        )
        for pid, qty, price in lines
    ]
    receiver, phone, street = address
    return Order(
        id=order_id,
        shopper_id=shopper_id,
        status=status,
        total_fen=sum(i.quantity * i.unit_price_fen for i in items),
        receiver=receiver,
        receiver_phone=phone,
        address=street,
        items=items,
        **times,
    )


def _times(now: datetime, *hours_ago: float) -> dict[str, datetime]:
    """Map hours-ago of created/paid/shipped/delivered to order columns."""
    names = ("created_at", "paid_at", "shipped_at", "delivered_at")
    return {name: _ago(now, hours=h) for name, h in zip(names, hours_ago, strict=False)}


def demo_orders(now: datetime) -> list[Order]:
    """Return every demo order: one per status for "demo", others for u1002/u1003."""
    d, o, p = _DEMO_ADDRESS, _OTHER_ADDRESS, _PLATINUM_ADDRESS
    cancelled = {**_times(now, 200), "cancelled_at": _ago(now, hours=199.6)}
    return [
        _order(DEMO_SHIPPED_ORDER, DEMO_SHOPPER, "shipped", d,
               [("P1001", 1, None), ("P1002", 1, None)], _times(now, 49, 48, 30)),
        # Paid 69900 for earbuds now sold at 64900: price protection applies.
        _order(DEMO_DELIVERED_ORDER, DEMO_SHOPPER, "delivered", d,
               [("P2001", 1, 69900)], _times(now, 122, 120, 96, 48)),
        _order(DEMO_PAID_ORDER, DEMO_SHOPPER, "paid", d,
               [("P3001", 2, None), ("P5001", 1, None)], _times(now, 3.2, 3)),
        _order(DEMO_PENDING_ORDER, DEMO_SHOPPER, "pending_payment", d,
               [("P6001", 1, None)], _times(now, 0.4)),
        _order(DEMO_CANCELLED_ORDER, DEMO_SHOPPER, "cancelled", d,
               [("P4002", 1, None)], cancelled),
        _order(DEMO_COMPLETED_ORDER, DEMO_SHOPPER, "completed", d,
               [("P2002", 1, None), ("P4001", 1, None)], _times(now, 673, 672, 650, 600)),
        _order(OTHER_SHOPPER_ORDER, OTHER_SHOPPER, "delivered", o,
               [("P3002", 2, None)], _times(now, 74, 73, 50, 24)),
        _order(OTHER_SHIPPED_ORDER, OTHER_SHOPPER, "shipped", o,
               [("P5002", 2, None)], _times(now, 28, 27.5, 20)),
        _order(OTHER_PAID_ORDER, OTHER_SHOPPER, "paid", o,
               [("P6002", 1, None)], _times(now, 1.2, 1)),
        _order(PLATINUM_DELIVERED_ORDER, PLATINUM_SHOPPER, "delivered", p,
               [("P2003", 1, None)], _times(now, 170, 169, 140, 96)),
    ]  # fmt: skip


def demo_coupons(now: datetime) -> list[Coupon]:
    """Return coupons: two usable (one expiring in 2 days), one expired, one used."""
    # owner, title, discount, threshold, category, started/expires/used (days)
    rows: list[tuple[str, str, int, int, str | None, int, int, int | None]] = [
        (DEMO_SHOPPER, "全场满300减30", 3000, 30000, None, 10, 2, None),
        (DEMO_SHOPPER, "母婴品类满199减20", 2000, 19900, "母婴", 5, 20, None),
        (DEMO_SHOPPER, "满100减10", 1000, 10000, None, 31, -1, None),
        (DEMO_SHOPPER, "无门槛5元券", 500, 0, None, 40, 30, 28),
        (OTHER_SHOPPER, "新人专享满99减10", 1000, 9900, None, 3, 27, None),
    ]
    return [
        Coupon(
            shopper_id=owner,
            title=title,
            discount_fen=discount,
            threshold_fen=threshold,
            category=category,
            starts_at=_ago(now, started),
            expires_at=_ago(now, -expires),
            used_at=None if used is None else _ago(now, used),
        )
        for owner, title, discount, threshold, category, started, expires, used in rows
    ]


def demo_invoices(now: datetime) -> list[Invoice]:
    """Return the invoice already issued for the completed demo order."""
    return [
        Invoice(
            order_id=DEMO_COMPLETED_ORDER,
            shopper_id=DEMO_SHOPPER,
            title="个人",
            tax_id=None,
            kind="electronic",
            status="issued",
            created_at=_ago(now, 24),
        )
    ]
