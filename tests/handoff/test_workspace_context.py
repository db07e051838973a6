"""The shop context beside a chat: what the agent sees of the shopper's orders and refunds."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from actions.shop.seed import DEMO_SHIPPED_ORDER
from actions.shop.service import ShopService
from handoff.workspace import Workspace


def workspace(shop: ShopService) -> Workspace:
    unused: Any = None  # the context reads only the shop
    return Workspace(unused, unused, unused, shop, {}, unused)


async def test_a_refund_of_single_goods_shows_which_goods(shop: ShopService) -> None:
    await shop.request_refund("demo", DEMO_SHIPPED_ORDER, "不想要了", goods={"P1002": 1})
    context = await workspace(shop).context(SimpleNamespace(shopper_id="demo"))  # type: ignore[arg-type]
    [refund] = context["refunds"]
    assert (refund["order_id"], refund["goods"], refund["amount"]) == (
        DEMO_SHIPPED_ORDER,
        "纯棉圆领T恤 ×1",
        "¥79.00",
    )


async def test_a_refund_of_the_whole_order_names_no_goods(shop: ShopService) -> None:
    await shop.request_refund("demo", DEMO_SHIPPED_ORDER, "不想要了")
    context = await workspace(shop).context(SimpleNamespace(shopper_id="demo"))  # type: ignore[arg-type]
    assert context["refunds"][0]["goods"] == ""
