"""Whether an open form took an unsure message as the answer it asked for.

Asked 「是哪一笔订单」, a shopper may type 「羽绒服那个」: the NLU is unsure of
it (or falls back), yet the order form reads it as a pick and the bot answers
correctly. Such a message is not a miss and stays out of the trainer's inbox.
Rasa's tracker shows it: when the message arrived a form was active and had
asked for a slot, and before the bot listened again that slot was set.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from bot.rasa_client import RasaClient, RasaUnavailable

logger = logging.getLogger(__name__)
REQUESTED_SLOT = "requested_slot"


def slot_answered(events: Sequence[dict[str, Any]], text: str) -> str | None:
    """The slot the latest user message filled for the form that asked for it, if any.

    ``text`` must be that message's text: a tracker that moved on answers None.
    """
    last = next(
        (i for i in range(len(events) - 1, -1, -1) if events[i].get("event") == "user"), None
    )
    if last is None or events[last].get("text") != text:
        return None
    form, requested = None, None
    for event in events[:last]:
        if event.get("event") == "active_loop":
            form = event.get("name")
        elif event.get("event") == "slot" and event.get("name") == REQUESTED_SLOT:
            requested = event.get("value")
    if not form or not requested:
        return None
    for event in events[last + 1 :]:
        if event.get("event") == "action" and event.get("name") == "action_listen":
            break
        if (
            event.get("event") == "slot"
            and event.get("name") == requested
            and event.get("value") is not None
        ):
            return str(requested)
    return None


class FormAnswers:
    """Asks Rasa's tracker whether a form took a conversation's latest message.

    Args:
        rasa: the client of the Rasa server that answered the message.
    """

    def __init__(self, rasa: RasaClient) -> None:
        self._rasa = rasa

    async def __call__(self, conversation_id: str, text: str) -> bool:
        """True if the conversation's form took ``text`` as the answer it asked for."""
        try:
            events = await self._rasa.events(conversation_id)
        except RasaUnavailable as exc:
            # Unknown counts as a miss: a trainer dismisses it in a click.
            logger.info("Could not read %s's tracker for the inbox: %s", conversation_id, exc)
            return False
        return slot_answered(events, text) is not None
