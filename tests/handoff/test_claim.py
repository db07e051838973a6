"""Claiming: one holder per ticket, whatever the concurrency."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import sessionmaker

from handoff import store
from handoff.db import make_sessionmaker
from handoff.errors import (
    AgentNotFound,
    TeamNotAllowed,
    TicketAlreadyClaimed,
    TicketClosed,
    TicketNotFound,
)
from handoff.models import Ticket, TicketEvent
from handoff.queue import HandoffQueue
from tests.handoff.conftest import Clock, MakeAgent, OpenTicket, insert_agent


async def test_claim_assigns_the_ticket(
    queue: HandoffQueue, open_ticket: OpenTicket, make_agent: MakeAgent, clock: Clock
) -> None:
    alice = await make_agent("alice")
    ticket_id = await open_ticket("conv-1")
    claimed_at = clock.advance(minutes=2)
    view = await queue.claim(ticket_id, alice.id)
    assert (view.status, view.agent_id, view.agent_name) == ("assigned", alice.id, "Alice")
    assert view.claimed_at == claimed_at
    events = await queue.recent_events(ticket_id)
    assert [(e["kind"], e["actor_id"]) for e in events] == [("queued", None), ("claimed", alice.id)]
    assert await queue.held_by(alice.id) == [view]


async def test_second_claim_is_refused(
    queue: HandoffQueue, open_ticket: OpenTicket, make_agent: MakeAgent
) -> None:
    alice, bob = await make_agent("alice"), await make_agent("bob")
    ticket_id = await open_ticket("conv-1")
    await queue.claim(ticket_id, alice.id)
    with pytest.raises(TicketAlreadyClaimed) as caught:
        await queue.claim(ticket_id, bob.id)
    assert caught.value.code == "ticket_already_claimed"
    assert (await queue.ticket(ticket_id)).agent_id == alice.id


async def test_claim_of_closed_or_missing_ticket(
    queue: HandoffQueue, open_ticket: OpenTicket, make_agent: MakeAgent
) -> None:
    boss = await make_agent("boss", role="supervisor")
    ticket_id = await open_ticket("conv-1")
    await queue.close(ticket_id, boss.id, "duplicate")
    with pytest.raises(TicketClosed):
        await queue.claim(ticket_id, boss.id)
    with pytest.raises(TicketNotFound):
        await queue.claim(999, boss.id)


async def test_claim_needs_the_team(
    queue: HandoffQueue, open_ticket: OpenTicket, make_agent: MakeAgent
) -> None:
    alice = await make_agent("alice", skills="general,after_sales")
    trainer = await make_agent("tina", role="trainer", skills="safety")
    boss = await make_agent("boss", role="supervisor", skills="general")
    ticket_id = await open_ticket("conv-1", team="safety", priority="urgent", reason="emergency")
    for agent in (alice, trainer):
        with pytest.raises(TeamNotAllowed) as caught:
            await queue.claim(ticket_id, agent.id)
        assert caught.value.code == "team_not_allowed"
    assert (await queue.claim(ticket_id, boss.id)).agent_id == boss.id


async def test_claim_by_unknown_or_disabled_agent(
    queue: HandoffQueue, open_ticket: OpenTicket, make_agent: MakeAgent
) -> None:
    gone = await make_agent("gone", active=False)
    ticket_id = await open_ticket("conv-1")
    for agent_id in (gone.id, 999):
        with pytest.raises(AgentNotFound):
            await queue.claim(ticket_id, agent_id)
    assert (await queue.ticket(ticket_id)).status == "queued"


async def test_stale_state_change_does_not_apply(
    queue: HandoffQueue, sessions: sessionmaker, open_ticket: OpenTicket, make_agent: MakeAgent
) -> None:
    alice, bob = await make_agent("alice"), await make_agent("bob")
    ticket_id = await open_ticket("conv-1")
    async with sessions() as s:
        stale = await store.get_ticket(s, ticket_id)
    await queue.claim(ticket_id, alice.id)
    async with sessions.begin() as s:
        assert not await store.change_ticket(s, stale, status="assigned", agent_id=bob.id)
    assert (await queue.ticket(ticket_id)).agent_id == alice.id


class _Barrier:
    """Holds callers until ``parties`` of them arrived (asyncio.Barrier is 3.11+)."""

    def __init__(self, parties: int) -> None:
        self._parties = parties
        self._arrived = 0
        self._open = asyncio.Event()

    async def wait(self) -> None:
        self._arrived += 1
        if self._arrived >= self._parties:
            self._open.set()
        await asyncio.wait_for(self._open.wait(), timeout=30)


async def _warm_up(sessions: sessionmaker, connections: int) -> None:
    """Open ``connections`` at once, so the claims below start on equal terms."""
    barrier = _Barrier(connections)

    async def hold() -> None:
        async with sessions() as s:
            await s.execute(select(1))
            await barrier.wait()

    await asyncio.gather(*(hold() for _ in range(connections)))


@pytest.mark.parametrize("all_read_first", [False, True], ids=["gather", "all-read-first"])
async def test_twenty_concurrent_claims_have_one_winner(
    concurrent_engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch, all_read_first: bool
) -> None:
    sessions = make_sessionmaker(concurrent_engine)
    queue = HandoffQueue(sessions, clock=Clock())
    agents = [await insert_agent(sessions, f"agent{i:02d}") for i in range(20)]
    ticket, _ = await queue.open_ticket("conv-1", None, "requested", "normal", "general", [])
    await _warm_up(sessions, 20)
    if all_read_first:
        # Every claimant has seen the ticket queued before anyone updates it,
        # so only the conditional UPDATE can keep them apart.
        barrier, get_agent = _Barrier(20), store.get_agent

        async def get_agent_then_wait(s: object, agent_id: int) -> object:
            agent = await get_agent(s, agent_id)
            await barrier.wait()
            return agent

        monkeypatch.setattr(store, "get_agent", get_agent_then_wait)

    results = await asyncio.gather(
        *(queue.claim(ticket.id, agent.id) for agent in agents), return_exceptions=True
    )

    won = [r for r in results if not isinstance(r, BaseException)]
    lost = [r for r in results if isinstance(r, BaseException)]
    assert len(won) == 1
    assert len(lost) == 19
    assert all(isinstance(error, TicketAlreadyClaimed) for error in lost), lost
    async with sessions() as s:
        row = (await s.execute(select(Ticket))).scalars().one()
        claims = (await s.execute(select(TicketEvent).where(TicketEvent.kind == "claimed"))).all()
    assert (row.status, row.agent_id) == ("assigned", won[0].agent_id)
    assert len(claims) == 1
