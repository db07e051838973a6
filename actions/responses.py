"""Reading the domain's responses, for the action server and the trainer's workbench alike.

Kept free of rasa_sdk so the gateway can import it without loading the SDK.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def suggestion_response(intent: str) -> str:
    """The response whose text titles ``intent`` among 「您是不是想问」's buttons."""
    return f"utter_suggest_{intent}"


def response_text(domain: Mapping[str, Any], name: str) -> str | None:
    """The text of response ``name``'s first variation in ``domain``, if it has one."""
    variations = (domain.get("responses") or {}).get(name) or []
    first = variations[0] if isinstance(variations, list) and variations else {}
    text = first.get("text") if isinstance(first, dict) else None
    return text if isinstance(text, str) and text else None
