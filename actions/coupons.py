"""「我有哪些优惠券」: the shopper's usable coupons, soonest to expire first."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import UsesShop, latest_intent, question_text, shopper_id_of
from actions.fallback import FALLBACK_INTENT, ActionHandleFallback
from actions.payments import ActionPaymentHelp
from actions.policy import COUPON_RULES, asks_coupon_rules
from actions.shop.format import local_time, yuan
from actions.shop.views import CouponView


def coupon_line(coupon: CouponView) -> str:
    """One coupon as a list line: title, value, threshold, expiry."""
    condition = f"满{yuan(coupon.threshold_fen)}减" if coupon.threshold_fen else "无门槛"
    mark = " ⏰即将过期" if coupon.expiring_soon else ""
    return (
        f"· {coupon.title}：{condition}{yuan(coupon.discount_fen)}，"
        f"{local_time(coupon.expires_at)}到期{mark}"
    )


class ActionListCoupons(UsesShop, Action):
    """Lists usable coupons from the shop database, or tells how coupons work."""

    def name(self) -> str:
        """Action name in the domain."""
        return "action_list_coupons"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Tell the rules if asked; else list coupons, say there are none, or ask to log in.

        Right after the list, a message read as something else (「为什么用不了」: a no,
        a payment problem or not understood) comes here too: the rules if it asks
        for them, else what its own intent would have got.
        """
        if asks_coupon_rules(question_text(tracker)):
            dispatcher.utter_message(response=COUPON_RULES.response)
            return []
        intent = latest_intent(tracker)
        if intent == "deny":
            dispatcher.utter_message(response="utter_anything_else")
            return []
        if intent == "payment_issue":
            return await ActionPaymentHelp().run(dispatcher, tracker, domain)
        if intent == FALLBACK_INTENT:
            return await ActionHandleFallback(shop=self.shop).run(dispatcher, tracker, domain)
        shopper_id = shopper_id_of(tracker)
        if shopper_id is None:
            dispatcher.utter_message(response="utter_login_required")
            return []
        coupons = await self.shop.usable_coupons(shopper_id=shopper_id)
        if not coupons:
            dispatcher.utter_message(response="utter_no_coupons")
            return []
        dispatcher.utter_message(
            response="utter_coupons", coupons="\n".join(coupon_line(c) for c in coupons)
        )
        return []
