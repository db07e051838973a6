"""Answer the messages kept while Rasa was down, once it is back."""

from __future__ import annotations

import asyncio
import logging

from bot.conversations import ConversationService
from bot.health import BackendHealth

logger = logging.getLogger(__name__)


async def redeliver_forever(
    conversations: ConversationService, health: BackendHealth, interval: float
) -> None:
    """Every ``interval`` seconds, redeliver unanswered messages if the bot is up."""
    while True:
        try:
            if await health.all_up():
                count = await conversations.redeliver()
                if count:
                    logger.info("Redelivered %d kept messages to Rasa", count)
        except asyncio.CancelledError:
            raise
        except Exception:  # the loop must outlive any one failure
            logger.exception("Redelivery round failed")
        await asyncio.sleep(interval)
