"""A transfer carries a note for whoever takes the chat next; it stays in the ticket's history."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from handoff.errors import InvalidInput, TransferNoteTooLong
from handoff.queue import HandoffQueue
from handoff.transfer_notes import MAX_TRANSFER_NOTE_CHARS
from tests.handoff.conftest import NOW, Clock, MakeAgent, OpenTicket
from tests.handoff.test_live_handoff import Desk, _next_system
from tests.handoff.test_safety_flow import running_desk

NOTE = "已核实订单，顾客要换货，等仓库回复"


@pytest.fixture
async def desk(tmp_path: Path) -> AsyncIterator[Desk]:
    """The gateway with the human side on loopback (alice, bob, sam, sofia…)."""
    async with running_desk(tmp_path) as running:
        yield running


@pytest.fixture
async def agents(make_agent: MakeAgent) -> tuple[int, int, int]:
    """Ids of alice (general, after_sales), bob (after_sales) and sam (supervisor)."""
    alice = await make_agent("alice", skills="general,after_sales")
    bob = await make_agent("bob", skills="after_sales")
    sam = await make_agent("sam", role="supervisor")
    return alice.id, bob.id, sam.id


async def test_the_note_is_kept_with_who_transferred_and_where(
    queue: HandoffQueue, open_ticket: OpenTicket, agents: tuple[int, int, int], clock: Clock
) -> None:
    alice, bob, sam = agents
    ticket = await open_ticket("conv-1")
    await queue.claim(ticket, alice)
    await queue.transfer(ticket, alice, to_team="after_sales", note=f"  {NOTE}\n")
    await queue.claim(ticket, bob)
    clock.advance(minutes=2)
    await queue.transfer(ticket, sam, to_agent_id=alice)  # a supervisor, without a note

    first, second = await queue.transfers(ticket)
    assert first == {
        "at": NOW.isoformat(),
        "by_agent_id": alice,
        "by_name": "Alice",
        "from_agent_id": alice,
        "from_agent_name": "Alice",
        "from_team": "general",
        "to_agent_id": None,
        "to_agent_name": None,
        "to_team": "after_sales",
        "note": NOTE,
    }
    assert (second["by_name"], second["from_agent_name"], second["to_agent_name"]) == (
        "Sam",
        "Bob",
        "Alice",
    )
    assert second["note"] is None and second["from_team"] == "after_sales"


async def test_a_masked_history_masks_the_note(
    queue: HandoffQueue, open_ticket: OpenTicket, agents: tuple[int, int, int]
) -> None:
    alice, _, _ = agents
    ticket = await open_ticket("conv-1")
    await queue.claim(ticket, alice)
    await queue.transfer(ticket, alice, to_team="after_sales", note="顾客电话13800138000")
    [shown] = await queue.transfers(ticket, lambda text: text.replace("13800138000", "***"))
    assert shown["note"] == "顾客电话***"


@pytest.mark.parametrize("blank", [None, "", "   "])
async def test_a_blank_note_is_no_note(
    queue: HandoffQueue, open_ticket: OpenTicket, agents: tuple[int, int, int], blank: str | None
) -> None:
    alice, _, _ = agents
    ticket = await open_ticket("conv-1")
    await queue.claim(ticket, alice)
    await queue.transfer(ticket, alice, to_team="after_sales", note=blank)
    events = await queue.recent_events(ticket)
    [moved] = [e for e in events if e["kind"] == "transferred"]
    assert "note" not in moved["data"]
    assert (await queue.transfers(ticket))[0]["note"] is None


async def test_a_long_note_is_refused_and_the_chat_stays(
    queue: HandoffQueue, open_ticket: OpenTicket, agents: tuple[int, int, int]
) -> None:
    alice, _, _ = agents
    ticket = await open_ticket("conv-1")
    await queue.claim(ticket, alice)
    with pytest.raises(TransferNoteTooLong, match="at most 200") as refused:
        await queue.transfer(
            ticket, alice, to_team="after_sales", note="换" * (MAX_TRANSFER_NOTE_CHARS + 1)
        )
    assert refused.value.code == "transfer_note_too_long" and refused.value.field == "note"
    with pytest.raises(InvalidInput):
        await queue.transfer(ticket, alice, to_team="after_sales", note=["不是文字"])  # type: ignore[arg-type]
    view = await queue.ticket(ticket)
    assert (view.status, view.agent_id, view.team) == ("assigned", alice, "general")
    assert await queue.transfers(ticket) == []
    exactly = "换" * MAX_TRANSFER_NOTE_CHARS
    await queue.transfer(ticket, alice, to_team="after_sales", note=exactly)
    assert (await queue.transfers(ticket))[0]["note"] == exactly


async def test_the_receiving_agent_reads_the_note_the_shopper_never_sees(desk: Desk) -> None:
    alice = await desk.agent("alice")  # general
    widget, session_id = await desk.shopper()
    await widget.say("转人工", session_id)
    ticket = (await alice.next("ticket_assigned"))["ticket"]
    bob = await desk.agent("bob")  # general and after_sales
    too_long = await alice.ask(
        "transfer_ticket",
        {"ticket_id": ticket["id"], "to_team": "after_sales", "note": "等" * 201},
    )
    moved = await alice.ask(
        "transfer_ticket", {"ticket_id": ticket["id"], "to_team": "after_sales", "note": NOTE}
    )
    taken = (await bob.next("ticket_assigned"))["ticket"]
    opened = await bob.ask("open_ticket", {"ticket_id": taken["id"]})
    await _next_system(widget, "转接")
    _, shown = await widget.start_session(session_id)
    headers = {"Authorization": f"Bearer {await desk.login('sam')}"}
    async with httpx.AsyncClient(base_url=desk.url, headers=headers) as http:
        detail = (await http.get(f"/api/tickets/{ticket['id']}")).json()
    for client in (widget, alice, bob):
        await client.close()

    assert too_long["ok"] is False and too_long["error"]["code"] == "transfer_note_too_long"
    assert moved["ok"] and taken["id"] == ticket["id"]
    [transfer] = opened["transfers"]
    assert transfer["note"] == NOTE and transfer["by_name"] == "小美"
    assert (transfer["from_team"], transfer["to_team"]) == ("general", "after_sales")
    assert detail["transfers"][0]["note"] == NOTE  # supervisors and later holders see it too
    assert all(NOTE not in str(m.get("text")) for m in shown)
    assert all(NOTE not in str(m.get("text")) for m in opened["transcript"])
