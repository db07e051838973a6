"""Promises agents make to shoppers, kept as timers: remind before, escalate after."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import sessionmaker

from handoff.errors import InvalidInput, PromiseNotFound
from handoff.models import Agent, Promise, Ticket, utc_now
from handoff.vocab import require_text

MAX_MINUTES = 7 * 24 * 60
REMIND_AT_MOST = timedelta(minutes=5)


@dataclass(frozen=True)
class PromiseView:
    """A promise as the console shows it."""

    id: int
    ticket_id: int
    conversation_id: str
    agent_id: int
    agent_name: str
    note: str
    due_at: datetime
    status: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, with ISO times."""
        return {**asdict(self), "due_at": self.due_at.isoformat()}


def remind_before(promised_for: timedelta) -> timedelta:
    """How long before the due time to remind: 5 minutes, or a fifth of a short promise."""
    return min(REMIND_AT_MOST, promised_for / 5)


class PromiseBook:
    """Stores promises and finds the ones to remind about or escalate.

    Args:
        sessionmaker: async sessionmaker of the gateway database.
        clock: the current time.
    """

    def __init__(self, sessionmaker: sessionmaker, clock: Callable[[], datetime] = utc_now) -> None:
        self._sessionmaker = sessionmaker
        self._clock = clock

    async def make(self, ticket_id: int, agent_id: int, minutes: Any, note: Any) -> PromiseView:
        """Record a promise due ``minutes`` from now."""
        if (
            not isinstance(minutes, int)
            or isinstance(minutes, bool)
            or not 1 <= minutes <= MAX_MINUTES
        ):
            raise InvalidInput("due_in_minutes", f"due_in_minutes must be 1-{MAX_MINUTES}")
        text = require_text("note", note, 500)
        now = self._clock()
        async with self._sessionmaker.begin() as s:
            promise = Promise(
                ticket_id=ticket_id,
                agent_id=agent_id,
                note=text,
                due_at=now + timedelta(minutes=minutes),
                created_at=now,
                status="open",
            )
            s.add(promise)
            await s.flush()
            return await self._view(s, promise.id)

    async def fulfil(self, promise_id: Any, agent_id: int) -> PromiseView:
        """Mark one of the agent's promises kept."""
        if not isinstance(promise_id, int) or isinstance(promise_id, bool):
            raise InvalidInput("promise_id", "promise_id must be an integer")
        async with self._sessionmaker.begin() as s:
            promise = await s.get(Promise, promise_id)
            if promise is None or promise.agent_id != agent_id:
                raise PromiseNotFound(f"no promise {promise_id} of yours")
            promise.status = "fulfilled"
            promise.closed_at = self._clock()
            await s.flush()
            return await self._view(s, promise_id)

    async def open_for(self, agent_id: int) -> list[PromiseView]:
        """The agent's promises not yet kept (open or overdue), soonest first."""
        async with self._sessionmaker() as s:
            rows = await s.execute(
                select(Promise.id)
                .where(Promise.agent_id == agent_id, Promise.status != "fulfilled")
                .order_by(Promise.due_at)
            )
            return [await self._view(s, promise_id) for promise_id in rows.scalars()]

    async def due_for_reminder(self) -> list[PromiseView]:
        """Open promises close to their due time, not yet reminded; marks them reminded."""
        now = self._clock()
        async with self._sessionmaker.begin() as s:
            rows = await s.execute(
                select(Promise).where(Promise.status == "open", Promise.reminded_at.is_(None))
            )
            due = [
                p.id
                for p in rows.scalars()
                if p.due_at - remind_before(p.due_at - p.created_at) <= now
            ]
            unmarked = Promise.reminded_at.is_(None)
            mine = [i for i in due if await _mark(s, i, unmarked, reminded_at=now)]
            return [await self._view(s, i) for i in mine]

    async def newly_overdue(self) -> list[PromiseView]:
        """Open promises past their due time; marks them overdue (escalated once)."""
        now = self._clock()
        async with self._sessionmaker.begin() as s:
            rows = await s.execute(
                select(Promise.id).where(Promise.status == "open", Promise.due_at <= now)
            )
            still_open = Promise.status == "open"
            mine = [i for i in rows.scalars() if await _mark(s, i, still_open, status="overdue")]
            return [await self._view(s, promise_id) for promise_id in mine]

    async def _view(self, s: Any, promise_id: int) -> PromiseView:
        row = (
            await s.execute(
                select(Promise, Ticket.conversation_id, Agent.display_name)
                .join(Ticket, Ticket.id == Promise.ticket_id)
                .join(Agent, Agent.id == Promise.agent_id)
                .where(Promise.id == promise_id)
                .execution_options(populate_existing=True)
            )
        ).one()
        promise, conversation_id, agent_name = row
        return PromiseView(
            id=promise.id,
            ticket_id=promise.ticket_id,
            conversation_id=conversation_id,
            agent_id=promise.agent_id,
            agent_name=agent_name,
            note=promise.note,
            due_at=promise.due_at,
            status=promise.status,
        )


async def _mark(s: Any, promise_id: int, unless_done: Any, **values: Any) -> bool:
    # Conditional, so of several gateways keeping the clocks one reminds or escalates.
    result = await s.execute(
        update(Promise).where(Promise.id == promise_id, unless_done).values(**values)
    )
    return bool(result.rowcount)
