"""Member tier, points and what the tier brings."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import UsesShop, question_text, shopper_id_of
from actions.policy import MEMBERSHIP_RULES, POINTS_RULES, topic_of
from actions.shop.format import TIER_LABELS


class ActionMembershipInfo(UsesShop, Action):
    """Reads the shopper's tier and points from the shop database."""

    def name(self) -> str:
        """Action name in the domain."""
        return "action_membership_info"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Tier, points and benefits, or the rules asked about (how to go up, how
        points work); the general rules when anonymous."""
        shopper_id = shopper_id_of(tracker)
        shopper = await self.shop.shopper(shopper_id) if shopper_id else None
        rules = topic_of(question_text(tracker), [POINTS_RULES, MEMBERSHIP_RULES])
        if shopper is None:
            general = rules.response if rules else "utter_membership_general"
            dispatcher.utter_message(response=general)
            return []
        if rules is None or not _said_before(tracker, "utter_membership"):
            # A second rules question (「怎么升级白金」 after 「积分怎么用」) skips the greeting.
            dispatcher.utter_message(
                response="utter_membership",
                name=shopper.name,
                tier=TIER_LABELS[shopper.tier],
                points=shopper.points,
            )
        more = rules.response if rules else f"utter_membership_benefits_{shopper.tier}"
        dispatcher.utter_message(response=more)
        return []


def _said_before(tracker: Tracker, response: str) -> bool:
    said = (e for e in tracker.events if e.get("event") == "bot")
    return any((e.get("metadata") or {}).get("utter_action") == response for e in said)
