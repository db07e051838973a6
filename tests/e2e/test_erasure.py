"""A shopper's conversations are erased from the gateway and from the running Rasa, by the CLI."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import time

import httpx
import pytest

from bot.identity import sign
from bot.stack import ROOT
from tests.e2e.conftest import SECRET, Stack
from tests.socket_clients import WidgetClient

pytestmark = pytest.mark.e2e
SHOPPER = "erase-me"
IDENTITY = {"shopper_id": SHOPPER, "signature": sign(SECRET, SHOPPER)}


def kefu(stack: Stack, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={**stack.environ, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def chat(stack: Stack, text: str, session_id: str | None = None) -> tuple[str, list]:
    """Say ``text`` as the shopper and wait for the answer; the session and its history."""
    client = WidgetClient()
    await client.connect(stack.gateway_url)
    try:
        session, history = await client.start_session(session_id)
        ack = await client.say(text, session, customData=IDENTITY)
        assert ack["ok"] is True
        await client.next("bot_uttered", timeout=30)
        return session, history
    finally:
        await client.close()


async def rasa_user_texts(stack: Stack, session: str) -> list[str]:
    async with httpx.AsyncClient() as client:
        tracker = await client.get(
            f"{stack.settings.rasa_url}/conversations/{session}/tracker",
            params={"token": stack.environ["RASA_TOKEN"]},
        )
    return [e.get("text") for e in tracker.json()["events"] if e["event"] == "user"]


def tracker_file_has(stack: Stack, session: str) -> bool:
    with sqlite3.connect(stack.settings.tracker_db) as db:
        row = db.execute("SELECT 1 FROM trackers WHERE sender_id = ?", (session,)).fetchone()
    return row is not None


async def test_a_shopper_is_forgotten_by_the_gateway_and_by_rasa(stack: Stack) -> None:
    session, _ = await chat(stack, "我的订单到哪了")
    _, history = await chat(stack, "谢谢", session)
    assert [m["text"] for m in history if m["sender"] == "shopper"] == ["我的订单到哪了"]
    assert await rasa_user_texts(stack, session) == ["我的订单到哪了", "谢谢"]
    deadline = time.monotonic() + 10
    while not tracker_file_has(stack, session) and time.monotonic() < deadline:
        await asyncio.sleep(0.2)  # written behind, half a second later
    assert tracker_file_has(stack, session)

    assert kefu(stack, "erase", "--shopper", SHOPPER, "--dry-run").stdout.strip() == (
        f"would erase 1 conversations of shopper {SHOPPER}"
    )
    erased = kefu(stack, "erase", "--shopper", SHOPPER)

    assert erased.returncode == 0, erased.stderr
    assert erased.stdout.strip() == f"erased 1 conversations of shopper {SHOPPER}"
    assert await rasa_user_texts(stack, session) == []
    assert not tracker_file_has(stack, session)
    # Coming back with the same session, the shopper starts from nothing.
    _, history = await chat(stack, "你好", session)
    assert history == []


async def test_without_rasa_nothing_is_erased_and_the_cli_says_why(stack: Stack) -> None:
    session, _ = await chat(stack, "发票怎么开")
    # Nothing listens on port 9.
    result = kefu(stack, "erase", "--shopper", SHOPPER, RASA_URL="http://127.0.0.1:9")

    assert result.returncode == 1
    assert "Rasa must be running" in result.stderr
    _, history = await chat(stack, "谢谢", session)
    assert [m["text"] for m in history if m["sender"] == "shopper"] == ["发票怎么开"]
