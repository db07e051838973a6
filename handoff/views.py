"""Immutable snapshots of agents and tickets handed out by the services."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from handoff.models import Agent, Ticket, TicketEvent


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


@dataclass(frozen=True)
class AgentView:
    """A console user, without the password hash."""

    id: int
    username: str
    display_name: str
    role: str
    skills: tuple[str, ...]
    max_chats: int
    active: bool

    @classmethod
    def of(cls, agent: Agent) -> AgentView:
        """Snapshot an ``Agent`` row."""
        return cls(
            id=agent.id,
            username=agent.username,
            display_name=agent.display_name,
            role=agent.role,
            skills=agent.skill_set,
            max_chats=agent.max_chats,
            active=bool(agent.active),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields (``skills`` as a list)."""
        data = asdict(self)
        data["skills"] = list(self.skills)
        return data


@dataclass(frozen=True)
class TicketView:
    """A ticket plus the display name of the agent holding it."""

    id: int
    conversation_id: str
    shopper_id: str | None
    status: str
    priority: str
    priority_rank: int
    team: str
    reason: str
    summary: tuple[str, ...]
    agent_id: int | None
    agent_name: str | None
    created_at: datetime
    queued_at: datetime
    requeued: bool
    claimed_at: datetime | None
    closed_at: datetime | None
    resolution_code: str | None
    resolution_note: str | None
    csat: int | None

    @classmethod
    def of(cls, ticket: Ticket, agent_name: str | None) -> TicketView:
        """Snapshot a ``Ticket`` row and its holder's name."""
        return cls(
            id=ticket.id,
            conversation_id=ticket.conversation_id,
            shopper_id=ticket.shopper_id,
            status=ticket.status,
            priority=ticket.priority,
            priority_rank=ticket.priority_rank,
            team=ticket.team,
            reason=ticket.reason,
            summary=tuple(ticket.summary or ()),
            agent_id=ticket.agent_id,
            agent_name=agent_name,
            created_at=ticket.created_at,
            queued_at=ticket.queued_at,
            requeued=bool(ticket.requeued),
            claimed_at=ticket.claimed_at,
            closed_at=ticket.closed_at,
            resolution_code=ticket.resolution_code,
            resolution_note=ticket.resolution_note,
            csat=ticket.csat,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields: ISO times and ``summary`` as a list."""
        data = asdict(self)
        data["summary"] = list(self.summary)
        for name in ("created_at", "queued_at", "claimed_at", "closed_at"):
            data[name] = _iso(data[name])
        return data


def event_dict(event: TicketEvent) -> dict[str, Any]:
    """A ticket event as JSON-ready values."""
    return {
        "id": event.id,
        "ticket_id": event.ticket_id,
        "kind": event.kind,
        "actor_id": event.actor_id,
        "at": _iso(event.at),
        "data": dict(event.data or {}),
    }
