"""The redelivery loop: rounds while the bot is up, failures survived, a clean stop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from bot.redelivery import redeliver_forever


class FakeHealth:
    def __init__(self, up: bool = True) -> None:
        self.up = up

    async def all_up(self) -> bool:
        return self.up


class FakeConversations:
    """Counts rounds; the first ``failures`` raise; a round can be held open."""

    def __init__(self, failures: int = 0) -> None:
        self.rounds = 0
        self.finished = 0
        self.failures = failures
        self.release = asyncio.Event()
        self.release.set()
        self.in_round = asyncio.Event()

    async def redeliver(self) -> int:
        self.rounds += 1
        self.in_round.set()
        if self.rounds <= self.failures:
            raise RuntimeError("database is locked")
        await self.release.wait()
        self.finished += 1
        return 1


async def _until(condition: Callable[[], bool], timeout: float = 5) -> None:
    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.01)

    await asyncio.wait_for(poll(), timeout)


async def test_no_round_while_the_bot_is_down_and_one_as_soon_as_it_is_up() -> None:
    conversations, health, stop = FakeConversations(), FakeHealth(up=False), asyncio.Event()
    loop = asyncio.create_task(redeliver_forever(conversations, health, 0.01, stop))
    await asyncio.sleep(0.1)
    assert conversations.rounds == 0

    health.up = True
    await _until(lambda: conversations.finished >= 1)
    stop.set()
    await asyncio.wait_for(loop, 5)


async def test_a_failed_round_does_not_end_the_loop() -> None:
    conversations, stop = FakeConversations(failures=2), asyncio.Event()
    loop = asyncio.create_task(redeliver_forever(conversations, FakeHealth(), 0.01, stop))

    await _until(lambda: conversations.finished >= 1)
    assert conversations.rounds >= 3
    stop.set()
    await asyncio.wait_for(loop, 5)


async def test_stopping_lets_the_round_under_way_finish_and_starts_no_other() -> None:
    conversations, stop = FakeConversations(), asyncio.Event()
    conversations.release.clear()
    loop = asyncio.create_task(redeliver_forever(conversations, FakeHealth(), 0.01, stop))
    await asyncio.wait_for(conversations.in_round.wait(), 5)

    stop.set()
    await asyncio.sleep(0.05)
    assert not loop.done()  # not cancelled: the round holds on
    conversations.release.set()
    await asyncio.wait_for(loop, 5)

    assert (conversations.rounds, conversations.finished) == (1, 1)
