"""What an agent needs to act on an urgent ticket, and a summary to give the police.

The summary quotes the shopper's own flagged messages, as written: the
screen's matched phrases are fragments (and sometimes rule labels such as
「冒烟+充电宝」), never what the shopper said. The courier and the parcel's last
scan are only given when the danger concerns the delivery: for a fire or a
violent partner at home they would point the police at the wrong person and
place.
"""

from __future__ import annotations

import re
from typing import Any

from actions.shop.errors import OrderNotFound
from actions.shop.format import STATUS_LABELS, local_time
from actions.shop.service import ShopService
from actions.shop.views import OrderView, ShipmentView, ShopperView
from actions.text import find_order_id
from bot.safety.normalize import Normaliser
from handoff import copy
from handoff.views import TicketView

#: Words that tie a danger to the delivery: the courier, the parcel, where it is picked up.
DELIVERY_WORDS = (
    "快递", "包裹", "送货", "配送", "派送", "派件", "送件", "取件", "驿站", "物流",
    "骑手", "运单", "签收", "顺丰", "中通", "圆通", "申通", "韵达", "邮政", "菜鸟",
)  # fmt: skip
POLICE_SUMMARY = (
    "【kefu 紧急情况摘要】\n"
    "报告时间：{now}\n"
    "情况：{category}\n"
    "顾客原话：{words}\n"
    "顾客：{name}，电话 {phone}"
)
ORDER_LINES = "\n相关订单：{order}\n收货信息：{receiver} {receiver_phone}，{address}"
# No order concerns the danger: where parcels go, which may not be where the shopper is.
USUAL_ADDRESS_LINE = "\n最近订单的收货地址（不一定是顾客现在的位置）：{address}"
DELIVERY_LINES = (
    "\n快递：{carrier} 运单号 {tracking_no}；派送员 {courier} {courier_phone}"
    "\n包裹最后位置（快递扫描）：{location}（{location_time}）"
)

_normalise = Normaliser()
# 「别把我的地址给快递」, 「不要告诉送货的」: the shopper keeps something from the courier.
_KEPT_FROM_THE_COURIER = re.compile(
    r"(?:别|不要|不想|不让|不能)[^，。,.!?！？|]{0,12}?(?:给|告诉|透露给|让)"
    r"(?:快递员|快递小哥|快递|骑手|送货的|派送员|配送员)"
)


def concerns_delivery(messages: list[str]) -> bool:
    """Whether the shopper's words tie the danger to the courier or the parcel.

    Asking that the address be kept from the courier (「有人跟踪我 别把我的地址给快递」)
    does not: the summary named the courier and the parcel as if involved.
    """
    folded = [_KEPT_FROM_THE_COURIER.sub("", _normalise(text)) for text in messages]
    return any(word in text for text in folded for word in DELIVERY_WORDS)


def flagged_messages(flag: dict[str, Any], transcript: list[dict[str, Any]]) -> list[str]:
    """The shopper's own messages about the danger, as written, oldest first.

    The flag keeps them (``messages``); an older flag without them falls back
    to the latest shopper message that holds a matched phrase, else the latest.
    """
    kept = [str(text) for text in flag.get("messages") or [] if str(text).strip()]
    if kept:
        return kept
    said = [
        str(m.get("text") or "")
        for m in transcript
        if m.get("sender") == "shopper" and "attachment" not in m
    ]
    said = [text for text in said if text.strip()]
    matched = [str(phrase) for phrase in flag.get("matched") or []]
    holding = [text for text in said if any(p in _normalise(text) for p in matched)]
    return (holding or said)[-1:]


def _quoted(messages: list[str]) -> str:
    return "".join(f"「{text}」" for text in messages) or "-"


async def _named_order(
    shop: ShopService, shopper_id: str, transcript: list[dict[str, Any]]
) -> OrderView | None:
    # The order the shopper named, newest mention first.
    for message in reversed(transcript):
        if message.get("sender") == "shopper":
            order_id = find_order_id(str(message.get("text") or ""))
            if order_id:
                try:
                    return await shop.order(shopper_id=shopper_id, order_id=order_id)
                except OrderNotFound:  # a wrong number must not hide the rest
                    continue
    return None


async def _orders(
    shop: ShopService, shopper_id: str, transcript: list[dict[str, Any]], delivery: bool
) -> tuple[OrderView | None, OrderView | None]:
    """The order the danger concerns (if any), and the latest order (for an address)."""
    named = await _named_order(shop, shopper_id, transcript)
    orders = await shop.recent_orders(shopper_id=shopper_id, limit=5)
    latest = orders[0] if orders else None
    if named is not None or not delivery:
        return named, latest
    # A danger at the delivery with no order named: the parcel on its way, else the latest.
    shipped = [o for o in orders if o.status == "shipped"]
    return (shipped or orders or [None])[0], latest


def _police_summary(
    now: str,
    category: str,
    messages: list[str],
    shopper: ShopperView | None,
    order: OrderView | None,
    usual: OrderView | None,
    shipment: ShipmentView | None,
) -> str:
    summary = POLICE_SUMMARY.format(
        now=now,
        category=category,
        words=_quoted(messages),
        name=shopper.name if shopper else "未登录顾客",
        phone=shopper.phone if shopper else "-",
    )
    if order is not None:
        summary += ORDER_LINES.format(
            order=f"{order.id}（{order.item_summary}，{STATUS_LABELS[order.status]}）",
            receiver=order.receiver,
            receiver_phone=order.receiver_phone,
            address=order.address,
        )
    elif usual is not None:
        summary += USUAL_ADDRESS_LINE.format(address=usual.address)
    if shipment is not None:
        latest = shipment.latest
        summary += DELIVERY_LINES.format(
            carrier=shipment.carrier,
            tracking_no=shipment.tracking_no,
            courier=shipment.courier_name,
            courier_phone=shipment.courier_phone,
            location=latest.location if latest else "-",
            location_time=local_time(latest.at) if latest else "-",
        )
    return summary


async def safety_context(
    shop: ShopService,
    ticket: TicketView,
    transcript: list[dict[str, Any]],
    flag: dict[str, Any],
    now: str,
) -> dict[str, Any]:
    """Order, shipment, courier, last location, contact and a police summary.

    The order is the one the shopper named, or for a danger at the delivery
    the parcel on its way; shipment, courier and the parcel's last scan only
    for a danger at the delivery. The contact is always there.
    """
    messages = flagged_messages(flag, transcript)
    delivery = concerns_delivery(messages)
    shopper = await shop.shopper(ticket.shopper_id) if ticket.shopper_id else None
    order = usual = None
    if shopper is not None:
        order, usual = await _orders(shop, shopper.id, transcript, delivery)
    shipment: ShipmentView | None = None
    if shopper and order and delivery:
        shipment = await shop.shipment(shopper_id=shopper.id, order_id=order.id)
    latest = shipment.latest if shipment else None
    address_of = order or usual
    category = copy.SAFETY_CATEGORIES.get(str(flag.get("category")), "人身安全紧急")
    return {
        "category": flag.get("category"),
        "matched": list(flag.get("matched") or []),
        "messages": messages,
        "concerns_delivery": delivery,
        "order": {
            "id": order.id,
            "items": order.item_summary,
            "status": STATUS_LABELS[order.status],
        }
        if order
        else None,
        "shipment": {"carrier": shipment.carrier, "tracking_no": shipment.tracking_no}
        if shipment
        else None,
        "courier": {"name": shipment.courier_name, "phone": shipment.courier_phone}
        if shipment
        else None,
        "last_location": {
            "location": latest.location,
            "description": latest.description,
            "at": local_time(latest.at),
        }
        if latest
        else None,
        "contact": {
            "name": shopper.name if shopper else None,
            "phone": shopper.phone if shopper else None,
            "receiver": address_of.receiver if address_of else None,
            "receiver_phone": address_of.receiver_phone if address_of else None,
            "address": address_of.address if address_of else None,
        },
        "police_summary": _police_summary(now, category, messages, shopper, order, usual, shipment),
    }
