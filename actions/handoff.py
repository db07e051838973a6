"""Hand the conversation to a person: signalled as data for the gateway.

The action never talks to the agent queue itself. It sends a custom payload
``{"handoff": {...}}`` that the gateway finds in Rasa's REST reply.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationPaused, EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import latest_intent, latest_text, shopper_id_of
from actions.policy import (
    ACCOUNT_HELP,
    PHONE_LINE,
    SERVICE_HOURS,
    asks_account_help,
    asks_when_people_work,
    topic_of,
)

# intent → (reason, priority, team, what the shopper is told first)
ROUTES: dict[str, tuple[str, str, str, str]] = {
    "emergency": ("emergency", "urgent", "safety", "utter_emergency"),
    "account_security": ("account_security", "high", "security", "utter_account_security"),
    "complaint": ("complaint", "high", "after_sales", "utter_complaint"),
    "request_human": ("requested", "normal", "general", "utter_handoff_started"),
}
FALLBACK_ROUTE = ("bot_not_understanding", "normal", "general", "utter_handoff_started")
# A parcel shown as delivered that the shopper did not get: someone must ask the courier.
PARCEL_MISSING_ROUTE = ("parcel_missing", "high", "after_sales", "utter_parcel_missing")
Route = tuple[str, str, str, str]
SUMMARY_MESSAGES = 5


def recent_user_texts(tracker: Tracker, limit: int = SUMMARY_MESSAGES) -> list[str]:
    """The shopper's last ``limit`` messages as they saw them, oldest first.

    A tapped button reaches Rasa as its payload (「/request_human」); the
    gateway sends the button's title along, which is what the agent should read.
    """
    texts = [
        str((event.get("metadata") or {}).get("title") or event.get("text"))
        for event in tracker.events
        if event.get("event") == "user" and event.get("text")
    ]
    return texts[-limit:]


def handoff_payload(
    tracker: Tracker, intent: str | None, route: Route | None = None
) -> dict[str, Any]:
    """What the agent needs first: why, how urgent, which team, and the gist."""
    reason, priority, team, _ = route or ROUTES.get(intent or "", FALLBACK_ROUTE)
    return {
        "reason": reason,
        "priority": priority,
        "team": team,
        "intent": intent,
        "order_id": tracker.get_slot("order_id"),
        "summary": recent_user_texts(tracker),
    }


def request_agent(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    intent: str | None,
    route: Route | None = None,
    **response_args: Any,
) -> list[EventType]:
    """Tell the shopper a person is coming, signal the gateway, pause the bot.

    ``route`` (reason, priority, team, first reply) overrides the intent's.
    """
    *_, response = route or ROUTES.get(intent or "", FALLBACK_ROUTE)
    dispatcher.utter_message(response=response, **response_args)
    dispatcher.utter_message(json_message={"handoff": handoff_payload(tracker, intent, route)})
    # While paused Rasa records the shopper's messages but does not answer them.
    return [ConversationPaused()]


class ActionRequestAgent(Action):
    """Hands the conversation to a person, with the reason the intent gives."""

    def name(self) -> str:
        """Action name in the domain."""
        return "action_request_agent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Reply by reason, then send the handoff payload; service hours are only told.

        Asked for a phone number, it says there is no phone line and hands the
        chat to a person here. Asked how to log in, with no sign of a stolen
        account, it tells how (a person is a tap away).
        """
        intent = latest_intent(tracker)
        # The raw text: the 转人工 button under the answer must hand off.
        text = latest_text(tracker)
        if intent == "request_human" and asks_when_people_work(text):
            dispatcher.utter_message(response=SERVICE_HOURS.response)
            return []
        if intent == "account_security" and asks_account_help(text):
            # A signed-in shopper is not told to sign in (「登录后再来找我」).
            signed_in = shopper_id_of(tracker) is not None
            response = "utter_account_help_signed_in" if signed_in else ACCOUNT_HELP.response
            dispatcher.utter_message(response=response)
            return []
        if intent == "request_human" and topic_of(text, [PHONE_LINE]):
            dispatcher.utter_message(response=PHONE_LINE.response)
        return request_agent(dispatcher, tracker, intent)
