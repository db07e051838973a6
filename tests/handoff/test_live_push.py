"""The live view costs the conversations next to nothing (``handoff.live_push``).

Nobody waits for it, it runs no query unless a console asks for rows, a burst
of messages is one push, and it leaves nothing running once closed. The
conversation service is the real one, on SQLite and PostgreSQL, with Rasa faked.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import sessionmaker

from bot.conversations import ConversationService
from bot.rasa_client import RasaClient
from bot.schema import create_gateway_schema
from handoff.audit import AuditLog
from handoff.live_push import MONITOR, MONITOR_MESSAGE, MONITOR_TOUCHED, LivePush, monitor_room
from handoff.monitor import LiveMonitor
from tests.bot.fake_rasa import FakeRasa

INTERVAL = 0.05


class Bus:
    """Records what goes to the ``/agent`` rooms; ``stuck`` makes every emit hang."""

    def __init__(self, stuck: bool = False) -> None:
        self.sent: list[tuple[str, Any, str]] = []
        self.stuck = stuck
        self._never = asyncio.Event()

    async def __call__(self, event: str, payload: Any, room: str) -> None:
        if self.stuck:
            await self._never.wait()
        self.sent.append((event, payload, room))

    def touches(self) -> list[list[str]]:
        return [p["conversation_ids"] for e, p, room in self.sent if e == MONITOR_TOUCHED]


class ThreeReplies(FakeRasa):
    """Answers every message with three bot messages, as a long answer of the bot's."""

    def reply_for(self, text: str) -> list[dict[str, Any]]:
        return [{"text": f"{text}：第{n}条"} for n in (1, 2, 3)]


class Widget:
    """What the shoppers' rooms got."""

    def __init__(self) -> None:
        self.got: list[tuple[str, str, Any]] = []

    async def __call__(
        self, conversation_id: str, event: str, payload: Any, skip_sid: str | None = None
    ) -> None:
        self.got.append((conversation_id, event, payload))

    def texts(self, conversation_id: str) -> list[str]:
        return [p["text"] for c, e, p in self.got if c == conversation_id and e == "bot_uttered"]


@pytest.fixture(autouse=True)
async def gateway_tables(engine: AsyncEngine) -> None:
    await create_gateway_schema(engine)


@pytest.fixture
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    """Every SQL statement the engine runs from now on."""
    ran: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        ran.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    yield ran
    event.remove(engine.sync_engine, "before_cursor_execute", record)


@pytest.fixture
async def rasa() -> AsyncIterator[RasaClient]:
    client = RasaClient("http://rasa", transport=ThreeReplies().transport())
    yield client
    await client.aclose()


def _service(sessions: sessionmaker, rasa: RasaClient, widget: Widget) -> ConversationService:
    return ConversationService(sessions, rasa, widget)


def _watched(service: ConversationService, sessions: sessionmaker, bus: Bus) -> LiveMonitor:
    """The live view attached as the gateway attaches it (``handoff.wiring``, ``bot.app``)."""
    monitor = LiveMonitor(sessions, service, bus, AuditLog(sessions), interval=INTERVAL)
    service.attach_watcher(monitor.shown)
    service.attach_observer(monitor.answered)
    return monitor


async def _until(condition: Any, timeout: float = 5.0) -> None:
    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.01)

    await asyncio.wait_for(poll(), timeout)


def _pending_tasks() -> list[asyncio.Task[Any]]:
    return [t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()]


async def test_with_nobody_asking_for_rows_the_live_view_runs_no_query(
    sessions: sessionmaker, rasa: RasaClient, statements: list[str]
) -> None:
    widget = Widget()
    plain = _service(sessions, rasa, widget)
    await plain.accept("c-plain", "demo", "你好")
    await plain.drain()
    without = len(statements)

    watched = _service(sessions, rasa, widget)
    bus = Bus()
    monitor = _watched(watched, sessions, bus)
    statements.clear()
    await watched.accept("c-watched", "demo", "你好")
    await watched.drain()
    await _until(lambda: bus.touches())
    await monitor.close()

    assert len(statements) == without  # the same statements as with no live view at all
    assert widget.texts("c-watched") == widget.texts("c-plain") == [
        "你好：第1条", "你好：第2条", "你好：第3条",
    ]  # fmt: skip
    assert [e for e, _, _ in bus.sent].count(MONITOR_MESSAGE) == 4


async def test_a_burst_of_messages_in_a_conversation_is_one_touch(
    sessions: sessionmaker, rasa: RasaClient
) -> None:
    bus = Bus()
    service = _service(sessions, rasa, Widget())
    monitor = _watched(service, sessions, bus)

    # The shopper's message, the bot's three and the answer (未理解): five changes, one push.
    await service.accept("c-1", "demo", "你好")
    await service.drain()
    await _until(lambda: bus.touches())
    await asyncio.sleep(INTERVAL * 3)
    await monitor.close()

    assert bus.touches() == [["c-1"]]
    readers = [(e, p["message"]["text"], room) for e, p, room in bus.sent if e == MONITOR_MESSAGE]
    assert readers == [
        (MONITOR_MESSAGE, "你好", monitor_room("c-1")),
        *((MONITOR_MESSAGE, f"你好：第{n}条", monitor_room("c-1")) for n in (1, 2, 3)),
    ]  # each at once, in order
    assert bus.sent[-1][0] == MONITOR_TOUCHED and bus.sent[-1][2] == MONITOR


async def test_touches_gather_conversations_and_a_later_change_is_pushed_again() -> None:
    bus = Bus()
    push = LivePush(bus, interval=INTERVAL)
    for conversation_id in ("c-1", "c-2", "c-1"):
        push.touch(conversation_id)
    await _until(lambda: bus.touches())
    push.touch("c-2")
    await _until(lambda: len(bus.touches()) == 2)
    await push.close()
    assert bus.touches() == [["c-1", "c-2"], ["c-2"]]


async def test_the_conversations_never_wait_for_a_stuck_live_view(
    sessions: sessionmaker, rasa: RasaClient
) -> None:
    widget = Widget()
    service = _service(sessions, rasa, widget)
    monitor = _watched(service, sessions, Bus(stuck=True))

    await asyncio.wait_for(service.accept("c-1", "demo", "你好"), 2)
    await asyncio.wait_for(service.drain(), 5)  # answered in full
    await asyncio.wait_for(service.post("c-1", "agent", {"text": "您好，我是客服"}), 2)
    await asyncio.wait_for(service.accept("c-1", "demo", "谢谢"), 2)
    await asyncio.wait_for(service.drain(), 5)

    answers = [f"{said}：第{n}条" for said in ("你好", "谢谢") for n in (1, 2, 3)]
    assert widget.texts("c-1") == answers[:3] + ["您好，我是客服"] + answers[3:]
    await asyncio.wait_for(monitor.close(), 2)  # even with an emit hanging
    assert _pending_tasks() == []


async def test_closing_leaves_nothing_pending_and_later_messages_are_dropped(
    sessions: sessionmaker, rasa: RasaClient
) -> None:
    bus = Bus()
    service = _service(sessions, rasa, Widget())
    monitor = _watched(service, sessions, bus)
    await service.accept("c-1", "demo", "你好")  # its touch is still waiting for the interval

    await monitor.close()
    await service.drain()  # the gateway drains its conversations after closing the live view

    assert _pending_tasks() == []
    await asyncio.sleep(INTERVAL * 2)
    assert bus.touches() == []
    assert _pending_tasks() == []


async def test_a_push_that_fails_does_not_stop_the_next(caplog: pytest.LogCaptureFixture) -> None:
    sent: list[str] = []

    async def flaky(event: str, payload: Any, room: str) -> None:
        if payload.get("conversation_id") == "c-bad":
            raise RuntimeError("redis is away")
        sent.append(room)

    push = LivePush(flaky, interval=INTERVAL)
    push.message("c-bad", {"message_id": 1})
    push.message("c-good", {"message_id": 2})
    await _until(lambda: MONITOR in sent)
    await push.close()
    assert sent == [monitor_room("c-good"), MONITOR]
    assert "Could not push monitor_message" in caplog.text
