"""A shopper in a real browser: kefu's widget and the community rasa-webchat."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from actions.shop.seed import DEMO_SHIPPED_TRACKING
from bot import copy
from tests.e2e.conftest import AGENT, AGENT_PASSWORD, SUPERVISOR, SUPERVISOR_PASSWORD, Stack
from tests.images import png

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def test_shopper_asks_where_the_order_is_and_sees_it_after_reload(stack: Stack, page: Page) -> None:
    page.goto(stack.gateway_url + "/")
    page.get_by_test_id("input").fill("我的订单到哪了")
    page.get_by_test_id("send").click()
    shipped = page.get_by_test_id("quick-reply").filter(has_text="已发货").first
    expect(shipped).to_be_visible(timeout=30_000)
    shipped.click()
    bot = page.locator("[data-testid=message][data-sender=bot]")
    expect(bot.filter(has_text=DEMO_SHIPPED_TRACKING)).to_have_count(1, timeout=30_000)
    page.screenshot(path=str(stack.logs / "widget.png"))

    page.reload()
    expect(bot.filter(has_text=DEMO_SHIPPED_TRACKING)).to_have_count(1, timeout=15_000)
    shopper = page.locator("[data-testid=message][data-sender=shopper]")
    expect(shopper.filter(has_text="我的订单到哪了")).to_have_count(1)


def test_shopper_text_is_shown_as_text(stack: Stack, page: Page) -> None:
    page.goto(stack.gateway_url + "/")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.get_by_test_id("input").fill("<img src=x onerror=alert(1)>")
    page.get_by_test_id("send").click()
    shopper = page.locator("[data-testid=message][data-sender=shopper]")
    expect(shopper.filter(has_text="<img src=x onerror=alert(1)>")).to_have_count(1)
    expect(page.locator("[data-testid=message][data-sender=bot]").last).to_be_visible(
        timeout=30_000
    )
    assert dialogs == []


def test_a_refused_message_is_explained_in_chinese(stack: Stack, page: Page) -> None:
    # 「/restart」 wiped the conversation; the gateway's English errors reached shoppers as is.
    page.goto(stack.gateway_url + "/")
    page.get_by_test_id("input").fill("/restart")
    page.get_by_test_id("send").click()
    notice = page.locator("[data-testid=message][data-sender=system]")
    expect(notice.filter(has_text="这条消息无法发送，请换个说法")).to_have_count(1, timeout=15_000)
    expect(page.get_by_label("发送失败：这条消息无法发送，请换个说法")).to_have_count(1)


def test_community_rasa_webchat_works_unchanged(stack: Stack, page: Page) -> None:
    page.goto(stack.gateway_url + "/webchat")
    # rasa-webchat sends initPayload "/greet"; the bot's greeting must render.
    expect(page.get_by_text("kefu 智能客服小蜜", exact=False)).to_be_visible(timeout=30_000)
    page.locator(".rw-new-message").fill("你是机器人吗")
    page.locator(".rw-new-message").press("Enter")
    expect(page.get_by_text("智能客服机器人", exact=False)).to_be_visible(timeout=30_000)


def _console(
    stack: Stack, browser: Browser, user: str = AGENT, password: str = AGENT_PASSWORD
) -> Page:
    """The agent's console, logged in and online."""
    console = browser.new_context(
        locale="zh-CN", viewport={"width": 1440, "height": 900}
    ).new_page()
    console.goto(stack.gateway_url + "/console")
    console.get_by_test_id("login-username").fill(user)
    console.get_by_test_id("login-password").fill(password)
    console.get_by_test_id("login-submit").click()
    presence = console.get_by_test_id("presence")
    expect(presence).to_have_attribute("data-status", "online", timeout=15_000)
    # Connected, so the console is in its rooms before the test acts (the supervisors'
    # alerts reach only consoles already there).
    connection = console.get_by_test_id("connection")
    expect(connection).to_have_attribute("data-state", "connected", timeout=15_000)
    return console


def _chat_with_a_person(stack: Stack, browser: Browser, page: Page) -> Page:
    """The agent's console with the shopper's chat open, after 「转人工」 in the widget."""
    console = _console(stack, browser)
    page.goto(stack.gateway_url + "/")
    page.get_by_test_id("input").fill("转人工")
    page.get_by_test_id("send").click()
    expect(console.get_by_test_id("transcript")).to_contain_text("转人工", timeout=30_000)
    return console


def test_agent_takes_over_in_the_console_and_hands_back(
    stack: Stack, browser: Browser, page: Page
) -> None:
    console = _console(stack, browser)
    presence = console.get_by_test_id("presence")
    presence.click()  # away: the ticket waits in the queue to be claimed by hand
    expect(presence).to_have_attribute("data-status", "away")

    page.goto(stack.gateway_url + "/")
    page.get_by_test_id("input").fill("转人工")
    page.get_by_test_id("send").click()

    queued = console.get_by_test_id("queue-item").first
    expect(queued).to_be_visible(timeout=30_000)
    expect(queued.get_by_test_id("wait")).to_have_text(re.compile(r"^已等 \d\d:\d\d$"))
    queued.get_by_test_id("claim").click()
    expect(console.get_by_test_id("transcript")).to_contain_text("转人工", timeout=15_000)
    # A normal priority is not shown beside the name, where 「普通」 would read as a member tier.
    expect(console.get_by_test_id("conv-badges")).to_have_text("通用")
    options = console.get_by_test_id("transfer").locator("option")
    expect(options).to_have_text(["转接到…", "通用组（当前）", "售后组", "账号安全组", "安全专组"])
    console.get_by_test_id("reply-input").fill("您好，我是小美，请问有什么可以帮您？")
    console.get_by_test_id("reply-send").click()

    agent_says = page.locator("[data-testid=message][data-sender=agent]")
    expect(agent_says.filter(has_text="我是小美")).to_have_count(1, timeout=15_000)
    page.screenshot(path=str(stack.logs / "widget-agent.png"))
    console.screenshot(path=str(stack.logs / "console.png"))

    # After a reload the chat list previews the newest message, not the handoff's summary.
    page.get_by_test_id("input").fill("好的，我等您消息")
    page.get_by_test_id("send").click()
    expect(console.get_by_test_id("transcript")).to_contain_text("我等您消息", timeout=15_000)
    console.reload()
    mine = console.get_by_test_id("my-tickets")
    expect(mine).to_contain_text("好的，我等您消息", timeout=15_000)
    mine.get_by_role("button").first.click()
    expect(console.get_by_test_id("transcript")).to_contain_text("我等您消息", timeout=15_000)

    console.get_by_test_id("hand-back").click()
    expect(page.locator("[data-testid=message][data-sender=bot]").last).to_contain_text(
        "回来", timeout=15_000
    )
    page.get_by_test_id("input").fill("我有哪些优惠券")
    page.get_by_test_id("send").click()
    expect(page.locator("[data-testid=message][data-sender=bot]").last).to_contain_text(
        "优惠券", timeout=30_000
    )
    console.context.close()


def test_after_the_agent_closes_the_shopper_rates_with_a_tap(
    stack: Stack, browser: Browser, page: Page
) -> None:
    console = _console(stack, browser)
    page.goto(stack.gateway_url + "/")
    page.get_by_test_id("input").fill("转人工")
    page.get_by_test_id("send").click()
    agent_joined = page.locator("[data-testid=message][data-sender=system]")
    expect(agent_joined.filter(has_text="已接入")).to_have_count(1, timeout=30_000)

    console.get_by_test_id("close").click()
    console.get_by_test_id("close-confirm").click()

    rating = page.locator("[data-testid=message][data-sender=system] [data-testid=quick-reply]")
    expect(rating).to_have_count(5, timeout=15_000)
    page.screenshot(path=str(stack.logs / "widget-rating.png"))
    rating.filter(has_text="5分").click()
    expect(agent_joined.filter(has_text="感谢您的评价")).to_have_count(1, timeout=15_000)
    console.context.close()


def test_supervisor_sees_todays_service_report(stack: Stack, browser: Browser, page: Page) -> None:
    agent = _console(stack, browser)
    expect(agent.get_by_test_id("report-open")).to_be_hidden()  # agents have no report
    page.goto(stack.gateway_url + "/")
    page.get_by_test_id("input").fill("转人工")
    page.get_by_test_id("send").click()
    system = page.locator("[data-testid=message][data-sender=system]")
    expect(system.filter(has_text="已接入")).to_have_count(1, timeout=30_000)
    agent.get_by_test_id("reply-input").fill("您好，我来帮您查")
    agent.get_by_test_id("reply-send").click()
    agent_says = page.locator("[data-testid=message][data-sender=agent]")
    expect(agent_says.filter(has_text="我来帮您查")).to_have_count(1, timeout=15_000)
    agent.get_by_test_id("close").click()
    agent.get_by_test_id("close-confirm").click()
    rating = page.locator("[data-testid=message][data-sender=system] [data-testid=quick-reply]")
    rating.filter(has_text="4分").click()
    expect(system.filter(has_text="感谢您的评价")).to_have_count(1, timeout=15_000)

    boss = _console(stack, browser, SUPERVISOR, SUPERVISOR_PASSWORD)
    boss.get_by_test_id("report-open").click()
    report = boss.get_by_test_id("report")
    expect(report.get_by_role("button", name="今天")).to_have_attribute("aria-pressed", "true")
    agents = report.get_by_test_id("report-agents")
    expect(agents.locator("tbody tr").filter(has_text="小美")).to_have_count(1, timeout=15_000)
    boss.screenshot(path=str(stack.logs / "console-report.png"))

    # What the page shows is what the API reports for the same day.
    since = boss.evaluate("KefuReport.sinceFor(1, new Date()).toISOString()")
    token = httpx.post(
        stack.gateway_url + "/api/login",
        json={"username": SUPERVISOR, "password": SUPERVISOR_PASSWORD},
    ).json()["token"]
    numbers = httpx.get(
        stack.gateway_url + "/api/report",
        params={"since": since},
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    conversations = numbers["conversations"]
    assert conversations["handed_off"] >= 1 and numbers["csat"]["scores"]["4"] >= 1
    card = report.get_by_test_id("report-conversations")
    expect(card).to_contain_text(str(conversations["total"]))
    expect(card).to_contain_text(f"转人工 {conversations['handed_off']}")
    average = numbers["csat"]["average"]
    expect(report.get_by_test_id("report-csat")).to_contain_text(f"{average:.2f} 分")
    expect(report.get_by_test_id("report-reasons")).to_contain_text("顾客要求转人工")
    report.get_by_role("button", name="近7天").click()
    expect(report.get_by_role("button", name="近7天")).to_have_attribute("aria-pressed", "true")
    expect(agents.locator("tbody tr").filter(has_text="小美")).to_have_count(1, timeout=15_000)
    agent.context.close()
    boss.context.close()


def _loaded(image: Locator) -> int:
    """The picture's natural width once the browser has decoded it (0 if it could not)."""
    expect(image).to_be_visible(timeout=15_000)
    image.evaluate("img => img.decode().catch(() => null)")
    return int(image.evaluate("img => img.naturalWidth"))


def test_shopper_sends_a_photo_and_the_agent_sees_it(
    stack: Stack, browser: Browser, page: Page, tmp_path: Path
) -> None:
    console = _console(stack, browser)
    console.get_by_test_id("presence").click()  # away: the chat waits until claimed
    page.goto(stack.gateway_url + "/")
    photo = tmp_path / "破损.png"
    photo.write_bytes(png(2400, 1800))  # wider than the widget sends: shrunk to a JPEG first
    page.get_by_test_id("attach-input").set_input_files(str(photo))

    sent = page.locator("[data-testid=message][data-sender=shopper] img")
    expect(sent).to_have_count(1, timeout=15_000)
    bot = page.locator("[data-testid=message][data-sender=bot]")
    expect(bot.filter(has_text="看不懂图片")).to_have_count(1, timeout=15_000)
    assert copy.PICTURE_TO_BOT.startswith("图片已收到")
    page.reload()  # from the gateway now, not the page's own copy
    stored = page.locator("[data-testid=message][data-sender=shopper] img")
    expect(stored).to_have_count(1, timeout=15_000)
    src = stored.get_attribute("src") or ""
    assert src.startswith(stack.gateway_url + "/images/")
    assert _loaded(stored) == 1600
    assert httpx.get(src).headers["content-type"] == "image/jpeg"
    page.screenshot(path=str(stack.logs / "widget-photo.png"))

    page.get_by_test_id("quick-reply").filter(has_text="转人工").last.click()
    queued = console.get_by_test_id("queue-item").first
    expect(queued).to_be_visible(timeout=30_000)
    queued.get_by_test_id("claim").click()
    shown = console.get_by_test_id("transcript").locator("img")
    expect(shown).to_have_count(1, timeout=15_000)
    assert _loaded(shown) == 1600
    console.screenshot(path=str(stack.logs / "console-photo.png"))
    console.get_by_test_id("close").click()
    console.get_by_test_id("close-confirm").click()
    console.context.close()


def test_a_pasted_screenshot_is_sent_as_a_picture(stack: Stack, page: Page) -> None:
    page.goto(stack.gateway_url + "/")
    screenshot = base64.b64encode(png(120, 80)).decode()
    page.get_by_test_id("input").evaluate(
        """(input, b64) => {
            const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
            const data = new DataTransfer();
            data.items.add(new File([bytes], "截图.png", { type: "image/png" }));
            const paste = new ClipboardEvent("paste", { clipboardData: data, bubbles: true });
            input.dispatchEvent(paste);
        }""",
        screenshot,
    )
    sent = page.locator("[data-testid=message][data-sender=shopper] img")
    expect(sent).to_have_count(1, timeout=15_000)
    assert _loaded(sent) == 120  # small enough to go as it is
    bot = page.locator("[data-testid=message][data-sender=bot]")
    expect(bot.filter(has_text="看不懂图片")).to_have_count(1, timeout=15_000)
    expect(page.get_by_test_id("input")).to_have_value("")  # nothing pasted as text


def test_a_supervisor_adds_a_quick_reply_and_the_agents_console_has_it(
    stack: Stack, browser: Browser
) -> None:
    agent = _console(stack, browser)
    expect(agent.get_by_test_id("canned-manage")).to_be_hidden()  # agents use them, not keep them
    boss = _console(stack, browser, SUPERVISOR, SUPERVISOR_PASSWORD)
    boss.get_by_test_id("presence").click()  # away: no chats for the supervisor
    boss.get_by_test_id("canned-manage").click()
    dialog = boss.get_by_test_id("canned-dialog")
    expect(dialog.get_by_test_id("canned-row")).to_have_count(5)  # kefu's own to start with
    dialog.get_by_test_id("canned-title").fill("双十一")
    dialog.get_by_test_id("canned-text").fill(
        "双十一期间订单较多，发货可能延迟1-2天，请您耐心等待。"
    )
    dialog.get_by_test_id("canned-save").click()
    expect(dialog.get_by_test_id("canned-row")).to_have_count(6, timeout=15_000)
    boss.screenshot(path=str(stack.logs / "console-canned.png"))

    page = agent.context.new_page()  # the agent has a chat open, to see the side panel
    page.goto(stack.gateway_url + "/")
    page.get_by_test_id("input").fill("转人工")
    page.get_by_test_id("send").click()
    expect(agent.get_by_test_id("transcript")).to_contain_text("转人工", timeout=30_000)
    added = agent.get_by_test_id("canned").filter(has_text="双十一")
    expect(added).to_have_count(1, timeout=15_000)  # pushed to the open console, no reload
    added.click()
    expect(agent.get_by_test_id("reply-input")).to_have_value(re.compile("发货可能延迟"))
    agent.get_by_test_id("close").click()
    agent.get_by_test_id("close-confirm").click()
    agent.context.close()
    boss.context.close()


def test_an_agent_sends_a_picture_from_the_console(
    stack: Stack, browser: Browser, page: Page, tmp_path: Path
) -> None:
    console = _chat_with_a_person(stack, browser, page)
    chart = tmp_path / "尺码表.png"
    chart.write_bytes(png(160, 90, (40, 120, 220)))
    console.get_by_test_id("reply-image-input").set_input_files(str(chart))

    mine = console.get_by_test_id("transcript").locator("[data-sender=agent] img")
    expect(mine).to_have_count(1, timeout=15_000)
    received = page.locator("[data-testid=message][data-sender=agent] img")
    expect(received).to_have_count(1, timeout=15_000)
    assert _loaded(received) == 160
    assert (received.get_attribute("src") or "").startswith(stack.gateway_url + "/images/")
    page.screenshot(path=str(stack.logs / "widget-agent-picture.png"))
    console.get_by_test_id("close").click()
    console.get_by_test_id("close-confirm").click()
    console.context.close()


def test_a_supervisor_finds_an_unhappy_chat_and_reads_it(
    stack: Stack, browser: Browser, page: Page
) -> None:
    agent = _chat_with_a_person(stack, browser, page)
    page.get_by_test_id("input").fill("等了半天也没人管，太差了")
    page.get_by_test_id("send").click()
    expect(agent.get_by_test_id("transcript")).to_contain_text("太差了", timeout=15_000)
    agent.get_by_test_id("close").click()
    agent.get_by_test_id("close-confirm").click()
    boss = _console(stack, browser, SUPERVISOR, SUPERVISOR_PASSWORD)
    rating = page.locator("[data-testid=message][data-sender=system] [data-testid=quick-reply]")
    rating.filter(has_text="1分").click()
    system = page.locator("[data-testid=message][data-sender=system]")
    expect(system.filter(has_text="感谢您的评价")).to_have_count(1, timeout=15_000)

    alert = boss.locator("[data-testid=alert-banner][data-kind=unhappy]")  # 差评预警, at once
    expect(alert).to_contain_text("收到 1 分", timeout=15_000)
    alert.get_by_test_id("alert-read").click()
    history = boss.get_by_test_id("history")
    expect(history.get_by_test_id("history-transcript")).to_contain_text("太差了", timeout=15_000)
    history.locator("#history-close").click()

    boss.get_by_test_id("report-open").click()  # today's ratings, and the way to the bad ones
    boss.get_by_test_id("report").get_by_test_id("report-unhappy").click()
    expect(history.get_by_test_id("history-unhappy")).to_be_checked()
    unhappy = history.get_by_test_id("history-row")
    expect(unhappy.first).to_contain_text("1分", timeout=15_000)
    expect(unhappy.filter(has_text="5分")).to_have_count(0)  # the happy ones are left out
    unhappy.first.click()
    expect(history.get_by_test_id("history-transcript")).to_contain_text("太差了", timeout=15_000)
    expect(history.get_by_test_id("history-head")).to_contain_text("满意度：1分")
    boss.screenshot(path=str(stack.logs / "console-history.png"))
    agent.context.close()
    boss.context.close()
