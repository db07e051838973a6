"""Rasa's REST channel, answering also with what the model understood of the message.

The gateway needs each message's intent and confidence for the trainer's inbox.
Asking Rasa for the tracker afterwards costs a second request per message and
halved the answer rate (``bench/throughput.py``: 58 → 28 messages/s). This
channel parses the message once, hands that parse to Rasa as the message's own
(Rasa then skips its NLU step) and returns it beside the replies::

    POST /webhooks/kefu/webhook  {"sender", "message", "metadata"}
    → {"messages": [...as the REST channel...], "parse": {"intent", "intent_ranking"}}
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)
RANKING_KEPT = 5


def summary(parse: dict[str, Any]) -> dict[str, Any]:
    """The part of a parse the gateway keeps: the intent and the top of the ranking."""
    return {
        "intent": parse.get("intent"),
        "intent_ranking": (parse.get("intent_ranking") or [])[:RANKING_KEPT],
    }


class KefuInput(RestInput):
    """``credentials.yml``: ``bot.rasa_channel.KefuInput:`` (no settings)."""

    @classmethod
    def name(cls) -> str:
        """The channel's name, also its URL: ``/webhooks/kefu/``."""
        return "kefu"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """``GET /`` for health and ``POST /webhook`` for messages."""
        webhook = Blueprint("kefu_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            sender_id = await self._extract_sender(request)
            text = self._extract_message(request)
            parse = await _parse(request, text)
            collector = CollectingOutputChannel()
            await on_new_message(
                UserMessage(
                    text,
                    collector,
                    sender_id,
                    input_channel=self.name(),
                    metadata=self.get_metadata(request),
                    parse_data=parse,
                )
            )
            understood = summary(parse) if parse else None
            return response.json({"messages": collector.messages, "parse": understood})

        return webhook


async def _parse(request: Request, text: str) -> dict[str, Any] | None:
    agent = getattr(request.app.ctx, "agent", None)
    if agent is None or not agent.is_ready():
        return None  # Rasa answers as it can (no model loaded: an error reply)
    try:
        parsed: dict[str, Any] = await agent.parse_message(text)
    except Exception:  # let Rasa's own path parse, and report it there
        logger.exception("Could not parse a message ahead of Rasa")
        return None
    return parsed
