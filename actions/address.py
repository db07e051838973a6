"""Change the delivery address of an order that has not shipped."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.shop.errors import InvalidInput, InvalidOrderState
from actions.shop.format import STATUS_LABELS
from actions.shop.service import ShopService
from actions.text import split_contact


async def change_address(
    shop: ShopService, shopper_id: str, tracker: Tracker, dispatcher: CollectingDispatcher
) -> list[EventType]:
    """Write the confirmed address (and the receiver and phone number given with it)."""
    order_id = tracker.get_slot("order_id")
    if tracker.get_slot("address_confirmed") is False:
        dispatcher.utter_message(response="utter_address_kept")
        return []
    new_address = tracker.get_slot("new_address")
    if not new_address:  # the order could not take a new address: say why
        order = await shop.order(shopper_id=shopper_id, order_id=order_id)
        dispatcher.utter_message(
            response="utter_address_not_allowed",
            order_id=order.id,
            status=STATUS_LABELS[order.status],
        )
        return []
    contact = split_contact(new_address)
    try:
        order = await shop.change_address(
            shopper_id=shopper_id,
            order_id=order_id,
            address=contact.address,
            receiver=contact.receiver,
            phone=contact.phone,
        )
    except InvalidOrderState as exc:
        dispatcher.utter_message(
            response="utter_address_not_allowed",
            order_id=order_id,
            status=STATUS_LABELS[exc.status],
        )
        return []
    except InvalidInput as exc:
        response = "utter_phone_invalid" if exc.field == "phone" else "utter_address_invalid"
        dispatcher.utter_message(response=response)
        return []
    dispatcher.utter_message(
        response="utter_address_changed",
        order_id=order.id,
        address=order.address,
        receiver=order.receiver,
        phone=order.receiver_phone,
    )
    return []
