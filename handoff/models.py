"""Tables of the handoff: agents, tickets and the events of each ticket.

Every timestamp is a timezone-aware UTC ``datetime`` (``UTCDateTime``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import declarative_base

from actions.shop.models import UTCDateTime, utc_now
from handoff.vocab import TEAMS

Base: Any = declarative_base()

__all__ = ["Agent", "Base", "CannedReply", "Ticket", "TicketEvent", "UTCDateTime", "utc_now"]

#: Marks the tickets that count against "one open ticket per conversation".
_OPEN = text("status <> 'closed'")


class Agent(Base):
    """A console user: an agent, a supervisor or a trainer."""

    __tablename__ = "agents"
    __table_args__ = (
        CheckConstraint("role IN ('agent', 'supervisor', 'trainer')", name="ck_agents_role"),
        CheckConstraint("max_chats >= 1", name="ck_agents_max_chats"),
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    username = Column(String(64), nullable=False, unique=True)
    display_name = Column(String(64), nullable=False)
    password_hash = Column(String(255), nullable=False)
    role = Column(String(16), nullable=False)
    skills = Column(String(255), nullable=False, default=TEAMS[0])
    max_chats = Column(Integer, nullable=False, default=3)
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(UTCDateTime, nullable=False)

    @property
    def skill_set(self) -> tuple[str, ...]:
        """The teams of ``skills`` as a tuple."""
        return tuple(team for team in str(self.skills or "").split(",") if team)


class Ticket(Base):
    """A conversation waiting for, or handled by, a person."""

    __tablename__ = "tickets"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'assigned', 'closed')", name="ck_tickets_status"),
        CheckConstraint("csat IS NULL OR csat BETWEEN 1 AND 5", name="ck_tickets_csat"),
        Index("ix_tickets_queue", "status", "team", "priority_rank", "queued_at"),
        Index("ix_tickets_agent_status", "agent_id", "status"),
        # At most one open ticket per conversation, even under concurrent opens.
        Index(
            "uq_tickets_open_conversation",
            "conversation_id",
            unique=True,
            sqlite_where=_OPEN,
            postgresql_where=_OPEN,
        ),
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(64), nullable=False, index=True)
    shopper_id = Column(String(64), nullable=True)
    status = Column(String(16), nullable=False)
    priority = Column(String(16), nullable=False)
    priority_rank = Column(Integer, nullable=False)
    team = Column(String(32), nullable=False)
    reason = Column(String(64), nullable=False)
    summary = Column(JSON, nullable=False, default=list)
    agent_id = Column(Integer, ForeignKey("agents.id"), nullable=True)
    created_at = Column(UTCDateTime, nullable=False)
    queued_at = Column(UTCDateTime, nullable=False)
    requeued = Column(Boolean, nullable=False, default=False)
    claimed_at = Column(UTCDateTime, nullable=True)
    closed_at = Column(UTCDateTime, nullable=True)
    resolution_code = Column(String(32), nullable=True)
    resolution_note = Column(Text, nullable=True)
    csat = Column(Integer, nullable=True)


class TicketEvent(Base):
    """Something that happened to a ticket, for the audit trail."""

    __tablename__ = "ticket_events"
    __table_args__ = (Index("ix_ticket_events_ticket_id_id", "ticket_id", "id"),)

    id = Column(Integer, primary_key=True, autoincrement=True)
    ticket_id = Column(Integer, ForeignKey("tickets.id"), nullable=False)
    kind = Column(String(32), nullable=False)
    actor_id = Column(Integer, ForeignKey("agents.id"), nullable=True)
    at = Column(UTCDateTime, nullable=False)
    data = Column(JSON, nullable=False, default=dict)


class Promise(Base):
    """A follow-up an agent promised a shopper (「1小时内回复您」): a timer kept."""

    __tablename__ = "promises"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'fulfilled', 'overdue')", name="ck_promises_status"),
        Index("ix_promises_status_due_at", "status", "due_at"),
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    ticket_id = Column(Integer, ForeignKey("tickets.id"), nullable=False)
    agent_id = Column(Integer, ForeignKey("agents.id"), nullable=False)
    note = Column(Text, nullable=False)
    due_at = Column(UTCDateTime, nullable=False)
    created_at = Column(UTCDateTime, nullable=False)
    status = Column(String(16), nullable=False, default="open")
    reminded_at = Column(UTCDateTime, nullable=True)
    closed_at = Column(UTCDateTime, nullable=True)


class AuditEntry(Base):
    """Who looked at or did what with private data, when, on which ticket."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_ticket_id", "ticket_id"),)

    id = Column(Integer, primary_key=True, autoincrement=True)
    at = Column(UTCDateTime, nullable=False)
    agent_id = Column(Integer, ForeignKey("agents.id"), nullable=False)
    action = Column(String(32), nullable=False)
    ticket_id = Column(Integer, ForeignKey("tickets.id"), nullable=True)
    detail = Column(JSON, nullable=False, default=dict)


class CannedReply(Base):
    """A 快捷回复 of the team: a short title and the text it inserts; supervisors keep them."""

    __tablename__ = "canned_replies"

    id = Column(Integer, primary_key=True, autoincrement=True)
    title = Column(String(20), nullable=False)
    text = Column(Text, nullable=False)
    updated_by = Column(String(64), nullable=True)  # the supervisor's username; None: kefu's own
    updated_at = Column(UTCDateTime, nullable=False)
