"""The shopper side of a conversation: store, ask Rasa, reply, never lose a message."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import sessionmaker

from bot import copy, store
from bot.models import ANSWERED, PENDING, RECEIVED, Message
from bot.rasa_client import RasaClient, RasaUnavailable
from bot.replies import ReplyBatch, display_text, parse_replies
from bot.serial import KeyedSerialRunner

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]
HandoffHook = Callable[[str, dict[str, Any]], Awaitable[None]]


class Deliver(Protocol):
    """Sends one socket.io event to everyone in a conversation's room."""

    async def __call__(
        self, conversation_id: str, event: str, payload: Any, skip_sid: str | None = None
    ) -> None: ...


def utc_now() -> datetime:
    """The current time, timezone-aware."""
    return datetime.now(timezone.utc)


def to_protocol(message: Message) -> dict[str, Any]:
    """A stored message as the widget receives it."""
    body: dict[str, Any] = dict(message.payload or {})
    if message.sender == "shopper":
        body = {"text": body.get("title") or message.text}
    body.update(
        message_id=message.id,
        sender=message.sender,
        at=message.created_at.isoformat(),
    )
    return body


class ConversationService:
    """Accepts shopper messages, answers them through Rasa and relays the replies.

    Args:
        sessionmaker: async sessionmaker of the gateway database.
        rasa: client of Rasa's REST channel.
        deliver: emits an event to a conversation's socket.io room.
        on_handoff: called when Rasa signals a handoff (``custom.handoff``).
        clock: returns the current time.
        stuck_after: how long a received message may stay unanswered before
            redelivery takes it over (a gateway stopped while answering it).
    """

    def __init__(
        self,
        sessionmaker: sessionmaker[AsyncSession],  # type: ignore[type-var]
        rasa: RasaClient,
        deliver: Deliver,
        on_handoff: HandoffHook | None = None,
        clock: Clock = utc_now,
        stuck_after: timedelta = timedelta(seconds=60),
    ) -> None:
        self._sessionmaker = sessionmaker
        self._rasa = rasa
        self._deliver = deliver
        self._on_handoff = on_handoff
        self._clock = clock
        self._stuck_after = stuck_after
        self._accepting = KeyedSerialRunner()
        self._answering = KeyedSerialRunner()
        self._in_flight: set[int] = set()

    async def history(self, conversation_id: str) -> list[dict[str, Any]]:
        """The conversation so far, as the widget shows it."""
        async with self._sessionmaker() as s:
            messages = await store.history(s, conversation_id)
        return [to_protocol(message) for message in messages]

    async def accept(
        self,
        conversation_id: str,
        shopper_id: str | None,
        text: str,
        title: str | None = None,
        skip_sid: str | None = None,
    ) -> int:
        """Store a shopper message, schedule its answer and return its id.

        Raises:
            store.IdentityMismatch: the conversation belongs to another shopper.
        """
        message_id = await self._accepting.submit(
            conversation_id,
            lambda: self._store_shopper(conversation_id, shopper_id, text, title, skip_sid),
        )
        self._schedule_answer(conversation_id, message_id)
        return message_id

    def _schedule_answer(self, conversation_id: str, message_id: int) -> None:
        if message_id in self._in_flight:
            return
        self._in_flight.add(message_id)

        async def answer() -> None:
            try:
                await self._answer(message_id)
            finally:
                self._in_flight.discard(message_id)

        self._answering.submit(conversation_id, answer)

    async def _store_shopper(
        self,
        conversation_id: str,
        shopper_id: str | None,
        text: str,
        title: str | None,
        skip_sid: str | None,
    ) -> int:
        now = self._clock()
        payload = {"title": title} if title and title != text else {}
        async with self._sessionmaker.begin() as s:
            await store.ensure_conversation(s, conversation_id, shopper_id, now)
            message = await store.add_message(
                s, conversation_id, "shopper", text, payload, now, status=RECEIVED
            )
        # Other tabs of the same session show it too; the sender has it already.
        await self._deliver(
            conversation_id, "shopper_uttered", to_protocol(message), skip_sid=skip_sid
        )
        return int(message.id)

    async def _answer(self, message_id: int) -> None:
        async with self._sessionmaker() as s:
            message = await s.get(Message, message_id)
            if message is None or message.status == ANSWERED:
                return
            conversation_id = str(message.conversation_id)
            text = str(message.text)
            shopper_id = await store.conversation_shopper(s, conversation_id)
        await self._deliver(conversation_id, "bot_typing", {"typing": True, "sender": "bot"})
        try:
            replies = await self._rasa.send(conversation_id, text, {"shopper_id": shopper_id})
            if not replies:
                # Rasa answers every message; silence means a custom action failed.
                raise RasaUnavailable("Rasa sent no reply")
        except RasaUnavailable as exc:
            logger.warning("Rasa could not answer message %s: %s", message_id, exc)
            await self._keep_for_later(conversation_id, message_id)
            return
        finally:
            await self._deliver(conversation_id, "bot_typing", {"typing": False, "sender": "bot"})
        await self._relay(conversation_id, message_id, parse_replies(replies))

    async def _relay(self, conversation_id: str, message_id: int, batch: ReplyBatch) -> None:
        now = self._clock()
        async with self._sessionmaker.begin() as s:
            stored = [
                await store.add_message(s, conversation_id, "bot", display_text(m), m, now)
                for m in batch.messages
            ]
            await store.set_status(s, message_id, ANSWERED)
        for message in stored:
            await self._deliver(conversation_id, "bot_uttered", to_protocol(message))
        if batch.handoff is None:
            return
        if self._on_handoff is not None:
            await self._on_handoff(conversation_id, batch.handoff)
        else:
            logger.warning("Handoff requested in %s but no agent queue is set up", conversation_id)
            await self._say_system(conversation_id, copy.HANDOFF_UNAVAILABLE)

    async def _keep_for_later(self, conversation_id: str, message_id: int) -> None:
        async with self._sessionmaker.begin() as s:
            message = await s.get(Message, message_id)
            if message is None or message.status == PENDING:
                return  # the shopper was told already
            message.status = PENDING
        await self._say_system(conversation_id, copy.RASA_UNAVAILABLE)

    async def _say_system(self, conversation_id: str, text: str) -> None:
        async with self._sessionmaker.begin() as s:
            notice = await store.add_message(
                s, conversation_id, "system", text, {"text": text}, self._clock()
            )
        await self._deliver(conversation_id, "bot_uttered", to_protocol(notice))

    async def redeliver(self) -> int:
        """Send unanswered messages to Rasa again; return how many were scheduled."""
        stuck_before = self._clock() - self._stuck_after
        async with self._sessionmaker() as s:
            waiting = await store.unanswered(s, stuck_before)
        for message in waiting:
            self._schedule_answer(str(message.conversation_id), int(message.id))
        return len(waiting)

    async def drain(self) -> None:
        """Wait until every accepted message has been handled."""
        await self._accepting.drain()
        await self._answering.drain()
