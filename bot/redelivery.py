"""Answer the messages kept while Rasa was down, once it is back."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.conversations import ConversationService
from bot.health import BackendHealth

logger = logging.getLogger(__name__)


async def redeliver_forever(
    conversations: ConversationService,
    health: BackendHealth,
    interval: float,
    stop: asyncio.Event,
) -> None:
    """Every ``interval`` seconds, redeliver unanswered messages if the bot is up, until ``stop``.

    Like the retention loop it stops between rounds, not by being cancelled:
    a round writes to the database, and a cancel inside a SQLite operation can
    leave the task waiting for the driver forever.
    """
    while not stop.is_set():
        try:
            if await health.all_up():
                count = await conversations.redeliver()
                if count:
                    logger.info("Redelivered %d kept messages to Rasa", count)
        except Exception:  # the loop must outlive any one failure
            logger.exception("Redelivery round failed")
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), interval)
