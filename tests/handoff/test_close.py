"""Closing, handing back, requeueing a leaving agent's tickets, and ratings."""

from __future__ import annotations

from datetime import timedelta

import pytest

from handoff.desk import wants_no_person
from handoff.errors import (
    InvalidInput,
    InvalidRating,
    NotTicketHolder,
    TicketClosed,
    TicketNotFound,
)
from handoff.queue import HandoffQueue
from tests.handoff.conftest import NOW, Clock, MakeAgent, OpenTicket


async def _kinds(queue: HandoffQueue, ticket_id: int) -> list[str]:
    return [event["kind"] for event in await queue.recent_events(ticket_id)]


async def test_holder_closes_with_a_resolution(
    queue: HandoffQueue, open_ticket: OpenTicket, make_agent: MakeAgent, clock: Clock
) -> None:
    alice = await make_agent("alice")
    ticket_id = await open_ticket("conv-1")
    await queue.claim(ticket_id, alice.id)
    closed_at = clock.advance(minutes=7)
    view = await queue.close(ticket_id, alice.id, "resolved", note=" 已补发 ")
    assert (view.status, view.resolution_code, view.resolution_note) == (
        "closed",
        "resolved",
        "已补发",
    )
    assert (view.closed_at, view.agent_id) == (closed_at, alice.id)
    assert await _kinds(queue, ticket_id) == ["queued", "claimed", "closed"]
    assert await queue.open_ticket_for("conv-1") is None
    assert await queue.held_by(alice.id) == []
    with pytest.raises(TicketClosed):
        await queue.close(ticket_id, alice.id, "resolved")


async def test_hand_back_closes_as_handed_back(
    queue: HandoffQueue, open_ticket: OpenTicket, make_agent: MakeAgent
) -> None:
    alice = await make_agent("alice")
    ticket_id = await open_ticket("conv-1")
    await queue.claim(ticket_id, alice.id)
    view = await queue.hand_back(ticket_id, alice.id)
    assert (view.status, view.resolution_code) == ("closed", "handed_back")
    events = await queue.recent_events(ticket_id)
    assert (events[-1]["kind"], events[-1]["actor_id"]) == ("handed_back", alice.id)


async def test_only_holder_or_supervisor_may_close(
    queue: HandoffQueue, open_ticket: OpenTicket, make_agent: MakeAgent
) -> None:
    alice, bob = await make_agent("alice"), await make_agent("bob")
    boss = await make_agent("boss", role="supervisor")
    ticket_id = await open_ticket("conv-1")
    await queue.claim(ticket_id, alice.id)
    for call in (queue.close(ticket_id, bob.id, "resolved"), queue.hand_back(ticket_id, bob.id)):
        with pytest.raises(NotTicketHolder) as caught:
            await call
        assert caught.value.code == "not_ticket_holder"
    assert (await queue.close(ticket_id, boss.id, "other")).status == "closed"


async def test_queued_ticket_is_closed_by_a_supervisor_only(
    queue: HandoffQueue, open_ticket: OpenTicket, make_agent: MakeAgent
) -> None:
    alice = await make_agent("alice")
    boss = await make_agent("boss", role="supervisor")
    ticket_id = await open_ticket("conv-1")
    with pytest.raises(NotTicketHolder):
        await queue.close(ticket_id, alice.id, "duplicate")
    view = await queue.close(ticket_id, boss.id, "duplicate")
    assert (view.status, view.resolution_code, view.agent_id, view.claimed_at) == (
        "closed",
        "duplicate",
        None,
        None,
    )


@pytest.mark.parametrize(
    ("field", "code", "note"), [("resolution_code", "fixed", None), ("note", "other", "x" * 2001)]
)
async def test_close_validates(
    queue: HandoffQueue,
    open_ticket: OpenTicket,
    make_agent: MakeAgent,
    field: str,
    code: str,
    note: str | None,
) -> None:
    boss = await make_agent("boss", role="supervisor")
    ticket_id = await open_ticket("conv-1")
    with pytest.raises(InvalidInput) as caught:
        await queue.close(ticket_id, boss.id, code, note)
    assert caught.value.field == field
    assert (await queue.ticket(ticket_id)).status == "queued"
    with pytest.raises(TicketNotFound):
        await queue.close(999, boss.id, "resolved")


async def test_requeue_agent_returns_their_tickets_ahead_of_their_priority(
    queue: HandoffQueue, open_ticket: OpenTicket, make_agent: MakeAgent, clock: Clock
) -> None:
    alice, bob = await make_agent("alice"), await make_agent("bob")
    waiting = await open_ticket("waiting")
    clock.advance(minutes=1)
    mine = [await open_ticket(f"mine-{i}") for i in range(2)]
    bobs = await open_ticket("bobs")
    for ticket_id in mine:
        await queue.claim(ticket_id, alice.id)
    await queue.claim(bobs, bob.id)
    clock.advance(minutes=1)
    urgent = await open_ticket("urgent", priority="urgent", reason="emergency")

    returned = await queue.requeue_agent(alice.id)

    assert [v.id for v in returned] == mine
    assert all(v.status == "queued" and v.requeued and v.agent_id is None for v in returned)
    assert all(v.claimed_at is None and v.queued_at == NOW + timedelta(minutes=1) for v in returned)
    assert [v.id for v in await queue.queue()] == [urgent, *mine, waiting]
    assert (await queue.ticket(bobs)).agent_id == bob.id
    assert await _kinds(queue, mine[0]) == ["queued", "claimed", "requeued"]
    assert await queue.requeue_agent(alice.id) == []
    assert not (await queue.claim(mine[0], bob.id)).requeued


async def test_rating_once_on_the_last_closed_ticket(
    queue: HandoffQueue, open_ticket: OpenTicket, make_agent: MakeAgent, clock: Clock
) -> None:
    boss = await make_agent("boss", role="supervisor")
    first = await open_ticket("conv-1")
    await queue.close(first, boss.id, "resolved")
    clock.advance(minutes=5)
    second = await open_ticket("conv-1")
    await queue.close(second, boss.id, "resolved")
    view = await queue.rate("conv-1", 5)
    assert (view.id, view.csat) == (second, 5)
    assert (await queue.ticket(first)).csat is None
    with pytest.raises(InvalidRating) as caught:
        await queue.rate("conv-1", 4)
    assert caught.value.code == "invalid_rating"
    assert (await queue.ticket(second)).csat == 5
    assert (await _kinds(queue, second))[-1] == "rated"


@pytest.mark.parametrize("score", [0, 6, -1, "5", 4.5, True, None])
async def test_rating_must_be_one_to_five(
    queue: HandoffQueue, open_ticket: OpenTicket, make_agent: MakeAgent, score: object
) -> None:
    boss = await make_agent("boss", role="supervisor")
    await queue.close(await open_ticket("conv-1"), boss.id, "resolved")
    with pytest.raises(InvalidRating):
        await queue.rate("conv-1", score)  # type: ignore[arg-type]
    assert (await queue.rate("conv-1", 1)).csat == 1


async def test_rating_needs_a_closed_ticket(queue: HandoffQueue, open_ticket: OpenTicket) -> None:
    with pytest.raises(TicketNotFound):
        await queue.rate("conv-1", 5)
    await open_ticket("conv-1")
    with pytest.raises(TicketNotFound):
        await queue.rate("conv-1", 5)


async def test_events_of_a_missing_ticket(queue: HandoffQueue) -> None:
    with pytest.raises(TicketNotFound):
        await queue.recent_events(999)


async def test_a_waiting_ticket_is_withdrawn_at_the_shoppers_word(
    queue: HandoffQueue, open_ticket: OpenTicket, make_agent: MakeAgent
) -> None:
    waiting = await open_ticket("conv-1")
    urgent = await open_ticket("conv-2", priority="urgent", team="safety", reason="emergency")
    taken = await open_ticket("conv-3")
    alice = await make_agent("alice")
    await queue.claim(taken, alice.id)

    withdrawn = await queue.withdraw(waiting)

    assert withdrawn is not None
    assert (withdrawn.status, withdrawn.resolution_code) == ("closed", "withdrawn")
    assert await _kinds(queue, waiting) == ["queued", "withdrawn"]
    # Danger is checked on all the same; a chat an agent took is theirs to end.
    assert await queue.withdraw(urgent) is None and await queue.withdraw(taken) is None
    assert [t.id for t in await queue.queue()] == [urgent]


@pytest.mark.parametrize(
    ("text", "calls_off"),
    [
        ("不用人工了", True),
        ("好的 不需要人工客服", True),
        ("取消排队", True),
        ("算了不等了", True),
        ("人工客服怎么还不来", False),
        ("我的快递不要了 人工快点", False),
        ("不用人工了吗？我还有个退款的问题想问一下你们的人工客服", False),  # long: a question
    ],
)
def test_which_messages_call_the_person_off(text: str, calls_off: bool) -> None:
    assert wants_no_person({"text": text}) is calls_off
