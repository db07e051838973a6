"""Who can take new chats, and the grace period after the last console closes."""

from __future__ import annotations

import asyncio

from handoff.presence import AWAY, Presence


async def test_last_console_closing_starts_the_grace_period() -> None:
    gone: list[int] = []

    async def on_gone(agent_id: int) -> None:
        gone.append(agent_id)

    presence = Presence(grace=0.05, on_gone=on_gone)
    presence.connected(1, "a")
    presence.connected(1, "b")
    presence.disconnected(1, "a")
    await asyncio.sleep(0.1)
    assert gone == [] and presence.available() == {1}
    presence.disconnected(1, "b")
    assert presence.available() == set()
    await asyncio.sleep(0.1)
    assert gone == [1]


async def test_reconnecting_in_time_keeps_the_agent() -> None:
    gone: list[int] = []

    async def on_gone(agent_id: int) -> None:
        gone.append(agent_id)

    presence = Presence(grace=0.05, on_gone=on_gone)
    presence.connected(1, "a")
    presence.disconnected(1, "a")
    presence.connected(1, "b")
    await asyncio.sleep(0.1)
    assert gone == [] and presence.available() == {1}


async def test_away_agents_take_no_new_chats_until_a_fresh_console() -> None:
    async def on_gone(agent_id: int) -> None:
        return None

    presence = Presence(grace=10, on_gone=on_gone)
    presence.connected(1, "a")
    presence.set_status(1, AWAY)
    presence.connected(1, "b")  # another tab keeps the choice
    assert presence.available() == set() and presence.connected_ids() == {1}
    presence.disconnected(1, "a")
    presence.disconnected(1, "b")
    presence.connected(1, "c")  # a fresh console starts online
    assert presence.available() == {1}
    await presence.close()
