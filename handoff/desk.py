"""The help desk: moves conversations between the bot, the queue and the agents.

It owns no storage of its own: tickets live in ``HandoffQueue``, messages in
the gateway's conversation store, and who is online in ``Presence``.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import Counter
from collections.abc import Awaitable, Callable, Collection
from datetime import timedelta
from typing import Any, Protocol

from bot.conversations import ConversationService
from bot.images import IMAGE_TEXT
from bot.rasa_client import RasaClient, RasaUnavailable
from handoff import copy
from handoff.errors import InvalidRating, NotTicketHolder, TicketClosed, TicketNotFound
from handoff.presence import Board, Presence
from handoff.promises import PromiseBook
from handoff.queue import HandoffQueue, expected_wait
from handoff.replies import suggest
from handoff.store import WAITING_MESSAGE
from handoff.views import AgentView, TicketView
from handoff.vocab import AGENT, CLOSED, PRIORITY_RANKS, REASONS, SUPERVISOR, TEAMS
from handoff.waiting import LEFT, Standing, WaitingReplies, kind_of

logger = logging.getLogger(__name__)

ALL_AGENTS = "agents"
SUPERVISORS = "supervisors"
CSAT = re.compile(r"^/csat\{\"score\":\s*([1-5])\}$")
MESSAGE_LEFT = "message_left"  # the ticket event of each answer to a waiting shopper
# A waiting shopper who no longer wants a person (「不用人工了」, 「取消排队」).
NO_PERSON = re.compile(
    r"^(?:好的?|那|算了|哦|嗯)?[，,\s]*(?:不用|不需要|不要|不找|取消)(?:转)?人工(?:了|客服)?"
    r"|取消排队|不排(?:队)?了|退出排队|不等了|不用等了"
)
URGENT = "urgent"
SAFETY_FLAGGED = "safety_flagged"
#: To the agent whose chat was raised to urgent and went to the safety team.
TICKET_ESCALATED = "ticket_escalated"
#: An agent's list of the promises they answer for changed (a ticket moved or closed).
PROMISES_UPDATED = "promises_updated"
#: The shopper wrote again after a chat closed with a promise to them unkept.
PROMISE_FOLLOWUP = "promise_followup"
MOVED_TO_SAFETY = "【紧急】#{id} 顾客报告了可能危及人身安全的情况，已转给安全专组优先处理。"
#: The flagged messages a ticket's flag keeps, for the police summary (the latest).
FLAGGED_KEPT = 5
#: Ratings at or below this alert the supervisors.
UNHAPPY = 2
#: A waiting shopper's message, recorded for the queue row (``store.WAITING_MESSAGE``),
#: is told to every console (``{ticket_id, waiting}``).
QUEUE_MESSAGE = "queue_message"
#: Characters of a waiting message the queue row keeps (it shows fewer).
WAITING_PREVIEW_CHARS = 60
#: The shopper's last messages a ticket taken over from the bot keeps as its summary.
TAKE_OVER_SUMMARY = 5
#: Seconds between checks for chats held by agents no gateway has a console of.
HOLDERS_INTERVAL = 10.0
AgentBus = Callable[[str, Any, str], Awaitable[None]]


class Verdict(Protocol):
    """What the safety screen says of a message (``bot.safety.SafetyVerdict``)."""

    level: str | None
    category: str | None
    matched: tuple[str, ...]


ShopperBus = Callable[[str, str, Any], Awaitable[None]]


def agent_room(agent_id: int) -> str:
    """The socket.io room of one agent's consoles."""
    return f"agent:{agent_id}"


def _known(value: Any, known: Any, default: str) -> str:
    # The signal comes from the action server: anything unexpected gets the safe default.
    return value if isinstance(value, str) and value in known else default


def csat_buttons() -> list[dict[str, str]]:
    """Quick replies asking for a 1–5 rating."""
    return [
        {"content_type": "text", "title": label, "payload": f'/csat{{"score":{score}}}'}
        for score, label in enumerate(copy.CSAT_LABELS, start=1)
    ]


class HelpDesk:
    """Opens tickets, routes messages both ways and keeps everyone told.

    Args:
        queue: the persistent ticket queue.
        conversations: stores and shows messages to the shopper.
        rasa: records the human part of the conversation in Rasa's tracker.
        to_agents: emits an event to a room of the ``/agent`` namespace.
        to_shopper: emits a transient event (typing, queue position) to a conversation.
        grace: seconds a disconnected agent keeps their chats.
        replies: intent → suggested agent reply, sent along with each shopper message.
        mask: hides phone, ID and card numbers and addresses from whoever does not hold a ticket.
        board: agents connected to every gateway process (default: this one only).
        promises: the promise timers, which follow their tickets.
        waiting: answers a waiting shopper (default: without the service hours).
    """

    def __init__(
        self,
        queue: HandoffQueue,
        conversations: ConversationService,
        rasa: RasaClient,
        to_agents: AgentBus,
        to_shopper: ShopperBus,
        grace: float = 60.0,
        replies: dict[str, str] | None = None,
        mask: Callable[[str], str] = str,
        board: Board | None = None,
        promises: PromiseBook | None = None,
        waiting: WaitingReplies | None = None,
    ) -> None:
        self._queue = queue
        self._conversations = conversations
        self._rasa = rasa
        self._to_agents = to_agents
        self._to_shopper = to_shopper
        self.presence = Presence(grace, self._agent_gone, board)
        self._replies = replies or {}
        self._mask = mask
        # Agents' promise lists follow their tickets (``promises_updated``).
        self._promises = promises
        self._waiting = waiting or WaitingReplies()

    # The shopper side (called by ConversationService)

    async def open(
        self, conversation_id: str, shopper_id: str | None, signal: dict[str, Any]
    ) -> bool:
        """Queue a conversation the bot handed over.

        When the bot is merely down and no agent of the team is online, the
        conversation is not queued (False): the bot answers once it is back.
        """
        team = _known(signal.get("team"), TEAMS, "general")
        if signal.get("reason") == "bot_unavailable" and await self._online_for(team) == 0:
            return False
        before = await self._queue.open_ticket_for(conversation_id)
        ticket, created = await self._queue.open_ticket(
            conversation_id=conversation_id,
            shopper_id=shopper_id,
            reason=_known(signal.get("reason"), REASONS, "requested"),
            priority=_known(signal.get("priority"), PRIORITY_RANKS, "normal"),
            team=team,
            summary=[str(text) for text in signal.get("summary") or []][-10:],
        )
        newly_urgent = before is None or before.priority != URGENT
        if before is not None and before.agent_id not in (None, ticket.agent_id):
            await self._taken_for_safety(before.agent_id, ticket)
        if ticket.priority == URGENT and newly_urgent:
            await self._to_agents("urgent_ticket", {"ticket": self.public(ticket)}, ALL_AGENTS)
        await self.dispatch()
        ticket = await self._queue.ticket(ticket.id)
        if ticket.status == "queued":
            await self._post_place(ticket)  # dispatch told its place; this keeps it in the chat
        return True

    async def _taken_for_safety(self, holder: int, ticket: TicketView) -> None:
        """Tell the agent who held a chat now raised to urgent why it left them.

        ``ticket_closed`` takes it out of their list, as a transfer does;
        ``ticket_escalated`` says it went to the safety team, not that it ended.
        """
        await self._to_agents("ticket_closed", {"ticket": ticket.to_dict()}, agent_room(holder))
        payload = {
            "ticket": ticket.to_dict(),
            "to_team": ticket.team,
            "text": MOVED_TO_SAFETY.format(id=ticket.id),
        }
        await self._to_agents(TICKET_ESCALATED, payload, agent_room(holder))
        await self._promises_moved(ticket.id, holder)

    async def flag(
        self, conversation_id: str, shopper_id: str | None, text: str, verdict: Verdict
    ) -> bool:
        """A message the safety screen flagged: a calm reply now, then a person, first.

        Urgent danger goes to the safety team ahead of every ticket, even if
        the conversation is already with another team: a chat held by someone
        who may not take safety tickets goes to the safety queue, and they are
        told why. Fraud under way gets high priority with the security team,
        complaints with after-sales.

        Returns:
            False when the open ticket was flagged for the same danger already:
            the shopper was told what to do, and this message is one more for
            the person (the reply and the queue notice are not repeated).
        """
        data = {
            "level": verdict.level,
            "category": verdict.category,
            "matched": list(verdict.matched),
        }
        flagged = await self._queue.open_ticket_for(conversation_id)
        if flagged is not None and await self._flagged_for(flagged.id, verdict.category):
            await self._record_flag(flagged.id, data, text)
            return False
        reply = copy.safety_reply(verdict)
        await self._conversations.post(conversation_id, "system", {"text": reply})
        if verdict.level == URGENT:
            reason, priority, team = "emergency", URGENT, "safety"
        elif verdict.category == "fraud":
            reason, priority, team = "account_security", "high", "security"
        else:
            reason, priority, team = "complaint", "high", "after_sales"
        signal = {"reason": reason, "priority": priority, "team": team, "summary": [text]}
        await self.open(conversation_id, shopper_id, signal)
        ticket = await self._queue.open_ticket_for(conversation_id)
        if ticket is not None:
            await self._record_flag(ticket.id, data, text)
        return True

    async def _flagged_for(self, ticket_id: int, category: str | None) -> bool:
        events = await self._queue.recent_events(ticket_id)
        return any(
            e["kind"] == SAFETY_FLAGGED and (e.get("data") or {}).get("category") == category
            for e in events
        )

    async def _record_flag(self, ticket_id: int, data: dict[str, Any], text: str) -> None:
        """Record a flag with the shopper's own words about this danger, newest last.

        The police summary quotes them as said; the matched phrases are the
        screen's fragments and labels, not what the shopper wrote.
        """
        earlier: list[str] = []
        for event in await self._queue.recent_events(ticket_id):
            flag = event.get("data") or {}
            if event["kind"] == SAFETY_FLAGGED and flag.get("category") == data["category"]:
                earlier = [str(m) for m in flag.get("messages") or []]
        messages = (earlier + [text])[-FLAGGED_KEPT:]
        await self._queue.record_event(ticket_id, SAFETY_FLAGGED, {**data, "messages": messages})

    async def route(
        self, conversation_id: str, message: dict[str, Any], text: str, acknowledge: bool = True
    ) -> bool:
        """Take a shopper message while a person handles the conversation.

        Args:
            conversation_id: the shopper's session.
            message: the message as stored and shown (a clicked title, not its payload).
            text: what the shopper's client sent (a rating payload, for instance).
            acknowledge: tell a waiting shopper the message is kept; not for the
                message that opened the ticket (the safety reply and the queue
                notice answered it).
        """
        rating = CSAT.match(text)
        if rating:
            return await self._rate(conversation_id, int(rating.group(1)))
        ticket = await self._queue.open_ticket_for(conversation_id)
        if ticket is None:
            await self._promise_followup(conversation_id, message)
            return False
        parsed = await self._record_shopper(conversation_id, message)
        if ticket.agent_id is None and acknowledge:
            await self._note_waiting(ticket, message)
        if ticket.agent_id is None and acknowledge and wants_no_person(message):
            taken = await self._withdraw(ticket)
            if taken is None:
                return True
            ticket = taken
        if ticket.agent_id is None:
            if acknowledge:
                await self._answer_waiting(ticket, message)
            return True
        payload = {
            "ticket_id": ticket.id,
            "message": message,
            "suggestions": suggest(parsed, self._replies),
        }
        await self._to_agents("ticket_message", payload, agent_room(ticket.agent_id))
        return True

    async def _note_waiting(self, ticket: TicketView, message: dict[str, Any]) -> None:
        """A waiting shopper wrote: the queue row shows it (masked, short) and counts it.

        Kept as a ticket event, so every gateway's queue shows the same and an
        erased conversation takes it along.
        """
        text = IMAGE_TEXT if "attachment" in message else str(message.get("text") or "")
        preview = self._mask(text.strip())[:WAITING_PREVIEW_CHARS]
        await self._queue.record_event(ticket.id, WAITING_MESSAGE, {"text": preview})
        waiting = (await self._queue.waiting_messages([ticket.id])).get(ticket.id)
        payload = {"ticket_id": ticket.id, "waiting": waiting}
        await self._to_agents(QUEUE_MESSAGE, payload, ALL_AGENTS)

    async def _withdraw(self, ticket: TicketView) -> TicketView | None:
        """「不用人工了」 while waiting: leave the queue, back to the bot.

        An urgent ticket stays, and the shopper is told a person checks in all
        the same (宁可信其有). Returns the ticket if an agent took it meanwhile
        (they get the message like any other), else None: answered.
        """
        if ticket.priority == URGENT:
            await self._conversations.post(
                ticket.conversation_id, "system", {"text": copy.URGENT_STAYS}
            )
            return None
        withdrawn = await self._queue.withdraw(ticket.id)
        if withdrawn is None:  # claimed in the meantime
            return await self._queue.open_ticket_for(ticket.conversation_id)
        await self._ended(withdrawn)
        await self._conversations.post(ticket.conversation_id, "bot", {"text": copy.WITHDRAWN})
        return None

    async def _answer_waiting(self, ticket: TicketView, message: dict[str, Any]) -> None:
        """Answer a waiting shopper: a question about the wait always, anything else now and then.

        Each answer is a ``message_left`` event: of many quick messages, on
        however many gateways, one is acknowledged (``record_once``).
        """
        text = "" if "attachment" in message else str(message.get("text") or "")
        kind = kind_of(text)
        if kind != LEFT:
            await self._queue.record_event(ticket.id, MESSAGE_LEFT, {"kind": kind})
        elif not await self._queue.record_once(
            ticket.id, MESSAGE_LEFT, {"kind": kind}, self._waiting.quiet_since()
        ):
            return
        standing = Standing(**await self._place(ticket), urgent=ticket.priority == URGENT)
        reply = self._waiting.reply(kind, standing)
        await self._conversations.post(ticket.conversation_id, "system", reply)

    async def shopper_typing(self, conversation_id: str, typing: bool) -> None:
        """Show the agent that the shopper is typing."""
        ticket = await self._queue.open_ticket_for(conversation_id)
        if ticket is not None and ticket.agent_id is not None:
            payload = {"ticket_id": ticket.id, "typing": typing}
            await self._to_agents("shopper_typing", payload, agent_room(ticket.agent_id))

    async def _rate(self, conversation_id: str, score: int) -> bool:
        try:
            ticket = await self._queue.rate(conversation_id, score)
        except (InvalidRating, TicketNotFound):
            return True  # rated already, or nothing to rate: no need to bother the bot
        await self._conversations.post(conversation_id, "system", {"text": copy.RATED})
        if score <= UNHAPPY:
            # 差评预警: a supervisor can still put it right while the shopper remembers.
            payload = {"ticket": ticket.to_dict(), "score": score}
            await self._to_agents("unhappy_rating", payload, SUPERVISORS)
        return True

    # The agent side (called by the /agent namespace)

    async def agent_connected(self, agent: AgentView, sid: str) -> dict[str, Any]:
        """Register a console and return the ``hello`` payload."""
        await self.presence.connected(agent.id, sid)
        held = await self._queue.held_by(agent.id)
        queue = await self.queue_rows(await self._queue.queue())
        # The newest message of each chat, for the list's preview after a reload.
        latest = [await self._conversations.latest(t.conversation_id) for t in held]
        return {
            "agent": agent.to_dict(),
            "tickets": [t.to_dict() | {"last_message": m} for t, m in zip(held, latest)],
            "queue": queue,
        }

    async def agent_disconnected(self, agent_id: int, sid: str) -> None:
        """A console closed; chats stay with the agent for the grace period."""
        await self.presence.disconnected(agent_id, sid)

    async def set_presence(self, agent: AgentView, status: str) -> None:
        """Online agents take new chats; away ones keep theirs but get none."""
        await self.presence.set_status(agent.id, status)
        await self.dispatch()

    async def claim(self, agent: AgentView, ticket_id: int) -> TicketView:
        """Take a ticket from the queue."""
        ticket = await self._queue.claim(ticket_id, agent.id)
        await self._joined(ticket)
        await self._queue_changed()
        return ticket

    async def take_over(self, supervisor: AgentView, conversation_id: str) -> TicketView:
        """A supervisor steps into a conversation (实时监控 介入); the bot falls silent.

        From then on it is a claim like any other: the supervisor gets
        ``ticket_assigned`` and the shopper 「… 已接入」.
        """
        history = await self._conversations.history(conversation_id)
        said = [str(m.get("text") or "") for m in history if m.get("sender") == "shopper"]
        ticket, taken = await self._queue.take_over(
            conversation_id, supervisor.id, said[-TAKE_OVER_SUMMARY:]
        )
        if taken:
            # As the bot's own handoff does: Rasa's tracker records, no longer answers.
            await self._record(conversation_id, [{"event": "pause"}])
            await self._joined(ticket)
            await self._queue_changed()
        return ticket

    async def agent_message(self, agent: AgentView, ticket_id: int, text: str) -> dict[str, Any]:
        """Send an agent's reply to the shopper; stored before it is acknowledged."""
        ticket = await self._held(agent, ticket_id)
        payload = {"text": text, "agent_name": agent.display_name}
        shown = await self._conversations.post(ticket.conversation_id, "agent", payload)
        event = {"event": "bot", "text": text, "metadata": {"agent": agent.username}}
        await self._record(ticket.conversation_id, [event])
        return shown

    async def agent_image(
        self, agent: AgentView, ticket_id: int, content_type: str, data: bytes
    ) -> dict[str, Any]:
        """Send an agent's picture (a size chart, where to find the order number)."""
        ticket = await self._held(agent, ticket_id)
        extra = {"agent_name": agent.display_name}
        shown = await self._conversations.post_image(
            ticket.conversation_id, "agent", extra, content_type, data
        )
        event = {"event": "bot", "text": IMAGE_TEXT, "metadata": {"agent": agent.username}}
        await self._record(ticket.conversation_id, [event])
        return shown

    async def agent_typing(self, agent: AgentView, ticket_id: int, typing: bool) -> None:
        """Show the shopper that the agent is typing."""
        ticket = await self._held(agent, ticket_id)
        payload = {"typing": typing, "sender": "agent"}
        await self._to_shopper(ticket.conversation_id, "bot_typing", payload)

    async def transfer(
        self,
        agent: AgentView,
        ticket_id: int,
        to_agent_id: int | None,
        to_team: str | None,
        note: str | None = None,
    ) -> TicketView:
        """Give a ticket to another agent or back to a team's queue, with a note for them.

        The note stays with the ticket (``open_ticket``'s ``transfers``); the
        shopper only hears that they are being transferred.
        """
        ticket = await self._queue.transfer(ticket_id, agent.id, to_agent_id, to_team, note)
        await self._to_agents("ticket_closed", {"ticket": ticket.to_dict()}, agent_room(agent.id))
        await self._promises_moved(ticket.id, agent.id)
        await self._conversations.post(ticket.conversation_id, "system", {"text": copy.TRANSFERRED})
        if ticket.agent_id is not None:
            await self._joined(ticket)
        await self.dispatch()
        return ticket

    async def close(
        self, agent: AgentView, ticket_id: int, resolution_code: str, note: str | None
    ) -> TicketView:
        """End the human part; the shopper is asked for a rating."""
        ticket = await self._queue.close(ticket_id, agent.id, resolution_code, note)
        await self._ended(ticket)
        payload = {"text": copy.CLOSED, "quick_replies": csat_buttons()}
        await self._conversations.post(ticket.conversation_id, "system", payload)
        return ticket

    async def hand_back(self, agent: AgentView, ticket_id: int) -> TicketView:
        """Give the conversation back to the bot, which greets the shopper."""
        ticket = await self._queue.hand_back(ticket_id, agent.id)
        await self._ended(ticket)
        await self._conversations.post(ticket.conversation_id, "bot", {"text": copy.HANDED_BACK})
        return ticket

    def public(self, ticket: TicketView) -> dict[str, Any]:
        """A ticket as every agent may see it: the summary masked."""
        shown = ticket.to_dict()
        shown["summary"] = [self._mask(text) for text in shown.get("summary") or []]
        return shown

    async def queue_rows(self, queue: list[TicketView]) -> list[dict[str, Any]]:
        """The queue as every agent sees it, with what each shopper wrote while waiting.

        Each row is ``public(ticket)`` plus ``waiting``: ``{count, last: {text, at}}`` or null.
        """
        waiting = await self._queue.waiting_messages([t.id for t in queue])
        return [self.public(t) | {"waiting": waiting.get(t.id)} for t in queue]

    async def held(self, agent: AgentView, ticket_id: int) -> TicketView:
        """The open ticket, if the agent holds it (or is a supervisor).

        Raises:
            TicketClosed, NotTicketHolder, TicketNotFound.
        """
        return await self._held(agent, ticket_id)

    async def _held(self, agent: AgentView, ticket_id: int) -> TicketView:
        ticket = await self._queue.ticket(ticket_id)
        if ticket.status == CLOSED:
            raise TicketClosed(f"ticket {ticket_id} is closed")
        if ticket.agent_id != agent.id and agent.role != SUPERVISOR:
            raise NotTicketHolder(f"ticket {ticket_id} is not yours")
        return ticket

    # Routing

    async def dispatch(self) -> None:
        """Assign waiting tickets to available agents and tell everyone."""
        for ticket in await self._queue.assign_waiting(await self.presence.available()):
            await self._joined(ticket)
        await self._queue_changed()

    async def _joined(self, ticket: TicketView) -> None:
        assert ticket.agent_id is not None
        await self._to_agents(
            "ticket_assigned", {"ticket": ticket.to_dict()}, agent_room(ticket.agent_id)
        )
        text = copy.AGENT_JOINED.format(name=ticket.agent_name or "")
        await self._conversations.post(ticket.conversation_id, "system", {"text": text})
        await self._promises_moved(ticket.id)

    async def _ended(self, ticket: TicketView) -> None:
        # action_listen after resume: the bot's rules expect a listening state.
        resume = [{"event": "resume"}, {"event": "action", "name": "action_listen"}]
        await self._record(ticket.conversation_id, resume)
        holder = ticket.agent_id
        if holder is not None:
            await self._to_agents("ticket_closed", {"ticket": ticket.to_dict()}, agent_room(holder))
        if self._promises is not None:
            closed = await self._promises.close_with_ticket(ticket.id)
            await self._tell_promises({p.made_by for p in closed} | {p.agent_id for p in closed})
        await self.dispatch()

    # Promises belong to the ticket: whoever holds it answers for them.

    async def _promises_moved(self, ticket_id: int, *also: int) -> None:
        """A ticket changed hands: tell its holder, its promises' makers and ``also``."""
        if self._promises is None:
            return
        promises = await self._promises.open_on(ticket_id)
        if not promises and not also:
            return
        ticket = await self._queue.ticket(ticket_id)
        agents = {p.made_by for p in promises} | set(also)
        if ticket.agent_id is not None and ticket.status != CLOSED:
            agents.add(ticket.agent_id)
        await self._tell_promises(agents)

    async def _tell_promises(self, agent_ids: Collection[int]) -> None:
        assert self._promises is not None
        for agent_id in sorted(agent_ids):
            listed = [p.to_dict() for p in await self._promises.open_for(agent_id)]
            await self._to_agents(PROMISES_UPDATED, {"promises": listed}, agent_room(agent_id))

    async def _promise_followup(self, conversation_id: str, message: dict[str, Any]) -> None:
        """The shopper wrote to the bot after a chat closed with a promise to them unkept.

        The bot still answers (it has the conversation); the agent who last
        held the promise, and the supervisors, are told what the shopper wrote.
        """
        if self._promises is None:
            return
        unkept = await self._promises.closed_unkept(conversation_id)
        if not unkept:
            return
        promise = unkept[-1]  # the latest due: the one most likely asked after
        ticket = await self._queue.ticket(promise.ticket_id)
        text = IMAGE_TEXT if "attachment" in message else str(message.get("text") or "")
        payload = {
            "promise": promise.to_dict(),
            "ticket": self.public(ticket),
            "message": {"sender": "shopper", "text": self._mask(text)},
        }
        await self._queue.record_event(ticket.id, PROMISE_FOLLOWUP, {"promise_id": promise.id})
        await self._to_agents(PROMISE_FOLLOWUP, payload, agent_room(promise.agent_id))
        await self._to_agents(PROMISE_FOLLOWUP, payload, SUPERVISORS)

    async def _queue_changed(self) -> None:
        queue = await self._queue.queue()
        await self._to_agents("queue_updated", {"queue": await self.queue_rows(queue)}, ALL_AGENTS)
        if not queue:
            return
        # Read once for the whole queue: a busy hour has hundreds waiting.
        staff = await self._staff_online()
        average = await self._queue.average_handling()
        places: Counter[str] = Counter()
        for ticket in queue:  # queue order: each team's waiting shoppers count 1, 2, 3…
            places[ticket.team] += 1
            place = _place(places[ticket.team], average, _serving(staff, ticket.team))
            await self._to_shopper(ticket.conversation_id, "queue_status", place)

    async def _place(self, ticket: TicketView) -> dict[str, int]:
        """Where a waiting ticket stands: its position, the wait and who is online."""
        online = await self._online_for(ticket.team)
        position = await self._queue.position(ticket.id)
        return _place(position, await self._queue.average_handling(), online)

    async def _post_place(self, ticket: TicketView) -> None:
        """Tell a shopper just queued, in the conversation, how long the wait is."""
        place = await self._place(ticket)
        online, position, minutes = place["agents_online"], place["position"], place["wait_minutes"]
        if online == 0:
            text = copy.URGENT_NOBODY_ONLINE if ticket.priority == URGENT else copy.AFTER_HOURS
        elif position <= 1:
            text = copy.QUEUED_FIRST.format(minutes=minutes)
        else:
            text = copy.QUEUED.format(ahead=position - 1, minutes=minutes)
        await self._conversations.post(ticket.conversation_id, "system", {"text": text})

    async def _online_for(self, team: str) -> int:
        return _serving(await self._staff_online(), team)

    async def _staff_online(self) -> list[AgentView]:
        # Agents on any gateway: their skills come from the database, not this process.
        return await self._queue.agents(await self.presence.available())

    async def watch_holders(self) -> None:
        """Start the grace period of every agent who holds chats but has no console anywhere.

        Grace timers live in the process that held the console; after a restart
        (or a gateway that died) nobody would return those chats to the queue.
        """
        for agent_id in await self._queue.holders():
            await self.presence.absent(agent_id)

    async def watch_holders_forever(self, interval: float = HOLDERS_INTERVAL) -> None:
        """``watch_holders`` now (a restart) and every ``interval`` seconds, until cancelled."""
        while True:
            try:
                await self.watch_holders()
            except asyncio.CancelledError:
                raise
            except Exception:  # a failed round must not stop the next ones
                logger.exception("Could not check who holds chats")
            await asyncio.sleep(interval)

    async def _agent_gone(self, agent_id: int) -> None:
        requeued = await self._queue.requeue_agent(agent_id)
        for ticket in requeued:
            await self._conversations.post(
                ticket.conversation_id, "system", {"text": copy.AGENT_LEFT}
            )
            await self._promises_moved(ticket.id, agent_id)
        await self.dispatch()

    # Rasa's tracker keeps the whole conversation, the human part included.

    async def _record_shopper(
        self, conversation_id: str, message: dict[str, Any]
    ) -> dict[str, Any]:
        # Recorded as an event rather than sent to the REST channel, so the bot
        # cannot act on it while a person handles the conversation.
        text = message.get("text") or ""
        parse_data: dict[str, Any] = {}
        if "attachment" not in message:  # a picture has nothing for the model to read
            try:
                parse_data = await self._rasa.parse(text)
            except RasaUnavailable:
                pass
        await self._record(
            conversation_id, [{"event": "user", "text": text, "parse_data": parse_data}]
        )
        return parse_data

    async def _record(self, conversation_id: str, events: list[dict[str, Any]]) -> None:
        try:
            await self._rasa.append_events(conversation_id, events)
        except RasaUnavailable as exc:  # the gateway's own store still has it
            logger.warning("Could not record %s in Rasa's tracker: %s", conversation_id, exc)

    async def close_all(self) -> None:
        """Stop pending timers (at shutdown)."""
        await self.presence.close()


def _serving(staff: Collection[AgentView], team: str) -> int:
    """How many of ``staff`` the team's tickets are routed to: active agents with its skill.

    Supervisors may claim any ticket but are never assigned one, so a wait
    that counted them would not end (and hide 「no one online」 from a shopper in danger).
    """
    return sum(1 for a in staff if a.active and a.role == AGENT and team in a.skills)


def _place(position: int, average_handling: timedelta, online: int) -> dict[str, int]:
    """The ``queue_status`` a waiting shopper gets: place, wait in minutes, who is online."""
    wait = expected_wait(position, average_handling, online)
    minutes = max(1, round(wait.total_seconds() / 60))
    return {"position": position, "wait_minutes": minutes, "agents_online": online}


def wants_no_person(message: dict[str, Any]) -> bool:
    """Whether a waiting shopper's message calls the request for a person off."""
    text = str(message.get("text") or "").strip()
    return len(text) <= 20 and bool(NO_PERSON.search(text))
