"""Which agents are connected and available, and the grace period after they leave."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

ONLINE, AWAY = "online", "away"


@dataclass
class _Agent:
    sids: set[str] = field(default_factory=set)
    status: str = ONLINE


class Presence:
    """Connected agents by id; a departure takes effect after ``grace`` seconds.

    Args:
        grace: seconds an agent who lost every connection keeps their chats.
        on_gone: called with the agent id when the grace period runs out.
    """

    def __init__(self, grace: float, on_gone: Callable[[int], Awaitable[None]]) -> None:
        self._grace = grace
        self._on_gone = on_gone
        self._agents: dict[int, _Agent] = {}
        self._timers: dict[int, asyncio.Task[None]] = {}

    def connected(self, agent_id: int, sid: str) -> None:
        """An agent opened a console; a pending departure is called off.

        The first console of an agent starts online; further ones (another tab)
        keep the status the agent chose.
        """
        timer = self._timers.pop(agent_id, None)
        if timer is not None:
            timer.cancel()
        agent = self._agents.setdefault(agent_id, _Agent())
        if not agent.sids:
            agent.status = ONLINE
        agent.sids.add(sid)

    def disconnected(self, agent_id: int, sid: str) -> None:
        """A console closed; the last one starts the grace period."""
        agent = self._agents.get(agent_id)
        if agent is None:
            return
        agent.sids.discard(sid)
        if not agent.sids and agent_id not in self._timers:
            self._timers[agent_id] = asyncio.create_task(self._leave_after_grace(agent_id))

    async def _leave_after_grace(self, agent_id: int) -> None:
        await asyncio.sleep(self._grace)
        self._timers.pop(agent_id, None)
        agent = self._agents.get(agent_id)
        if agent is not None and not agent.sids:
            del self._agents[agent_id]
            await self._on_gone(agent_id)

    def set_status(self, agent_id: int, status: str) -> None:
        """Mark a connected agent online (takes new chats) or away (does not)."""
        if agent_id in self._agents:
            self._agents[agent_id].status = status

    def available(self) -> set[int]:
        """Agents connected and online: the ones new chats may go to."""
        return {i for i, a in self._agents.items() if a.sids and a.status == ONLINE}

    def connected_ids(self) -> set[int]:
        """Every agent with an open console."""
        return {i for i, a in self._agents.items() if a.sids}

    async def close(self) -> None:
        """Cancel pending departures (at shutdown)."""
        for timer in self._timers.values():
            timer.cancel()
        for timer in list(self._timers.values()):
            with contextlib.suppress(asyncio.CancelledError):
                await timer
        self._timers.clear()
