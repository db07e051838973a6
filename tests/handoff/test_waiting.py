"""A shopper waiting in the queue is never left talking into the void."""

from __future__ import annotations

from datetime import datetime, time, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml

from handoff import copy
from handoff.desk import HelpDesk
from handoff.queue import HandoffQueue
from handoff.waiting import (
    ASKS_WAIT,
    DEADLINE,
    LEFT,
    REMIND_AFTER,
    ServiceHours,
    Standing,
    WaitingReplies,
    kind_of,
    way_out_button,
)
from tests.handoff.conftest import Clock, MakeAgent, OpenTicket
from tests.handoff.test_desk_safety import Bus, Conversations

DOMAIN = Path(__file__).resolve().parents[2] / "domain.yml"
HOURS = ServiceHours(time(9), time(22), "每天 9:00–22:00")
# Shop time is UTC+8: 14:00 and 23:30 in the shop.
AFTERNOON = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)
LATE_NIGHT = datetime(2026, 11, 23, 15, 30, tzinfo=timezone.utc)
NOBODY = Standing(position=1, wait_minutes=5, agents_online=0)


@pytest.mark.parametrize(
    "text",
    ["多久能回复我", "有人吗", "在吗", "今天能回复吗", "还要等多久", "什么时候有人", "人呢？"],
)
def test_questions_about_the_wait_are_told_apart(text: str) -> None:
    assert kind_of(text) == ASKS_WAIT


@pytest.mark.parametrize("text", ["今天之内必须给我答复", "明天之前给我个说法", "3点前回复我"])
def test_deadlines_are_told_apart(text: str) -> None:
    assert kind_of(text) == DEADLINE


@pytest.mark.parametrize(
    "text", ["我留个言：快递一直没到", "订单号2611210930418825", "三天前买的羽绒服", "不等了"]
)
def test_other_messages_are_left_for_the_agent(text: str) -> None:
    assert kind_of(text) == LEFT


def test_the_hours_are_the_ones_the_bot_tells_shoppers() -> None:
    domain = yaml.safe_load(DOMAIN.read_text(encoding="utf-8"))

    assert ServiceHours.from_domain(domain) == HOURS
    assert ServiceHours.from_domain({"responses": {}}) is None


def test_off_duty_the_next_opening_is_named() -> None:
    early = datetime(2026, 11, 23, 0, 30, tzinfo=timezone.utc)  # 8:30 in the shop

    assert HOURS.next_opening(AFTERNOON) is None
    assert HOURS.next_opening(early) == "今天 9:00"
    assert HOURS.next_opening(LATE_NIGHT) == "明天 9:00"


def test_asked_when_with_nobody_on_duty_the_shopper_gets_the_hours_and_a_way_out() -> None:
    reply = WaitingReplies(HOURS, lambda: LATE_NIGHT).reply(ASKS_WAIT, NOBODY)

    assert reply == {
        "text": copy.WAIT_OFF_DUTY.format(hours="每天 9:00–22:00", opening="明天 9:00")
        + copy.WAY_OUT,
        "quick_replies": way_out_button(),
    }
    assert "明天 9:00 客服上线后会第一时间回复您" in reply["text"]


def test_asked_when_in_shop_hours_with_nobody_online() -> None:
    reply = WaitingReplies(HOURS, lambda: AFTERNOON).reply(ASKS_WAIT, NOBODY)

    assert reply["text"].startswith(copy.WAIT_NOBODY_ON_DUTY.format(hours="每天 9:00–22:00"))
    assert reply["quick_replies"] == way_out_button()


def test_asked_when_while_agents_are_busy_the_shopper_gets_their_place() -> None:
    replies = WaitingReplies(HOURS, lambda: AFTERNOON)
    third = Standing(position=3, wait_minutes=6, agents_online=2)
    long = Standing(position=8, wait_minutes=25, agents_online=1)

    assert replies.reply(ASKS_WAIT, third) == {"text": copy.WAIT_AHEAD.format(ahead=2, minutes=6)}
    assert replies.reply(ASKS_WAIT, long)["quick_replies"] == way_out_button()


def test_a_deadline_is_recorded_and_answered_with_where_they_stand() -> None:
    reply = WaitingReplies(HOURS, lambda: LATE_NIGHT).reply(DEADLINE, NOBODY)

    assert reply["text"].startswith(copy.DEADLINE_NOTED + "人工客服的在线时间是每天 9:00–22:00")


def test_an_urgent_shopper_gets_the_emergency_numbers_and_no_way_out() -> None:
    urgent = Standing(position=1, wait_minutes=1, agents_online=0, urgent=True)
    replies = WaitingReplies(HOURS, lambda: LATE_NIGHT)

    assert replies.reply(ASKS_WAIT, urgent) == {"text": copy.URGENT_NOBODY_ONLINE}
    assert replies.reply(LEFT, urgent) == {"text": copy.MESSAGE_LEFT_URGENT}


class Rasa:
    """Reads nothing and keeps nothing: the desk only records into it."""

    async def parse(self, text: str) -> dict[str, Any]:
        return {}

    async def append_events(self, conversation_id: str, events: list[dict[str, Any]]) -> None:
        pass


@pytest.fixture
def conversations() -> Conversations:
    return Conversations()


@pytest.fixture
def desk(queue: HandoffQueue, conversations: Conversations, clock: Clock) -> HelpDesk:
    async def to_shopper(*_: Any) -> None:
        pass

    waiting = WaitingReplies(HOURS, clock)
    return HelpDesk(
        queue,
        conversations,  # type: ignore[arg-type]
        Rasa(),  # type: ignore[arg-type]
        Bus(),
        to_shopper,
        waiting=waiting,
    )


async def _say(desk: HelpDesk, text: str) -> None:
    assert await desk.route("conv-1", {"text": text}, text)


async def test_the_queued_shopper_is_answered_but_not_spammed(
    desk: HelpDesk,
    queue: HandoffQueue,
    conversations: Conversations,
    open_ticket: OpenTicket,
    clock: Clock,
) -> None:
    # 「多久能回复我」 after the one 「已收到您的留言」 got no answer at all.
    clock.now = LATE_NIGHT
    ticket_id = await open_ticket("conv-1")
    await _say(desk, "我留个言：快递一直没到")
    await _say(desk, "有人吗")
    await _say(desk, "多久能回复我")
    for n in range(10):
        await _say(desk, f"补充第{n}条")
    await _say(desk, "今天之内必须给我答复")
    clock.advance(seconds=REMIND_AFTER.total_seconds() + 1)
    await _say(desk, "补充最后一条")

    off_duty = copy.WAIT_OFF_DUTY.format(hours="每天 9:00–22:00", opening="明天 9:00")
    assert conversations.texts() == [
        copy.MESSAGE_LEFT,
        off_duty + copy.WAY_OUT,
        off_duty + copy.WAY_OUT,  # every question is answered…
        copy.DEADLINE_NOTED + off_duty + copy.WAY_OUT,
        copy.MESSAGE_LEFT,  # …the ten messages left right after are not; a while later, one is
    ]
    waiting = (await queue.waiting_messages([ticket_id]))[ticket_id]
    assert waiting["count"] == 15 and waiting["last"]["text"] == "补充最后一条"


async def test_asked_how_long_while_agents_are_busy_the_shopper_is_told_their_place(
    desk: HelpDesk,
    queue: HandoffQueue,
    conversations: Conversations,
    open_ticket: OpenTicket,
    make_agent: MakeAgent,
    clock: Clock,
) -> None:
    clock.now = AFTERNOON
    carl = await make_agent("carl", max_chats=1)
    await desk.presence.connected(carl.id, "console-carl")
    await queue.claim(await open_ticket("conv-0"), carl.id)
    await open_ticket("conv-9")
    await open_ticket("conv-1")
    await _say(desk, "快递一直没到")
    clock.advance(seconds=30)
    await _say(desk, "还要等多久")

    # Second in line, one agent, 3 minutes a chat while none was closed yet: 6 minutes.
    assert conversations.texts() == [
        copy.MESSAGE_WAITING,
        copy.WAIT_AHEAD.format(ahead=1, minutes=6),
    ]
