"""An urgent ticket nobody claims reaches an on-call endpoint outside the console."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.orm import sessionmaker
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.settings import Settings, SettingsError
from bot.stack import free_port
from handoff.escalation import Escalation
from handoff.promises import PromiseBook
from handoff.queue import HandoffQueue
from handoff.watch import Watchman
from tests.handoff.conftest import Clock, OpenTicket
from tests.handoff.test_clocks import Bus
from tests.servers import serving

SHOPPER_WORDS = "快递员在我家门口不肯走"


class OnCall:
    """An on-call endpoint on loopback that fails its first ``failures`` calls."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.received: list[dict[str, Any]] = []

    def app(self) -> Starlette:
        async def alert(request: Request) -> JSONResponse:
            if self.failures > 0:
                self.failures -= 1
                return JSONResponse({"error": "busy"}, status_code=503)
            self.received.append(await request.json())
            return JSONResponse({"ok": True})

        return Starlette(routes=[Route("/alert", alert, methods=["POST"])])


@pytest.fixture
async def on_call() -> AsyncIterator[tuple[OnCall, str]]:
    endpoint = OnCall(failures=2)
    async with serving(endpoint.app()) as url:
        yield endpoint, f"{url}/alert"


def watchman_with(
    escalation: Escalation, queue: HandoffQueue, sessions: sessionmaker, clock: Clock
) -> Watchman:
    promises = PromiseBook(sessions, clock)
    return Watchman(queue, promises, Bus(), timedelta(seconds=30), clock, escalate=escalation)


async def test_an_unclaimed_urgent_ticket_is_escalated_once_without_the_shoppers_words(
    queue: HandoffQueue,
    sessions: sessionmaker,
    clock: Clock,
    open_ticket: OpenTicket,
    on_call: tuple[OnCall, str],
) -> None:
    endpoint, url = on_call
    escalation = Escalation(url, "http://kefu.example/console", pause=0.01)
    watchman = watchman_with(escalation, queue, sessions, clock)
    ticket = await open_ticket(
        "c-urgent", priority="urgent", team="safety", reason="emergency", summary=[SHOPPER_WORDS]
    )
    await open_ticket("c-normal")

    clock.advance(seconds=31)
    await watchman.round()
    await watchman.round()
    await watchman.settled()
    await escalation.aclose()

    [alert] = endpoint.received  # after two 503s, once, and only the urgent ticket
    assert alert["event"] == "claim_deadline_missed" and alert["waited_seconds"] == 31
    assert alert["ticket"]["id"] == ticket and alert["ticket"]["team"] == "safety"
    assert alert["console_url"] == "http://kefu.example/console"
    assert SHOPPER_WORDS not in str(alert) and "c-urgent" not in str(alert)
    events = await queue.recent_events(ticket)
    assert [e["data"] for e in events if e["kind"] == "escalated"] == [{"delivered": True}]


async def test_an_endpoint_that_never_answers_is_recorded_as_not_delivered(
    queue: HandoffQueue, sessions: sessionmaker, clock: Clock, open_ticket: OpenTicket
) -> None:
    closed_port = f"http://127.0.0.1:{free_port()}/alert"
    escalation = Escalation(closed_port, attempts=2, pause=0.01)
    watchman = watchman_with(escalation, queue, sessions, clock)
    ticket = await open_ticket("c-urgent", priority="urgent", team="safety", reason="emergency")

    clock.advance(seconds=31)
    await watchman.round()
    await asyncio.wait_for(watchman.settled(), timeout=30)
    await escalation.aclose()

    events = await queue.recent_events(ticket)
    assert [e["data"] for e in events if e["kind"] == "escalated"] == [{"delivered": False}]
    assert "deadline_missed" in [e["kind"] for e in events]  # the consoles were told all the same


@pytest.mark.parametrize("url", ["ftp://pager.local/x", "pager.local/alert", "http://"])
def test_the_escalation_url_must_be_http_with_a_host(url: str) -> None:
    with pytest.raises(SettingsError, match="KEFU_ESCALATION_URL"):
        Settings.from_env({"KEFU_ESCALATION_URL": url})


def test_the_escalation_url_and_console_url_are_read() -> None:
    settings = Settings.from_env(
        {"KEFU_ESCALATION_URL": "https://pager.local/kefu", "KEFU_PORT": "9000"}
    )
    assert settings.escalation_url == "https://pager.local/kefu"
    assert settings.console_url == "http://127.0.0.1:9000/console"
    assert Settings.from_env({}).escalation_url == ""
