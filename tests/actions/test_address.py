"""A new address is written with the receiver and phone number the shopper typed with it."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.address import change_address
from actions.shop.seed import DEMO_PAID_ORDER
from actions.shop.service import ShopService
from tests.factories import make_tracker

ADDRESS = "浙江省杭州市西湖区文三路100号"


async def _change(shop: ShopService, new_address: str) -> CollectingDispatcher:
    dispatcher = CollectingDispatcher()
    slots = {"order_id": DEMO_PAID_ORDER, "new_address": new_address, "address_confirmed": True}
    await change_address(shop, "demo", make_tracker(slots=slots), dispatcher)
    return dispatcher


@pytest.mark.parametrize(
    "new_address",
    [f"{ADDRESS} 13800138000 谢谢", f"{ADDRESS} 麻烦了 13800138000", f"本人 {ADDRESS} 13800138000"],
)
async def test_thanks_or_the_shopper_themself_keep_the_receiver_the_order_has(
    shop: ShopService, new_address: str
) -> None:
    before = await shop.order(shopper_id="demo", order_id=DEMO_PAID_ORDER)
    dispatcher = await _change(shop, new_address)
    order = await shop.order(shopper_id="demo", order_id=DEMO_PAID_ORDER)
    assert (order.address, order.receiver, order.receiver_phone) == (
        ADDRESS,
        before.receiver,
        "13800138000",
    )
    assert dispatcher.messages[0]["receiver"] == before.receiver


@pytest.mark.parametrize(
    "new_address",
    [
        f"{ADDRESS} 李道明 13800138000",
        f"李道明 {ADDRESS} 13800138000",
        "收货人：李道明\n手机号码：138 0013 8000\n所在地区：浙江省杭州市西湖区\n"
        "详细地址：文三路100号",
    ],
)
async def test_a_three_character_name_becomes_the_receiver(
    shop: ShopService, new_address: str
) -> None:
    before = await shop.order(shopper_id="demo", order_id=DEMO_PAID_ORDER)
    dispatcher = await _change(shop, new_address)
    order = await shop.order(shopper_id="demo", order_id=DEMO_PAID_ORDER)
    assert before.receiver != "李道明"
    assert order.address.replace(" ", "") == ADDRESS
    assert (order.receiver, order.receiver_phone) == ("李道明", "13800138000")
    assert dispatcher.messages[0]["receiver"] == "李道明"
