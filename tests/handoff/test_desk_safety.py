"""The help desk's safety paths, with the queue on a real database and fake edges."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from handoff import copy
from handoff.desk import MOVED_TO_SAFETY, HelpDesk, agent_room
from handoff.queue import HandoffQueue
from tests.handoff.conftest import MakeAgent, OpenTicket


@dataclass(frozen=True)
class Verdict:
    level: str | None
    category: str | None = None
    matched: tuple[str, ...] = ()


VIOLENCE = Verdict("urgent", "violence", ("砸东西", "说要打死"))
DANGER = "我老公喝醉了在砸东西，说要打死我，我躲在卫生间"


class Conversations:
    """Records what the shopper is shown."""

    def __init__(self) -> None:
        self.posted: list[tuple[str, str, dict[str, Any]]] = []

    async def post(self, conversation_id: str, sender: str, payload: dict[str, Any]) -> dict:
        self.posted.append((conversation_id, sender, payload))
        return payload

    def texts(self, sender: str = "system") -> list[str]:
        return [p.get("text", "") for _, s, p in self.posted if s == sender]


class Bus:
    def __init__(self) -> None:
        self.sent: list[tuple[str, Any, str]] = []

    async def __call__(self, event: str, payload: Any, room: str) -> None:
        self.sent.append((event, payload, room))

    def to(self, room: str) -> list[str]:
        return [event for event, _, r in self.sent if r == room]

    def payloads(self, event: str) -> list[Any]:
        return [payload for e, payload, _ in self.sent if e == event]


@pytest.fixture
def bus() -> Bus:
    return Bus()


@pytest.fixture
def conversations() -> Conversations:
    return Conversations()


@pytest.fixture
def desk(queue: HandoffQueue, conversations: Conversations, bus: Bus) -> HelpDesk:
    async def to_shopper(*_: Any) -> None:
        pass

    return HelpDesk(queue, conversations, None, bus, to_shopper)  # type: ignore[arg-type]


async def test_danger_in_a_general_agents_chat_goes_to_the_safety_team_and_they_are_told(
    desk: HelpDesk,
    queue: HandoffQueue,
    bus: Bus,
    conversations: Conversations,
    open_ticket: OpenTicket,
    make_agent: MakeAgent,
) -> None:
    alice = await make_agent("alice", skills="general")
    sofia = await make_agent("sofia", skills="safety")
    ticket_id = await open_ticket("conv-1", summary=["我想退掉这件羽绒服", "转人工"])
    await queue.claim(ticket_id, alice.id)
    for agent in (alice, sofia):
        await desk.presence.connected(agent.id, f"console-{agent.id}")

    assert await desk.flag("conv-1", None, DANGER, VIOLENCE)

    ticket = await queue.ticket(ticket_id)
    assert (ticket.team, ticket.priority, ticket.agent_id) == ("safety", "urgent", sofia.id)
    assert ticket.summary[0] == DANGER
    assert bus.to(agent_room(alice.id)) == ["ticket_closed", "ticket_escalated"]
    [escalated] = bus.payloads("ticket_escalated")
    assert escalated["text"] == MOVED_TO_SAFETY.format(id=ticket_id)
    assert escalated["ticket"]["team"] == "safety"
    [alert] = bus.payloads("urgent_ticket")
    assert alert["ticket"]["team"] == "safety" and alert["ticket"]["summary"][0] == DANGER
    assert "ticket_assigned" in bus.to(agent_room(sofia.id))
    assert conversations.texts()[0] == copy.SAFETY_REPLIES["violence"]
    assert copy.AGENT_JOINED.format(name="Sofia") in conversations.texts()


async def test_with_no_safety_agent_online_the_ticket_waits_for_safety_and_the_shopper_is_told(
    desk: HelpDesk,
    queue: HandoffQueue,
    bus: Bus,
    conversations: Conversations,
    open_ticket: OpenTicket,
    make_agent: MakeAgent,
) -> None:
    alice = await make_agent("alice", skills="general")
    sam = await make_agent("sam", role="supervisor")
    ticket_id = await open_ticket("conv-1")
    await queue.claim(ticket_id, alice.id)
    for agent in (alice, sam):
        await desk.presence.connected(agent.id, f"console-{agent.id}")

    await desk.flag("conv-1", None, DANGER, VIOLENCE)

    ticket = await queue.ticket(ticket_id)
    assert (ticket.status, ticket.team, ticket.agent_id) == ("queued", "safety", None)
    assert [t.id for t in await queue.queue("safety")] == [ticket_id]  # a supervisor may claim
    # Only a supervisor is online, who is never assigned: say nobody is, and to call 110.
    assert conversations.texts()[-1] == copy.URGENT_NOBODY_ONLINE


async def test_danger_in_a_chat_held_by_a_safety_agent_stays_with_them(
    desk: HelpDesk, queue: HandoffQueue, bus: Bus, open_ticket: OpenTicket, make_agent: MakeAgent
) -> None:
    sofia = await make_agent("sofia", skills="general,safety")
    ticket_id = await open_ticket("conv-1")
    await queue.claim(ticket_id, sofia.id)
    await desk.presence.connected(sofia.id, "console")

    await desk.flag("conv-1", None, DANGER, VIOLENCE)

    ticket = await queue.ticket(ticket_id)
    assert (ticket.status, ticket.team, ticket.agent_id) == ("assigned", "safety", sofia.id)
    assert "ticket_closed" not in bus.to(agent_room(sofia.id))
    assert bus.payloads("urgent_ticket")[0]["ticket"]["agent_id"] == sofia.id


async def test_the_flag_keeps_the_shoppers_own_words_about_the_danger(
    desk: HelpDesk, queue: HandoffQueue
) -> None:
    await desk.flag("conv-1", None, DANGER, VIOLENCE)
    more = "他在踹卫生间的门"
    assert not await desk.flag("conv-1", None, more, Verdict("urgent", "violence", ("踹",)))
    ticket = await queue.open_ticket_for("conv-1")
    assert ticket is not None
    flags = [
        e["data"] for e in await queue.recent_events(ticket.id) if e["kind"] == "safety_flagged"
    ]
    assert flags[0]["messages"] == [DANGER]
    assert flags[-1]["messages"] == [DANGER, more]
    assert flags[-1]["matched"] == ["踹"]


@pytest.mark.parametrize(
    ("priority", "expected"),
    [("normal", copy.AFTER_HOURS), ("urgent", copy.URGENT_NOBODY_ONLINE)],
    ids=["normal", "urgent"],
)
async def test_a_supervisor_alone_online_is_not_counted_as_serving_the_queue(
    desk: HelpDesk,
    conversations: Conversations,
    make_agent: MakeAgent,
    priority: str,
    expected: str,
) -> None:
    sam = await make_agent("sam", role="supervisor", skills="general,safety")
    await desk.presence.connected(sam.id, "console")
    team = "safety" if priority == "urgent" else "general"
    await desk.open("conv-1", None, {"priority": priority, "team": team, "summary": ["转人工"]})
    assert conversations.texts() == [expected]
