"""A socket.io client that speaks the widget's side of the protocol, for tests."""

from __future__ import annotations

import asyncio
from typing import Any

import socketio

EVENTS = (
    "session_confirm",
    "session_history",
    "bot_uttered",
    "bot_typing",
    "shopper_uttered",
    "kefu_error",
    "queue_status",
)


class WidgetClient:
    """Connects like rasa-webchat and records every event it receives."""

    def __init__(self, namespace: str = "/", kefu: bool = True) -> None:
        self.sio = socketio.AsyncClient(reconnection=False)
        self.namespace = namespace
        # kefu's widget announces itself; rasa-webchat sends no auth.
        self.auth = {"client": "kefu-widget"} if kefu else None
        self._events: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        self.seen: list[tuple[str, Any]] = []
        for name in EVENTS:
            self.sio.on(name, self._recorder(name), namespace=namespace)

    def _recorder(self, name: str) -> Any:
        async def record(data: Any = None) -> None:
            await self._events.put((name, data))

        return record

    async def connect(self, url: str, transport: str = "websocket") -> None:
        """Open the connection (websocket unless told otherwise)."""
        # python-socketio waits 1 s for the namespace by default; a loaded 2-core
        # machine running the whole suite took longer now and then.
        await self.sio.connect(
            url,
            transports=[transport],
            namespaces=[self.namespace],
            auth=self.auth,
            wait_timeout=10,
        )

    async def next(self, name: str, timeout: float = 10.0) -> Any:
        """The next event called ``name``; other events are kept in ``seen``."""
        return await asyncio.wait_for(self._next(name), timeout)

    async def _next(self, name: str) -> Any:
        while True:
            event, data = await self._events.get()
            self.seen.append((event, data))
            if event == name:
                return data

    async def start_session(self, session_id: str | None = None) -> tuple[str, list[Any]]:
        """Send ``session_request``; return the confirmed id and the history."""
        await self.sio.emit("session_request", {"session_id": session_id}, namespace=self.namespace)
        confirmed = await self.next("session_confirm")
        history = await self.next("session_history")
        return confirmed, history["messages"]

    async def say(self, text: str, session_id: str, **extra: Any) -> Any:
        """Send ``user_uttered`` and return the server's acknowledgement."""
        payload = {"message": text, "session_id": session_id, **extra}
        return await self.sio.call("user_uttered", payload, namespace=self.namespace, timeout=10)

    async def send_image(self, image: Any, session_id: str, **extra: Any) -> Any:
        """Send ``user_sent_image`` with the picture's bytes; return the acknowledgement."""
        payload = {"image": image, "session_id": session_id, **extra}
        return await self.sio.call("user_sent_image", payload, namespace=self.namespace, timeout=10)

    async def close(self) -> None:
        """Disconnect."""
        await self.sio.disconnect()


AGENT_EVENTS = (
    "hello",
    "queue_updated",
    "ticket_assigned",
    "ticket_message",
    "shopper_typing",
    "ticket_closed",
    "urgent_ticket",
    "console_error",
    "claim_deadline_missed",
    "promise_due_soon",
    "promise_overdue",
    "canned_updated",
    "unhappy_rating",
    "ticket_escalated",
    "promises_updated",
    "promise_followup",
)


class AgentClient(WidgetClient):
    """An agent console: the ``/agent`` namespace with a token."""

    def __init__(self, token: str | None) -> None:
        self.sio = socketio.AsyncClient(reconnection=False)
        self.namespace = "/agent"
        self.auth = {"token": token} if token is not None else None
        self._events = asyncio.Queue()
        self.seen = []
        for name in AGENT_EVENTS:
            self.sio.on(name, self._recorder(name), namespace=self.namespace)

    async def ask(self, event: str, payload: Any) -> Any:
        """Emit an event and return its acknowledgement."""
        return await self.sio.call(event, payload, namespace=self.namespace, timeout=10)
