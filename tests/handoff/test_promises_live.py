"""Promises over real socket.io on loopback: they follow the ticket, close with it,
are offered from the agent's own words, and a shopper asking after one is heard."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from tests.handoff.test_live_handoff import Desk, _next_from
from tests.handoff.test_safety_flow import DEMO, running_desk
from tests.socket_clients import AgentClient


async def _until_promises(console: AgentClient, wanted: int) -> list[dict[str, Any]]:
    """The first ``promises_updated`` listing ``wanted`` promises."""
    while True:
        listed = (await console.next("promises_updated"))["promises"]
        if len(listed) == wanted:
            return list(listed)


async def _chat_with(desk: Desk, console: AgentClient) -> tuple[Any, str, dict[str, Any]]:
    widget, session_id = await desk.shopper()
    await widget.say("转人工", session_id, **DEMO)
    ticket = (await console.next("ticket_assigned"))["ticket"]
    return widget, session_id, ticket


async def test_a_promise_in_words_is_offered_and_moves_with_a_transfer(tmp_path: Path) -> None:
    async with running_desk(tmp_path) as desk:
        alice = await desk.agent("alice")  # general
        widget, _, ticket = await _chat_with(desk, alice)
        said = await alice.ask(
            "agent_message", {"ticket_id": ticket["id"], "text": "我去核实一下，1小时内回复您。"}
        )
        plain = await alice.ask("agent_message", {"ticket_id": ticket["id"], "text": "好的"})
        offer = said["promise_offer"]
        made = await alice.ask(
            "set_promise",
            {
                "ticket_id": ticket["id"],
                "due_in_minutes": offer["due_in_minutes"],
                "note": offer["note"],
            },
        )
        bob = await desk.agent("bob")  # general and after-sales
        await alice.ask("transfer_ticket", {"ticket_id": ticket["id"], "to_team": "after_sales"})
        [bobs] = await _until_promises(bob, 1)
        alices = await _until_promises(alice, 0)
        kept = await bob.ask("fulfil_promise", {"promise_id": made["promise"]["id"]})
        bob_again = AgentClient(await desk.login("bob"))
        await bob_again.connect(desk.url)
        hello = await bob_again.next("hello")
        for client in (widget, alice, bob, bob_again):
            await client.close()

    assert offer == {"note": "1小时内回复您", "due_in_minutes": 60}
    assert "promise_offer" not in plain
    assert made["ok"] and made["promise"]["made_by_name"] == "小美"
    assert bobs["id"] == made["promise"]["id"] and bobs["note"] == "1小时内回复您"
    assert bobs["agent_name"] == "小王" and bobs["made_by_name"] == "小美"
    assert alices == []
    assert kept["ok"] and kept["promise"]["status"] == "fulfilled"
    assert hello["promises"] == []  # kept: off the list


async def test_handing_back_closes_the_promise_and_the_shoppers_next_word_reaches_the_agent(
    tmp_path: Path,
) -> None:
    async with running_desk(tmp_path) as desk:
        alice = await desk.agent("alice")
        widget, session_id, ticket = await _chat_with(desk, alice)
        await alice.ask(
            "set_promise", {"ticket_id": ticket["id"], "due_in_minutes": 2, "note": "2分钟内回复您"}
        )
        await alice.ask("hand_back", {"ticket_id": ticket["id"]})
        listed = await _until_promises(alice, 0)
        await widget.say("说好2分钟回复的，人呢？", session_id, **DEMO)
        followup = await alice.next("promise_followup")
        bot = await _next_from(widget, "bot", "收到")  # the bot still answers
        again = AgentClient(await desk.login("alice"))
        await again.connect(desk.url)
        hello = await again.next("hello")
        await asyncio.sleep(0)
        for client in (widget, alice, again):
            await client.close()

    assert listed == []
    assert hello["promises"] == []  # not 「已逾期」 forever
    assert followup["message"]["text"] == "说好2分钟回复的，人呢？"
    assert followup["promise"]["note"] == "2分钟内回复您"
    assert followup["promise"]["status"] == "cancelled"
    assert followup["ticket"]["id"] == ticket["id"]
    assert "人呢" in bot["text"]
