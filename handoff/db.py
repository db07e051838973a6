"""Schema helpers for the handoff tables.

Engines and sessionmakers come from ``actions.shop.db`` (re-exported here):
they accept sync-style URLs and switch to the asyncio drivers.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from actions.shop.db import create_tables, make_engine, make_sessionmaker
from handoff.canned import seed_canned
from handoff.models import Base, utc_now

__all__ = ["create_schema", "drop_schema", "make_engine", "make_sessionmaker"]


async def create_schema(engine: AsyncEngine) -> None:
    """Create every handoff table that does not exist yet (quick replies with kefu's set)."""
    await seed_canned(engine, utc_now())
    await create_tables(engine, Base.metadata)


async def drop_schema(engine: AsyncEngine) -> None:
    """Drop every handoff table."""
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.drop_all)
