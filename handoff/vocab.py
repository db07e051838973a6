"""The words of the handoff contract (``docs/agents.md``) and their checks."""

from __future__ import annotations

from collections.abc import Iterable

from handoff.errors import InvalidInput

ROLES = ("agent", "supervisor", "trainer")
AGENT, SUPERVISOR, TRAINER = ROLES
TEAMS = ("general", "after_sales", "security", "safety")

QUEUED, ASSIGNED, CLOSED = "queued", "assigned", "closed"
STATUSES = (QUEUED, ASSIGNED, CLOSED)
OPEN_STATUSES = (QUEUED, ASSIGNED)

#: Priority → rank; a lower rank is served first.
PRIORITY_RANKS = {"urgent": 0, "high": 1, "normal": 2}
REASONS = (
    "requested",
    "bot_not_understanding",
    "complaint",
    "account_security",
    "emergency",
    "bot_unavailable",
    "parcel_missing",
    "taken_over",  # a supervisor stepped into a conversation the bot had (实时监控 介入)
)
TAKEN_OVER = "taken_over"
RESOLUTION_CODES = ("resolved", "handed_back", "no_response", "duplicate", "other", "withdrawn")
HANDED_BACK = "handed_back"
#: The shopper no longer wanted a person while still waiting (「不用人工了」).
WITHDRAWN = "withdrawn"
EVENT_KINDS = (
    "queued",
    "claimed",
    "assigned",
    "transferred",
    "requeued",
    "closed",
    "handed_back",
    "rated",
    "priority_raised",
    "deadline_missed",
    "promise_overdue",
    "safety_flagged",
    "message_left",
    "escalated",
    "withdrawn",
    "waiting_message",
    "taken_over",
)
MAX_NOTE_CHARS = 2000
MAX_SUMMARY_ITEMS = 20
MAX_SUMMARY_CHARS = 2000


def require_choice(field: str, value: object, choices: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``choices``.

    Raises:
        InvalidInput: naming ``field`` otherwise.
    """
    options = tuple(choices)
    if not isinstance(value, str) or value not in options:
        raise InvalidInput(field, f"{field} must be one of {', '.join(options)}")
    return value


def require_team(value: object, field: str = "team") -> str:
    """Return a known team name, or raise ``InvalidInput``."""
    return require_choice(field, value, TEAMS)


def require_optional(field: str, value: object, choices: Iterable[str]) -> str | None:
    """Like ``require_choice`` but lets ``None`` through (no filter)."""
    return None if value is None else require_choice(field, value, choices)


def require_text(field: str, value: object, max_chars: int, *, empty_ok: bool = False) -> str:
    """Return a stripped string of at most ``max_chars`` characters.

    Raises:
        InvalidInput: for non-strings, blank (unless ``empty_ok``) or long values.
    """
    if not isinstance(value, str):
        raise InvalidInput(field, f"{field} must be text")
    text = value.strip()
    if (not text and not empty_ok) or len(text) > max_chars:
        raise InvalidInput(field, f"{field} must have 1-{max_chars} characters")
    return text


def require_summary(value: object) -> list[str]:
    """Return the summary as a list of strings (the last shopper messages)."""
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise InvalidInput("summary", "summary must be a list of messages")
    if len(value) > MAX_SUMMARY_ITEMS:
        value = value[-MAX_SUMMARY_ITEMS:]
    return [require_text("summary", item, MAX_SUMMARY_CHARS, empty_ok=True) for item in value]
