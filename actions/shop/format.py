"""Display helpers: money, local time and Chinese status labels."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

#: Shop time zone used for every time shown to shoppers.
SHOP_TZ = ZoneInfo("Asia/Shanghai")

STATUS_LABELS: dict[str, str] = {
    "pending_payment": "待付款",
    "paid": "待发货",
    "shipped": "已发货",
    "delivered": "已签收",
    "completed": "已完成",
    "cancelled": "已取消",
}

REFUND_STATUS_LABELS: dict[str, str] = {
    "pending_review": "审核中",
    "approved": "已同意，退款中",
    "rejected": "已拒绝",
    "refunded": "已退款",
    "withdrawn": "已撤销",
}

INVOICE_STATUS_LABELS: dict[str, str] = {
    "requested": "开具中",
    "issued": "已开具",
}

# The names the rest of the copy uses (utter_greet, the benefits): 银卡, 金卡, 白金.
TIER_LABELS: dict[str, str] = {
    "normal": "普通会员",
    "silver": "银卡会员",
    "gold": "金卡会员",
    "platinum": "白金会员",
}


def yuan(fen: int) -> str:
    """Format fen as yuan, e.g. ``12850`` → ``"¥128.50"``, ``-500`` → ``"-¥5.00"``."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}¥{whole}.{cents:02d}"


def local_time(dt: datetime) -> str:
    """Format a time in Asia/Shanghai as "11月23日 14:05".

    Naive datetimes are taken to be UTC.
    """
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    local = dt.astimezone(SHOP_TZ)
    return f"{local.month}月{local.day}日 {local:%H:%M}"
