"""The gateway database's tables: conversations, the handoff's and the trainer's."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from actions.shop.db import create_tables
from bot import models as gateway_models
from bot.trainer import models as trainer_models
from handoff.db import create_schema as create_handoff_schema


async def create_gateway_schema(engine: AsyncEngine) -> None:
    """Create whichever of the gateway's tables do not exist yet."""
    # The handoff's own schema step also gives a new database kefu's quick replies.
    await create_handoff_schema(engine)
    await create_tables(engine, gateway_models.Base.metadata, trainer_models.Base.metadata)
