"""Queue order, listings, positions and waiting-time estimates."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from handoff.errors import InvalidInput, TicketNotFound
from handoff.queue import HandoffQueue, expected_wait
from tests.handoff.conftest import NOW, Clock, MakeAgent, OpenTicket


async def test_queue_order_is_priority_then_requeued_then_age(
    queue: HandoffQueue, open_ticket: OpenTicket, make_agent: MakeAgent, clock: Clock
) -> None:
    alice = await make_agent("alice")
    normal_old = await open_ticket("n-old")
    clock.advance(minutes=1)
    high = await open_ticket("high", priority="high", reason="complaint")
    clock.advance(minutes=1)
    normal_new = await open_ticket("n-new")
    clock.advance(minutes=1)
    urgent = await open_ticket("urgent", priority="urgent", reason="emergency")
    clock.advance(minutes=1)
    returned = await open_ticket("returned")
    await queue.claim(returned, alice.id)
    await queue.requeue_agent(alice.id)
    order = [view.id for view in await queue.queue()]
    assert order == [urgent, high, returned, normal_old, normal_new]


async def test_queue_filters_by_team(queue: HandoffQueue, open_ticket: OpenTicket) -> None:
    general = await open_ticket("conv-1")
    safety = await open_ticket("conv-2", team="safety")
    assert [view.id for view in await queue.queue("general")] == [general]
    assert [view.id for view in await queue.queue("safety")] == [safety]
    with pytest.raises(InvalidInput):
        await queue.queue("kitchen")


async def test_position_counts_within_the_team(
    queue: HandoffQueue, open_ticket: OpenTicket, make_agent: MakeAgent, clock: Clock
) -> None:
    alice = await make_agent("alice")
    first = await open_ticket("conv-1")
    await open_ticket("conv-s", team="safety")
    clock.advance(minutes=1)
    second = await open_ticket("conv-2")
    clock.advance(minutes=1)
    urgent = await open_ticket("conv-3", priority="urgent", reason="emergency")
    positions = [await queue.position(t) for t in (urgent, first, second)]
    assert positions == [1, 2, 3]
    await queue.claim(urgent, alice.id)
    assert [await queue.position(t) for t in (urgent, first, second)] == [0, 1, 2]
    with pytest.raises(TicketNotFound):
        await queue.position(999)


async def estimated_wait(queue: HandoffQueue, ticket_id: int, online: int) -> timedelta:
    """The wait a shopper is told: place × average handling ÷ agents online."""
    return expected_wait(await queue.position(ticket_id), await queue.average_handling(), online)


async def test_estimated_wait_defaults_to_three_minutes_a_ticket(
    queue: HandoffQueue, open_ticket: OpenTicket
) -> None:
    await open_ticket("conv-1")
    second = await open_ticket("conv-2")
    assert await estimated_wait(queue, second, 1) == timedelta(minutes=6)
    assert await estimated_wait(queue, second, 2) == timedelta(minutes=3)
    assert await estimated_wait(queue, second, 0) == timedelta(minutes=6)


async def test_estimated_wait_uses_recent_handling_times(
    queue: HandoffQueue, open_ticket: OpenTicket, make_agent: MakeAgent, clock: Clock
) -> None:
    alice = await make_agent("alice", max_chats=5)
    for minutes in (4, 8):
        ticket_id = await open_ticket(f"done-{minutes}")
        await queue.claim(ticket_id, alice.id)
        clock.advance(minutes=minutes)
        await queue.close(ticket_id, alice.id, "resolved")
    queued = await open_ticket("conv-1")
    assert await estimated_wait(queue, queued, 1) == timedelta(minutes=6)
    await queue.claim(queued, alice.id)
    assert await estimated_wait(queue, queued, 1) == timedelta(0)


async def test_tickets_lists_newest_first_with_filters(
    queue: HandoffQueue, open_ticket: OpenTicket, make_agent: MakeAgent, clock: Clock
) -> None:
    alice = await make_agent("alice")
    ids = []
    for i, priority in enumerate(("normal", "high", "normal")):
        ids.append(await open_ticket(f"conv-{i}", priority=priority))
        clock.advance(minutes=1)
    await queue.claim(ids[0], alice.id)
    assert [v.id for v in await queue.tickets()] == ids[::-1]
    assert [v.id for v in await queue.tickets(status="queued")] == [ids[2], ids[1]]
    assert [v.id for v in await queue.tickets(priority="high")] == [ids[1]]
    assert [v.id for v in await queue.tickets(team="safety")] == []
    assert [v.id for v in await queue.tickets(limit=1, offset=1)] == [ids[1]]


async def test_tickets_filter_by_agent_shopper_and_low_ratings(
    queue: HandoffQueue, open_ticket: OpenTicket, make_agent: MakeAgent
) -> None:
    alice, bob = await make_agent("alice"), await make_agent("bob")
    rated = {}
    for conversation, agent, score in (("c1", alice, 1), ("c2", alice, 5), ("c3", bob, 2)):
        ticket_id = await open_ticket(conversation, shopper_id=f"S-{conversation}")
        await queue.claim(ticket_id, agent.id)
        await queue.close(ticket_id, agent.id, "resolved")
        await queue.rate(conversation, score)
        rated[conversation] = ticket_id
    unrated = await open_ticket("c4")
    assert [v.id for v in await queue.tickets(agent_id=alice.id)] == [rated["c2"], rated["c1"]]
    assert [v.id for v in await queue.tickets(shopper_id="S-c3")] == [rated["c3"]]
    assert [v.id for v in await queue.tickets(max_csat=2)] == [rated["c3"], rated["c1"]]
    assert unrated not in [v.id for v in await queue.tickets(max_csat=5)]


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("max_csat", {"max_csat": 0}),
        ("limit", {"limit": 201}),
        ("limit", {"limit": 0}),
        ("offset", {"offset": -1}),
        ("status", {"status": "open"}),
        ("priority", {"priority": "low"}),
        ("team", {"team": "kitchen"}),
    ],
)
async def test_tickets_validates(queue: HandoffQueue, field: str, kwargs: dict) -> None:
    with pytest.raises(InvalidInput) as caught:
        await queue.tickets(**kwargs)
    assert caught.value.field == field


async def test_ticket_view_is_json_ready_with_aware_times(
    queue: HandoffQueue, open_ticket: OpenTicket, make_agent: MakeAgent
) -> None:
    alice = await make_agent("alice")
    ticket_id = await open_ticket("conv-1", summary=["我的快递呢"], shopper_id="S1")
    view = await queue.claim(ticket_id, alice.id)
    data = view.to_dict()
    json.dumps(data)
    assert data["created_at"] == NOW.isoformat() == "2026-11-23T10:00:00+00:00"
    assert data["summary"] == ["我的快递呢"]
    assert data["agent_name"] == "Alice"
    assert data["closed_at"] is None
    assert (await queue.ticket(ticket_id)).claimed_at.utcoffset() == timedelta(0)
    with pytest.raises(TicketNotFound):
        await queue.ticket(999)
