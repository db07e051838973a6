"""Tells an on-call system outside the console when an urgent or fraud ticket waits unclaimed.

An urgent ticket (someone's safety may be at risk), or one raised for fraud
under way (``handoff.deadlines``), that nobody claims within its claim
deadline is announced in every open console, but with nobody online there is
no console to announce it in. ``KEFU_ESCALATION_URL`` names an HTTP
endpoint of the owner's own (a pager, SMS or chat-robot bridge on their
network), which then gets a small JSON POST: the ticket's number, team, reason
and wait, which deadline it missed, and where the console is. Never the shopper's words or contact
details: those stay in the console, behind a login and the audit log.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx

if TYPE_CHECKING:  # bot.settings imports check_url: keep the ORM models out of it
    from handoff.views import TicketView

logger = logging.getLogger(__name__)
EVENT = "claim_deadline_missed"


def check_url(url: str) -> str:
    """``url`` if it is an http(s) URL with a host.

    Raises:
        ValueError: anything else, with what is wrong.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"must be an http:// or https:// URL with a host, got {url!r}")
    return url


class Escalation:
    """POSTs urgent and fraud tickets nobody claimed to an on-call endpoint, with retries.

    Args:
        url: the endpoint (``KEFU_ESCALATION_URL``).
        console_url: where agents log in, included so on-call staff can go there.
        transport: an httpx transport; tests may pass a mock.
        attempts: tries before giving up (each failure is logged).
        pause: seconds before the second try, doubling after.
    """

    def __init__(
        self,
        url: str,
        console_url: str = "",
        transport: httpx.AsyncBaseTransport | None = None,
        attempts: int = 3,
        pause: float = 1.0,
    ) -> None:
        self._url = check_url(url)
        self._console_url = console_url
        self._http = httpx.AsyncClient(timeout=5.0, transport=transport)
        self._attempts = attempts
        self._pause = pause

    def body(
        self, ticket: TicketView, waited_seconds: int, deadline: str = "urgent"
    ) -> dict[str, Any]:
        """What the endpoint receives: the ticket's handling facts, no private data.

        ``deadline`` is the kind of deadline missed: ``urgent`` or ``fraud``.
        """
        return {
            "event": EVENT,
            "deadline": deadline,
            "ticket": {
                "id": ticket.id,
                "priority": ticket.priority,
                "team": ticket.team,
                "reason": ticket.reason,
                "queued_at": ticket.queued_at.isoformat(),
            },
            "waited_seconds": waited_seconds,
            "console_url": self._console_url,
        }

    async def __call__(
        self, ticket: TicketView, waited_seconds: int, deadline: str = "urgent"
    ) -> bool:
        """Deliver the alert; True once the endpoint accepted it (2xx)."""
        body = self.body(ticket, waited_seconds, deadline)
        pause = self._pause
        for attempt in range(1, self._attempts + 1):
            try:
                response = await self._http.post(self._url, json=body)
                if response.is_success:
                    return True
                problem = f"HTTP {response.status_code}"
            except httpx.HTTPError as exc:
                problem = repr(exc)
            logger.warning(
                "Escalation of %s ticket %s, try %d of %d, failed: %s",
                deadline, ticket.id, attempt, self._attempts, problem,
            )  # fmt: skip
            if attempt < self._attempts:
                await asyncio.sleep(pause)
                pause *= 2
        logger.error("%s ticket %s waits unclaimed and could not be escalated", deadline, ticket.id)
        return False

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        await self._http.aclose()
