"""Coupons: the shopper's usable ones, how they work, and what became of one.

「我有哪些优惠券」 lists them; 「满100减10怎么不见了」 tells when that one expired
or was used; 「满300减30我买了367怎么没减」 gives the rules and whether the order
qualified; 「590142忘了用券」 says a coupon cannot be added after the order and
what can be done; 「能便宜点吗」 says prices are fixed and how to save.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.after_sales import after_sales_case
from actions.common import UsesShop, latest_intent, question_text, shopper_id_of
from actions.fallback import FALLBACK_INTENT, ActionHandleFallback
from actions.order_choice import named_by_number
from actions.payments import ActionPaymentHelp
from actions.policy import (
    BARGAINING,
    COUPON_AFTER_THE_ORDER,
    COUPON_NOT_TAKEN,
    COUPON_RULES,
    WHAT_NOW,
    asks_coupon_rules,
    mentions,
)
from actions.responses import response_text
from actions.shop.format import STATUS_LABELS, local_time, yuan
from actions.shop.views import CouponView, OrderView
from actions.text import find_order_id, half_width, simplified

# 「我买了367」: an amount the shopper paid, to find the order by.
_AMOUNT = re.compile(r"\d+(?:\.\d+)?")
# Orders looked through for one of the amount said.
_ORDERS_LOOKED_AT = 20


def coupon_line(coupon: CouponView) -> str:
    """One coupon as a list line: title, value, threshold, expiry."""
    condition = f"满{yuan(coupon.threshold_fen)}减" if coupon.threshold_fen else "无门槛"
    mark = " ⏰即将过期" if coupon.expiring_soon else ""
    return (
        f"· {coupon.title}：{condition}{yuan(coupon.discount_fen)}，"
        f"{local_time(coupon.expires_at)}到期{mark}"
    )


def _plain(text: str) -> str:
    return simplified(half_width(text)).lower().replace(" ", "")


def _names_of(coupon: CouponView) -> list[str]:
    """What a shopper calls a coupon: its title or its terms (「满100减10」, 「5元券」)."""
    off, over = coupon.discount_fen // 100, coupon.threshold_fen // 100
    if coupon.threshold_fen:
        return [_plain(coupon.title), f"满{over}减{off}"]
    return [_plain(coupon.title), f"{off}元券", f"无门槛{off}"]


def _without_names(text: str, coupon: CouponView) -> str:
    """``text`` without the coupon's names, whose numbers are no amount paid."""
    plain = _plain(text)
    for name in sorted(_names_of(coupon), key=len, reverse=True):
        plain = plain.replace(name, " ")
    return plain


def coupon_named(text: str, coupons: Sequence[CouponView]) -> CouponView | None:
    """The coupon ``text`` names; the longest name wins (「满100减10」 over 「满10减1」)."""
    plain = _plain(text)
    named = [(len(n), c) for c in coupons for n in _names_of(c) if n in plain]
    return max(named, key=lambda pair: pair[0])[1] if named else None


def goods_counted(coupon: CouponView, order: OrderView, categories: dict[str, str]) -> int:
    """The order's goods, in fen, that count toward the coupon's threshold (never shipping)."""
    return sum(
        item.subtotal_fen
        for item in order.items
        if coupon.category in (None, categories.get(item.product_id))
    )


def applies_to(coupon: CouponView, order: OrderView, categories: dict[str, str]) -> bool:
    """Whether the coupon could have been used on ``order`` when it was placed."""
    counted = goods_counted(coupon, order, categories)
    valid = coupon.starts_at <= order.created_at <= coupon.expires_at
    return valid and counted > 0 and counted >= coupon.threshold_fen


def goods_total(order: OrderView) -> int:
    """What the order's goods cost, in fen."""
    return sum(item.subtotal_fen for item in order.items)


def order_of_amount(text: str, orders: Sequence[OrderView]) -> OrderView | None:
    """The one order whose goods cost an amount ``text`` says (「我买了367」), to the yuan."""
    said = [float(n) * 100 for n in _AMOUNT.findall(half_width(text))]
    found = [
        o
        for o in orders
        if o.status != "cancelled" and any(abs(goods_total(o) - fen) < 100 for fen in said)
    ]
    return found[0] if len(found) == 1 else None


class ActionListCoupons(UsesShop, Action):
    """Lists usable coupons from the shop database, or answers a question about them."""

    def name(self) -> str:
        """Action name in the domain."""
        return "action_list_coupons"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Answer what the words ask about coupons; else list them or ask to log in.

        Right after the list, a message read as something else (「为什么用不了」: a no,
        a payment problem or not understood) comes here too: the rules if it asks
        for them, else what its own intent would have got.
        """
        text, intent = question_text(tracker), latest_intent(tracker)
        shopper_id = shopper_id_of(tracker)
        if shopper_id is not None:
            before = _question_before(tracker) or ""
            if intent == FALLBACK_INTENT and mentions(text, WHAT_NOW):
                if mentions(before, COUPON_AFTER_THE_ORDER):
                    text = before  # 「那怎么办」 after 「忘了用券」: what can be done, again
            answered = await self._about_coupons(dispatcher, shopper_id, text, domain)
            if answered is not None:
                return answered
        if asks_coupon_rules(text):
            dispatcher.utter_message(response=COUPON_RULES.response)
            return []
        if intent == "deny":
            dispatcher.utter_message(response="utter_anything_else")
            return []
        if intent == "payment_issue":
            return await ActionPaymentHelp().run(dispatcher, tracker, domain)
        if intent == FALLBACK_INTENT:
            return await ActionHandleFallback(shop=self.shop).run(dispatcher, tracker, domain)
        if shopper_id is None:
            general = "utter_coupon_no_bargaining" if mentions(text, BARGAINING) else None
            dispatcher.utter_message(response=general or "utter_login_required")
            return []
        await self._list(dispatcher, shopper_id)
        return []

    async def _about_coupons(
        self, dispatcher: CollectingDispatcher, shopper_id: str, text: str, domain: DomainDict
    ) -> list[EventType] | None:
        """The answer to a question about one coupon, an order or the price; None if none."""
        if mentions(text, COUPON_AFTER_THE_ORDER):
            return await self._after_the_order(dispatcher, shopper_id, text)
        coupon = coupon_named(text, await self.shop.coupons(shopper_id=shopper_id))
        if coupon is not None and (coupon.used_at or coupon.expires_at <= self.shop.now()):
            await self._gone(dispatcher, shopper_id, coupon)
            return []
        if coupon is not None and mentions(text, COUPON_NOT_TAKEN):
            await self._not_taken(dispatcher, shopper_id, coupon, text)
            return []
        if mentions(text, BARGAINING):
            await self._ways_to_save(dispatcher, shopper_id, domain)
            return []
        return None

    async def _list(self, dispatcher: CollectingDispatcher, shopper_id: str) -> None:
        coupons = await self.shop.usable_coupons(shopper_id=shopper_id)
        if not coupons:
            dispatcher.utter_message(response="utter_no_coupons")
            return
        dispatcher.utter_message(
            response="utter_coupons", coupons="\n".join(coupon_line(c) for c in coupons)
        )

    async def _gone(
        self, dispatcher: CollectingDispatcher, shopper_id: str, coupon: CouponView
    ) -> None:
        """「满100减10怎么不见了」: when it expired or was used, then what is usable now."""
        if coupon.used_at is not None:
            dispatcher.utter_message(
                response="utter_coupon_used", title=coupon.title, used=local_time(coupon.used_at)
            )
        else:
            dispatcher.utter_message(
                response="utter_coupon_expired",
                title=coupon.title,
                expired=local_time(coupon.expires_at),
            )
        await self._list(dispatcher, shopper_id)

    async def _not_taken(
        self, dispatcher: CollectingDispatcher, shopper_id: str, coupon: CouponView, text: str
    ) -> None:
        """「满300减30我买了367怎么没减」: the rules, and whether the order qualified."""
        dispatcher.utter_message(response=COUPON_RULES.response)
        if coupon.category:
            dispatcher.utter_message(
                response="utter_coupon_category_only", title=coupon.title, category=coupon.category
            )
        order = await self._order_meant(shopper_id, _without_names(text, coupon))
        if order is None:
            return
        categories = await self._categories(order)
        if not applies_to(coupon, order, categories):
            dispatcher.utter_message(
                response="utter_coupon_order_below",
                order_id=order.id,
                title=coupon.title,
                counted=yuan(goods_counted(coupon, order, categories)),
                threshold=yuan(coupon.threshold_fen),
            )
            return
        # Qualified, and the coupon is still unused: it was not applied. A person checks;
        # no refund of the difference is promised.
        dispatcher.utter_message(
            response="utter_coupon_missed",
            order_id=order.id,
            title=coupon.title,
            counted=yuan(goods_counted(coupon, order, categories)),
        )

    async def _after_the_order(
        self, dispatcher: CollectingDispatcher, shopper_id: str, text: str
    ) -> list[EventType]:
        """「590142忘了用券」: no coupon after the order; an unshipped one may be placed again."""
        order = await self._order_meant(shopper_id, text)
        if order is None:
            dispatcher.utter_message(response="utter_coupon_after_order")
            return []
        if after_sales_case(order, self.shop.now()) != "not_shipped":
            dispatcher.utter_message(
                response="utter_coupon_after_order_too_late",
                order_id=order.id,
                status=STATUS_LABELS[order.status],
            )
            return []
        categories = await self._categories(order)
        usable = await self.shop.usable_coupons(shopper_id=shopper_id)
        fitting = [
            c for c in usable if goods_counted(c, order, categories) >= max(c.threshold_fen, 1)
        ]
        if not fitting:
            dispatcher.utter_message(
                response="utter_coupon_after_order_none_fits", order_id=order.id
            )
            return []
        best = max(fitting, key=lambda c: c.discount_fen)
        dispatcher.utter_message(
            response="utter_coupon_after_order_unshipped", order_id=order.id, title=best.title
        )
        # Its 「取消订单」 button cancels this order: the order is kept for the follow-up.
        return [SlotSet("order_id", order.id), SlotSet("order_status", order.status)]

    async def _ways_to_save(
        self, dispatcher: CollectingDispatcher, shopper_id: str, domain: DomainDict
    ) -> None:
        """「能便宜点吗」: prices are fixed; the shopper's coupons, points and tier save money.

        One message: the shop's own texts (the benefits, no coupons) are read from the domain.
        """
        shopper = await self.shop.shopper(shopper_id)
        if shopper is None:
            dispatcher.utter_message(response="utter_coupon_no_bargaining")
            return
        coupons = await self.shop.usable_coupons(shopper_id=shopper_id)
        none = response_text(domain, "utter_no_coupons") or ""
        dispatcher.utter_message(
            response="utter_coupon_ways_to_save",
            coupons="\n".join(coupon_line(c) for c in coupons) or f"· {none}",
            points=shopper.points,
            worth=yuan(shopper.points // 100 * 100),  # 100 points take off ¥1
            benefits=response_text(domain, f"utter_membership_benefits_{shopper.tier}") or "",
        )

    async def _order_meant(self, shopper_id: str, text: str) -> OrderView | None:
        """The order ``text`` names by number (「590142」) or by what was paid (「买了367」)."""
        orders = await self.shop.recent_orders(shopper_id=shopper_id, limit=_ORDERS_LOOKED_AT)
        full = find_order_id(text)
        named = next((o for o in orders if o.id == full), None) or named_by_number(text, orders)
        return named or order_of_amount(text, orders)

    async def _categories(self, order: OrderView) -> dict[str, str]:
        products = await self.shop.products({item.product_id for item in order.items})
        return {p.id: p.category for p in products}


def _question_before(tracker: Tracker) -> str | None:
    """The shopper's words before the latest message."""
    said = [e for e in tracker.events if e.get("event") == "user"]
    earlier = [str(e.get("text") or "") for e in said[:-1]]
    return next((t for t in reversed(earlier) if t and not t.startswith("/")), None)
