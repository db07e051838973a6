"""Every waiting shopper's place, told after each change of the queue, read once for all."""

from __future__ import annotations

from typing import Any

from handoff.desk import HelpDesk
from handoff.queue import HandoffQueue
from tests.handoff.conftest import Clock, MakeAgent, OpenTicket


async def test_each_shopper_is_told_the_place_and_wait_of_their_own_team(
    queue: HandoffQueue, open_ticket: OpenTicket, make_agent: MakeAgent, clock: Clock
) -> None:
    told: list[tuple[str, dict[str, Any]]] = []

    async def to_agents(*_: Any) -> None:
        pass

    async def to_shopper(conversation_id: str, event: str, data: dict[str, Any]) -> None:
        assert event == "queue_status"
        told.append((conversation_id, data))

    desk = HelpDesk(queue, None, None, to_agents, to_shopper)  # type: ignore[arg-type]
    alice = await make_agent("alice", skills="general", max_chats=5)
    bob = await make_agent("bob", skills="general,after_sales", max_chats=5)
    sam = await make_agent("sam", role="supervisor")
    await make_agent("ivy", skills="after_sales", active=False)
    for minutes in (4, 8):  # two closed tickets: 6 minutes each on average
        done = await open_ticket(f"done-{minutes}")
        await queue.claim(done, alice.id)
        clock.advance(minutes=minutes)
        await queue.close(done, alice.id, "resolved")
    for conversation_id, fields in [
        ("g1", {}),
        ("a1", {"team": "after_sales"}),
        ("g2", {}),
        ("a2", {"team": "after_sales", "priority": "high"}),  # served before a1
        ("s1", {"team": "security"}),
    ]:
        clock.advance(seconds=1)
        await open_ticket(conversation_id, **fields)
    for agent in (alice, bob, sam):
        await desk.presence.connected(agent.id, f"console-{agent.id}")

    await desk._queue_changed()

    assert [conversation_id for conversation_id, _ in told] == ["a2", "g1", "a1", "g2", "s1"]
    places = dict(told)
    # general: alice and bob; after_sales: bob (ivy is inactive). The supervisor is
    # never assigned a chat, so counting sam would promise a wait that never ends.
    assert places["g1"] == {"position": 1, "wait_minutes": 3, "agents_online": 2}
    assert places["g2"] == {"position": 2, "wait_minutes": 6, "agents_online": 2}
    assert places["a2"] == {"position": 1, "wait_minutes": 6, "agents_online": 1}
    assert places["a1"] == {"position": 2, "wait_minutes": 12, "agents_online": 1}
    assert places["s1"] == {"position": 1, "wait_minutes": 6, "agents_online": 0}
    for conversation_id, place in told:  # the same answer as reading one ticket at a time
        ticket = await queue.open_ticket_for(conversation_id)
        assert ticket is not None
        assert place["position"] == await queue.position(ticket.id)
