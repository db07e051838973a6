"""Builds the human side of the gateway: queue, desk, console namespace and API."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import socketio
import yaml
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Route

from actions.shop.db import make_engine, make_sessionmaker
from actions.shop.service import ShopService
from bot.conversations import ConversationService, utc_now
from bot.http import asset_files
from bot.privacy import PrivacyMasker
from bot.protocol import rich_room
from bot.rasa_client import RasaClient
from bot.safety import SafetyScreen
from handoff.api import api_routes
from handoff.audit import AuditLog
from handoff.auth import Authenticator
from handoff.canned import CannedBook
from handoff.desk import HelpDesk
from handoff.escalation import Escalation
from handoff.monitor import LiveMonitor
from handoff.namespace import AgentNamespace
from handoff.presence import Board
from handoff.promises import PromiseBook
from handoff.queue import HandoffQueue
from handoff.replies import agent_replies
from handoff.report import ServiceReport
from handoff.users import UserDirectory
from handoff.waiting import ServiceHours, WaitingReplies
from handoff.watch import Watchman
from handoff.workspace import Workspace

CONSOLE_DIR = Path(__file__).parent / "console"
CONSOLE_ASSETS = {
    "console.js": "text/javascript",
    "report.js": "text/javascript",
    "canned.js": "text/javascript",
    "history.js": "text/javascript",
    "drafts.js": "text/javascript",
    "monitor.js": "text/javascript",
    "console.css": "text/css",
}


def token_secret(identity_secret: str) -> str:
    """The agent-token key, derived so operators configure one secret."""
    return hmac.new(identity_secret.encode(), b"kefu agent tokens", hashlib.sha256).hexdigest()


async def _console_page(request: Request) -> Response:
    return FileResponse(CONSOLE_DIR / "console.html", media_type="text/html")


@dataclass
class HumanSide:
    """The handoff parts the gateway composes and shuts down."""

    desk: HelpDesk
    routes: list[BaseRoute]
    shop_engine: AsyncEngine
    watchman: Watchman
    masker: PrivacyMasker
    auth: Authenticator
    #: 实时监控; the gateway also tells it of answers, after the trainer inbox.
    monitor: LiveMonitor
    escalation: Escalation | None = None
    clocks: asyncio.Task[None] | None = None
    holders: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Load the masking pipeline, then keep deadlines, promises and absent agents' chats."""
        # Off the event loop: building spaCy's pipeline takes seconds.
        await asyncio.to_thread(self.masker.warm_up)
        self.clocks = asyncio.create_task(self.watchman.run_forever())
        self.holders = asyncio.create_task(self.desk.watch_holders_forever())

    async def close(self) -> None:
        """Stop timers and the live view's pushes, and close the shop connection pool."""
        await self.monitor.close()
        for task in (self.clocks, self.holders):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await self.watchman.settled()
        if self.escalation is not None:
            await self.escalation.aclose()
        await self.desk.close_all()
        await self.shop_engine.dispose()


def build_human_side(
    sio: socketio.AsyncServer,
    sessionmaker: Any,
    conversations: ConversationService,
    rasa: RasaClient,
    identity_secret: str,
    shop_database_url: str,
    grace: float,
    root: Path,
    urgent_claim_seconds: float = 30.0,
    screen: Callable[[str], Any] | None = None,
    escalation: Escalation | None = None,
    board: Board | None = None,
    fraud_claim_seconds: float = 60.0,
) -> HumanSide:
    """Wire queue, desk, workspace, the ``/agent`` namespace and the API routes."""
    queue = HandoffQueue(sessionmaker)
    auth = Authenticator(UserDirectory(sessionmaker), token_secret(identity_secret), utc_now)

    async def to_agents(event: str, payload: Any, room: str) -> None:
        await sio.emit(event, payload, room=room, namespace="/agent")

    async def to_shopper(conversation_id: str, event: str, payload: Any) -> None:
        await sio.emit(event, payload, room=rich_room(conversation_id))

    domain = yaml.safe_load((root / "domain.yml").read_text(encoding="utf-8"))
    rules = yaml.safe_load((root / "nlu_data" / "rules.yml").read_text(encoding="utf-8"))
    replies = agent_replies(domain, rules)
    masker = PrivacyMasker()
    mask = masker.mask
    promises = PromiseBook(sessionmaker)
    # The hours a waiting shopper is told are the ones the bot tells (domain.yml).
    waiting = WaitingReplies(ServiceHours.from_domain(domain))
    desk = HelpDesk(
        queue,
        conversations,
        rasa,
        to_agents,
        to_shopper,
        grace,
        replies,
        mask,
        board,
        promises,
        waiting,
    )
    conversations.attach_handoff(desk, screen or SafetyScreen().screen)
    shop_engine = make_engine(shop_database_url)
    shop = ShopService(make_sessionmaker(shop_engine))
    audit = AuditLog(sessionmaker)
    workspace = Workspace(queue, conversations, rasa, shop, replies, audit, mask)
    canned = CannedBook(sessionmaker)
    monitor = LiveMonitor(sessionmaker, conversations, to_agents, audit, mask)
    conversations.attach_watcher(monitor.shown)
    sio.register_namespace(AgentNamespace(desk, workspace, auth, promises, canned, monitor))
    watchman = Watchman(
        queue,
        promises,
        to_agents,
        timedelta(seconds=urgent_claim_seconds),
        escalate=escalation,
        fraud_claim_deadline=timedelta(seconds=fraud_claim_seconds),
    )
    reports = ServiceReport(sessionmaker)
    routes = api_routes(auth, queue, conversations, reports, canned, monitor, to_agents, mask) + [
        Route("/console", _console_page),
        Route("/console/static/{name}", asset_files(CONSOLE_DIR, CONSOLE_ASSETS)),
    ]
    return HumanSide(
        desk, routes, shop_engine, watchman, masker, auth, monitor, escalation=escalation
    )
