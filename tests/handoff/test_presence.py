"""Who can take new chats, and the grace period after the last console closes.

Each behaviour runs on the memory board of one gateway and on the Redis board
that several gateways share (the real Redis on 127.0.0.1:6379, a fresh channel
per test).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable

import pytest
from redis import asyncio as aioredis

from handoff.presence import AWAY, ONLINE, Board, MemoryBoard, Presence
from handoff.presence_redis import RedisBoard

REDIS_URL = "redis://127.0.0.1:6379/0"
MakeBoard = Callable[[], Board]


@pytest.fixture(params=["memory", "redis"])
async def boards(request: pytest.FixtureRequest) -> AsyncIterator[MakeBoard]:
    """A board of one gateway: in memory, or in Redis."""
    channel = f"kefu-test-{uuid.uuid4().hex}"
    made: list[Board] = []

    def make() -> Board:
        board: Board = MemoryBoard()
        if request.param == "redis":
            board = RedisBoard(REDIS_URL, channel)
        made.append(board)
        return board

    yield make
    for board in made:
        await board.close()


class Departures:
    """The ``on_gone`` callback: records who was let go."""

    def __init__(self) -> None:
        self.gone: list[int] = []

    async def __call__(self, agent_id: int) -> None:
        self.gone.append(agent_id)


async def test_last_console_closing_starts_the_grace_period(boards: MakeBoard) -> None:
    departures = Departures()
    presence = Presence(grace=0.05, on_gone=departures, board=boards())
    await presence.connected(1, "a")
    await presence.connected(1, "b")
    await presence.disconnected(1, "a")
    await asyncio.sleep(0.1)
    assert departures.gone == [] and await presence.available() == {1}
    await presence.disconnected(1, "b")
    assert await presence.available() == set()
    await asyncio.sleep(0.1)
    assert departures.gone == [1]


async def test_reconnecting_in_time_keeps_the_agent(boards: MakeBoard) -> None:
    departures = Departures()
    presence = Presence(grace=0.05, on_gone=departures, board=boards())
    await presence.connected(1, "a")
    await presence.disconnected(1, "a")
    await presence.connected(1, "b")
    await asyncio.sleep(0.1)
    assert departures.gone == [] and await presence.available() == {1}


async def test_an_away_agent_stays_away_when_their_consoles_come_back(boards: MakeBoard) -> None:
    presence = Presence(grace=10, on_gone=Departures(), board=boards())
    await presence.connected(1, "a")
    assert await presence.status(1) == ONLINE  # never chose: online
    await presence.set_status(1, AWAY)
    await presence.connected(1, "b")  # another tab keeps the choice
    assert await presence.available() == set()
    await presence.disconnected(1, "a")
    await presence.disconnected(1, "b")
    await presence.connected(1, "c")  # a reload: the server still knows they are on a break
    assert await presence.available() == set() and await presence.status(1) == AWAY
    await presence.close()


async def test_a_console_may_start_as_another_status_before_it_counts(boards: MakeBoard) -> None:
    presence = Presence(grace=10, on_gone=Departures(), board=boards())
    await presence.start_as(1, AWAY)  # asked for in the console's auth, before ``connected``
    await presence.connected(1, "a")
    assert await presence.available() == set()
    await presence.start_as(2, ONLINE)
    await presence.connected(2, "b")
    assert await presence.available() == {2}
    await presence.close()


async def test_a_console_on_another_gateway_keeps_the_agent_and_their_choice() -> None:
    channel = f"kefu-test-{uuid.uuid4().hex}"
    here_gone, there_gone = Departures(), Departures()
    here = Presence(grace=0.05, on_gone=here_gone, board=RedisBoard(REDIS_URL, channel))
    there = Presence(grace=0.05, on_gone=there_gone, board=RedisBoard(REDIS_URL, channel))
    await here.connected(1, "tab-1")
    await there.connected(2, "tab-2")
    assert await here.available() == await there.available() == {1, 2}

    await there.connected(1, "tab-3")  # the same agent in a tab on the other gateway
    await there.set_status(1, AWAY)
    assert await here.available() == {2}  # the choice counts everywhere
    await here.disconnected(1, "tab-1")
    await asyncio.sleep(0.1)
    assert here_gone.gone == []  # still connected there: their chats stay theirs
    await there.disconnected(1, "tab-3")
    await asyncio.sleep(0.1)
    assert there_gone.gone == [1]
    await here.close()
    await there.close()


async def test_an_away_agent_reconnecting_to_another_gateway_stays_away() -> None:
    channel = f"kefu-test-{uuid.uuid4().hex}"
    here = Presence(grace=10, on_gone=Departures(), board=RedisBoard(REDIS_URL, channel))
    there = Presence(grace=10, on_gone=Departures(), board=RedisBoard(REDIS_URL, channel))
    try:
        await here.connected(1, "tab")
        await here.set_status(1, AWAY)
        await here.disconnected(1, "tab")  # the load balancer sends the reload elsewhere
        await there.connected(1, "tab-again")
        assert await there.available() == set() and await there.status(1) == AWAY
    finally:
        await here.close()
        await there.close()


async def test_a_gateway_that_died_drops_its_agents_after_the_ttl() -> None:
    channel = f"kefu-test-{uuid.uuid4().hex}"
    now = [1000.0]
    dead = RedisBoard(REDIS_URL, channel, ttl=30, clock=lambda: now[0])
    alive = RedisBoard(REDIS_URL, channel, ttl=30, clock=lambda: now[0])
    try:
        await dead.arrive(7)  # and then never renews nor leaves
        assert await alive.available() == {7}
        now[0] += 31
        assert await alive.available() == set()
        raw = aioredis.from_url(REDIS_URL, decode_responses=True)
        assert await raw.hkeys(f"{channel}:presence:live") == []  # the stale entry went
        await raw.close()
    finally:
        await alive.close()
        await dead.close()


async def test_an_absent_holder_gets_the_grace_period_a_connected_one_does_not(
    boards: MakeBoard,
) -> None:
    departures = Departures()
    presence = Presence(grace=0.05, on_gone=departures, board=boards())
    await presence.connected(1, "a")
    await presence.absent(1)  # connected: nothing to do
    await presence.absent(2)  # holds chats, but no console anywhere (after a restart)
    await presence.absent(2)  # asked again while waiting: still one departure
    await asyncio.sleep(0.1)
    assert departures.gone == [2]
    await presence.close()
