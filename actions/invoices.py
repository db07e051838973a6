"""Request an electronic invoice for a paid order."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.shop.errors import InvalidInput, InvalidOrderState, InvoiceAlreadyRequested
from actions.shop.format import INVOICE_STATUS_LABELS, STATUS_LABELS
from actions.shop.service import ShopService

REFUNDED = "refunded"  # all of the order is (being) refunded: nothing to invoice


async def invoice(
    shop: ShopService, shopper_id: str, tracker: Tracker, dispatcher: CollectingDispatcher
) -> list[EventType]:
    """One invoice per order; a company title needs its tax id."""
    order_id = tracker.get_slot("order_id")
    title = tracker.get_slot("invoice_title")
    try:
        if not title:  # not asked: the order has an invoice, or is not ready for one
            existing = await shop.invoice(shopper_id=shopper_id, order_id=order_id)
            if existing is not None:
                raise InvoiceAlreadyRequested(existing)
            order = await shop.order(shopper_id=shopper_id, order_id=order_id)
            refunded = await shop.refunded_in_full(shopper_id=shopper_id, order_id=order_id)
            raise InvalidOrderState(
                order_id, order.status, "invoice", REFUNDED if refunded else "status"
            )
        requested = await shop.request_invoice(
            shopper_id=shopper_id, order_id=order_id, title=title, tax_id=tracker.get_slot("tax_id")
        )
    except InvoiceAlreadyRequested as exc:
        dispatcher.utter_message(
            response="utter_invoice_already",
            order_id=order_id,
            title=exc.invoice.title,
            invoice_status=INVOICE_STATUS_LABELS[exc.invoice.status],
        )
        return []
    except InvalidOrderState as exc:
        response = (
            "utter_invoice_refunded" if exc.reason == REFUNDED else "utter_invoice_not_allowed"
        )
        dispatcher.utter_message(
            response=response, order_id=order_id, status=STATUS_LABELS[exc.status]
        )
        return []
    except InvalidInput:
        dispatcher.utter_message(response="utter_invoice_need_tax_id")
        return []
    dispatcher.utter_message(
        response="utter_invoice_requested", order_id=order_id, title=requested.title
    )
    return []
