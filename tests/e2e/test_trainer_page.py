"""A bot trainer in a real browser: the inbox of missed questions becomes a new intent."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.conftest import AGENT, AGENT_PASSWORD, TRAINER, TRAINER_PASSWORD, Stack

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
MISSED = "你们店铺的直播几点开始"
NEW_INTENT = "live_stream_time"
MORE_EXAMPLES = ["直播间什么时候开播", "今晚有直播吗", "你们每天几点直播"]
ANSWER = "店铺直播每天晚上 8 点开始，关注店铺即可收到开播提醒。"
TITLE = "直播时间"
TAKEN_EXAMPLE = "帮我查下订单"  # already an order_status example


def _log_in(page: Page, stack: Stack, username: str, password: str) -> None:
    page.goto(stack.gateway_url + "/trainer")
    page.get_by_test_id("login-username").fill(username)
    page.get_by_test_id("login-password").fill(password)
    page.get_by_test_id("login-submit").click()


def _shopper_asks(browser: Browser, stack: Stack, text: str) -> None:
    context = browser.new_context(locale="zh-CN")
    widget = context.new_page()
    widget.goto(stack.gateway_url + "/")
    widget.get_by_test_id("input").fill(text)
    widget.get_by_test_id("send").click()
    bot = widget.locator("[data-testid=message][data-sender=bot]")
    expect(bot.last).to_be_visible(timeout=30_000)
    context.close()


def _shopper_picks(browser: Browser, stack: Stack, text: str, button: str, answer: str) -> None:
    """Ask in the widget, press one of the 「您是不是想问」 buttons and see ``answer``."""
    context = browser.new_context(locale="zh-CN")
    widget = context.new_page()
    widget.goto(stack.gateway_url + "/")
    widget.get_by_test_id("input").fill(text)
    widget.get_by_test_id("send").click()
    widget.get_by_test_id("quick-reply").filter(has_text=button).click(timeout=30_000)
    shopper = widget.locator("[data-testid=message][data-sender=shopper]")
    expect(shopper).to_have_count(2)
    expect(shopper.last).to_have_text(button)
    bot = widget.locator("[data-testid=message][data-sender=bot]")
    expect(bot).to_have_count(2, timeout=30_000)  # the offer and the answer
    expect(bot.last).to_contain_text(answer)
    context.close()


def _wait_in_inbox(page: Page, text: str, timeout: float = 30) -> Locator:
    group = page.get_by_test_id("inbox-group").filter(has_text=text)
    deadline = time.monotonic() + timeout
    while group.count() == 0 and time.monotonic() < deadline:
        page.get_by_test_id("inbox-refresh").click()
        page.wait_for_timeout(1_000)
    expect(group).to_have_count(1)
    return group


def test_an_agent_is_refused(stack: Stack, page: Page) -> None:
    _log_in(page, stack, AGENT, AGENT_PASSWORD)
    expect(page.get_by_test_id("login-error")).to_have_text("此页面仅供训练师使用")
    expect(page.get_by_test_id("inbox")).to_be_hidden()
    assert page.evaluate("sessionStorage.getItem('kefu.trainer_token')") is None


def test_trainer_turns_a_missed_question_into_a_new_intent(
    stack: Stack, browser: Browser, page: Page
) -> None:
    _shopper_asks(browser, stack, MISSED)
    _log_in(page, stack, TRAINER, TRAINER_PASSWORD)
    expect(page.get_by_test_id("trainer-name")).not_to_have_text("—", timeout=15_000)

    group = _wait_in_inbox(page, MISSED)
    expect(group.get_by_test_id("reason-tag").first).to_be_visible()
    expect(group.get_by_test_id("group-count")).to_contain_text("×")
    group.get_by_test_id("group-select").check()
    expect(page.get_by_test_id("selection-count")).not_to_have_attribute("data-count", "0")
    page.get_by_test_id("new-intent-open").click()
    examples = page.get_by_test_id("new-intent-examples")
    expect(examples).to_have_value(MISSED)
    page.screenshot(path=str(stack.logs / "trainer-inbox.png"))

    # A sentence that already belongs to another intent: refused, nothing typed is lost.
    page.get_by_test_id("new-intent-name").fill(NEW_INTENT)
    examples.fill("\n".join([MISSED, *MORE_EXAMPLES, TAKEN_EXAMPLE]))
    page.get_by_test_id("new-intent-answer").fill(ANSWER)
    page.get_by_test_id("new-intent-submit").click()
    error = page.get_by_test_id("new-intent-error")
    expect(error).to_be_visible(timeout=15_000)
    expect(error.get_by_test_id("conflict")).to_contain_text(TAKEN_EXAMPLE)
    expect(page.get_by_test_id("new-intent-name")).to_have_value(NEW_INTENT)
    expect(page.get_by_test_id("new-intent-answer")).to_have_value(ANSWER)
    expect(group).to_have_count(1)
    page.screenshot(path=str(stack.logs / "trainer-conflict.png"))

    examples.fill("\n".join([MISSED, *MORE_EXAMPLES]))
    page.get_by_test_id("new-intent-title").fill(TITLE)
    page.get_by_test_id("new-intent-submit").click()
    expect(page.get_by_test_id("toast")).to_contain_text(NEW_INTENT, timeout=15_000)
    expect(page.get_by_test_id("inbox-group").filter(has_text=MISSED)).to_have_count(0)
    expect(page.get_by_test_id("new-intent-form")).to_be_hidden()
    expect(page.get_by_test_id("pending-count")).not_to_have_attribute("data-count", "0")
    page.get_by_test_id("inbox-refresh").click()
    expect(page.get_by_test_id("inbox-group").filter(has_text=MISSED)).to_have_count(0)
    page.get_by_test_id("intent-search").fill(NEW_INTENT)
    expect(page.get_by_test_id("intent-select")).to_have_value(NEW_INTENT)

    page.get_by_test_id("tab-intents").click()
    row = page.locator(f"[data-testid=intent-row][data-intent={NEW_INTENT}]")
    expect(row).to_be_visible()
    expect(row).to_contain_text(ANSWER)
    expect(row.get_by_test_id("intent-title")).to_have_text(TITLE)
    greet = page.locator("[data-testid=intent-row][data-intent=greet]")
    expect(greet.get_by_test_id("intent-title")).to_have_text("（不推荐）")
    # Renaming the button in place; the field takes at most 20 characters, as the server.
    row.get_by_test_id("title-edit").click()
    row.get_by_test_id("title-input").fill("直播")
    row.get_by_test_id("title-input").press("End")
    row.get_by_test_id("title-input").type("什么时候开始呀" * 3)
    expect(row.get_by_test_id("title-input")).to_have_value(("直播" + "什么时候开始呀" * 3)[:20])
    row.get_by_test_id("title-input").fill("直播几点开始")
    row.get_by_test_id("title-save").click()
    expect(row.get_by_test_id("intent-title")).to_have_text("直播几点开始")
    expect(page.get_by_test_id("toast")).to_contain_text("直播几点开始")
    page.reload()
    page.get_by_test_id("tab-intents").click()
    expect(row.get_by_test_id("intent-title")).to_have_text("直播几点开始")
    page.screenshot(path=str(stack.logs / "trainer-intents.png"))

    page.get_by_test_id("tab-history").click()
    chart = page.get_by_test_id("accuracy-chart")
    expect(chart).to_be_visible()
    expect(page.get_by_test_id("history-table")).to_be_visible()
    runs = page.get_by_test_id("history-row").count()
    expect(chart.locator("circle")).to_have_count(runs)
    page.screenshot(path=str(stack.logs / "trainer-history.png"), full_page=True)


def test_what_the_shopper_picked_labels_the_question_in_one_click(
    stack: Stack, browser: Browser, page: Page
) -> None:
    _shopper_picks(browser, stack, "运费谁出啊", "商品咨询（规格、包邮、保修）", "满99元包邮")
    _log_in(page, stack, TRAINER, TRAINER_PASSWORD)
    group = _wait_in_inbox(page, "运费谁出啊")
    pick = group.locator("[data-testid=shopper-choice][data-intent=product_consult]")
    expect(pick).to_contain_text("顾客选了 product_consult")
    expect(page.get_by_test_id("selection-count")).to_have_attribute("data-count", "0")

    pick.click()  # once the intents have loaded it is a button
    expect(group.get_by_test_id("group-select")).to_be_checked()
    expect(page.get_by_test_id("intent-select")).to_have_value("product_consult")
    page.screenshot(path=str(stack.logs / "trainer-shopper-choice.png"))
    page.get_by_test_id("label-submit").click()
    expect(page.get_by_test_id("toast")).to_contain_text("product_consult", timeout=15_000)
    expect(page.get_by_test_id("inbox-group").filter(has_text="运费谁出啊")).to_have_count(0)


def test_trainer_stays_logged_in_tries_a_sentence_and_logs_out(stack: Stack, page: Page) -> None:
    _log_in(page, stack, TRAINER, TRAINER_PASSWORD)
    expect(page.get_by_test_id("trainer-name")).to_have_text("小训", timeout=15_000)
    page.reload()  # the tab stays logged in
    expect(page.get_by_test_id("trainer-name")).to_have_text("小训", timeout=15_000)
    page.get_by_test_id("try-input").fill("我的订单到哪了")
    page.get_by_test_id("try-submit").click()
    result = page.get_by_test_id("try-result")
    expect(result.get_by_test_id("try-intent")).not_to_be_empty(timeout=15_000)
    expect(result.get_by_test_id("try-confidence")).to_contain_text("%")
    expect(result.get_by_test_id("try-ranking").locator("li").first).to_be_visible()
    # Understood: no fallback hint, and nothing else between the verdict and the ranking.
    expect(result.get_by_test_id("try-fallback")).to_have_count(0)
    expect(result).not_to_contain_text("null")
    children = result.evaluate("el => [...el.childNodes].map(n => n.nodeName)")
    assert children == ["P", "P", "OL"], children
    page.screenshot(path=str(stack.logs / "trainer-try.png"))

    page.get_by_test_id("logout").click()
    expect(page.get_by_test_id("login-submit")).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('kefu.trainer_token')") is None
