"""Fixtures: every test runs on in-memory SQLite and on PostgreSQL.

PostgreSQL tests use a throw-away schema per test, so parallel runs never
share tables. Set ``KEFU_TEST_POSTGRES_URL=`` (empty) to skip them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timezone

import pytest
import pytest_asyncio
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import NullPool

from actions.shop.db import create_schema, make_engine, make_sessionmaker
from actions.shop.seed import seed_demo_shop
from actions.shop.service import ShopService

DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
#: The fixed "now" of every test: 2026-11-23 18:00 in Shanghai.
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)


def _postgres_url() -> str:
    return os.environ.get("KEFU_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def _backends() -> list[object]:
    skip = pytest.mark.skip(reason="KEFU_TEST_POSTGRES_URL is empty")
    marks = [skip] if not _postgres_url() else []
    return ["sqlite", pytest.param("postgresql", marks=marks)]


@pytest.fixture
def now() -> datetime:
    """The fixed current time."""
    return NOW


@pytest_asyncio.fixture(params=_backends())
async def engine(request: pytest.FixtureRequest) -> AsyncIterator[AsyncEngine]:
    """An empty database with the shop schema."""
    if request.param == "sqlite":
        engine = make_engine("sqlite+aiosqlite://")
        await create_schema(engine)
        yield engine
        await engine.dispose()
    else:
        async with _postgres_engine(_postgres_url()) as engine:
            yield engine


@asynccontextmanager
async def _postgres_engine(url: str) -> AsyncIterator[AsyncEngine]:
    """Yield an engine whose search_path is a fresh schema, dropped after."""
    schema = f"kefu_shop_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(url, poolclass=NullPool)
    async with admin.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    settings = {"search_path": schema}
    engine = make_engine(url, connect_args={"server_settings": settings})
    try:
        await create_schema(engine)
        yield engine
    finally:
        await engine.dispose()
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        await admin.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> sessionmaker:
    """Sessionmaker on the empty test database."""
    return make_sessionmaker(engine)


@pytest_asyncio.fixture
async def seeded(sessions: sessionmaker, now: datetime) -> sessionmaker:
    """Sessionmaker on a database holding the demo shop."""
    await seed_demo_shop(sessions, now)
    return sessions


@pytest.fixture
def shop(seeded: sessionmaker, now: datetime) -> ShopService:
    """ShopService over the demo shop with a clock stuck at ``now``."""
    return ShopService(seeded, clock=lambda: now)


CountRows = Callable[..., Awaitable[int]]


@pytest.fixture
def count_rows(sessions: sessionmaker) -> CountRows:
    """``await count_rows(Model, column=value, ...)`` counts matching rows."""

    async def count(model: type, **where: object) -> int:
        stmt = select(func.count()).select_from(model)
        for column, value in where.items():
            stmt = stmt.where(getattr(model, column) == value)
        async with sessions() as s:
            return int((await s.execute(stmt)).scalar_one())

    return count
