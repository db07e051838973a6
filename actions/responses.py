"""Reading the domain's responses, for the action server and the trainer's workbench alike.

Kept free of rasa_sdk so the gateway can import it without loading the SDK.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def suggestion_response(intent: str) -> str:
    """The response whose text titles ``intent`` among 「您是不是想问」's buttons."""
    return f"utter_suggest_{intent}"


def _first_variation(domain: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    variations = (domain.get("responses") or {}).get(name) or []
    first = variations[0] if isinstance(variations, list) and variations else {}
    return first if isinstance(first, dict) else {}


def response_text(domain: Mapping[str, Any], name: str) -> str | None:
    """The text of response ``name``'s first variation in ``domain``, if it has one."""
    text = _first_variation(domain, name).get("text")
    return text if isinstance(text, str) and text else None


def button_named_in(domain: Mapping[str, Any], name: str, text: str) -> str | None:
    """The payload of the first button of response ``name`` whose title or payload ``text`` holds.

    For a request that gives the answer before it is asked: 「我要退款 不想要了」.
    """
    for button in _first_variation(domain, name).get("buttons") or []:
        payload = button.get("payload") if isinstance(button, dict) else None
        if isinstance(payload, str) and not payload.startswith("/"):
            if payload in text or str(button.get("title") or payload) in text:
                return payload
    return None


def button_answer(domain: Mapping[str, Any], name: str, text: str) -> str | None:
    """What a reply to response ``name`` answers through its buttons.

    The payload of the button the reply sent, or whose title it typed
    (「确认取消」 for the button that sends ``/affirm``); None for other replies.
    """
    reply = text.strip()
    for button in _first_variation(domain, name).get("buttons") or []:
        payload = button.get("payload") if isinstance(button, dict) else None
        if isinstance(payload, str) and reply and reply in (payload, button.get("title")):
            return payload
    return None
