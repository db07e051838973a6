"""The safety panel and police summary: the shopper's words; delivery data only if relevant."""

from __future__ import annotations

from typing import Any

import pytest

from actions.shop.demo_data import DEMO_PAID_ORDER, DEMO_SHIPPED_ORDER, DEMO_SHIPPED_TRACKING
from actions.shop.service import ShopService
from handoff.safety_context import concerns_delivery, flagged_messages, safety_context
from handoff.views import TicketView
from tests.handoff.conftest import NOW

COURIER = "快递员一直在我家门口不走，还说知道我住哪，说不给钱就弄死我"
FIRE = "充电宝在充电的时候冒烟了，着火了，屋里全是烟"
HOME = "我老公喝醉了在砸东西，说要打死我，我躲在卫生间"


def _ticket(shopper_id: str | None = "demo") -> TicketView:
    return TicketView(
        id=7, conversation_id="conv-1", shopper_id=shopper_id, status="assigned",
        priority="urgent", priority_rank=0, team="safety", reason="emergency", summary=(),
        agent_id=1, agent_name="安全员", created_at=NOW, queued_at=NOW, requeued=False,
        claimed_at=NOW, closed_at=None, resolution_code=None, resolution_note=None, csat=None,
    )  # fmt: skip


def _said(*texts: str) -> list[dict[str, Any]]:
    return [{"sender": "shopper", "text": text} for text in texts]


async def _context(shop: ShopService, flag: dict[str, Any], *said: str) -> dict[str, Any]:
    return await safety_context(shop, _ticket(), _said(*said), flag, "11月23日 18:00")


async def test_a_threat_from_the_courier_quotes_the_shopper_and_names_courier_and_parcel(
    shop: ShopService,
) -> None:
    flag = {
        "category": "violence",
        "matched": ["不走", "知道我住", "弄死我"],
        "messages": [COURIER],
    }
    safety = await _context(shop, flag, "我想问下物流", COURIER)
    summary = safety["police_summary"]
    assert f"顾客原话：「{COURIER}」" in summary
    assert "、" not in summary.split("顾客原话：")[1].split("\n")[0]
    assert safety["courier"]["name"] and safety["shipment"]["tracking_no"] == DEMO_SHIPPED_TRACKING
    assert safety["order"]["id"] == DEMO_SHIPPED_ORDER
    assert "派送员" in summary and "包裹最后位置" in summary
    assert "最后已知位置" not in summary  # a parcel scan is not where the shopper is


@pytest.mark.parametrize(
    ("category", "matched", "text"),
    [
        ("fire", ["冒烟", "着火", "全是烟", "冒烟+充电宝"], FIRE),
        ("violence", ["砸东西", "说要打死"], HOME),
    ],
)
async def test_a_danger_at_home_has_no_courier_or_parcel_and_no_internal_labels(
    shop: ShopService, category: str, matched: list[str], text: str
) -> None:
    flag = {"category": category, "matched": matched, "messages": [text]}
    safety = await _context(shop, flag, "我想退掉这件羽绒服", text)
    summary = safety["police_summary"]
    assert f"顾客原话：「{text}」" in summary
    assert "冒烟+充电宝" not in summary
    assert safety["courier"] is None and safety["shipment"] is None
    assert safety["last_location"] is None and safety["order"] is None
    for delivery in ("派送员", "快递：", "运单号", "位置（", "相关订单", "羽绒服"):
        assert delivery not in summary, delivery
    # The shopper can still be reached, and where parcels usually go is said as such.
    assert "13800138000" in summary and safety["contact"]["phone"] == "13800138000"
    assert "不一定是顾客现在的位置" in summary


async def test_an_order_the_shopper_named_is_given_without_the_courier(shop: ShopService) -> None:
    text = f"订单{DEMO_PAID_ORDER}买的充电宝冒烟着火了"
    flag = {"category": "fire", "matched": ["冒烟", "着火"], "messages": [text]}
    safety = await _context(shop, flag, text)
    assert safety["order"]["id"] == DEMO_PAID_ORDER
    assert safety["courier"] is None and "相关订单" in safety["police_summary"]


def test_every_flagged_message_is_quoted_verbatim_and_old_flags_fall_back_to_the_message() -> None:
    more = "他在踹卫生间的门"
    assert flagged_messages({"messages": [HOME, more]}, []) == [HOME, more]
    old_flag = {"matched": ["砸东西"]}  # recorded before flags kept the words
    transcript = _said("我想退掉这件羽绒服", HOME, "快点")
    assert flagged_messages(old_flag, transcript) == [HOME]
    assert flagged_messages({}, transcript) == ["快点"]


@pytest.mark.parametrize(
    ("texts", "delivery"),
    [
        ([COURIER], True),
        (["送貨的人一直在我家門口不走"], True),  # traditional characters
        (["我妈去驿站取件到现在没回来"], True),
        ([FIRE], False),
        ([HOME], False),
        # Keeping the address from the courier ties nothing to the delivery.
        (["有人跟踪我 能不能别把我的地址给快递"], False),
        (["有人跟踪我 快递员把我地址告诉了他"], True),
    ],
)
def test_what_concerns_the_delivery(texts: list[str], delivery: bool) -> None:
    assert concerns_delivery(texts) is delivery
