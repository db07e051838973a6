"""When the bot does not understand: ask again once, then bring in a person."""

from __future__ import annotations

import os
from collections.abc import Mapping

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.handoff import request_agent

FALLBACK_INTENT = "nlu_fallback"


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


def fallback_limit(environ: Mapping[str, str] = os.environ) -> int:
    """Fallbacks in a row before handing off (``KEFU_FALLBACKS_BEFORE_HANDOFF``, default 2)."""
    raw = environ.get("KEFU_FALLBACKS_BEFORE_HANDOFF", "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else 2


class ActionHandleFallback(Action):
    """Asks to rephrase; after ``fallback_limit()`` misses in a row, hands off."""

    def __init__(self, limit: int | None = None) -> None:
        self._limit = limit

    def name(self) -> str:
        """Action name in the domain."""
        return "action_handle_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """utter_default, or a handoff with reason bot_not_understanding."""
        limit = self._limit or fallback_limit()
        if fallbacks_in_a_row(tracker) >= limit:
            return request_agent(dispatcher, tracker, FALLBACK_INTENT)
        dispatcher.utter_message(response="utter_default")
        return []
