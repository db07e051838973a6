"""The shopper namespace: Rasa's socket.io protocol on ``/``, for any rasa-webchat."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import socketio

from bot.conversations import ConversationService
from bot.identity import verified_shopper
from bot.images import ImageRefused
from bot.protocol import (
    ProtocolError,
    is_kefu_client,
    parse_session_request,
    parse_user_image,
    parse_user_uttered,
    plain_room,
    rich_room,
)
from bot.ratelimit import RateLimiter
from bot.store import IdentityMismatch

logger = logging.getLogger(__name__)
TypingHook = Callable[[str, bool], Awaitable[None]]


class ShopperNamespace(socketio.AsyncNamespace):
    """Joins each socket to its conversation's room and hands messages on.

    Args:
        conversations: stores and answers messages.
        identity_secret: verifies the host page's shopper signature.
        max_chars: longest message accepted.
        namespace: the socket.io namespace; rasa-webchat uses ``/``.
        limiter: events allowed per connection (20 per 10 s by default).
        on_typing: told when a shopper starts or stops typing.
    """

    def __init__(
        self,
        conversations: ConversationService,
        identity_secret: str,
        max_chars: int = 1000,
        namespace: str = "/",
        limiter: RateLimiter | None = None,
        on_typing: TypingHook | None = None,
    ) -> None:
        super().__init__(namespace)
        self._conversations = conversations
        self._secret = identity_secret
        self._max_chars = max_chars
        self._limiter = limiter or RateLimiter(events=20, seconds=10)
        self._on_typing = on_typing

    async def trigger_event(self, event: str, *args: Any) -> Any:
        """Refuse events over the rate limit before any handler runs."""
        if event not in ("connect", "disconnect") and not self._limiter.allow(args[0]):
            error = ProtocolError("rate_limited", "too many events: at most 20 per 10 seconds")
            await self.emit("kefu_error", error.as_event(), to=args[0])
            return error.as_ack()
        if event == "disconnect":
            self._limiter.forget(args[0])
        try:
            return await super().trigger_event(event, *args)
        except Exception:  # the widget gets an answer; the server goes on
            logger.exception("Shopper event %s failed", event)
            error = ProtocolError("internal_error", "the server could not do that")
            await self.emit("kefu_error", error.as_event(), to=args[0])
            return error.as_ack()

    async def on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        """Accept every shopper; identity comes with their messages."""
        await self.save_session(sid, {"rich": is_kefu_client(auth)})

    async def on_session_request(self, sid: str, data: Any) -> None:
        """Confirm (or create) the session and send its history."""
        try:
            session_id, _ = parse_session_request(data)
        except ProtocolError as exc:
            await self.emit("kefu_error", exc.as_event(), to=sid)
            return
        await self._join(sid, session_id or uuid.uuid4().hex)

    async def _join(self, sid: str, session_id: str) -> str:
        session = await self.get_session(sid)
        room = rich_room if session.get("rich") else plain_room
        previous = session.get("session_id")
        if previous and previous != session_id:
            await self.leave_room(sid, room(previous))
        await self.enter_room(sid, room(session_id))
        await self.save_session(sid, {**session, "session_id": session_id})
        await self.emit("session_confirm", session_id, to=sid)
        history = await self._conversations.history(session_id)
        await self.emit("session_history", {"session_id": session_id, "messages": history}, to=sid)
        return session_id

    async def on_user_uttered(self, sid: str, data: Any) -> dict[str, Any]:
        """Store the message, acknowledge it, and let the bot answer."""

        async def store() -> int:
            message = parse_user_uttered(data, self._max_chars)
            session_id = await self._session_of(sid, message.session_id)
            shopper_id = verified_shopper(self._secret, message.custom_data)
            return await self._conversations.accept(
                session_id, shopper_id, message.text, message.title, skip_sid=sid
            )

        return await self._acknowledged(sid, store)

    async def on_user_sent_image(self, sid: str, data: Any) -> dict[str, Any]:
        """Store a picture as the shopper's message, acknowledge it, and answer it."""

        async def store() -> int:
            image = parse_user_image(data)
            session_id = await self._session_of(sid, image.session_id)
            shopper_id = verified_shopper(self._secret, image.custom_data)
            return await self._conversations.accept_image(
                session_id, shopper_id, image.content_type, image.data, skip_sid=sid
            )

        return await self._acknowledged(sid, store)

    async def _acknowledged(self, sid: str, store: Callable[[], Awaitable[int]]) -> dict[str, Any]:
        # The ack is sent only once the message is stored; a refusal also comes as kefu_error.
        try:
            message_id = await store()
        except ImageRefused as exc:
            error = ProtocolError(exc.code, exc.message)
            await self.emit("kefu_error", error.as_event(), to=sid)
            return error.as_ack()
        except ProtocolError as exc:
            await self.emit("kefu_error", exc.as_event(), to=sid)
            return exc.as_ack()
        except IdentityMismatch:
            error = ProtocolError("identity_mismatch", "this session belongs to another shopper")
            await self.emit("kefu_error", error.as_event(), to=sid)
            return error.as_ack()
        return {"ok": True, "message_id": message_id}

    async def on_user_typing(self, sid: str, data: Any) -> None:
        """Pass the shopper's typing state on to the agent, if one is there."""
        session_id = (await self.get_session(sid)).get("session_id")
        if session_id and self._on_typing is not None and isinstance(data, dict):
            await self._on_typing(str(session_id), bool(data.get("typing")))

    async def _session_of(self, sid: str, claimed: str | None) -> str:
        current = (await self.get_session(sid)).get("session_id")
        if current is None:
            # The client skipped session_request: adopt the id it sends.
            return await self._join(sid, claimed or uuid.uuid4().hex)
        if claimed and claimed != current:
            raise ProtocolError("session_mismatch", "session_id differs from the confirmed one")
        return str(current)
