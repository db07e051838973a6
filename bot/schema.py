"""The gateway database's tables: conversations, the handoff's and the trainer's."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from actions.shop.db import create_tables
from bot import models as gateway_models
from bot.trainer import models as trainer_models
from handoff import models as handoff_models
from handoff.canned import seed_canned
from handoff.models import utc_now


async def create_gateway_schema(engine: AsyncEngine) -> None:
    """Create whichever of the gateway's tables do not exist yet."""
    await seed_canned(engine, utc_now())  # a new database starts with kefu's quick replies
    await create_tables(
        engine,
        gateway_models.Base.metadata,
        handoff_models.Base.metadata,
        trainer_models.Base.metadata,
    )
