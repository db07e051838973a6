"""The order form's questions: which order, and the confirmations before a change.

Each asks once per message, in one short line when it has asked before, so a
shopper never gets the same question twice in a row.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import UsesShop, latest_intent, latest_text, question_text, shopper_id_of
from actions.order_form import REQUEST_KINDS, corrects, declined_the_proposed_order
from actions.order_offer import (
    ORDER_QUESTIONS,
    RECENT_ORDERS_SCANNED,
    AskedOrder,
    Offer,
    asked_order,
    in_shown_order,
    offer_for,
)
from actions.policy import policy_asked_with
from actions.refund_goods import goods_of, goods_text, request_texts
from actions.refunds import amount_fen
from actions.shop.format import STATUS_LABELS, TIER_LABELS, yuan
from actions.shop.policy import FAST_TRACK_TIERS, goods_share
from actions.shop.service import ShopService
from actions.shop.views import OrderView
from actions.text import split_contact

# Replies to a wrong order number, which ask for another themselves.
ORDER_NUMBER_REFUSED = frozenset({"utter_order_id_invalid", "utter_order_not_found"})
# A refund of goods on their way: the parcel still comes unless it is refused.
_IN_TRANSIT_NOTE = "包裹还在路上，退款后快递送到时请直接拒收。"
# 极速退款: approved on the spot.
_FINAL_NOTE = "您是{tier}，享受极速退款：确认后立即退款{closes}，不能撤销。"
# Some of its goods: the parcel is still to be signed for, with the goods refunded in it.
_IN_TRANSIT_PART_NOTE = (
    "包裹还在路上，其他商品照常送到，请正常签收；"
    "{items}请保留好原包装，商家审核时会告诉您是否需要寄回。"
)


def asked_since_the_shopper_spoke(tracker: Tracker) -> bool:
    """Whether the bot already asked which order in answer to the latest message.

    The fallback does (「我还不确定是哪一笔订单」), and so does the refusal of an
    order number (「没有在您的账号下找到订单…请核对」), before the form asks again.
    """
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        utter = (event.get("metadata") or {}).get("utter_action")
        if event.get("event") == "bot" and utter in ORDER_QUESTIONS | ORDER_NUMBER_REFUSED:
            return True
    return False


def question_for(offer: Offer) -> str:
    """「是下面第一笔订单吗」, 「下面是可以办理的订单」 or 「请点选下面最近的订单」."""
    if offer.named:
        return "utter_ask_order_id_named"
    return "utter_ask_order_id_fitting" if offer.fitting else "utter_ask_order_id_choose"


def order_buttons(orders: list[OrderView]) -> list[dict[str, str]]:
    """One button per order: its short number, goods and status."""
    return [
        {
            "title": f"{o.id[-6:]} · {o.item_summary} · {STATUS_LABELS[o.status]}",
            "payload": f'/inform{{"order_id":"{o.id}"}}',
        }
        for o in orders
    ]


async def ask_about_the_named_order(
    shop: ShopService, dispatcher: CollectingDispatcher, tracker: Tracker
) -> bool:
    """Details instead of the order that name its goods (「耳机左耳没声音了」): offer it.

    Returns whether it asked 「是下面第一笔订单吗」; if not, nothing was said.
    """
    offer = await offer_for(shop, tracker, question_text(tracker))  # 「耳机没声音想退货」
    if offer.named:
        dispatcher.utter_message(
            response="utter_ask_order_id_named", buttons=order_buttons(offer.orders)
        )
    return offer.named


class ActionAskOrderId(UsesShop, Action):
    """Asks which order, offering the shopper's recent orders as buttons.

    Back from a digression (「能用花呗吗」 answered in the middle of the form)
    it asks again in one short line instead of repeating the whole list.
    """

    def name(self) -> str:
        """Action name in the domain."""
        return "action_ask_order_id"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Offer up to five recent orders, or ask for the number."""
        if asked_since_the_shopper_spoke(tracker):
            return []  # one question per message is enough
        intent = latest_intent(tracker)
        asked = asked_order(tracker.events)
        if asked.question is not None and intent not in REQUEST_KINDS:
            await self._ask_again(dispatcher, tracker, intent, asked)
            return []
        policy = policy_asked_with(tracker.get_slot("request_kind"), question_text(tracker))
        if policy is not None:  # 「可以开专票吗」: answered before the order is asked for
            dispatcher.utter_message(response=policy.response)
        offer = await offer_for(self.shop, tracker, question_text(tracker))
        if not offer.orders:
            dispatcher.utter_message(response="utter_ask_order_id")
            return []
        dispatcher.utter_message(response=question_for(offer), buttons=order_buttons(offer.orders))
        return []

    async def _ask_again(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        intent: str | None,
        asked: AskedOrder,
    ) -> None:
        """After 「不是」 to the order proposed, the others; after a digression, a
        short reminder; after details (or a correction, 「发错了」) it could not
        use as an order, say so, unless they name the order's goods.
        """
        details = intent == "inform" or (intent == "deny" and corrects(latest_text(tracker)))
        if declined_the_proposed_order(tracker):
            recent = await self.shop.recent_orders(
                shopper_id=shopper_id_of(tracker), limit=RECENT_ORDERS_SCANNED
            )
            others = in_shown_order(recent, asked.shown[1:])
            if others:
                dispatcher.utter_message(
                    response="utter_ask_order_id_other", buttons=order_buttons(others)
                )
            else:
                dispatcher.utter_message(response="utter_ask_order_id")
        elif not details:
            dispatcher.utter_message(response="utter_ask_again")
        elif not await ask_about_the_named_order(self.shop, dispatcher, tracker):
            dispatcher.utter_message(response="utter_which_order_not_understood")


class ActionAskCancelConfirmed(UsesShop, Action):
    """Shows the order before asking to confirm its cancellation."""

    def name(self) -> str:
        """Action name in the domain."""
        return "action_ask_cancel_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Ask 「确认取消吗？」 with the order's items and total."""
        order = await self.shop.order(
            shopper_id=shopper_id_of(tracker), order_id=tracker.get_slot("order_id")
        )
        dispatcher.utter_message(
            response="utter_ask_cancel_confirmed",
            order_id=order.id,
            items=order.item_summary,
            total=yuan(order.total_fen),
        )
        return []


class ActionAskRefundConfirmed(UsesShop, Action):
    """Shows what will be refunded before any money moves."""

    def name(self) -> str:
        """Action name in the domain."""
        return "action_ask_refund_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Ask 「确认退款吗？」 with the order's goods, the amount and the reason."""
        order = await self.shop.order(
            shopper_id=shopper_id_of(tracker), order_id=tracker.get_slot("order_id")
        )
        goods = goods_of(tracker.get_slot("refund_goods"))
        if not goods:
            await _say_goods_not_in(self.shop, dispatcher, order, request_texts(tracker))
        share = goods_share(order, goods)
        amount = amount_fen(tracker.get_slot("amount")) or share
        events: list[EventType] = []
        if amount > share:
            # Said before it is filed: what is asked to confirm is what may be refunded.
            dispatcher.utter_message(
                response="utter_refund_amount_too_high",
                what="所选商品的" if goods else "订单",
                total=yuan(share),
            )
            amount, events = share, [SlotSet("amount", None)]
        whole = amount >= order.total_fen
        dispatcher.utter_message(
            response="utter_ask_refund_confirmed",
            order_id=order.id,
            items=goods_text(order, goods),
            amount=yuan(amount),
            reason=tracker.get_slot("refund_reason"),
            note=_in_transit_note(order, goods, whole)
            + await self._final_note(tracker, order, whole),
        )
        return events

    async def _final_note(self, tracker: Tracker, order: OrderView, whole: bool) -> str:
        """极速退款 is approved the moment it is confirmed: say so before, not after (it
        cannot be withdrawn, and an unshipped order refunded in full is closed)."""
        shopper = await self.shop.shopper(shopper_id_of(tracker) or "")
        if shopper is None or shopper.tier not in FAST_TRACK_TIERS:
            return ""
        closes = "，订单会关闭、不再发货" if whole and order.status == "paid" else ""
        return _FINAL_NOTE.format(tier=TIER_LABELS[shopper.tier], closes=closes)


def _in_transit_note(order: OrderView, goods: dict[str, int], whole: bool) -> str:
    """What to do with a parcel on its way: refuse it when all of it is refunded; sign
    for it and keep the goods refunded when only they are (refusing it would lose the
    rest). A sum off the price (「退20元」) changes nothing about the parcel."""
    if order.status != "shipped":
        return ""
    if whole:
        return _IN_TRANSIT_NOTE
    return _IN_TRANSIT_PART_NOTE.format(items=goods_text(order, goods)) if goods else ""


async def _say_goods_not_in(
    shop: ShopService, dispatcher: CollectingDispatcher, order: OrderView, texts: list[str]
) -> None:
    """「只退口红」 for an order without lipstick: say so before offering the whole order."""
    named = await shop.match_products(" ".join(texts), limit=5)
    held = {item.product_id for item in order.items}
    if named and not any(product.id in held for product in named):
        dispatcher.utter_message(
            response="utter_refund_goods_not_in_order",
            order_id=order.id,
            named="、".join(product.name for product in named),
        )


class ActionAskAddressConfirmed(UsesShop, Action):
    """Repeats the new address back, as it will be written, before changing it."""

    def name(self) -> str:
        """Action name in the domain."""
        return "action_ask_address_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Ask to confirm the address, receiver and phone as understood.

        The receiver and phone read out of the text are shown apart from the
        address, and the order's own where none was given, so a misreading
        (「谢谢」 as the receiver) can be seen and refused.
        """
        order = await self.shop.order(
            shopper_id=shopper_id_of(tracker), order_id=tracker.get_slot("order_id")
        )
        contact = split_contact(tracker.get_slot("new_address") or "")
        dispatcher.utter_message(
            response="utter_ask_address_confirmed",
            order_id=order.id,
            new_address=contact.address,
            receiver=contact.receiver or order.receiver,
            phone=contact.phone or order.receiver_phone,
        )
        return []
