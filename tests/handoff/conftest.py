"""Fixtures: every store and queue test runs on in-memory SQLite and PostgreSQL.

PostgreSQL tests use a throw-away schema per test; set
``KEFU_TEST_POSTGRES_URL=`` (empty) to skip them. Concurrency tests use a
SQLite *file* (so connections really run side by side) and PostgreSQL.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import NullPool

from actions.shop.db import create_schema as create_shop_schema
from actions.shop.db import make_engine as make_shop_engine
from actions.shop.db import make_sessionmaker as make_shop_sessionmaker
from actions.shop.seed import seed_demo_shop
from actions.shop.service import ShopService
from handoff.db import create_schema, make_engine, make_sessionmaker
from handoff.models import Agent
from handoff.queue import HandoffQueue
from handoff.views import AgentView
from tests.postgres import server_url

#: The fixed "now" of every test.
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)


class Clock:
    """A clock that stands still until a test moves it."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        """Move the clock forward by ``timedelta(**delta)``."""
        self.now += timedelta(**delta)
        return self.now


def _pg_param(name: str) -> Any:
    skip = pytest.mark.skip(reason="KEFU_TEST_POSTGRES_URL is empty")
    return pytest.param(name, marks=[skip] if not server_url() else [])


@asynccontextmanager
async def postgres_engine(**engine_kwargs: Any) -> AsyncIterator[AsyncEngine]:
    """An engine whose search_path is a fresh schema, dropped afterwards."""
    url = server_url()
    schema = f"kefu_handoff_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(url, poolclass=NullPool)
    async with admin.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    settings = {"server_settings": {"search_path": schema}}
    engine = make_engine(url, connect_args=settings, **engine_kwargs)
    try:
        await create_schema(engine)
        yield engine
    finally:
        await engine.dispose()
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        await admin.dispose()


@asynccontextmanager
async def sqlite_engine(url: str, **engine_kwargs: Any) -> AsyncIterator[AsyncEngine]:
    """A SQLite engine with the handoff schema."""
    engine = make_engine(url, **engine_kwargs)
    try:
        await create_schema(engine)
        yield engine
    finally:
        await engine.dispose()


@pytest_asyncio.fixture(params=["sqlite", _pg_param("postgresql")])
async def engine(request: pytest.FixtureRequest) -> AsyncIterator[AsyncEngine]:
    """An empty database with the handoff schema."""
    if request.param == "sqlite":
        async with sqlite_engine("sqlite+aiosqlite://") as engine:
            yield engine
    else:
        async with postgres_engine() as engine:
            yield engine


@pytest_asyncio.fixture(params=["sqlite_file", _pg_param("postgresql")])
async def concurrent_engine(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[AsyncEngine]:
    """A database many connections can use at once (SQLite file or PostgreSQL)."""
    if request.param == "sqlite_file":
        # A connection per session, as separate processes would have (kefu's own
        # engines share one connection per process).
        url = f"sqlite:///{tmp_path / 'handoff.db'}"
        async with sqlite_engine(url, poolclass=NullPool) as engine:
            yield engine
    else:
        async with postgres_engine(pool_size=25, max_overflow=0) as engine:
            yield engine


@pytest.fixture
def sessions(engine: AsyncEngine) -> sessionmaker:
    """Sessionmaker on the empty test database."""
    return make_sessionmaker(engine)


@pytest.fixture
def clock() -> Clock:
    """The test clock, starting at ``NOW``."""
    return Clock()


@pytest.fixture
def queue(sessions: sessionmaker, clock: Clock) -> HandoffQueue:
    """The queue on the test database and clock."""
    return HandoffQueue(sessions, clock=clock)


MakeAgent = Callable[..., Awaitable[AgentView]]


async def insert_agent(
    sessions: sessionmaker,
    username: str,
    role: str = "agent",
    skills: str = "general",
    max_chats: int = 3,
    active: bool = True,
) -> AgentView:
    """Insert an agent row directly (no password hashing: queue tests are fast)."""
    agent = Agent(
        username=username,
        display_name=username.title(),
        password_hash="-",
        role=role,
        skills=skills,
        max_chats=max_chats,
        active=active,
        created_at=NOW,
    )
    async with sessions.begin() as s:
        s.add(agent)
    return AgentView.of(agent)


@pytest.fixture
def make_agent(sessions: sessionmaker) -> MakeAgent:
    """``await make_agent("alice", role=..., skills="general,safety", ...)``."""

    async def make(username: str, **fields: Any) -> AgentView:
        return await insert_agent(sessions, username, **fields)

    return make


OpenTicket = Callable[..., Awaitable[int]]


@pytest.fixture
def open_ticket(queue: HandoffQueue) -> OpenTicket:
    """``await open_ticket("conv", priority=..., team=...)`` returns the new id."""

    async def open_(conversation_id: str, **fields: Any) -> int:
        args = {"shopper_id": None, "reason": "requested", "priority": "normal"}
        args.update({"team": "general", "summary": ["你好"]}, **fields)
        view, _created = await queue.open_ticket(conversation_id, **args)
        return view.id

    return open_


@pytest_asyncio.fixture
async def shop() -> AsyncIterator[ShopService]:
    """The demo shop in memory, its clock at ``NOW``."""
    engine = make_shop_engine("sqlite+aiosqlite://")
    await create_shop_schema(engine)
    sessions = make_shop_sessionmaker(engine)
    await seed_demo_shop(sessions, NOW)
    yield ShopService(sessions, clock=lambda: NOW)
    await engine.dispose()
