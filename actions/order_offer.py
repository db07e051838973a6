"""Which of the shopper's orders the question 「是哪一笔订单」 offers, and what it showed.

A request the shop carries out only in some states (取消 before shipping, 退货
after delivery) offers the orders in those states, so a shopper who wants to
cancel is not shown the lipstick delivered last week; with none in those
states the recent orders are offered and the request's handler says why not.
A typed reply (「第二个」, 「好的」) is read against the buttons the shopper saw.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Tracker

from actions.common import question_text, shopper_id_of
from actions.order_choice import orders_with
from actions.policy import says_not_received
from actions.shop.policy import (
    ADDRESS_STATES,
    CANCEL_STATES,
    INVOICE_STATES,
    PRICE_PROTECT_STATES,
    REFUND_STATES,
    RETURN_STATES,
    URGE_STATES,
    nothing_left_to_refund,
    past_refund_window,
)
from actions.shop.service import ShopService
from actions.shop.store import ACTIVE_REFUND_STATUSES
from actions.shop.views import OrderView, ProductView

# How many orders the question offers as buttons.
OFFERED_ORDERS = 5
# How far back the orders that fit a request are looked for.
RECENT_ORDERS_SCANNED = 20
# The order states a request can be carried out in (the shop's rules): only
# then does the order form ask for the request's details, and only orders in
# them are offered while there are any.
REQUEST_STATES = {
    "cancel_order": CANCEL_STATES,
    "change_address": ADDRESS_STATES,
    "refund_request": REFUND_STATES,
    "cancel_refund": REFUND_STATES | {"cancelled"},
    "invoice": INVOICE_STATES,
    "price_protect": PRICE_PROTECT_STATES,
    "urge_delivery": URGE_STATES,
    "return_goods": RETURN_STATES,
    "exchange_goods": RETURN_STATES,
}
# Refunds a withdrawal may be asked of (an approved one is answered: too late).
IN_PROGRESS_REFUNDS = frozenset({"pending_review", "approved"})
PARCEL_MISSING = "parcel_missing"
LOOKUP_KINDS = ("order_status", "logistics_track")
# 「到哪了」 is asked of orders paid for and not long delivered.
OFFER_STATES = {
    **REQUEST_STATES,
    "logistics_track": frozenset({"paid", "shipped", "delivered"}),
    # 「显示签收了但我没收到」: only a delivered parcel can be missing.
    PARCEL_MISSING: frozenset({"delivered", "completed"}),
}
NAMED_QUESTION = "utter_ask_order_id_named"
# The bot's questions for the order: their buttons are what a typed reply picks from.
ORDER_QUESTIONS = frozenset(
    {
        "utter_ask_order_id", "utter_ask_order_id_choose", "utter_ask_order_id_fitting",
        NAMED_QUESTION, "utter_ask_order_id_other", "utter_ask_again",
        "utter_which_order_not_understood",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Offer:
    """The orders to offer, newest first unless ``named`` put one ahead."""

    orders: list[OrderView]
    #: The first order holds the goods the message names: 「是下面第一笔订单吗」.
    named: bool = False
    #: Only orders the request can be carried out for are offered.
    fitting: bool = False


async def offer_for(shop: ShopService, tracker: Tracker, goods_text: str) -> Offer:
    """The shopper's orders to offer for the tracker's request.

    ``goods_text`` is where goods may be named: the request, or a typed reply.
    A refund is not offered for an order that has one already; a withdrawal
    only for orders with a refund in progress.
    """
    shopper_id = shopper_id_of(tracker)
    if not shopper_id:
        return Offer([])
    recent = await shop.recent_orders(shopper_id=shopper_id, limit=RECENT_ORDERS_SCANNED)
    named = await shop.match_products(goods_text)
    return await offer_among(shop, tracker, recent, named)


async def offer_among(
    shop: ShopService,
    tracker: Tracker,
    recent: Sequence[OrderView],
    named_goods: Iterable[ProductView],
) -> Offer:
    """:func:`offer_for` with the shopper's ``recent`` orders and the goods named already read."""
    kind = tracker.get_slot("request_kind")
    if kind in LOOKUP_KINDS and says_not_received(question_text(tracker)):
        return make_offer(recent, PARCEL_MISSING, named_goods)
    if kind not in ("refund_request", "cancel_refund", "refund_progress"):
        return make_offer(recent, kind, named_goods)
    refunds = await shop.refunds(shopper_id=shopper_id_of(tracker))
    if kind == "cancel_refund":
        withdrawable = {r.order_id for r in refunds if r.status in IN_PROGRESS_REFUNDS}
        return make_offer([o for o in recent if o.id in withdrawable], kind, named_goods)
    if kind == "refund_progress":  # 「我的退款呢」: only orders that have one
        refunded = {r.order_id for r in refunds}
        return make_offer([o for o in recent if o.id in refunded], kind, named_goods)
    active = [r for r in refunds if r.status in ACTIVE_REFUND_STATUSES]
    # An order with single goods refunded still has the others to refund.
    refunded = {o.id for o in recent if nothing_left_to_refund(o, active)}
    # A completed order past the refund window is no more 「可以办理」 than a refunded one.
    expired = {o.id for o in recent if past_refund_window(o, shop.now())}
    return make_offer(recent, kind, named_goods, done=refunded | expired)


def make_offer(
    recent: Sequence[OrderView],
    kind: str | None,
    named_goods: Iterable[ProductView] = (),
    done: Iterable[str] = (),
) -> Offer:
    """Up to ``OFFERED_ORDERS`` of ``recent`` (newest first) for a request of ``kind``.

    The one order holding the goods named comes first whatever its state (its
    handler says if the request cannot be done); the others are those that fit
    the request, if any do: in a state that allows it, and not among ``done``
    (orders the request was made for already).
    """
    allowed = OFFER_STATES.get(str(kind))
    finished = set(done)
    fitting = [
        o for o in recent if allowed is not None and o.status in allowed and o.id not in finished
    ]
    candidates = fitting or list(recent)
    named = orders_with(recent, named_goods)
    if len(named) == 1:
        rest = [o for o in candidates if o is not named[0]]
        return Offer(named + rest[: OFFERED_ORDERS - 1], named=True, fitting=bool(fitting))
    return Offer(candidates[:OFFERED_ORDERS], fitting=bool(fitting))


@dataclass(frozen=True)
class AskedOrder:
    """The latest 「是哪一笔订单」 of this run of the order form, as the shopper saw it."""

    question: str | None = None
    #: The order numbers on the buttons of the latest question that had any.
    shown: tuple[str, ...] = ()

    @property
    def proposed(self) -> str | None:
        """The order 「是下面第一笔订单吗」 asked to confirm, if that was the question."""
        return self.shown[0] if self.question == NAMED_QUESTION and self.shown else None


def asked_order(events: Sequence[dict[str, Any]]) -> AskedOrder:
    """What the order form last asked for the order since it started."""
    question = None
    for event in reversed(events):
        if event.get("event") == "active_loop":
            break
        utter = (event.get("metadata") or {}).get("utter_action")
        if event.get("event") != "bot" or utter not in ORDER_QUESTIONS:
            continue
        question = question or utter
        shown = order_ids_on(event.get("data") or {})
        if shown:
            return AskedOrder(question, shown)
    return AskedOrder(question)


def order_ids_on(data: dict[str, Any]) -> tuple[str, ...]:
    """The order numbers the buttons of a bot message send (``/inform{"order_id":…}``)."""
    ids = []
    for button in data.get("buttons") or []:
        payload = str(button.get("payload") or "")
        if not payload.startswith("/inform{"):
            continue
        try:
            order_id = json.loads(payload[len("/inform") :]).get("order_id")
        except ValueError:
            continue
        if isinstance(order_id, str):
            ids.append(order_id)
    return tuple(ids)


def in_shown_order(recent: Iterable[OrderView], shown: Sequence[str]) -> list[OrderView]:
    """The orders of ``recent`` that were shown, in the order they were shown."""
    by_id = {o.id: o for o in recent}
    return [by_id[i] for i in shown if i in by_id]
