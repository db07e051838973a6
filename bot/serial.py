"""Run coroutines one after another per key, in the order they were submitted."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


class KeyedSerialRunner:
    """Chains tasks per key so a conversation's messages are handled in order.

    Keys do not wait for each other; a failing task does not stop the next.
    """

    def __init__(self) -> None:
        self._tails: dict[str, asyncio.Task[object]] = {}

    def submit(self, key: str, factory: Callable[[], Awaitable[T]]) -> asyncio.Task[T]:
        """Schedule ``factory()`` to run after everything submitted before for ``key``."""
        previous = self._tails.get(key)

        async def run() -> T:
            if previous is not None:
                await asyncio.wait([previous])
            return await factory()

        task: asyncio.Task[T] = asyncio.create_task(run())
        self._tails[key] = task  # type: ignore[assignment]
        task.add_done_callback(lambda done: self._forget(key, done))
        return task

    def _forget(self, key: str, done: asyncio.Task[T]) -> None:
        if self._tails.get(key) is done:
            del self._tails[key]

    async def drain(self) -> None:
        """Wait for every task submitted so far."""
        while self._tails:
            await asyncio.wait(list(self._tails.values()))
