"""The supervisor's service report, on SQLite and PostgreSQL, from real queue operations."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import sessionmaker

from bot.models import Conversation, Message
from bot.schema import create_gateway_schema
from bot.trainer.models import NluMiss
from handoff.errors import InvalidInput
from handoff.promises import PromiseBook
from handoff.queue import HandoffQueue
from handoff.report import MAX_PERIOD, Period, ServiceReport, period_of, spread
from tests.handoff.conftest import NOW, Clock, MakeAgent

HOUR = Period(NOW, NOW + timedelta(hours=1))


class Shop:
    """Writes what the gateway would: messages and inbox entries, at the test clock."""

    def __init__(self, sessions: sessionmaker, clock: Clock) -> None:
        self.sessions, self.clock = sessions, clock
        self.ids = 0

    async def say(
        self, conversation_id: str, sender: str = "shopper", status: str | None = None
    ) -> None:
        async with self.sessions.begin() as s:
            if await s.get(Conversation, conversation_id) is None:
                s.add(Conversation(id=conversation_id, created_at=NOW, updated_at=NOW))
            s.add(
                Message(
                    conversation_id=conversation_id,
                    sender=sender,
                    text="你好",
                    payload={},
                    status=status or ("answered" if sender == "shopper" else None),
                    created_at=self.clock(),
                )
            )

    async def miss(self, reason: str) -> None:
        self.ids += 1
        async with self.sessions.begin() as s:
            s.add(
                NluMiss(
                    conversation_id="c",
                    message_id=self.ids,
                    text="啊这",
                    reason=reason,
                    created_at=self.clock(),
                )
            )


@pytest.fixture
async def shop(engine: AsyncEngine, sessions: sessionmaker, clock: Clock) -> Shop:
    await create_gateway_schema(engine)  # the conversations and the inbox beside the tickets
    return Shop(sessions, clock)


async def _open(queue: HandoffQueue, conversation_id: str, **fields: Any) -> int:
    args = {"shopper_id": None, "reason": "requested", "priority": "normal", "team": "general"}
    view, _ = await queue.open_ticket(conversation_id, summary=["你好"], **(args | fields))
    return view.id


async def _an_hour_of_service(
    shop: Shop, queue: HandoffQueue, clock: Clock, make_agent: MakeAgent, sessions: sessionmaker
) -> None:
    """Five conversations in the hour, three handed to people; one the hour before."""
    alice = await make_agent("alice")
    bob = await make_agent("bob", skills="safety")
    promises = PromiseBook(sessions, clock)

    # The hour before: a ticket on c1 whose agent reply must not count for today's.
    clock.now = NOW - timedelta(minutes=30)
    await shop.say("c1")
    earlier = await _open(queue, "c1")
    await queue.claim(earlier, alice.id)
    await shop.say("c1", "agent")
    await queue.close(earlier, alice.id, "resolved")
    await shop.say("c0")
    await shop.miss("fallback")

    clock.now = NOW
    for conversation in ("c1", "c2", "c3", "c4"):
        await shop.say(conversation)
    await shop.say("c4", status="handed_off")  # read by a person, not the NLU
    await shop.say("c6", "bot")  # the bot greeted, the shopper never wrote
    await shop.miss("fallback")
    await shop.miss("fallback")
    await shop.miss("low_confidence")

    clock.now = NOW + timedelta(minutes=1)
    first = await _open(queue, "c1")
    clock.now = NOW + timedelta(minutes=2)
    urgent = await _open(queue, "c2", reason="emergency", priority="urgent", team="safety")
    clock.now = NOW + timedelta(minutes=2, seconds=30)
    await queue.assign_waiting([bob.id])  # the urgent one first: 30 s
    clock.now = NOW + timedelta(minutes=3)
    await queue.claim(first, alice.id)  # 120 s
    await shop.say("c2", "agent")  # bob's first reply: 60 s
    kept_late = await promises.make(urgent, bob.id, 5, "查到后回复")
    clock.now = NOW + timedelta(minutes=4)
    await shop.say("c1", "agent")  # alice's first reply: 180 s
    kept = await promises.make(first, alice.id, 10, "核实物流")
    clock.now = NOW + timedelta(minutes=5)
    await shop.say("c1", "agent")
    clock.now = NOW + timedelta(minutes=8)
    await promises.fulfil(kept.id, alice.id)
    clock.now = NOW + timedelta(minutes=10)
    await queue.close(first, alice.id, "resolved")
    await queue.rate("c1", 5)
    await promises.make(urgent, bob.id, 60, "明天回电")  # due after the hour
    clock.now = NOW + timedelta(minutes=15)
    await promises.fulfil(kept_late.id, bob.id)
    clock.now = NOW + timedelta(minutes=20)
    await queue.close(urgent, bob.id, "other", note="已报警并回访")
    await queue.rate("c2", 2)
    clock.now = NOW + timedelta(minutes=30)
    await shop.say("c7")
    await _open(queue, "c7", reason="bot_not_understanding")


async def test_report_counts_the_bot_the_people_and_the_waits(
    shop: Shop, queue: HandoffQueue, clock: Clock, make_agent: MakeAgent, sessions: sessionmaker
) -> None:
    await _an_hour_of_service(shop, queue, clock, make_agent, sessions)
    report = await ServiceReport(sessions).build(HOUR)

    assert report["conversations"] == {
        "total": 5, "handed_off": 3, "bot_only": 2, "bot_only_share": 0.4,
    }  # fmt: skip
    assert report["messages"] == {
        "shopper": 6, "answered_by_bot": 5, "not_understood": 2, "unsure": 1,
        "not_understood_share": 0.4,
    }  # fmt: skip
    tickets = report["tickets"]
    assert (tickets["opened"], tickets["closed"], tickets["open_now"]) == (3, 2, 1)
    assert tickets["by_reason"]["requested"] == 1 and tickets["by_reason"]["emergency"] == 1
    assert tickets["by_reason"]["complaint"] == 0  # every reason shown, zeros too
    assert tickets["by_team"] == {"general": 2, "after_sales": 0, "security": 0, "safety": 1}
    assert tickets["by_priority"] == {"urgent": 1, "high": 0, "normal": 2}
    assert tickets["by_resolution"]["resolved"] == 1 and tickets["by_resolution"]["other"] == 1

    waits = report["waits"]
    assert waits["to_agent"] == {"count": 2, "median": 75.0, "p90": 120.0, "max": 120.0}
    assert waits["to_first_reply"] == {"count": 2, "median": 120.0, "p90": 180.0, "max": 180.0}
    assert waits["urgent_to_agent"] == {"count": 1, "median": 30.0, "p90": 30.0, "max": 30.0}
    assert (waits["never_taken"], waits["urgent_never_taken"]) == (1, 0)

    assert report["csat"] == {
        "rated": 2,
        "rated_share": 1.0,
        "average": 3.5,
        "satisfied_share": 0.5,
        "scores": {"1": 0, "2": 1, "3": 0, "4": 0, "5": 1},
    }
    assert report["promises"] == {
        "due": 2, "kept": 1, "kept_late": 1, "overdue": 0, "open": 0, "cancelled": 0,
        "kept_share": 0.5,
    }  # fmt: skip
    agents = {a["name"]: a for a in report["agents"]}
    assert set(agents) == {"Alice", "Bob"}
    assert (agents["Alice"]["tickets"], agents["Alice"]["csat_average"]) == (1, 5.0)
    assert agents["Alice"]["to_first_reply"]["median"] == 180.0
    assert (agents["Bob"]["closed"], agents["Bob"]["rated"]) == (1, 1)
    assert report["period"]["since"] == NOW.isoformat()


async def test_a_transferred_ticket_counts_for_each_agent_and_closes_for_the_last(
    shop: Shop, queue: HandoffQueue, clock: Clock, make_agent: MakeAgent, sessions: sessionmaker
) -> None:
    alice = await make_agent("alice")
    bob = await make_agent("bob")
    carol = await make_agent("carol")
    clock.now = NOW + timedelta(minutes=1)
    await shop.say("c1")
    ticket = await _open(queue, "c1")
    await queue.claim(ticket, alice.id)
    await queue.transfer(ticket, alice.id, to_agent_id=bob.id)
    await queue.transfer(ticket, bob.id, to_team="general")
    await queue.assign_waiting([carol.id])
    await queue.close(ticket, carol.id, "resolved")
    await queue.rate("c1", 4)

    report = await ServiceReport(sessions).build(HOUR)

    # Credited to the last holder alone, Alice's and Bob's work did not show.
    agents = {a["name"]: (a["tickets"], a["passed_on"], a["closed"], a["rated"])
              for a in report["agents"]}  # fmt: skip
    assert agents == {"Alice": (1, 1, 0, 0), "Bob": (1, 1, 0, 0), "Carol": (1, 0, 1, 1)}
    assert report["tickets"]["opened"] == 1


async def test_report_of_a_quiet_period_is_zeros_not_errors(
    shop: Shop, queue: HandoffQueue, clock: Clock, make_agent: MakeAgent, sessions: sessionmaker
) -> None:
    await _an_hour_of_service(shop, queue, clock, make_agent, sessions)
    report = await ServiceReport(sessions).build(
        Period(NOW + timedelta(days=1), NOW + timedelta(days=2))
    )
    assert report["conversations"]["total"] == 0
    assert report["conversations"]["bot_only_share"] is None
    assert report["waits"]["to_agent"] == {"count": 0, "median": None, "p90": None, "max": None}
    assert report["csat"]["average"] is None and report["agents"] == []


async def test_overdue_and_open_promises_are_told_apart(
    shop: Shop, queue: HandoffQueue, clock: Clock, make_agent: MakeAgent, sessions: sessionmaker
) -> None:
    alice = await make_agent("alice")
    promises = PromiseBook(sessions, clock)
    ticket = await _open(queue, "c1")
    await queue.claim(ticket, alice.id)
    await promises.make(ticket, alice.id, 10, "回电")
    await promises.make(ticket, alice.id, 50, "补发")
    clock.advance(minutes=20)
    await promises.newly_overdue()
    report = await ServiceReport(sessions).build(HOUR)
    assert report["promises"] == {
        "due": 2, "kept": 0, "kept_late": 0, "overdue": 1, "open": 1, "cancelled": 0,
        "kept_share": 0.0,
    }  # fmt: skip


def test_spread_uses_the_nearest_rank_for_p90() -> None:
    assert spread(range(1, 11)) == {"count": 10, "median": 5.5, "p90": 9, "max": 10}
    assert spread([7.04]) == {"count": 1, "median": 7.0, "p90": 7.0, "max": 7.0}


def test_period_defaults_to_the_last_day_and_reads_offsets() -> None:
    assert period_of(None, None, NOW) == Period(NOW - timedelta(days=1), NOW)
    beijing = period_of("2026-11-23T00:00:00+08:00", "2026-11-24T00:00:00 08:00", NOW)
    assert beijing.since == datetime(2026, 11, 22, 16, tzinfo=timezone.utc)
    assert beijing.until - beijing.since == timedelta(days=1)
    assert period_of("2026-11-23T09:00:00Z", None, NOW).since == NOW - timedelta(hours=1)
    assert period_of("2026-11-23T09:00", None, NOW).since.tzinfo is timezone.utc


@pytest.mark.parametrize(
    ("since", "until", "message"),
    [
        ("yesterday", None, "ISO 8601"),
        ("2026-11-23T10:00:00Z", "2026-11-23T10:00:00Z", "before until"),
        ("2026-11-24T00:00:00Z", None, "before until"),
        ("2026-01-01T00:00:00Z", None, f"at most {MAX_PERIOD.days} days"),
    ],
)
def test_period_refuses_what_it_cannot_report(since: str, until: str | None, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        period_of(since, until, NOW)
