"""Ticket state changes, each run inside the caller's transaction.

Every function takes the session ``s`` and the current time ``now`` and
returns views. Rows move only through ``store.change_ticket``'s conditional
UPDATE, so a change that lost a race raises ``ConcurrentUpdate`` (the queue
retries it) or is skipped, never applied on top of the winner's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import Conversation
from handoff import rules, store
from handoff.errors import (
    AgentAtCapacity,
    ConcurrentUpdate,
    ConversationNotFound,
    InvalidRating,
    InvalidTransfer,
    NotAllowed,
    ResolutionNoteRequired,
    TicketAlreadyClaimed,
    TicketNotFound,
)
from handoff.models import Agent, Ticket
from handoff.transfer_notes import require_transfer_note
from handoff.views import TicketView
from handoff.vocab import (
    ASSIGNED,
    CLOSED,
    HANDED_BACK,
    MAX_NOTE_CHARS,
    MAX_SUMMARY_ITEMS,
    PRIORITY_RANKS,
    QUEUED,
    REASONS,
    RESOLUTION_CODES,
    SUPERVISOR,
    TAKEN_OVER,
    WITHDRAWN,
    require_choice,
    require_summary,
    require_team,
    require_text,
)

URGENT = "urgent"


async def open_ticket(
    s: AsyncSession,
    now: datetime,
    conversation_id: str,
    shopper_id: str | None,
    reason: str,
    priority: str,
    team: str,
    summary: list[str],
) -> tuple[TicketView, bool]:
    """Queue a ticket for the conversation, or return its open one (raised)."""
    fields: dict[str, Any] = {
        "conversation_id": require_text("conversation_id", conversation_id, 64),
        "shopper_id": None if shopper_id is None else require_text("shopper_id", shopper_id, 64),
        "reason": require_choice("reason", reason, REASONS),
        "priority": require_choice("priority", priority, PRIORITY_RANKS),
        "team": require_team(team),
        "summary": require_summary(summary),
    }
    existing = await store.open_ticket_of(s, fields["conversation_id"])
    if existing is not None:
        await _raise_priority(s, now, existing, fields)
        return await store.ticket_view(s, existing.id), False
    rank = PRIORITY_RANKS[fields["priority"]]
    ticket = Ticket(**fields, status=QUEUED, priority_rank=rank, created_at=now, queued_at=now)
    await store.add_ticket(s, ticket)
    data = {key: fields[key] for key in ("reason", "priority", "team")}
    await store.add_event(s, ticket.id, "queued", now, data=data)
    return await store.ticket_view(s, ticket.id), True


async def _raise_priority(
    s: AsyncSession, now: datetime, ticket: Ticket, fields: dict[str, Any]
) -> None:
    rank = PRIORITY_RANKS[fields["priority"]]
    if rank >= ticket.priority_rank:
        return
    values: dict[str, Any] = {
        "priority": fields["priority"],
        "priority_rank": rank,
        "reason": fields["reason"],
        # What raised it first: the queue row and the brief show the danger, not the old request.
        "summary": raised_summary(fields["summary"], ticket.summary or []),
    }
    data = {"from": ticket.priority, "to": fields["priority"], "reason": fields["reason"]}
    team = fields["team"]
    if team != ticket.team:
        keeps = ticket.status == ASSIGNED and await _holder_may_take(s, ticket, team)
        # Queued, it moves; assigned, it moves only if its holder may take the team
        # (they keep it) or it is urgent: danger cannot wait with someone who cannot act on it.
        if ticket.status == QUEUED or keeps or fields["priority"] == URGENT:
            values["team"] = team
            data.update(from_team=ticket.team, to_team=team)
        if ticket.status == ASSIGNED and not keeps and fields["priority"] == URGENT:
            values.update(status=QUEUED, agent_id=None, claimed_at=None, requeued=False)
            data.update(from_agent_id=ticket.agent_id)
    await store.must_change_ticket(s, ticket, **values)
    await store.add_event(s, ticket.id, "priority_raised", now, data=data)


def raised_summary(new: list[str], old: list[str]) -> list[str]:
    """The raising messages first, then the earlier ones not among them."""
    return (list(new) + [text for text in old if text not in new])[:MAX_SUMMARY_ITEMS]


async def _holder_may_take(s: AsyncSession, ticket: Ticket, team: str) -> bool:
    return ticket.agent_id is not None and rules.may_take(
        await store.get_agent(s, ticket.agent_id), team
    )


def _require_queued(ticket: Ticket) -> None:
    rules.require_open(ticket)
    if ticket.status != QUEUED:
        raise TicketAlreadyClaimed(f"ticket {ticket.id} is taken")


async def claim(s: AsyncSession, now: datetime, ticket_id: int, agent_id: int) -> TicketView:
    """Give a queued ticket to ``agent_id``; only one claimant can ever win."""
    ticket = await store.get_ticket(s, ticket_id)
    _require_queued(ticket)
    rules.check_may_take(await store.get_agent(s, agent_id), ticket.team)
    claimed = {"status": ASSIGNED, "agent_id": agent_id, "claimed_at": now, "requeued": False}
    if not await store.change_ticket(s, ticket, **claimed):
        _require_queued(await store.get_ticket(s, ticket_id))
        raise ConcurrentUpdate(f"ticket {ticket_id} moved meanwhile")
    await store.add_event(s, ticket_id, "claimed", now, actor_id=agent_id)
    return await store.ticket_view(s, ticket_id)


async def take_over(
    s: AsyncSession, now: datetime, conversation_id: str, agent_id: int, summary: list[str]
) -> tuple[TicketView, bool]:
    """Make a conversation the bot has a ticket the supervisor ``agent_id`` holds at once.

    Nobody waits in a queue, so the ticket opens assigned: ``taken_over`` then
    ``claimed`` (the report counts it as any claim). A conversation already
    waiting is claimed instead; one the supervisor holds is returned as it is
    (and False: nothing changed).

    Raises:
        AgentNotFound, NotAllowed (not a supervisor), ConversationNotFound,
        TicketAlreadyClaimed: someone else holds the conversation's ticket.
    """
    agent = rules.require_active(await store.get_agent(s, agent_id))
    if agent.role != SUPERVISOR:
        raise NotAllowed("only supervisors step into a conversation")
    existing = await store.open_ticket_of(s, conversation_id)
    if existing is not None and existing.status == QUEUED:
        return await claim(s, now, existing.id, agent_id), True
    if existing is not None:
        if existing.agent_id != agent_id:
            raise TicketAlreadyClaimed(f"ticket {existing.id} is taken")
        return await store.ticket_view(s, existing.id), False
    conversation = await s.get(Conversation, conversation_id)
    if conversation is None:
        raise ConversationNotFound(f"conversation {conversation_id} does not exist")
    fields = {"reason": TAKEN_OVER, "priority": "normal", "team": "general"}
    ticket = Ticket(
        conversation_id=conversation_id,
        shopper_id=conversation.shopper_id,
        status=ASSIGNED,
        priority_rank=PRIORITY_RANKS["normal"],
        summary=require_summary(summary),
        agent_id=agent_id,
        created_at=now,
        queued_at=now,
        claimed_at=now,
        **fields,
    )
    await store.add_ticket(s, ticket)  # a ticket opened meanwhile: the queue tries again
    await store.add_event(s, ticket.id, TAKEN_OVER, now, actor_id=agent_id, data=fields)
    await store.add_event(s, ticket.id, "claimed", now, actor_id=agent_id)
    return await store.ticket_view(s, ticket.id), True


async def assign_waiting(
    s: AsyncSession, now: datetime, online_agent_ids: list[int]
) -> list[TicketView]:
    """Give queued tickets, in queue order, to the least-loaded fitting agents."""
    if not online_agent_ids:
        return []
    agents = await store.agents_with_ids(s, online_agent_ids)
    loads = await store.agent_loads(s, [agent.id for agent in agents])
    assigned: list[int] = []
    for ticket in await store.queued_tickets(s):
        agent = rules.least_loaded(agents, loads, ticket.team)
        if agent is None:
            continue
        values = {"status": ASSIGNED, "agent_id": agent.id, "claimed_at": now, "requeued": False}
        if await store.change_ticket(s, ticket, **values):
            loads[agent.id] += 1
            await store.add_event(s, ticket.id, "assigned", now, data={"agent_id": agent.id})
            assigned.append(ticket.id)
    return await store.views_of(s, assigned)


async def transfer(
    s: AsyncSession,
    now: datetime,
    ticket_id: int,
    by_agent_id: int,
    to_agent_id: int | None,
    to_team: str | None,
    note: str | None = None,
) -> TicketView:
    """Hand a ticket to one agent or back to a team's queue, with a note for who takes it."""
    note = require_transfer_note(note)
    if (to_agent_id is None) == (to_team is None):
        raise InvalidTransfer("give exactly one of to_agent_id and to_team")
    ticket = rules.require_open(await store.get_ticket(s, ticket_id))
    actor = await store.get_agent(s, by_agent_id)
    rules.check_may_handle(actor, ticket)
    if to_agent_id is not None:
        values = await _to_agent(s, now, ticket, actor, to_agent_id)
    else:
        values = _to_team(ticket, require_team(to_team, "to_team"))
    await store.must_change_ticket(s, ticket, **values)
    data = {"from_agent_id": ticket.agent_id, "from_team": ticket.team}
    data.update(to_agent_id=to_agent_id, to_team=to_team)
    if note is not None:
        data["note"] = note
    await store.add_event(s, ticket_id, "transferred", now, actor_id=actor.id, data=data)
    return await store.ticket_view(s, ticket_id)


async def _to_agent(
    s: AsyncSession, now: datetime, ticket: Ticket, actor: Agent, to_agent_id: int
) -> dict[str, Any]:
    target = await store.get_agent(s, to_agent_id)
    if ticket.status == ASSIGNED and target.id == ticket.agent_id:
        raise InvalidTransfer(f"{target.username} holds the ticket already")
    if not rules.may_take(target, ticket.team):
        raise InvalidTransfer(f"{target.username} cannot take team {ticket.team}")
    if actor.role != SUPERVISOR:
        load = (await store.agent_loads(s, [target.id]))[target.id]
        if load >= target.max_chats:
            raise AgentAtCapacity(f"{target.username} has no free slot")
    return {
        "status": ASSIGNED,
        "agent_id": target.id,
        "team": ticket.team,
        "claimed_at": ticket.claimed_at or now,
        "requeued": False,
    }


def _to_team(ticket: Ticket, team: str) -> dict[str, Any]:
    if ticket.status == QUEUED and ticket.team == team:
        raise InvalidTransfer(f"ticket {ticket.id} is queued for {team} already")
    # queued_at stays: the ticket keeps its place in time in the new queue.
    return {"status": QUEUED, "agent_id": None, "team": team, "claimed_at": None, "requeued": False}


async def close(
    s: AsyncSession,
    now: datetime,
    ticket_id: int,
    agent_id: int,
    resolution_code: str,
    note: str | None,
) -> TicketView:
    """Close a ticket as its holder, or any open ticket as a supervisor."""
    code = require_choice("resolution_code", resolution_code, RESOLUTION_CODES)
    if note is not None:
        note = require_text("note", note, MAX_NOTE_CHARS, empty_ok=True) or None
    ticket = rules.require_open(await store.get_ticket(s, ticket_id))
    rules.check_may_handle(await store.get_agent(s, agent_id), ticket)
    if ticket.priority == URGENT and ticket.status == ASSIGNED and not note:
        raise ResolutionNoteRequired(f"urgent ticket {ticket_id} needs a note on what was done")
    closed = {"status": CLOSED, "closed_at": now, "resolution_code": code}
    await store.must_change_ticket(s, ticket, resolution_note=note, **closed)
    kind = "handed_back" if code == HANDED_BACK else "closed"
    data = {"resolution_code": code}
    await store.add_event(s, ticket_id, kind, now, actor_id=agent_id, data=data)
    return await store.ticket_view(s, ticket_id)


async def withdraw(s: AsyncSession, now: datetime, ticket_id: int) -> TicketView | None:
    """Close a ticket the shopper no longer wants a person for, if it still waits.

    An urgent one stays (宁可信其有: a person checks in all the same), and so
    does one an agent took meanwhile: the shopper tells them.
    """
    ticket = await store.get_ticket(s, ticket_id)
    if ticket is None or ticket.status != QUEUED or ticket.priority == URGENT:
        return None
    closed = {"status": CLOSED, "closed_at": now, "resolution_code": WITHDRAWN}
    if not await store.change_ticket(s, ticket, **closed):
        return None  # claimed in the meantime
    await store.add_event(s, ticket_id, WITHDRAWN, now, data={})
    return await store.ticket_view(s, ticket_id)


async def requeue_agent(s: AsyncSession, now: datetime, agent_id: int) -> list[TicketView]:
    """Put the agent's tickets back in the queue, ahead of their priority."""
    moved: list[int] = []
    back = {"status": QUEUED, "agent_id": None, "claimed_at": None, "requeued": True}
    for ticket in await store.held_tickets(s, agent_id):
        if await store.change_ticket(s, ticket, **back):
            await store.add_event(s, ticket.id, "requeued", now, data={"agent_id": agent_id})
            moved.append(ticket.id)
    return await store.views_of(s, moved)


async def rate(s: AsyncSession, now: datetime, conversation_id: str, score: int) -> TicketView:
    """Store the shopper's 1-5 rating on their last closed ticket, once."""
    if type(score) is not int or not 1 <= score <= 5:
        raise InvalidRating("the score must be a whole number from 1 to 5")
    ticket = await store.latest_closed(s, conversation_id)
    if ticket is None:
        raise TicketNotFound(f"conversation {conversation_id} has no closed ticket")
    if ticket.csat is not None:
        raise InvalidRating(f"ticket {ticket.id} is rated already")
    await store.must_change_ticket(s, ticket, csat=score)
    await store.add_event(s, ticket.id, "rated", now, data={"score": score})
    return await store.ticket_view(s, ticket.id)
