"""The audit log of private data: who saw or did what, when, on which ticket."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from handoff.models import AuditEntry, utc_now


class AuditLog:
    """Appends entries; never updates or deletes them.

    Args:
        sessionmaker: async sessionmaker of the gateway database.
        clock: the current time.
    """

    def __init__(self, sessionmaker: sessionmaker, clock: Callable[[], datetime] = utc_now) -> None:
        self._sessionmaker = sessionmaker
        self._clock = clock

    async def record(
        self, agent_id: int, action: str, ticket_id: int | None, detail: dict[str, Any]
    ) -> None:
        """Write one entry, e.g. ``("view_safety_context", 12, {"fields": [...]})``."""
        async with self._sessionmaker.begin() as s:
            s.add(
                AuditEntry(
                    at=self._clock(),
                    agent_id=agent_id,
                    action=action,
                    ticket_id=ticket_id,
                    detail=detail,
                )
            )

    async def entries(self, ticket_id: int | None = None, limit: int = 200) -> list[dict[str, Any]]:
        """The newest entries (of one ticket), newest first."""
        query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        if ticket_id is not None:
            query = query.where(AuditEntry.ticket_id == ticket_id)
        async with self._sessionmaker() as s:
            rows = (await s.execute(query)).scalars()
            return [
                {
                    "at": entry.at.isoformat(),
                    "agent_id": entry.agent_id,
                    "action": entry.action,
                    "ticket_id": entry.ticket_id,
                    "detail": entry.detail,
                }
                for entry in rows
            ]
