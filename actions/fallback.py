"""When the bot does not understand: offer its best guesses once, then bring in a person."""

from __future__ import annotations

import os
from collections.abc import Mapping

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import UsesShop
from actions.handoff import request_agent
from actions.order_questions import ask_about_the_named_order
from actions.responses import response_text, suggestion_response
from actions.shop.service import ShopService

FALLBACK_INTENT = "nlu_fallback"
# The last button, when there are others: the shopper wants none of them.
NONE_OF_THEM = "utter_none_of_these"
# Below this the guess is noise; the ranking's confidences are calibrated probabilities.
MIN_SUGGESTION_CONFIDENCE = 0.15
MAX_SUGGESTIONS = 3


def fallbacks_in_a_row(tracker: Tracker) -> int:
    """How many of the latest shopper messages in a row the bot did not understand."""
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent != FALLBACK_INTENT:
            break
        count += 1
    return count


def suggestions(tracker: Tracker, domain: DomainDict) -> list[dict[str, str]]:
    """Buttons for the intents the model thought likely for the latest message, best first.

    An intent is offered only if the domain has its ``utter_suggest_<intent>`` response:
    its text is the button's title (chit-chat and out_of_scope have none). With
    any, the last button hands over to a person (``NONE_OF_THEM``).
    """
    ranking = (tracker.latest_message or {}).get("intent_ranking") or []
    buttons = []
    for entry in ranking:
        name = entry.get("name")
        title = response_text(domain, suggestion_response(name)) if name else None
        if title and (entry.get("confidence") or 0.0) >= MIN_SUGGESTION_CONFIDENCE:
            buttons.append({"title": title, "payload": f"/{name}"})
    if not buttons:
        return []
    none = response_text(domain, NONE_OF_THEM) or "转人工"
    return [*buttons[:MAX_SUGGESTIONS], {"title": none, "payload": "/request_human"}]


def waiting_for_the_order(tracker: Tracker) -> bool:
    """Whether the order form has asked which order and awaits the answer."""
    loop = (tracker.active_loop or {}).get("name")
    return loop == "order_form" and tracker.get_slot("requested_slot") == "order_id"


def fallback_limit(environ: Mapping[str, str] = os.environ) -> int:
    """Fallbacks in a row before handing off (``KEFU_FALLBACKS_BEFORE_HANDOFF``, default 2)."""
    raw = environ.get("KEFU_FALLBACKS_BEFORE_HANDOFF", "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else 2


class ActionHandleFallback(UsesShop, Action):
    """Offers likely intents or asks to rephrase; after ``fallback_limit()`` misses, hands off."""

    def __init__(self, limit: int | None = None, shop: ShopService | None = None) -> None:
        super().__init__(shop)
        self._limit = limit

    def name(self) -> str:
        """Action name in the domain."""
        return "action_handle_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """utter_did_you_mean or utter_default, or a handoff with reason bot_not_understanding."""
        limit = self._limit or fallback_limit()
        if fallbacks_in_a_row(tracker) >= limit:
            return request_agent(dispatcher, tracker, FALLBACK_INTENT)
        if waiting_for_the_order(tracker):
            # The main menu would start another request; the question is still which order.
            if not await ask_about_the_named_order(self.shop, dispatcher, tracker):
                dispatcher.utter_message(response="utter_which_order_not_understood")
            return []
        buttons = suggestions(tracker, domain)
        if buttons:
            dispatcher.utter_message(response="utter_did_you_mean", buttons=buttons)
        else:
            dispatcher.utter_message(response="utter_default")
        return []
