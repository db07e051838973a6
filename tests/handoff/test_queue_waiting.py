"""Queue rows show what a waiting shopper wrote: the newest message and how many since queued."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from handoff.queue import HandoffQueue
from tests.handoff.conftest import Clock, MakeAgent, OpenTicket
from tests.handoff.test_live_handoff import Desk
from tests.handoff.test_safety_flow import running_desk
from tests.socket_clients import AgentClient


@pytest.fixture
async def desk(tmp_path: Path) -> AsyncIterator[Desk]:
    """The gateway with the human side on loopback (alice, bob, sam, sofia…)."""
    async with running_desk(tmp_path) as running:
        yield running


async def _said(queue: HandoffQueue, clock: Clock, ticket: int, text: str) -> None:
    clock.advance(seconds=5)
    await queue.record_event(ticket, "waiting_message", {"text": text})


async def test_the_count_and_newest_message_since_the_ticket_entered_the_queue(
    queue: HandoffQueue, open_ticket: OpenTicket, make_agent: MakeAgent, clock: Clock
) -> None:
    agent = await make_agent("alice", skills="general,after_sales")
    ticket = await open_ticket("conv-1")
    quiet = await open_ticket("conv-2")
    assert await queue.waiting_messages([ticket, quiet]) == {}
    await _said(queue, clock, ticket, "还要等多久")
    await _said(queue, clock, ticket, "[图片]")
    tally = (await queue.waiting_messages([ticket, quiet]))[ticket]
    assert tally == {"count": 2, "last": {"text": "[图片]", "at": clock.now.isoformat()}}
    assert quiet not in await queue.waiting_messages([ticket, quiet])

    await queue.claim(ticket, agent.id)
    await _said(queue, clock, ticket, "你好")  # while an agent has it: not a waiting message
    clock.advance(seconds=5)
    await queue.transfer(ticket, agent.id, to_team="after_sales")
    assert await queue.waiting_messages([ticket]) == {}  # back in a queue: counted afresh
    await _said(queue, clock, ticket, "换货什么时候处理")
    assert (await queue.waiting_messages([ticket]))[ticket]["count"] == 1


async def _watcher(desk: Desk, username: str) -> tuple[AgentClient, dict]:
    console = AgentClient(await desk.login(username))
    console.sio.on("queue_message", console._recorder("queue_message"), namespace="/agent")
    await console.connect(desk.url)
    return console, await console.next("hello")


async def test_consoles_see_a_waiting_shoppers_messages_live_and_after_a_reload(
    desk: Desk,
) -> None:
    sofia, _ = await _watcher(desk, "sofia")  # safety only: the general ticket stays queued
    widget, session_id = await desk.shopper()
    await widget.say("转人工", session_id)
    queued: list = []
    while not queued:  # the first update may be of the dispatch at connect
        queued = (await sofia.next("queue_updated"))["queue"]
    await widget.say("还要等多久啊", session_id)
    first = await sofia.next("queue_message")
    await widget.say("我的订单号是2611210930418825，快点处理", session_id)
    second = await sofia.next("queue_message")
    sam, hello = await _watcher(desk, "sam")  # a console opened now: the row says the same
    for client in (widget, sofia, sam):
        await client.close()

    [row] = queued
    assert row["waiting"] is None  # 「转人工」 itself is the summary, not a message left
    assert first["ticket_id"] == row["id"] and first["waiting"]["count"] == 1
    assert first["waiting"]["last"]["text"] == "还要等多久啊"
    assert second["waiting"]["count"] == 2
    assert second["waiting"]["last"]["text"].startswith("我的订单号是")
    [listed] = hello["queue"]
    assert listed["waiting"] == second["waiting"]
