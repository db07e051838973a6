"""Erasing conversations: when a shopper asks, and once they are past the retention period.

A conversation lives in four places: the gateway's messages, the trainer's
inbox, the handoff's tickets and Rasa's tracker. Erasing it removes all of it
except the tickets, which stay as anonymous numbers for the statistics and the
audit log (``handoff.store.forget_conversations``). Rasa is asked first: if it
cannot be reached nothing is deleted, and the next run tries again, so no
conversation ends up half erased. The shop's own records (orders, refunds,
addresses) belong to the shop and are not touched.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from bot import store
from bot.rasa_client import RasaClient, RasaUnavailable
from bot.trainer.inbox import forget_misses
from handoff import store as handoff_store

logger = logging.getLogger(__name__)

#: Conversations erased per transaction.
BATCH = 200
#: Seconds between retention runs of a gateway.
PURGE_INTERVAL = 3600.0


class ConversationsInUse(Exception):
    """A person still works on some of the conversations to erase."""

    def __init__(self, conversation_ids: Sequence[str]) -> None:
        self.conversation_ids = list(conversation_ids)
        super().__init__(
            f"{len(self.conversation_ids)} conversation(s) have an open ticket or a promise"
            f" not yet kept: {', '.join(self.conversation_ids)}"
        )


class Eraser:
    """Erases conversations everywhere kefu keeps them.

    Args:
        sessionmaker: async sessionmaker of the gateway database.
        rasa: the Rasa server holding the conversations' trackers.
        clock: the current time, timezone-aware.
    """

    def __init__(self, sessionmaker: Any, rasa: RasaClient, clock: Callable[[], datetime]) -> None:
        self._sessionmaker = sessionmaker
        self._rasa = rasa
        self._clock = clock

    async def erase(self, conversation_ids: Sequence[str]) -> int:
        """Erase these conversations; how many the gateway had.

        Raises:
            RasaUnavailable: Rasa could not forget one; nothing was deleted here.
        """
        ids = list(conversation_ids)
        for conversation_id in ids:
            await self._rasa.forget(conversation_id)
        async with self._sessionmaker.begin() as s:
            await forget_misses(s, ids)
            await handoff_store.forget_conversations(s, ids)
            return await store.forget_conversations(s, ids)

    async def shopper_conversations(self, shopper_id: str) -> list[str]:
        """Every conversation of a verified shopper."""
        async with self._sessionmaker() as s:
            return await store.shopper_conversations(s, shopper_id)

    async def erase_shopper(self, shopper_id: str) -> int:
        """Erase every conversation of a shopper; how many.

        Raises:
            ConversationsInUse: a person still works on one; nothing was erased.
            RasaUnavailable: Rasa could not be reached; nothing was erased.
        """
        ids = await self.shopper_conversations(shopper_id)
        async with self._sessionmaker() as s:
            busy = await handoff_store.conversations_in_use(s, ids)
        if busy:
            raise ConversationsInUse(sorted(busy))
        erased = 0
        for start in range(0, len(ids), BATCH):
            erased += await self.erase(ids[start : start + BATCH])
        return erased

    async def expired(self, days: float) -> AsyncIterator[list[str]]:
        """Batches of conversations idle for more than ``days`` that nobody works on."""
        cutoff = self._clock() - timedelta(days=days)
        after = ""
        while True:
            async with self._sessionmaker() as s:
                idle = await store.idle_conversations(s, cutoff, after, BATCH)
                if not idle:
                    return
                busy = await handoff_store.conversations_in_use(s, idle, closed_since=cutoff)
            after = idle[-1]
            ready = [conversation_id for conversation_id in idle if conversation_id not in busy]
            if ready:
                yield ready

    async def purge(self, days: float) -> int:
        """Erase every conversation past the retention period; how many.

        Raises:
            RasaUnavailable: Rasa could not be reached; what was erased stays erased.
        """
        erased = 0
        async for batch in self.expired(days):
            erased += await self.erase(batch)
        return erased


async def purge_forever(
    eraser: Eraser, days: float, stop: asyncio.Event, interval: float = PURGE_INTERVAL
) -> None:
    """Apply the retention period now and every ``interval`` seconds, until ``stop`` is set.

    It stops between runs, never inside one: a task cancelled in the middle of
    a SQLite operation could wait for the driver forever (seen in a test).
    """
    while not stop.is_set():
        try:
            erased = await eraser.purge(days)
            if erased:
                logger.info("Erased %d conversations idle for more than %g days", erased, days)
        except RasaUnavailable as exc:
            logger.warning("Retention run stopped, Rasa unavailable (will retry): %s", exc)
        except Exception:  # a bad run must not stop the next ones
            logger.exception("Retention run failed; will retry")
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), interval)
