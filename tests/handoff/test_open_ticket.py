"""Opening tickets: once per conversation, raised by more urgent requests."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import sessionmaker

from handoff.db import make_sessionmaker
from handoff.errors import InvalidInput
from handoff.models import Ticket
from handoff.queue import HandoffQueue
from tests.handoff.conftest import NOW, Clock, MakeAgent, OpenTicket


async def _count(sessions: sessionmaker) -> int:
    async with sessions() as s:
        return int((await s.execute(select(func.count()).select_from(Ticket))).scalar_one())


async def _kinds(queue: HandoffQueue, ticket_id: int) -> list[str]:
    return [event["kind"] for event in await queue.recent_events(ticket_id)]


async def test_open_ticket_queues_a_new_ticket(queue: HandoffQueue) -> None:
    view, created = await queue.open_ticket(
        "conv-1", "S1001", "complaint", "high", "after_sales", ["快递丢了", "我要投诉"]
    )
    assert created
    assert (view.conversation_id, view.shopper_id, view.status) == ("conv-1", "S1001", "queued")
    assert (view.priority, view.priority_rank, view.team) == ("high", 1, "after_sales")
    assert view.reason == "complaint"
    assert view.summary == ("快递丢了", "我要投诉")
    assert view.created_at == view.queued_at == NOW
    assert view.created_at.tzinfo is not None
    assert (view.agent_id, view.agent_name, view.claimed_at, view.requeued) == (
        None,
        None,
        None,
        False,
    )
    assert await _kinds(queue, view.id) == ["queued"]


async def test_open_ticket_is_idempotent_per_conversation(
    queue: HandoffQueue, sessions: sessionmaker, clock: Clock
) -> None:
    first, _ = await queue.open_ticket("conv-1", None, "requested", "normal", "general", [])
    clock.advance(minutes=1)
    again, created = await queue.open_ticket("conv-1", None, "requested", "normal", "general", [])
    assert not created
    assert again == first
    assert await _count(sessions) == 1
    assert await queue.open_ticket_for("conv-1") == first
    assert await queue.open_ticket_for("conv-2") is None


async def test_more_urgent_request_raises_priority_and_moves_team(
    queue: HandoffQueue, open_ticket: OpenTicket
) -> None:
    ticket_id = await open_ticket("conv-1", priority="normal", team="general")
    view, created = await queue.open_ticket(
        "conv-1", None, "emergency", "urgent", "safety", ["有人受伤"]
    )
    assert not created
    assert view.id == ticket_id
    assert (view.priority, view.priority_rank, view.team) == ("urgent", 0, "safety")
    assert view.reason == "emergency"
    assert view.queued_at == NOW
    assert await _kinds(queue, ticket_id) == ["queued", "priority_raised"]
    event = (await queue.recent_events(ticket_id))[-1]
    assert event["data"]["from"] == "normal"
    assert event["data"]["to"] == "urgent"


async def test_less_or_equally_urgent_request_changes_nothing(
    queue: HandoffQueue, open_ticket: OpenTicket
) -> None:
    ticket_id = await open_ticket("conv-1", priority="high", team="after_sales", reason="complaint")
    before = await queue.ticket(ticket_id)
    for priority in ("high", "normal"):
        view, _ = await queue.open_ticket("conv-1", None, "requested", priority, "general", [])
        assert view == before
    assert await _kinds(queue, ticket_id) == ["queued"]


async def test_urgent_chat_held_without_the_safety_skill_goes_to_the_safety_queue(
    queue: HandoffQueue, open_ticket: OpenTicket, make_agent: MakeAgent
) -> None:
    alice = await make_agent("alice")  # general only
    ticket_id = await open_ticket("conv-1", summary=["我想退掉这件羽绒服", "转人工"])
    await queue.claim(ticket_id, alice.id)
    danger = "我老公喝醉了在砸东西，说要打死我"
    view, created = await queue.open_ticket(
        "conv-1", None, "emergency", "urgent", "safety", [danger]
    )
    assert not created
    assert (view.status, view.agent_id, view.priority, view.team, view.reason) == (
        "queued",
        None,
        "urgent",
        "safety",
        "emergency",
    )
    # The queue row shows the danger first, the earlier request after it.
    assert view.summary == (danger, "我想退掉这件羽绒服", "转人工")
    assert [t.id for t in await queue.queue("safety")] == [ticket_id]
    raised = (await queue.recent_events(ticket_id))[-1]
    assert raised["kind"] == "priority_raised"
    assert raised["data"]["from_agent_id"] == alice.id and raised["data"]["to_team"] == "safety"


@pytest.mark.parametrize(
    ("role", "skills"), [("agent", "general,safety"), ("supervisor", "general")]
)
async def test_urgent_chat_held_by_someone_who_may_take_safety_stays_with_them(
    queue: HandoffQueue, open_ticket: OpenTicket, make_agent: MakeAgent, role: str, skills: str
) -> None:
    holder = await make_agent("sofia", role=role, skills=skills)
    ticket_id = await open_ticket("conv-1")
    await queue.claim(ticket_id, holder.id)
    view, _ = await queue.open_ticket("conv-1", None, "emergency", "urgent", "safety", ["着火了"])
    assert (view.status, view.agent_id, view.priority, view.team) == (
        "assigned",
        holder.id,
        "urgent",
        "safety",
    )
    assert view.summary == ("着火了", "你好")


async def test_high_raise_of_a_held_chat_keeps_its_holder_and_team(
    queue: HandoffQueue, open_ticket: OpenTicket, make_agent: MakeAgent
) -> None:
    alice = await make_agent("alice")
    ticket_id = await open_ticket("conv-1")
    await queue.claim(ticket_id, alice.id)
    view, _ = await queue.open_ticket(
        "conv-1", None, "account_security", "high", "security", ["对方让我转到安全账户"]
    )
    assert (view.status, view.agent_id, view.priority, view.team) == (
        "assigned",
        alice.id,
        "high",
        "general",
    )


async def test_closed_ticket_lets_a_new_one_open(
    queue: HandoffQueue, open_ticket: OpenTicket, make_agent: MakeAgent
) -> None:
    alice = await make_agent("alice")
    first = await open_ticket("conv-1")
    await queue.claim(first, alice.id)
    await queue.close(first, alice.id, "resolved")
    view, created = await queue.open_ticket("conv-1", None, "requested", "normal", "general", [])
    assert created
    assert view.id != first


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("priority", {"priority": "asap"}),
        ("team", {"team": "kitchen"}),
        ("reason", {"reason": "bored"}),
        ("conversation_id", {"conversation_id": " "}),
        ("conversation_id", {"conversation_id": "c" * 65}),
        ("summary", {"summary": "not a list"}),
    ],
)
async def test_open_ticket_validates(
    queue: HandoffQueue, sessions: sessionmaker, field: str, overrides: dict
) -> None:
    args = {
        "conversation_id": "conv-1",
        "shopper_id": None,
        "reason": "requested",
        "priority": "normal",
        "team": "general",
        "summary": [],
        **overrides,
    }
    with pytest.raises(InvalidInput) as caught:
        await queue.open_ticket(**args)
    assert caught.value.field == field
    assert await _count(sessions) == 0


async def test_concurrent_opens_make_one_ticket(concurrent_engine: AsyncEngine) -> None:
    sessions = make_sessionmaker(concurrent_engine)
    queue = HandoffQueue(sessions, clock=Clock())
    results = await asyncio.gather(
        *(
            queue.open_ticket("conv-1", None, "requested", "normal", "general", [])
            for _ in range(10)
        )
    )
    assert sum(created for _, created in results) == 1
    assert len({view.id for view, _ in results}) == 1
    assert await _count(sessions) == 1
