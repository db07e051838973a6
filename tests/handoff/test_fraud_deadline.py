"""Tickets raised for fraud under way have a claim deadline too, with the urgent alert path."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import sessionmaker

from bot.settings import Settings, SettingsError
from handoff.escalation import Escalation
from handoff.promises import PromiseBook
from handoff.queue import HandoffQueue
from handoff.watch import Watchman
from tests.handoff.conftest import Clock, MakeAgent, OpenTicket
from tests.handoff.test_clocks import Bus
from tests.handoff.test_escalation import OnCall
from tests.handoff.test_safety_flow import DEMO, running_desk
from tests.servers import serving

FRAUD_FLAG = {"level": "high", "category": "fraud", "matched": ["安全账户"], "messages": []}
COMPLAINT_FLAG = {"level": "high", "category": "complaint", "matched": ["12315"], "messages": []}


@pytest.fixture
def watchman(queue: HandoffQueue, sessions: sessionmaker, bus: Bus, clock: Clock) -> Watchman:
    promises = PromiseBook(sessions, clock)
    return Watchman(
        queue,
        promises,
        bus,
        timedelta(seconds=30),
        clock,
        fraud_claim_deadline=timedelta(seconds=90),
    )


@pytest.fixture
def bus() -> Bus:
    return Bus()


async def _fraud_ticket(open_ticket: OpenTicket, queue: HandoffQueue, conversation: str) -> int:
    """A ticket as ``HelpDesk.flag`` leaves it for fraud: high, security, flagged."""
    ticket = await open_ticket(
        conversation, priority="high", team="security", reason="account_security"
    )
    await queue.record_event(ticket, "safety_flagged", FRAUD_FLAG)
    return ticket


async def _missed(watchman: Watchman, bus: Bus) -> list[tuple[int, str, int]]:
    """Run a round; (ticket, deadline kind, wait) of the deadlines it announced."""
    before = len(bus.events("claim_deadline_missed"))
    await watchman.round()
    return [
        (p["ticket"]["id"], p["deadline"], p["waited_seconds"])
        for p, _ in bus.events("claim_deadline_missed")[before:]
    ]


async def test_an_unclaimed_fraud_ticket_is_announced_after_its_own_deadline_once(
    queue: HandoffQueue, watchman: Watchman, bus: Bus, clock: Clock, open_ticket: OpenTicket
) -> None:
    fraud = await _fraud_ticket(open_ticket, queue, "c-fraud")
    complaint = await open_ticket("c-complaint", priority="high", team="after_sales")
    await queue.record_event(complaint, "safety_flagged", COMPLAINT_FLAG)
    await open_ticket("c-high", priority="high", team="after_sales", reason="parcel_missing")
    clock.advance(seconds=89)
    assert await _missed(watchman, bus) == []  # past urgent's 30 s: fraud has its own
    clock.advance(seconds=2)
    assert await _missed(watchman, bus) == [(fraud, "fraud", 91)]
    assert await _missed(watchman, bus) == []
    [(payload, room)] = bus.events("claim_deadline_missed")
    assert room == "agents" and payload["deadline_seconds"] == 90
    events = await queue.recent_events(fraud)
    assert [e["data"] for e in events if e["kind"] == "deadline_missed"] == [
        {"waited_seconds": 91, "deadline": "fraud"}
    ]


async def test_urgent_tickets_say_which_deadline_they_missed(
    watchman: Watchman, bus: Bus, clock: Clock, open_ticket: OpenTicket
) -> None:
    urgent = await open_ticket("c-urgent", priority="urgent", team="safety", reason="emergency")
    clock.advance(seconds=31)
    assert await _missed(watchman, bus) == [(urgent, "urgent", 31)]
    assert bus.events("claim_deadline_missed")[0][0]["deadline_seconds"] == 30


async def test_a_waiting_high_ticket_flagged_for_fraud_counts_from_the_flag(
    queue: HandoffQueue, watchman: Watchman, bus: Bus, clock: Clock, open_ticket: OpenTicket
) -> None:
    ticket = await open_ticket("c-1", priority="high", team="after_sales", reason="parcel_missing")
    clock.advance(minutes=10)  # no deadline while it is only a missing parcel
    assert await _missed(watchman, bus) == []
    await queue.record_event(ticket, "safety_flagged", FRAUD_FLAG)
    await queue.record_event(ticket, "safety_flagged", FRAUD_FLAG | {"messages": ["又来电话"]})
    clock.advance(seconds=89)
    assert await _missed(watchman, bus) == []
    clock.advance(seconds=2)
    assert await _missed(watchman, bus) == [(ticket, "fraud", 91)]


async def test_a_fraud_ticket_back_in_the_queue_gets_a_new_deadline(
    queue: HandoffQueue,
    watchman: Watchman,
    bus: Bus,
    clock: Clock,
    open_ticket: OpenTicket,
    make_agent: MakeAgent,
) -> None:
    agent = await make_agent("guard", skills="security")
    fraud = await _fraud_ticket(open_ticket, queue, "c-fraud")
    await queue.claim(fraud, agent.id)
    clock.advance(minutes=5)
    assert await _missed(watchman, bus) == []  # claimed: nobody needs telling
    await queue.transfer(fraud, agent.id, to_team="general")
    clock.advance(seconds=89)
    assert await _missed(watchman, bus) == []  # a fresh 90 s from its return
    clock.advance(seconds=2)
    assert await _missed(watchman, bus) == [(fraud, "fraud", 91)]


async def test_without_a_fraud_deadline_fraud_tickets_wait_their_turn(
    queue: HandoffQueue, sessions: sessionmaker, bus: Bus, clock: Clock, open_ticket: OpenTicket
) -> None:
    watchman = Watchman(queue, PromiseBook(sessions, clock), bus, timedelta(seconds=30), clock)
    await _fraud_ticket(open_ticket, queue, "c-fraud")
    clock.advance(hours=1)
    assert await _missed(watchman, bus) == []


async def test_a_missed_fraud_deadline_is_escalated_as_fraud(
    queue: HandoffQueue, sessions: sessionmaker, clock: Clock, open_ticket: OpenTicket
) -> None:
    endpoint = OnCall()
    async with serving(endpoint.app()) as url:
        escalation = Escalation(f"{url}/alert", pause=0.01)
        watchman = Watchman(
            queue,
            PromiseBook(sessions, clock),
            Bus(),
            timedelta(seconds=30),
            clock,
            escalate=escalation,
            fraud_claim_deadline=timedelta(seconds=90),
        )
        fraud = await _fraud_ticket(open_ticket, queue, "c-fraud")
        clock.advance(seconds=91)
        await watchman.round()
        await watchman.settled()
        await escalation.aclose()
    [alert] = endpoint.received
    assert alert["deadline"] == "fraud" and alert["ticket"]["id"] == fraud
    assert alert["ticket"]["team"] == "security" and alert["waited_seconds"] == 91


@pytest.mark.parametrize("name", ["KEFU_FRAUD_CLAIM_SECONDS", "KEFU_URGENT_CLAIM_SECONDS"])
def test_claim_deadlines_are_read_from_the_environment(name: str) -> None:
    assert Settings.from_env({}).fraud_claim_seconds == 60.0
    assert Settings.from_env({"KEFU_FRAUD_CLAIM_SECONDS": "120"}).fraud_claim_seconds == 120.0
    for bad in ("soon", "0", "-5"):
        with pytest.raises(SettingsError, match=name):
            Settings.from_env({name: bad})


async def test_a_fraud_ticket_nobody_can_take_alerts_every_console_live(
    tmp_path: Path,
) -> None:
    async with running_desk(tmp_path, fraud_claim_seconds=0.5) as desk:
        alice = await desk.agent("alice")  # general only: cannot take security tickets
        widget, session_id = await desk.shopper()
        await widget.say("他让我把钱转到安全账户", session_id, **DEMO)
        missed = await alice.next("claim_deadline_missed", timeout=10)
        await widget.close()
        await alice.close()
    assert missed["deadline"] == "fraud" and missed["deadline_seconds"] == 0.5
    ticket = missed["ticket"]
    assert (ticket["priority"], ticket["team"], ticket["status"]) == ("high", "security", "queued")
