"""Shopper and agent over real socket.io connections on loopback, with a fake Rasa."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import socketio

from actions.shop.db import make_engine, make_sessionmaker
from bot.app import create_app
from bot.settings import Settings
from handoff.models import Base
from handoff.users import UserDirectory
from tests.bot.fake_rasa import FakeRasa
from tests.images import png
from tests.servers import free_port, serving
from tests.socket_clients import AgentClient, WidgetClient

SECRET = "handoff-test"
PASSWORD = "correct horse"


@dataclass
class Desk:
    url: str
    rasa: FakeRasa
    settings: Settings

    async def login(self, username: str) -> str:
        async with httpx.AsyncClient(base_url=self.url) as http:
            answer = await http.post(
                "/api/login", json={"username": username, "password": PASSWORD}
            )
        assert answer.status_code == 200, answer.text
        return str(answer.json()["token"])

    async def agent(self, username: str) -> AgentClient:
        console = AgentClient(await self.login(username))
        await console.connect(self.url)
        await console.next("hello")
        return console

    async def shopper(self) -> tuple[WidgetClient, str]:
        widget = WidgetClient()
        await widget.connect(self.url)
        session_id, _ = await widget.start_session()
        return widget, session_id


def sqlite_settings(tmp_path: Path, **extra: Any) -> Settings:
    """A gateway's settings with its databases in SQLite files under ``tmp_path``."""
    return Settings(
        database_url=f"sqlite:///{tmp_path}/kefu.db",
        shop_database_url=f"sqlite:///{tmp_path}/shop.db",
        identity_secret=SECRET,
        var_dir=tmp_path,
        **extra,
    )


async def _add_users(database_url: str) -> None:
    engine = make_engine(database_url)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    users = UserDirectory(make_sessionmaker(engine))
    await users.create("alice", PASSWORD, "agent", display_name="小美", skills=("general",))
    await users.create(
        "bob", PASSWORD, "agent", display_name="小王", skills=("general", "after_sales")
    )
    await users.create("sam", PASSWORD, "supervisor", display_name="主管", skills=("general",))
    await users.create("tina", PASSWORD, "trainer", skills=("general",))
    await users.create("carl", PASSWORD, "agent", display_name="小陈", max_chats=1)
    await users.create("sofia", PASSWORD, "agent", display_name="安全员", skills=("safety",))
    await engine.dispose()


@pytest.fixture
async def desk(tmp_path: Path) -> AsyncIterator[Desk]:
    settings = sqlite_settings(tmp_path, agent_grace=0.5)
    await _add_users(settings.database_url)
    rasa = FakeRasa()
    async with serving(create_app(settings, rasa_transport=rasa.transport())) as url:
        yield Desk(url, rasa, settings)


async def test_console_refuses_missing_forged_and_trainer_tokens(desk: Desk) -> None:
    for token in (None, "forged.token"):
        console = AgentClient(token)
        with pytest.raises(socketio.exceptions.ConnectionError):
            await console.connect(desk.url)
    async with httpx.AsyncClient(base_url=desk.url) as http:
        wrong = await http.post("/api/login", json={"username": "alice", "password": "nope"})
        anonymous = await http.get("/api/tickets")
        as_trainer = {"Authorization": f"Bearer {await desk.login('tina')}"}
        trainer = await http.get("/api/tickets", headers=as_trainer)
        me = await http.get("/api/me", headers=as_trainer)  # who they are, for their own page
    assert wrong.status_code == 401
    assert anonymous.status_code == 401
    assert trainer.status_code == 403
    assert me.status_code == 200 and me.json()["role"] == "trainer"


async def test_shopper_connection_cannot_reach_the_agent_namespace(desk: Desk) -> None:
    shopper = WidgetClient()
    shopper.namespace = "/agent"
    with pytest.raises(socketio.exceptions.ConnectionError):
        await shopper.connect(desk.url)


async def test_request_human_claim_talk_close_and_rate(desk: Desk) -> None:
    alice = await desk.agent("alice")
    widget, session_id = await desk.shopper()
    await widget.say("转人工", session_id)
    assigned = (await alice.next("ticket_assigned"))["ticket"]
    joined = await _next_system(widget, "已接入")
    assert assigned["conversation_id"] == session_id and assigned["status"] == "assigned"
    assert "小美" in joined

    await widget.say("我想问下退款的事", session_id)
    incoming = await alice.next("ticket_message")
    assert incoming["ticket_id"] == assigned["id"]
    assert incoming["message"]["text"] == "我想问下退款的事"
    assert incoming["suggestions"][0]["intent"] == "refund_request"

    opened = await alice.ask("open_ticket", {"ticket_id": assigned["id"]})
    assert opened["ok"] and [m["text"] for m in opened["transcript"]][0] == "转人工"
    assert opened["suggestions"][0]["intent"] == "refund_request"

    sent = await alice.ask("agent_message", {"ticket_id": assigned["id"], "text": "您好，我来处理"})
    reply = await _next_from(widget, "agent")
    assert sent["ok"] and reply["text"] == "您好，我来处理" and reply["agent_name"] == "小美"

    recorded = desk.rasa.recorded[session_id]
    assert {"event": "bot", "text": "您好，我来处理", "metadata": {"agent": "alice"}} in recorded
    assert any(e["event"] == "user" and e["text"] == "我想问下退款的事" for e in recorded)
    assert all(body["message"] != "我想问下退款的事" for body in desk.rasa.received)

    closed = await alice.ask(
        "close_ticket", {"ticket_id": assigned["id"], "resolution_code": "resolved"}
    )
    ask_rating = await _next_system(widget, "打分")
    assert closed["ticket"]["status"] == "closed"
    assert len(ask_rating) > 0
    await widget.say('/csat{"score":5}', session_id, title="5分 非常满意")
    await _next_system(widget, "感谢您的评价")
    ticket = await _api_ticket(desk, assigned["id"])
    assert ticket["csat"] == 5 and ticket["resolution_code"] == "resolved"
    await widget.close()
    await alice.close()


async def test_supervisor_report_counts_live_conversations(desk: Desk) -> None:
    alice = await desk.agent("alice")
    bot_only, bot_session = await desk.shopper()
    await bot_only.say("你好", bot_session)
    await _next_from(bot_only, "bot", containing="收到")
    widget, session_id = await desk.shopper()
    await widget.say("转人工", session_id)
    ticket = (await alice.next("ticket_assigned"))["ticket"]
    await alice.ask("agent_message", {"ticket_id": ticket["id"], "text": "您好，我来处理"})
    await alice.ask("close_ticket", {"ticket_id": ticket["id"], "resolution_code": "resolved"})
    await _next_system(widget, "打分")
    await widget.say('/csat{"score":4}', session_id, title="4分 满意")
    await _next_system(widget, "感谢您的评价")

    as_sam = {"Authorization": f"Bearer {await desk.login('sam')}"}
    as_alice = {"Authorization": f"Bearer {await desk.login('alice')}"}
    async with httpx.AsyncClient(base_url=desk.url) as http:
        report = (await http.get("/api/report", headers=as_sam)).json()
        refused = await http.get("/api/report", headers=as_alice)
        bad = await http.get("/api/report", headers=as_sam, params={"since": "昨天"})
        schema = (await http.get("/api/openapi.json")).json()
        unhappy = await http.get("/api/tickets", headers=as_sam, params={"max_csat": "3"})
        happy = await http.get("/api/tickets", headers=as_sam, params={"max_csat": "4"})
        bad_filter = await http.get("/api/tickets", headers=as_sam, params={"max_csat": "9"})
    assert report["conversations"] == {
        "total": 2, "handed_off": 1, "bot_only": 1, "bot_only_share": 0.5,
    }  # fmt: skip
    assert report["tickets"]["opened"] == 1 and report["csat"]["average"] == 4.0
    assert report["waits"]["to_first_reply"]["count"] == 1
    assert [a["name"] for a in report["agents"]] == ["小美"]
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_allowed"
    assert bad.status_code == 400 and "ISO 8601" in bad.json()["error"]["message"]
    assert "/api/report" in schema["paths"]
    assert unhappy.json()["tickets"] == [] and len(happy.json()["tickets"]) == 1
    assert bad_filter.status_code == 400
    await bot_only.close()
    await widget.close()
    await alice.close()


async def test_a_picture_reaches_the_agent_and_only_them(desk: Desk) -> None:
    alice = await desk.agent("alice")
    widget, session_id = await desk.shopper()
    await widget.say("转人工", session_id)
    ticket = (await alice.next("ticket_assigned"))["ticket"]
    picture = png()
    ack = await widget.send_image(picture, session_id)
    incoming = await alice.next("ticket_message")
    shown = incoming["message"]
    assert ack["ok"] and incoming["ticket_id"] == ticket["id"]
    assert (shown["text"], shown["attachment"]["type"]) == ("[图片]", "image")
    assert incoming["suggestions"] == []  # nothing for the model to read in a picture
    opened = await alice.ask("open_ticket", {"ticket_id": ticket["id"]})
    assert opened["transcript"][-1]["attachment"] == shown["attachment"]
    assert opened["suggestions"] == []
    as_bob = {"Authorization": f"Bearer {await desk.login('bob')}"}
    async with httpx.AsyncClient(base_url=desk.url) as http:
        served = await http.get(shown["attachment"]["payload"]["src"])
        theirs = (await http.get(f"/api/tickets/{ticket['id']}", headers=as_bob)).json()
    assert served.content == picture
    # Another agent's view is masked, and a picture may show an address: left out.
    assert theirs["transcript"][-1]["text"] == "[图片]"
    assert "attachment" not in theirs["transcript"][-1]
    assert all(body["message"] != "[图片]" for body in desk.rasa.received)
    await widget.close()
    await alice.close()


async def test_an_agent_sends_a_picture_to_the_shopper(desk: Desk) -> None:
    alice = await desk.agent("alice")
    bob = await desk.agent("bob")
    widget, session_id = await desk.shopper()
    await widget.say("转人工", session_id)
    ticket = (await alice.next("ticket_assigned"))["ticket"]
    chart = png(64, 48)
    sent = await alice.ask("agent_image", {"ticket_id": ticket["id"], "image": chart})
    shown = await _next_from(widget, "agent")
    not_a_picture = await alice.ask("agent_image", {"ticket_id": ticket["id"], "image": b"%PDF"})
    not_theirs = await bob.ask("agent_image", {"ticket_id": ticket["id"], "image": chart})
    async with httpx.AsyncClient(base_url=desk.url) as http:
        served = await http.get(shown["attachment"]["payload"]["src"])
    assert sent["ok"] and sent["message"]["attachment"] == shown["attachment"]
    assert shown["agent_name"] == "小美" and served.content == chart
    assert not_a_picture["error"]["code"] == "invalid_input"
    assert not_theirs["error"]["code"] == "not_ticket_holder"
    recorded = desk.rasa.recorded[session_id]
    assert {"event": "bot", "text": "[图片]", "metadata": {"agent": "alice"}} in recorded
    await widget.close()
    await alice.close()
    await bob.close()


async def test_an_agents_pictures_leave_the_shoppers_hourly_allowance_alone(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.conversations.PICTURES_PER_HOUR", 2)
    alice = await desk.agent("alice")
    widget, session_id = await desk.shopper()
    await widget.say("转人工", session_id)
    ticket = (await alice.next("ticket_assigned"))["ticket"]
    for _ in range(2):
        assert (await alice.ask("agent_image", {"ticket_id": ticket["id"], "image": png()}))["ok"]

    acks = [await widget.send_image(png(), session_id) for _ in range(3)]

    assert [ack["ok"] for ack in acks] == [True, True, False]
    await widget.close()
    await alice.close()


async def test_supervisors_keep_the_quick_replies_and_open_consoles_follow(desk: Desk) -> None:
    alice = await desk.agent("alice")
    as_sam = {"Authorization": f"Bearer {await desk.login('sam')}"}
    as_alice = {"Authorization": f"Bearer {await desk.login('alice')}"}
    reply = {"title": "运费", "text": "全场满99元包邮。"}
    async with httpx.AsyncClient(base_url=desk.url) as http:
        added = await http.post("/api/canned", json=reply, headers=as_sam)
        pushed = await alice.next("canned_updated")
        refused = await http.post("/api/canned", json=reply, headers=as_alice)
        blank = await http.post("/api/canned", json={"title": "", "text": "x"}, headers=as_sam)
        broken = await http.post("/api/canned", content=b"{", headers=as_sam)
        reply_id = added.json()["reply"]["id"]
        changed = await http.put(
            f"/api/canned/{reply_id}", json={"title": "运费", "text": "全场包邮。"}, headers=as_sam
        )
        missing = await http.delete("/api/canned/9999", headers=as_sam)
        listing = (await http.get("/api/canned", headers=as_alice)).json()["canned"]
    assert added.status_code == 201 and pushed["canned"][-1] == {"id": reply_id, **reply}
    assert refused.status_code == 403 and blank.status_code == 400 and broken.status_code == 400
    assert changed.json()["reply"]["text"] == "全场包邮。" and missing.status_code == 404
    assert listing[-1] == {"id": reply_id, "title": "运费", "text": "全场包邮。"}
    again = await desk.agent("bob")  # a console opened later gets the list with hello
    await alice.close()
    await again.close()
    hello = [data for event, data in again.seen if event == "hello"][0]
    assert hello["canned"] == listing


async def test_a_low_rating_alerts_the_supervisors_at_once(desk: Desk) -> None:
    alice = await desk.agent("alice")
    sam = await desk.agent("sam")
    await sam.ask("set_presence", {"status": "away"})  # chats go to alice
    for score in (4, 1):
        widget, session_id = await desk.shopper()
        await widget.say("转人工", session_id)
        ticket = (await alice.next("ticket_assigned"))["ticket"]
        await alice.ask("close_ticket", {"ticket_id": ticket["id"], "resolution_code": "resolved"})
        await _next_system(widget, "打分")
        await widget.say(f'/csat{{"score":{score}}}', session_id, title=f"{score}分")
        await _next_system(widget, "感谢您的评价")
        await widget.close()
    alert = await sam.next("unhappy_rating")
    assert (alert["ticket"]["id"], alert["score"]) == (ticket["id"], 1)  # the 4 told nobody
    assert alert["ticket"]["agent_name"] == "小美"
    await alice.ask("set_presence", {"status": "online"})  # anything sent to her is in by now
    with pytest.raises(asyncio.TimeoutError):
        await alice.next("unhappy_rating", timeout=0.5)  # agents are not alerted
    await alice.close()
    await sam.close()


async def test_hand_back_resumes_the_bot(desk: Desk) -> None:
    alice = await desk.agent("alice")
    widget, session_id = await desk.shopper()
    await widget.say("转人工", session_id)
    ticket = (await alice.next("ticket_assigned"))["ticket"]
    answer = await alice.ask("hand_back", {"ticket_id": ticket["id"]})
    greeting = await _next_from(widget, "bot", containing="回来")
    await widget.say("你好", session_id)
    bot = await _next_from(widget, "bot", containing="收到")
    assert answer["ticket"]["resolution_code"] == "handed_back"
    assert greeting and bot["text"] == "收到：你好"
    assert {"event": "resume"} in desk.rasa.recorded[session_id]
    await widget.close()
    await alice.close()


async def test_transfer_to_a_team_reaches_an_agent_with_that_skill(desk: Desk) -> None:
    alice = await desk.agent("alice")
    widget, session_id = await desk.shopper()
    await widget.say("转人工", session_id)
    ticket = (await alice.next("ticket_assigned"))["ticket"]
    bob = await desk.agent("bob")
    moved = await alice.ask(
        "transfer_ticket", {"ticket_id": ticket["id"], "to_team": "after_sales"}
    )
    taken = (await bob.next("ticket_assigned"))["ticket"]
    assert moved["ok"] and taken["id"] == ticket["id"] and taken["team"] == "after_sales"
    assert taken["agent_name"] == "小王"
    await widget.close()
    await alice.close()
    await bob.close()


async def test_bot_down_with_an_agent_online_goes_to_the_agent(desk: Desk) -> None:
    alice = await desk.agent("alice")
    widget, session_id = await desk.shopper()
    desk.rasa.up = False
    await widget.say("我的快递呢", session_id)
    ticket = (await alice.next("ticket_assigned"))["ticket"]
    notice = await _next_system(widget, "转接人工")
    assert ticket["reason"] == "bot_unavailable" and ticket["summary"] == ["我的快递呢"]
    assert notice
    await widget.close()
    await alice.close()


async def test_waiting_shoppers_see_their_place_move(desk: Desk) -> None:
    carl = await desk.agent("carl")  # one chat at a time
    first, first_id = await desk.shopper()
    second, second_id = await desk.shopper()
    third, third_id = await desk.shopper()
    await first.say("转人工", first_id)
    ticket = (await carl.next("ticket_assigned"))["ticket"]
    await second.say("转人工", second_id)
    assert (await second.next("queue_status"))["position"] == 1
    await third.say("转人工", third_id)
    told = await _next_system(third, "前面还有 1 位")
    statuses = [data for event, data in third.seen if event == "queue_status"]
    assert [status["position"] for status in statuses] == [2]  # told once, not twice
    await third.say("我先说下问题：快递一直没到", third_id)
    assert await _next_system(third, "客服接入后会先看到您的消息")
    await carl.ask("close_ticket", {"ticket_id": ticket["id"], "resolution_code": "resolved"})
    moved = await third.next("queue_status")
    taken = (await carl.next("ticket_assigned"))["ticket"]
    assert told and moved == {
        "position": 1,
        "wait_minutes": moved["wait_minutes"],
        "agents_online": 1,
    }
    assert taken["conversation_id"] == second_id
    for client in (first, second, third, carl):
        await client.close()


async def test_after_hours_the_ticket_waits_and_nothing_is_lost(desk: Desk) -> None:
    widget, session_id = await desk.shopper()
    await widget.say("转人工", session_id)
    notice = await _next_system(widget, "没有在线")
    await widget.say("我留个言：快递一直没到", session_id)
    acknowledged = await _next_system(widget, "已收到您的留言")
    await widget.say("订单号2611210930418825", session_id)
    alice = await desk.agent("alice")
    ticket = (await alice.next("ticket_assigned"))["ticket"]
    opened = await alice.ask("open_ticket", {"ticket_id": ticket["id"]})
    assert notice and acknowledged
    texts = [m["text"] for m in opened["transcript"]]
    assert "我留个言：快递一直没到" in texts and "订单号2611210930418825" in texts
    # Acknowledged once, not for every message left.
    assert sum("已收到您的留言" in text for text in texts) == 1
    await widget.close()
    await alice.close()


async def test_a_waiting_shopper_who_no_longer_wants_a_person_leaves_the_queue(
    desk: Desk,
) -> None:
    # 「不用人工了」 got 「已收到，客服接入后会先看到您的消息」 and the chat stayed queued.
    widget, session_id = await desk.shopper()
    await widget.say("转人工", session_id)
    await _next_system(widget, "没有在线")
    await widget.say("不用人工了", session_id)
    left = await _next_from(widget, "bot", containing="已为您取消排队")
    await widget.say("你好", session_id)
    answer = await _next_from(widget, "bot", containing="收到")

    console = AgentClient(await desk.login("alice"))
    await console.connect(desk.url)
    hello = await console.next("hello")
    assert left and answer["text"] == "收到：你好"
    assert hello["tickets"] == [] and hello["queue"] == []
    assert {"event": "resume"} in desk.rasa.recorded[session_id]
    await widget.close()
    await console.close()


async def test_a_waiting_shopper_in_danger_is_still_checked_on(desk: Desk) -> None:
    widget, session_id = await desk.shopper()
    await widget.say("快递员在我家门口不肯走，还威胁我", session_id)
    await widget.say("不用人工了", session_id)
    told = await _next_system(widget, "安全专员仍会")

    sofia = await desk.agent("sofia")
    ticket = (await sofia.next("ticket_assigned"))["ticket"]
    assert "110" in told
    assert (ticket["priority"], ticket["team"]) == ("urgent", "safety")
    await widget.close()
    await sofia.close()


async def test_disconnected_agent_loses_the_chat_after_the_grace_period(desk: Desk) -> None:
    alice = await desk.agent("alice")
    widget, session_id = await desk.shopper()
    await widget.say("转人工", session_id)
    ticket = (await alice.next("ticket_assigned"))["ticket"]
    await alice.close()
    await _next_system(widget, "重新排队")
    bob = await desk.agent("bob")
    taken = (await bob.next("ticket_assigned"))["ticket"]
    assert taken["id"] == ticket["id"]
    await widget.close()
    await bob.close()


async def test_reconnecting_within_grace_keeps_the_chat(desk: Desk) -> None:
    alice = await desk.agent("alice")
    widget, session_id = await desk.shopper()
    await widget.say("转人工", session_id)
    ticket = (await alice.next("ticket_assigned"))["ticket"]
    await alice.close()
    await widget.say("还在吗？我等很久了", session_id)  # while her console was away
    again = AgentClient(await desk.login("alice"))
    await again.connect(desk.url)
    hello = await again.next("hello")
    assert [t["id"] for t in hello["tickets"]] == [ticket["id"]]
    # The list previews the newest message, not the summary from the handoff.
    last = hello["tickets"][0]["last_message"]
    assert (last["sender"], last["text"]) == ("shopper", "还在吗？我等很久了")
    await widget.close()
    await again.close()


async def test_malformed_console_events_get_clear_errors(desk: Desk) -> None:
    alice = await desk.agent("alice")
    cases = [
        ("agent_message", {"text": "hi"}, "invalid_input"),
        ("agent_message", {"ticket_id": "1", "text": "hi"}, "invalid_input"),
        ("agent_message", {"ticket_id": 1, "text": "长" * 2001}, "invalid_input"),
        ("claim_ticket", {"ticket_id": 999}, "ticket_not_found"),
        ("close_ticket", {"ticket_id": 1, "resolution_code": "whatever"}, "invalid_input"),
        ("transfer_ticket", {"ticket_id": 1}, "invalid_input"),
        ("set_presence", "online", "invalid_input"),
    ]
    for event, payload, code in cases:
        answer = await alice.ask(event, payload)
        assert answer["ok"] is False and answer["error"]["code"] == code, (event, answer)
        assert (await alice.next("console_error"))["code"] == code
    assert (await alice.ask("set_presence", {"status": "away"}))["ok"] is True
    await alice.close()


async def test_rest_api_lists_filters_and_documents_tickets(desk: Desk) -> None:
    widget, session_id = await desk.shopper()
    await widget.say("转人工", session_id)
    await _next_system(widget, "没有在线")
    headers = {"Authorization": f"Bearer {await desk.login('sam')}"}
    async with httpx.AsyncClient(base_url=desk.url, headers=headers) as http:
        queued = (await http.get("/api/tickets", params={"status": "queued"})).json()["tickets"]
        none = (await http.get("/api/tickets", params={"priority": "urgent"})).json()["tickets"]
        bad = await http.get("/api/tickets", params={"status": "lost"})
        detail = (await http.get(f"/api/tickets/{queued[0]['id']}")).json()
        missing = await http.get("/api/tickets/999")
        schema = (await http.get("/api/openapi.json")).json()
    assert [t["conversation_id"] for t in queued] == [session_id]
    assert none == [] and bad.status_code == 400 and missing.status_code == 404
    assert detail["transcript"][0]["text"] == "转人工"
    assert {"/api/login", "/api/tickets", "/api/tickets/{ticket_id}"} <= set(schema["paths"])
    await widget.close()


async def test_private_data_is_masked_for_agents_who_do_not_hold_the_ticket(desk: Desk) -> None:
    widget, session_id = await desk.shopper()
    await widget.say("转人工 我电话13912345678", session_id)
    await _next_system(widget, "没有在线")
    alice = await desk.agent("alice")  # online now: the ticket is hers
    ticket = (await alice.next("ticket_assigned"))["ticket"]
    mine = await alice.ask("open_ticket", {"ticket_id": ticket["id"]})
    headers = {"Authorization": f"Bearer {await desk.login('bob')}"}
    async with httpx.AsyncClient(base_url=desk.url, headers=headers) as http:
        theirs = (await http.get(f"/api/tickets/{ticket['id']}")).json()
    assert mine["transcript"][0]["text"] == "转人工 我电话13912345678"
    assert theirs["transcript"][0]["text"] == "转人工 我电话139****5678"
    assert theirs["ticket"]["summary"] == ["转人工 我电话139****5678"]
    await widget.close()
    await alice.close()


async def _restartable(tmp_path: Path) -> Settings:
    """Settings of a gateway that keeps its data in ``tmp_path`` across restarts."""
    settings = Settings(
        database_url=f"sqlite:///{tmp_path}/kefu.db",
        shop_database_url=f"sqlite:///{tmp_path}/shop.db",
        identity_secret=SECRET,
        agent_grace=30,
        var_dir=tmp_path,
    )
    await _add_users(settings.database_url)
    return settings


async def _alice_takes_a_chat(desk: Desk) -> tuple[AgentClient, WidgetClient, str, dict]:
    alice = await desk.agent("alice")
    widget, session_id = await desk.shopper()
    await widget.say("转人工", session_id)
    ticket = (await alice.next("ticket_assigned"))["ticket"]
    return alice, widget, session_id, ticket


async def test_restart_keeps_queue_assignment_and_history(tmp_path: Path) -> None:
    settings = await _restartable(tmp_path)
    port = free_port()
    rasa = FakeRasa()
    async with serving(create_app(settings, rasa_transport=rasa.transport()), port) as url:
        alice, widget, session_id, ticket = await _alice_takes_a_chat(Desk(url, rasa, settings))
        await widget.say("重启前的消息", session_id)
        await alice.next("ticket_message")
        token = alice.auth["token"]
        await widget.close()
        await alice.close()
    async with serving(create_app(settings, rasa_transport=rasa.transport()), port) as url:
        widget = WidgetClient()
        await widget.connect(url)
        _, history = await widget.start_session(session_id)
        console = AgentClient(token)
        await console.connect(url)
        hello = await console.next("hello")
        await widget.say("重启后的消息", session_id)
        after = await console.next("ticket_message")
        await widget.close()
        await console.close()
    assert "重启前的消息" in [m["text"] for m in history]
    assert [t["id"] for t in hello["tickets"]] == [ticket["id"]]
    assert after["message"]["text"] == "重启后的消息"


async def test_chats_of_an_agent_who_left_before_a_restart_return_to_the_queue(
    tmp_path: Path,
) -> None:
    settings = await _restartable(tmp_path)
    port = free_port()
    rasa = FakeRasa()
    async with serving(create_app(settings, rasa_transport=rasa.transport()), port) as url:
        alice, widget, session_id, ticket = await _alice_takes_a_chat(Desk(url, rasa, settings))
        await alice.close()  # her grace period starts, and the gateway stops within it
        await widget.close()
    settings = dataclasses.replace(settings, agent_grace=0.5)
    async with serving(create_app(settings, rasa_transport=rasa.transport()), port) as url:
        desk = Desk(url, rasa, settings)
        bob = await desk.agent("bob")
        taken = (await bob.next("ticket_assigned"))["ticket"]  # she never came back
        widget = WidgetClient()
        await widget.connect(url)
        _, history = await widget.start_session(session_id)
        await widget.close()
        await bob.close()
    assert taken["id"] == ticket["id"]
    assert any("离开" in m["text"] for m in history if m["sender"] == "system")


async def _next_from(widget: WidgetClient, sender: str, containing: str = "") -> dict:
    while True:
        message = await widget.next("bot_uttered")
        if message.get("sender") == sender and containing in message.get("text", ""):
            return message


async def _next_system(widget: WidgetClient, containing: str) -> str:
    return str((await _next_from(widget, "system", containing))["text"])


async def _api_ticket(desk: Desk, ticket_id: int) -> dict:
    headers = {"Authorization": f"Bearer {await desk.login('sam')}"}
    async with httpx.AsyncClient(base_url=desk.url, headers=headers) as http:
        return (await http.get(f"/api/tickets/{ticket_id}")).json()["ticket"]
