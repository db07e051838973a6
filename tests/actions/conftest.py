"""Actions run against a real, seeded SQLite shop with a fixed clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timezone

import pytest_asyncio

from actions.shop.db import create_schema, make_engine, make_sessionmaker
from actions.shop.seed import seed_demo_shop
from actions.shop.service import ShopService

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)


@pytest_asyncio.fixture
async def shop() -> AsyncIterator[ShopService]:
    engine = make_engine("sqlite+aiosqlite://")
    await create_schema(engine)
    sessions = make_sessionmaker(engine)
    await seed_demo_shop(sessions, NOW)
    yield ShopService(sessions, clock=lambda: NOW)
    await engine.dispose()
