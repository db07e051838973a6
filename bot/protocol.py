"""Payloads of Rasa's socket.io channel protocol, validated at the edge.

Events from the widget: ``session_request`` ``{session_id}``,
``user_uttered`` ``{message, session_id, customData, title?}`` and kefu's own
``user_sent_image`` ``{image: <binary>, session_id, customData}``. Events to it:
``session_confirm`` (the session id), ``session_history``, ``bot_uttered``,
``bot_typing``, ``shopper_uttered`` and ``kefu_error`` ``{code, message}``.
See ``docs/protocol.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.images import ImageRefused, checked_image

_SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
MAX_TITLE_CHARS = 200
KEFU_CLIENT = "kefu-widget"
# Fields kefu adds to Rasa's bot_uttered payloads. rasa-webchat 1.0.1 renders
# nothing for a text message with any extra key, so plain clients never get them.
EXTENSION_KEYS = frozenset({"message_id", "sender", "at", "agent_name"})
# Rasa's own commands, which no button sends: 「/restart」 typed by a shopper wiped the
# conversation, and Rasa's silence after it read as Rasa being down (resent every 5 s).
_RASA_COMMANDS = re.compile(r"^/(?:restart|session_start|back)(?![A-Za-z0-9_])")


def rich_room(conversation_id: str) -> str:
    """Room of the sockets that understand kefu's extensions."""
    return f"{conversation_id}#kefu"


def plain_room(conversation_id: str) -> str:
    """Room of plain Rasa clients such as rasa-webchat."""
    return conversation_id


def is_kefu_client(auth: Any) -> bool:
    """Whether a connecting socket said it is kefu's own widget."""
    return isinstance(auth, dict) and auth.get("client") == KEFU_CLIENT


def plain(payload: dict[str, Any]) -> dict[str, Any]:
    """A bot_uttered payload exactly as Rasa's socket.io channel sends it.

    An agent's text is prefixed with their name, the one place plain clients
    can tell a person from the bot.
    """
    shown = {key: value for key, value in payload.items() if key not in EXTENSION_KEYS}
    if payload.get("sender") == "agent" and isinstance(shown.get("text"), str):
        shown["text"] = f"[{payload.get('agent_name') or 'agent'}] {shown['text']}"
    return shown


class ProtocolError(ValueError):
    """A client sent an event kefu cannot use; ``code`` is machine-readable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def as_event(self) -> dict[str, str]:
        """The ``kefu_error`` payload."""
        return {"code": self.code, "message": self.message}

    def as_ack(self) -> dict[str, Any]:
        """The acknowledgement of a refused event."""
        return {"ok": False, "error": self.as_event()}


@dataclass(frozen=True)
class UserUttered:
    """A validated shopper message."""

    text: str
    session_id: str | None
    custom_data: dict[str, Any]
    title: str | None


def _session_id(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not _SESSION_ID.match(value):
        raise ProtocolError(
            "invalid_session_id", "session_id must be 8-64 letters, digits, '-' or '_'"
        )
    return value


def parse_session_request(data: Any) -> tuple[str | None, dict[str, Any]]:
    """The requested session id (None for a new one) and any identity data."""
    if data is None:
        return None, {}
    if isinstance(data, str):  # some clients send the bare id
        return _session_id(data), {}
    if not isinstance(data, dict):
        raise ProtocolError("invalid_payload", "session_request takes an object")
    custom = data.get("customData")
    return _session_id(data.get("session_id")), custom if isinstance(custom, dict) else {}


def parse_user_uttered(data: Any, max_chars: int) -> UserUttered:
    """Validate a ``user_uttered`` payload.

    Raises:
        ProtocolError: the payload is missing, mistyped or too long.
    """
    if not isinstance(data, dict):
        raise ProtocolError("invalid_payload", "user_uttered takes an object")
    text = data.get("message")
    if not isinstance(text, str):
        raise ProtocolError("invalid_message", "message must be a string")
    text = text.strip()
    if not text:
        raise ProtocolError("empty_message", "message is empty")
    if len(text) > max_chars:
        raise ProtocolError("message_too_long", f"message is longer than {max_chars} characters")
    if _RASA_COMMANDS.match(text):
        raise ProtocolError("reserved_command", "messages cannot be Rasa commands such as /restart")
    custom = data.get("customData", data.get("metadata"))
    title = data.get("title")
    if title is not None and (not isinstance(title, str) or len(title) > MAX_TITLE_CHARS):
        raise ProtocolError("invalid_title", f"title must be a string of at most {MAX_TITLE_CHARS}")
    return UserUttered(
        text=text,
        session_id=_session_id(data.get("session_id")),
        custom_data=custom if isinstance(custom, dict) else {},
        title=title or None,
    )


@dataclass(frozen=True)
class UserImage:
    """A validated picture from the shopper."""

    data: bytes
    content_type: str
    session_id: str | None
    custom_data: dict[str, Any]


def parse_user_image(data: Any) -> UserImage:
    """Validate a ``user_sent_image`` payload.

    Raises:
        ProtocolError: no picture, too large, or not JPEG, PNG, GIF or WebP.
    """
    if not isinstance(data, dict):
        raise ProtocolError("invalid_payload", "user_sent_image takes an object")
    try:
        image, content_type = checked_image(data.get("image"))
    except ImageRefused as exc:
        raise ProtocolError(exc.code, exc.message) from None
    custom = data.get("customData", data.get("metadata"))
    return UserImage(
        data=image,
        content_type=content_type,
        session_id=_session_id(data.get("session_id")),
        custom_data=custom if isinstance(custom, dict) else {},
    )
