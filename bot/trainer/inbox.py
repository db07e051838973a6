"""The trainer's inbox: shopper messages the bot missed, recorded as they happen."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select

from bot.models import Message
from bot.nlu.encoder import SentenceEncoder
from bot.trainer.errors import InvalidInput
from bot.trainer.evaluation import FALLBACK_INTENT, best_guess
from bot.trainer.grouping import group
from bot.trainer.models import (
    DISMISSED,
    FALLBACK,
    HANDOFF,
    LABELLED,
    LOW_CONFIDENCE,
    OPEN,
    OUT_OF_SCOPE,
    LabelCheck,
    NluMiss,
    ShopperChoice,
)

logger = logging.getLogger(__name__)

#: The intent of questions the shop's bot does not take on (``out_of_scope`` in nlu_data).
OUT_OF_SCOPE_INTENT = "out_of_scope"
#: Intents that mean the shopper was understood even when a person takes over.
UNDERSTOOD_HANDOFF_INTENTS = frozenset({"request_human"})
MAX_IDS = 500
#: A 「您是不是想问」 button sends its intent as the message, ``/logistics_track``.
_BUTTON = re.compile(r"^/([a-z][a-z0-9_]{0,63})$")


def button_choice(text: str) -> str | None:
    """The intent a pressed button names, or None for anything the shopper typed."""
    match = _BUTTON.match(text.strip())
    return match.group(1) if match else None


def miss_reason(
    parse: dict[str, Any], handed_off: bool, low_confidence: float
) -> tuple[str | None, str | None, float | None]:
    """Why a parsed message belongs in the inbox, with the model's best real guess.

    Args:
        parse: what Rasa understood (``intent`` and ``intent_ranking``).
        handed_off: the bot handed the conversation to a person after it.
        low_confidence: confidences below this count as a miss.

    Returns:
        ``(reason, intent, confidence)``; reason is None when the bot understood.
        For a fallback the intent is the best guess behind it.
    """
    top = parse.get("intent") or {}
    name, confidence = top.get("name"), top.get("confidence")
    if name == FALLBACK_INTENT:
        best = best_guess(parse)
        if best.get("name") == FALLBACK_INTENT:
            return FALLBACK, None, None  # nothing behind the fallback
        return FALLBACK, best.get("name"), best.get("confidence")
    if confidence is not None and confidence < low_confidence:
        return LOW_CONFIDENCE, name, confidence
    if name == OUT_OF_SCOPE_INTENT:  # 「店铺直播几点开始」: new intents are found here
        return OUT_OF_SCOPE, name, confidence
    if handed_off and name not in UNDERSTOOD_HANDOFF_INTENTS:
        return HANDOFF, name, confidence
    return None, name, confidence


def _item(miss: NluMiss, choice: str | None = None) -> dict[str, Any]:
    return {
        "id": miss.id,
        "text": miss.text,
        "intent": miss.intent,
        "confidence": None if miss.confidence is None else round(float(miss.confidence), 4),
        "reason": miss.reason,
        "at": miss.created_at.isoformat(),
        "conversation_id": miss.conversation_id,
        "status": miss.status,
        "labelled_intent": miss.labelled_intent,
        "shopper_choice": choice,
    }


def check_ids(ids: object) -> list[int]:
    """Validated inbox item ids from a request.

    Raises:
        InvalidInput: not a non-empty list of at most 500 whole numbers.
    """
    if (
        not isinstance(ids, list)
        or not ids
        or len(ids) > MAX_IDS
        or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids)
    ):
        raise InvalidInput("miss_ids", f"miss_ids 须为 1–{MAX_IDS} 个消息编号")
    return sorted(set(ids))


async def forget_misses(s: AsyncSession, conversation_ids: Sequence[str]) -> int:
    """Delete these conversations' messages from the inbox, labelled or not; how many."""
    ids = list(conversation_ids)
    misses = list(await s.scalars(select(NluMiss.id).where(NluMiss.conversation_id.in_(ids))))
    await s.execute(delete(ShopperChoice).where(ShopperChoice.miss_id.in_(misses)))
    await s.execute(delete(LabelCheck).where(LabelCheck.miss_id.in_(misses)))
    await s.execute(delete(NluMiss).where(NluMiss.id.in_(misses)))
    return len(misses)


class Inbox:
    """Records missed messages and serves them grouped by question.

    Args:
        sessionmaker: async sessionmaker of the gateway database.
        mask: hides private data (phone numbers, addresses) before storing.
        clock: the current time.
        encoder: embeds texts for grouping; None groups exact duplicates only.
        low_confidence: confidences below this are recorded as misses.
        form_answered: whether a conversation's open form took a message (its
            text) as the answer it asked for; such a message is no miss however
            unsure the NLU was (``bot.trainer.form_answers``).
    """

    def __init__(
        self,
        sessionmaker: Any,
        mask: Callable[[str], str],
        clock: Callable[[], datetime],
        encoder: SentenceEncoder | None = None,
        low_confidence: float = 0.6,
        form_answered: Callable[[str, str], Awaitable[bool]] | None = None,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._form_answered = form_answered
        self._mask = mask
        self._clock = clock
        self._encoder = encoder
        self.low_confidence = low_confidence

    @property
    def sessionmaker(self) -> Any:
        """The gateway database's sessionmaker (the trainer's other tables live there too)."""
        return self._sessionmaker

    async def record(
        self,
        conversation_id: str,
        message_id: int,
        text: str,
        parse: dict[str, Any],
        handed_off: bool,
    ) -> bool:
        """Keep a message if the bot missed it; True if it was kept.

        A button pressed after a miss is not a miss itself: it is kept as the
        shopper's answer to 「您是不是想问」 about their previous message.
        """
        choice = button_choice(text)
        if choice is not None:
            await self._note_choice(conversation_id, message_id, choice)
            return False
        reason, intent, confidence = miss_reason(parse, handed_off, self.low_confidence)
        if reason is None:
            return False
        if (
            reason in (FALLBACK, LOW_CONFIDENCE)
            and self._form_answered is not None
            and await self._form_answered(conversation_id, text)
        ):
            return False
        masked = await asyncio.to_thread(self._mask, text)
        try:
            async with self._sessionmaker.begin() as s:
                s.add(
                    NluMiss(
                        conversation_id=conversation_id,
                        message_id=message_id,
                        text=masked,
                        intent=intent,
                        confidence=confidence,
                        reason=reason,
                        status=OPEN,
                        created_at=self._clock(),
                    )
                )
        except IntegrityError:
            return False  # a redelivered message, recorded already
        return True

    async def _note_choice(self, conversation_id: str, message_id: int, choice: str) -> bool:
        """Attach ``choice`` to the shopper's previous message if the bot fell back on it."""
        try:
            async with self._sessionmaker.begin() as s:
                asked = await s.scalar(
                    select(func.max(Message.id)).where(
                        Message.conversation_id == conversation_id,
                        Message.sender == "shopper",
                        Message.id < message_id,
                    )
                )
                if asked is None:
                    return False
                # Buttons are offered only on a fallback, and only the latest counts:
                # a button of an older question pressed later says nothing about it.
                miss_id = await s.scalar(
                    select(NluMiss.id).where(
                        NluMiss.message_id == asked,
                        NluMiss.reason == FALLBACK,
                        NluMiss.status == OPEN,
                    )
                )
                if miss_id is None:
                    return False
                s.add(ShopperChoice(miss_id=miss_id, intent=choice, created_at=self._clock()))
        except IntegrityError:
            return False  # pressed twice or redelivered: the first press stands
        return True

    async def groups(self, limit: int = 100) -> dict[str, Any]:
        """Open messages grouped by question, most frequent and newest first."""
        async with self._sessionmaker() as s:
            rows = (
                await s.execute(
                    _with_choice(select(NluMiss, ShopperChoice.intent))
                    .where(NluMiss.status == OPEN)
                    .order_by(NluMiss.id.desc())
                    # Grouping looks at the newest few thousand; older ones wait their turn.
                    .limit(5000)
                )
            ).all()
            total = await s.scalar(select(func.count()).where(NluMiss.status == OPEN))
        items = [_item(miss, choice) for miss, choice in rows]
        found = await asyncio.to_thread(group, items, self._encoder)
        return {"groups": [g.to_dict() for g in found[:limit]], "total": int(total or 0)}

    async def items(self, ids: Sequence[int]) -> list[dict[str, Any]]:
        """The open messages with these ids (others are silently left out)."""
        async with self._sessionmaker() as s:
            rows = (
                await s.execute(
                    _with_choice(select(NluMiss, ShopperChoice.intent)).where(
                        NluMiss.id.in_(list(ids)), NluMiss.status == OPEN
                    )
                )
            ).all()
        return [_item(miss, choice) for miss, choice in rows]

    async def resolve(self, ids: Sequence[int], intent: str, who: str) -> int:
        """Mark messages labelled with ``intent``; return how many were open."""
        return await self._close(ids, LABELLED, who, intent)

    async def dismiss(self, ids: Sequence[int], who: str) -> int:
        """Take messages out of the inbox without labelling them."""
        return await self._close(ids, DISMISSED, who, None)

    async def _close(self, ids: Sequence[int], status: str, who: str, intent: str | None) -> int:
        async with self._sessionmaker.begin() as s:
            result = await s.execute(
                update(NluMiss)
                .where(NluMiss.id.in_(list(ids)), NluMiss.status == OPEN)
                .values(
                    status=status,
                    labelled_intent=intent,
                    labelled_by=who,
                    resolved_at=self._clock(),
                )
            )
        return int(result.rowcount or 0)


def _with_choice(query: Select) -> Select:
    return query.outerjoin(ShopperChoice, ShopperChoice.miss_id == NluMiss.id)
