"""Engine, sessionmaker and schema helpers for the shop database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import AsyncAdaptedQueuePool

from actions.shop.models import Base

#: How long (ms) a SQLite writer waits for a lock held by another process.
SQLITE_BUSY_TIMEOUT_MS = 30000

_ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+pysqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+psycopg2": "postgresql+asyncpg",
}


def async_url(url: str | URL) -> URL:
    """Map a sync-style database URL to its asyncio driver.

    Args:
        url: e.g. ``sqlite:///var/shop.db`` or ``postgres://u@h/db``.

    Returns:
        The URL with ``sqlite+aiosqlite`` or ``postgresql+asyncpg`` as driver;
        other drivers are kept as given.
    """
    parsed = make_url(url)
    driver = _ASYNC_DRIVERS.get(parsed.drivername, parsed.drivername)
    return parsed.set(drivername=driver)


def sqlite_file(url: str | URL) -> Path | None:
    """Return the file of a SQLite URL, or None for memory or other databases."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return None
    database = parsed.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    return Path(database)


def ensure_sqlite_dir(url: str | URL) -> None:
    """Create the folder of a SQLite database file if it is missing."""
    path = sqlite_file(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(wal: bool) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if wal:
            # WAL lets the action server read while a seed command writes.
            cursor.execute("PRAGMA journal_mode=WAL")
            # In WAL mode NORMAL loses nothing when a process crashes (only on power
            # loss may the last commits roll back) and spares an fsync per commit.
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    return on_connect


def make_engine(url: str | URL, **engine_kwargs: Any) -> AsyncEngine:
    """Build an async engine, accepting sync-style URLs too.

    SQLite connections enforce foreign keys; SQLite files use WAL, a busy
    timeout, and one connection per engine handed out in turn, so coroutines
    and processes can share the file.

    Args:
        url: Database URL (see ``async_url``).
        **engine_kwargs: Passed on to ``create_async_engine`` (e.g.
            ``connect_args``).

    Returns:
        The engine; dispose of it with ``await engine.dispose()``.
    """
    resolved = async_url(url)
    if sqlite_file(resolved) is not None and "poolclass" not in engine_kwargs:
        # One connection per process, handed out in turn: SQLite has one writer at a
        # time anyway, and its busy handler polls, so many connections contending
        # for the lock starve each other under load (answers took seconds at 40
        # shoppers). Other processes still wait on the busy timeout.
        engine_kwargs = {"poolclass": AsyncAdaptedQueuePool, "pool_size": 1,
                         "max_overflow": 0, **engine_kwargs}  # fmt: skip
    engine = create_async_engine(resolved, future=True, **engine_kwargs)
    if resolved.drivername.startswith("sqlite"):
        wal = sqlite_file(resolved) is not None
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas(wal))
    return engine


def make_sessionmaker(engine: AsyncEngine) -> sessionmaker:
    """Return a factory of ``AsyncSession`` that keeps objects after commit."""
    return sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


async def create_tables(engine: AsyncEngine, *metadata: MetaData) -> None:
    """Create the tables of each ``metadata`` that do not exist yet, in one transaction."""
    async with engine.begin() as conn:
        for tables in metadata:
            await conn.run_sync(tables.create_all)


async def create_schema(engine: AsyncEngine) -> None:
    """Create every shop table that does not exist yet."""
    await create_tables(engine, Base.metadata)


async def drop_schema(engine: AsyncEngine) -> None:
    """Drop every shop table."""
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.drop_all)
