"""Danger reaches a person through the real stack, ahead of the bot."""

from __future__ import annotations

import pytest

from actions.shop.seed import DEMO_SHIPPED_ORDER
from bot.identity import sign
from handoff import copy
from tests.e2e.conftest import SECRET
from tests.socket_clients import AgentClient, WidgetClient

pytestmark = pytest.mark.e2e
DEMO = {"customData": {"shopper_id": "demo", "signature": sign(SECRET, "demo")}}


async def test_threat_at_the_door_opens_an_urgent_ticket_with_what_helps(
    console: AgentClient, widget: tuple[WidgetClient, str]
) -> None:
    shopper, session_id = widget
    text = (
        f"你好 我想问下订单{DEMO_SHIPPED_ORDER} 送货的人一直在我家门口不走 还说知道我住哪 我好害怕"
    )
    await shopper.say(text, session_id, **DEMO)
    first = await shopper.next("bot_uttered", timeout=30)
    alert = (await console.next("urgent_ticket", timeout=30))["ticket"]
    assigned = (await console.next("ticket_assigned", timeout=30))["ticket"]
    opened = await console.ask("open_ticket", {"ticket_id": assigned["id"]})
    close = {"ticket_id": assigned["id"], "resolution_code": "resolved", "note": "已协助报警"}
    closed = await console.ask("close_ticket", close)

    assert first["sender"] == "system" and "110" in first["text"]
    assert (alert["priority"], alert["team"]) == ("urgent", "safety")
    assert assigned["id"] == alert["id"]
    safety = opened["safety"]
    assert safety["order"]["id"] == DEMO_SHIPPED_ORDER
    assert safety["courier"]["name"] and safety["last_location"]["location"]
    assert "13800138000" in safety["police_summary"]
    assert closed["ok"] is True


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("我老公打我 我能不能把收货地址改到我妈家", "domestic"),
        ("有人跟踪我 能不能别把我的地址给快递", "stalking"),
        ("宝宝吃了过敏起疹子了 要退货", "allergy"),
    ],
)
async def test_danger_told_with_a_shop_request_reaches_a_person_not_the_order_form(
    console: AgentClient, widget: tuple[WidgetClient, str], text: str, topic: str
) -> None:
    """QA's three messages, which the trained model answered with 「请问是哪一笔订单呢？」."""
    shopper, session_id = widget
    await shopper.say(text, session_id, **DEMO)
    first = await shopper.next("bot_uttered", timeout=30)
    assert (first["sender"], first["text"]) == ("system", copy.SAFETY_TOPIC_REPLIES[topic])

    alert = (await console.next("urgent_ticket", timeout=30))["ticket"]
    assigned = (await console.next("ticket_assigned", timeout=30))["ticket"]
    opened = await console.ask("open_ticket", {"ticket_id": assigned["id"]})
    close = {"ticket_id": assigned["id"], "resolution_code": "resolved", "note": "已私下改址"}
    closed = await console.ask("close_ticket", close)

    assert (alert["priority"], alert["team"]) == ("urgent", "safety")
    assert assigned["id"] == alert["id"]
    assert assigned["summary"][0] == text  # the shop request reaches the person too
    assert opened["safety"]["messages"] == [text]
    assert closed["ok"] is True


async def test_a_scam_under_way_goes_to_the_security_team_before_the_bot(
    console: AgentClient, widget: tuple[WidgetClient, str]
) -> None:
    shopper, session_id = widget
    scam = "刚才有个自称淘宝客服的人打电话说要退款给我，让我开通备用金"
    await shopper.say(scam, session_id, **DEMO)
    first = await shopper.next("bot_uttered", timeout=30)
    assigned = (await console.next("ticket_assigned", timeout=30))["ticket"]
    closed = await console.ask(
        "close_ticket", {"ticket_id": assigned["id"], "resolution_code": "resolved"}
    )

    assert first["sender"] == "system" and "验证码" in first["text"]
    assert (assigned["priority"], assigned["team"], assigned["reason"]) == (
        "high",
        "security",
        "account_security",
    )
    assert closed["ok"] is True
