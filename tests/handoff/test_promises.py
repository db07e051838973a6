"""Promises belong to the ticket; closing it closes them; words that promise a reply are found."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.orm import sessionmaker

from handoff.errors import PromiseNotFound
from handoff.promises import CANCELLED, FOLLOW_UP_WINDOW, PromiseBook, promised_reply
from handoff.queue import HandoffQueue
from handoff.report import Period, _promises
from handoff.watch import Watchman
from tests.handoff.conftest import NOW, Clock, MakeAgent, OpenTicket
from tests.handoff.test_clocks import Bus

#: Monday 23 November 2026, 10:00 in Shanghai.
MONDAY_10 = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
HOUR = Period(NOW, NOW + timedelta(hours=3))


async def _scored(sessions: sessionmaker) -> dict[str, object]:
    """The report's promise scores for the hours after ``NOW``."""
    async with sessions() as s:
        return await _promises(s, HOUR)


@pytest.fixture
def promises(sessions: sessionmaker, clock: Clock) -> PromiseBook:
    return PromiseBook(sessions, clock)


@pytest.mark.parametrize(
    ("text", "phrase", "minutes"),
    [
        ("我去核实一下，1小时内回复您。", "1小时内回复您", 60),
        ("30分钟内给您答复", "30分钟内给您答复", 30),
        ("明天上午给您回电", "明天上午给您回电", 26 * 60),  # Tuesday 12:00 in Shanghai
        ("已经为您登记反馈，相关同事会在24小时内联系您。", "24小时内联系您", 1440),
        ("半小时内给您回复", "半小时内给您回复", 30),
        ("一个半小时内回复你", "一个半小时内回复你", 90),
        ("两个小时内答复您", "两个小时内答复您", 120),
        ("十五分钟后联系您", "十五分钟后联系您", 15),
        ("1-2小时内给您回复", "1-2小时内给您回复", 120),  # the shopper holds us to the longer end
        ("3个工作日内通知您", "3个工作日内通知您", 3 * 1440 + 8 * 60),  # Thursday 18:00
        ("今天下午给您回电话", "今天下午给您回电话", 8 * 60),
        ("我稍后回复您", "稍后回复您", None),  # no time said: the agent sets it
        ("15天内联系您", "15天内联系您", None),  # past 7 days: the agent sets it
    ],
)
def test_replies_promised_in_words_are_found_with_their_time(
    text: str, phrase: str, minutes: int | None
) -> None:
    found = promised_reply(text, MONDAY_10)
    assert found is not None
    assert (found.phrase, found.due_in_minutes) == (phrase, minutes)
    assert found.to_dict() == {"note": phrase, "due_in_minutes": minutes}


@pytest.mark.parametrize(
    "text",
    [
        "退款1-3个工作日原路到账",  # a refund's way, not a reply
        "好的，我这边帮您查询一下，请稍等1-2分钟。",  # the canned 稍等: no reply promised
        "物流信息一般24小时内更新",
        "无法在1小时内回复您，请见谅",
        "签收7天内支持无理由退货",
        "您好，请问有什么可以帮您？",
    ],
)
def test_words_that_promise_no_reply_are_not_taken_for_one(text: str) -> None:
    assert promised_reply(text, MONDAY_10) is None


def test_a_time_already_gone_today_gives_no_minutes() -> None:
    evening = MONDAY_10 + timedelta(hours=10)  # 20:00 in Shanghai
    found = promised_reply("今天下午给您回电", evening)
    assert found is not None and found.due_in_minutes is None


async def test_a_promise_moves_with_its_ticket_to_whoever_holds_it(
    queue: HandoffQueue,
    promises: PromiseBook,
    make_agent: MakeAgent,
    open_ticket: OpenTicket,
    clock: Clock,
    sessions: sessionmaker,
) -> None:
    alice = await make_agent("alice")
    bob = await make_agent("bob", skills="general,after_sales")
    ticket = await open_ticket("c-moved")
    await queue.claim(ticket, alice.id)
    made = await promises.make(ticket, alice.id, 60, "1小时内回复您")

    await queue.transfer(ticket, alice.id, None, "after_sales")  # waiting: still alice's
    assert [p.id for p in await promises.open_for(alice.id)] == [made.id]
    await queue.claim(ticket, bob.id)

    assert await promises.open_for(alice.id) == []
    [held] = await promises.open_for(bob.id)
    assert (held.agent_id, held.agent_name, held.made_by) == (bob.id, "Bob", alice.id)
    bus = Bus()
    watchman = Watchman(queue, promises, bus, timedelta(seconds=30), clock)
    clock.advance(minutes=56)
    await watchman.round()
    assert [room for _, room in bus.events("promise_due_soon")] == [f"agent:{bob.id}"]

    kept = await promises.fulfil(made.id, bob.id)  # the holder keeps it
    assert kept.status == "fulfilled"
    scored = await _scored(sessions)
    assert (scored["kept"], scored["kept_share"]) == (1, 1.0)


async def test_only_the_maker_the_holder_or_a_supervisor_may_mark_it_kept(
    queue: HandoffQueue, promises: PromiseBook, make_agent: MakeAgent, open_ticket: OpenTicket
) -> None:
    alice = await make_agent("alice")
    carol = await make_agent("carol")
    sam = await make_agent("sam", role="supervisor")
    ticket = await open_ticket("c-who")
    await queue.claim(ticket, alice.id)
    first = await promises.make(ticket, alice.id, 60, "回电")
    second = await promises.make(ticket, alice.id, 60, "补发")
    with pytest.raises(PromiseNotFound):
        await promises.fulfil(first.id, carol.id)
    assert (await promises.fulfil(first.id, sam.id, supervisor=True)).status == "fulfilled"
    assert (await promises.fulfil(second.id, alice.id)).status == "fulfilled"


async def test_closing_a_ticket_closes_its_promises_instead_of_leaving_them_overdue(
    queue: HandoffQueue,
    promises: PromiseBook,
    make_agent: MakeAgent,
    open_ticket: OpenTicket,
    clock: Clock,
    sessions: sessionmaker,
) -> None:
    alice = await make_agent("alice")
    ticket = await open_ticket("c-closed")
    await queue.claim(ticket, alice.id)
    made = await promises.make(ticket, alice.id, 2, "2分钟内回复您")
    await queue.hand_back(ticket, alice.id)
    [closed] = await promises.close_with_ticket(ticket)

    assert (closed.id, closed.status, closed.agent_id) == (made.id, CANCELLED, alice.id)
    assert await promises.open_for(alice.id) == []
    bus = Bus()
    clock.advance(minutes=5)
    await Watchman(queue, promises, bus, timedelta(seconds=30), clock).round()
    assert bus.events("promise_overdue") == [] and bus.events("promise_due_soon") == []
    assert await _scored(sessions) == {
        "due": 1, "kept": 0, "kept_late": 0, "overdue": 0, "open": 0, "cancelled": 1,
        "kept_share": 0.0,
    }  # fmt: skip

    # The shopper asking after it later is asking within the window, then no more.
    assert [p.id for p in await promises.closed_unkept("c-closed")] == [made.id]
    clock.now = made.due_at + FOLLOW_UP_WINDOW + timedelta(minutes=1)
    assert await promises.closed_unkept("c-closed") == []


async def test_a_kept_promise_is_not_closed_with_the_ticket(
    queue: HandoffQueue, promises: PromiseBook, make_agent: MakeAgent, open_ticket: OpenTicket
) -> None:
    alice = await make_agent("alice")
    ticket = await open_ticket("c-kept")
    await queue.claim(ticket, alice.id)
    made = await promises.make(ticket, alice.id, 60, "回电")
    await promises.fulfil(made.id, alice.id)
    await queue.close(ticket, alice.id, "resolved", None)
    assert await promises.close_with_ticket(ticket) == []
    assert await promises.closed_unkept("c-kept") == []
