"""What every kefu action shares: who the shopper is and where the shop is."""

from __future__ import annotations

from abc import ABC
from collections.abc import Sequence
from typing import Any

from rasa_sdk import Tracker

from actions.shop.runtime import shop_from_env
from actions.shop.service import ShopService


def shopper_id_of(tracker: Tracker) -> str | None:
    """The shopper the gateway verified, from the latest message's metadata.

    Never taken from what the shopper typed: only the gateway sets metadata.
    """
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    shopper_id = metadata.get("shopper_id")
    if isinstance(shopper_id, str) and shopper_id:
        return shopper_id
    return None


def latest_intent(tracker: Tracker) -> str | None:
    """Name of the intent of the latest user message."""
    intent: dict[str, Any] = (tracker.latest_message or {}).get("intent") or {}
    name = intent.get("name")
    return name if isinstance(name, str) else None


def latest_text(tracker: Tracker) -> str:
    """The latest user message as sent: typed words, or a button's payload."""
    return str((tracker.latest_message or {}).get("text") or "")


def request_text(tracker: Tracker, intent: str) -> str:
    """The words of the latest message read as ``intent`` (the request a form is for)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            parsed = (event.get("parse_data") or {}).get("intent") or {}
            if parsed.get("name") == intent:
                return str(event.get("text") or "")
    return ""


#: The fallback's 「您是不是想问」, whose buttons send an intent without the words.
DID_YOU_MEAN = "utter_did_you_mean"


def suggested_for(events: Sequence[dict[str, Any]]) -> str | None:
    """The words a tapped 「您是不是想问」 button was suggested for, when ``events`` end
    with that tap (``/refund_request``): 「590142 纸尿裤退一包」, with the order and
    the goods the intent alone does not carry. None for any other last message."""
    said = [i for i, e in enumerate(events) if e.get("event") == "user"]
    if len(said) < 2:
        return None
    tap, before = events[said[-1]], events[said[-2]]
    text = str(tap.get("text") or "")
    if not text.startswith("/") or "{" in text:
        return None
    asked = [e for e in events[said[-2] : said[-1]] if e.get("event") == "bot"]
    if not asked or (asked[-1].get("metadata") or {}).get("utter_action") != DID_YOU_MEAN:
        return None
    return str(before.get("text") or "") or None


def request_words(tracker: Tracker) -> str:
    """The latest message's words: typed, or those of the suggestion it tapped."""
    return suggested_for(tracker.events) or latest_text(tracker)


def question_text(tracker: Tracker) -> str:
    """What the shopper asked in words.

    A button (``/product_consult``) only names the intent; the words are in the
    message before it, the one the bot asked 「您是不是想问」 about.
    """
    latest = latest_text(tracker)
    if not latest.startswith("/"):
        return latest
    said = [e for e in tracker.events if e.get("event") == "user"]
    for event in reversed(said[:-1]):
        text = str(event.get("text") or "")
        if not text.startswith("/"):
            return text
    return latest


class UsesShop(ABC):
    """Gives an action the shop service; tests inject one, servers build it from env."""

    def __init__(self, shop: ShopService | None = None) -> None:
        self._shop = shop

    @property
    def shop(self) -> ShopService:
        """The shop data layer."""
        if self._shop is None:
            self._shop = shop_from_env()
        return self._shop
