"""The note an agent leaves when they transfer a chat, and a ticket's transfer history.

The note is kept in the ``transferred`` ticket event (``TicketEvent.data``), so
it needs no new column: whoever holds the ticket later, and supervisors, read
who transferred it, from where to where, and why. It is for colleagues only,
never shown to the shopper.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from handoff.errors import InvalidInput, TransferNoteTooLong

TRANSFERRED = "transferred"
MAX_TRANSFER_NOTE_CHARS = 200


def require_transfer_note(value: object) -> str | None:
    """The note stripped, None when absent or blank.

    Raises:
        InvalidInput: not text.
        TransferNoteTooLong: over ``MAX_TRANSFER_NOTE_CHARS`` characters.
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput("note", "note must be text")
    note = value.strip()
    if len(note) > MAX_TRANSFER_NOTE_CHARS:
        raise TransferNoteTooLong(
            f"the transfer note has {len(note)} characters; at most {MAX_TRANSFER_NOTE_CHARS}"
        )
    return note or None


def transfer_history(
    events: Iterable[Mapping[str, Any]],
    names: Mapping[int, str],
    mask: Callable[[str], str] = str,
) -> list[dict[str, Any]]:
    """The ticket's transfers, oldest first, with agents' names and the (masked) note.

    Args:
        events: the ticket's events (``event_dict`` shapes); others than transfers are skipped.
        names: agent id → display name.
        mask: applied to the note (an agent who does not hold the ticket sees it masked).
    """
    history = []
    for event in events:
        if event.get("kind") != TRANSFERRED:
            continue
        data = event.get("data") or {}
        note = data.get("note")
        history.append(
            {
                "at": event.get("at"),
                "by_agent_id": event.get("actor_id"),
                "by_name": names.get(event.get("actor_id") or 0),
                "from_agent_id": data.get("from_agent_id"),
                "from_agent_name": names.get(data.get("from_agent_id") or 0),
                "from_team": data.get("from_team"),
                "to_agent_id": data.get("to_agent_id"),
                "to_agent_name": names.get(data.get("to_agent_id") or 0),
                "to_team": data.get("to_team"),
                "note": mask(note) if isinstance(note, str) and note else None,
            }
        )
    return history


def agents_named(history_events: Iterable[Mapping[str, Any]]) -> set[int]:
    """The ids of the agents the transfers among ``history_events`` mention."""
    ids: set[int] = set()
    for event in history_events:
        if event.get("kind") != TRANSFERRED:
            continue
        data = event.get("data") or {}
        for value in (event.get("actor_id"), data.get("from_agent_id"), data.get("to_agent_id")):
            if isinstance(value, int):
                ids.add(value)
    return ids
