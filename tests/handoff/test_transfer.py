"""Transfers: to one agent, or back to a team's queue."""

from __future__ import annotations

import pytest

from handoff.errors import (
    AgentAtCapacity,
    AgentNotFound,
    InvalidInput,
    InvalidTransfer,
    NotTicketHolder,
    TicketClosed,
)
from handoff.queue import HandoffQueue
from tests.handoff.conftest import NOW, Clock, MakeAgent, OpenTicket


@pytest.fixture
async def alice(make_agent: MakeAgent) -> int:
    """Id of alice, an agent of general and after_sales."""
    return (await make_agent("alice", skills="general,after_sales")).id


@pytest.fixture
async def held(queue: HandoffQueue, open_ticket: OpenTicket, alice: int) -> int:
    """A general ticket held by alice."""
    ticket_id = await open_ticket("conv-1")
    await queue.claim(ticket_id, alice)
    return ticket_id


async def test_holder_transfers_to_an_agent_with_the_team(
    queue: HandoffQueue, held: int, alice: int, make_agent: MakeAgent, clock: Clock
) -> None:
    bob = await make_agent("bob")
    clock.advance(minutes=3)
    view = await queue.transfer(held, alice, to_agent_id=bob.id)
    assert (view.status, view.agent_id, view.agent_name) == ("assigned", bob.id, "Bob")
    assert view.claimed_at == NOW
    event = (await queue.recent_events(held))[-1]
    assert (event["kind"], event["actor_id"]) == ("transferred", alice)
    assert event["data"]["to_agent_id"] == bob.id
    assert await queue.held_by(alice) == []


async def test_target_needs_the_team_and_to_be_active(
    queue: HandoffQueue, held: int, alice: int, make_agent: MakeAgent
) -> None:
    sam = await make_agent("sam", skills="safety")
    gone = await make_agent("gone", active=False)
    trainer = await make_agent("tina", role="trainer")
    for target in (sam, gone, trainer):
        with pytest.raises(InvalidTransfer):
            await queue.transfer(held, alice, to_agent_id=target.id)
    with pytest.raises(InvalidTransfer):
        await queue.transfer(held, alice, to_agent_id=alice)
    with pytest.raises(AgentNotFound):
        await queue.transfer(held, alice, to_agent_id=999)
    boss = await make_agent("boss", role="supervisor", skills="safety")
    assert (await queue.transfer(held, alice, to_agent_id=boss.id)).agent_id == boss.id


async def test_full_target_is_refused_unless_a_supervisor_transfers(
    queue: HandoffQueue, held: int, alice: int, make_agent: MakeAgent, open_ticket: OpenTicket
) -> None:
    bob = await make_agent("bob", max_chats=1)
    boss = await make_agent("boss", role="supervisor")
    await queue.claim(await open_ticket("conv-2"), bob.id)
    with pytest.raises(AgentAtCapacity) as caught:
        await queue.transfer(held, alice, to_agent_id=bob.id)
    assert caught.value.code == "agent_at_capacity"
    view = await queue.transfer(held, boss.id, to_agent_id=bob.id)
    assert view.agent_id == bob.id
    assert len(await queue.held_by(bob.id)) == 2


async def test_only_holder_or_supervisor_may_transfer(
    queue: HandoffQueue, held: int, alice: int, make_agent: MakeAgent
) -> None:
    bob = await make_agent("bob")
    boss = await make_agent("boss", role="supervisor")
    with pytest.raises(NotTicketHolder):
        await queue.transfer(held, bob.id, to_agent_id=bob.id)
    assert (await queue.transfer(held, boss.id, to_agent_id=bob.id)).agent_id == bob.id


async def test_transfer_to_team_requeues_keeping_its_place_in_time(
    queue: HandoffQueue, held: int, alice: int, open_ticket: OpenTicket, clock: Clock
) -> None:
    clock.advance(minutes=10)
    newer = await open_ticket("conv-2", team="after_sales")
    view = await queue.transfer(held, alice, to_team="after_sales")
    assert (view.status, view.team, view.agent_id, view.agent_name) == (
        "queued",
        "after_sales",
        None,
        None,
    )
    assert (view.queued_at, view.claimed_at, view.requeued) == (NOW, None, False)
    assert [v.id for v in await queue.queue("after_sales")] == [held, newer]
    assert await queue.position(held) == 1
    assert (await queue.recent_events(held))[-1]["data"]["to_team"] == "after_sales"


async def test_exactly_one_valid_target(queue: HandoffQueue, held: int, alice: int) -> None:
    with pytest.raises(InvalidTransfer) as caught:
        await queue.transfer(held, alice)
    assert caught.value.code == "invalid_transfer"
    with pytest.raises(InvalidTransfer):
        await queue.transfer(held, alice, to_agent_id=alice, to_team="general")
    with pytest.raises(InvalidInput) as bad_team:
        await queue.transfer(held, alice, to_team="kitchen")
    assert bad_team.value.field == "to_team"


async def test_queued_tickets_are_moved_by_supervisors_only(
    queue: HandoffQueue, open_ticket: OpenTicket, make_agent: MakeAgent
) -> None:
    alice = await make_agent("alice")
    boss = await make_agent("boss", role="supervisor")
    ticket_id = await open_ticket("conv-1")
    with pytest.raises(NotTicketHolder):
        await queue.transfer(ticket_id, alice.id, to_team="safety")
    with pytest.raises(InvalidTransfer):
        await queue.transfer(ticket_id, boss.id, to_team="general")
    assert (await queue.transfer(ticket_id, boss.id, to_team="safety")).team == "safety"
    with pytest.raises(InvalidTransfer):
        await queue.transfer(ticket_id, boss.id, to_agent_id=alice.id)
    view = await queue.transfer(ticket_id, boss.id, to_agent_id=boss.id)
    assert (view.status, view.agent_id, view.claimed_at) == ("assigned", boss.id, NOW)


async def test_closed_ticket_cannot_be_transferred(
    queue: HandoffQueue, held: int, alice: int, make_agent: MakeAgent
) -> None:
    bob = await make_agent("bob")
    await queue.close(held, alice, "resolved")
    with pytest.raises(TicketClosed):
        await queue.transfer(held, alice, to_agent_id=bob.id)
