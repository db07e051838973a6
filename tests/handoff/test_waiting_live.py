"""A shopper waiting in the queue, over real socket.io on loopback: always answered.

「转人工」, nobody online, 「有人吗」 got 「已收到您的留言」 and 「多久能回复我」
nothing at all; so did 「今天之内必须给我答复」 after a complaint. The real
safety screen runs, Rasa is a fake (the handoff path needs no model).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.safety import SafetyScreen
from handoff import copy
from tests.handoff.test_live_handoff import Desk, _next_from, _next_system
from tests.handoff.test_safety_flow import DEMO, running_desk
from tests.socket_clients import WidgetClient

HOURS = "每天 9:00–22:00"  # domain.yml's utter_policy_service_hours


@pytest.fixture
async def desk(tmp_path: Path) -> AsyncIterator[Desk]:
    async with running_desk(tmp_path, screen=SafetyScreen().screen) as running:
        yield running


def _system_texts(widget: WidgetClient) -> list[str]:
    return [d["text"] for e, d in widget.seen if e == "bot_uttered" and d["sender"] == "system"]


async def test_with_nobody_online_every_question_is_answered_and_nothing_is_lost(
    desk: Desk,
) -> None:
    widget, session_id = await desk.shopper()
    await widget.say("转人工", session_id, **DEMO)
    await _next_system(widget, "没有在线")
    left = ["我留个言：快递一直没到", "订单号2611210930418825", "收件人写的是我妈", "地址没错"]
    for text in left:  # quick, one after the other
        await widget.say(text, session_id, **DEMO)
    await widget.say("有人吗", session_id, **DEMO)
    there = await _next_from(widget, "system", HOURS)
    await widget.say("多久能回复我", session_id, **DEMO)
    how_long = await _next_from(widget, "system", HOURS)
    await widget.say("今天之内必须给我答复", session_id, **DEMO)
    deadline = await _next_system(widget, copy.DEADLINE_NOTED)
    alice = await desk.agent("alice")
    ticket = (await alice.next("ticket_assigned"))["ticket"]
    opened = await alice.ask("open_ticket", {"ticket_id": ticket["id"]})
    for client in (widget, alice):
        await client.close()

    system = _system_texts(widget)
    assert system.count(copy.MESSAGE_LEFT) == 1  # four messages left, one acknowledgement
    for answer in (there, how_long):
        assert "您的消息都已保存" in answer["text"] and copy.WAY_OUT in answer["text"]
        assert [b["title"] for b in answer["quick_replies"]] == [copy.STOP_WAITING]
    assert HOURS in deadline
    transcript = [m["text"] for m in opened["transcript"]]
    assert all(text in transcript for text in [*left, "有人吗", "多久能回复我"])
    assert "今天之内必须给我答复" in transcript


async def test_a_deadline_after_a_complaint_is_answered_and_the_shopper_may_stop_waiting(
    desk: Desk,
) -> None:
    widget, session_id = await desk.shopper()
    await widget.say("再不处理我就去12315投诉你们", session_id, **DEMO)
    await _next_system(widget, "没有在线")
    await widget.say("今天之内必须给我答复", session_id, **DEMO)
    noted = await _next_from(widget, "system", copy.DEADLINE_NOTED)
    [button] = noted["quick_replies"]
    await widget.say(button["payload"], session_id, title=button["title"], **DEMO)
    left = await _next_from(widget, "bot", "已为您取消排队")
    await widget.close()

    assert HOURS in noted["text"] and left["text"] == copy.WITHDRAWN


async def test_asked_how_long_while_the_agent_is_busy_the_shopper_hears_their_place(
    desk: Desk,
) -> None:
    carl = await desk.agent("carl")  # one chat at a time
    first, first_id = await desk.shopper()
    await first.say("转人工", first_id, **DEMO)
    await carl.next("ticket_assigned")
    second, second_id = await desk.shopper()
    await second.say("转人工", second_id, **DEMO)
    await _next_system(second, "您是下一位")
    await second.say("还要等多久", second_id, **DEMO)
    told = await _next_from(second, "system", "客服正在忙")
    for client in (first, second, carl):
        await client.close()

    # One agent, 3 minutes a chat while none was closed yet.
    assert told == {**told, "text": copy.WAIT_NEXT.format(minutes=3)}
    assert "quick_replies" not in told  # a short wait: no way out pushed
