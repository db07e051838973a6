"""实时监控 in Chromium: a supervisor watches a shopper live and steps in (介入).

And 历史会话 names each transcript's own shopper, not the one of the chat open in the centre.

The gateway runs with a fake Rasa in a thread of its own, as in
``test_console_browser.py``: sync Playwright keeps an event loop running in the
test's thread.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from actions.shop.db import make_engine, make_sessionmaker
from bot import store as gateway_store
from bot.app import create_app
from bot.conversations import utc_now
from bot.models import ANSWERED
from handoff.models import Agent
from handoff.queue import HandoffQueue
from tests.browsers import chromium
from tests.e2e.test_console_presence_transfer import _seed_shop
from tests.handoff.test_console_browser import WAIT, _console, _shopper_opens, _shopper_says
from tests.handoff.test_live_handoff import sqlite_settings
from tests.handoff.test_monitor_live import GIBBERISH, FallbackRasa
from tests.handoff.test_presence_live import _add_mei
from tests.servers import serving_in_thread

pytestmark = [pytest.mark.browser]
LISI_SAID = "上次的退款到账了吗"


async def _lisi_was_helped_yesterday(database_url: str) -> None:
    """A closed ticket of another shopper (顾客 lisi), for 历史会话."""
    engine = make_engine(database_url)
    sessions = make_sessionmaker(engine)
    yesterday = utc_now() - timedelta(days=1)
    async with sessions.begin() as s:
        await gateway_store.ensure_conversation(s, "c-lisi", "lisi", yesterday)
        await gateway_store.add_message(
            s, "c-lisi", "shopper", LISI_SAID, {}, yesterday, status=ANSWERED
        )
        sam = (await s.scalars(select(Agent.id).where(Agent.username == "sam"))).one()
    queue = HandoffQueue(sessions)
    ticket, _ = await queue.open_ticket("c-lisi", "lisi", "requested", "normal", "general", [])
    await queue.close(ticket.id, sam, "resolved")
    await engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """The shopper's widget."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1000, "height": 800})
    yield context.new_page()
    context.close()


@pytest.fixture
def gateway(tmp_path: Path) -> Iterator[str]:
    """The gateway's base URL: 小美 (agent) and 主管 (supervisor) can log in."""

    async def app() -> Any:
        settings = sqlite_settings(tmp_path, agent_grace=30)
        await _add_mei(settings.database_url)
        await _lisi_was_helped_yesterday(settings.database_url)
        await _seed_shop(settings.shop_database_url)  # the widget's shopper is the demo one
        return create_app(settings, rasa_transport=FallbackRasa().transport())

    with serving_in_thread(app) as url:
        yield url


def test_a_supervisor_watches_a_shopper_live_and_takes_over(
    gateway: str, browser: Browser, page: Page
) -> None:
    mei = _console(browser, gateway, "mei")
    expect(mei.get_by_test_id("history-open")).to_be_visible()
    expect(mei.get_by_test_id("monitor-open")).to_be_hidden()  # agents have no live view
    mei.context.close()

    sam = _console(browser, gateway, "sam")
    sam.get_by_test_id("monitor-open").click()
    monitor = sam.get_by_test_id("monitor")
    expect(monitor).to_be_visible()
    expect(sam.get_by_test_id("monitor-list")).to_contain_text("暂无进行中的会话", timeout=WAIT)

    _shopper_opens(page, gateway)
    _shopper_says(page, GIBBERISH)
    row = sam.get_by_test_id("monitor-row")
    expect(row).to_have_count(1, timeout=WAIT)  # appeared without reopening anything
    expect(row).to_have_attribute("data-handler", "bot")
    expect(row.get_by_test_id("monitor-handler")).to_have_text("机器人")
    last = row.get_by_test_id("monitor-last")
    expect(last).to_have_text(f"[机器人] 收到：{GIBBERISH}", timeout=WAIT)
    flag = row.locator('[data-testid="monitor-flag"][data-flag="not_understood"]')
    expect(flag).to_have_text("未理解×1", timeout=WAIT)
    expect(sam.get_by_test_id("monitor-count")).to_have_text("1")

    row.click()
    transcript = sam.get_by_test_id("monitor-transcript")
    expect(transcript).to_contain_text(f"收到：{GIBBERISH}", timeout=WAIT)
    expect(transcript.locator(".msg--shopper .msg-who").first).to_have_text("顾客 demo")
    _shopper_says(page, "我的快递三天没动了")
    expect(transcript).to_contain_text("我的快递三天没动了", timeout=WAIT)  # live, read-only
    expect(transcript).to_contain_text("收到：我的快递三天没动了", timeout=WAIT)
    expect(last).to_have_text("[机器人] 收到：我的快递三天没动了")
    expect(flag).to_have_count(0)  # understood this time
    expect(sam.get_by_test_id("reply-input")).to_be_hidden()  # nothing open to reply in yet

    sam.get_by_test_id("monitor-take-over").click()
    expect(monitor).to_be_hidden(timeout=WAIT)
    expect(sam.get_by_test_id("my-ticket")).to_have_count(1, timeout=WAIT)
    center = sam.get_by_test_id("transcript")
    expect(center).to_contain_text("我的快递三天没动了", timeout=WAIT)  # the whole chat so far
    expect(sam.get_by_test_id("brief")).to_contain_text("主管介入")
    expect(page.locator("body")).to_contain_text("人工客服「主管」已接入", timeout=WAIT)

    _shopper_says(page, "好的，麻烦了")
    expect(center).to_contain_text("好的，麻烦了", timeout=WAIT)
    sam.get_by_test_id("reply-input").fill("您好，我来帮您催快递")
    sam.get_by_test_id("reply-send").click()
    expect(page.locator("body")).to_contain_text("我来帮您催快递", timeout=WAIT)
    expect(page.locator("body")).not_to_contain_text("收到：好的，麻烦了")  # the bot is silent

    sam.get_by_test_id("monitor-open").click()
    expect(row).to_have_attribute("data-handler", "agent", timeout=WAIT)
    expect(row.get_by_test_id("monitor-handler")).to_have_text("客服·主管")
    expect(last).to_have_text("[主管] 您好，我来帮您催快递")

    # The demo shopper's chat stays open in the centre; 历史会话 shows lisi's as lisi's.
    sam.locator("#monitor-close").click()
    sam.get_by_test_id("history-open").click()
    history = sam.get_by_test_id("history")
    history.get_by_test_id("history-row").filter(has_text="lisi").click()
    past = history.get_by_test_id("history-transcript")
    expect(past).to_contain_text(LISI_SAID, timeout=WAIT)
    expect(past.locator(".msg--shopper .msg-who")).to_have_text("顾客 lisi")
    sam.context.close()
