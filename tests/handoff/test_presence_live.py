"""An agent on a break stays on it: reloads, reconnects and other gateways keep 离开.

Real socket.io connections on loopback. A console that says nothing at connect
keeps the status the agent last chose; one that asks for a status in its
``auth`` gets it before any chat is routed. The Redis test runs two gateways
sharing Redis (127.0.0.1:6379) and PostgreSQL, like ``tests/bot/test_scale_out``.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from actions.shop.db import make_engine, make_sessionmaker
from bot.app import create_app
from bot.schema import create_gateway_schema
from bot.settings import Settings
from handoff.users import UserDirectory
from tests.bot.fake_rasa import FakeRasa
from tests.handoff.test_live_handoff import PASSWORD, SECRET, Desk, sqlite_settings
from tests.postgres import fresh_database, server_url
from tests.servers import serving
from tests.socket_clients import AgentClient

REDIS_URL = "redis://127.0.0.1:6379/0"


@dataclass(frozen=True)
class Verdict:
    level: str | None
    category: str | None = None
    matched: tuple[str, ...] = ()


def fake_screen(text: str) -> Verdict:
    """「着火」 is urgent (the safety team's), everything else is not."""
    return Verdict("urgent", "fire", ("着火",)) if "着火" in text else Verdict(None)


async def _add_mei(database_url: str) -> None:
    """小美 handles general and urgent (safety) chats, like the tester's agent1."""
    engine = make_engine(database_url)
    await create_gateway_schema(engine)
    users = UserDirectory(make_sessionmaker(engine))
    await users.create("mei", PASSWORD, "agent", display_name="小美", skills=("general", "safety"))
    await users.create("sam", PASSWORD, "supervisor", display_name="主管", skills=("general",))
    await engine.dispose()


@pytest.fixture
async def desk(tmp_path: Path) -> AsyncIterator[Desk]:
    settings = sqlite_settings(tmp_path, agent_grace=30)
    await _add_mei(settings.database_url)
    rasa = FakeRasa()
    app = create_app(settings, rasa_transport=rasa.transport(), screen=fake_screen)
    async with serving(app) as url:
        yield Desk(url, rasa, settings)


def _console(token: str, status: str | None = None) -> AgentClient:
    """A console; ``status`` is what it asks to start as (the browser console sends its own)."""
    console = AgentClient(token)
    if status is not None:
        console.auth = {"token": token, "status": status}
    console.sio.on("presence_changed", console._recorder("presence_changed"), namespace="/agent")
    return console


async def _greeted(console: AgentClient, url: str) -> tuple[dict[str, Any], list[int]]:
    """Connect; return ``hello`` and the tickets assigned by the dispatch that follows it."""
    await console.connect(url)
    hello = await console.next("hello")
    await console.next("queue_updated")  # the dispatch after hello has run
    assigned = [data["ticket"]["id"] for event, data in console.seen if event == "ticket_assigned"]
    return hello, assigned


async def _queued(url: str, token: str) -> list[int]:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=url, headers=headers) as http:
        answer = await http.get("/api/tickets", params={"status": "queued"})
    return sorted(ticket["id"] for ticket in answer.json()["tickets"])


async def _shoppers_wait(desk: Desk) -> list[Any]:
    """An urgent chat and a plain one, queued while nobody takes them."""
    widgets = []
    for text in ("充电宝冒烟着火了，屋里全是烟", "转人工"):
        widget, session_id = await desk.shopper()
        await widget.say(text, session_id)
        widgets.append(widget)
    return widgets


async def test_an_away_agent_who_reconnects_is_not_given_waiting_chats(desk: Desk) -> None:
    token = await desk.login("mei")
    first = _console(token)
    await _greeted(first, desk.url)
    assert (await first.ask("set_presence", {"status": "away"}))["ok"] is True
    await first.close()  # a reload: the old socket goes, a new one comes
    widgets = await _shoppers_wait(desk)
    waiting = await _queued(desk.url, await desk.login("sam"))
    assert len(waiting) == 2

    again = _console(token)  # says nothing about presence: the server remembers
    hello, assigned = await _greeted(again, desk.url)

    assert assigned == [] and hello["tickets"] == []
    assert hello["presence"] == "away"
    assert await _queued(desk.url, await desk.login("sam")) == waiting
    # Not a matter of skills: back online, she gets them, the urgent one first.
    assert (await again.ask("set_presence", {"status": "online"}))["ok"] is True
    taken = (await again.next("ticket_assigned"))["ticket"]
    assert taken["priority"] == "urgent"
    for widget in widgets:
        await widget.close()
    await again.close()


async def test_a_new_login_keeps_the_break_for_a_console_that_says_nothing(desk: Desk) -> None:
    first = _console(await desk.login("mei"))
    await _greeted(first, desk.url)
    await first.ask("set_presence", {"status": "away"})
    await first.close()
    widgets = await _shoppers_wait(desk)

    hello, assigned = await _greeted(_console(await desk.login("mei")), desk.url)

    assert assigned == [] and hello["presence"] == "away"
    for widget in widgets:
        await widget.close()


async def test_a_console_that_asks_to_start_away_is_given_nothing(desk: Desk) -> None:
    widgets = await _shoppers_wait(desk)  # waiting before she ever connects
    token = await desk.login("mei")

    away = _console(token, status="away")
    hello, assigned = await _greeted(away, desk.url)
    assert assigned == [] and hello["presence"] == "away"

    # Her other tab follows when a console (re)connects asking for another status.
    online = _console(token, status="online")
    hello, assigned = await _greeted(online, desk.url)
    assert hello["presence"] == "online" and len(assigned) == 2
    assert await away.next("presence_changed") == {"status": "online"}
    await online.ask("set_presence", {"status": "away"})
    assert await away.next("presence_changed") == {"status": "away"}
    for client in (*widgets, away, online):
        await client.close()


async def test_a_bad_status_in_auth_is_ignored_not_refused(desk: Desk) -> None:
    console = _console(await desk.login("mei"), status="busy")
    hello, _ = await _greeted(console, desk.url)
    assert hello["presence"] == "online"
    await console.close()


@pytest.mark.skipif(not server_url(), reason="KEFU_TEST_POSTGRES_URL is empty")
async def test_an_away_agent_reconnecting_to_another_gateway_stays_away(tmp_path: Path) -> None:
    rasa = FakeRasa()
    async with fresh_database() as database_url:
        await _add_mei(database_url)
        settings = Settings(
            database_url=database_url,
            identity_secret=SECRET,
            var_dir=tmp_path,
            redis_url=REDIS_URL,
            redis_channel=f"kefu-test-{uuid.uuid4().hex}",
            agent_grace=30,
        )
        apps = [
            create_app(settings, rasa_transport=rasa.transport(), screen=fake_screen)
            for _ in range(2)
        ]
        async with serving(apps[0]) as first_url, serving(apps[1]) as second_url:
            desk = Desk(second_url, rasa, settings)
            token = await desk.login("mei")
            here = _console(token)
            await _greeted(here, first_url)
            await here.ask("set_presence", {"status": "away"})
            await here.close()
            widgets = await _shoppers_wait(desk)

            there = _console(token)  # the load balancer sends the reload to the other gateway
            hello, assigned = await _greeted(there, second_url)
            queued = await _queued(second_url, await desk.login("sam"))
            for client in (*widgets, there):
                await client.close()
    assert assigned == [] and len(queued) == 2
    assert hello["presence"] == "away"
