"""A gateway over real socket.io on loopback, with a fake Rasa (one per test)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import create_app
from bot.settings import Settings
from tests.bot.fake_rasa import FakeRasa
from tests.servers import serving
from tests.socket_clients import WidgetClient

SECRET = "test-secret"


@pytest.fixture
def rasa() -> FakeRasa:
    return FakeRasa()


@pytest.fixture
async def gateway(tmp_path: Path, rasa: FakeRasa) -> AsyncIterator[str]:
    """The gateway's URL; its database is a SQLite file in ``tmp_path``."""
    settings = Settings(
        database_url=f"sqlite:///{tmp_path}/kefu.db",
        identity_secret=SECRET,
        redelivery_interval=0.2,
        var_dir=tmp_path,
    )
    async with serving(create_app(settings, rasa_transport=rasa.transport())) as url:
        yield url


@pytest.fixture
async def client(gateway: str) -> AsyncIterator[WidgetClient]:
    """A kefu widget connected to the gateway."""
    widget = WidgetClient()
    await widget.connect(gateway)
    yield widget
    await widget.close()
