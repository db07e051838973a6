"""Cancel an order that has not shipped; a paid one is refunded in full."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.shop.errors import InvalidOrderState
from actions.shop.format import STATUS_LABELS, yuan
from actions.shop.service import ShopService


async def cancel_order(
    shop: ShopService, shopper_id: str, tracker: Tracker, dispatcher: CollectingDispatcher
) -> list[EventType]:
    """Cancel after the shopper confirmed; refuse once the order has shipped."""
    order_id = tracker.get_slot("order_id")
    if tracker.get_slot("cancel_confirmed") is False:
        dispatcher.utter_message(response="utter_cancel_kept", order_id=order_id)
        return []
    before = await shop.order(shopper_id=shopper_id, order_id=order_id)
    try:
        order = await shop.cancel_order(shopper_id=shopper_id, order_id=order_id)
    except InvalidOrderState:
        dispatcher.utter_message(
            response="utter_cancel_not_allowed",
            order_id=order_id,
            status=STATUS_LABELS[before.status],
        )
        return []
    response = (
        "utter_order_cancelled_refund" if before.status == "paid" else "utter_order_cancelled"
    )
    dispatcher.utter_message(response=response, order_id=order.id, total=yuan(order.total_fen))
    return [SlotSet("order_status", order.status)]
