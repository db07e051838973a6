"""Engine helpers and UTC round-trips on every backend."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import NullPool

from actions.shop.db import create_schema, drop_schema, make_engine, make_sessionmaker
from actions.shop.models import Shopper, UrgeRecord

pytestmark = pytest.mark.asyncio


async def test_sqlite_file_uses_wal(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'shop.db'}")
    try:
        async with engine.connect() as conn:
            mode = (await conn.execute(text("PRAGMA journal_mode"))).scalar_one()
            timeout = (await conn.execute(text("PRAGMA busy_timeout"))).scalar_one()
            keys = (await conn.execute(text("PRAGMA foreign_keys"))).scalar_one()
    finally:
        await engine.dispose()
    assert (mode, timeout, keys) == ("wal", 30000, 1)


async def test_many_writers_at_once_wait_their_turn(tmp_path: Path) -> None:
    # With a connection each, the writers polled SQLite's lock and some gave up
    # after the busy timeout with "database is locked" (the gateway at 40 shoppers).
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    engine = make_engine(url)
    other_process = make_engine(url, poolclass=NullPool)  # another process's connections
    try:
        await create_schema(engine)
        here, elsewhere = make_sessionmaker(engine), make_sessionmaker(other_process)
        now = datetime(2026, 12, 1, tzinfo=timezone.utc)

        async def write_and_linger(sessions: sessionmaker, index: int) -> None:
            async with sessions.begin() as s:
                s.add(Shopper(id=f"s{index}", name="x", phone="", tier="normal", points=0,
                              created_at=now))  # fmt: skip
                await s.flush()
                await asyncio.sleep(0.1)  # holds the write lock meanwhile

        await asyncio.gather(
            *(write_and_linger(elsewhere if i % 20 == 0 else here, i) for i in range(60))
        )
        async with here() as s:
            count = (await s.execute(text("SELECT count(*) FROM shop_shoppers"))).scalar_one()
    finally:
        await engine.dispose()
        await other_process.dispose()
    assert count == 60


async def test_times_round_trip_as_utc(sessions: sessionmaker) -> None:
    shanghai = timezone(timedelta(hours=8))
    local = datetime(2026, 11, 23, 18, 5, tzinfo=shanghai)
    async with sessions.begin() as s:
        s.add(Shopper(id="t1", name="测试", phone="", tier="normal", points=0, created_at=local))
    async with sessions() as s:
        stored = await s.get(Shopper, "t1")
    assert stored is not None
    assert stored.created_at == local
    assert stored.created_at.tzinfo is not None
    assert stored.created_at.utcoffset() == timedelta(0)


async def test_naive_times_are_rejected(sessions: sessionmaker) -> None:
    with pytest.raises(StatementError):
        async with sessions.begin() as s:
            s.add(
                Shopper(
                    id="t2",
                    name="测试",
                    phone="",
                    tier="normal",
                    points=0,
                    created_at=datetime(2026, 11, 23, 10, 0),
                )
            )


async def test_foreign_keys_enforced(sessions: sessionmaker, now: datetime) -> None:
    with pytest.raises(IntegrityError):
        async with sessions.begin() as s:
            s.add(UrgeRecord(order_id="nope", shopper_id="nobody", created_at=now))


async def test_drop_and_create_schema(engine: AsyncEngine) -> None:
    async def tables() -> set[str]:
        async with engine.connect() as conn:
            return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))

    assert "shop_orders" in await tables()
    await drop_schema(engine)
    assert not {name for name in await tables() if name.startswith("shop_")}
    await create_schema(engine)
    await create_schema(engine)  # idempotent
    assert len({name for name in await tables() if name.startswith("shop_")}) == 11
