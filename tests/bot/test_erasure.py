"""Erasing conversations on request and after the retention period, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from actions.shop.db import make_engine, make_sessionmaker
from bot import erasure, store
from bot import models as gateway_models
from bot.app import create_app
from bot.erasure import ConversationsInUse, Eraser, purge_forever
from bot.rasa_client import RasaClient, RasaUnavailable
from bot.schema import create_gateway_schema
from bot.settings import Settings, SettingsError
from bot.trainer.models import NluMiss, ShopperChoice
from handoff.models import Agent, AuditEntry, Promise, Ticket, TicketEvent
from tests.bot.fake_rasa import FakeRasa
from tests.postgres import fresh_database, server_url
from tests.servers import serving

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
POSTGRES = pytest.param(
    "postgresql", marks=pytest.mark.skipif(not server_url(), reason="no PostgreSQL")
)


@pytest.fixture(params=["sqlite", POSTGRES])
async def sessionmaker(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Any]:
    """The gateway database with every table kefu keeps there."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'kefu.db'}"
        async for maker in _database(url):
            yield maker
    else:
        async with fresh_database() as url:
            async for maker in _database(url):
                yield maker


async def _database(url: str) -> AsyncIterator[Any]:
    engine = make_engine(url)
    await create_gateway_schema(engine)
    yield make_sessionmaker(engine)
    await engine.dispose()


@pytest.fixture
def rasa() -> FakeRasa:
    return FakeRasa()


@pytest.fixture
def eraser(sessionmaker: Any, rasa: FakeRasa) -> Eraser:
    return Eraser(sessionmaker, RasaClient("http://rasa", transport=rasa.transport()), lambda: NOW)


async def chat(
    sessionmaker: Any, conversation_id: str, shopper_id: str, days_ago: float = 0
) -> None:
    """A conversation with a picture, a message each way and an inbox entry the shopper labelled."""
    at = NOW - timedelta(days=days_ago)
    async with sessionmaker.begin() as s:
        await store.ensure_conversation(s, conversation_id, shopper_id, at)
        await store.add_image(s, f"img-{conversation_id}", conversation_id, "image/png", b"x", at)
        asked = await store.add_message(s, conversation_id, "shopper", "运费谁出", {}, at)
        await store.add_message(s, conversation_id, "bot", "您是不是想问", {}, at)
        miss = NluMiss(
            conversation_id=conversation_id,
            message_id=asked.id,
            text="运费谁出",
            reason="fallback",
            status="open",
            created_at=at,
        )
        s.add(miss)
        await s.flush()
        s.add(ShopperChoice(miss_id=miss.id, intent="product_consult", created_at=at))


async def ticket(
    sessionmaker: Any,
    conversation_id: str,
    status: str = "closed",
    closed_days_ago: float = 40,
    promise: str | None = None,
) -> int:
    """A ticket of the conversation, with an event, an audit entry and maybe a promise."""
    at = NOW - timedelta(days=closed_days_ago)
    async with sessionmaker.begin() as s:
        agent = await s.scalar(select(Agent).where(Agent.username == "xiaomei"))
        if agent is None:
            agent = Agent(
                username="xiaomei",
                display_name="小美",
                password_hash="x",
                role="agent",
                created_at=at,
            )
            s.add(agent)
            await s.flush()
        row = Ticket(
            conversation_id=conversation_id,
            shopper_id="shopper-a",
            status=status,
            priority="normal",
            priority_rank=2,
            team="general",
            reason="requested",
            summary=["运费谁出", "电话13812345678"],
            agent_id=agent.id if status != "queued" else None,
            created_at=at,
            queued_at=at,
            closed_at=at if status == "closed" else None,
            resolution_code="resolved" if status == "closed" else None,
            resolution_note="已告知包邮政策" if status == "closed" else None,
            csat=5 if status == "closed" else None,
        )
        s.add(row)
        await s.flush()
        s.add(TicketEvent(ticket_id=row.id, kind="queued", at=at, data={"summary": ["运费谁出"]}))
        s.add(AuditEntry(at=at, agent_id=agent.id, action="view_contact", ticket_id=row.id))
        if promise:
            s.add(
                Promise(
                    ticket_id=row.id,
                    agent_id=agent.id,
                    note="1小时内回复运费",
                    due_at=at,
                    created_at=at,
                    status=promise,
                )
            )
        return int(row.id)


async def count(sessionmaker: Any, column: Any, *where: Any) -> int:
    async with sessionmaker() as s:
        return int(await s.scalar(select(func.count(column)).where(*where)) or 0)


async def test_a_shoppers_conversations_are_erased_all_but_an_anonymous_ticket(
    sessionmaker: Any, eraser: Eraser, rasa: FakeRasa
) -> None:
    await chat(sessionmaker, "conv-a-1", "shopper-a")
    await chat(sessionmaker, "conv-a-2", "shopper-a")
    await chat(sessionmaker, "conv-b-1", "shopper-b")
    ticket_id = await ticket(sessionmaker, "conv-a-1", promise="fulfilled")

    assert await eraser.erase_shopper("shopper-a") == 2

    assert sorted(rasa.forgotten) == ["conv-a-1", "conv-a-2"]
    Message, Conversation = gateway_models.Message, gateway_models.Conversation
    assert await count(sessionmaker, Conversation.id) == 1
    assert await count(sessionmaker, Message.id, Message.conversation_id != "conv-b-1") == 0
    Image = gateway_models.Image
    assert await count(sessionmaker, Image.id, Image.conversation_id != "conv-b-1") == 0
    assert await count(sessionmaker, Image.id) == 1  # shopper-b's picture stays
    assert await count(sessionmaker, NluMiss.id, NluMiss.conversation_id != "conv-b-1") == 0
    assert await count(sessionmaker, ShopperChoice.miss_id) == 1  # shopper-b's
    assert await count(sessionmaker, TicketEvent.id) == 0
    assert await count(sessionmaker, Promise.id) == 0
    async with sessionmaker() as s:
        kept = await s.get(Ticket, ticket_id)
        audit = await s.scalar(select(AuditEntry))
    assert (kept.conversation_id, kept.shopper_id, kept.summary, kept.resolution_note) == (
        "erased",
        None,
        [],
        None,
    )
    assert (kept.status, kept.resolution_code, kept.csat) == ("closed", "resolved", 5)
    assert audit.ticket_id == ticket_id  # the audit log is never changed
    assert await eraser.erase_shopper("shopper-a") == 0  # nothing left


@pytest.mark.parametrize(("status", "promise"), [("assigned", None), ("closed", "overdue")])
async def test_nothing_is_erased_while_a_person_still_works_on_it(
    sessionmaker: Any, eraser: Eraser, rasa: FakeRasa, status: str, promise: str | None
) -> None:
    await chat(sessionmaker, "conv-a-1", "shopper-a")
    await chat(sessionmaker, "conv-a-2", "shopper-a")
    await ticket(sessionmaker, "conv-a-2", status=status, promise=promise)

    with pytest.raises(ConversationsInUse) as refused:
        await eraser.erase_shopper("shopper-a")

    assert refused.value.conversation_ids == ["conv-a-2"]
    assert rasa.forgotten == []
    assert await count(sessionmaker, gateway_models.Message.id) == 4


async def test_when_rasa_cannot_forget_nothing_is_deleted(
    sessionmaker: Any, eraser: Eraser, rasa: FakeRasa
) -> None:
    await chat(sessionmaker, "conv-a-1", "shopper-a")
    rasa.up = False

    with pytest.raises(RasaUnavailable):
        await eraser.erase_shopper("shopper-a")

    assert await count(sessionmaker, gateway_models.Message.id) == 2
    assert await count(sessionmaker, NluMiss.id) == 1


async def test_retention_erases_what_was_left_long_enough_ago_and_nobody_works_on(
    sessionmaker: Any, eraser: Eraser, rasa: FakeRasa, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(erasure, "BATCH", 1)  # page through one at a time
    await chat(sessionmaker, "old-1", "shopper-a", days_ago=40)
    await chat(sessionmaker, "old-2", "shopper-b", days_ago=31)
    await chat(sessionmaker, "recent", "shopper-a", days_ago=29)
    await chat(sessionmaker, "old-but-just-closed", "shopper-c", days_ago=40)
    await ticket(sessionmaker, "old-but-just-closed", closed_days_ago=5)
    await chat(sessionmaker, "old-but-promised", "shopper-d", days_ago=40)
    await ticket(sessionmaker, "old-but-promised", promise="open")
    await chat(sessionmaker, "old-and-done", "shopper-e", days_ago=40)
    await ticket(sessionmaker, "old-and-done", promise="fulfilled")

    expired = [batch async for batch in eraser.expired(30)]
    assert expired == [["old-1"], ["old-2"], ["old-and-done"]]  # a dry run erases nothing
    assert rasa.forgotten == []
    assert await eraser.purge(30) == 3

    assert sorted(rasa.forgotten) == ["old-1", "old-2", "old-and-done"]
    async with sessionmaker() as s:
        left = await s.scalars(select(gateway_models.Conversation.id))
        assert sorted(left) == ["old-but-just-closed", "old-but-promised", "recent"]
    assert await eraser.purge(30) == 0


async def test_the_retention_loop_outlives_a_run_that_failed(
    sessionmaker: Any, eraser: Eraser, rasa: FakeRasa
) -> None:
    await chat(sessionmaker, "old-1", "shopper-a", days_ago=40)
    rasa.up = False
    stop = asyncio.Event()
    loop = asyncio.create_task(purge_forever(eraser, 30, stop, interval=0.05))
    await asyncio.sleep(0.2)
    assert await count(sessionmaker, gateway_models.Conversation.id) == 1

    rasa.up = True
    for _ in range(100):
        if not await count(sessionmaker, gateway_models.Conversation.id):
            break
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(loop, 5)  # it was cancelled, and hung now and then

    assert rasa.forgotten == ["old-1"]
    assert await count(sessionmaker, gateway_models.Conversation.id) == 0


async def test_the_forget_call_replaces_the_events_with_none() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    client = RasaClient("http://rasa", transport=httpx.MockTransport(handler), token="t0k")
    await client.forget("conv-a-1")
    await client.aclose()

    (request,) = seen
    assert (request.method, request.url.path, request.content) == (
        "PUT",
        "/conversations/conv-a-1/tracker/events",
        b"[]",
    )
    assert request.url.params["token"] == "t0k"


async def test_a_gateway_with_a_retention_period_applies_it_from_the_start(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kefu.db'}"
    now = datetime.now(timezone.utc)
    async for sessionmaker in _database(url):
        async with sessionmaker.begin() as s:
            await store.ensure_conversation(
                s, "left-long-ago", "shopper-a", now - timedelta(days=8)
            )
            await store.ensure_conversation(s, "yesterday", "shopper-a", now - timedelta(days=1))
        rasa = FakeRasa()
        settings = Settings(
            database_url=url, identity_secret="s", var_dir=tmp_path, retention_days=7
        )
        async with serving(create_app(settings, rasa_transport=rasa.transport())):
            for _ in range(200):
                if rasa.forgotten:
                    break
                await asyncio.sleep(0.05)
        async with sessionmaker() as s:
            left = list(await s.scalars(select(gateway_models.Conversation.id)))

    assert rasa.forgotten == ["left-long-ago"]
    assert left == ["yesterday"]


def test_the_retention_period_is_read_and_checked() -> None:
    assert Settings.from_env({}).retention_days == 0
    assert Settings.from_env({"KEFU_RETENTION_DAYS": "180"}).retention_days == 180
    for bad in ("-1", "half a year"):
        with pytest.raises(SettingsError, match="KEFU_RETENTION_DAYS"):
            Settings.from_env({"KEFU_RETENTION_DAYS": bad})
