"""Claim deadlines and promises, with a clock the test moves."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import sessionmaker

from handoff.db import make_sessionmaker
from handoff.errors import PromiseNotFound, ResolutionNoteRequired
from handoff.promises import PromiseBook, remind_before
from handoff.queue import HandoffQueue
from handoff.watch import Watchman
from tests.handoff.conftest import Clock, MakeAgent, OpenTicket, insert_agent


class Bus:
    def __init__(self) -> None:
        self.sent: list[tuple[str, Any, str]] = []

    async def __call__(self, event: str, payload: Any, room: str) -> None:
        self.sent.append((event, payload, room))

    def events(self, name: str) -> list[tuple[Any, str]]:
        return [(payload, room) for event, payload, room in self.sent if event == name]


@pytest.fixture
def bus() -> Bus:
    return Bus()


@pytest.fixture
def make_bus() -> Callable[[], Bus]:
    return Bus


@pytest.fixture
def promises(sessions: sessionmaker, clock: Clock) -> PromiseBook:
    return PromiseBook(sessions, clock)


@pytest.fixture
def watchman(queue: HandoffQueue, promises: PromiseBook, bus: Bus, clock: Clock) -> Watchman:
    return Watchman(queue, promises, bus, timedelta(seconds=30), clock)


async def test_missed_claim_deadline_is_announced_and_recorded_once(
    queue: HandoffQueue, watchman: Watchman, bus: Bus, clock: Clock, open_ticket: OpenTicket
) -> None:
    urgent = await open_ticket("c-urgent", priority="urgent", team="safety", reason="emergency")
    await open_ticket("c-normal")
    clock.advance(seconds=29)
    await watchman.round()
    assert bus.events("claim_deadline_missed") == []
    clock.advance(seconds=2)
    await watchman.round()
    await watchman.round()
    [(payload, room)] = bus.events("claim_deadline_missed")
    assert payload["ticket"]["id"] == urgent and payload["waited_seconds"] == 31
    assert room == "agents"
    kinds = [event["kind"] for event in await queue.recent_events(urgent)]
    assert kinds.count("deadline_missed") == 1


async def test_claimed_urgent_ticket_is_not_announced(
    queue: HandoffQueue,
    watchman: Watchman,
    bus: Bus,
    clock: Clock,
    open_ticket: OpenTicket,
    make_agent: MakeAgent,
) -> None:
    agent = await make_agent("safe", skills="safety")
    urgent = await open_ticket("c-urgent", priority="urgent", team="safety", reason="emergency")
    await queue.claim(urgent, agent.id)
    clock.advance(minutes=5)
    await watchman.round()
    assert bus.events("claim_deadline_missed") == []


async def test_claimed_urgent_ticket_needs_a_note_to_close(
    queue: HandoffQueue, open_ticket: OpenTicket, make_agent: MakeAgent
) -> None:
    agent = await make_agent("safe", skills="safety")
    urgent = await open_ticket("c-urgent", priority="urgent", team="safety", reason="emergency")
    await queue.claim(urgent, agent.id)
    with pytest.raises(ResolutionNoteRequired):
        await queue.close(urgent, agent.id, "resolved")
    closed = await queue.close(urgent, agent.id, "resolved", "已报警")
    assert closed.resolution_note == "已报警"


async def test_promise_is_reminded_before_and_escalated_after(
    promises: PromiseBook,
    watchman: Watchman,
    bus: Bus,
    clock: Clock,
    open_ticket: OpenTicket,
    make_agent: MakeAgent,
    queue: HandoffQueue,
) -> None:
    agent = await make_agent("keeper")
    ticket = await open_ticket("c-promise")
    promise = await promises.make(ticket, agent.id, 60, "1小时内回复您")
    clock.advance(minutes=54)
    await watchman.round()
    assert bus.events("promise_due_soon") == []
    clock.advance(minutes=1, seconds=1)
    await watchman.round()
    await watchman.round()
    [(soon, room)] = bus.events("promise_due_soon")
    assert soon["promise"]["id"] == promise.id and room == f"agent:{agent.id}"
    clock.advance(minutes=5)
    await watchman.round()
    await watchman.round()
    overdue = bus.events("promise_overdue")
    assert sorted(room for _, room in overdue) == [f"agent:{agent.id}", "supervisors"]
    assert (await promises.open_for(agent.id))[0].status == "overdue"
    kinds = [event["kind"] for event in await queue.recent_events(ticket)]
    assert kinds.count("promise_overdue") == 1


async def test_kept_promise_is_neither_reminded_nor_escalated(
    promises: PromiseBook,
    watchman: Watchman,
    bus: Bus,
    clock: Clock,
    open_ticket: OpenTicket,
    make_agent: MakeAgent,
) -> None:
    agent = await make_agent("keeper")
    other = await make_agent("other")
    ticket = await open_ticket("c-kept")
    promise = await promises.make(ticket, agent.id, 30, "半小时内回复")
    with pytest.raises(PromiseNotFound):
        await promises.fulfil(promise.id, other.id)
    kept = await promises.fulfil(promise.id, agent.id)
    clock.advance(hours=2)
    await watchman.round()
    assert kept.status == "fulfilled" and bus.sent == []
    assert await promises.open_for(agent.id) == []


def test_short_promises_are_reminded_proportionally() -> None:
    assert remind_before(timedelta(minutes=10)) == timedelta(minutes=2)
    assert remind_before(timedelta(hours=24)) == timedelta(minutes=5)


async def test_gateways_keeping_the_same_clocks_announce_each_event_once(
    concurrent_engine: AsyncEngine, make_bus: Callable[[], Bus]
) -> None:
    clock = Clock()
    sessions = make_sessionmaker(concurrent_engine)
    agent = await insert_agent(sessions, "safe", skills="general,safety")
    queue = HandoffQueue(sessions, clock=clock)
    urgent, _ = await queue.open_ticket("c-u", None, "emergency", "urgent", "safety", [])
    normal, _ = await queue.open_ticket("c-n", None, "requested", "normal", "general", [])
    await queue.claim(normal.id, agent.id)
    book = PromiseBook(sessions, clock)
    await book.make(normal.id, agent.id, 10, "回电")
    buses = [make_bus() for _ in range(4)]
    gateways = [
        Watchman(HandoffQueue(sessions, clock=clock), PromiseBook(sessions, clock), bus,
                 timedelta(seconds=30), clock)
        for bus in buses
    ]  # fmt: skip

    clock.advance(minutes=9, seconds=30)  # the reminder is due, and the claim deadline passed
    await asyncio.gather(*(gateway.round() for gateway in gateways))
    clock.advance(minutes=1)  # the promise is overdue
    await asyncio.gather(*(gateway.round() for gateway in gateways))

    def told(event: str) -> int:
        return sum(len(bus.events(event)) for bus in buses)

    assert told("claim_deadline_missed") == 1
    assert told("promise_due_soon") == 1
    assert told("promise_overdue") == 2  # once to the agent, once to the supervisors
    kinds = [event["kind"] for event in await queue.recent_events(urgent.id)]
    assert kinds.count("deadline_missed") == 1


async def _missed(watchman: Watchman, bus: Bus) -> list[int]:
    """Run a round; the waits of the deadlines it announced."""
    before = len(bus.events("claim_deadline_missed"))
    await watchman.round()
    return [p["waited_seconds"] for p, _ in bus.events("claim_deadline_missed")[before:]]


@pytest.mark.parametrize("back", ["agent_gone", "transferred"])
async def test_an_urgent_ticket_back_in_the_queue_gets_a_new_claim_deadline(
    queue: HandoffQueue,
    watchman: Watchman,
    bus: Bus,
    clock: Clock,
    open_ticket: OpenTicket,
    make_agent: MakeAgent,
    back: str,
) -> None:
    agent = await make_agent("safe", skills="safety")
    urgent = await open_ticket("c-urgent", priority="urgent", team="safety", reason="emergency")
    clock.advance(seconds=31)
    assert await _missed(watchman, bus) == [31]
    await queue.claim(urgent, agent.id)
    clock.advance(minutes=5)
    if back == "agent_gone":  # the grace period ran out
        await queue.requeue_agent(agent.id)
    else:
        await queue.transfer(urgent, agent.id, to_team="safety")
    clock.advance(seconds=29)
    assert await _missed(watchman, bus) == []  # a fresh 30 s from its return
    clock.advance(seconds=2)
    assert await _missed(watchman, bus) == [31]
    assert await _missed(watchman, bus) == []  # once per return to the queue
    kinds = [event["kind"] for event in await queue.recent_events(urgent)]
    assert kinds.count("deadline_missed") == 2


async def test_a_waiting_ticket_raised_to_urgent_counts_its_deadline_from_the_raise(
    queue: HandoffQueue, watchman: Watchman, bus: Bus, clock: Clock, open_ticket: OpenTicket
) -> None:
    ticket = await open_ticket("c-1")
    clock.advance(minutes=10)
    await queue.open_ticket("c-1", None, "emergency", "urgent", "safety", ["着火了"])
    assert await _missed(watchman, bus) == []
    clock.advance(seconds=31)
    assert await _missed(watchman, bus) == [31]  # 31 s urgent, not 10 minutes waiting
    assert (await queue.ticket(ticket)).team == "safety"
