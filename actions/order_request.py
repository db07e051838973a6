"""Runs the request the order form was filled for, then clears the form."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import (
    address,
    after_sales,
    cancellation,
    invoices,
    orders,
    refund_withdrawal,
    refunds,
)
from actions.common import UsesShop, shopper_id_of
from actions.order_form import (
    ABORTED,
    LOGIN_REQUIRED,
    NO_REFUNDS,
    NOTHING_TO_WITHDRAW,
    PRE_SALE_SHIPPING,
    request_of,
)
from actions.refund_goods import PAUSED_REFUND, resume_words
from actions.shop.errors import OrderNotFound
from actions.shop.service import ShopService

Handler = Callable[[ShopService, str, Tracker, CollectingDispatcher], Awaitable[list[EventType]]]

HANDLERS: dict[str, Handler] = {
    "order_status": orders.order_status,
    "logistics_track": orders.logistics_track,
    "urge_delivery": orders.urge_delivery,
    "cancel_order": cancellation.cancel_order,
    "change_address": address.change_address,
    "refund_request": refunds.refund_request,
    "refund_progress": refunds.refund_progress,
    "cancel_refund": refund_withdrawal.cancel_refund,
    "return_goods": after_sales.return_goods,
    "exchange_goods": after_sales.exchange_goods,
    "price_protect": after_sales.price_protect,
    "invoice": invoices.invoice,
}
# Answers belong to one request; the order number stays for follow-ups.
ONE_REQUEST_SLOTS = (
    "request_kind",
    "refund_reason",
    "refund_confirmed",
    "refund_goods",
    "paused_refund",
    "cancel_confirmed",
    "withdraw_confirmed",
    "new_address",
    "address_confirmed",
    "invoice_title",
    "tax_id",
    "amount",
    "tracking_no",
)


class ActionHandleOrderRequest(UsesShop, Action):
    """Answers an order request once ``order_form`` has what it needs."""

    def name(self) -> str:
        """Action name in the domain."""
        return "action_handle_order_request"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Dispatch on ``request_kind``; without one, a parcel or an order lookup."""
        kind = request_of(tracker.get_slot("request_kind"), tracker.get_slot("tracking_no"))
        shopper_id = shopper_id_of(tracker)
        events: list[EventType] = []
        if kind == ABORTED:
            dispatcher.utter_message(response="utter_stopped")
        elif kind == LOGIN_REQUIRED or shopper_id is None:
            dispatcher.utter_message(response="utter_login_required")
        elif kind == NO_REFUNDS:
            dispatcher.utter_message(response="utter_no_refunds")
        elif kind == NOTHING_TO_WITHDRAW:
            dispatcher.utter_message(response="utter_no_refunds_to_withdraw")
        elif kind == PRE_SALE_SHIPPING:
            # Before buying; a shopper who has bought asks on with one tap.
            urge = {"title": "已下单，帮我催发货", "payload": "/urge_delivery"}
            dispatcher.utter_message(response="utter_policy_ship_from", buttons=[urge])
        else:
            try:
                events = await HANDLERS.get(kind, orders.order_status)(
                    self.shop, shopper_id, tracker, dispatcher
                )
            except OrderNotFound:
                order_id = tracker.get_slot("order_id")
                dispatcher.utter_message(response="utter_order_not_found", order_id=order_id)
                events = [SlotSet("order_id", None), SlotSet("order_status", None)]
            else:
                await self._offer_paused_refund(dispatcher, tracker, shopper_id, kind)
        return events + [SlotSet(slot, None) for slot in ONE_REQUEST_SLOTS]

    async def _offer_paused_refund(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, shopper_id: str, kind: str
    ) -> None:
        """A refund set aside for this request (「等等 先问下物流」) is offered again."""
        paused = tracker.get_slot(PAUSED_REFUND)
        if not isinstance(paused, dict) or not paused.get("order_id") or kind == "refund_request":
            return
        try:
            order = await self.shop.order(shopper_id=shopper_id, order_id=paused["order_id"])
        except OrderNotFound:
            return
        dispatcher.utter_message(
            response="utter_refund_resume",
            order_id=order.id,
            buttons=[
                {"title": "继续退款", "payload": resume_words(order, paused)},
                {"title": "不用了", "payload": "/deny"},
            ],
        )
