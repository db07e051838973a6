"""介入: a supervisor steps into a conversation the bot has; it becomes their ticket.

The queue and desk on a real database (SQLite and PostgreSQL), the shopper's
side and Rasa's tracker faked.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import sessionmaker

from bot import store as gateway_store
from bot.schema import create_gateway_schema
from handoff import copy
from handoff.db import make_sessionmaker
from handoff.desk import HelpDesk, agent_room
from handoff.errors import ConversationNotFound, NotAllowed, TicketAlreadyClaimed
from handoff.queue import HandoffQueue
from tests.handoff.conftest import NOW, Clock, MakeAgent, OpenTicket, insert_agent


class Conversations:
    """The shopper's side: the history the desk reads and what it posts."""

    def __init__(self) -> None:
        self.said: dict[str, list[str]] = {}
        self.posted: list[tuple[str, str, str]] = []

    async def history(self, conversation_id: str) -> list[dict[str, Any]]:
        return [{"sender": "shopper", "text": t} for t in self.said.get(conversation_id, [])]

    async def post(self, conversation_id: str, sender: str, payload: dict[str, Any]) -> dict:
        self.posted.append((conversation_id, sender, str(payload.get("text"))))
        return payload


class Rasa:
    """Records the events appended to trackers."""

    def __init__(self) -> None:
        self.recorded: list[tuple[str, list[dict[str, Any]]]] = []

    async def append_events(self, conversation_id: str, events: list[dict[str, Any]]) -> None:
        self.recorded.append((conversation_id, events))

    async def parse(self, text: str) -> dict[str, Any]:
        return {}


class Bus:
    def __init__(self) -> None:
        self.sent: list[tuple[str, Any, str]] = []

    async def __call__(self, event: str, payload: Any, room: str) -> None:
        self.sent.append((event, payload, room))


async def _nowhere(*_: Any) -> None:
    pass


async def shopper_wrote(sessions: sessionmaker, conversation_id: str, at: datetime = NOW) -> None:
    async with sessions.begin() as s:
        await gateway_store.ensure_conversation(s, conversation_id, "demo", at)


@pytest.fixture
async def gateway_tables(engine: AsyncEngine) -> None:
    await create_gateway_schema(engine)


@pytest.fixture
def conversations() -> Conversations:
    return Conversations()


@pytest.fixture
def rasa() -> Rasa:
    return Rasa()


@pytest.fixture
def bus() -> Bus:
    return Bus()


@pytest.fixture
def desk(
    gateway_tables: None, queue: HandoffQueue, conversations: Conversations, rasa: Rasa, bus: Bus
) -> HelpDesk:
    return HelpDesk(queue, conversations, rasa, bus, _nowhere)  # type: ignore[arg-type]


async def test_a_supervisor_takes_a_bot_conversation_and_the_bot_falls_silent(
    desk: HelpDesk,
    queue: HandoffQueue,
    sessions: sessionmaker,
    conversations: Conversations,
    rasa: Rasa,
    bus: Bus,
    make_agent: MakeAgent,
) -> None:
    sam = await make_agent("sam", role="supervisor")
    await shopper_wrote(sessions, "c-1")
    conversations.said["c-1"] = [f"第{n}句" for n in range(7)]

    ticket = await desk.take_over(sam, "c-1")

    assert (ticket.status, ticket.agent_id, ticket.agent_name) == ("assigned", sam.id, "Sam")
    assert (ticket.reason, ticket.team, ticket.priority) == ("taken_over", "general", "normal")
    assert ticket.shopper_id == "demo" and ticket.claimed_at == NOW
    assert list(ticket.summary) == [f"第{n}句" for n in range(2, 7)]  # the last five
    kinds = [(e["kind"], e["actor_id"]) for e in await queue.recent_events(ticket.id)]
    assert kinds == [("taken_over", sam.id), ("claimed", sam.id)]
    assert conversations.posted == [("c-1", "system", copy.AGENT_JOINED.format(name="Sam"))]
    assert rasa.recorded == [("c-1", [{"event": "pause"}])]
    assigned = [(e, p["ticket"]["id"]) for e, p, room in bus.sent if room == agent_room(sam.id)]
    assert assigned == [("ticket_assigned", ticket.id)]
    assert "queue_updated" in [event for event, _, _ in bus.sent]
    # The shopper's next message goes to the supervisor, not to the bot.
    assert await desk.route("c-1", {"sender": "shopper", "text": "你好"}, "你好")
    assert ("ticket_message", agent_room(sam.id)) in [(e, r) for e, _, r in bus.sent]


async def test_taking_over_again_changes_nothing_and_tells_the_shopper_once(
    desk: HelpDesk, sessions: sessionmaker, conversations: Conversations, make_agent: MakeAgent
) -> None:
    sam = await make_agent("sam", role="supervisor")
    await shopper_wrote(sessions, "c-1")
    first = await desk.take_over(sam, "c-1")
    again = await desk.take_over(sam, "c-1")
    assert again.id == first.id
    assert len(conversations.posted) == 1


async def test_a_waiting_conversation_is_claimed_not_opened_twice(
    desk: HelpDesk,
    queue: HandoffQueue,
    sessions: sessionmaker,
    make_agent: MakeAgent,
    open_ticket: OpenTicket,
) -> None:
    sam = await make_agent("sam", role="supervisor")
    await shopper_wrote(sessions, "c-1")
    waiting = await open_ticket("c-1", team="after_sales")

    ticket = await desk.take_over(sam, "c-1")

    assert (ticket.id, ticket.status, ticket.agent_id) == (waiting, "assigned", sam.id)
    assert ticket.reason == "requested" and ticket.team == "after_sales"
    assert await queue.queue() == []


async def test_only_a_supervisor_and_only_a_chat_nobody_else_holds(
    desk: HelpDesk,
    queue: HandoffQueue,
    sessions: sessionmaker,
    conversations: Conversations,
    make_agent: MakeAgent,
    open_ticket: OpenTicket,
) -> None:
    alice = await make_agent("alice")
    sam = await make_agent("sam", role="supervisor")
    await shopper_wrote(sessions, "c-bot")
    await shopper_wrote(sessions, "c-held")
    await queue.claim(await open_ticket("c-held"), alice.id)

    with pytest.raises(NotAllowed):
        await desk.take_over(alice, "c-bot")
    with pytest.raises(TicketAlreadyClaimed):
        await desk.take_over(sam, "c-held")
    with pytest.raises(ConversationNotFound):
        await desk.take_over(sam, "c-nobody-wrote")
    assert await queue.open_ticket_for("c-bot") is None
    assert (await queue.open_ticket_for("c-held")).agent_id == alice.id  # type: ignore[union-attr]
    assert conversations.posted == []


async def test_of_two_supervisors_stepping_in_at_once_exactly_one_holds_the_chat(
    concurrent_engine: AsyncEngine,
) -> None:
    await create_gateway_schema(concurrent_engine)
    sessions = make_sessionmaker(concurrent_engine)
    queue = HandoffQueue(sessions, clock=Clock())
    sam = await insert_agent(sessions, "sam", role="supervisor")
    sue = await insert_agent(sessions, "sue", role="supervisor")
    await shopper_wrote(sessions, "c-1")

    results = await asyncio.gather(
        queue.take_over("c-1", sam.id, ["你好"]),
        queue.take_over("c-1", sue.id, ["你好"]),
        return_exceptions=True,
    )

    won = [r for r in results if isinstance(r, tuple)]
    lost = [r for r in results if isinstance(r, TicketAlreadyClaimed)]
    assert len(won) == 1 and len(lost) == 1, results
    ticket, taken = won[0]
    assert taken and (await queue.open_ticket_for("c-1")) == ticket
