"""A shopper asks the real bot for a person; an agent takes over and hands back."""

from __future__ import annotations

import httpx
import pytest

from actions.shop.seed import DEMO_SHIPPED_ORDER
from bot.identity import sign
from tests.e2e.conftest import AGENT, AGENT_PASSWORD, SECRET, Stack
from tests.socket_clients import AgentClient, WidgetClient

pytestmark = pytest.mark.e2e
DEMO = {"customData": {"shopper_id": "demo", "signature": sign(SECRET, "demo")}}


async def _console(stack: Stack) -> AgentClient:
    async with httpx.AsyncClient(base_url=stack.gateway_url) as http:
        login = await http.post("/api/login", json={"username": AGENT, "password": AGENT_PASSWORD})
    console = AgentClient(login.json()["token"])
    await console.connect(stack.gateway_url)
    await console.next("hello")
    return console


async def _from(widget: WidgetClient, sender: str, containing: str = "") -> dict:
    while True:
        message = await widget.next("bot_uttered", timeout=30)
        if message.get("sender") == sender and containing in message.get("text", ""):
            return message


async def test_person_takes_over_with_context_and_hands_back(stack: Stack) -> None:
    console = await _console(stack)
    widget = WidgetClient()
    await widget.connect(stack.gateway_url)
    session_id, _ = await widget.start_session()
    try:
        await widget.say(f"订单{DEMO_SHIPPED_ORDER}到哪了", session_id, **DEMO)
        await _from(widget, "bot", DEMO_SHIPPED_ORDER)
        await widget.say("我要转人工", session_id, **DEMO)
        ticket = (await console.next("ticket_assigned", timeout=30))["ticket"]
        await _from(widget, "system", "小美")
        assert ticket["reason"] == "requested" and ticket["shopper_id"] == "demo"

        await widget.say("东西还没到，能帮我看看吗", session_id, **DEMO)
        incoming = await console.next("ticket_message", timeout=30)
        opened = await console.ask("open_ticket", {"ticket_id": ticket["id"]})
        await console.ask("agent_message", {"ticket_id": ticket["id"], "text": "我来帮您查"})
        reply = await _from(widget, "agent")

        assert incoming["message"]["text"] == "东西还没到，能帮我看看吗"
        senders = [m["sender"] for m in opened["transcript"]]
        assert senders[:2] == ["shopper", "bot"]  # the bot's part is there too
        assert opened["context"]["shopper"]["name"] == "小林"
        assert DEMO_SHIPPED_ORDER in [o["id"] for o in opened["context"]["orders"]]
        assert reply["text"] == "我来帮您查" and reply["agent_name"] == "小美"

        await console.ask("hand_back", {"ticket_id": ticket["id"]})
        await _from(widget, "bot", "回来")
        await widget.say("你是机器人吗", session_id, **DEMO)
        answer = await _from(widget, "bot")
        assert "机器人" in answer["text"]
    finally:
        await widget.close()
        await console.close()
