"""Payment questions: how to pay, or what happens after a payment went wrong."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import question_text
from actions.policy import PAYMENT_METHODS, asks_how_to_pay


class ActionPaymentHelp(Action):
    """Lists the ways to pay, or explains failed and double payments."""

    def name(self) -> str:
        """Action name in the domain."""
        return "action_payment_help"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Answer 「能用花呗吗」 with the ways to pay, anything else as a payment problem."""
        text = question_text(tracker)
        response = PAYMENT_METHODS.response if asks_how_to_pay(text) else "utter_payment_issue"
        dispatcher.utter_message(response=response)
        return []
