"""The REST API under ``/api`` for the console and for integrations (CRM, reporting)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.schemas import SchemaGenerator

from bot.conversations import ConversationService
from handoff.auth import Authenticator
from handoff.canned import CannedBook
from handoff.desk import ALL_AGENTS, AgentBus
from handoff.errors import AuthError, HandoffError, InvalidInput, NotAllowed, NotFound
from handoff.models import utc_now
from handoff.monitor import LiveMonitor
from handoff.queue import HandoffQueue
from handoff.report import ServiceReport, period_of
from handoff.views import AgentView
from handoff.vocab import (
    PRIORITY_RANKS,
    STATUSES,
    SUPERVISOR,
    TEAMS,
    TRAINER,
    require_optional,
)
from handoff.workspace import mask_message, mask_ticket

Endpoint = Callable[[Request], Awaitable[Response]]
STATUS_OF = {AuthError: 401, NotAllowed: 403, NotFound: 404}

SCHEMAS = SchemaGenerator(
    {"openapi": "3.0.0", "info": {"title": "kefu agent API", "version": "1.0"}}
)


def _error(exc: HandoffError) -> JSONResponse:
    status = next((code for kind, code in STATUS_OF.items() if isinstance(exc, kind)), 400)
    return JSONResponse({"error": {"code": exc.code, "message": exc.message}}, status_code=status)


def _int(request: Request, name: str, default: int, most: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or int(raw) > most:
        raise InvalidInput(name, f"{name} must be a whole number from 0 to {most}")
    return int(raw)


def _optional_int(request: Request, name: str, most: int) -> int | None:
    return _int(request, name, 0, most) if name in request.query_params else None


def api_routes(
    auth: Authenticator,
    queue: HandoffQueue,
    conversations: ConversationService,
    reports: ServiceReport,
    canned: CannedBook,
    monitor: LiveMonitor,
    to_agents: AgentBus,
    mask: Callable[[str], str] = str,
    clock: Callable[[], datetime] = utc_now,
) -> list[BaseRoute]:
    """The ``/api`` routes and the OpenAPI schema; ``to_agents`` tells open consoles of changes."""

    async def current_user(request: Request) -> AgentView:
        return await auth.user_for_header(request.headers.get("authorization", ""))

    async def current_agent(request: Request) -> AgentView:
        agent = await current_user(request)
        if agent.role == TRAINER:
            raise NotAllowed("trainers do not handle tickets")
        return agent

    def guarded(endpoint: Endpoint) -> Endpoint:
        async def run(request: Request) -> Response:
            try:
                return await endpoint(request)
            except HandoffError as exc:
                return _error(exc)

        run.__doc__ = endpoint.__doc__
        return run

    async def supervisor(request: Request, may: str) -> AgentView:
        agent = await current_agent(request)
        if agent.role != SUPERVISOR:
            raise NotAllowed(f"only supervisors {may}")
        return agent

    async def body_of(request: Request) -> Any:
        try:
            return await request.json()
        except json.JSONDecodeError:
            raise InvalidInput("body", "send a JSON object") from None

    async def login(request: Request) -> Response:
        """
        summary: Log in with username and password
        requestBody:
          content:
            application/json:
              schema: {type: object, required: [username, password],
                       properties: {username: {type: string}, password: {type: string}}}
        responses:
          200: {description: "{token, agent}"}
          401: {description: invalid credentials}
        """
        body = await body_of(request)
        if not isinstance(body, dict):
            raise InvalidInput("body", "send a JSON object")
        token, agent = await auth.login(
            str(body.get("username", "")), str(body.get("password", ""))
        )
        return JSONResponse({"token": token, "agent": agent.to_dict()})

    async def me(request: Request) -> Response:
        """
        summary: The logged-in user
        responses:
          200: {description: the user}
          401: {description: missing or invalid token}
        """
        return JSONResponse((await current_user(request)).to_dict())

    async def tickets(request: Request) -> Response:
        """
        summary: Tickets, newest first
        parameters:
          - {name: status, in: query, schema: {type: string, enum: [queued, assigned, closed]}}
          - {name: priority, in: query, schema: {type: string, enum: [urgent, high, normal]}}
          - {name: team, in: query, schema: {type: string}}
          - {name: limit, in: query, schema: {type: integer, maximum: 200}}
          - {name: offset, in: query, schema: {type: integer}}
          - {name: agent_id, in: query, schema: {type: integer},
             description: who holds or closed the ticket}
          - {name: shopper_id, in: query, schema: {type: string}}
          - {name: max_csat, in: query, schema: {type: integer, minimum: 1, maximum: 5},
             description: "rated at most this (2: the unhappy ones)"}
        responses:
          200: {description: "{tickets: [ticket]}"}
        """
        query = request.query_params
        agent = await current_agent(request)
        shopper_id = query.get("shopper_id")
        if shopper_id is not None and not 1 <= len(shopper_id) <= 64:
            raise InvalidInput("shopper_id", "shopper_id must have 1-64 characters")
        found = await queue.tickets(
            status=require_optional("status", query.get("status"), STATUSES),
            priority=require_optional("priority", query.get("priority"), PRIORITY_RANKS),
            team=require_optional("team", query.get("team"), TEAMS),
            limit=_int(request, "limit", 50, 200),
            offset=_int(request, "offset", 0, 10**9),
            agent_id=_optional_int(request, "agent_id", 10**9),
            shopper_id=shopper_id,
            max_csat=_optional_int(request, "max_csat", 5),
        )
        return JSONResponse(
            {
                "tickets": [
                    t.to_dict()
                    if t.agent_id == agent.id or agent.role == SUPERVISOR
                    else mask_ticket(t, mask)
                    for t in found
                ]
            }
        )

    async def ticket(request: Request) -> Response:
        """
        summary: One ticket with its whole transcript
        parameters:
          - {name: ticket_id, in: path, required: true, schema: {type: integer}}
        responses:
          200: {description: "{ticket, transcript, transfers}"}
          404: {description: no such ticket}
        """
        agent = await current_agent(request)
        found = await queue.ticket(int(request.path_params["ticket_id"]))
        transcript = await conversations.history(found.conversation_id)
        if found.agent_id == agent.id or agent.role == SUPERVISOR:
            transfers = await queue.transfers(found.id)
            answer = {"ticket": found.to_dict(), "transcript": transcript, "transfers": transfers}
            return JSONResponse(answer)
        # Exports and other agents' tickets: private data masked.
        shown = [mask_message(m, mask) for m in transcript]
        transfers = await queue.transfers(found.id, mask)
        masked = {"ticket": mask_ticket(found, mask), "transcript": shown, "transfers": transfers}
        return JSONResponse(masked)

    async def report(request: Request) -> Response:
        """
        summary: The service report of a period (supervisors only)
        description: >-
          Conversations the shopper wrote in, how many the bot handled alone,
          messages it did not understand, and for the tickets opened in the
          period the waits for a person, first replies, ratings, promises and
          each agent's share. Times are seconds.
        parameters:
          - {name: since, in: query, schema: {type: string, format: date-time},
             description: "ISO 8601 with offset; default: 24 hours before until"}
          - {name: until, in: query, schema: {type: string, format: date-time},
             description: "ISO 8601 with offset; default: now (at most 92 days after since)"}
        responses:
          200: {description: the report}
          400: {description: a time is not ISO 8601 or the period is empty or too long}
          403: {description: the user is not a supervisor}
        """
        await supervisor(request, "see the service report")
        query = request.query_params
        period = period_of(query.get("since"), query.get("until"), clock())
        return JSONResponse(await reports.build(period))

    async def live(request: Request) -> Response:
        """
        summary: The conversations going on now (实时监控; supervisors only)
        description: >-
          Those the shopper wrote in within the window (window_minutes) and
          those with a queued or assigned ticket, the newest activity first, as
          the /agent namespace's monitor_start gives them (docs/agents.md).
        responses:
          200: {description: "{window_minutes, now, conversations: [row]}"}
          403: {description: the user is not a supervisor}
        """
        await supervisor(request, "watch the live conversations")
        return JSONResponse(await monitor.snapshot())

    async def canned_changed() -> list[dict[str, Any]]:
        listing = [reply.to_dict() for reply in await canned.listing()]
        await to_agents("canned_updated", {"canned": listing}, ALL_AGENTS)
        return listing

    async def canned_list(request: Request) -> Response:
        """
        summary: The team's quick replies (快捷回复)
        responses:
          200: {description: "{canned: [{id, title, text}]}"}
        """
        await current_agent(request)
        return JSONResponse({"canned": [reply.to_dict() for reply in await canned.listing()]})

    async def canned_add(request: Request) -> Response:
        """
        summary: Add a quick reply (supervisors)
        requestBody:
          content:
            application/json:
              schema: {type: object, required: [title, text],
                       properties: {title: {type: string, maxLength: 20},
                                    text: {type: string, maxLength: 500}}}
        responses:
          201: {description: "{reply, canned}; open consoles get canned_updated"}
          400: {description: a missing, blank or too long title or text}
          403: {description: the user is not a supervisor}
        """
        agent = await supervisor(request, "keep the quick replies")
        reply = await canned.add(await body_of(request), agent.username)
        listing = await canned_changed()
        return JSONResponse({"reply": reply.to_dict(), "canned": listing}, status_code=201)

    async def canned_change(request: Request) -> Response:
        """
        summary: Change a quick reply (supervisors)
        parameters:
          - {name: reply_id, in: path, required: true, schema: {type: integer}}
        responses:
          200: {description: "{reply, canned}"}
          404: {description: no such quick reply}
        """
        agent = await supervisor(request, "keep the quick replies")
        reply_id = int(request.path_params["reply_id"])
        reply = await canned.change(reply_id, await body_of(request), agent.username)
        return JSONResponse({"reply": reply.to_dict(), "canned": await canned_changed()})

    async def canned_remove(request: Request) -> Response:
        """
        summary: Remove a quick reply (supervisors)
        parameters:
          - {name: reply_id, in: path, required: true, schema: {type: integer}}
        responses:
          200: {description: "{canned}"}
          404: {description: no such quick reply}
        """
        await supervisor(request, "keep the quick replies")
        await canned.remove(int(request.path_params["reply_id"]))
        return JSONResponse({"canned": await canned_changed()})

    routes: list[BaseRoute] = [
        Route("/api/login", guarded(login), methods=["POST"]),
        Route("/api/me", guarded(me), methods=["GET"]),
        Route("/api/tickets", guarded(tickets), methods=["GET"]),
        Route("/api/tickets/{ticket_id:int}", guarded(ticket), methods=["GET"]),
        Route("/api/report", guarded(report), methods=["GET"]),
        Route("/api/monitor", guarded(live), methods=["GET"]),
        Route("/api/canned", guarded(canned_list), methods=["GET"]),
        Route("/api/canned", guarded(canned_add), methods=["POST"]),
        Route("/api/canned/{reply_id:int}", guarded(canned_change), methods=["PUT"]),
        Route("/api/canned/{reply_id:int}", guarded(canned_remove), methods=["DELETE"]),
    ]

    async def openapi(request: Request) -> Response:
        return JSONResponse(SCHEMAS.get_schema(routes=routes))

    return routes + [Route("/api/openapi.json", openapi, include_in_schema=False)]
