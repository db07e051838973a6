"""Two gateway processes share rooms through Redis and state through PostgreSQL."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import socketio

from bot.app import create_app
from bot.settings import Settings
from tests.bot.fake_rasa import FakeRasa
from tests.postgres import fresh_database, server_url
from tests.servers import serving
from tests.socket_clients import WidgetClient

REDIS_URL = "redis://127.0.0.1:6379/0"
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
