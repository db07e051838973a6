"""Query functions over the gateway tables; each takes an open session."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.images import IMAGE_TEXT
from bot.models import PENDING, RECEIVED, Conversation, Image, Message


class IdentityMismatch(Exception):
    """A conversation that belongs to one shopper was used by another."""


async def ensure_conversation(
    s: AsyncSession, conversation_id: str, shopper_id: str | None, now: datetime
) -> Conversation:
    """Return the conversation, creating it; bind it to ``shopper_id`` on first use."""
    conversation = await s.get(Conversation, conversation_id)
    if conversation is None:
        conversation = Conversation(
            id=conversation_id, shopper_id=shopper_id, created_at=now, updated_at=now
        )
        s.add(conversation)
        await s.flush()
        return conversation
    if shopper_id and conversation.shopper_id and conversation.shopper_id != shopper_id:
        raise IdentityMismatch(conversation_id)
    if shopper_id and not conversation.shopper_id:
        conversation.shopper_id = shopper_id
    conversation.updated_at = now
    return conversation


async def add_message(
    s: AsyncSession,
    conversation_id: str,
    sender: str,
    text: str,
    payload: dict[str, Any],
    now: datetime,
    status: str | None = None,
) -> Message:
    """Append a message and return it with its id."""
    message = Message(
        conversation_id=conversation_id,
        sender=sender,
        text=text,
        payload=payload,
        status=status,
        created_at=now,
    )
    s.add(message)
    await s.flush()
    return message


async def add_image(
    s: AsyncSession,
    image_id: str,
    conversation_id: str,
    content_type: str,
    data: bytes,
    now: datetime,
) -> None:
    """Keep a picture the shopper sent."""
    s.add(
        Image(
            id=image_id,
            conversation_id=conversation_id,
            content_type=content_type,
            data=data,
            created_at=now,
        )
    )


async def shopper_images_since(s: AsyncSession, conversation_id: str, since: datetime) -> int:
    """How many pictures the conversation's shopper sent since ``since`` (not its agents)."""
    stmt = select(func.count(Message.id)).where(
        Message.conversation_id == conversation_id,
        Message.sender == "shopper",
        Message.text == IMAGE_TEXT,
        Message.created_at >= since,
    )
    return int(await s.scalar(stmt) or 0)


async def image(s: AsyncSession, image_id: str) -> Image | None:
    """The picture with this id, if it was kept (and not erased since)."""
    return await s.get(Image, image_id)


async def history(s: AsyncSession, conversation_id: str, limit: int = 200) -> list[Message]:
    """The newest ``limit`` messages of a conversation, oldest first."""
    rows = await s.execute(
        select(Message)
        .where(Message.conversation_id == conversation_id)
        .order_by(Message.id.desc())
        .limit(limit)
    )
    return list(reversed(rows.scalars().all()))


async def set_status(s: AsyncSession, message_id: int, status: str) -> None:
    """Record what became of a shopper message."""
    await s.execute(update(Message).where(Message.id == message_id).values(status=status))


async def unanswered(s: AsyncSession, stuck_before: datetime, limit: int = 100) -> list[Message]:
    """Shopper messages to redeliver, oldest first.

    Pending ones failed to reach Rasa; received ones older than
    ``stuck_before`` were being answered when a gateway stopped.
    """
    rows = await s.execute(
        select(Message)
        .where(
            or_(
                Message.status == PENDING,
                (Message.status == RECEIVED) & (Message.created_at < stuck_before),
            )
        )
        .order_by(Message.id)
        .limit(limit)
    )
    return list(rows.scalars().all())


async def conversation_shopper(s: AsyncSession, conversation_id: str) -> str | None:
    """The verified shopper a conversation belongs to, if any."""
    conversation = await s.get(Conversation, conversation_id)
    return conversation.shopper_id if conversation else None


async def idle_conversations(
    s: AsyncSession, idle_since: datetime, after: str = "", limit: int = 200
) -> list[str]:
    """Ids of conversations the shopper has not written in since ``idle_since``.

    In id order from after ``after``, so a caller can page through them.
    """
    rows = await s.scalars(
        select(Conversation.id)
        .where(Conversation.updated_at < idle_since, Conversation.id > after)
        .order_by(Conversation.id)
        .limit(limit)
    )
    return list(rows)


async def shopper_conversations(s: AsyncSession, shopper_id: str) -> list[str]:
    """Ids of every conversation of a verified shopper."""
    rows = await s.scalars(
        select(Conversation.id)
        .where(Conversation.shopper_id == shopper_id)
        .order_by(Conversation.id)
    )
    return list(rows)


async def forget_conversations(s: AsyncSession, conversation_ids: Sequence[str]) -> int:
    """Delete conversations with all their messages and pictures; how many there were."""
    ids = list(conversation_ids)
    await s.execute(delete(Image).where(Image.conversation_id.in_(ids)))
    await s.execute(delete(Message).where(Message.conversation_id.in_(ids)))
    result = await s.execute(delete(Conversation).where(Conversation.id.in_(ids)))
    return int(result.rowcount or 0)
