"""实时监控 over real socket.io connections on loopback, with a fake Rasa.

A supervisor watches the conversations the bot handles as they happen, reads
one live and steps in (介入); agents are refused. The last tests restart the
gateway (the list is derived from stored data) and run two gateways sharing
Redis and PostgreSQL, the supervisor on one and the shopper on the other.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.app import create_app
from bot.settings import Settings
from tests.bot.fake_rasa import FakeRasa
from tests.handoff.test_live_handoff import (
    SECRET,
    Desk,
    _add_users,
    _next_from,
    _next_system,
    sqlite_settings,
)
from tests.postgres import fresh_database, server_url
from tests.servers import free_port, serving
from tests.socket_clients import AgentClient

REDIS_URL = "redis://127.0.0.1:6379/0"
GIBBERISH = "？？？"
Row = dict[str, Any]


class FallbackRasa(FakeRasa):
    """Falls back (``nlu_fallback``) on 「？？？」, as the model does on gibberish."""

    def handler(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and request.url.path.endswith("/tracker"):
            return httpx.Response(200, json={"events": []})  # no form is asking anything
        response = super().handler(request)
        if request.url.path == "/webhooks/kefu/webhook":
            body = json.loads(response.content)
            if GIBBERISH in json.loads(request.content)["message"]:
                fallback = {"name": "nlu_fallback", "confidence": 0.3}
                body["parse"] = {"intent": fallback, "intent_ranking": [fallback]}
            return httpx.Response(200, json=body)
        return response


class Console(AgentClient):
    """An agent console that also records the live view's events."""

    def __init__(self, token: str | None) -> None:
        super().__init__(token)
        for name in ("monitor_touched", "monitor_message"):
            self.sio.on(name, self._recorder(name), namespace=self.namespace)

    async def row(self, conversation_id: str, holds: Callable[[Row], bool] = bool) -> Row:
        """The conversation's row once it ``holds``, fetched as the console does.

        That is after each ``monitor_touched`` naming it (``monitor_rows``).
        """
        while True:
            touched = await self.next("monitor_touched")
            if conversation_id not in touched["conversation_ids"]:
                continue
            fetched = await self.ask("monitor_rows", {"conversation_ids": [conversation_id]})
            assert fetched["ok"], fetched
            if [row for row in fetched["conversations"] if holds(row)]:
                return dict(fetched["conversations"][0])

    async def message(self, conversation_id: str, sender: str, text: str) -> dict[str, Any]:
        """The next pushed transcript message from ``sender`` containing ``text``."""
        while True:
            pushed = await self.next("monitor_message")
            message = pushed["message"]
            if (
                pushed["conversation_id"] == conversation_id
                and message["sender"] == sender
                and text in str(message.get("text"))
            ):
                return message


async def _console(url: str, token: str) -> Console:
    console = Console(token)
    await console.connect(url)
    await console.next("hello")
    return console


@pytest.fixture
async def desk(tmp_path: Path) -> AsyncIterator[Desk]:
    settings = sqlite_settings(tmp_path, agent_grace=30)
    await _add_users(settings.database_url)
    rasa = FallbackRasa()
    async with serving(create_app(settings, rasa_transport=rasa.transport())) as url:
        yield Desk(url, rasa, settings)


async def test_a_supervisor_sees_a_bot_conversation_appear_and_update_live(desk: Desk) -> None:
    sam = await _console(desk.url, await desk.login("sam"))
    opened = await sam.ask("monitor_start", {})
    assert opened["ok"] and opened["conversations"] == [] and opened["window_minutes"] == 30

    widget, session_id = await desk.shopper()
    await widget.say("你好", session_id)
    answered = await sam.row(session_id, lambda r: r["last_message"]["sender"] == "bot")
    assert answered["handler"] == "bot" and answered["ticket"] is None
    assert answered["last_message"]["text"] == "收到：你好"
    assert answered["shopper_id"] is None and answered["version"] > 0

    read = await sam.ask("monitor_open", {"conversation_id": session_id})
    assert read["ok"] and [m["text"] for m in read["transcript"]] == ["你好", "收到：你好"]
    await widget.say(GIBBERISH, session_id)
    assert (await sam.message(session_id, "shopper", GIBBERISH))["text"] == GIBBERISH
    assert (await sam.message(session_id, "bot", GIBBERISH))["text"] == f"收到：{GIBBERISH}"
    flagged = await sam.row(session_id, lambda r: r["flags"]["not_understood"] == 1)
    assert flagged["last_message"]["text"] == f"收到：{GIBBERISH}"

    listed = await sam.ask("monitor_start", {})  # what a reopened panel (or a reload) starts with
    assert [r["conversation_id"] for r in listed["conversations"]] == [session_id]
    assert listed["conversations"][0]["flags"]["not_understood"] == 1

    await sam.ask("monitor_close", {})
    await widget.say("在吗", session_id)
    await sam.row(session_id, lambda r: r["last_message"]["text"] == "收到：在吗")
    assert not [m for e, m in sam.seen if e == "monitor_message" and m["message"]["text"] == "在吗"]
    await widget.close()
    await sam.close()


async def test_agents_are_refused_the_live_view_and_get_none_of_it(desk: Desk) -> None:
    alice = await _console(desk.url, await desk.login("alice"))
    sam = await _console(desk.url, await desk.login("sam"))
    await sam.ask("monitor_start", {})
    widget, session_id = await desk.shopper()
    await widget.say("你好", session_id)
    await sam.row(session_id)

    refused = [
        await alice.ask("monitor_start", {}),
        await alice.ask("monitor_rows", {"conversation_ids": [session_id]}),
        await alice.ask("monitor_open", {"conversation_id": session_id}),
        await alice.ask("take_over", {"conversation_id": session_id}),
    ]
    await widget.say("还在吗", session_id)
    await sam.row(session_id, lambda r: r["last_message"]["text"] == "收到：还在吗")
    async with httpx.AsyncClient(base_url=desk.url) as http:
        as_alice = {"Authorization": f"Bearer {await desk.login('alice')}"}
        as_sam = {"Authorization": f"Bearer {await desk.login('sam')}"}
        forbidden = await http.get("/api/monitor", headers=as_alice)
        listing = await http.get("/api/monitor", headers=as_sam)

    assert [ack["error"]["code"] for ack in refused] == ["not_allowed"] * 4
    assert not [event for event, _ in alice.seen if event.startswith("monitor_")]
    assert forbidden.status_code == 403 and forbidden.json()["error"]["code"] == "not_allowed"
    assert [r["conversation_id"] for r in listing.json()["conversations"]] == [session_id]
    assert desk.rasa.received[-1]["message"] == "还在吗"  # alice's 介入 changed nothing
    await widget.close()
    await alice.close()
    await sam.close()


async def test_take_over_mutes_the_bot_and_the_shopper_is_told_a_person_joined(
    desk: Desk,
) -> None:
    sam = await _console(desk.url, await desk.login("sam"))
    await sam.ask("monitor_start", {})
    widget, session_id = await desk.shopper()
    await widget.say("我的快递一直不动", session_id)
    await _next_from(widget, "bot", "收到")
    await sam.ask("monitor_open", {"conversation_id": session_id})

    taken = await sam.ask("take_over", {"conversation_id": session_id})
    joined = await _next_system(widget, "已接入")
    assigned = (await sam.next("ticket_assigned"))["ticket"]
    held = await sam.row(session_id, lambda r: r["handler"] == "agent")

    ticket = taken["ticket"]
    assert taken["ok"] and (ticket["status"], ticket["reason"]) == ("assigned", "taken_over")
    assert joined == "人工客服「主管」已接入，正在为您服务。"
    assert assigned["id"] == ticket["id"] and held["agent_name"] == "主管"
    assert held["ticket"]["id"] == ticket["id"]

    sent_to_rasa = len(desk.rasa.received)
    await widget.say("我想退款", session_id)
    incoming = await sam.next("ticket_message")
    assert incoming["ticket_id"] == ticket["id"] and incoming["message"]["text"] == "我想退款"
    assert len(desk.rasa.received) == sent_to_rasa  # the bot no longer answers
    context = await sam.ask("open_ticket", {"ticket_id": ticket["id"]})
    said = [m["text"] for m in context["transcript"]]
    assert context["ok"] and said[0] == "我的快递一直不动" and said[-1] == "我想退款"
    assert ticket["summary"] == ["我的快递一直不动"]

    await sam.ask("agent_message", {"ticket_id": ticket["id"], "text": "您好，我来帮您查"})
    reply = await _next_from(widget, "agent", "我来帮您查")
    watched = await sam.message(session_id, "agent", "我来帮您查")
    assert reply["agent_name"] == watched["agent_name"] == "主管"
    assert not [m for e, m in widget.seen if e == "bot_uttered" and m.get("sender") == "bot"][1:]
    await widget.close()
    await sam.close()


async def test_the_list_is_there_again_after_a_restart(tmp_path: Path) -> None:
    settings = sqlite_settings(tmp_path)
    await _add_users(settings.database_url)
    port = free_port()
    rasa = FallbackRasa()
    async with serving(create_app(settings, rasa_transport=rasa.transport()), port) as url:
        desk = Desk(url, rasa, settings)
        widget, session_id = await desk.shopper()
        await widget.say(GIBBERISH, session_id)
        await _next_from(widget, "bot", "收到")
        await widget.close()
        token = await desk.login("sam")
    await asyncio.sleep(0.5)  # the inbox notes the fallback after the reply
    async with serving(create_app(settings, rasa_transport=rasa.transport()), port) as url:
        sam = await _console(url, token)
        listed = await sam.ask("monitor_start", {})
        await sam.close()
    [row] = listed["conversations"]
    assert row["conversation_id"] == session_id and row["handler"] == "bot"
    assert row["flags"]["not_understood"] == 1


async def test_a_gateway_stopping_leaves_no_push_of_the_live_view_behind(tmp_path: Path) -> None:
    settings = sqlite_settings(tmp_path)
    await _add_users(settings.database_url)
    rasa = FallbackRasa()
    async with serving(create_app(settings, rasa_transport=rasa.transport())) as url:
        desk = Desk(url, rasa, settings)
        sam = await _console(url, await desk.login("sam"))
        await sam.ask("monitor_start", {})
        widget, session_id = await desk.shopper()
        await widget.say("你好", session_id)
        await sam.row(session_id)
        await widget.say("在吗", session_id)  # answered, and touched, as the gateway stops
        await sam.close()

    live_view = [
        task
        for task in asyncio.all_tasks()
        if task.get_coro().__qualname__.startswith(("LivePush", "LiveMonitor"))
    ]
    assert live_view == []
    await widget.close()


@pytest.mark.skipif(not server_url(), reason="KEFU_TEST_POSTGRES_URL is empty")
async def test_a_supervisor_on_one_gateway_watches_a_shopper_on_another(tmp_path: Path) -> None:
    rasa = FallbackRasa()
    async with fresh_database() as database_url:
        await _add_users(database_url)
        settings = Settings(
            database_url=database_url,
            identity_secret=SECRET,
            var_dir=tmp_path,
            redis_url=REDIS_URL,
            redis_channel=f"kefu-test-{uuid.uuid4().hex}",
        )
        apps = [create_app(settings, rasa_transport=rasa.transport()) for _ in range(2)]
        async with serving(apps[0]) as first_url, serving(apps[1]) as second_url:
            sam = await _console(first_url, await Desk(first_url, rasa, settings).login("sam"))
            await sam.ask("monitor_start", {})
            widget, session_id = await Desk(second_url, rasa, settings).shopper()
            await widget.say("你好", session_id)
            row = await sam.row(session_id, lambda r: r["last_message"]["sender"] == "bot")
            await sam.ask("monitor_open", {"conversation_id": session_id})
            await widget.say("在吗", session_id)
            pushed = await sam.message(session_id, "shopper", "在吗")
            taken = await sam.ask("take_over", {"conversation_id": session_id})
            joined = await _next_system(widget, "已接入")
            for client in (widget, sam):
                await client.close()
    assert row["handler"] == "bot" and row["last_message"]["text"] == "收到：你好"
    assert pushed["text"] == "在吗"
    assert taken["ok"] and "主管" in joined
