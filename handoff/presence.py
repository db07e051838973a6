"""Which agents are connected and available, and the grace period after they leave.

A console's socket belongs to one gateway process, so each process keeps its
own sockets and grace timers. Who is connected *somewhere*, and whether they
chose 在线 or 离开, is on a board every process reads: memory for one
process, Redis (``handoff.presence_redis``) for several behind one load
balancer, so a chat opened on one gateway goes to an agent connected to another.

The board remembers each agent's choice after their consoles close: a reload,
a lost connection or a console on another gateway starts as the agent left it,
so an agent on a break is never handed chats just because their console
reconnected. Only an agent who never chose counts as online.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Protocol

ONLINE, AWAY = "online", "away"


class Board(Protocol):
    """Agents connected to any gateway process, and the status each chose."""

    async def arrive(self, agent_id: int) -> None:
        """This process has the agent's first console; their chosen status stands."""

    async def leave(self, agent_id: int) -> None:
        """This process no longer has a console of the agent."""

    async def set_status(self, agent_id: int, status: str) -> None:
        """The agent chose online (takes new chats) or away."""

    async def status(self, agent_id: int) -> str:
        """The status the agent last chose, connected or not (online if never)."""

    async def available(self) -> set[int]:
        """Agents connected somewhere and online."""

    async def connected_anywhere(self, agent_id: int) -> bool:
        """Whether any process still has a console of the agent."""

    async def close(self) -> None:
        """Leave the board (at shutdown)."""


class MemoryBoard:
    """The board of a single gateway process."""

    def __init__(self) -> None:
        self._connected: set[int] = set()
        self._status: dict[int, str] = {}

    async def arrive(self, agent_id: int) -> None:
        self._connected.add(agent_id)

    async def leave(self, agent_id: int) -> None:
        self._connected.discard(agent_id)

    async def set_status(self, agent_id: int, status: str) -> None:
        self._status[agent_id] = status

    async def status(self, agent_id: int) -> str:
        return self._status.get(agent_id, ONLINE)

    async def available(self) -> set[int]:
        return {i for i in self._connected if self._status.get(i, ONLINE) == ONLINE}

    async def connected_anywhere(self, agent_id: int) -> bool:
        return agent_id in self._connected

    async def close(self) -> None:
        self._connected.clear()


class Presence:
    """This process's agent consoles; a departure takes effect after ``grace`` seconds.

    Args:
        grace: seconds an agent who lost every connection keeps their chats.
        on_gone: called with the agent id when the grace period runs out and no
            process has a console of theirs.
        board: who is connected anywhere (default: this process only).
    """

    def __init__(
        self,
        grace: float,
        on_gone: Callable[[int], Awaitable[None]],
        board: Board | None = None,
    ) -> None:
        self._grace = grace
        self._on_gone = on_gone
        self._board = board or MemoryBoard()
        self._sids: dict[int, set[str]] = {}
        self._timers: dict[int, asyncio.Task[None]] = {}

    async def connected(self, agent_id: int, sid: str) -> None:
        """An agent opened a console; a pending departure is called off.

        Every console, the first one too, keeps the status the agent last
        chose; ``start_as`` beforehand to change it.
        """
        timer = self._timers.pop(agent_id, None)
        if timer is not None:
            timer.cancel()
        sids = self._sids.setdefault(agent_id, set())
        if not sids:
            await self._board.arrive(agent_id)
        sids.add(sid)

    async def disconnected(self, agent_id: int, sid: str) -> None:
        """A console closed; the agent's last one here starts the grace period."""
        sids = self._sids.get(agent_id)
        if sids is None or sid not in sids:
            return
        sids.discard(sid)
        if not sids:
            del self._sids[agent_id]
            await self._board.leave(agent_id)
            self._start_grace(agent_id)

    async def _leave_after_grace(self, agent_id: int) -> None:
        await asyncio.sleep(self._grace)
        self._timers.pop(agent_id, None)
        if agent_id in self._sids or await self._board.connected_anywhere(agent_id):
            return  # back, here or on another gateway
        await self._on_gone(agent_id)

    async def absent(self, agent_id: int) -> None:
        """Start the grace period of an agent with no console here or anywhere.

        For chats whose agent left while no process was watching: a gateway
        restarted (or died) during their grace period.
        """
        if agent_id in self._sids or agent_id in self._timers:
            return
        if not await self._board.connected_anywhere(agent_id):
            self._start_grace(agent_id)

    def _start_grace(self, agent_id: int) -> None:
        if agent_id not in self._timers:
            self._timers[agent_id] = asyncio.create_task(self._leave_after_grace(agent_id))

    async def set_status(self, agent_id: int, status: str) -> None:
        """Mark a connected agent online (takes new chats) or away (does not)."""
        if agent_id in self._sids:
            await self._board.set_status(agent_id, status)

    async def start_as(self, agent_id: int, status: str) -> None:
        """The status a console asks to start with, recorded before it is ``connected``.

        Recorded first so that no dispatch in between sees the agent in the
        status they had before: an away agent is never available, not even
        for a moment.
        """
        await self._board.set_status(agent_id, status)

    async def status(self, agent_id: int) -> str:
        """The status the agent chose last (online if they never chose)."""
        return await self._board.status(agent_id)

    async def available(self) -> set[int]:
        """Agents connected anywhere and online: the ones new chats may go to."""
        return await self._board.available()

    async def close(self) -> None:
        """Cancel pending departures and leave the board (at shutdown)."""
        for timer in self._timers.values():
            timer.cancel()
        for timer in list(self._timers.values()):
            with contextlib.suppress(asyncio.CancelledError):
                await timer
        self._timers.clear()
        await self._board.close()
