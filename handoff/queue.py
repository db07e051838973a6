"""The live-agent queue: one transaction per call, views out.

``HandoffQueue`` owns the transactions; the state changes live in
``handoff.tickets`` and the queries in ``handoff.store``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Mapping
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import sessionmaker

from handoff import store
from handoff import tickets as changes
from handoff.errors import ConcurrentUpdate, InvalidInput
from handoff.models import utc_now
from handoff.transfer_notes import TRANSFERRED, agents_named, transfer_history
from handoff.views import AgentView, TicketView, event_dict
from handoff.vocab import HANDED_BACK, PRIORITY_RANKS, QUEUED, STATUSES, TEAMS, require_optional

T = TypeVar("T")

#: Attempts of a change that keeps losing races before ``ConcurrentUpdate``.
ATTEMPTS = 5
MAX_PAGE = 200
#: Handling time assumed while no ticket has been closed yet.
DEFAULT_HANDLING = timedelta(minutes=3)
HANDLING_SAMPLE = 20


class HandoffQueue:
    """Tickets of conversations handed to people, and who holds them."""

    def __init__(self, sessionmaker: sessionmaker, clock: Callable[[], datetime] = utc_now) -> None:
        """Run every call in its own transaction from ``sessionmaker``.

        Args:
            sessionmaker: Factory of ``AsyncSession`` (``expire_on_commit=False``).
            clock: Returns the current aware UTC time.
        """
        self._sessions = sessionmaker
        self._clock = clock

    async def _change(self, work: Callable[..., Awaitable[T]], *args: Any) -> T:
        """Run ``work(s, now, *args)`` in a transaction, again if it lost a race."""
        for attempt in range(1, ATTEMPTS + 1):
            try:
                async with self._sessions.begin() as s:
                    return await work(s, self._clock(), *args)
            except ConcurrentUpdate:
                if attempt == ATTEMPTS:
                    raise
        raise AssertionError("unreachable")

    async def _read(self, work: Callable[..., Awaitable[T]], *args: Any) -> T:
        """Run the query ``work(s, *args)`` in a transaction."""
        async with self._sessions.begin() as s:
            return await work(s, *args)

    async def open_ticket(
        self,
        conversation_id: str,
        shopper_id: str | None,
        reason: str,
        priority: str,
        team: str,
        summary: list[str],
    ) -> tuple[TicketView, bool]:
        """Queue the conversation, once.

        If it has an open ticket already, that one is returned; a more urgent
        ``priority`` raises it (and moves it to ``team`` while still queued).

        Returns:
            The ticket and whether it was created now.

        Raises:
            InvalidInput: for an unknown reason, priority or team.
        """
        args = (conversation_id, shopper_id, reason, priority, team, summary)
        return await self._change(changes.open_ticket, *args)

    async def open_ticket_for(self, conversation_id: str) -> TicketView | None:
        """The conversation's queued or assigned ticket, if any."""
        return await self._read(_open_view, conversation_id)

    async def claim(self, ticket_id: int, agent_id: int) -> TicketView:
        """Take a queued ticket; exactly one of concurrent claimants wins.

        Raises:
            TicketNotFound, AgentNotFound, TicketClosed, TeamNotAllowed,
            TicketAlreadyClaimed: someone else holds it.
        """
        return await self._change(changes.claim, ticket_id, agent_id)

    async def take_over(
        self, conversation_id: str, agent_id: int, summary: list[str]
    ) -> tuple[TicketView, bool]:
        """A supervisor steps into a conversation: it becomes their ticket at once.

        Returns:
            The ticket, and False if the supervisor held it already (nothing changed).

        Raises:
            AgentNotFound, NotAllowed, ConversationNotFound, TicketAlreadyClaimed.
        """
        return await self._change(changes.take_over, conversation_id, agent_id, summary)

    async def assign_waiting(self, online_agent_ids: Collection[int]) -> list[TicketView]:
        """Auto-assign queued tickets to the least-loaded online agents.

        Only ``online_agent_ids`` are considered: active agents (not
        supervisors) with the ticket's team and a free slot.

        Returns:
            The tickets assigned now.
        """
        return await self._change(changes.assign_waiting, sorted(set(online_agent_ids)))

    async def holders(self) -> list[int]:
        """Ids of the agents who hold an assigned ticket."""
        async with self._sessions() as s:
            return await store.holders(s)

    async def agents(self, agent_ids: Collection[int]) -> list[AgentView]:
        """The agents with these ids (unknown ids are left out)."""
        if not agent_ids:
            return []
        async with self._sessions() as s:
            return [AgentView.of(a) for a in await store.agents_with_ids(s, agent_ids)]

    async def queue(self, team: str | None = None) -> list[TicketView]:
        """Queued tickets (of ``team``) in queue order."""
        require_optional("team", team, TEAMS)
        return await self._read(store.queued_views, team)

    async def tickets(
        self,
        status: str | None = None,
        priority: str | None = None,
        team: str | None = None,
        limit: int = 50,
        offset: int = 0,
        agent_id: int | None = None,
        shopper_id: str | None = None,
        max_csat: int | None = None,
    ) -> list[TicketView]:
        """Tickets matching the filters, newest first.

        ``agent_id`` is who holds (or closed) a ticket; ``max_csat`` keeps the
        tickets rated at most that (1-5).

        Raises:
            InvalidInput: for an unknown filter value, ``limit`` outside
                1-200 or a negative ``offset``.
        """
        filters = {
            "status": require_optional("status", status, STATUSES),
            "priority": require_optional("priority", priority, PRIORITY_RANKS),
            "team": require_optional("team", team, TEAMS),
            "agent_id": agent_id,
            "shopper_id": shopper_id,
        }
        if max_csat is not None and (type(max_csat) is not int or not 1 <= max_csat <= 5):
            raise InvalidInput("max_csat", "max_csat must be 1-5")
        if type(limit) is not int or not 1 <= limit <= MAX_PAGE:
            raise InvalidInput("limit", f"limit must be 1-{MAX_PAGE}")
        if type(offset) is not int or offset < 0:
            raise InvalidInput("offset", "offset must not be negative")
        given = {name: value for name, value in filters.items() if value is not None}
        return await self._read(store.filtered_views, given, limit, offset, max_csat)

    async def ticket(self, ticket_id: int) -> TicketView:
        """One ticket (``TicketNotFound``)."""
        return await self._read(store.ticket_view, ticket_id)

    async def held_by(self, agent_id: int) -> list[TicketView]:
        """The tickets ``agent_id`` holds, oldest claim first."""
        return await self._read(_held_views, agent_id)

    async def position(self, ticket_id: int) -> int:
        """1-based place among the queued tickets of its team; 0 if not queued."""
        return await self._read(_position, ticket_id)

    async def average_handling(self) -> timedelta:
        """The mean claimed→closed time of the last 20 closed tickets (3 minutes while none)."""
        times = await self._read(store.handling_times, HANDLING_SAMPLE)
        return sum(times, timedelta(0)) / len(times) if times else DEFAULT_HANDLING

    async def transfer(
        self,
        ticket_id: int,
        by_agent_id: int,
        to_agent_id: int | None = None,
        to_team: str | None = None,
        note: str | None = None,
    ) -> TicketView:
        """Move a ticket to one agent, or back to a team's queue.

        ``note`` (at most 200 characters) is for whoever takes it next; it is
        kept on the ticket's ``transferred`` event (``transfers``).

        Only its holder or a supervisor may. To an agent: they must be active
        with the team (or a supervisor) and have a free slot unless a
        supervisor transfers. To a team: queued again, keeping ``queued_at``.

        Raises:
            InvalidTransfer, InvalidInput, TransferNoteTooLong, TicketNotFound,
            TicketClosed, NotTicketHolder, AgentNotFound, AgentAtCapacity.
        """
        args = (ticket_id, by_agent_id, to_agent_id, to_team, note)
        return await self._change(changes.transfer, *args)

    async def close(
        self, ticket_id: int, agent_id: int, resolution_code: str, note: str | None = None
    ) -> TicketView:
        """Close a ticket (holder, or supervisor for any open ticket).

        Raises:
            InvalidInput: for an unknown ``resolution_code`` or a long note.
            TicketNotFound, TicketClosed, NotTicketHolder, AgentNotFound.
        """
        args = (ticket_id, agent_id, resolution_code, note)
        return await self._change(changes.close, *args)

    async def hand_back(self, ticket_id: int, agent_id: int) -> TicketView:
        """Close the ticket as ``handed_back``: the bot takes over again."""
        return await self.close(ticket_id, agent_id, HANDED_BACK)

    async def withdraw(self, ticket_id: int) -> TicketView | None:
        """Close a waiting, not urgent ticket at the shopper's word; None if it cannot be."""
        return await self._change(changes.withdraw, ticket_id)

    async def requeue_agent(self, agent_id: int) -> list[TicketView]:
        """Return the agent's tickets to the queue, ahead of their priority."""
        return await self._change(changes.requeue_agent, agent_id)

    async def rate(self, conversation_id: str, score: int) -> TicketView:
        """Rate the conversation's last closed ticket 1-5, once.

        Raises:
            InvalidRating: bad score or rated already.
            TicketNotFound: the conversation has no closed ticket.
        """
        return await self._change(changes.rate, conversation_id, score)

    async def unclaimed_past_deadline(
        self, cutoffs: Mapping[str, datetime]
    ) -> list[tuple[TicketView, str, datetime]]:
        """Tickets waiting past their claim deadline, breach not yet recorded.

        ``cutoffs`` is ``ClaimDeadlines.cutoffs(now)``. Each ticket comes with
        its kind of deadline (``urgent``, ``fraud``) and the start of its claim
        clock: when it last entered the queue (again) or was raised, for fraud
        no earlier than its first fraud flag.
        """
        return await self._read(store.unclaimed_past_deadline, cutoffs)

    async def record_once(
        self, ticket_id: int, kind: str, data: dict[str, Any], since: datetime | None = None
    ) -> bool:
        """Record an event a ticket may have only once (since ``since``); False if it had it."""
        async with self._sessions.begin() as s:
            return await store.record_once(s, ticket_id, kind, self._clock(), data, since)

    async def record_event(
        self, ticket_id: int, kind: str, data: dict[str, Any], actor_id: int | None = None
    ) -> None:
        """Add an event to a ticket's history (e.g. ``deadline_missed``)."""
        async with self._sessions.begin() as s:
            await store.add_event(s, ticket_id, kind, self._clock(), actor_id=actor_id, data=data)

    async def transfers(
        self, ticket_id: int, mask: Callable[[str], str] = str
    ) -> list[dict[str, Any]]:
        """Who transferred the ticket, from where to where, and their note; oldest first."""
        events = await self._read(_events_of_kind, ticket_id, TRANSFERRED)
        names = {a.id: a.display_name for a in await self.agents(agents_named(events))}
        return transfer_history(events, names, mask)

    async def waiting_messages(self, ticket_ids: list[int]) -> dict[int, dict[str, Any]]:
        """What the shoppers of these tickets wrote since they (last) entered the queue.

        Ticket id → ``{count, last: {text, at}}``; tickets without any are left out.
        """
        return await self._read(store.waiting_messages, list(ticket_ids))

    async def recent_events(self, ticket_id: int, limit: int = 50) -> list[dict[str, Any]]:
        """The last ``limit`` events of a ticket, oldest first (``TicketNotFound``)."""
        return await self._read(_events, ticket_id, limit)


async def _open_view(s: AsyncSession, conversation_id: str) -> TicketView | None:
    ticket = await store.open_ticket_of(s, conversation_id)
    return None if ticket is None else await store.ticket_view(s, ticket.id)


async def _held_views(s: AsyncSession, agent_id: int) -> list[TicketView]:
    held = await store.held_tickets(s, agent_id)
    return await store.views_of(s, [ticket.id for ticket in held])


def expected_wait(position: int, average_handling: timedelta, online_agents: int) -> timedelta:
    """Position × average handling time ÷ online agents of the team (at least one)."""
    return position * average_handling / max(1, online_agents)


async def _position(s: AsyncSession, ticket_id: int) -> int:
    ticket = await store.get_ticket(s, ticket_id)
    if ticket.status != QUEUED:
        return 0
    return (await store.queue_ids(s, ticket.team)).index(ticket.id) + 1


async def _events_of_kind(s: AsyncSession, ticket_id: int, kind: str) -> list[dict[str, Any]]:
    return [event_dict(event) for event in await store.events_of_kind(s, ticket_id, kind)]


async def _events(s: AsyncSession, ticket_id: int, limit: int) -> list[dict[str, Any]]:
    await store.get_ticket(s, ticket_id)
    return [event_dict(event) for event in await store.ticket_events(s, ticket_id, limit)]
