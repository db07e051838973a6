"""Refund requests (极速退款 for gold members and up) and their progress; withdrawing one
is :mod:`actions.refund_withdrawal`."""

from __future__ import annotations

import re

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.order_offer import IN_PROGRESS_REFUNDS
from actions.refund_goods import goods_of
from actions.shop.errors import (
    InvalidInput,
    InvalidOrderState,
    RefundAlreadyRequested,
)
from actions.shop.format import REFUND_STATUS_LABELS, TIER_LABELS, local_time, yuan
from actions.shop.policy import goods_share
from actions.shop.service import ShopService
from actions.shop.views import RefundView
from actions.text import half_width

_AMOUNT = re.compile(r"(\d+(?:\.\d{1,2})?)")


def amount_fen(text: str | None) -> int | None:
    """「¥128.5」 or 「59元」 in fen, or None."""
    match = _AMOUNT.search(half_width(text or ""))
    return round(float(match.group(1)) * 100) if match else None


_CLOSED = "订单已关闭，不会再发货。"


def refund_line(refund: RefundView) -> str:
    """「· 纯棉圆领T恤 ×1 ¥79.00（已同意，退款中）」, a line of a list of refunds."""
    status = REFUND_STATUS_LABELS[refund.status]
    return f"· {refund.goods or '整单'} {yuan(refund.amount_fen)}（{status}）"


def goods_note(refund: RefundView) -> str:
    """「（纯棉圆领T恤 ×1）」 after the order number for a refund of single goods, else a space."""
    return f"（{refund.goods}）" if refund.goods else " "


async def refund_request(
    shop: ShopService, shopper_id: str, tracker: Tracker, dispatcher: CollectingDispatcher
) -> list[EventType]:
    """File a refund the shopper confirmed; the shop decides between instant approval and review."""
    order_id = tracker.get_slot("order_id")
    if tracker.get_slot("refund_confirmed") is False:
        dispatcher.utter_message(response="utter_refund_kept", order_id=order_id)
        return []
    order = await shop.order(shopper_id=shopper_id, order_id=order_id)
    reason = tracker.get_slot("refund_reason")
    goods = goods_of(tracker.get_slot("refund_goods"))
    try:
        refund = await shop.request_refund(
            shopper_id=shopper_id,
            order_id=order_id,
            reason=reason or "",
            amount_fen=amount_fen(tracker.get_slot("amount")),
            goods=goods,
        )
    except RefundAlreadyRequested as exc:
        dispatcher.utter_message(
            response="utter_refund_already",
            order_id=order_id,
            goods=goods_note(exc.refund),
            refund_status=REFUND_STATUS_LABELS[exc.refund.status],
        )
        return []
    except InvalidOrderState as exc:
        if order.status == "pending_payment":
            response = "utter_refund_not_paid"
        elif exc.reason == "too_late":
            response = "utter_refund_too_late"
        else:
            response = "utter_refund_not_allowed"
        dispatcher.utter_message(response=response, order_id=order_id)
        return []
    except InvalidInput:
        dispatcher.utter_message(
            response="utter_refund_amount_too_high",
            what="所选商品的" if goods else "订单",
            total=yuan(goods_share(order, goods)),
        )
        return []
    if refund.fast_track:
        shopper = await shop.shopper(shopper_id)
        after = await shop.order(shopper_id=shopper_id, order_id=order_id)
        dispatcher.utter_message(
            response="utter_refund_fast_approved",
            order_id=order_id,
            goods=goods_note(refund),
            amount=yuan(refund.amount_fen),
            tier=TIER_LABELS[shopper.tier] if shopper else "",
            # All of an unshipped order refunded: the shop closed it, nothing ships.
            closed=_CLOSED if after.status != order.status == "paid" else "",
        )
    else:
        dispatcher.utter_message(
            response="utter_refund_pending_review",
            order_id=order_id,
            goods=goods_note(refund),
            amount=yuan(refund.amount_fen),
            reason=refund.reason,
        )
    return []


async def refund_progress(
    shop: ShopService, shopper_id: str, tracker: Tracker, dispatcher: CollectingDispatcher
) -> list[EventType]:
    """「退款到哪了」: the order's newest refund and its state, and every other one in progress
    (a refund of single goods each)."""
    order_id = tracker.get_slot("order_id")
    refunds = await shop.refunds(shopper_id=shopper_id, order_id=order_id)
    if not refunds:
        order = await shop.order(shopper_id=shopper_id, order_id=order_id)
        # Cancelled before it was paid: nothing was taken, so nothing comes back (it
        # offered to file a refund of it).
        unpaid = order.status == "cancelled" and order.paid_at is None
        response = "utter_no_refund_never_paid" if unpaid else "utter_no_refund"
        dispatcher.utter_message(response=response, order_id=order_id)
        return []
    others = [r for r in refunds[1:] if r.status in IN_PROGRESS_REFUNDS and r.goods]
    for refund in (refunds[0], *others):
        dispatcher.utter_message(
            response=f"utter_refund_progress_{refund.status}",
            order_id=order_id,
            goods=goods_note(refund),
            amount=yuan(refund.amount_fen),
            refund_status=REFUND_STATUS_LABELS[refund.status],
            created=local_time(refund.created_at),
        )
    return []
