"""The supervisor's service report: how much the bot handled and how people did.

One rule keeps the numbers comparable: conversations count when the shopper
wrote in the period, and everything about tickets (waits, first replies,
ratings, who handled them) is about the tickets *opened* in the period, so a
ticket opened yesterday and closed today belongs to yesterday's report.
Promises count when they fall due. Times are seconds.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import sessionmaker

from bot.models import ANSWERED, Message
from bot.trainer.models import FALLBACK, LOW_CONFIDENCE, NluMiss
from handoff.errors import InvalidInput
from handoff.models import Agent, Promise, Ticket, TicketEvent
from handoff.vocab import PRIORITY_RANKS, REASONS, RESOLUTION_CODES, TEAMS

#: The longest period one report may cover.
MAX_PERIOD = timedelta(days=92)
#: Events that put a ticket in a person's hands.
_TAKEN = ("claimed", "assigned")


@dataclass(frozen=True)
class Period:
    """A half-open span of time ``[since, until)`` in aware datetimes."""

    since: datetime
    until: datetime

    def __post_init__(self) -> None:
        if self.since.tzinfo is None or self.until.tzinfo is None:
            raise InvalidInput("since", "since and until need a time zone")
        if self.since >= self.until:
            raise InvalidInput("since", "since must be before until")
        if self.until - self.since > MAX_PERIOD:
            raise InvalidInput("since", f"a report covers at most {MAX_PERIOD.days} days")

    def holds(self, column: Any) -> Any:
        """The SQL condition that ``column`` falls in the period."""
        return and_(column >= self.since, column < self.until)


def period_of(since: str | None, until: str | None, now: datetime) -> Period:
    """The period named by ISO 8601 ``since`` and ``until``; by default the last day.

    Raises:
        InvalidInput: a time that is not ISO 8601, or a period that is empty,
            reversed or longer than ``MAX_PERIOD``.
    """
    end = _instant("until", until) if until else now
    start = _instant("since", since) if since else end - timedelta(days=1)
    return Period(start, end)


def _instant(field: str, text: str) -> datetime:
    # 「+08:00」 typed into a URL unencoded arrives as 「 08:00」.
    text = re.sub(r" (\d{2}:?\d{2})$", r"+\1", text.strip()).replace("Z", "+00:00")
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        example = "2026-12-05T00:00:00+08:00"
        raise InvalidInput(field, f"{field} must be an ISO 8601 time such as {example}") from None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def spread(seconds: Iterable[float]) -> dict[str, Any]:
    """Count, median, 90th percentile (nearest rank) and maximum of durations."""
    values = sorted(seconds)
    if not values:
        return {"count": 0, "median": None, "p90": None, "max": None}
    p90 = values[max(0, math.ceil(0.9 * len(values)) - 1)]
    return {
        "count": len(values),
        "median": round(statistics.median(values), 1),
        "p90": round(p90, 1),
        "max": round(values[-1], 1),
    }


def share(part: int, whole: int) -> float | None:
    """``part / whole`` to four places, or None when there is no whole."""
    return round(part / whole, 4) if whole else None


def _counts(found: Counter[str], keys: Sequence[str]) -> dict[str, int]:
    # Every known key is present, so the console can show zeros.
    return {key: found[key] for key in keys} | {
        key: n for key, n in found.items() if key not in keys
    }


class ServiceReport:
    """Builds the report from the gateway database (conversations, tickets, inbox)."""

    def __init__(self, sessionmaker: sessionmaker) -> None:
        self._sessions = sessionmaker

    async def build(self, period: Period) -> dict[str, Any]:
        """The report of ``period`` as plain JSON-ready data."""
        async with self._sessions() as s:
            tickets = await _tickets(s, period)
            return {
                "period": {"since": period.since.isoformat(), "until": period.until.isoformat()},
                "conversations": await _conversations(s, period),
                "messages": await _messages(s, period),
                "tickets": _ticket_counts(tickets),
                "waits": _waits(tickets),
                "csat": _csat(tickets),
                "promises": await _promises(s, period),
                "agents": await _agents(s, tickets),
            }


@dataclass(frozen=True)
class _Row:
    """One ticket opened in the period, with when people first took and answered it."""

    id: int
    reason: str
    team: str
    priority: str
    status: str
    resolution: str | None
    csat: int | None
    agent_id: int | None
    created_at: datetime
    taken_at: datetime | None
    first_reply_at: datetime | None
    #: Every agent who held the ticket, the one holding it now included.
    holders: frozenset[int] = frozenset()

    def seconds_to(self, moment: datetime | None) -> float | None:
        return None if moment is None else max(0.0, (moment - self.created_at).total_seconds())


async def _tickets(s: AsyncSession, period: Period) -> list[_Row]:
    # The first thing a person wrote to the shopper while the ticket was open.
    replied = (
        select(Ticket.id.label("ticket_id"), func.min(Message.created_at).label("at"))
        .join(
            Message,
            and_(
                Message.conversation_id == Ticket.conversation_id,
                Message.sender == "agent",
                Message.created_at >= Ticket.created_at,
                or_(Ticket.closed_at.is_(None), Message.created_at <= Ticket.closed_at),
            ),
        )
        .where(period.holds(Ticket.created_at))
        .group_by(Ticket.id)
        .subquery()
    )
    stmt = (
        select(Ticket, replied.c.at)
        .outerjoin(replied, replied.c.ticket_id == Ticket.id)
        .where(period.holds(Ticket.created_at))
        .order_by(Ticket.id)
    )
    handovers = await _handovers(s, period)
    rows = []
    for ticket, replied_at in (await s.execute(stmt)).all():
        handover = handovers.get(ticket.id, _Handover())
        held_by = handover.holders | ({ticket.agent_id} - {None})
        rows.append(
            _Row(
                id=ticket.id,
                reason=ticket.reason,
                team=ticket.team,
                priority=ticket.priority,
                status=ticket.status,
                resolution=ticket.resolution_code,
                csat=ticket.csat,
                agent_id=ticket.agent_id,
                created_at=ticket.created_at,
                taken_at=handover.taken_at,
                first_reply_at=replied_at,
                holders=frozenset(held_by),
            )
        )
    return rows


@dataclass
class _Handover:
    """When a ticket was first taken (claimed or assigned) and every agent it went to."""

    taken_at: datetime | None = None
    holders: set[int] = field(default_factory=set)


async def _handovers(s: AsyncSession, period: Period) -> dict[int, _Handover]:
    """The handovers of each ticket of the period: claimed, assigned or transferred."""
    stmt = (
        select(
            TicketEvent.ticket_id,
            TicketEvent.kind,
            TicketEvent.actor_id,
            TicketEvent.data,
            TicketEvent.at,
        )
        .join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .where(TicketEvent.kind.in_((*_TAKEN, "transferred")), period.holds(Ticket.created_at))
    )
    handovers: dict[int, _Handover] = {}
    for ticket_id, kind, actor_id, data, at in (await s.execute(stmt)).all():
        handover = handovers.setdefault(ticket_id, _Handover())
        if kind in _TAKEN and (handover.taken_at is None or at < handover.taken_at):
            handover.taken_at = at
        data = data or {}
        agent_id = {
            "claimed": actor_id,
            "assigned": data.get("agent_id"),
            "transferred": data.get("to_agent_id"),
        }[kind]
        if agent_id is not None:
            handover.holders.add(int(agent_id))
    return handovers


async def _conversations(s: AsyncSession, period: Period) -> dict[str, Any]:
    wrote = select(func.count(func.distinct(Message.conversation_id))).where(
        Message.sender == "shopper", period.holds(Message.created_at)
    )
    handed = select(Ticket.conversation_id).where(period.holds(Ticket.created_at))
    total = await s.scalar(wrote)
    with_ticket = await s.scalar(wrote.where(Message.conversation_id.in_(handed)))
    total, with_ticket = int(total or 0), int(with_ticket or 0)
    return {
        "total": total,
        "handed_off": with_ticket,
        "bot_only": total - with_ticket,
        "bot_only_share": share(total - with_ticket, total),
    }


async def _messages(s: AsyncSession, period: Period) -> dict[str, Any]:
    # A message a person answered never reached the NLU: it is not in the share.
    counted = await s.execute(
        select(Message.status, func.count(Message.id))
        .where(Message.sender == "shopper", period.holds(Message.created_at))
        .group_by(Message.status)
    )
    by_status = {status: int(n) for status, n in counted.all()}
    missed = await s.execute(
        select(NluMiss.reason, func.count(NluMiss.id))
        .where(period.holds(NluMiss.created_at))
        .group_by(NluMiss.reason)
    )
    by_reason = dict(missed.all())
    to_bot = by_status.get(ANSWERED, 0)
    fallback = int(by_reason.get(FALLBACK, 0))
    return {
        "shopper": sum(by_status.values()),
        "answered_by_bot": to_bot,
        "not_understood": fallback,
        "unsure": int(by_reason.get(LOW_CONFIDENCE, 0)),
        "not_understood_share": share(fallback, to_bot),
    }


def _ticket_counts(rows: Sequence[_Row]) -> dict[str, Any]:
    closed = [r for r in rows if r.status == "closed"]
    return {
        "opened": len(rows),
        "open_now": len(rows) - len(closed),
        "closed": len(closed),
        "by_reason": _counts(Counter(r.reason for r in rows), REASONS),
        "by_team": _counts(Counter(r.team for r in rows), TEAMS),
        "by_priority": _counts(Counter(r.priority for r in rows), tuple(PRIORITY_RANKS)),
        "by_resolution": _counts(Counter(r.resolution or "" for r in closed), RESOLUTION_CODES),
    }


def _waits(rows: Sequence[_Row]) -> dict[str, Any]:
    def seconds(chosen: Iterable[_Row], to_reply: bool) -> list[float]:
        found = (r.seconds_to(r.first_reply_at if to_reply else r.taken_at) for r in chosen)
        return [value for value in found if value is not None]

    urgent = [r for r in rows if r.priority == "urgent"]
    return {
        "to_agent": spread(seconds(rows, to_reply=False)),
        "to_first_reply": spread(seconds(rows, to_reply=True)),
        "urgent_to_agent": spread(seconds(urgent, to_reply=False)),
        "never_taken": sum(1 for r in rows if r.taken_at is None),
        "urgent_never_taken": sum(1 for r in urgent if r.taken_at is None),
    }


def _csat(rows: Sequence[_Row]) -> dict[str, Any]:
    scores = [r.csat for r in rows if r.csat is not None]
    closed = sum(1 for r in rows if r.status == "closed")
    return {
        "rated": len(scores),
        "rated_share": share(len(scores), closed),
        "average": round(statistics.fmean(scores), 2) if scores else None,
        "satisfied_share": share(sum(1 for v in scores if v >= 4), len(scores)),
        "scores": {str(value): scores.count(value) for value in range(1, 6)},
    }


async def _promises(s: AsyncSession, period: Period) -> dict[str, Any]:
    """Promises due in the period: kept when marked kept by its due time.

    A promise is the ticket's: whoever held the ticket may mark it kept, so
    one kept after a transfer counts as kept. One closed with its ticket
    unkept (closed or handed back first) is ``cancelled``: not kept, and
    not counted as still open or overdue.
    """
    rows = await s.execute(
        select(Promise, Ticket.status)
        .join(Ticket, Ticket.id == Promise.ticket_id)
        .where(period.holds(Promise.due_at))
    )
    due = [(p, ticket_status) for p, ticket_status in rows.all()]
    fulfilled = [p for p, _ in due if p.status == "fulfilled"]
    kept = [p for p in fulfilled if p.closed_at <= p.due_at]
    unkept = [(p, t) for p, t in due if p.status != "fulfilled"]
    cancelled = [p for p, t in unkept if p.closed_at is not None or t == "closed"]
    live = [p for p, t in unkept if p.closed_at is None and t != "closed"]
    return {
        "due": len(due),
        "kept": len(kept),
        "kept_late": len(fulfilled) - len(kept),
        "overdue": sum(1 for p in live if p.status == "overdue"),
        "open": sum(1 for p in live if p.status == "open"),
        "cancelled": len(cancelled),
        "kept_share": share(len(kept), len(due)),
    }


async def _agents(s: AsyncSession, rows: Sequence[_Row]) -> list[dict[str, Any]]:
    """Each agent's tickets: all they took, and the outcome of those they kept.

    A transferred ticket counts for everyone who took it (and as passed on
    for all but the last); its close, rating and the wait for its first
    reply count for the agent holding it at the end.
    """
    took: dict[int, list[_Row]] = {}
    for row in rows:
        for agent_id in row.holders:
            took.setdefault(agent_id, []).append(row)
    if not took:
        return []
    agents = await s.execute(select(Agent.id, Agent.display_name).where(Agent.id.in_(took)))
    names = dict(agents.all())
    report = []
    for agent_id, taken in took.items():
        handled = [r for r in taken if r.agent_id == agent_id]
        scores = [r.csat for r in handled if r.csat is not None]
        replies = [r.seconds_to(r.first_reply_at) for r in handled]
        report.append(
            {
                "id": agent_id,
                "name": names.get(agent_id, str(agent_id)),
                "tickets": len(taken),
                "passed_on": len(taken) - len(handled),
                "closed": sum(1 for r in handled if r.status == "closed"),
                "to_first_reply": spread(v for v in replies if v is not None),
                "csat_average": round(statistics.fmean(scores), 2) if scores else None,
                "rated": len(scores),
            }
        )
    return sorted(report, key=lambda a: (-a["tickets"], a["name"]))
