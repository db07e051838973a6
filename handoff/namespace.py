"""The ``/agent`` socket.io namespace: the console's thin edge to the help desk."""

from __future__ import annotations

import logging
from typing import Any

import socketio
from socketio.exceptions import ConnectionRefusedError

from bot.images import ImageRefused, checked_image
from bot.ratelimit import RateLimiter
from handoff.auth import Authenticator
from handoff.canned import CannedBook
from handoff.desk import ALL_AGENTS, SUPERVISORS, HelpDesk, agent_room
from handoff.errors import AuthError, HandoffError, InvalidInput, NotAllowed
from handoff.live_push import MONITOR, monitor_room
from handoff.models import utc_now
from handoff.monitor import LiveMonitor
from handoff.presence import AWAY, ONLINE
from handoff.promises import PromiseBook, promised_reply
from handoff.transfer_notes import require_transfer_note
from handoff.views import AgentView
from handoff.vocab import (
    MAX_NOTE_CHARS,
    RESOLUTION_CODES,
    SUPERVISOR,
    TEAMS,
    require_choice,
    require_text,
)
from handoff.workspace import Workspace

logger = logging.getLogger(__name__)
MAX_AGENT_MESSAGE_CHARS = 2000
#: Rows one ``monitor_rows`` may ask for.
MAX_MONITOR_ROWS = 100
Ack = dict[str, Any]


def _ticket_id(data: Any) -> int:
    value = data.get("ticket_id") if isinstance(data, dict) else None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise InvalidInput("ticket_id", "ticket_id must be a positive integer")
    return value


def _conversation_id(data: Any) -> str:
    value = data.get("conversation_id") if isinstance(data, dict) else None
    if not isinstance(value, str) or not 1 <= len(value) <= 64:
        raise InvalidInput("conversation_id", "conversation_id must have 1-64 characters")
    return value


def _conversation_ids(data: Any) -> list[str]:
    values = data.get("conversation_ids") if isinstance(data, dict) else None
    if (
        not isinstance(values, list)
        or not 1 <= len(values) <= MAX_MONITOR_ROWS
        or not all(isinstance(v, str) and 1 <= len(v) <= 64 for v in values)
    ):
        message = f"conversation_ids must list 1-{MAX_MONITOR_ROWS} ids of 1-64 characters"
        raise InvalidInput("conversation_ids", message)
    return values


def _field(data: Any, name: str) -> Any:
    return data.get(name) if isinstance(data, dict) else None


def _wanted_presence(auth: Any) -> str | None:
    """The status a console asks to start with (``auth.status``); None keeps the agent's."""
    status = _field(auth, "status")
    return status if status in (ONLINE, AWAY) else None


class AgentNamespace(socketio.AsyncNamespace):
    """Authenticates consoles and turns their events into help-desk calls.

    Args:
        desk: the help desk.
        workspace: builds what an opened ticket shows.
        auth: checks the token a console connects with.
        promises: the promise book.
        canned: the team's quick replies, sent with ``hello``.
        monitor: the supervisors' live view (实时监控).
        limiter: events allowed per connection (20 per 10 s by default).
    """

    def __init__(
        self,
        desk: HelpDesk,
        workspace: Workspace,
        auth: Authenticator,
        promises: PromiseBook,
        canned: CannedBook,
        monitor: LiveMonitor,
        limiter: RateLimiter | None = None,
        namespace: str = "/agent",
    ) -> None:
        super().__init__(namespace)
        self._desk = desk
        self._monitor = monitor
        self._promises = promises
        self._canned = canned
        self._workspace = workspace
        self._auth = auth
        self._limiter = limiter or RateLimiter(events=20, seconds=10)

    async def trigger_event(self, event: str, *args: Any) -> Any:
        """Rate-limit, then run the handler with errors turned into acks."""
        if event in ("connect", "disconnect"):
            return await super().trigger_event(event, *args)
        sid = args[0]
        if not self._limiter.allow(sid):
            return await self._refuse(
                sid, "rate_limited", "too many events: at most 20 per 10 seconds"
            )
        try:
            return await super().trigger_event(event, *args)
        except HandoffError as exc:
            return await self._refuse(sid, exc.code, exc.message)
        except Exception:  # the console gets an answer; the server goes on
            logger.exception("Console event %s failed", event)
            return await self._refuse(sid, "internal_error", "the server could not do that")

    async def _refuse(self, sid: str, code: str, message: str) -> Ack:
        error = {"code": code, "message": message}
        await self.emit("console_error", error, to=sid)
        return {"ok": False, "error": error}

    async def _agent(self, sid: str) -> AgentView:
        agent: AgentView = (await self.get_session(sid))["agent"]
        return agent

    async def on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        """Only a valid token of an active user may connect."""
        try:
            agent = await self._auth.agent_for(_field(auth, "token"))
        except AuthError as exc:
            raise ConnectionRefusedError({"code": "unauthorized", "message": exc.message}) from None
        await self.save_session(sid, {"agent": agent})
        await self.enter_room(sid, agent_room(agent.id))
        await self.enter_room(sid, ALL_AGENTS)
        if agent.role == SUPERVISOR:
            await self.enter_room(sid, SUPERVISORS)
        await self._start_presence(agent.id, sid, _wanted_presence(auth))
        hello = await self._desk.agent_connected(agent, sid)
        hello["presence"] = await self._desk.presence.status(agent.id)
        hello["promises"] = [p.to_dict() for p in await self._promises.open_for(agent.id)]
        hello["canned"] = [reply.to_dict() for reply in await self._canned.listing()]
        await self.emit("hello", hello, to=sid)
        await self._desk.dispatch()

    async def _start_presence(self, agent_id: int, sid: str, wanted: str | None) -> None:
        """Record the status the console asked for before the agent counts as connected.

        The dispatch after ``hello`` (or one running meanwhile) must not give
        chats to an agent on a break. A console that asks for nothing keeps
        what the agent last chose.
        """
        if wanted is None or wanted == await self._desk.presence.status(agent_id):
            return
        await self._desk.presence.start_as(agent_id, wanted)
        await self._tell_presence(agent_id, wanted, skip_sid=sid)

    async def _tell_presence(self, agent_id: int, status: str, skip_sid: str | None) -> None:
        """Keep the agent's other consoles (tabs, gateways) showing the same status."""
        payload = {"status": status}
        await self.emit("presence_changed", payload, room=agent_room(agent_id), skip_sid=skip_sid)

    async def on_disconnect(self, sid: str, *args: Any) -> None:
        """Start the grace period of the agent's chats."""
        self._limiter.forget(sid)
        session = await self.get_session(sid)
        if "agent" in session:
            await self._desk.agent_disconnected(session["agent"].id, sid)

    async def on_set_presence(self, sid: str, data: Any) -> Ack:
        """Online or away."""
        status = require_choice("status", _field(data, "status"), (ONLINE, AWAY))
        agent = await self._agent(sid)
        await self._desk.set_presence(agent, status)
        await self._tell_presence(agent.id, status, skip_sid=sid)
        return {"ok": True}

    async def on_claim_ticket(self, sid: str, data: Any) -> Ack:
        """Take a ticket from the queue."""
        ticket = await self._desk.claim(await self._agent(sid), _ticket_id(data))
        return {"ok": True, "ticket": ticket.to_dict()}

    async def on_open_ticket(self, sid: str, data: Any) -> Ack:
        """Transcript, context and suggestions of a ticket."""
        return {"ok": True, **await self._workspace.open(await self._agent(sid), _ticket_id(data))}

    async def on_agent_message(self, sid: str, data: Any) -> Ack:
        """Reply to the shopper; a reply promised in words comes back as ``promise_offer``.

        The console offers to keep it as a timer with one click; nothing is
        recorded until the agent says so (docs/agents.md, *Promises*).
        """
        text = require_text("text", _field(data, "text"), MAX_AGENT_MESSAGE_CHARS)
        message = await self._desk.agent_message(await self._agent(sid), _ticket_id(data), text)
        ack: Ack = {"ok": True, "message": message}
        worded = promised_reply(text, utc_now())
        if worded is not None:
            ack["promise_offer"] = worded.to_dict()
        return ack

    async def on_agent_image(self, sid: str, data: Any) -> Ack:
        """Send the shopper a picture: ``{ticket_id, image: <binary>}``."""
        try:
            image, content_type = checked_image(_field(data, "image"))
        except ImageRefused as exc:
            raise InvalidInput("image", exc.message) from None
        agent = await self._agent(sid)
        message = await self._desk.agent_image(agent, _ticket_id(data), content_type, image)
        return {"ok": True, "message": message}

    async def on_agent_typing(self, sid: str, data: Any) -> Ack:
        """Typing indicator for the shopper."""
        typing = bool(_field(data, "typing"))
        await self._desk.agent_typing(await self._agent(sid), _ticket_id(data), typing)
        return {"ok": True}

    async def on_transfer_ticket(self, sid: str, data: Any) -> Ack:
        """To another agent or a team, with an optional ``note`` (≤ 200 characters) for them."""
        to_agent = _field(data, "to_agent_id")
        to_team = _field(data, "to_team")
        if (to_agent is None) == (to_team is None):
            raise InvalidInput("to_agent_id", "give exactly one of to_agent_id and to_team")
        if to_team is not None:
            to_team = require_choice("to_team", to_team, TEAMS)
        elif not isinstance(to_agent, int) or isinstance(to_agent, bool):
            raise InvalidInput("to_agent_id", "to_agent_id must be an integer")
        note = require_transfer_note(_field(data, "note"))
        ticket = await self._desk.transfer(
            await self._agent(sid), _ticket_id(data), to_agent, to_team, note
        )
        return {"ok": True, "ticket": ticket.to_dict()}

    async def on_close_ticket(self, sid: str, data: Any) -> Ack:
        """End with a resolution code."""
        code = require_choice("resolution_code", _field(data, "resolution_code"), RESOLUTION_CODES)
        note = _field(data, "note")
        if note is not None:
            note = require_text("note", note, MAX_NOTE_CHARS, empty_ok=True) or None
        ticket = await self._desk.close(await self._agent(sid), _ticket_id(data), code, note)
        return {"ok": True, "ticket": ticket.to_dict()}

    async def on_set_promise(self, sid: str, data: Any) -> Ack:
        """Record a promised follow-up on a ticket the agent holds."""
        agent = await self._agent(sid)
        ticket = await self._desk.held(agent, _ticket_id(data))
        promise = await self._promises.make(
            ticket.id, agent.id, _field(data, "due_in_minutes"), _field(data, "note")
        )
        return {"ok": True, "promise": promise.to_dict()}

    async def on_fulfil_promise(self, sid: str, data: Any) -> Ack:
        """The promise was kept."""
        agent = await self._agent(sid)
        promise = await self._promises.fulfil(
            _field(data, "promise_id"), agent.id, supervisor=agent.role == SUPERVISOR
        )
        return {"ok": True, "promise": promise.to_dict()}

    async def on_hand_back(self, sid: str, data: Any) -> Ack:
        """Give the conversation back to the bot."""
        ticket = await self._desk.hand_back(await self._agent(sid), _ticket_id(data))
        return {"ok": True, "ticket": ticket.to_dict()}

    # 实时监控 (supervisors): the list, one conversation's transcript, 介入

    async def _supervisor(self, sid: str) -> AgentView:
        agent = await self._agent(sid)
        if agent.role != SUPERVISOR:
            raise NotAllowed("only supervisors watch the live conversations")
        return agent

    async def on_monitor_start(self, sid: str, data: Any = None) -> Ack:
        """实时监控 opened: the live conversations; what changes is named in ``monitor_touched``."""
        await self._supervisor(sid)
        await self.enter_room(sid, MONITOR)  # before reading: no change falls in between
        return {"ok": True, **await self._monitor.snapshot()}

    async def on_monitor_rows(self, sid: str, data: Any) -> Ack:
        """The rows of the conversations ``monitor_touched`` named (none for one erased)."""
        await self._supervisor(sid)
        return {"ok": True, "conversations": await self._monitor.rows(_conversation_ids(data))}

    async def on_monitor_stop(self, sid: str, data: Any = None) -> Ack:
        """实时监控 closed: nothing more is pushed to this console."""
        await self.leave_room(sid, MONITOR)
        await self._follow(sid, None)
        return {"ok": True}

    async def on_monitor_open(self, sid: str, data: Any) -> Ack:
        """A conversation's transcript, read-only; new messages follow as ``monitor_message``."""
        supervisor = await self._supervisor(sid)
        conversation_id = _conversation_id(data)
        await self._follow(sid, conversation_id)  # before reading, as above
        try:
            opened = await self._monitor.open(supervisor, conversation_id)
        except HandoffError:
            await self._follow(sid, None)
            raise
        return {"ok": True, **opened}

    async def on_monitor_close(self, sid: str, data: Any = None) -> Ack:
        """The transcript was closed."""
        await self._follow(sid, None)
        return {"ok": True}

    async def _follow(self, sid: str, conversation_id: str | None) -> None:
        """Follow at most one conversation's transcript per console."""
        session = await self.get_session(sid)
        following = session.get("following")
        if following is not None and following != conversation_id:
            await self.leave_room(sid, monitor_room(following))
        if conversation_id is not None:
            await self.enter_room(sid, monitor_room(conversation_id))
        await self.save_session(sid, {**session, "following": conversation_id})

    async def on_take_over(self, sid: str, data: Any) -> Ack:
        """介入: the conversation becomes a ticket this supervisor holds; the bot falls silent."""
        supervisor = await self._supervisor(sid)
        ticket = await self._desk.take_over(supervisor, _conversation_id(data))
        return {"ok": True, "ticket": ticket.to_dict()}
