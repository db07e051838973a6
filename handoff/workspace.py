"""What an agent sees when they open a ticket: transcript, shopper context, suggestions."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from actions.shop.format import REFUND_STATUS_LABELS, STATUS_LABELS, TIER_LABELS, local_time, yuan
from actions.shop.service import ShopService
from bot.conversations import ConversationService
from bot.rasa_client import RasaClient, RasaUnavailable
from handoff.audit import AuditLog
from handoff.errors import NotTicketHolder
from handoff.models import utc_now
from handoff.queue import HandoffQueue
from handoff.replies import suggest
from handoff.safety_context import safety_context
from handoff.views import AgentView, TicketView
from handoff.vocab import QUEUED, SUPERVISOR

logger = logging.getLogger(__name__)


def mask_message(message: dict[str, Any], mask: Callable[[str], str]) -> dict[str, Any]:
    """A transcript message with its text masked and without a picture's address.

    A picture (an order screenshot, a parcel label) can show what the text
    masking hides, so only the ticket's holder gets to see it.
    """
    shown = {key: value for key, value in message.items() if key != "attachment"}
    text = shown.get("text")
    return {**shown, "text": mask(text)} if isinstance(text, str) else shown


def mask_ticket(ticket: TicketView, mask: Callable[[str], str]) -> dict[str, Any]:
    """A ticket with its summary masked."""
    shown = ticket.to_dict()
    shown["summary"] = [mask(text) for text in shown.get("summary") or []]
    return shown


class Workspace:
    """Builds the ``open_ticket`` answer.

    Args:
        queue: the ticket queue.
        conversations: the stored transcripts.
        rasa: understands the latest shopper message, for suggested replies.
        shop: the shop data layer, for the shopper's context.
        replies: intent → a reply an agent could send, from the domain.
        audit: where views of private data are written down.
        mask: hides private data from agents who do not hold the ticket.
    """

    def __init__(
        self,
        queue: HandoffQueue,
        conversations: ConversationService,
        rasa: RasaClient,
        shop: ShopService,
        replies: dict[str, str],
        audit: AuditLog,
        mask: Callable[[str], str] = str,
    ) -> None:
        self._queue = queue
        self._conversations = conversations
        self._rasa = rasa
        self._shop = shop
        self._replies = replies
        self._audit = audit
        self._mask = mask

    async def open(self, agent: AgentView, ticket_id: int) -> dict[str, Any]:
        """The ticket with its transcript; context and suggestions for its holder.

        Raises:
            NotTicketHolder: the ticket is assigned to someone else.
        """
        ticket = await self._queue.ticket(ticket_id)
        holder = ticket.agent_id == agent.id or agent.role == SUPERVISOR
        if not holder and ticket.status != QUEUED:
            raise NotTicketHolder(f"ticket {ticket_id} is not yours")
        transcript = await self._conversations.history(ticket.conversation_id)
        if not holder:  # a preview of a queued ticket: private data stays hidden
            transcript = [mask_message(m, self._mask) for m in transcript]
        answer: dict[str, Any] = {
            "ticket": ticket.to_dict() if holder else mask_ticket(ticket, self._mask),
            "transcript": transcript,
            "context": {},
            "suggestions": [],
            # Who passed the chat on and why: the newest note is what the holder reads first.
            "transfers": await self._queue.transfers(ticket.id, str if holder else self._mask),
        }
        if holder:  # private shop data only for who handles the ticket
            answer["context"] = await self.context(ticket)
            answer["suggestions"] = await self.suggestions(transcript)
            fields = ["context"]
            if ticket.priority == "urgent":
                flag = await self._safety_flag(ticket.id)
                now = local_time(utc_now())
                answer["safety"] = await safety_context(self._shop, ticket, transcript, flag, now)
                fields.append("safety")
            await self._audit.record(agent.id, "view_private_data", ticket.id, {"fields": fields})
        return answer

    async def _safety_flag(self, ticket_id: int) -> dict[str, Any]:
        events = await self._queue.recent_events(ticket_id)
        flagged = [e for e in events if e.get("kind") == "safety_flagged"]
        return dict(flagged[-1].get("data") or {}) if flagged else {}

    async def context(self, ticket: TicketView) -> dict[str, Any]:
        """The shopper's member tier, recent orders, shipments and refunds."""
        if not ticket.shopper_id:
            return {}
        shopper = await self._shop.shopper(ticket.shopper_id)
        if shopper is None:
            return {}
        orders = await self._shop.recent_orders(shopper_id=shopper.id, limit=5)
        shipments = []
        for order in orders:
            shipment = await self._shop.shipment(shopper_id=shopper.id, order_id=order.id)
            if shipment is not None:
                latest = shipment.latest
                shipments.append(
                    {
                        "order_id": order.id,
                        "carrier": shipment.carrier,
                        "tracking_no": shipment.tracking_no,
                        "latest": latest.description if latest else "",
                        "at": local_time(latest.at) if latest else "",
                    }
                )
        refunds = await self._shop.refunds(shopper_id=shopper.id)
        return {
            "shopper": {
                "id": shopper.id,
                "name": shopper.name,
                "tier": TIER_LABELS[shopper.tier],
                "points": shopper.points,
            },
            "orders": [
                {
                    "id": o.id,
                    "status": STATUS_LABELS[o.status],
                    "items": o.item_summary,
                    "total": yuan(o.total_fen),
                    "created": local_time(o.created_at),
                }
                for o in orders
            ],
            "shipments": shipments,
            "refunds": [
                {
                    "order_id": r.order_id,
                    "amount": yuan(r.amount_fen),
                    "goods": r.goods,  # 「纯棉圆领T恤 ×1」; empty for the whole order
                    "status": REFUND_STATUS_LABELS[r.status],
                    "reason": r.reason,
                }
                for r in refunds[:5]
            ],
        }

    async def suggestions(self, transcript: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Replies for the latest shopper message, from the bot's understanding of it."""
        latest = next((m for m in reversed(transcript) if m.get("sender") == "shopper"), None)
        if latest is None or not latest.get("text") or "attachment" in latest:
            return []  # nothing said, or a picture: nothing for the model to read
        try:
            parsed = await self._rasa.parse(str(latest["text"]))
        except RasaUnavailable as exc:
            logger.warning("No suggestions: %s", exc)
            return []
        return suggest(parsed, self._replies)
