"""Danger over real socket.io on loopback, with the real safety screen and SQLite.

A danger told to a general agent goes to the safety team; an urgent ticket
back in the queue is alerted again; the police summary quotes the shopper;
a supervisor alone online is not counted as someone the shopper waits for.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.safety import SafetyScreen
from handoff import copy
from handoff.desk import TICKET_ESCALATED
from tests.handoff.test_live_handoff import Desk, _next_system
from tests.handoff.test_safety_flow import DEMO, running_desk
from tests.socket_clients import AgentClient

FIRE = "充电宝在充电的时候冒烟了，着火了，屋里全是烟"
HOME = "我老公喝醉了在砸东西，说要打死我，我躲在卫生间"


@pytest.fixture(scope="module")
def screen() -> SafetyScreen:
    return SafetyScreen()


class Console(AgentClient):
    """A console that also records ``ticket_escalated``."""

    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.sio.on(TICKET_ESCALATED, self._recorder(TICKET_ESCALATED), namespace=self.namespace)


async def _console(desk: Desk, username: str) -> Console:
    console = Console(await desk.login(username))
    await console.connect(desk.url)
    await console.next("hello")
    return console


async def test_danger_told_to_a_general_agent_goes_to_the_safety_agent_who_sees_it(
    tmp_path: Path, screen: SafetyScreen
) -> None:
    async with running_desk(tmp_path, screen=screen.screen) as desk:
        alice = await _console(desk, "alice")  # general only
        widget, session_id = await desk.shopper()
        await widget.say("转人工", session_id, **DEMO)
        held = (await alice.next("ticket_assigned"))["ticket"]
        await widget.say("我想退掉这件羽绒服", session_id, **DEMO)
        await alice.next("ticket_message")
        sofia = await _console(desk, "sofia")  # safety

        await widget.say(HOME, session_id, **DEMO)
        calm = await _next_system(widget, "110")
        moved = await alice.next(TICKET_ESCALATED)
        assigned = (await sofia.next("ticket_assigned"))["ticket"]
        joined = await _next_system(widget, "已接入")
        opened = await sofia.ask("open_ticket", {"ticket_id": assigned["id"]})
        refused = await alice.ask("agent_message", {"ticket_id": held["id"], "text": "您好"})
        for client in (widget, alice, sofia):
            await client.close()

    # Violence at home: 「已经为您优先转接安全专员」, and so it is; no 「锁好门」.
    assert calm == copy.SAFETY_TOPIC_REPLIES["domestic"]
    assert assigned["id"] == held["id"] == moved["ticket"]["id"]
    assert (assigned["team"], assigned["priority"]) == ("safety", "urgent")
    assert assigned["summary"][0] == HOME  # the row shows the danger, not the refund
    assert "安全员" in joined
    told = [event for event, _ in alice.seen]
    assert told.index("ticket_closed") < told.index(TICKET_ESCALATED)
    assert "安全专组" in moved["text"]
    assert refused["error"]["code"] == "not_ticket_holder"
    summary = opened["safety"]["police_summary"]
    assert f"「{HOME}」" in summary
    assert opened["safety"]["courier"] is None and "派送员" not in summary


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("我老公打我 我能不能把收货地址改到我妈家", "domestic"),
        ("有人跟踪我 能不能别把我的地址给快递", "stalking"),
        ("宝宝吃了过敏起疹子了 要退货", "allergy"),
    ],
)
async def test_danger_told_with_a_shop_request_goes_to_the_safety_team_whole(
    tmp_path: Path, screen: SafetyScreen, text: str, topic: str
) -> None:
    """QA's three messages: before, the bot answered each with its order form."""
    async with running_desk(tmp_path, screen=screen.screen) as desk:
        sofia = await _console(desk, "sofia")  # safety
        widget, session_id = await desk.shopper()
        try:
            await widget.say(text, session_id, **DEMO)
            first = await widget.next("bot_uttered")
            assert (first["sender"], first["text"]) == ("system", copy.SAFETY_TOPIC_REPLIES[topic])
            assigned = (await sofia.next("ticket_assigned"))["ticket"]
            opened = await sofia.ask("open_ticket", {"ticket_id": assigned["id"]})
        finally:
            for client in (widget, sofia):
                await client.close()

    assert (assigned["team"], assigned["priority"], assigned["reason"]) == (
        "safety",
        "urgent",
        "emergency",
    )
    # The person gets the shop request too: the whole message, as written.
    assert assigned["summary"][0] == text
    assert opened["safety"]["messages"] == [text]
    assert f"「{text}」" in opened["safety"]["police_summary"]
    assert all(body["message"] != text for body in desk.rasa.received)


async def test_with_no_safety_agent_online_the_danger_waits_in_the_safety_queue(
    tmp_path: Path, screen: SafetyScreen
) -> None:
    async with running_desk(tmp_path, screen=screen.screen) as desk:
        alice = await _console(desk, "alice")
        sam = await _console(desk, "sam")  # supervisor: alerted, may claim, never assigned
        widget, session_id = await desk.shopper()
        await widget.say("转人工", session_id, **DEMO)
        held = (await alice.next("ticket_assigned"))["ticket"]
        await widget.say(HOME, session_id, **DEMO)
        await alice.next(TICKET_ESCALATED)
        nobody = await _next_system(widget, "暂时没有专员在线")
        alert = (await sam.next("urgent_ticket"))["ticket"]
        claimed = await sam.ask("claim_ticket", {"ticket_id": held["id"]})
        for client in (widget, alice, sam):
            await client.close()

    assert nobody == copy.URGENT_NOBODY_ONLINE
    assert (alert["status"], alert["team"], alert["summary"][0]) == ("queued", "safety", HOME)
    assert claimed["ok"] and claimed["ticket"]["agent_id"] is not None


async def test_an_urgent_ticket_requeued_after_its_deadline_is_alerted_again(
    tmp_path: Path,
) -> None:
    async with running_desk(tmp_path, agent_grace=0.3) as desk:
        alice = await desk.agent("alice")  # cannot take safety tickets: sees the alerts
        widget, session_id = await desk.shopper()
        await widget.say("有人在门口不肯走", session_id, **DEMO)
        first = await alice.next("claim_deadline_missed")
        sofia = await desk.agent("sofia")
        await sofia.next("ticket_assigned")
        await sofia.close()  # gone: after the grace period the chat is queued again
        again = await alice.next("claim_deadline_missed", timeout=10)
        await asyncio.sleep(1.5)  # once per return to the queue, not every round
        await widget.close()
        await alice.close()

    assert first["ticket"]["id"] == again["ticket"]["id"]
    assert again["ticket"]["requeued"] is True
    assert sum(1 for event, _ in alice.seen if event == "claim_deadline_missed") == 2


async def test_the_fire_summary_quotes_the_shopper_without_labels_or_the_courier(
    tmp_path: Path, screen: SafetyScreen
) -> None:
    async with running_desk(tmp_path, screen=screen.screen) as desk:
        sofia = await desk.agent("sofia")
        widget, session_id = await desk.shopper()
        await widget.say(FIRE, session_id, **DEMO)
        assigned = (await sofia.next("ticket_assigned"))["ticket"]
        opened = await sofia.ask("open_ticket", {"ticket_id": assigned["id"]})
        await widget.close()
        await sofia.close()

    safety = opened["safety"]
    assert safety["category"] == "fire" and "冒烟+充电宝" in safety["matched"]
    assert f"顾客原话：「{FIRE}」" in safety["police_summary"]
    assert "冒烟+充电宝" not in safety["police_summary"]
    assert safety["courier"] is None and safety["last_location"] is None
    assert "最后已知位置" not in safety["police_summary"]


async def test_a_supervisor_alone_online_is_not_a_wait_the_shopper_is_promised(
    tmp_path: Path, screen: SafetyScreen
) -> None:
    async with running_desk(tmp_path, screen=screen.screen) as desk:
        sam = await desk.agent("sam")
        widget, session_id = await desk.shopper()
        await widget.say("转人工", session_id, **DEMO)
        after_hours = await _next_system(widget, "暂时没有")
        [place] = [data for event, data in widget.seen if event == "queue_status"]
        other, other_id = await desk.shopper()
        await other.say(FIRE, other_id, **DEMO)
        nobody = await _next_system(other, "暂时没有专员在线")
        for client in (widget, other, sam):
            await client.close()

    assert after_hours == copy.AFTER_HOURS
    assert place["agents_online"] == 0
    assert nobody == copy.URGENT_NOBODY_ONLINE
