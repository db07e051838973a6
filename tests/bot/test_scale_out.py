"""Two gateway processes share rooms through Redis and state through PostgreSQL."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest
import socketio

from actions.shop.db import make_engine, make_sessionmaker
from bot.app import create_app
from bot.schema import create_gateway_schema
from bot.settings import Settings
from handoff.users import UserDirectory
from tests.bot.fake_rasa import FakeRasa
from tests.postgres import fresh_database, server_url
from tests.servers import serving
from tests.socket_clients import AgentClient, WidgetClient

REDIS_URL = "redis://127.0.0.1:6379/0"
PASSWORD = "correct horse"
pytestmark = pytest.mark.skipif(not server_url(), reason="KEFU_TEST_POSTGRES_URL is empty")


async def test_reply_reaches_a_tab_connected_to_the_other_gateway(tmp_path: Path) -> None:
    channel = f"kefu-test-{uuid.uuid4().hex}"
    rasa = FakeRasa()
    async with fresh_database() as database_url:
        settings = Settings(database_url=database_url, identity_secret="s", var_dir=tmp_path)
        apps = [
            create_app(
                settings,
                rasa_transport=rasa.transport(),
                client_manager=socketio.AsyncRedisManager(REDIS_URL, channel=channel),
            )
            for _ in range(2)
        ]
        async with serving(apps[0]) as first_url, serving(apps[1]) as second_url:
            here, there = WidgetClient(), WidgetClient()
            await here.connect(first_url)
            await there.connect(second_url)
            try:
                session_id, _ = await here.start_session()
                _, history = await there.start_session(session_id)
                await here.say("两台网关", session_id)
                mirrored = await there.next("shopper_uttered")
                answered = await there.next("bot_uttered")
            finally:
                await here.close()
                await there.close()
    assert history == []
    assert mirrored["text"] == "两台网关"
    assert answered["text"] == "收到：两台网关"


async def _agent(url: str, username: str) -> AgentClient:
    async with httpx.AsyncClient(base_url=url) as http:
        answer = await http.post("/api/login", json={"username": username, "password": PASSWORD})
    console = AgentClient(answer.json()["token"])
    await console.connect(url)
    await console.next("hello")
    return console


async def _next_system(widget: WidgetClient, containing: str) -> str:
    while True:
        message = await widget.next("bot_uttered")
        if message.get("sender") == "system" and containing in message.get("text", ""):
            return str(message["text"])


async def test_an_agent_on_one_gateway_gets_a_chat_opened_on_the_other(tmp_path: Path) -> None:
    rasa = FakeRasa()
    async with fresh_database() as database_url:
        engine = make_engine(database_url)
        await create_gateway_schema(engine)
        users = UserDirectory(make_sessionmaker(engine))
        await users.create("alice", PASSWORD, "agent", display_name="小美", skills=("general",))
        await engine.dispose()
        settings = Settings(
            database_url=database_url,
            identity_secret="s",
            var_dir=tmp_path,
            redis_url=REDIS_URL,
            redis_channel=f"kefu-test-{uuid.uuid4().hex}",
            agent_grace=0.5,
        )
        apps = [create_app(settings, rasa_transport=rasa.transport()) for _ in range(2)]
        async with serving(apps[0]) as first_url, serving(apps[1]) as second_url:
            alice = await _agent(first_url, "alice")
            widget = WidgetClient()
            await widget.connect(second_url)
            try:
                session_id, _ = await widget.start_session()
                await widget.say("转人工", session_id)
                assigned = (await alice.next("ticket_assigned"))["ticket"]
                joined = await _next_system(widget, "已接入")
                await widget.say("在吗", session_id)
                relayed = await alice.next("ticket_message")
            finally:
                await widget.close()
                await alice.close()
    assert assigned["conversation_id"] == session_id and "小美" in joined
    assert relayed["message"]["text"] == "在吗"
