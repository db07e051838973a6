"""The console in Chromium: fraud deadlines, transfer notes, pictures, drafts, waiting messages,
refunded goods.

The gateway runs with a fake Rasa (no model needed) in a thread of its own, as in
``tests/e2e/test_console_presence_transfer.py``: sync Playwright keeps an event loop
running in the test's thread.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from actions.shop.db import make_engine, make_sessionmaker
from actions.shop.seed import DEMO_SHIPPED_ORDER
from actions.shop.service import ShopService
from bot.app import create_app
from handoff.users import UserDirectory
from tests.bot.fake_rasa import FakeRasa
from tests.browsers import chromium
from tests.e2e.test_console_presence_transfer import _seed_shop
from tests.handoff.test_live_handoff import PASSWORD, sqlite_settings
from tests.handoff.test_presence_live import _add_mei
from tests.handoff.test_safety_flow import fake_screen
from tests.images import png
from tests.servers import serving_in_thread

pytestmark = [pytest.mark.browser]
NOTE = "已核实订单，顾客要换货，等仓库回复"
WAIT = 15_000


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


async def _add_bob(database_url: str) -> None:
    """小王 takes after-sales chats (transfers land with him)."""
    engine = make_engine(database_url)
    users = UserDirectory(make_sessionmaker(engine))
    await users.create("bob", PASSWORD, "agent", display_name="小王", skills=("after_sales",))
    await engine.dispose()


@pytest.fixture
def gateway(tmp_path: Path) -> Iterator[str]:
    """The gateway's base URL; fraud tickets must be claimed within a second."""

    async def app() -> Any:
        settings = sqlite_settings(tmp_path, agent_grace=30, fraud_claim_seconds=1)
        await _add_mei(settings.database_url)
        await _add_bob(settings.database_url)
        await _seed_shop(settings.shop_database_url)
        return create_app(settings, rasa_transport=FakeRasa().transport(), screen=fake_screen)

    with serving_in_thread(app) as url:
        yield url


def _console(browser: Browser, url: str, username: str = "mei", height: int = 900) -> Page:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": height})
    console = context.new_page()
    console.goto(url + "/console")
    console.get_by_test_id("login-username").fill(username)
    console.get_by_test_id("login-password").fill(PASSWORD)
    console.get_by_test_id("login-submit").click()
    connection = console.get_by_test_id("connection")
    expect(connection).to_have_attribute("data-state", "connected", timeout=WAIT)
    return console


def _shopper_opens(page: Page, url: str) -> None:
    page.goto(url + "/")
    expect(page.get_by_test_id("input")).to_be_visible(timeout=WAIT)


def _shopper_says(page: Page, text: str) -> None:
    page.get_by_test_id("input").fill(text)
    page.get_by_test_id("send").click()


def _distance_from_bottom(console: Page) -> float:
    return float(
        console.evaluate(
            "() => { const s = document.getElementById('conv-scroll');"
            " return s.scrollHeight - s.scrollTop - s.clientHeight; }"
        )
    )


def test_an_unclaimed_fraud_ticket_raises_a_fraud_banner(
    gateway: str, browser: Browser, page: Page
) -> None:
    console = _console(browser, gateway)  # general and safety: cannot take security chats
    _shopper_opens(page, gateway)
    _shopper_says(page, "客服让我把钱转到安全账户")
    banner = console.locator('[data-testid="alert-banner"][data-kind="deadline"]')
    expect(banner).to_have_attribute("data-deadline", "fraud", timeout=WAIT)
    expect(banner).to_contain_text("诈骗风险工单 #")
    expect(banner).to_contain_text("无人接入")
    expect(banner).not_to_contain_text("紧急工单")
    row = console.get_by_test_id("queue-item")
    expect(row).to_contain_text("超时未接")
    console.context.close()


def test_the_receiving_agent_sees_the_transfer_note(
    gateway: str, browser: Browser, page: Page
) -> None:
    mei = _console(browser, gateway)
    _shopper_opens(page, gateway)
    _shopper_says(page, "转人工")
    expect(mei.get_by_test_id("transcript")).to_contain_text("转人工", timeout=WAIT)
    expect(mei.get_by_test_id("handover")).to_be_hidden()  # never transferred
    mei.get_by_test_id("transfer").select_option("after_sales")
    mei.get_by_test_id("transfer-open").click()

    note = mei.get_by_test_id("transfer-note")
    confirm = mei.get_by_test_id("transfer-confirm")
    note.fill("等" * 201)
    expect(mei.get_by_test_id("transfer-note-error")).to_contain_text("最多 200 字")
    expect(mei.get_by_test_id("transfer-note-count")).to_have_text("201/200")
    expect(confirm).to_be_disabled()
    note.fill(NOTE)
    expect(mei.get_by_test_id("transfer-note-error")).to_be_hidden()
    confirm.click()
    expect(mei.get_by_test_id("my-ticket")).to_have_count(0, timeout=WAIT)

    bob = _console(browser, gateway, "bob")
    handover = bob.get_by_test_id("handover")
    expect(handover).to_be_visible(timeout=WAIT)
    expect(bob.get_by_test_id("handover-note")).to_have_text(NOTE)
    expect(bob.get_by_test_id("handover-who")).to_contain_text("小美")
    expect(bob.get_by_test_id("handover-who")).to_contain_text("通用组 → 售后组")
    expect(page.locator("body")).not_to_contain_text(NOTE)  # for colleagues only
    bob.context.close()
    mei.context.close()


def _slow_images(console: Page) -> None:
    """Pictures reach the console half a second late, as over a slow network."""

    def late(route: Route) -> None:
        time.sleep(0.5)
        route.continue_()

    console.route("**/images/**", late)


def _send_picture(page: Page, tmp_path: Path, name: str) -> None:
    picture = tmp_path / name
    picture.write_bytes(png(300, 300, (40, 120, 200)))
    page.get_by_test_id("attach-input").set_input_files(str(picture))


def test_a_picture_keeps_the_newest_message_in_view_unless_the_agent_scrolled_up(
    gateway: str, browser: Browser, page: Page, tmp_path: Path
) -> None:
    console = _console(browser, gateway, height=600)
    _slow_images(console)
    _shopper_opens(page, gateway)
    _shopper_says(page, "转人工")
    for n in range(8):  # enough to scroll
        _shopper_says(page, f"第{n}条消息")
    messages = console.get_by_test_id("message")
    expect(messages.filter(has_text="第7条消息")).to_have_count(1, timeout=WAIT)

    _send_picture(page, tmp_path, "first.png")
    image = console.locator(".msg-image")
    expect(image).to_have_count(1, timeout=WAIT)
    console.wait_for_function("() => document.querySelector('.msg-image').complete", timeout=WAIT)
    console.wait_for_timeout(300)
    assert _distance_from_bottom(console) < 2  # the newest message is in view
    _shopper_says(page, "图片看到了吗")
    expect(messages.filter(has_text="图片看到了吗")).to_have_count(1, timeout=WAIT)
    console.wait_for_timeout(300)
    assert _distance_from_bottom(console) < 2  # and stays so for the next messages

    console.evaluate(
        "() => { const s = document.getElementById('conv-scroll'); s.scrollTop = 0;"
        " s.dispatchEvent(new Event('scroll')); }"
    )
    _send_picture(page, tmp_path, "second.png")
    expect(image).to_have_count(2, timeout=WAIT)
    console.wait_for_function(
        "() => [...document.querySelectorAll('.msg-image')].every((i) => i.complete)",
        timeout=WAIT,
    )
    console.wait_for_timeout(300)
    assert console.evaluate("() => document.getElementById('conv-scroll').scrollTop") == 0
    console.context.close()


def test_a_reload_keeps_the_draft_until_it_is_sent_or_the_chat_closes(
    gateway: str, browser: Browser, page: Page
) -> None:
    console = _console(browser, gateway)
    _shopper_opens(page, gateway)
    _shopper_says(page, "转人工")
    expect(console.get_by_test_id("transcript")).to_contain_text("转人工", timeout=WAIT)
    reply = console.get_by_test_id("reply-input")
    reply.fill("您好，我帮您查一下订单")

    console.reload()
    expect(reply).to_have_value("您好，我帮您查一下订单", timeout=WAIT)
    expect(console.get_by_test_id("transcript")).to_contain_text("转人工", timeout=WAIT)
    expect(console.get_by_test_id("reply-send")).to_be_enabled()
    reply.press("Enter")
    expect(console.get_by_test_id("transcript")).to_contain_text("我帮您查一下订单")
    console.reload()
    expect(console.get_by_test_id("connection")).to_have_attribute(
        "data-state", "connected", timeout=WAIT
    )
    expect(console.get_by_test_id("transcript")).to_contain_text("转人工", timeout=WAIT)
    expect(reply).to_have_value("")

    reply.fill("还没写完的回复")
    drafts = "() => Object.keys(sessionStorage).filter((k) => k.startsWith('kefu.draft.'))"
    assert len(console.evaluate(drafts)) == 1
    console.get_by_test_id("close").click()
    console.get_by_test_id("close-confirm").click()
    expect(console.get_by_test_id("my-ticket")).to_have_count(0, timeout=WAIT)
    assert console.evaluate(drafts) == []
    console.context.close()


def test_queue_rows_show_what_the_waiting_shopper_wrote_live(
    gateway: str, browser: Browser, page: Page
) -> None:
    console = _console(browser, gateway)
    presence = console.get_by_test_id("presence")
    presence.click()  # away: the chat waits in the queue
    expect(presence).to_have_attribute("data-status", "away")
    _shopper_opens(page, gateway)
    _shopper_says(page, "转人工")
    row = console.get_by_test_id("queue-item")
    expect(row).to_have_count(1, timeout=WAIT)
    expect(console.get_by_test_id("queue-waiting")).to_have_count(0)

    _shopper_says(page, "还要等多久啊")
    waiting = console.get_by_test_id("queue-waiting")
    expect(waiting).to_have_attribute("data-count", "1", timeout=WAIT)
    expect(console.get_by_test_id("queue-waiting-text")).to_have_text("：还要等多久啊")
    long = "我的羽绒服拉链坏了，想换一件同款同色的，尺码也要一样，麻烦尽快处理一下"
    _shopper_says(page, long)
    expect(waiting).to_have_attribute("data-count", "2", timeout=WAIT)
    expect(console.get_by_test_id("queue-waiting-count")).to_have_text("排队中留言 2 条")
    expect(console.get_by_test_id("queue-waiting-text")).to_have_text(f"：{long[:24]}…")
    console.context.close()


def test_the_side_panel_names_the_goods_of_a_refund(
    gateway: str, browser: Browser, page: Page, tmp_path: Path
) -> None:
    async def refund_the_tshirt() -> None:
        engine = make_engine(f"sqlite:///{tmp_path}/shop.db")
        shop = ShopService(make_sessionmaker(engine))
        await shop.request_refund("demo", DEMO_SHIPPED_ORDER, "不想要了", goods={"P1002": 1})
        await engine.dispose()

    with ThreadPoolExecutor(1) as other_thread:  # sync Playwright runs a loop in this one
        other_thread.submit(asyncio.run, refund_the_tshirt()).result()
    mei = _console(browser, gateway)
    _shopper_opens(page, gateway)
    _shopper_says(page, "转人工")
    goods = mei.get_by_test_id("refund-goods")
    expect(goods).to_have_text("商品：纯棉圆领T恤 ×1", timeout=WAIT)
    mei.context.close()
