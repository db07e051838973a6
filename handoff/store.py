"""Query functions of the handoff; each takes the session it runs in.

Ticket state changes go through ``change_ticket``: a conditional UPDATE that
only applies while the row still holds the state it was read in, so two
transactions can never both move the same ticket (SQLite and PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select

from handoff.deadlines import FRAUD, FRAUD_PRIORITY, SAFETY_FLAGGED, URGENT, is_fraud_flag
from handoff.errors import AgentNotFound, ConcurrentUpdate, TicketNotFound, UsernameTaken
from handoff.models import Agent, Promise, Ticket, TicketEvent
from handoff.views import TicketView
from handoff.vocab import ASSIGNED, CLOSED, OPEN_STATUSES, QUEUED

#: Queue order: priority, then tickets returned by a leaving agent, then age.
QUEUE_ORDER = (
    Ticket.priority_rank,
    Ticket.requeued.desc(),
    Ticket.queued_at,
    Ticket.id,
)
#: The columns a state change is conditional on.
_GUARDED = ("status", "agent_id", "team", "priority_rank", "csat")


async def get_ticket(s: AsyncSession, ticket_id: int) -> Ticket:
    """Load a ticket with its current values; raise ``TicketNotFound``."""
    ticket = await s.get(Ticket, ticket_id, populate_existing=True)
    if ticket is None:
        raise TicketNotFound(f"ticket {ticket_id} does not exist")
    return ticket


async def get_agent(s: AsyncSession, agent_id: int) -> Agent:
    """Load an agent; raise ``AgentNotFound``."""
    agent = await s.get(Agent, agent_id, populate_existing=True)
    if agent is None:
        raise AgentNotFound(f"agent {agent_id} does not exist")
    return agent


async def agent_by_username(s: AsyncSession, username: str) -> Agent | None:
    """The agent with ``username``, if any."""
    stmt = select(Agent).where(Agent.username == username)
    return (await s.execute(stmt)).scalars().first()


async def all_agents(s: AsyncSession) -> list[Agent]:
    """Every agent, by username."""
    return list((await s.execute(select(Agent).order_by(Agent.username))).scalars())


async def holders(s: AsyncSession) -> list[int]:
    """Ids of the agents who hold an assigned ticket."""
    stmt = select(Ticket.agent_id).where(Ticket.status == ASSIGNED).distinct()
    return sorted(int(i) for i in (await s.execute(stmt)).scalars() if i is not None)


async def agents_with_ids(s: AsyncSession, agent_ids: Collection[int]) -> list[Agent]:
    """The agents among ``agent_ids``, by id."""
    stmt = select(Agent).where(Agent.id.in_(list(agent_ids))).order_by(Agent.id)
    return list((await s.execute(stmt)).scalars())


async def add_agent(s: AsyncSession, agent: Agent) -> Agent:
    """Insert ``agent``; raise ``UsernameTaken`` if its username is in use."""
    if await agent_by_username(s, agent.username) is not None:
        raise UsernameTaken(f"username {agent.username!r} is taken")
    s.add(agent)
    try:
        await s.flush()
    except IntegrityError:
        raise UsernameTaken(f"username {agent.username!r} is taken") from None
    return agent


async def open_ticket_of(s: AsyncSession, conversation_id: str) -> Ticket | None:
    """The conversation's queued or assigned ticket, if any."""
    stmt = select(Ticket).where(
        Ticket.conversation_id == conversation_id, Ticket.status.in_(OPEN_STATUSES)
    )
    return (await s.execute(stmt.execution_options(populate_existing=True))).scalars().first()


async def latest_closed(s: AsyncSession, conversation_id: str) -> Ticket | None:
    """The conversation's most recently closed ticket, if any."""
    stmt = (
        select(Ticket)
        .where(Ticket.conversation_id == conversation_id, Ticket.status == CLOSED)
        .order_by(Ticket.closed_at.desc(), Ticket.id.desc())
        .limit(1)
    )
    return (await s.execute(stmt.execution_options(populate_existing=True))).scalars().first()


async def add_ticket(s: AsyncSession, ticket: Ticket) -> Ticket:
    """Insert ``ticket``.

    Raises:
        ConcurrentUpdate: another transaction opened a ticket for the same
            conversation first.
    """
    s.add(ticket)
    try:
        await s.flush()
    except IntegrityError:
        raise ConcurrentUpdate("the conversation got a ticket meanwhile") from None
    return ticket


async def change_ticket(s: AsyncSession, ticket: Ticket, **values: Any) -> bool:
    """Set ``values`` if the row still has the state ``ticket`` was read in.

    Returns:
        True if the row changed; False if another transaction moved it first.
    """
    stmt = update(Ticket).where(Ticket.id == ticket.id)
    for name in _GUARDED:
        column, seen = getattr(Ticket, name), getattr(ticket, name)
        stmt = stmt.where(column.is_(None) if seen is None else column == seen)
    stmt = stmt.values(**values).execution_options(synchronize_session=False)
    result = await s.execute(stmt)
    return bool(result.rowcount == 1)


async def must_change_ticket(s: AsyncSession, ticket: Ticket, **values: Any) -> None:
    """``change_ticket`` that raises ``ConcurrentUpdate`` when it lost a race."""
    if not await change_ticket(s, ticket, **values):
        raise ConcurrentUpdate(f"ticket {ticket.id} changed meanwhile")


async def add_event(
    s: AsyncSession,
    ticket_id: int,
    kind: str,
    at: datetime,
    actor_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Record that ``kind`` happened to a ticket."""
    s.add(TicketEvent(ticket_id=ticket_id, kind=kind, actor_id=actor_id, at=at, data=data or {}))
    await s.flush()


def _views() -> Select:
    stmt = select(Ticket, Agent.display_name).outerjoin(Agent, Ticket.agent_id == Agent.id)
    return stmt.execution_options(populate_existing=True)


async def _fetch(s: AsyncSession, stmt: Select) -> list[TicketView]:
    return [TicketView.of(ticket, name) for ticket, name in (await s.execute(stmt)).all()]


async def ticket_view(s: AsyncSession, ticket_id: int) -> TicketView:
    """The current view of a ticket; raise ``TicketNotFound``."""
    views = await _fetch(s, _views().where(Ticket.id == ticket_id))
    if not views:
        raise TicketNotFound(f"ticket {ticket_id} does not exist")
    return views[0]


async def views_of(s: AsyncSession, ticket_ids: Sequence[int]) -> list[TicketView]:
    """Views of ``ticket_ids``, in that order."""
    if not ticket_ids:
        return []
    by_id = {v.id: v for v in await _fetch(s, _views().where(Ticket.id.in_(ticket_ids)))}
    return [by_id[ticket_id] for ticket_id in ticket_ids]


async def queued_tickets(s: AsyncSession, team: str | None = None) -> list[Ticket]:
    """Queued tickets (of ``team``), in queue order."""
    stmt = select(Ticket).where(Ticket.status == QUEUED)
    if team is not None:
        stmt = stmt.where(Ticket.team == team)
    stmt = stmt.order_by(*QUEUE_ORDER).execution_options(populate_existing=True)
    return list((await s.execute(stmt)).scalars())


async def queued_views(s: AsyncSession, team: str | None = None) -> list[TicketView]:
    """Views of the queued tickets (of ``team``), in queue order."""
    stmt = _views().where(Ticket.status == QUEUED)
    if team is not None:
        stmt = stmt.where(Ticket.team == team)
    return await _fetch(s, stmt.order_by(*QUEUE_ORDER))


async def filtered_views(
    s: AsyncSession,
    filters: dict[str, Any],
    limit: int,
    offset: int,
    max_csat: int | None = None,
) -> list[TicketView]:
    """Tickets whose columns equal ``filters`` (rated at most ``max_csat``), newest first."""
    stmt = _views()
    for name, value in filters.items():
        stmt = stmt.where(getattr(Ticket, name) == value)
    if max_csat is not None:
        stmt = stmt.where(Ticket.csat <= max_csat)
    stmt = stmt.order_by(Ticket.created_at.desc(), Ticket.id.desc())
    return await _fetch(s, stmt.limit(limit).offset(offset))


async def held_tickets(s: AsyncSession, agent_id: int) -> list[Ticket]:
    """The tickets ``agent_id`` holds, oldest claim first."""
    stmt = (
        select(Ticket)
        .where(Ticket.agent_id == agent_id, Ticket.status == ASSIGNED)
        .order_by(Ticket.claimed_at, Ticket.id)
        .execution_options(populate_existing=True)
    )
    return list((await s.execute(stmt)).scalars())


async def agent_loads(s: AsyncSession, agent_ids: Collection[int]) -> dict[int, int]:
    """How many tickets each of ``agent_ids`` holds (0 included)."""
    stmt = (
        select(Ticket.agent_id, func.count())
        .where(Ticket.status == ASSIGNED, Ticket.agent_id.in_(list(agent_ids)))
        .group_by(Ticket.agent_id)
    )
    loads = {agent_id: 0 for agent_id in agent_ids}
    loads.update({agent_id: int(n) for agent_id, n in (await s.execute(stmt)).all()})
    return loads


async def handling_times(s: AsyncSession, limit: int) -> list[timedelta]:
    """Claimed→closed durations of the last ``limit`` closed tickets."""
    stmt = (
        select(Ticket.claimed_at, Ticket.closed_at)
        .where(Ticket.status == CLOSED, Ticket.claimed_at.is_not(None))
        .order_by(Ticket.closed_at.desc(), Ticket.id.desc())
        .limit(limit)
    )
    rows = (await s.execute(stmt)).all()
    return [max(closed - claimed, timedelta(0)) for claimed, closed in rows]


async def ticket_events(s: AsyncSession, ticket_id: int, limit: int) -> list[TicketEvent]:
    """The last ``limit`` events of a ticket, oldest first."""
    stmt = (
        select(TicketEvent)
        .where(TicketEvent.ticket_id == ticket_id)
        .order_by(TicketEvent.id.desc())
        .limit(limit)
    )
    return list(reversed((await s.execute(stmt)).scalars().all()))


async def events_of_kind(s: AsyncSession, ticket_id: int, kind: str) -> list[TicketEvent]:
    """Every event of ``kind`` of a ticket, oldest first."""
    stmt = (
        select(TicketEvent)
        .where(TicketEvent.ticket_id == ticket_id, TicketEvent.kind == kind)
        .order_by(TicketEvent.id)
    )
    return list((await s.execute(stmt)).scalars())


async def queue_ids(s: AsyncSession, team: str) -> list[int]:
    """Ids of the queued tickets of ``team``, in queue order."""
    stmt = select(Ticket.id).where(Ticket.status == QUEUED, Ticket.team == team)
    return list((await s.execute(stmt.order_by(*QUEUE_ORDER))).scalars())


async def record_once(
    s: AsyncSession,
    ticket_id: int,
    kind: str,
    now: datetime,
    data: dict[str, Any],
    since: datetime | None = None,
) -> bool:
    """Add ``kind`` to a ticket's history unless it is there (at or after ``since``).

    Returns whether this call added it. The ticket's row is written first, a
    change to nothing that takes its lock (PostgreSQL) or the database's
    (SQLite), so of several gateways racing to record the same breach
    exactly one does.
    """
    await s.execute(update(Ticket).where(Ticket.id == ticket_id).values(id=Ticket.id))
    seen = select(TicketEvent.id).where(
        TicketEvent.ticket_id == ticket_id, TicketEvent.kind == kind
    )
    if since is not None:
        seen = seen.where(TicketEvent.at >= since)
    if await s.scalar(seen.limit(1)) is not None:
        return False
    await add_event(s, ticket_id, kind, now, data=data)
    return True


#: What (re)starts a ticket's claim clock: it was queued, went back to
#: a queue (an agent's grace ran out, a transfer) or was raised while waiting.
CLOCK_STARTS = ("queued", "requeued", "transferred", "priority_raised")
DEADLINE_MISSED = "deadline_missed"


async def unclaimed_past_deadline(
    s: AsyncSession, cutoffs: Mapping[str, datetime]
) -> list[tuple[TicketView, str, datetime]]:
    """Queued tickets with a claim deadline whose clock started before their kind's cutoff.

    ``cutoffs`` maps a kind of deadline (``handoff.deadlines``: ``urgent``,
    ``fraud``) to the latest clock start not yet past it; a kind left out has
    no deadline. Each ticket comes with its kind and its clock's start: when it
    last entered the queue or became urgent, and for fraud no earlier than the
    safety screen first flagged it. Those whose breach since then is recorded
    already are left out, so a ticket that comes back to the queue is alerted again.
    """
    priorities = {URGENT: "urgent", FRAUD: FRAUD_PRIORITY}
    wanted = [priorities[kind] for kind in cutoffs if kind in priorities]
    if not wanted:
        return []
    stmt = select(Ticket.id, Ticket.priority, Ticket.queued_at).where(
        Ticket.status == QUEUED, Ticket.priority.in_(wanted)
    )
    queued = {
        ticket_id: (priority, at) for ticket_id, priority, at in (await s.execute(stmt)).all()
    }
    if not queued:
        return []
    flagged = await _first_fraud_flags(
        s, [ticket_id for ticket_id, (priority, _) in queued.items() if priority != "urgent"]
    )
    started = await _latest_events(s, list(queued), CLOCK_STARTS)
    missed = await _latest_events(s, list(queued), (DEADLINE_MISSED,))
    due: dict[int, tuple[str, datetime]] = {}
    for ticket_id, (priority, queued_at) in queued.items():
        start = max(queued_at, started.get(ticket_id, queued_at))
        if priority == "urgent":
            kind = URGENT
        elif ticket_id in flagged:  # a high ticket is only on the clock for fraud
            kind, start = FRAUD, max(start, flagged[ticket_id])
        else:
            continue
        breached = missed.get(ticket_id)
        if start < cutoffs[kind] and (breached is None or breached < start):
            due[ticket_id] = (kind, start)
    views = await views_of(s, sorted(due))
    return [(view, *due[view.id]) for view in views]


async def _first_fraud_flags(s: AsyncSession, ticket_ids: list[int]) -> dict[int, datetime]:
    """When the safety screen first flagged each of these tickets for fraud (others left out)."""
    if not ticket_ids:
        return {}
    stmt = (
        select(TicketEvent.ticket_id, TicketEvent.kind, TicketEvent.at, TicketEvent.data)
        .where(TicketEvent.ticket_id.in_(ticket_ids), TicketEvent.kind == SAFETY_FLAGGED)
        .order_by(TicketEvent.id)
    )
    first: dict[int, datetime] = {}
    for ticket_id, kind, at, data in (await s.execute(stmt)).all():
        # The category is inside the JSON data: read here, alike on SQLite and PostgreSQL.
        if ticket_id not in first and is_fraud_flag({"kind": kind, "data": data}):
            first[ticket_id] = at
    return first


#: What puts a ticket (back) in a queue: its waiting shopper's messages count from then.
ENTERS_QUEUE = ("queued", "requeued", "transferred")
WAITING_MESSAGE = "waiting_message"


async def waiting_messages(s: AsyncSession, ticket_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Per queued ticket: the shopper's messages since it (last) entered the queue.

    ``{count, last: {text, at}}`` from its ``waiting_message`` events (the text
    as recorded: masked, shortened); tickets without any are left out.
    """
    if not ticket_ids:
        return {}
    stmt = select(Ticket.id, Ticket.queued_at).where(Ticket.id.in_(ticket_ids))
    queued = {ticket_id: at for ticket_id, at in (await s.execute(stmt)).all()}
    entered = await _latest_events(s, ticket_ids, ENTERS_QUEUE)
    stmt = (
        select(TicketEvent.ticket_id, TicketEvent.at, TicketEvent.data)
        .where(TicketEvent.ticket_id.in_(ticket_ids), TicketEvent.kind == WAITING_MESSAGE)
        .order_by(TicketEvent.id)
    )
    tallies: dict[int, dict[str, Any]] = {}
    for ticket_id, at, data in (await s.execute(stmt)).all():
        since = max(queued[ticket_id], entered.get(ticket_id, queued[ticket_id]))
        if at < since:
            continue  # said while an agent had the chat, or during an earlier wait
        tally = tallies.setdefault(ticket_id, {"count": 0, "last": None})
        tally["count"] += 1
        tally["last"] = {"text": str((data or {}).get("text") or ""), "at": at.isoformat()}
    return tallies


async def _latest_events(
    s: AsyncSession, ticket_ids: list[int], kinds: Sequence[str]
) -> dict[int, datetime]:
    """When each ticket last had one of ``kinds`` (tickets without one are left out)."""
    stmt = (
        select(TicketEvent.ticket_id, func.max(TicketEvent.at))
        .where(TicketEvent.ticket_id.in_(ticket_ids), TicketEvent.kind.in_(list(kinds)))
        .group_by(TicketEvent.ticket_id)
    )
    return {ticket_id: at for ticket_id, at in (await s.execute(stmt)).all()}


#: What an erased conversation's tickets are filed under instead of its id
#: (session ids have at least 8 characters, so it names no real conversation).
ERASED = "erased"


async def conversations_in_use(
    s: AsyncSession, conversation_ids: Sequence[str], closed_since: datetime | None = None
) -> set[str]:
    """Those of ``conversation_ids`` people still work on.

    That is: with a queued or assigned ticket, a promise to the shopper not yet
    kept, or (given ``closed_since``) a ticket closed since then.
    """
    ids = list(conversation_ids)
    busy = Ticket.status.in_(OPEN_STATUSES)
    if closed_since is not None:
        busy = or_(busy, Ticket.closed_at >= closed_since)
    ticketed = select(Ticket.conversation_id).where(Ticket.conversation_id.in_(ids), busy)
    promised = (
        select(Ticket.conversation_id)
        .join(Promise, Promise.ticket_id == Ticket.id)
        .where(Ticket.conversation_id.in_(ids), Promise.status != "fulfilled")
    )
    return set(await s.scalars(ticketed.union(promised)))


async def forget_conversations(s: AsyncSession, conversation_ids: Sequence[str]) -> int:
    """Remove what the handoff kept of these conversations; how many tickets they had.

    The tickets themselves stay, anonymous (no shopper, conversation, summary
    or note), because the statistics count them and the audit log, which is
    never changed, refers to them; their events and promises are deleted.
    """
    ids = list(conversation_ids)
    tickets = list(await s.scalars(select(Ticket.id).where(Ticket.conversation_id.in_(ids))))
    await s.execute(delete(TicketEvent).where(TicketEvent.ticket_id.in_(tickets)))
    await s.execute(delete(Promise).where(Promise.ticket_id.in_(tickets)))
    await s.execute(
        update(Ticket)
        .where(Ticket.id.in_(tickets))
        .values(conversation_id=ERASED, shopper_id=None, summary=[], resolution_note=None)
    )
    return len(tickets)
