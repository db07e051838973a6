"""Composition root of the gateway: builds every collaborator from settings."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import socketio
from starlette.applications import Starlette

from actions.shop.db import make_engine, make_sessionmaker
from bot import http
from bot.conversations import ConversationService, utc_now
from bot.erasure import Eraser, purge_forever
from bot.gateway import ShopperNamespace
from bot.health import BackendHealth
from bot.protocol import plain, plain_room, rich_room
from bot.rasa_client import RasaClient
from bot.redelivery import redeliver_forever
from bot.schema import create_gateway_schema
from bot.settings import Settings
from bot.trainer import wiring as trainer_wiring
from bot.trainer.api import trainer_routes
from handoff.escalation import Escalation
from handoff.presence_redis import RedisBoard
from handoff.wiring import HumanSide, build_human_side

logger = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent
MAX_PACKET_BYTES = 1_000_000


def _client_manager(settings: Settings) -> socketio.AsyncManager | None:
    # Several gateway processes share rooms through Redis; one needs nothing.
    if settings.redis_url:
        return socketio.AsyncRedisManager(settings.redis_url, channel=settings.redis_channel)
    return None


def create_app(
    settings: Settings,
    *,
    rasa_transport: httpx.AsyncBaseTransport | None = None,
    client_manager: socketio.AsyncManager | None = None,
    root: Path = ROOT,
    screen: Callable[[str], Any] | None = None,
) -> socketio.ASGIApp:
    """Build the gateway's ASGI app: socket.io on ``/socket.io``, HTTP elsewhere."""
    engine = make_engine(settings.database_url)
    sessionmaker = make_sessionmaker(engine)
    rasa = RasaClient(
        settings.rasa_url,
        settings.rasa_timeout,
        transport=rasa_transport,
        token=settings.rasa_token,
    )
    health = BackendHealth(rasa, settings.action_url, transport=rasa_transport)
    origins: Any = list(settings.allowed_origins) or None
    if "*" in settings.allowed_origins:
        origins = "*"
    sio = socketio.AsyncServer(
        async_mode="asgi",
        client_manager=client_manager or _client_manager(settings),
        cors_allowed_origins=origins,
        # Up to 1 MB an oversized message gets a clear error; beyond, the
        # transport closes the connection.
        max_http_buffer_size=MAX_PACKET_BYTES,
    )

    async def deliver(
        conversation_id: str, event: str, payload: Any, skip_sid: str | None = None
    ) -> None:
        await sio.emit(event, payload, room=rich_room(conversation_id), skip_sid=skip_sid)
        if event == "bot_uttered":  # plain clients get Rasa's own shapes only
            await sio.emit(
                event, plain(payload), room=plain_room(conversation_id), skip_sid=skip_sid
            )

    conversations = ConversationService(sessionmaker, rasa, deliver)
    humans: HumanSide = build_human_side(
        sio,
        sessionmaker,
        conversations,
        rasa,
        settings.identity_secret,
        settings.shop_database_url,
        settings.agent_grace,
        root,
        settings.urgent_claim_seconds,
        screen,
        Escalation(settings.escalation_url, settings.console_url)
        if settings.escalation_url
        else None,
        # Several gateways share who is online through Redis; one keeps it in memory.
        RedisBoard(settings.redis_url, settings.redis_channel) if settings.redis_url else None,
        settings.fraud_claim_seconds,
    )
    workbench = trainer_wiring.build_workbench(
        settings, sessionmaker, rasa, humans.masker.mask, utc_now, root
    )
    conversations.attach_observer(workbench.record)
    # After the inbox: 实时监控's 未理解 flag reads the fallbacks it has just noted.
    conversations.attach_observer(humans.monitor.answered)
    sio.register_namespace(
        ShopperNamespace(
            conversations,
            settings.identity_secret,
            settings.max_message_chars,
            on_typing=humans.desk.shopper_typing,
        )
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await create_gateway_schema(engine)
        await workbench.fail_interrupted()
        await humans.start()
        # The loops stop between rounds (a round under way finishes): no cancel
        # inside a database operation.
        stop_loops = asyncio.Event()
        redelivery = redeliver_forever(
            conversations, health, settings.redelivery_interval, stop_loops
        )
        loops = [asyncio.create_task(redelivery)]
        if settings.retention_days:
            eraser = Eraser(sessionmaker, rasa, utc_now)
            loops.append(
                asyncio.create_task(purge_forever(eraser, settings.retention_days, stop_loops))
            )
        try:
            yield
        finally:
            await sio.shutdown()
            await workbench.close()
            await humans.close()
            stop_loops.set()
            await asyncio.gather(*loops)
            await conversations.drain()
            await rasa.aclose()
            await health.aclose()
            await engine.dispose()

    web = Starlette(
        routes=http.routes(
            health, settings.identity_secret, settings.demo_shopper, conversations.image
        )
        + humans.routes
        + trainer_routes(humans.auth, workbench),
        middleware=http.middleware(settings.allowed_origins),
        lifespan=lifespan,
    )
    asgi = socketio.ASGIApp(sio, other_asgi_app=web)
    asgi.sio = sio  # tests reach the server through the app
    return asgi
