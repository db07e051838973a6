"""The console in Chromium: 离开 survives a reload; 转接 moves a chat only once confirmed.

The gateway runs with a fake Rasa (no model needed) in a thread of its own: sync
Playwright keeps an event loop running in the test's thread.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from actions.shop.db import create_schema, make_engine, make_sessionmaker
from actions.shop.seed import seed_demo_shop
from bot.app import create_app
from bot.settings import Settings
from handoff import copy
from handoff.models import utc_now
from tests.bot.fake_rasa import FakeRasa
from tests.handoff.test_live_handoff import PASSWORD, SECRET
from tests.handoff.test_presence_live import _add_mei, fake_screen
from tests.servers import serving_in_thread

pytestmark = [pytest.mark.browser]
#: Long enough for a transfer (or an assignment) to have reached every console.
SETTLE_MS = 1500


async def _seed_shop(url: str) -> None:
    """The demo shop the widget's shopper belongs to (the console shows their orders)."""
    engine = make_engine(url)
    await create_schema(engine)
    await seed_demo_shop(make_sessionmaker(engine), utc_now())
    await engine.dispose()


def settings_in(tmp_path: Path) -> Settings:
    """A gateway on SQLite files in ``tmp_path``, agents kept 30 s after a disconnect."""
    return Settings(
        database_url=f"sqlite:///{tmp_path}/kefu.db",
        shop_database_url=f"sqlite:///{tmp_path}/shop.db",
        identity_secret=SECRET,
        agent_grace=30,
        var_dir=tmp_path,
    )


@pytest.fixture
def gateway(tmp_path: Path) -> Iterator[str]:
    """The gateway's base URL, served from another thread until the test ends."""

    async def app() -> Any:
        settings = settings_in(tmp_path)
        await _add_mei(settings.database_url)
        await _seed_shop(settings.shop_database_url)
        return create_app(settings, rasa_transport=FakeRasa().transport(), screen=fake_screen)

    with serving_in_thread(app) as url:
        yield url


def _log_in(console: Page, url: str) -> None:
    console.goto(url + "/console")
    console.get_by_test_id("login-username").fill("mei")
    console.get_by_test_id("login-password").fill(PASSWORD)
    console.get_by_test_id("login-submit").click()
    connection = console.get_by_test_id("connection")
    expect(connection).to_have_attribute("data-state", "connected", timeout=15_000)


def _console(browser: Browser, url: str) -> Page:
    """小美's console (general and safety chats), logged in."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
    console = context.new_page()
    _log_in(console, url)
    return console


def _shopper_says(page: Page, url: str, text: str) -> None:
    page.goto(url + "/")
    page.get_by_test_id("input").fill(text)
    page.get_by_test_id("send").click()


def _api(url: str, path: str, **params: Any) -> Any:
    with httpx.Client(base_url=url) as http:
        login = http.post("/api/login", json={"username": "sam", "password": PASSWORD})
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        return http.get(path, params=params, headers=headers).json()


def _only_ticket(url: str) -> tuple[dict[str, Any], list[str]]:
    """The one ticket there is, and the texts the shopper was shown."""
    [listed] = _api(url, "/api/tickets")["tickets"]
    detail = _api(url, f"/api/tickets/{listed['id']}")
    return detail["ticket"], [m.get("text") or "" for m in detail["transcript"]]


def test_an_away_agent_reloading_the_console_is_not_given_waiting_chats(
    gateway: str, browser: Browser, page: Page
) -> None:
    console = _console(browser, gateway)
    presence = console.get_by_test_id("presence")
    expect(presence).to_have_attribute("data-status", "online")
    presence.click()
    expect(presence).to_have_attribute("data-status", "away")
    _shopper_says(page, gateway, "充电宝冒烟着火了，屋里全是烟")
    expect(console.get_by_test_id("queue-item")).to_have_count(1, timeout=15_000)

    console.reload()
    expect(console.get_by_test_id("connection")).to_have_attribute(
        "data-state", "connected", timeout=15_000
    )
    console.wait_for_timeout(SETTLE_MS)
    expect(presence).to_have_attribute("data-status", "away")
    expect(console.get_by_test_id("my-ticket")).to_have_count(0)
    expect(console.get_by_test_id("queue-item")).to_have_count(1)
    ticket, _ = _only_ticket(gateway)
    assert (ticket["status"], ticket["priority"]) == ("queued", "urgent")

    # Logging in again (after 退出) starts 在线: the agent said they are at work.
    console.get_by_test_id("logout").click()
    _log_in(console, gateway)
    expect(presence).to_have_attribute("data-status", "online")
    expect(console.get_by_test_id("my-ticket")).to_have_count(1, timeout=15_000)
    console.context.close()


def test_choosing_a_team_transfers_nothing_until_confirmed(
    gateway: str, browser: Browser, page: Page
) -> None:
    console = _console(browser, gateway)
    _shopper_says(page, gateway, "转人工")
    expect(console.get_by_test_id("transcript")).to_contain_text("转人工", timeout=15_000)
    transfer = console.get_by_test_id("transfer")
    expect(transfer.locator("option[value=general]")).to_be_disabled()  # its own team
    expect(console.get_by_test_id("transfer-open")).to_be_disabled()

    transfer.focus()
    transfer.press("ArrowDown")  # one key moved an urgent chat in the tester's report
    transfer.select_option("after_sales")
    console.wait_for_timeout(SETTLE_MS)
    ticket, shown = _only_ticket(gateway)
    assert (ticket["status"], ticket["team"]) == ("assigned", "general")
    assert copy.TRANSFERRED not in shown
    expect(console.get_by_test_id("my-ticket")).to_have_count(1)

    console.get_by_test_id("reply-input").fill("我帮您查一下")
    console.get_by_test_id("transfer-open").click()
    dialog = console.get_by_test_id("transfer-dialog")
    expect(dialog).to_be_visible()
    expect(console.get_by_test_id("transfer-route")).to_have_text("通用组 → 售后组")
    expect(console.get_by_test_id("transfer-draft")).to_be_visible()  # the draft would go
    expect(console.get_by_test_id("transfer-urgent")).to_be_hidden()
    console.get_by_test_id("transfer-cancel").click()
    expect(dialog).to_be_hidden()
    expect(console.get_by_test_id("reply-input")).to_have_value("我帮您查一下")
    assert _only_ticket(gateway)[0]["team"] == "general"

    console.get_by_test_id("transfer-open").click()
    console.get_by_test_id("transfer-confirm").click()
    expect(console.get_by_test_id("my-ticket")).to_have_count(0, timeout=15_000)
    ticket, shown = _only_ticket(gateway)
    assert (ticket["status"], ticket["team"]) == ("queued", "after_sales")
    assert copy.TRANSFERRED in shown
    console.context.close()


def test_an_urgent_chat_is_transferred_only_after_a_clear_second_yes(
    gateway: str, browser: Browser, page: Page
) -> None:
    console = _console(browser, gateway)
    _shopper_says(page, gateway, "充电宝冒烟着火了，屋里全是烟")
    expect(console.get_by_test_id("safety-panel")).to_be_visible(timeout=15_000)
    console.get_by_test_id("transfer").select_option("security")
    console.get_by_test_id("transfer-open").click()

    warning = console.get_by_test_id("transfer-urgent")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("紧急工单")
    confirm = console.get_by_test_id("transfer-confirm")
    expect(confirm).to_be_disabled()
    expect(confirm).to_have_text("确认转接紧急工单")
    console.get_by_test_id("transfer-urgent-ack").check()
    confirm.click()

    expect(console.get_by_test_id("my-ticket")).to_have_count(0, timeout=15_000)
    ticket, _ = _only_ticket(gateway)
    assert (ticket["status"], ticket["team"], ticket["priority"]) == (
        "queued",
        "security",
        "urgent",
    )
    console.context.close()
