"""Questions about coupons beyond the list: one that is gone, one that took nothing
off, one forgotten at checkout, and haggling."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
import pytest_asyncio
import yaml
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.coupons import ActionListCoupons, coupon_named, goods_counted
from actions.membership import ActionMembershipInfo
from actions.shop.db import create_schema, make_engine, make_sessionmaker
from actions.shop.format import local_time
from actions.shop.seed import (
    DEMO_PAID_ORDER,
    DEMO_SHIPPED_ORDER,
    PLATINUM_SHOPPER,
    seed_demo_shop,
)
from actions.shop.service import ShopService
from tests.actions.conftest import NOW
from tests.factories import make_tracker

ROOT = Path(__file__).resolve().parents[2]


async def _answer(
    shop: ShopService, text: str, intent: str = "coupon", shopper_id: str | None = "demo", **kw
) -> tuple[list[dict], list]:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, intent, shopper_id=shopper_id, **kw)
    events = await ActionListCoupons(shop).run(dispatcher, tracker, {})
    return dispatcher.messages, events


def _responses(messages: list[dict]) -> list[str]:
    return [m["response"] for m in messages]


@pytest.mark.parametrize(
    ("text", "title"),
    [("我那张满100减10怎么不见了", "满100减10"), ("满300减30那张呢", "全场满300减30"),
     ("我的5元券呢", "无门槛5元券"), ("我有哪些优惠券", None)],
)  # fmt: skip
async def test_a_coupon_is_known_by_its_title_or_its_terms(
    shop: ShopService, text: str, title: str | None
) -> None:
    named = coupon_named(text, await shop.coupons(shopper_id="demo"))
    assert (named.title if named else None) == title


async def test_a_coupon_that_expired_is_told_when_and_that_it_cannot_come_back(
    shop: ShopService,
) -> None:
    # It only listed the usable coupons again.
    messages, _ = await _answer(shop, "我那张满100减10怎么不见了")
    assert _responses(messages) == ["utter_coupon_expired", "utter_coupons"]
    assert messages[0]["expired"] == local_time(NOW - timedelta(days=1))
    assert "满100减10" not in messages[1]["coupons"]


async def test_a_used_coupon_is_told_when_it_was_used(shop: ShopService) -> None:
    messages, _ = await _answer(shop, "我的5元券呢")
    assert _responses(messages) == ["utter_coupon_used", "utter_coupons"]
    assert messages[0]["used"] == local_time(NOW - timedelta(days=28))


async def test_a_qualifying_order_the_coupon_missed_gets_the_rules_and_a_person(
    shop: ShopService,
) -> None:
    # 「我买了367」 is the paid order (¥367.90): it qualified, and the coupon is unused.
    messages, _ = await _answer(shop, "满300减30那张我买了367怎么没减")
    assert _responses(messages) == ["utter_policy_coupon_rules", "utter_coupon_missed"]
    assert messages[1]["order_id"] == DEMO_PAID_ORDER and messages[1]["counted"] == "¥367.90"


async def test_a_category_coupon_counts_only_its_categorys_goods(shop: ShopService) -> None:
    # The shipped order (¥478) holds clothes only: nothing counts toward 母婴满199减20.
    messages, _ = await _answer(shop, "母婴满199减20那张 我买了478怎么没减")
    assert _responses(messages) == [
        "utter_policy_coupon_rules",
        "utter_coupon_category_only",
        "utter_coupon_order_below",
    ]
    assert messages[2]["order_id"] == DEMO_SHIPPED_ORDER and messages[2]["counted"] == "¥0.00"
    coupon = coupon_named("满199减20", await shop.coupons(shopper_id="demo"))
    paid = await shop.order(shopper_id="demo", order_id=DEMO_PAID_ORDER)
    assert goods_counted(coupon, paid, {"P3001": "母婴", "P5001": "食品"}) == 27800


async def test_a_coupon_forgotten_on_an_unshipped_order_offers_to_cancel_and_order_again(
    shop: ShopService,
) -> None:
    # It listed the coupons; 「那怎么办」 then was not understood.
    asked = "590142下单忘了用券了，能退我30块吗"
    messages, events = await _answer(shop, asked)
    assert _responses(messages) == ["utter_coupon_after_order_unshipped"]
    assert messages[0]["title"] == "全场满300减30"
    # The order is kept, so the 「取消订单」 button cancels this one.
    assert events == [SlotSet("order_id", DEMO_PAID_ORDER), SlotSet("order_status", "paid")]
    before = [{"event": "user", "text": asked}]
    again, _ = await _answer(shop, "那怎么办", "nlu_fallback", events=before)
    assert _responses(again) == ["utter_coupon_after_order_unshipped"]


@pytest.mark.parametrize(
    ("text", "response"),
    [
        ("418825忘了用券了", "utter_coupon_after_order_too_late"),  # shipped
        ("下单忘记用优惠券了", "utter_coupon_after_order"),  # no order named
    ],
)
async def test_a_coupon_forgotten_on_a_shipped_or_unnamed_order_cannot_be_added(
    shop: ShopService, text: str, response: str
) -> None:
    messages, events = await _answer(shop, text)
    assert _responses(messages) == [response] and events == []


@pytest_asyncio.fixture
async def month_later() -> AsyncIterator[ShopService]:
    """The demo shop a month on: every coupon has expired, the paid order still waits."""
    engine = make_engine("sqlite+aiosqlite://")
    await create_schema(engine)
    sessions = make_sessionmaker(engine)
    await seed_demo_shop(sessions, NOW)
    yield ShopService(sessions, clock=lambda: NOW + timedelta(days=31))
    await engine.dispose()


async def test_no_coupon_fitting_the_order_says_ordering_again_saves_nothing(
    month_later: ShopService,
) -> None:
    messages, events = await _answer(month_later, "590142忘了用券")
    assert _responses(messages) == ["utter_coupon_after_order_none_fits"] and events == []


@pytest.fixture(scope="module")
def domain() -> dict:
    """The project's domain, as Rasa sends it to the action server (with the responses)."""
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("shopper_id", "said"),
    [
        # 「您暂时没有可用的优惠券」 was all the platinum shopper got.
        (PLATINUM_SHOPPER, ["您暂时没有可用的优惠券", "15800", "¥158.00", "白金权益"]),
        ("demo", ["全场满300减30", "2680", "¥26.00", "金卡权益"]),
    ],
)
async def test_haggling_is_told_prices_are_fixed_and_how_to_save_in_one_message(
    shop: ShopService, domain: dict, shopper_id: str, said: list[str]
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("能便宜点吗", "coupon", shopper_id=shopper_id)
    await ActionListCoupons(shop).run(dispatcher, tracker, domain)
    [message] = dispatcher.messages
    assert message["response"] == "utter_coupon_ways_to_save"
    filled = " ".join(str(message[k]) for k in ("coupons", "points", "worth", "benefits"))
    assert all(part in filled for part in said), filled


async def test_haggling_without_logging_in_gets_the_general_answer(shop: ShopService) -> None:
    messages, _ = await _answer(shop, "能便宜点吗", shopper_id=None)
    assert _responses(messages) == ["utter_coupon_no_bargaining"]


async def test_whether_points_go_with_a_coupon_gets_the_points_rules(shop: ShopService) -> None:
    # It told the tier's benefits.
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("积分呢 也能一起用？", "membership")
    await ActionMembershipInfo(shop).run(dispatcher, tracker, {})
    assert _responses(dispatcher.messages) == ["utter_membership", "utter_membership_points"]
