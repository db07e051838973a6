"""Urgent messages reach a person first; deadlines, promises and the audit are kept."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from actions.shop.db import create_schema, make_engine, make_sessionmaker
from actions.shop.seed import DEMO_SHIPPED_ORDER, DEMO_SHIPPED_TRACKING, seed_demo_shop
from bot.app import create_app
from bot.identity import sign
from bot.settings import Settings
from handoff import copy
from handoff.audit import AuditLog
from handoff.models import utc_now
from handoff.users import UserDirectory
from tests.bot.fake_rasa import FakeRasa
from tests.handoff.test_escalation import OnCall
from tests.handoff.test_live_handoff import PASSWORD, SECRET, Desk, _add_users, _next_system
from tests.servers import serving
from tests.socket_clients import WidgetClient

DEMO = {"customData": {"shopper_id": "demo", "signature": sign(SECRET, "demo")}}


@dataclass(frozen=True)
class Verdict:
    level: str | None
    category: str | None = None
    matched: tuple[str, ...] = ()


def fake_screen(text: str) -> Verdict:
    if "不肯走" in text:
        return Verdict("urgent", "violence", ("不肯走",))
    if "安全账户" in text:
        return Verdict("high", "fraud", ("安全账户",))
    if "12315" in text:
        return Verdict("high", "complaint", ("12315",))
    return Verdict(None)


@contextlib.asynccontextmanager
async def running_desk(
    tmp_path: Path,
    escalation_url: str = "",
    screen: Callable[[str], Any] = fake_screen,
    agent_grace: float = 60.0,
    fraud_claim_seconds: float = 60.0,
) -> AsyncIterator[Desk]:
    """The gateway with the human side, a demo shop and a fake Rasa, on loopback."""
    settings = Settings(
        database_url=f"sqlite:///{tmp_path}/kefu.db",
        shop_database_url=f"sqlite:///{tmp_path}/shop.db",
        identity_secret=SECRET,
        urgent_claim_seconds=0.5,
        var_dir=tmp_path,
        escalation_url=escalation_url,
        agent_grace=agent_grace,
        fraud_claim_seconds=fraud_claim_seconds,
    )
    await _add_users(settings.database_url)
    shop_engine = make_engine(settings.shop_database_url)
    await create_schema(shop_engine)
    await seed_demo_shop(make_sessionmaker(shop_engine), utc_now())
    await shop_engine.dispose()
    rasa = FakeRasa()
    app = create_app(settings, rasa_transport=rasa.transport(), screen=screen)
    async with serving(app) as url:
        yield Desk(url, rasa, settings)


@pytest.fixture
async def desk(tmp_path: Path) -> AsyncIterator[Desk]:
    async with running_desk(tmp_path) as running:
        yield running


async def _shopper(desk: Desk) -> tuple[WidgetClient, str]:
    return await desk.shopper()


async def test_urgent_message_skips_the_bot_and_alerts_every_agent(desk: Desk) -> None:
    alice = await desk.agent("alice")  # general only
    sam = await desk.agent("sam")  # supervisor
    widget, session_id = await _shopper(desk)
    await widget.say(f"订单{DEMO_SHIPPED_ORDER}的快递员在我家门口不肯走", session_id, **DEMO)
    calm = await _next_system(widget, "110")
    alert = (await alice.next("urgent_ticket"))["ticket"]
    claimed = await sam.ask(
        "claim_ticket", {"ticket_id": alert["id"]}
    )  # supervisors serve any team
    assigned = claimed["ticket"]
    assert calm and alert["priority"] == "urgent" and alert["team"] == "safety"
    assert assigned["id"] == alert["id"]
    assert all(
        body["message"] != f"订单{DEMO_SHIPPED_ORDER}的快递员在我家门口不肯走"
        for body in desk.rasa.received
    )

    opened = await sam.ask("open_ticket", {"ticket_id": assigned["id"]})
    safety = opened["safety"]
    assert safety["category"] == "violence" and safety["order"]["id"] == DEMO_SHIPPED_ORDER
    assert safety["shipment"]["tracking_no"] == DEMO_SHIPPED_TRACKING
    assert safety["courier"]["phone"] and safety["last_location"]["location"]
    assert (
        DEMO_SHIPPED_ORDER in safety["police_summary"] and "13800138000" in safety["police_summary"]
    )

    refused = await sam.ask(
        "close_ticket", {"ticket_id": assigned["id"], "resolution_code": "resolved"}
    )
    closed = await sam.ask(
        "close_ticket",
        {"ticket_id": assigned["id"], "resolution_code": "resolved", "note": "已报警，警方到场"},
    )
    assert refused["error"]["code"] == "resolution_note_required"
    assert closed["ok"] is True

    audit = AuditLog(make_sessionmaker(make_engine(desk.settings.database_url)))
    entries = await audit.entries(ticket_id=assigned["id"])
    assert entries[0]["action"] == "view_private_data"
    assert entries[0]["detail"] == {"fields": ["context", "safety"]}
    for client in (widget, alice, sam):
        await client.close()


async def test_safety_agent_gets_the_alert_then_the_ticket(desk: Desk) -> None:
    sofia = await desk.agent("sofia")
    widget, session_id = await _shopper(desk)
    await widget.say("有人在门口不肯走", session_id, **DEMO)
    alert = (await sofia.next("urgent_ticket"))["ticket"]
    assigned = (await sofia.next("ticket_assigned"))["ticket"]
    assert alert["id"] == assigned["id"] and assigned["agent_name"] == "安全员"
    await widget.close()
    await sofia.close()


async def test_with_nobody_online_an_urgent_shopper_is_told_to_call_for_help_now(
    desk: Desk,
) -> None:
    widget, session_id = await _shopper(desk)
    await widget.say("有人在门口不肯走", session_id, **DEMO)
    first = await _next_system(widget, "110")
    nobody = await _next_system(widget, "暂时没有专员在线")
    await widget.say("他还在敲门", session_id, **DEMO)
    kept = await _next_system(widget, "已收到")

    assert "马上就到" not in first  # no one may come: do not promise it
    assert "请不要等待我们，立即拨打110" in nobody
    assert "立即拨打110" in kept
    texts = [text for event, body in widget.seen if event == "bot_uttered"
             for text in [body.get("text", "")]]  # fmt: skip
    assert not any("客服上线后会第一时间回复您" in text for text in texts)
    await widget.close()


async def test_with_nobody_online_the_on_call_endpoint_is_alerted(tmp_path: Path) -> None:
    endpoint = OnCall()
    async with (
        serving(endpoint.app()) as on_call,
        running_desk(tmp_path, escalation_url=f"{on_call}/alert") as desk,
    ):
        widget, session_id = await _shopper(desk)
        await widget.say("有人在门口不肯走", session_id, **DEMO)
        for _ in range(100):  # the claim deadline is 0.5 s; the clocks tick every second
            if endpoint.received:
                break
            await asyncio.sleep(0.1)
        await widget.close()
    [alert] = endpoint.received
    assert alert["ticket"]["team"] == "safety" and alert["ticket"]["priority"] == "urgent"
    assert "不肯走" not in str(alert)


async def test_flagged_message_never_reaches_the_bot_even_if_closed_at_once(desk: Desk) -> None:
    sofia = await desk.agent("sofia")
    widget, session_id = await _shopper(desk)
    await widget.say("有人在门口不肯走", session_id, **DEMO)
    ticket = (await sofia.next("urgent_ticket"))["ticket"]
    await sofia.ask("claim_ticket", {"ticket_id": ticket["id"]})
    close = {"ticket_id": ticket["id"], "resolution_code": "resolved", "note": "已处理"}
    await sofia.ask("close_ticket", close)
    await asyncio.sleep(0.5)
    assert desk.rasa.received == []
    await widget.close()
    await sofia.close()


async def test_urgent_message_raises_a_ticket_already_with_another_team(desk: Desk) -> None:
    alice = await desk.agent("alice")
    widget, session_id = await _shopper(desk)
    await widget.say("转人工", session_id, **DEMO)
    normal = (await alice.next("ticket_assigned"))["ticket"]
    await widget.say("他在门口不肯走，我很害怕", session_id, **DEMO)
    alert = (await alice.next("urgent_ticket"))["ticket"]
    assert alert["id"] == normal["id"] and alert["priority"] == "urgent"
    await widget.close()
    await alice.close()


async def test_unclaimed_urgent_ticket_alerts_everyone_after_the_deadline(desk: Desk) -> None:
    alice = await desk.agent("alice")  # not in the safety team: cannot be auto-assigned
    widget, session_id = await _shopper(desk)
    await widget.say("有人在门口不肯走", session_id, **DEMO)
    missed = await alice.next("claim_deadline_missed", timeout=10)
    assert missed["ticket"]["conversation_id"] == session_id
    assert missed["waited_seconds"] >= 0
    await asyncio.sleep(1.5)  # recorded once, not every round
    assert sum(1 for event, _ in alice.seen if event == "claim_deadline_missed") == 1
    await widget.close()
    await alice.close()


async def test_complaint_goes_to_after_sales_with_high_priority(desk: Desk) -> None:
    bob = await desk.agent("bob")
    widget, session_id = await _shopper(desk)
    await widget.say("再不处理我就去12315投诉你们", session_id, **DEMO)
    ticket = (await bob.next("ticket_assigned"))["ticket"]
    assert (ticket["priority"], ticket["team"], ticket["reason"]) == (
        "high",
        "after_sales",
        "complaint",
    )
    await widget.close()
    await bob.close()


async def test_fraud_under_way_goes_to_security_with_high_priority_ahead_of_the_bot(
    desk: Desk,
) -> None:
    engine = make_engine(desk.settings.database_url)
    await UserDirectory(make_sessionmaker(engine)).create(
        "sean", PASSWORD, "agent", display_name="安全专员", skills=("security",)
    )
    await engine.dispose()
    sean = await desk.agent("sean")
    widget, session_id = await _shopper(desk)
    text = "有人冒充你们客服让我转账到安全账户"
    await widget.say(text, session_id, **DEMO)
    warned = await _next_system(widget, "验证码")
    ticket = (await sean.next("ticket_assigned"))["ticket"]
    await widget.close()
    await sean.close()

    assert warned == copy.SAFETY_REPLIES["fraud"]
    assert (ticket["priority"], ticket["team"], ticket["reason"]) == (
        "high",
        "security",
        "account_security",
    )
    assert all(body["message"] != text for body in desk.rasa.received)


async def test_the_flagged_message_is_answered_by_the_notices_not_as_a_message_left(
    desk: Desk,
) -> None:
    widget, session_id = await _shopper(desk)
    await widget.say("再不处理我就去12315投诉你们", session_id, **DEMO)
    await _next_system(widget, "没有在线")
    # It said 「已收到您的留言…不用重复发送」 right after the first message.
    with contextlib.suppress(asyncio.TimeoutError):
        while True:
            early = await widget.next("bot_uttered", timeout=1.0)
            assert "已收到" not in early["text"], early
    await widget.say("订单号2611210930418825", session_id, **DEMO)
    acknowledged = await _next_system(widget, "已收到您的留言")
    await widget.close()

    assert acknowledged == copy.MESSAGE_LEFT


async def test_more_about_the_same_danger_is_left_for_the_person_not_warned_again(
    desk: Desk,
) -> None:
    widget, session_id = await _shopper(desk)
    await widget.say("有人冒充你们客服让我转到安全账户", session_id, **DEMO)
    await _next_system(widget, "没有在线")
    await widget.say("我已经转了500到那个安全账户了", session_id, **DEMO)
    acknowledged = await _next_system(widget, "已收到您的留言")
    await widget.say("快递员在我家门口不肯走", session_id, **DEMO)  # another danger: told at once
    calm = await _next_system(widget, "110")
    await widget.close()

    system = [d["text"] for e, d in widget.seen if e == "bot_uttered" and d["sender"] == "system"]
    # Each message got the warning and the queue notice again.
    assert system.count(copy.SAFETY_REPLIES["fraud"]) == 1
    assert sum("没有在线" in text for text in system[: system.index(calm)]) == 1
    assert acknowledged == copy.MESSAGE_LEFT and calm == copy.SAFETY_REPLIES["violence"]


async def test_promise_reminds_then_escalates_to_supervisors(desk: Desk) -> None:
    alice = await desk.agent("alice")
    sam = await desk.agent("sam")
    await sam.ask("set_presence", {"status": "away"})
    widget, session_id = await _shopper(desk)
    await widget.say("转人工", session_id, **DEMO)
    ticket = (await alice.next("ticket_assigned"))["ticket"]
    made = await alice.ask(
        "set_promise", {"ticket_id": ticket["id"], "due_in_minutes": 1, "note": "1分钟内回复您"}
    )
    bad = await alice.ask(
        "set_promise", {"ticket_id": ticket["id"], "due_in_minutes": 0, "note": "x"}
    )
    assert made["ok"] and made["promise"]["status"] == "open"
    assert bad["error"]["code"] == "invalid_input"
    await widget.close()
    await alice.close()
    await sam.close()
