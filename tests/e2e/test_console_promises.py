"""The console in Chromium: promises said in words, kept as timers, warned about on
close and hand-back; a chat moved to the safety team is not shown as ended.

The gateway runs with a fake Rasa (no model needed) in a thread of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from bot.app import create_app
from handoff.db import create_schema as create_gateway_schema
from handoff.db import make_engine, make_sessionmaker
from handoff.users import UserDirectory
from tests.bot.fake_rasa import FakeRasa
from tests.e2e.test_console_presence_transfer import _seed_shop, _shopper_says, settings_in
from tests.handoff.test_live_handoff import PASSWORD
from tests.handoff.test_presence_live import fake_screen
from tests.servers import serving_in_thread

pytestmark = [pytest.mark.browser]
FIRE = "充电宝着火了，屋里全是烟"


async def _add_staff(database_url: str) -> None:
    """小美 takes general and safety chats, 小王 general only."""
    engine = make_engine(database_url)
    await create_gateway_schema(engine)
    users = UserDirectory(make_sessionmaker(engine))
    await users.create("mei", PASSWORD, "agent", display_name="小美", skills=("general", "safety"))
    await users.create("wang", PASSWORD, "agent", display_name="小王", skills=("general",))
    await engine.dispose()


@pytest.fixture
def gateway(tmp_path: Path) -> Iterator[str]:
    """The gateway's base URL, served from another thread until the test ends."""

    async def app() -> Any:
        settings = settings_in(tmp_path)
        await _add_staff(settings.database_url)
        await _seed_shop(settings.shop_database_url)
        return create_app(settings, rasa_transport=FakeRasa().transport(), screen=fake_screen)

    with serving_in_thread(app) as url:
        yield url


def _console(browser: Browser, url: str, username: str) -> Page:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
    console = context.new_page()
    console.goto(url + "/console")
    console.get_by_test_id("login-username").fill(username)
    console.get_by_test_id("login-password").fill(PASSWORD)
    console.get_by_test_id("login-submit").click()
    connection = console.get_by_test_id("connection")
    expect(connection).to_have_attribute("data-state", "connected", timeout=15_000)
    return console


def _reply(console: Page, text: str) -> None:
    console.get_by_test_id("reply-input").fill(text)
    console.get_by_test_id("reply-send").click()


def test_a_promise_in_words_becomes_a_timer_in_one_click_and_closing_warns_about_it(
    gateway: str, browser: Browser, page: Page
) -> None:
    console = _console(browser, gateway, "mei")
    _shopper_says(page, gateway, "转人工")
    expect(console.get_by_test_id("transcript")).to_contain_text("转人工", timeout=15_000)

    _reply(console, "好的，我帮您看看")
    expect(console.get_by_test_id("transcript")).to_contain_text("我帮您看看")
    expect(console.get_by_test_id("promise-offer")).to_be_hidden()  # no promise in it
    _reply(console, "我去仓库核实一下，1小时内回复您。")
    offer = console.get_by_test_id("promise-offer")
    expect(offer).to_be_visible(timeout=10_000)
    expect(offer).to_contain_text("1小时内回复您")
    record = console.get_by_test_id("promise-offer-record")
    expect(record).to_have_text("记录承诺（1小时）")
    record.click()
    row = console.get_by_test_id("promise")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("1小时内回复您")
    expect(offer).to_be_hidden()

    # The canned 「已登记」 promises 「24小时内联系您」: the same offer.
    console.get_by_test_id("canned").filter(has_text="已登记").click()
    console.get_by_test_id("reply-send").click()
    expect(console.get_by_test_id("promise-offer-record")).to_have_text("记录承诺（24小时）")
    console.get_by_test_id("promise-offer-dismiss").click()
    expect(offer).to_be_hidden()
    expect(row).to_have_count(1)

    # Closing warns about the open promise; the agent can still go on.
    console.get_by_test_id("close").click()
    warning = console.get_by_test_id("close-promises")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("1小时内回复您")
    console.locator("#close-cancel").click()

    # So does handing back; going on closes the promise with the chat.
    console.get_by_test_id("hand-back").click()
    dialog = console.get_by_test_id("handback-dialog")
    expect(dialog).to_be_visible()
    expect(console.get_by_test_id("handback-promises")).to_contain_text("1小时内回复您")
    console.get_by_test_id("handback-cancel").click()
    expect(dialog).to_be_hidden()
    expect(console.get_by_test_id("my-ticket")).to_have_count(1)
    console.get_by_test_id("hand-back").click()
    console.get_by_test_id("handback-confirm").click()
    expect(console.get_by_test_id("my-ticket")).to_have_count(0, timeout=15_000)
    expect(row).to_have_count(0, timeout=15_000)  # not 「已逾期」 forever

    # The shopper asking after it reaches her, though the bot has the chat.
    page.get_by_test_id("input").fill("说好1小时回复的，人呢？")
    page.get_by_test_id("send").click()
    banner = console.locator('[data-testid="alert-banner"][data-kind="followup"]')
    expect(banner).to_be_visible(timeout=15_000)
    expect(banner).to_contain_text("说好1小时回复的，人呢？")
    expect(banner).to_contain_text("1小时内回复您")
    console.context.close()


def test_a_chat_moved_to_the_safety_team_is_not_shown_as_ended(
    gateway: str, browser: Browser, page: Page
) -> None:
    wang = _console(browser, gateway, "wang")  # general only
    _shopper_says(page, gateway, "转人工")
    expect(wang.get_by_test_id("transcript")).to_contain_text("转人工", timeout=15_000)
    page.get_by_test_id("input").fill(FIRE)
    page.get_by_test_id("send").click()

    notice = wang.get_by_test_id("conv-notice")
    expect(notice).to_contain_text("安全专组", timeout=15_000)
    expect(notice).not_to_contain_text("会话已结束")
    expect(wang.get_by_test_id("conv-moved")).to_have_text("已转安全专组")
    banner = wang.locator('[data-testid="alert-banner"][data-kind="escalated"]')
    expect(banner).to_contain_text("安全专组")
    expect(wang.get_by_test_id("reply-input")).to_be_disabled()

    # The safety agent sees the shopper's own words; a fire at home gets no parcel data.
    mei = _console(browser, gateway, "mei")
    panel = mei.get_by_test_id("safety-panel")
    expect(panel).to_be_visible(timeout=15_000)
    expect(mei.get_by_test_id("safety-message")).to_have_text([FIRE], timeout=15_000)
    expect(mei.get_by_test_id("safety-location")).to_have_count(0)
    expect(mei.get_by_test_id("safety-courier")).to_have_count(0)
    expect(panel).not_to_contain_text("最后已知位置")
    wang.context.close()
    mei.context.close()
