"""Queries of the live view (实时监控); each takes the session it runs in.

A conversation is live while its shopper wrote within the window
(``conversations.updated_at``, which every shopper message sets) or while it
has a queued or assigned ticket. Nothing is stored for the live view itself:
its rows come from the messages, tickets and the trainer inbox's fallbacks the
gateway keeps anyway, so they read the same after a restart and on every
gateway sharing the database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import ANSWERED, PENDING, RECEIVED, Conversation, Message
from bot.trainer.models import FALLBACK, NluMiss
from handoff import store
from handoff.models import Ticket
from handoff.views import TicketView
from handoff.vocab import OPEN_STATUSES

#: Builds the SQL condition "this column names one of the conversations asked about".
Which = Callable[[Any], Any]


@dataclass(frozen=True)
class LiveFacts:
    """What the live view knows of one conversation, before masking.

    Attributes:
        shopper_at: when the shopper last wrote.
        ticket: its queued or assigned ticket, if any.
        last: its newest message (shopper, bot, agent or system).
        not_understood: how many of the shopper's latest messages in a row the
            bot answered with its fallback (the trainer inbox's ``fallback``).
        rating: the newest 1–5 rating the shopper gave a closed ticket here.
    """

    conversation_id: str
    shopper_id: str | None
    shopper_at: datetime
    ticket: TicketView | None
    last: Message | None
    not_understood: int
    rating: int | None


def live_clause(since: datetime) -> Which:
    """Conversations the shopper wrote in since ``since``, or with an open ticket."""
    recent = select(Conversation.id).where(Conversation.updated_at >= since)
    ticketed = select(Ticket.conversation_id).where(Ticket.status.in_(OPEN_STATUSES))
    return lambda column: or_(column.in_(recent), column.in_(ticketed))


def among(conversation_ids: list[str]) -> Which:
    """Just these conversations, live or not."""
    return lambda column: column.in_(conversation_ids)


async def live_facts(s: AsyncSession, which: Which, since: datetime) -> list[LiveFacts]:
    """The facts of the conversations ``which`` names, the newest activity first.

    ``since`` bounds the fallback streak: only messages within the window count.
    """
    rows = await s.execute(select(Conversation).where(which(Conversation.id)))
    conversations = list(rows.scalars())
    if not conversations:
        return []
    tickets = await _open_tickets(s, which)
    last = await _last_messages(s, which)
    streaks = await _fallback_streaks(s, which, since)
    ratings = await _latest_ratings(s, which)
    facts = [
        LiveFacts(
            conversation_id=str(c.id),
            shopper_id=c.shopper_id,
            shopper_at=c.updated_at,
            ticket=tickets.get(c.id),
            last=last.get(c.id),
            not_understood=streaks.get(c.id, 0),
            rating=ratings.get(c.id),
        )
        for c in conversations
    ]
    return sorted(facts, key=_activity, reverse=True)


def _activity(facts: LiveFacts) -> tuple[int, datetime]:
    return (facts.last.id if facts.last is not None else 0, facts.shopper_at)


async def _open_tickets(s: AsyncSession, which: Which) -> dict[str, TicketView]:
    stmt = select(Ticket.id).where(which(Ticket.conversation_id), Ticket.status.in_(OPEN_STATUSES))
    views = await store.views_of(s, list(await s.scalars(stmt)))
    return {view.conversation_id: view for view in views}


async def _last_messages(s: AsyncSession, which: Which) -> dict[str, Message]:
    newest = (
        select(func.max(Message.id))
        .where(which(Message.conversation_id))
        .group_by(Message.conversation_id)
    )
    rows = await s.scalars(select(Message).where(Message.id.in_(newest)))
    return {str(message.conversation_id): message for message in rows}


async def _fallback_streaks(s: AsyncSession, which: Which, since: datetime) -> dict[str, int]:
    """Per conversation, the shopper's latest messages in a row the bot fell back on.

    A message still being answered is skipped (its answer is not known yet);
    one the bot understood, or a person answered, ends the streak.
    """
    stmt = (
        select(Message.conversation_id, Message.status, NluMiss.reason)
        .outerjoin(NluMiss, NluMiss.message_id == Message.id)
        .where(
            which(Message.conversation_id),
            Message.sender == "shopper",
            Message.created_at >= since,
        )
        .order_by(Message.id.desc())
    )
    streaks: dict[str, int] = {}
    ended: set[str] = set()
    for conversation_id, status, reason in (await s.execute(stmt)).all():
        if conversation_id in ended or status in (RECEIVED, PENDING):
            continue
        if status == ANSWERED and reason == FALLBACK:
            streaks[conversation_id] = streaks.get(conversation_id, 0) + 1
        else:
            ended.add(conversation_id)
    return streaks


async def _latest_ratings(s: AsyncSession, which: Which) -> dict[str, int]:
    stmt = (
        select(Ticket.conversation_id, Ticket.csat)
        .where(which(Ticket.conversation_id), Ticket.csat.is_not(None))
        .order_by(Ticket.closed_at, Ticket.id)
    )
    # In closing order: the newest rating of each conversation is the one kept.
    return {str(c): int(csat) for c, csat in (await s.execute(stmt)).all()}
