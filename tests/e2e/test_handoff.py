"""A shopper asks the real bot for a person; an agent takes over and hands back."""

from __future__ import annotations

import pytest

from actions.shop.seed import DEMO_DELIVERED_ORDER, DEMO_SHIPPED_ORDER
from bot.identity import sign
from tests.e2e.conftest import SECRET
from tests.socket_clients import AgentClient, WidgetClient

pytestmark = pytest.mark.e2e
DEMO = {"customData": {"shopper_id": "demo", "signature": sign(SECRET, "demo")}}


async def _from(widget: WidgetClient, sender: str, containing: str = "") -> dict:
    while True:
        message = await widget.next("bot_uttered", timeout=30)
        if message.get("sender") == sender and containing in message.get("text", ""):
            return message


@pytest.mark.parametrize(
    "question",
    [
        # The model reads the return question first (0.59 against 0.34 for a person).
        "耳机坏了左耳没声音，退货的话运费谁出？我要找人工",
        # As sure of the question as of the request: 「您是不是想问」 (the QA round).
        "退货运费谁出？我要找人工",
    ],
)
async def test_a_question_that_also_asks_for_a_person_gets_one(
    console: AgentClient, widget: tuple[WidgetClient, str], question: str
) -> None:
    shopper, session_id = widget
    await shopper.say(question, session_id, **DEMO)
    ticket = (await console.next("ticket_assigned", timeout=30))["ticket"]
    opened = await console.ask("open_ticket", {"ticket_id": ticket["id"]})

    assert ticket["reason"] == "requested" and ticket["summary"] == [question]
    # The agent is offered the answer to the question the shopper asked.
    assert "return_goods" in [s["intent"] for s in opened["suggestions"]]
    await console.ask("close_ticket", {"ticket_id": ticket["id"], "resolution_code": "resolved"})


async def test_asked_for_a_phone_number_the_bot_says_there_is_none_and_brings_a_person(
    console: AgentClient, widget: tuple[WidgetClient, str]
) -> None:
    shopper, session_id = widget
    # Read as a complaint before (「非常抱歉给您带来不好的体验」), with no word of a phone.
    await shopper.say("你们客服电话多少", session_id, **DEMO)

    told = await _from(shopper, "bot", "暂不提供电话客服")
    ticket = (await console.next("ticket_assigned", timeout=30))["ticket"]
    assert "9:00" in told["text"]
    assert ticket["reason"] == "requested"
    await console.ask("close_ticket", {"ticket_id": ticket["id"], "resolution_code": "resolved"})


async def test_a_parcel_shown_delivered_but_not_received_goes_to_after_sales(
    console: AgentClient, widget: tuple[WidgetClient, str]
) -> None:
    shopper, session_id = widget
    # It showed the tracking (「本人签收」) again, then 「这个问题我还不太擅长」.
    await shopper.say("耳机那单显示已签收 我没拿到啊", session_id, **DEMO)

    told = await _from(shopper, "bot", "联系快递核实")
    ticket = (await console.next("ticket_assigned", timeout=30))["ticket"]
    assert DEMO_DELIVERED_ORDER in told["text"]
    assert (ticket["reason"], ticket["team"], ticket["priority"]) == (
        "parcel_missing",
        "after_sales",
        "high",
    )
    await console.ask("close_ticket", {"ticket_id": ticket["id"], "resolution_code": "resolved"})


async def test_person_takes_over_with_context_and_hands_back(
    console: AgentClient, widget: tuple[WidgetClient, str]
) -> None:
    shopper, session_id = widget
    await shopper.say(f"订单{DEMO_SHIPPED_ORDER}到哪了", session_id, **DEMO)
    await _from(shopper, "bot", DEMO_SHIPPED_ORDER)
    await shopper.say("我要转人工", session_id, **DEMO)
    ticket = (await console.next("ticket_assigned", timeout=30))["ticket"]
    await _from(shopper, "system", "小美")
    assert ticket["reason"] == "requested" and ticket["shopper_id"] == "demo"

    await shopper.say("东西还没到，能帮我看看吗", session_id, **DEMO)
    incoming = await console.next("ticket_message", timeout=30)
    opened = await console.ask("open_ticket", {"ticket_id": ticket["id"]})
    await console.ask("agent_message", {"ticket_id": ticket["id"], "text": "我来帮您查"})
    reply = await _from(shopper, "agent")

    assert incoming["message"]["text"] == "东西还没到，能帮我看看吗"
    senders = [m["sender"] for m in opened["transcript"]]
    assert senders[:2] == ["shopper", "bot"]  # the bot's part is there too
    assert opened["context"]["shopper"]["name"] == "小林"
    assert DEMO_SHIPPED_ORDER in [o["id"] for o in opened["context"]["orders"]]
    assert reply["text"] == "我来帮您查" and reply["agent_name"] == "小美"

    await console.ask("hand_back", {"ticket_id": ticket["id"]})
    await _from(shopper, "bot", "回来")
    await shopper.say("你是机器人吗", session_id, **DEMO)
    answer = await _from(shopper, "bot")
    assert "机器人" in answer["text"]
