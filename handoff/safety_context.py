"""What an agent needs to act on an urgent ticket, and a summary to give the police."""

from __future__ import annotations

from typing import Any

from actions.shop.errors import OrderNotFound
from actions.shop.format import STATUS_LABELS, local_time
from actions.shop.service import ShopService
from actions.shop.views import OrderView, ShipmentView
from actions.text import find_order_id
from handoff import copy
from handoff.views import TicketView


async def _relevant_order(
    shop: ShopService, shopper_id: str, transcript: list[dict[str, Any]]
) -> OrderView | None:
    # The order the shopper named, newest mention first; else one on its way.
    for message in reversed(transcript):
        if message.get("sender") == "shopper":
            order_id = find_order_id(str(message.get("text") or ""))
            if order_id:
                try:
                    return await shop.order(shopper_id=shopper_id, order_id=order_id)
                except OrderNotFound:  # a wrong number must not hide the rest
                    continue
    orders = await shop.recent_orders(shopper_id=shopper_id, limit=5)
    shipped = [o for o in orders if o.status == "shipped"]
    return (shipped or orders or [None])[0]


def _words(flag: dict[str, Any], transcript: list[dict[str, Any]]) -> str:
    matched = flag.get("matched") or []
    if matched:
        return "、".join(str(m) for m in matched)
    shopper = [m for m in transcript if m.get("sender") == "shopper"]
    return str(shopper[-1].get("text", "")) if shopper else ""


async def safety_context(
    shop: ShopService,
    ticket: TicketView,
    transcript: list[dict[str, Any]],
    flag: dict[str, Any],
    now: str,
) -> dict[str, Any]:
    """Order, shipment, courier, last location, contact and a police summary."""
    shopper = await shop.shopper(ticket.shopper_id) if ticket.shopper_id else None
    order = await _relevant_order(shop, shopper.id, transcript) if shopper else None
    shipment: ShipmentView | None = None
    if shopper and order:
        shipment = await shop.shipment(shopper_id=shopper.id, order_id=order.id)
    latest = shipment.latest if shipment else None
    category = copy.SAFETY_CATEGORIES.get(str(flag.get("category")), "人身安全紧急")
    summary = copy.POLICE_SUMMARY.format(
        now=now,
        category=category,
        words=_words(flag, transcript),
        name=shopper.name if shopper else "未登录顾客",
        phone=shopper.phone if shopper else "-",
        order=f"{order.id}（{order.item_summary}，{STATUS_LABELS[order.status]}）"
        if order
        else "-",
        receiver=order.receiver if order else "-",
        receiver_phone=order.receiver_phone if order else "",
        address=order.address if order else "-",
        carrier=shipment.carrier if shipment else "-",
        tracking_no=shipment.tracking_no if shipment else "-",
        courier=shipment.courier_name if shipment else "-",
        courier_phone=shipment.courier_phone if shipment else "",
        location=latest.location if latest else "-",
        location_time=local_time(latest.at) if latest else "-",
    )
    return {
        "category": flag.get("category"),
        "matched": list(flag.get("matched") or []),
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
            "receiver": order.receiver if order else None,
            "receiver_phone": order.receiver_phone if order else None,
            "address": order.address if order else None,
        },
        "police_summary": summary,
    }
