"""Returns, exchanges and price protection: what the shopper can do with an order."""

from __future__ import annotations

from datetime import datetime, timedelta

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import latest_intent, question_text, request_text
from actions.policy import RETURN_QUESTIONS, RETURN_WINDOW_START, Topic, topic_of
from actions.refund_goods import goods_named, goods_text, refund_words
from actions.shop.errors import InvalidOrderState
from actions.shop.format import REFUND_STATUS_LABELS, STATUS_LABELS, local_time, yuan
from actions.shop.policy import RETURN_STATES, refunded_in_full
from actions.shop.service import ShopService
from actions.shop.store import ACTIVE_REFUND_STATUSES
from actions.shop.views import OrderView

RETURN_WINDOW = timedelta(days=7)  # 七天无理由退货
# Answers that say who pays the return postage: platinum members pay none.
POSTAGE_ANSWERS = frozenset({"utter_policy_returns", "utter_policy_return_pickup"})
CASES = ("eligible", "in_transit", "not_shipped", "cancelled", "expired")
# What the bot says of an order's return, and of returns in general.
ORDER_ANSWERS = frozenset(
    {f"utter_return_{case}" for case in CASES}
    | {"utter_return_not_shipped_some", "utter_return_refunded", "utter_return_window_of_order"}
)
RETURN_ANSWERS = (
    ORDER_ANSWERS
    | {topic.response for topic in RETURN_QUESTIONS}
    | {"utter_return_postage_free_platinum"}
)


def about_a_return(tracker: Tracker) -> bool:
    """Whether the conversation is on a return: one asked for, or the bot's last answer."""
    if tracker.get_slot("request_kind") == "return_goods":
        return True
    said = [e for e in tracker.events if e.get("event") == "bot"]
    last = (said[-1].get("metadata") or {}).get("utter_action") if said else None
    return last in RETURN_ANSWERS


async def answer_return_question(
    topic: Topic,
    shop: ShopService,
    shopper_id: str | None,
    dispatcher: CollectingDispatcher,
    order: OrderView | None = None,
) -> None:
    """A return's policy question (「退货地址是啥」), with the order's dates and the tier."""
    if topic is RETURN_WINDOW_START and order is not None and order.delivered_at is not None:
        dispatcher.utter_message(
            response="utter_return_window_of_order",
            order_id=order.id,
            delivered=local_time(order.delivered_at),
            deadline=local_time(order.delivered_at + RETURN_WINDOW),
        )
    else:
        dispatcher.utter_message(response=topic.response)
    if topic.response in POSTAGE_ANSWERS and shopper_id is not None:
        shopper = await shop.shopper(shopper_id)
        if shopper is not None and shopper.tier == "platinum":
            dispatcher.utter_message(response="utter_return_postage_free_platinum")


def _answered_before(tracker: Tracker, order_id: str) -> bool:
    """Whether this order's return answer was already given (so it is not looped)."""
    for event in tracker.events:
        action = (event.get("metadata") or {}).get("utter_action")
        if event.get("event") == "bot" and action in ORDER_ANSWERS:
            if order_id in str(event.get("text") or ""):
                return True
    return False


def after_sales_case(order: OrderView, now: datetime) -> str:
    """Which after-sales answer fits: eligible, in_transit, not_shipped, cancelled or expired."""
    if order.status == "cancelled":
        return "cancelled"
    if order.status in ("pending_payment", "paid"):
        return "not_shipped"
    if order.status not in RETURN_STATES or order.delivered_at is None:
        return "in_transit"
    return "eligible" if now - order.delivered_at <= RETURN_WINDOW else "expired"


async def _after_sales(
    kind: str,
    shop: ShopService,
    shopper_id: str,
    tracker: Tracker,
    dispatcher: CollectingDispatcher,
) -> list[EventType]:
    order = await shop.order(shopper_id=shopper_id, order_id=tracker.get_slot("order_id"))
    asking = kind == "return" and latest_intent(tracker) == "return_goods"
    asked = topic_of(question_text(tracker), RETURN_QUESTIONS) if asking else None
    if asked is not None:
        # 「退货地址是啥」 with the order known: the question, and the order's answer once.
        await answer_return_question(asked, shop, shopper_id, dispatcher, order)
        if _answered_before(tracker, order.id):
            return []
    refunds = await shop.refunds(shopper_id=shopper_id, order_id=order.id)
    active = [r for r in refunds if r.status in ACTIVE_REFUND_STATUSES]
    if active and refunded_in_full(active, order):
        # All the money is (being) given back: nothing to send back or swap.
        dispatcher.utter_message(
            response=f"utter_{kind}_refunded",
            order_id=order.id,
            refund_status=REFUND_STATUS_LABELS[active[0].status],
        )
        return []
    case = after_sales_case(order, shop.now())
    if kind == "return" and case == "not_shipped" and order.status == "paid":
        goods = await goods_named(shop, order, [request_text(tracker, "return_goods")])
        if goods:
            # 「退1包就行」 before shipping: refund that part; cancelling refunds it all.
            dispatcher.utter_message(
                response="utter_return_not_shipped_some",
                order_id=order.id,
                goods=goods_text(order, goods),
                buttons=[
                    {"title": "只退这部分", "payload": refund_words(order, goods)},
                    {"title": "取消整单", "payload": "/cancel_order"},
                ],
            )
            return []
    deadline = local_time(order.delivered_at + RETURN_WINDOW) if order.delivered_at else ""
    dispatcher.utter_message(
        response=f"utter_{kind}_{case}",
        order_id=order.id,
        status=STATUS_LABELS[order.status],
        deadline=deadline,
    )
    return []


async def return_goods(
    shop: ShopService, shopper_id: str, tracker: Tracker, dispatcher: CollectingDispatcher
) -> list[EventType]:
    """「我要退货」: whether 七天无理由 applies and how to send it back."""
    return await _after_sales("return", shop, shopper_id, tracker, dispatcher)


async def exchange_goods(
    shop: ShopService, shopper_id: str, tracker: Tracker, dispatcher: CollectingDispatcher
) -> list[EventType]:
    """「换个码」: whether the order can be exchanged and how."""
    return await _after_sales("exchange", shop, shopper_id, tracker, dispatcher)


async def price_protect(
    shop: ShopService, shopper_id: str, tracker: Tracker, dispatcher: CollectingDispatcher
) -> list[EventType]:
    """「买完就降价」: compare paid prices with today's and report the difference."""
    order_id = tracker.get_slot("order_id")
    try:
        drops = await shop.price_protect(shopper_id=shopper_id, order_id=order_id)
    except InvalidOrderState as exc:
        if exc.reason == "too_late":
            dispatcher.utter_message(response="utter_price_protect_too_late", order_id=order_id)
        elif exc.reason == "refunded":
            dispatcher.utter_message(response="utter_price_protect_refunded", order_id=order_id)
        else:
            dispatcher.utter_message(
                response="utter_price_protect_not_allowed",
                order_id=order_id,
                status=STATUS_LABELS[exc.status],
            )
        return []
    if not drops:
        dispatcher.utter_message(response="utter_price_protect_none", order_id=order_id)
        return []
    dispatcher.utter_message(
        response="utter_price_protect_found",
        order_id=order_id,
        items="、".join(f"{item.name} {yuan(diff)}" for item, diff in drops),
        total=yuan(sum(diff for _, diff in drops)),
    )
    return []
