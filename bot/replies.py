"""Turn Rasa REST replies into Rasa socket.io ``bot_uttered`` payloads.

The socket.io shapes are the ones Rasa's own ``SocketIOOutput`` emits, so the
community rasa-webchat widget renders them unchanged. A reply whose
``custom`` carries ``handoff`` is a signal to the gateway, not a message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.images import IMAGE_TEXT

# The payloads of the bot's own buttons: a person, and 「不用了」.
PERSON_PAYLOAD = "/request_human"
DECLINE_PAYLOAD = "/deny"


@dataclass(frozen=True)
class ReplyBatch:
    """What one shopper message produced: widget messages and signals."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    handoff: dict[str, Any] | None = None


def _quick_replies(buttons: list[Any]) -> list[dict[str, str]]:
    return [
        {
            "content_type": "text",
            "title": str(button.get("title", "")),
            "payload": str(button.get("payload", "")),
        }
        for button in buttons
        if isinstance(button, dict)
    ]


def _from_rest(reply: dict[str, Any]) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    text = reply.get("text")
    buttons = reply.get("buttons")
    if isinstance(text, str) and text:
        if buttons:
            messages.append({"text": text, "quick_replies": _quick_replies(buttons)})
        else:
            # Rasa's socket.io channel sends each paragraph as its own message.
            messages.extend({"text": part} for part in text.split("\n\n") if part.strip())
    image = reply.get("image")
    if isinstance(image, str) and image:
        messages.append({"attachment": {"type": "image", "payload": {"src": image}}})
    attachment = reply.get("attachment")
    if isinstance(attachment, dict):
        messages.append({"attachment": attachment})
    custom = reply.get("custom")
    if isinstance(custom, dict) and custom:
        messages.append(dict(custom))
    return messages


def parse_replies(replies: list[dict[str, Any]]) -> ReplyBatch:
    """Split Rasa's replies into widget messages and a handoff signal."""
    messages: list[dict[str, Any]] = []
    handoff: dict[str, Any] | None = None
    for reply in replies:
        custom = reply.get("custom")
        if isinstance(custom, dict) and isinstance(custom.get("handoff"), dict):
            handoff = custom["handoff"]
            reply = {key: value for key, value in reply.items() if key != "custom"}
        messages.extend(_from_rest(reply))
    return ReplyBatch(messages=messages, handoff=handoff)


def button_payloads(messages: Sequence[dict[str, Any]]) -> list[str]:
    """The payloads of the quick replies under ``messages``, in order."""
    return [
        str(reply.get("payload") or "")
        for message in messages
        for reply in message.get("quick_replies") or ()
        if isinstance(reply, dict)
    ]


def display_text(message: dict[str, Any]) -> str:
    """The plain text of a widget message, for transcripts and search."""
    text = message.get("text")
    if isinstance(text, str):
        return text
    attachment = message.get("attachment")
    if isinstance(attachment, dict) and attachment.get("type") == "image":
        return IMAGE_TEXT
    return ""
