"""Order status, logistics and urging: answers read from the shop database."""

from __future__ import annotations

from datetime import timedelta

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import request_text
from actions.handoff import PARCEL_MISSING_ROUTE, request_agent
from actions.policy import asks_for_a_delivery_time, says_not_received
from actions.refunds import refund_line
from actions.shop.errors import InvalidOrderState, OrderNotFound
from actions.shop.format import STATUS_LABELS, local_time, yuan
from actions.shop.service import ShopService
from actions.shop.store import ACTIVE_REFUND_STATUSES
from actions.shop.views import OrderView, ShipmentView

# An order refunded in full: the warehouse holds it, or the parcel is to be refused.
URGED_WHILE_REFUNDING = {
    "paid": "utter_urge_refunding_paid",
    "shipped": "utter_urge_refunding_shipped",
}
#: A second urge within this long is answered 「已经帮您催过了」, with a person offered.
URGED_RECENTLY = timedelta(hours=24)


def _order_fields(order: OrderView) -> dict[str, str]:
    return {
        "order_id": order.id,
        "items": order.item_summary,
        "total": yuan(order.total_fen),
        "status": STATUS_LABELS[order.status],
        "created": local_time(order.created_at),
        "paid_at": local_time(order.paid_at) if order.paid_at else "",
        "shipped_at": local_time(order.shipped_at) if order.shipped_at else "",
        "delivered_at": local_time(order.delivered_at) if order.delivered_at else "",
    }


def _utter_shipment(dispatcher: CollectingDispatcher, shipment: ShipmentView) -> None:
    latest = shipment.latest
    dispatcher.utter_message(
        response="utter_shipment_progress",
        order_id=shipment.order_id,  # a shopper with several parcels knows which one
        carrier=shipment.carrier,
        tracking_no=shipment.tracking_no,
        latest=latest.description if latest else "",
        latest_time=local_time(latest.at) if latest else "",
    )
    # The latest event may name the courier already (「派送员张师傅 138…」): not said twice.
    if latest is None or shipment.courier_phone not in latest.description:
        _utter_courier(dispatcher, shipment)


def _utter_courier(dispatcher: CollectingDispatcher, shipment: ShipmentView) -> None:
    if shipment.courier_name and shipment.courier_phone:
        dispatcher.utter_message(
            response="utter_courier_contact",
            courier_name=shipment.courier_name,
            courier_phone=shipment.courier_phone,
        )


async def order_status(
    shop: ShopService, shopper_id: str, tracker: Tracker, dispatcher: CollectingDispatcher
) -> list[EventType]:
    """「我的订单怎么样了」: the order's state, and its latest tracking if shipped."""
    order = await shop.order(shopper_id=shopper_id, order_id=tracker.get_slot("order_id"))
    if _delivered_not_received(order, tracker, "order_status"):
        return request_agent(dispatcher, tracker, None, PARCEL_MISSING_ROUTE, order_id=order.id)
    dispatcher.utter_message(response=f"utter_order_status_{order.status}", **_order_fields(order))
    await _utter_refunds_of(shop, shopper_id, order, dispatcher)
    if order.status == "shipped":
        shipment = await shop.shipment(shopper_id=shopper_id, order_id=order.id)
        if shipment is not None:
            _utter_shipment(dispatcher, shipment)
    return []


async def _utter_refunds_of(
    shop: ShopService, shopper_id: str, order: OrderView, dispatcher: CollectingDispatcher
) -> None:
    """The order's refunds under way or done, so its status is not read as all of it still due
    (「实付 ¥367.90」 after one pack of two was refunded)."""
    refunds = await shop.refunds(shopper_id=shopper_id, order_id=order.id)
    lines = [refund_line(refund) for refund in refunds if refund.status in ACTIVE_REFUND_STATUSES]
    if lines:
        dispatcher.utter_message(response="utter_order_refunds", refunds="\n".join(lines))


async def logistics_track(
    shop: ShopService, shopper_id: str, tracker: Tracker, dispatcher: CollectingDispatcher
) -> list[EventType]:
    """「快递到哪了」: the latest tracking event, by order or by tracking number."""
    tracking_no = tracker.get_slot("tracking_no")
    order_id = tracker.get_slot("order_id")
    if tracking_no and not order_id:
        try:
            order, shipment = await shop.find_shipment_by_tracking(
                shopper_id=shopper_id, tracking_no=tracking_no
            )
        except OrderNotFound:
            dispatcher.utter_message(response="utter_tracking_not_found", tracking_no=tracking_no)
            return []
        _utter_shipment(dispatcher, shipment)
        return []
    order = await shop.order(shopper_id=shopper_id, order_id=order_id)
    if _delivered_not_received(order, tracker, "logistics_track"):
        return request_agent(dispatcher, tracker, None, PARCEL_MISSING_ROUTE, order_id=order.id)
    shipment = await shop.shipment(shopper_id=shopper_id, order_id=order.id)
    if shipment is not None:
        _utter_shipment(dispatcher, shipment)
    elif order.status == "paid":
        dispatcher.utter_message(response="utter_not_shipped_yet", **_order_fields(order))
    else:
        dispatcher.utter_message(response="utter_no_shipment", **_order_fields(order))
    return []


async def urge_delivery(
    shop: ShopService, shopper_id: str, tracker: Tracker, dispatcher: CollectingDispatcher
) -> list[EventType]:
    """「快点发货」: record the urge so the warehouse sees it.

    「能不能周六送」 reads as an urge too, but asks for a day, which the shop
    cannot promise: say so, and who to arrange it with, rather than hurry it.
    """
    order_id = tracker.get_slot("order_id")
    if asks_for_a_delivery_time(request_text(tracker, "urge_delivery")):
        return await _delivery_time(shop, shopper_id, order_id, dispatcher)
    try:
        order, before = await shop.urge(shopper_id=shopper_id, order_id=order_id)
    except InvalidOrderState as exc:
        order = await shop.order(shopper_id=shopper_id, order_id=order_id)
        response = "utter_urge_not_applicable"
        if exc.reason == "refunding":  # held by the warehouse, or to be refused at the door
            response = URGED_WHILE_REFUNDING.get(order.status, response)
        dispatcher.utter_message(response=response, **_order_fields(order))
        return []
    if before is not None and shop.now() - before < URGED_RECENTLY:
        # Asked again: it was hurried already; a person can follow it up.
        dispatcher.utter_message(
            response="utter_urge_again", urged_at=local_time(before), **_order_fields(order)
        )
        return []
    response = (
        "utter_urge_delivery_recorded"
        if order.status == "shipped"
        else "utter_urge_shipping_recorded"
    )
    dispatcher.utter_message(response=response, **_order_fields(order))
    return []


async def _delivery_time(
    shop: ShopService, shopper_id: str, order_id: str, dispatcher: CollectingDispatcher
) -> list[EventType]:
    dispatcher.utter_message(response="utter_delivery_time_not_set", order_id=order_id)
    shipment = await shop.shipment(shopper_id=shopper_id, order_id=order_id)
    if shipment is not None:  # the courier is who a day can be arranged with
        _utter_courier(dispatcher, shipment)
    return []


def _delivered_not_received(order: OrderView, tracker: Tracker, intent: str) -> bool:
    """「显示签收了但我没收到」: the tracking says delivered, the shopper says not.

    Showing the tracking again helps nobody; a person must ask the courier.
    """
    return order.status in ("delivered", "completed") and says_not_received(
        request_text(tracker, intent)
    )
