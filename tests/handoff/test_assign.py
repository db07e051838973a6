"""Auto-assignment: least-loaded online agent with the team and a free slot."""

from __future__ import annotations

from handoff.queue import HandoffQueue
from tests.handoff.conftest import Clock, MakeAgent, OpenTicket


async def _hold(queue: HandoffQueue, open_ticket: OpenTicket, agent_id: int, n: int) -> None:
    for i in range(n):
        await queue.claim(await open_ticket(f"held-{agent_id}-{i}"), agent_id)


async def test_goes_to_the_least_loaded_agent(
    queue: HandoffQueue, open_ticket: OpenTicket, make_agent: MakeAgent
) -> None:
    alice, bob = await make_agent("alice"), await make_agent("bob")
    await _hold(queue, open_ticket, alice.id, 2)
    ticket_id = await open_ticket("conv-1")
    [view] = await queue.assign_waiting([alice.id, bob.id])
    assert (view.id, view.status, view.agent_id, view.agent_name) == (
        ticket_id,
        "assigned",
        bob.id,
        "Bob",
    )
    events = await queue.recent_events(ticket_id)
    assert events[-1]["kind"] == "assigned"
    assert events[-1]["data"] == {"agent_id": bob.id}


async def test_spreads_tickets_evenly(
    queue: HandoffQueue, open_ticket: OpenTicket, make_agent: MakeAgent
) -> None:
    alice, bob = await make_agent("alice"), await make_agent("bob")
    for i in range(4):
        await open_ticket(f"conv-{i}")
    assigned = await queue.assign_waiting({alice.id, bob.id})
    assert [view.agent_id for view in assigned] == [alice.id, bob.id, alice.id, bob.id]
    assert await queue.queue() == []


async def test_needs_the_team(
    queue: HandoffQueue, open_ticket: OpenTicket, make_agent: MakeAgent
) -> None:
    alice = await make_agent("alice", skills="general")
    sam = await make_agent("sam", skills="safety,security")
    safety = await open_ticket("conv-1", team="safety", priority="urgent", reason="emergency")
    general = await open_ticket("conv-2")
    assigned = await queue.assign_waiting([alice.id, sam.id])
    assert {(v.id, v.agent_id) for v in assigned} == {(safety, sam.id), (general, alice.id)}


async def test_respects_max_chats(
    queue: HandoffQueue, open_ticket: OpenTicket, make_agent: MakeAgent
) -> None:
    alice = await make_agent("alice", max_chats=2)
    await _hold(queue, open_ticket, alice.id, 1)
    first, second = await open_ticket("conv-1"), await open_ticket("conv-2")
    assigned = await queue.assign_waiting([alice.id])
    assert [view.id for view in assigned] == [first]
    assert [view.id for view in await queue.queue()] == [second]
    assert await queue.assign_waiting([alice.id]) == []


async def test_only_online_active_agents_are_used(
    queue: HandoffQueue, open_ticket: OpenTicket, make_agent: MakeAgent
) -> None:
    away = await make_agent("away")
    gone = await make_agent("gone", active=False)
    boss = await make_agent("boss", role="supervisor")
    trainer = await make_agent("tina", role="trainer")
    ticket_id = await open_ticket("conv-1")
    assert await queue.assign_waiting([]) == []
    assert await queue.assign_waiting([gone.id, boss.id, trainer.id, 999]) == []
    assert (await queue.ticket(ticket_id)).status == "queued"
    [view] = await queue.assign_waiting([away.id])
    assert view.agent_id == away.id


async def test_follows_queue_order_when_slots_are_scarce(
    queue: HandoffQueue, open_ticket: OpenTicket, make_agent: MakeAgent, clock: Clock
) -> None:
    alice = await make_agent("alice", max_chats=1)
    await open_ticket("conv-old")
    clock.advance(minutes=5)
    urgent = await open_ticket("conv-urgent", priority="urgent", reason="emergency")
    [view] = await queue.assign_waiting([alice.id])
    assert view.id == urgent
    assert view.claimed_at == clock.now
