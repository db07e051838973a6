"""What the live view (实时监控) pushes, sent off the conversation's path.

Design: a stored message costs the gateway two bare emits and no query; the
consoles that watch fetch the rows they need.

- ``monitor_message`` goes at once to the room of the consoles reading that
  conversation (``monitor:<conversation_id>``).
- ``monitor_touched`` goes to the room of the consoles with the list open at
  most once per ``interval``, naming every conversation that changed meanwhile
  (a bot's answer of three messages, or forty shoppers writing at once, is one
  push). Those consoles ask for those rows (``monitor_rows``), which is when
  the row queries run.

Why not compute rows here when someone watches: the gateway cannot cheaply
know that. Room membership is per process; with several gateways (the Redis
manager) the console watching may be on another one, and knowing would take a
shared count with expiry. Pushing touches and letting watchers pull is right
on one gateway or many with the same code, and costs nothing when nobody
watches. Each watching console pays for its own rows: a few supervisors, each
at most one batched fetch a second (``handoff/console/monitor.js``).

The emits are queued and sent by one task, in order; the conversation service
never waits for them (a slow or stuck Redis delays the live view, not the
shopper). The queue is bounded: past ``MAX_PENDING`` pushes are dropped, the
live view being a view (``monitor_start`` reads everything again).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from handoff.desk import AgentBus

logger = logging.getLogger(__name__)

#: The room of the consoles with 实时监控 open.
MONITOR = "monitor"
MONITOR_TOUCHED = "monitor_touched"
MONITOR_MESSAGE = "monitor_message"
#: Seconds between two ``monitor_touched``: a burst within it is one push.
INTERVAL = 0.5
#: Pushes waiting to be sent beyond which new ones are dropped.
MAX_PENDING = 10_000


def monitor_room(conversation_id: str) -> str:
    """The room of the consoles reading one conversation in 实时监控."""
    return f"monitor:{conversation_id}"


class LivePush:
    """Queues the live view's pushes and sends them from a task of its own.

    Args:
        to_agents: emits an event to a room of the ``/agent`` namespace.
        interval: seconds over which changed conversations are gathered into one push.
        max_pending: pushes kept waiting at most.
    """

    def __init__(
        self, to_agents: AgentBus, interval: float = INTERVAL, max_pending: int = MAX_PENDING
    ) -> None:
        self._to_agents = to_agents
        self._interval = interval
        self._outbox: asyncio.Queue[tuple[str, Any, str]] = asyncio.Queue(max_pending)
        self._touched: dict[str, None] = {}  # in the order they changed
        self._timer: asyncio.TimerHandle | None = None
        self._sender: asyncio.Task[None] | None = None
        self._closed = False
        self._dropping = False

    def message(self, conversation_id: str, message: dict[str, Any]) -> None:
        """A message was stored: to its readers now, its conversation to the list soon."""
        payload = {"conversation_id": conversation_id, "message": message}
        self._send(MONITOR_MESSAGE, payload, monitor_room(conversation_id))
        self.touch(conversation_id)

    def touch(self, conversation_id: str) -> None:
        """The conversation's row may have changed: name it in the next ``monitor_touched``."""
        if self._closed:
            return
        self._touched[conversation_id] = None
        if self._timer is None:
            loop = asyncio.get_running_loop()
            self._timer = loop.call_later(self._interval, self._flush)

    def _flush(self) -> None:
        self._timer = None
        touched = list(self._touched)
        self._touched.clear()
        if touched:
            self._send(MONITOR_TOUCHED, {"conversation_ids": touched}, MONITOR)

    def _send(self, event: str, payload: Any, room: str) -> None:
        if self._closed:
            return
        if self._sender is None:
            self._sender = asyncio.create_task(self._send_forever())
        try:
            self._outbox.put_nowait((event, payload, room))
            self._dropping = False
        except asyncio.QueueFull:
            if not self._dropping:  # once per run of drops, not once per message
                logger.warning("The live view falls behind: dropping its pushes")
            self._dropping = True

    async def _send_forever(self) -> None:
        while True:
            event, payload, room = await self._outbox.get()
            try:
                await self._to_agents(event, payload, room)
            except Exception:  # the next push may go through
                logger.exception("Could not push %s to the live view", event)

    async def close(self) -> None:
        """Stop pushing; what is still queued is dropped (the consoles are gone by now)."""
        self._closed = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._sender is not None:
            self._sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sender
            self._sender = None
