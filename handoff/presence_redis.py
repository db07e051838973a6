"""The presence board in Redis, for several gateway processes behind one load balancer.

Two hashes under the gateways' shared channel name: ``<channel>:presence:live``
holds ``<agent id>:<process>`` → the time until which that process vouches for
a console of the agent, and ``<channel>:presence:status`` the status each agent
chose, kept when their consoles close (a console on any gateway starts as the
agent left it; the entries never expire, one short field per agent). Each
process renews its entries every third of ``ttl``, so the agents of a process
that died without saying goodbye drop out within ``ttl`` seconds.
Clocks of the gateway hosts need to agree to within a few seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Callable

from redis import asyncio as aioredis
from redis.exceptions import RedisError

from handoff.presence import AWAY, ONLINE

logger = logging.getLogger(__name__)

#: Seconds a process's word that an agent is connected stays good without renewal.
TTL = 30.0


class RedisBoard:
    """Agents connected to any gateway sharing ``channel`` on the Redis at ``url``."""

    def __init__(
        self,
        url: str,
        channel: str,
        ttl: float = TTL,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._redis = aioredis.from_url(url, decode_responses=True)
        self._live = f"{channel}:presence:live"
        self._status = f"{channel}:presence:status"
        self._ttl = ttl
        self._clock = clock
        self._process = uuid.uuid4().hex
        self._mine: set[int] = set()
        self._renewing: asyncio.Task[None] | None = None

    def _field(self, agent_id: int) -> str:
        return f"{agent_id}:{self._process}"

    async def arrive(self, agent_id: int) -> None:
        self._mine.add(agent_id)
        await self._redis.hset(self._live, self._field(agent_id), self._clock() + self._ttl)
        if self._renewing is None:
            self._renewing = asyncio.create_task(self._renew_forever())

    async def leave(self, agent_id: int) -> None:
        self._mine.discard(agent_id)
        await self._redis.hdel(self._live, self._field(agent_id))

    async def set_status(self, agent_id: int, status: str) -> None:
        await self._redis.hset(self._status, str(agent_id), status)

    async def status(self, agent_id: int) -> str:
        chosen = await self._redis.hget(self._status, str(agent_id))
        return AWAY if chosen == AWAY else ONLINE

    async def available(self) -> set[int]:
        connected = await self._connected()
        if not connected:
            return set()
        ids = sorted(connected)
        statuses = await self._redis.hmget(self._status, [str(i) for i in ids])
        return {i for i, status in zip(ids, statuses) if status != AWAY}

    async def connected_anywhere(self, agent_id: int) -> bool:
        return agent_id in await self._connected()

    async def _connected(self) -> set[int]:
        now = self._clock()
        entries = await self._redis.hgetall(self._live)
        stale = [key for key, until in entries.items() if float(until) <= now]
        if stale:  # left behind by a process that stopped without leaving
            await self._redis.hdel(self._live, *stale)
        return {int(key.split(":", 1)[0]) for key, until in entries.items() if float(until) > now}

    async def _renew_forever(self) -> None:
        while True:
            await asyncio.sleep(self._ttl / 3)
            until = self._clock() + self._ttl
            try:
                if self._mine:
                    mapping = {self._field(i): until for i in self._mine}
                    await self._redis.hset(self._live, mapping=mapping)
            except RedisError as exc:  # keep trying: the entries last ``ttl``
                logger.warning("Could not renew agent presence in Redis: %s", exc)

    async def close(self) -> None:
        if self._renewing is not None:
            self._renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._renewing
        if self._mine:
            await self._redis.hdel(self._live, *(self._field(i) for i in self._mine))
        self._mine.clear()
        await self._redis.close()
