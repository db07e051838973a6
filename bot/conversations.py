"""The shopper side of a conversation: store, ask Rasa, reply, never lose a message."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import sessionmaker

from bot import copy, store
from bot.images import (
    IMAGE_TEXT,
    PICTURES_PER_HOUR,
    ImageRefused,
    image_attachment,
    new_image_id,
)
from bot.models import ANSWERED, HANDED_OFF, PENDING, RECEIVED, Message
from bot.other_request import HeldRequests, asks_a_choice, offer, other_request
from bot.rasa_client import RasaAnswer, RasaClient, RasaUnavailable
from bot.repetition import Answer, LastAnswers, offer_a_person_if_repeated
from bot.replies import ReplyBatch, display_text, parse_replies
from bot.serial import KeyedSerialRunner
from bot.typed_yes import is_bare_yes, offered_button

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]
# Enough of a conversation's newest messages to hold the bot's last message.
RECENT_MESSAGES = 12
Screen = Callable[[str], Any]


class Handoff(Protocol):
    """The human side: takes conversations the bot hands over."""

    async def open(
        self, conversation_id: str, shopper_id: str | None, signal: dict[str, Any]
    ) -> bool:
        """Queue the conversation for an agent; False if it could not be."""
        ...

    async def route(
        self, conversation_id: str, message: dict[str, Any], text: str, acknowledge: bool = True
    ) -> bool:
        """Take a shopper message (as shown, and its raw text) if a person handles it now.

        ``acknowledge=False`` for the message that brought the person in: the
        handoff's own notices answer it, not 「已收到您的留言」.
        """
        ...

    async def flag(
        self, conversation_id: str, shopper_id: str | None, text: str, verdict: Any
    ) -> bool:
        """Bring in a person at once for a message the safety screen flagged.

        False when the conversation's open ticket was flagged for it already.
        """
        ...


class Observer(Protocol):
    """Told about every message the bot answered (the trainer's inbox listens)."""

    async def __call__(
        self,
        conversation_id: str,
        message_id: int,
        text: str,
        handed_off: bool,
        parse: dict[str, Any] | None,
    ) -> None: ...


class Watcher(Protocol):
    """Told about every message stored in a conversation, as shown (the live view listens).

    Called on the message's path, so it must return at once and do any work in
    the background: nobody waits for a watcher.
    """

    def __call__(self, conversation_id: str, message: dict[str, Any]) -> None: ...


class Deliver(Protocol):
    """Sends one socket.io event to everyone in a conversation's room."""

    async def __call__(
        self, conversation_id: str, event: str, payload: Any, skip_sid: str | None = None
    ) -> None: ...


def _intent_name(parse: dict[str, Any] | None) -> str | None:
    return ((parse or {}).get("intent") or {}).get("name")


def utc_now() -> datetime:
    """The current time, timezone-aware."""
    return datetime.now(timezone.utc)


def to_protocol(message: Message) -> dict[str, Any]:
    """A stored message as the widget receives it."""
    body: dict[str, Any] = dict(message.payload or {})
    if message.sender == "shopper":
        shown = {"text": body.get("title") or message.text}
        if "attachment" in body:  # a picture the shopper sent
            shown["attachment"] = body["attachment"]
        body = shown
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
        clock: returns the current time.
        stuck_after: how long a received message may stay unanswered before
            redelivery takes it over (a gateway stopped while answering it).
    """

    def __init__(
        self,
        sessionmaker: sessionmaker[AsyncSession],  # type: ignore[type-var]
        rasa: RasaClient,
        deliver: Deliver,
        clock: Clock = utc_now,
        stuck_after: timedelta = timedelta(seconds=60),
    ) -> None:
        self._sessionmaker = sessionmaker
        self._rasa = rasa
        self._deliver = deliver
        self._handoff: Handoff | None = None
        self._screen: Screen | None = None
        self._observers: list[Observer] = []
        self._watchers: list[Watcher] = []
        self._clock = clock
        self._stuck_after = stuck_after
        self._accepting = KeyedSerialRunner()
        self._answering = KeyedSerialRunner()
        self._in_flight: set[int] = set()
        self._last_answers = LastAnswers()
        self._held_requests = HeldRequests()

    def attach_handoff(self, handoff: Handoff, screen: Screen | None = None) -> None:
        """Let people take conversations over, and screen messages for danger first.

        Args:
            handoff: the agent queue.
            screen: returns a verdict with a ``level`` ("urgent", "high" or None).
        """
        self._handoff = handoff
        self._screen = screen

    def attach_observer(self, observer: Observer) -> None:
        """Tell ``observer`` about each answered message, after the shopper has the reply.

        Observers are told in the order they were attached.
        """
        self._observers.append(observer)

    def attach_watcher(self, watcher: Watcher) -> None:
        """Tell ``watcher`` about every message stored, whoever sent it, once it is shown.

        Unlike observers, watchers are not awaited (``Watcher``).
        """
        self._watchers.append(watcher)

    async def history(self, conversation_id: str) -> list[dict[str, Any]]:
        """The conversation so far, as the widget shows it."""
        async with self._sessionmaker() as s:
            messages = await store.history(s, conversation_id)
        return [to_protocol(message) for message in messages]

    async def latest(self, conversation_id: str) -> dict[str, Any] | None:
        """The conversation's newest message as the widget shows it, if it has one."""
        async with self._sessionmaker() as s:
            messages = await store.history(s, conversation_id, limit=1)
        return to_protocol(messages[0]) if messages else None

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
        payload = {"title": title} if title and title != text else {}
        message_id = await self._accepting.submit(
            conversation_id,
            lambda: self._store_shopper(conversation_id, shopper_id, text, payload, skip_sid),
        )
        self._schedule_answer(conversation_id, message_id)
        return message_id

    async def accept_image(
        self,
        conversation_id: str,
        shopper_id: str | None,
        content_type: str,
        data: bytes,
        skip_sid: str | None = None,
    ) -> int:
        """Store a picture the shopper sent as a message, schedule its answer, return its id.

        Raises:
            store.IdentityMismatch: the conversation belongs to another shopper.
            ImageRefused: ``too_many_images`` in the last hour.
        """
        image_id = new_image_id()
        payload = {"attachment": image_attachment(image_id)}
        picture = (image_id, content_type, data)
        message_id = await self._accepting.submit(
            conversation_id,
            lambda: self._store_shopper(
                conversation_id, shopper_id, IMAGE_TEXT, payload, skip_sid, picture
            ),
        )
        self._schedule_answer(conversation_id, message_id)
        return message_id

    async def image(self, image_id: str) -> tuple[str, bytes] | None:
        """A kept picture's media type and bytes, if there is one with this id."""
        async with self._sessionmaker() as s:
            found = await store.image(s, image_id)
            return (str(found.content_type), bytes(found.data)) if found else None

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
        payload: dict[str, Any],
        skip_sid: str | None,
        picture: tuple[str, str, bytes] | None = None,
    ) -> int:
        now = self._clock()
        async with self._sessionmaker.begin() as s:
            await store.ensure_conversation(s, conversation_id, shopper_id, now)
            if picture is not None:
                hour_ago = now - timedelta(hours=1)
                sent = await store.shopper_images_since(s, conversation_id, hour_ago)
                if sent >= PICTURES_PER_HOUR:
                    raise ImageRefused(
                        "too_many_images", f"at most {PICTURES_PER_HOUR} pictures an hour"
                    )
                image_id, content_type, data = picture
                await store.add_image(s, image_id, conversation_id, content_type, data, now)
            message = await store.add_message(
                s, conversation_id, "shopper", text, payload, now, status=RECEIVED
            )
        # Other tabs of the same session show it too; the sender has it already.
        await self._show(conversation_id, "shopper_uttered", message, skip_sid)
        return int(message.id)

    async def _answer(self, message_id: int) -> None:
        async with self._sessionmaker() as s:
            message = await s.get(Message, message_id)
            if message is None or message.status == ANSWERED:
                return
            conversation_id = str(message.conversation_id)
            text = str(message.text)
            shopper_id = await store.conversation_shopper(s, conversation_id)
            shown = to_protocol(message)
        if "attachment" in shown:
            await self._answer_picture(conversation_id, message_id, shopper_id, shown, text)
            return
        if self._handoff is not None and self._screen is not None:
            # Before the bot and independent of its model: danger goes to people at once.
            verdict = self._screen(text)
            if verdict.level is not None:
                # Never the bot's, even if a person already closed the ticket meanwhile.
                self._last_answers.forget(conversation_id)
                fresh = await self._handoff.flag(conversation_id, shopper_id, text, verdict)
                await self._handoff.route(conversation_id, shown, text, acknowledge=not fresh)
                await self._set_status(message_id, HANDED_OFF)
                return
        if self._handoff is not None and await self._handoff.route(conversation_id, shown, text):
            self._last_answers.forget(conversation_id)
            await self._set_status(message_id, HANDED_OFF)
            return
        answer = await self._ask_rasa(conversation_id, message_id, shopper_id, shown, text)
        if answer is None:
            return
        replies = parse_replies(answer.messages)
        previous = self._last_answers.get(conversation_id)
        intent = _intent_name(answer.parse)
        batch = offer_a_person_if_repeated(replies, previous, intent, copy.repeated_answer_offer())
        await self._relay(conversation_id, message_id, shopper_id, batch)
        if batch.handoff is None:  # without the offer: the next repeat is offered one too
            said = tuple(display_text(message) for message in replies.messages)
            self._last_answers.remember(conversation_id, Answer(said, intent))
        if batch is replies:  # nothing offered yet: maybe the message's other request
            await self._offer_the_other_request(conversation_id, text, batch, answer.parse)
        for observer in self._observers:
            try:
                handed_off = batch.handoff is not None
                await observer(conversation_id, message_id, text, handed_off, answer.parse)
            except Exception:  # the inbox must never cost the shopper an answer
                logger.exception("Could not record message %s for the trainers", message_id)

    async def _ask_rasa(
        self,
        conversation_id: str,
        message_id: int,
        shopper_id: str | None,
        shown: dict[str, Any],
        text: str,
    ) -> RasaAnswer | None:
        """Rasa's answer, or None when it could not give one (the shopper was told)."""
        metadata: dict[str, Any] = {"shopper_id": shopper_id}
        sent = text
        if shown.get("text") != text:  # a tapped button: its title is what the shopper saw
            metadata["title"] = shown.get("text")
        button = (
            await self._offered_button(conversation_id, message_id) if is_bare_yes(text) else None
        )
        if button is not None:  # 「好的」 to 「需要继续申请吗？ [继续退款] [不用了]」
            sent, metadata["title"] = str(button["payload"]), str(button.get("title") or "")
        await self._deliver(conversation_id, "bot_typing", {"typing": True, "sender": "bot"})
        try:
            answer = await self._rasa.send(conversation_id, sent, metadata)
            if not answer.messages:
                # Rasa answers every message; silence means a custom action failed.
                raise RasaUnavailable("Rasa sent no reply")
        except RasaUnavailable as exc:
            logger.warning("Rasa could not answer message %s: %s", message_id, exc)
            await self._bot_unavailable(conversation_id, message_id, shopper_id, text)
            return None
        finally:
            await self._deliver(conversation_id, "bot_typing", {"typing": False, "sender": "bot"})
        return answer

    async def _offered_button(self, conversation_id: str, message_id: int) -> dict[str, Any] | None:
        async with self._sessionmaker() as s:
            recent = await store.history(s, conversation_id, limit=RECENT_MESSAGES)
        return offered_button(recent, message_id)

    async def _offer_the_other_request(
        self, conversation_id: str, text: str, batch: ReplyBatch, parse: dict[str, Any] | None
    ) -> None:
        # After the answer, which must not wait for it; held while the answer asks to pick.
        if batch.handoff is not None:
            self._held_requests.take(conversation_id)
            return
        intent = _intent_name(parse)
        try:
            found = await other_request(text, intent, self._rasa.parse)
        except RasaUnavailable as exc:  # an extra: the shopper has the answer already
            logger.warning("Could not look for another request in %s: %s", conversation_id, exc)
            found = None
        if asks_a_choice(batch.messages):
            if found is not None:
                self._held_requests.hold(conversation_id, found)
            return
        # A held request the shopper has asked for since is not offered.
        found = found or self._held_requests.take(conversation_id, asked_since=intent)
        if found is not None:
            await self.post(conversation_id, "bot", offer(found.words))

    async def _answer_picture(
        self,
        conversation_id: str,
        message_id: int,
        shopper_id: str | None,
        shown: dict[str, Any],
        text: str,
    ) -> None:
        # A person sees the picture; the bot cannot, and says so rather than guess.
        if self._handoff is not None and await self._handoff.route(conversation_id, shown, text):
            await self._set_status(message_id, HANDED_OFF)
            return
        self._last_answers.forget(conversation_id)
        reply = {"text": copy.PICTURE_TO_BOT, "quick_replies": copy.person_button()}
        await self._relay(conversation_id, message_id, shopper_id, ReplyBatch([reply], None))

    async def _relay(
        self, conversation_id: str, message_id: int, shopper_id: str | None, batch: ReplyBatch
    ) -> None:
        now = self._clock()
        async with self._sessionmaker.begin() as s:
            stored = [
                await store.add_message(s, conversation_id, "bot", display_text(m), m, now)
                for m in batch.messages
            ]
            await store.set_status(s, message_id, ANSWERED)
        for message in stored:
            await self._show(conversation_id, "bot_uttered", message)
        if batch.handoff is None:
            return
        self._last_answers.forget(conversation_id)
        if self._handoff is None or not await self._handoff.open(
            conversation_id, shopper_id, batch.handoff
        ):
            logger.warning("Handoff requested in %s but no agent queue took it", conversation_id)
            await self.post(conversation_id, "system", {"text": copy.HANDOFF_UNAVAILABLE})

    async def _bot_unavailable(
        self, conversation_id: str, message_id: int, shopper_id: str | None, text: str
    ) -> None:
        # Degrade to people rather than leave the shopper talking to nobody.
        signal = {
            "reason": "bot_unavailable",
            "priority": "normal",
            "team": "general",
            "summary": [text],
        }
        if self._handoff is not None and await self._handoff.open(
            conversation_id, shopper_id, signal
        ):
            await self._set_status(message_id, HANDED_OFF)
            await self.post(conversation_id, "system", {"text": copy.BOT_DOWN_TO_HUMAN})
            return
        await self._keep_for_later(conversation_id, message_id)

    async def _set_status(self, message_id: int, status: str) -> None:
        async with self._sessionmaker.begin() as s:
            await store.set_status(s, message_id, status)

    async def _keep_for_later(self, conversation_id: str, message_id: int) -> None:
        async with self._sessionmaker.begin() as s:
            message = await s.get(Message, message_id)
            if message is None or message.status == PENDING:
                return  # the shopper was told already
            message.status = PENDING
        await self.post(conversation_id, "system", {"text": copy.RASA_UNAVAILABLE})

    async def post(
        self, conversation_id: str, sender: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """Store a message from the bot, an agent or the system and show it to the shopper."""
        async with self._sessionmaker.begin() as s:
            message = await store.add_message(
                s, conversation_id, sender, display_text(payload), payload, self._clock()
            )
        if sender == "bot":  # said under the bot's answer: part of it
            self._last_answers.add(conversation_id, str(message.text))
        else:
            self._last_answers.forget(conversation_id)
        return await self._show(conversation_id, "bot_uttered", message)

    async def post_image(
        self,
        conversation_id: str,
        sender: str,
        extra: dict[str, Any],
        content_type: str,
        data: bytes,
    ) -> dict[str, Any]:
        """Store a picture from an agent with its message and show it to the shopper."""
        image_id = new_image_id()
        payload = {"attachment": image_attachment(image_id), **extra}
        now = self._clock()
        async with self._sessionmaker.begin() as s:
            await store.add_image(s, image_id, conversation_id, content_type, data, now)
            message = await store.add_message(s, conversation_id, sender, IMAGE_TEXT, payload, now)
        return await self._show(conversation_id, "bot_uttered", message)

    async def _show(
        self, conversation_id: str, event: str, message: Message, skip_sid: str | None = None
    ) -> dict[str, Any]:
        """Send a stored message to the conversation's room, then tell the watchers."""
        shown = to_protocol(message)
        await self._deliver(conversation_id, event, shown, skip_sid=skip_sid)
        for watcher in self._watchers:
            try:
                watcher(conversation_id, shown)
            except Exception:  # the live view must never cost the shopper a message
                logger.exception("Could not show message %s to the watchers", shown["message_id"])
        return shown

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
