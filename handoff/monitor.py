"""实时监控: the supervisors' live view of every conversation going on now.

Rows are derived from stored data (``handoff.live_store``), never kept here.
The gateway pushes no rows: every stored message (shopper, bot, agent, system)
goes as ``monitor_message`` to the consoles reading that conversation, and its
conversation is named in a coalesced ``monitor_touched`` to those with the
list open, which fetch the rows they need (``rows``); why, in
``handoff.live_push``. A ticket never changes without a message to the shopper
(queued notice, 「已接入」, transfer, close, rating thanks…), so the row follows
the ticket too; after the trainer inbox has noted a fallback, the conversation
is touched again (未理解).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import sessionmaker

from bot.conversations import ConversationService, to_protocol
from bot.models import Message
from handoff.audit import AuditLog
from handoff.desk import UNHAPPY, AgentBus
from handoff.errors import ConversationNotFound
from handoff.live_push import INTERVAL, LivePush
from handoff.live_store import LiveFacts, Which, among, live_clause, live_facts
from handoff.models import utc_now
from handoff.views import AgentView, TicketView

#: A conversation only the bot has stays listed this long after the shopper's last message.
WINDOW = timedelta(minutes=30)
#: Characters of the newest message a row shows (masked; the console shows fewer).
PREVIEW_CHARS = 60
#: What is masked of a message for its preview: enough that no number is cut in two.
MASKED_CHARS = 200
#: The ticket fields a row carries (not the summary: the transcript is one click away).
TICKET_FIELDS = (
    "id",
    "status",
    "priority",
    "team",
    "reason",
    "agent_id",
    "agent_name",
    "created_at",
    "queued_at",
    "claimed_at",
)


def handler_of(ticket: TicketView | None) -> str:
    """Who answers the shopper now: ``bot``, ``queue`` (waiting for a person) or ``agent``."""
    if ticket is None:
        return "bot"
    return "queue" if ticket.agent_id is None else "agent"


class LiveMonitor:
    """Builds the live view's rows and transcripts and pushes what changed.

    Args:
        sessionmaker: async sessionmaker of the gateway database.
        conversations: the stored transcripts.
        to_agents: emits an event to a room of the ``/agent`` namespace.
        audit: where a supervisor reading a conversation is written down.
        mask: hides phone, ID and card numbers and addresses in the list's previews.
        window: how long after the shopper's last message a bot conversation stays listed.
        clock: the current time.
        interval: seconds over which changed conversations are gathered into one push.
    """

    def __init__(
        self,
        sessionmaker: sessionmaker,
        conversations: ConversationService,
        to_agents: AgentBus,
        audit: AuditLog,
        mask: Callable[[str], str] = str,
        window: timedelta = WINDOW,
        clock: Callable[[], datetime] = utc_now,
        interval: float = INTERVAL,
    ) -> None:
        self._sessions = sessionmaker
        self._conversations = conversations
        self._push = LivePush(to_agents, interval)
        self._audit = audit
        self._mask = mask
        self._window = window
        self._clock = clock

    async def snapshot(self) -> dict[str, Any]:
        """What 实时监控 opens with: every live conversation, the newest activity first.

        ``now`` lets the console expire bot rows on the server's clock.
        """
        now = self._clock()
        rows = await self._rows(live_clause(now - self._window), now)
        return {
            "window_minutes": round(self._window.total_seconds() / 60),
            "now": now.isoformat(),
            "conversations": rows,
        }

    async def rows(self, conversation_ids: list[str]) -> list[dict[str, Any]]:
        """The rows of these conversations, live or not; none for one that does not exist.

        What a console watching the list asks for after ``monitor_touched``.
        """
        return await self._rows(among(conversation_ids), self._clock())

    async def row(self, conversation_id: str) -> dict[str, Any] | None:
        """One conversation's row, live or not; None if there is no such conversation."""
        rows = await self.rows([conversation_id])
        return rows[0] if rows else None

    async def open(self, supervisor: AgentView, conversation_id: str) -> dict[str, Any]:
        """A conversation's row and whole transcript, as stored (not masked).

        Supervisors see every transcript unmasked already (``open_ticket``);
        reading one here is written to the audit log all the same.

        Raises:
            ConversationNotFound: no such conversation.
        """
        row = await self.row(conversation_id)
        if row is None:
            raise ConversationNotFound(f"conversation {conversation_id} does not exist")
        transcript = await self._conversations.history(conversation_id)
        ticket_id = row["ticket"]["id"] if row["ticket"] else None
        detail = {"conversation_id": conversation_id}
        await self._audit.record(supervisor.id, "watch_conversation", ticket_id, detail)
        return {"conversation": row, "transcript": transcript}

    def shown(self, conversation_id: str, message: dict[str, Any]) -> None:
        """A message was stored: to whoever reads the conversation, then touch its row.

        Returns at once: the pushes are sent in the background.
        """
        self._push.message(conversation_id, message)

    async def answered(
        self,
        conversation_id: str,
        message_id: int,
        text: str,
        handed_off: bool,
        parse: dict[str, Any] | None,
    ) -> None:
        """The bot answered and the trainer inbox noted any miss: 未理解 may have changed."""
        self._push.touch(conversation_id)

    async def close(self) -> None:
        """Stop pushing (the gateway is shutting down)."""
        await self._push.close()

    async def _rows(self, which: Which, now: datetime) -> list[dict[str, Any]]:
        async with self._sessions() as s:
            facts = await live_facts(s, which, now - self._window)
        texts = [_text(f.last)[:MASKED_CHARS] if f.last is not None else "" for f in facts]
        # Off the event loop: a list of hundreds of rows is hundreds of spaCy runs.
        masked = await asyncio.to_thread(lambda: [self._mask(text) for text in texts])
        return [_row(f, preview[:PREVIEW_CHARS]) for f, preview in zip(facts, masked)]


def _text(message: Message) -> str:
    shown = to_protocol(message)  # a tapped button shows its title, as the shopper saw it
    return str(shown.get("text") or message.text or "")


def _row(facts: LiveFacts, preview: str) -> dict[str, Any]:
    """A conversation as the list shows it; ``version`` orders the pushes of one row."""
    ticket = facts.ticket
    shown = ticket.to_dict() if ticket is not None else None
    return {
        "conversation_id": facts.conversation_id,
        "shopper_id": facts.shopper_id,
        "shopper_at": facts.shopper_at.isoformat(),
        "handler": handler_of(ticket),
        "agent_id": ticket.agent_id if ticket is not None else None,
        "agent_name": ticket.agent_name if ticket is not None else None,
        "ticket": {key: shown[key] for key in TICKET_FIELDS} if shown is not None else None,
        "last_message": _last(facts.last, preview),
        "flags": _flags(facts),
        "version": facts.last.id if facts.last is not None else 0,
    }


def _last(message: Message | None, preview: str) -> dict[str, Any] | None:
    if message is None:
        return None
    return {
        "message_id": message.id,
        "sender": message.sender,
        "text": preview,
        "at": message.created_at.isoformat(),
        "agent_name": (message.payload or {}).get("agent_name"),
    }


def _flags(facts: LiveFacts) -> dict[str, Any]:
    """What a supervisor should look at: fallbacks in a row, a request for a person…"""
    ticket = facts.ticket
    unhappy = facts.rating is not None and facts.rating <= UNHAPPY
    return {
        "not_understood": facts.not_understood,
        "asked_for_person": ticket is not None and ticket.reason == "requested",
        "low_rating": facts.rating if unhappy else None,
        "urgent": ticket is not None and ticket.priority == "urgent",
    }
