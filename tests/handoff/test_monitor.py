"""实时监控's rows: which conversations are live, who has them, and their flags.

On SQLite and PostgreSQL, with the gateway's own tables (conversations,
messages, the trainer inbox) beside the handoff's.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import sessionmaker

from bot import store as gateway_store
from bot.conversations import ConversationService
from bot.models import ANSWERED, HANDED_OFF, RECEIVED
from bot.schema import create_gateway_schema
from bot.trainer.models import FALLBACK, LOW_CONFIDENCE, NluMiss
from handoff.audit import AuditLog
from handoff.errors import ConversationNotFound
from handoff.live_push import MONITOR, MONITOR_MESSAGE, MONITOR_TOUCHED, monitor_room
from handoff.monitor import LiveMonitor
from handoff.queue import HandoffQueue
from tests.handoff.conftest import Clock, MakeAgent, OpenTicket


@pytest.fixture(autouse=True)
async def gateway_tables(engine: AsyncEngine) -> None:
    await create_gateway_schema(engine)


class Bus:
    """Records what goes to the ``/agent`` rooms."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, Any, str]] = []

    async def __call__(self, event: str, payload: Any, room: str) -> None:
        self.sent.append((event, payload, room))


async def _nowhere(*_: Any, **__: Any) -> None:
    pass


def hide_phones(text: str) -> str:
    return re.sub(r"1\d{10}", lambda m: m.group()[:3] + "****" + m.group()[-4:], text)


@pytest.fixture
def bus() -> Bus:
    return Bus()


@pytest.fixture
async def monitor(sessions: sessionmaker, clock: Clock, bus: Bus) -> AsyncIterator[LiveMonitor]:
    conversations = ConversationService(sessions, None, _nowhere, clock=clock)  # type: ignore[arg-type]
    audit = AuditLog(sessions, clock)
    monitor = LiveMonitor(
        sessions, conversations, bus, audit, hide_phones, clock=clock, interval=0.01
    )
    yield monitor
    await monitor.close()


class Chat:
    """Writes a conversation's messages the way the gateway stores them."""

    def __init__(self, sessions: sessionmaker, conversation_id: str) -> None:
        self.sessions = sessions
        self.id = conversation_id

    async def shopper(
        self, text: str, at: datetime, status: str = ANSWERED, shopper_id: str | None = None
    ) -> int:
        async with self.sessions.begin() as s:
            await gateway_store.ensure_conversation(s, self.id, shopper_id, at)
            message = await gateway_store.add_message(
                s, self.id, "shopper", text, {}, at, status=status
            )
            return int(message.id)

    async def bot(self, text: str, at: datetime, sender: str = "bot", **payload: Any) -> int:
        async with self.sessions.begin() as s:
            shown = {"text": text, **payload}
            message = await gateway_store.add_message(s, self.id, sender, text, shown, at)
            return int(message.id)

    async def missed(self, message_id: int, at: datetime, reason: str = FALLBACK) -> None:
        """The trainer inbox noted the bot missed this message."""
        async with self.sessions.begin() as s:
            s.add(
                NluMiss(
                    conversation_id=self.id,
                    message_id=message_id,
                    text="-",
                    reason=reason,
                    status="open",
                    created_at=at,
                )
            )

    async def set_status(self, message_id: int, status: str) -> None:
        async with self.sessions.begin() as s:
            await gateway_store.set_status(s, message_id, status)


def _ids(snapshot: dict[str, Any]) -> list[str]:
    return [row["conversation_id"] for row in snapshot["conversations"]]


async def test_the_list_holds_recent_bot_chats_and_every_open_ticket_newest_first(
    monitor: LiveMonitor,
    sessions: sessionmaker,
    clock: Clock,
    queue: HandoffQueue,
    make_agent: MakeAgent,
    open_ticket: OpenTicket,
) -> None:
    alice = await make_agent("alice")
    start = clock.now
    waiting, held, idle, done = (Chat(sessions, c) for c in ("waiting", "held", "idle", "done"))
    await waiting.shopper("转人工", start)
    await open_ticket("waiting")
    await held.shopper("我要退货", start)
    await queue.claim(await open_ticket("held"), alice.id)
    await idle.shopper("你好", start)
    await done.shopper("谢谢", start)
    finished = await open_ticket("done")
    await queue.claim(finished, alice.id)
    await queue.close(finished, alice.id, "resolved")
    clock.advance(hours=2)  # only the ones with an open ticket are still live
    recent = Chat(sessions, "recent")
    await recent.shopper("在吗", clock.advance(minutes=1))
    await recent.bot("在的，请问有什么可以帮您", clock.now)
    await held.bot("好的", clock.advance(minutes=1), sender="agent", agent_name="Alice")
    clock.advance(minutes=29)  # "recent" wrote 30 minutes ago: still live

    snapshot = await monitor.snapshot()

    assert snapshot["window_minutes"] == 30 and snapshot["now"] == clock.now.isoformat()
    assert _ids(snapshot) == ["held", "recent", "waiting"]  # newest activity first
    rows = {row["conversation_id"]: row for row in snapshot["conversations"]}
    assert [rows[c]["handler"] for c in ("held", "recent", "waiting")] == ["agent", "bot", "queue"]
    assert rows["held"]["agent_name"] == "Alice" and rows["held"]["ticket"]["status"] == "assigned"
    assert rows["recent"]["ticket"] is None and rows["recent"]["agent_name"] is None
    assert rows["held"]["last_message"]["sender"] == "agent"
    assert rows["held"]["last_message"]["agent_name"] == "Alice"
    assert rows["recent"]["last_message"]["text"] == "在的，请问有什么可以帮您"
    clock.advance(minutes=1)
    assert _ids(await monitor.snapshot()) == ["held", "waiting"]


async def test_fallbacks_in_a_row_count_until_the_bot_understands_or_a_person_answers(
    monitor: LiveMonitor, sessions: sessionmaker, clock: Clock
) -> None:
    chat = Chat(sessions, "c-1")

    async def streak() -> int:
        row = await monitor.row("c-1")
        assert row is not None
        return int(row["flags"]["not_understood"])

    first = await chat.shopper("asdf", clock.now)
    await chat.missed(first, clock.now)
    await chat.shopper("查订单", clock.advance(seconds=10))  # understood
    for text in ("吧啦吧啦", "嗯嗯嗯"):
        await chat.missed(await chat.shopper(text, clock.advance(seconds=10)), clock.now)
    unsure = await chat.shopper("那个", clock.advance(seconds=10))
    await chat.missed(unsure, clock.now, reason=LOW_CONFIDENCE)  # answered, if unsure
    assert await streak() == 0
    await chat.set_status(unsure, HANDED_OFF)
    assert await streak() == 0  # a person answered it

    again = await chat.shopper("？？？", clock.advance(seconds=10))
    await chat.missed(again, clock.now)
    assert await streak() == 1
    late = await chat.shopper("有人吗", clock.advance(seconds=10), status=RECEIVED)
    assert await streak() == 1  # its answer is not known yet
    await chat.set_status(late, ANSWERED)
    await chat.missed(late, clock.now)
    assert await streak() == 2

    clock.advance(minutes=29, seconds=55)  # the first of the two is out of the window
    assert await streak() == 1


async def test_flags_a_request_for_a_person_an_urgent_chat_and_a_low_rating(
    monitor: LiveMonitor,
    sessions: sessionmaker,
    clock: Clock,
    queue: HandoffQueue,
    make_agent: MakeAgent,
    open_ticket: OpenTicket,
) -> None:
    alice = await make_agent("alice", skills="general,safety")
    for name in ("asked", "danger", "unhappy", "happy"):
        await Chat(sessions, name).shopper("你好", clock.now)
    await open_ticket("asked", reason="requested")
    await open_ticket("danger", reason="emergency", priority="urgent", team="safety")
    for name, score in (("unhappy", 1), ("happy", 4)):
        ticket_id = await open_ticket(name)
        await queue.claim(ticket_id, alice.id)
        await queue.close(ticket_id, alice.id, "resolved")
        await queue.rate(name, score)
        await Chat(sessions, name).shopper("还是不行", clock.advance(minutes=1))

    rows = {row["conversation_id"]: row for row in (await monitor.snapshot())["conversations"]}

    assert rows["asked"]["flags"] == {
        "not_understood": 0, "asked_for_person": True, "low_rating": None, "urgent": False,
    }  # fmt: skip
    assert rows["danger"]["flags"]["urgent"] and not rows["danger"]["flags"]["asked_for_person"]
    assert rows["unhappy"]["flags"]["low_rating"] == 1 and rows["unhappy"]["handler"] == "bot"
    assert rows["happy"]["flags"]["low_rating"] is None


async def test_previews_are_masked_short_and_show_a_tapped_buttons_title(
    monitor: LiveMonitor, sessions: sessionmaker, clock: Clock
) -> None:
    chat = Chat(sessions, "c-1")
    await chat.shopper("我的电话是13812345678，" + "请尽快联系我" * 20, clock.now)
    row = await monitor.row("c-1")
    assert row is not None
    text = row["last_message"]["text"]
    assert text.startswith("我的电话是138****5678，") and len(text) == 60
    async with sessions.begin() as s:
        await gateway_store.add_message(
            s, "c-1", "shopper", "/order_status", {"title": "查订单"}, clock.now, status=ANSWERED
        )
    row = await monitor.row("c-1")
    assert row is not None and row["last_message"]["text"] == "查订单"


async def test_each_stored_message_goes_to_its_readers_and_its_conversation_to_the_list(
    monitor: LiveMonitor, sessions: sessionmaker, clock: Clock, bus: Bus
) -> None:
    chat = Chat(sessions, "c-1")
    message_id = await chat.shopper("在吗", clock.now)
    shown = {"message_id": message_id, "sender": "shopper", "text": "在吗"}

    monitor.shown("c-1", shown)
    await monitor.answered("c-1", message_id, "在吗", False, None)
    monitor.shown("nobody", {"message_id": 99, "sender": "bot", "text": "?"})
    while len(bus.sent) < 3:
        await asyncio.sleep(0.01)

    assert [(event, room) for event, _, room in bus.sent] == [
        (MONITOR_MESSAGE, monitor_room("c-1")),
        (MONITOR_MESSAGE, monitor_room("nobody")),
        (MONITOR_TOUCHED, MONITOR),  # both, once
    ]
    assert bus.sent[0][1] == {"conversation_id": "c-1", "message": shown}
    assert bus.sent[2][1] == {"conversation_ids": ["c-1", "nobody"]}
    # What a console watching the list then asks for: no row for a conversation never stored.
    [row] = await monitor.rows(["c-1", "nobody"])
    assert row["conversation_id"] == "c-1" and row["version"] == message_id


async def test_reading_a_conversation_is_audited_and_an_unknown_one_refused(
    monitor: LiveMonitor,
    sessions: sessionmaker,
    clock: Clock,
    make_agent: MakeAgent,
) -> None:
    sam = await make_agent("sam", role="supervisor")
    chat = Chat(sessions, "c-1")
    await chat.shopper("我的电话是13812345678", clock.now)
    await chat.bot("好的", clock.now)

    opened = await monitor.open(sam, "c-1")
    with pytest.raises(ConversationNotFound):
        await monitor.open(sam, "c-unknown")

    assert [m["text"] for m in opened["transcript"]] == ["我的电话是13812345678", "好的"]
    assert opened["conversation"]["last_message"]["text"] == "好的"
    [entry] = await AuditLog(sessions).entries()
    assert entry["action"] == "watch_conversation" and entry["agent_id"] == sam.id
    assert entry["detail"] == {"conversation_id": "c-1"} and entry["ticket_id"] is None
