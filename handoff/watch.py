"""Keeps the clocks of the help desk: claim deadlines (urgent, fraud) and promises."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from handoff.deadlines import ClaimDeadlines
from handoff.desk import ALL_AGENTS, SUPERVISORS, AgentBus, agent_room
from handoff.models import utc_now
from handoff.promises import PromiseBook
from handoff.queue import HandoffQueue
from handoff.store import DEADLINE_MISSED
from handoff.views import TicketView

logger = logging.getLogger(__name__)


class Watchman:
    """Each round: records and announces missed claim deadlines and due promises.

    Everything it needs is in the database, so a restart loses no timer.

    Args:
        queue: the ticket queue.
        promises: the promise book.
        to_agents: emits to a room of the ``/agent`` namespace.
        claim_deadline: how long an urgent ticket may wait unclaimed.
        clock: the current time.
        escalate: also tells someone outside the console of a missed deadline
            (``handoff.escalation``): the ticket, its wait and the kind of
            deadline; True if delivered. Runs beside the clocks.
        fraud_claim_deadline: how long a ticket raised for fraud under way may
            wait unclaimed; None: no deadline for them.
    """

    def __init__(
        self,
        queue: HandoffQueue,
        promises: PromiseBook,
        to_agents: AgentBus,
        claim_deadline: timedelta,
        clock: Callable[[], datetime] = utc_now,
        escalate: Callable[[TicketView, int, str], Awaitable[bool]] | None = None,
        fraud_claim_deadline: timedelta | None = None,
    ) -> None:
        self._queue = queue
        self._escalate = escalate
        self._escalations: set[asyncio.Task[None]] = set()
        self._promises = promises
        self._to_agents = to_agents
        self._deadlines_of = ClaimDeadlines(claim_deadline, fraud_claim_deadline)
        self._clock = clock

    async def round(self) -> None:
        """One check of every clock."""
        await self._deadlines()
        await self._reminders()
        await self._overdue()

    async def _deadlines(self) -> None:
        now = self._clock()
        cutoffs = self._deadlines_of.cutoffs(now)
        for ticket, kind, start in await self._queue.unclaimed_past_deadline(cutoffs):
            # Counted from when it last entered the queue: back in it, it is alerted again.
            waited = round((now - start).total_seconds())
            # Every gateway keeps the clocks; the one that records the breach announces it.
            data = {"waited_seconds": waited, "deadline": kind}
            if not await self._queue.record_once(ticket.id, DEADLINE_MISSED, data, start):
                continue
            payload = {
                "ticket": ticket.to_dict(),
                "waited_seconds": waited,
                "deadline": kind,
                "deadline_seconds": self._deadlines_of.seconds(kind),
            }
            await self._to_agents("claim_deadline_missed", payload, ALL_AGENTS)
            if self._escalate is not None:
                # Retries may take seconds; the other clocks keep their time meanwhile.
                task = asyncio.create_task(self._escalated(ticket, waited, kind))
                self._escalations.add(task)
                task.add_done_callback(self._escalations.discard)

    async def _escalated(self, ticket: TicketView, waited: int, kind: str) -> None:
        assert self._escalate is not None
        delivered = await self._escalate(ticket, waited, kind)
        await self._queue.record_event(ticket.id, "escalated", {"delivered": delivered})

    async def settled(self) -> None:
        """Wait for escalations under way (tests, and a clean shutdown)."""
        if self._escalations:
            await asyncio.gather(*self._escalations, return_exceptions=True)

    async def _reminders(self) -> None:
        for promise in await self._promises.due_for_reminder():
            payload = {"promise": promise.to_dict(), "ticket": {"id": promise.ticket_id}}
            await self._to_agents("promise_due_soon", payload, agent_room(promise.agent_id))

    async def _overdue(self) -> None:
        for promise in await self._promises.newly_overdue():
            data = {"promise_id": promise.id, "note": promise.note}
            await self._queue.record_event(
                promise.ticket_id, "promise_overdue", data, promise.agent_id
            )
            payload = {"promise": promise.to_dict(), "ticket": {"id": promise.ticket_id}}
            await self._to_agents("promise_overdue", payload, agent_room(promise.agent_id))
            await self._to_agents("promise_overdue", payload, SUPERVISORS)

    async def run_forever(self, interval: float = 1.0) -> None:
        """Check every ``interval`` seconds until cancelled."""
        while True:
            try:
                await self.round()
            except asyncio.CancelledError:
                raise
            except Exception:  # the clocks must keep running
                logger.exception("Help-desk clock round failed")
            await asyncio.sleep(interval)
