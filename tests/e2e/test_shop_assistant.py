"""A shopper chats with the real bot through the gateway, as rasa-webchat would."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
import yaml
from sqlalchemy import select

from actions.shop.db import make_engine, make_sessionmaker
from actions.shop.models import Invoice, Order, OrderItem, Refund
from actions.shop.seed import (
    DEMO_COMPLETED_ORDER,
    DEMO_DELIVERED_ORDER,
    DEMO_PAID_ORDER,
    DEMO_PENDING_ORDER,
    DEMO_SHIPPED_ORDER,
    DEMO_SHIPPED_TRACKING,
    OTHER_PAID_ORDER,
    OTHER_SHIPPED_ORDER,
    OTHER_SHOPPER,
    OTHER_SHOPPER_ORDER,
)
from actions.shop.service import ShopService
from bot.identity import sign
from bot.stack import ROOT
from tests.e2e.conftest import SECRET, TRAINER, TRAINER_PASSWORD, Stack
from tests.socket_clients import WidgetClient

pytestmark = pytest.mark.e2e
DEMO = {"shopper_id": "demo", "signature": sign(SECRET, "demo")}


class Shopper:
    """A widget session of one shopper."""

    def __init__(self, client: WidgetClient, session_id: str, identity: dict[str, str] | None):
        self.client = client
        self.session_id = session_id
        self.identity = identity

    async def say(
        self, text: str, replies: int = 1, title: str | None = None
    ) -> list[dict[str, Any]]:
        """Send a message (a tapped button's payload with its ``title``) and collect the
        next ``replies`` bot messages."""
        extra: dict[str, Any] = {"customData": self.identity} if self.identity else {}
        if title is not None:
            extra["title"] = title
        ack = await self.client.say(text, self.session_id, **extra)
        assert ack["ok"] is True
        return [await self.client.next("bot_uttered", timeout=30) for _ in range(replies)]


@pytest.fixture
async def shopper(stack: Stack) -> AsyncIterator[Shopper]:
    client = WidgetClient()
    await client.connect(stack.gateway_url)
    session_id, _ = await client.start_session()
    yield Shopper(client, session_id, DEMO)
    await client.close()


@pytest.fixture
async def other_shopper(stack: Stack) -> AsyncIterator[Shopper]:
    """Another shopper, whose orders tests may change without touching the demo shopper's."""
    client = WidgetClient()
    await client.connect(stack.gateway_url)
    session_id, _ = await client.start_session()
    yield Shopper(
        client, session_id, {"shopper_id": OTHER_SHOPPER, "signature": sign(SECRET, OTHER_SHOPPER)}
    )
    await client.close()


async def _invoice(stack: Stack, order_id: str) -> Invoice | None:
    engine = make_engine(stack.settings.shop_database_url)
    try:
        async with make_sessionmaker(engine)() as s:
            return await s.scalar(select(Invoice).where(Invoice.order_id == order_id))
    finally:
        await engine.dispose()


async def _order(stack: Stack, order_id: str) -> tuple[Order, list[Refund]]:
    engine = make_engine(stack.settings.shop_database_url)
    try:
        async with make_sessionmaker(engine)() as s:
            order = await s.get(Order, order_id)
            refunds = (await s.execute(select(Refund).where(Refund.order_id == order_id))).scalars()
            return order, list(refunds)
    finally:
        await engine.dispose()


async def test_where_is_my_order_answers_from_the_shop_database(shopper: Shopper) -> None:
    [question] = await shopper.say("我的订单到哪了")
    payloads = [q["payload"] for q in question["quick_replies"]]
    assert f'/inform{{"order_id":"{DEMO_SHIPPED_ORDER}"}}' in payloads
    # Where the parcel is: its carrier, tracking number and latest scan.
    [answer] = await shopper.say(f'/inform{{"order_id":"{DEMO_SHIPPED_ORDER}"}}')
    text = answer["text"]
    assert DEMO_SHIPPED_ORDER in text and "派送中" in text, text
    assert DEMO_SHIPPED_TRACKING in text


async def test_goods_named_in_a_request_offer_their_order_first(shopper: Shopper) -> None:
    [question] = await shopper.say("耳机没声音了，我想退货")
    first = question["quick_replies"][0]["payload"]
    assert DEMO_DELIVERED_ORDER in first, question["text"]


async def test_where_the_named_goods_are_is_answered_without_asking(shopper: Shopper) -> None:
    # It was a product question (the down jacket's card), then 「是下面第一笔订单吗」.
    [answer] = await shopper.say("我买的羽绒服还没到")
    assert DEMO_SHIPPED_TRACKING in answer["text"], answer["text"]


async def test_yes_to_the_order_whose_goods_were_named_takes_it(shopper: Shopper) -> None:
    await shopper.say("耳机没声音了，我想退货")
    # 「好的」 was answered 「好的～还有其他需要帮忙的吗？」 and the order asked again.
    [answer] = await shopper.say("好的")
    assert DEMO_DELIVERED_ORDER in answer["text"] and "退货" in answer["text"]


async def test_no_to_the_order_whose_goods_were_named_offers_the_others(
    shopper: Shopper,
) -> None:
    await shopper.say("耳机没声音了，我想退货")
    # 「不是这个」 gave up the return (「好的，已为您取消本次操作」).
    [other] = await shopper.say("不是这个")
    offered = [q["payload"] for q in other["quick_replies"]]
    assert offered == [f'/inform{{"order_id":"{DEMO_COMPLETED_ORDER}"}}'], other["text"]


async def test_a_wrong_item_while_asked_for_the_order_keeps_the_request(
    shopper: Shopper,
) -> None:
    await shopper.say("我要退款")
    # Read as 「no」, it gave up the refund: 「好的，已为您取消本次操作」.
    [again] = await shopper.say("发错了")
    assert "还不确定是哪一笔订单" in again["text"]
    [reason] = await shopper.say(DEMO_SHIPPED_ORDER[-6:])
    assert "退款的原因" in reason["text"]


async def test_a_cancellation_offers_only_the_orders_that_can_be_cancelled(
    shopper: Shopper,
) -> None:
    [question] = await shopper.say("我要取消订单")
    offered = [q["payload"] for q in question["quick_replies"]]
    assert offered == [
        f'/inform{{"order_id":"{DEMO_PENDING_ORDER}"}}',
        f'/inform{{"order_id":"{DEMO_PAID_ORDER}"}}',
    ]
    [confirm] = await shopper.say("第二个")
    assert DEMO_PAID_ORDER in confirm["text"] and "确认" in confirm["text"]


async def test_a_typed_reply_picks_one_of_the_offered_orders(shopper: Shopper) -> None:
    await shopper.say("我的订单到哪了")
    [answer] = await shopper.say("羽绒服那个")
    assert DEMO_SHIPPED_ORDER in answer["text"] and DEMO_SHIPPED_TRACKING in answer["text"]


async def test_an_unsure_reply_that_picks_the_order_is_no_miss_for_the_trainers(
    shopper: Shopper, stack: Stack
) -> None:
    await shopper.say("我的订单到哪了")
    [again] = await shopper.say("忘了是哪个")  # the bot falls back: a miss
    assert "还不确定是哪一笔订单" in again["text"]
    # As unsure as the NLU is of it (it falls back too), the order form takes it.
    [answer] = await shopper.say("羽绒服那个")
    assert DEMO_SHIPPED_ORDER in answer["text"]  # so the fallback was asked once, not twice
    # Answered only after the inbox has seen the message before it.
    await shopper.say("谢谢")

    missed = [item["text"] for item in await _inbox(stack)
              if item["conversation_id"] == shopper.session_id]  # fmt: skip
    assert missed == ["忘了是哪个"]


async def test_an_order_typed_before_any_question_is_looked_up(shopper: Shopper) -> None:
    [answer] = await shopper.say(DEMO_DELIVERED_ORDER[-6:])  # as the order buttons show it
    assert DEMO_DELIVERED_ORDER in answer["text"] and "签收" in answer["text"]


async def test_a_request_names_its_order_by_the_number_the_buttons_show(shopper: Shopper) -> None:
    [answer] = await shopper.say(f"我要退货 {DEMO_DELIVERED_ORDER[-6:]}")
    assert DEMO_DELIVERED_ORDER in answer["text"] and "退货" in answer["text"]
    assert "哪一笔" not in answer["text"]  # not asked which order


async def test_an_order_with_an_invoice_is_told_so_without_questions(shopper: Shopper) -> None:
    [answer] = await shopper.say(f"{DEMO_COMPLETED_ORDER[-6:]}这单开发票")
    [policy, again] = await shopper.say(f"{DEMO_COMPLETED_ORDER[-6:]}能开专票吗", replies=2)
    assert "已经申请过发票" in answer["text"] and DEMO_COMPLETED_ORDER in answer["text"]
    assert "增值税专用发票" in policy["text"] and "已经申请过发票" in again["text"]


async def test_details_instead_of_the_order_get_the_order_question_again(
    shopper: Shopper,
) -> None:
    await shopper.say("快递一直不动")
    [again] = await shopper.say("已经五天了")
    assert "还不确定是哪一笔订单" in again["text"]
    [answer] = await shopper.say("羽绒服那个")
    assert DEMO_SHIPPED_TRACKING in answer["text"]


async def test_an_order_number_not_the_shoppers_is_refused_in_one_message(
    shopper: Shopper,
) -> None:
    await shopper.say("我的订单到哪了")
    [refused] = await shopper.say(OTHER_SHIPPED_ORDER)
    assert "没有在您的账号下找到订单" in refused["text"]
    [answer] = await shopper.say("羽绒服那个")
    assert DEMO_SHIPPED_ORDER in answer["text"]  # no second 「还不确定是哪一笔」 came first


async def test_a_new_request_does_not_assume_the_last_order_where_it_cannot_apply(
    shopper: Shopper,
) -> None:
    await shopper.say("降价了能补差价吗")
    [protected] = await shopper.say(f'/inform{{"order_id":"{DEMO_DELIVERED_ORDER}"}}')
    assert DEMO_DELIVERED_ORDER in protected["text"]

    # The delivered order is kept for follow-ups, but its address cannot change.
    [which] = await shopper.say("改一下收货地址")
    assert which["quick_replies"] and DEMO_DELIVERED_ORDER not in which["text"]
    [ask_address] = await shopper.say(DEMO_PAID_ORDER[-6:])  # typed as its button shows it
    assert "新的收货地址" in ask_address["text"]
    [stopped] = await shopper.say("算了")
    assert "已为您取消本次操作" in stopped["text"]  # and the demo order keeps its address


async def test_picking_an_order_by_its_status_keeps_the_request(shopper: Shopper) -> None:
    # 「已发货的那个」 reads like an order-status question; here it answers the refund's.
    await shopper.say("我要退款")
    [ask] = await shopper.say("已发货的那个")
    assert "退款的原因" in ask["text"]


async def test_how_coupons_and_tiers_work_is_answered_not_the_list_again(
    shopper: Shopper,
) -> None:
    [listed] = await shopper.say("我有哪些优惠券")
    assert "可用的优惠券" in listed["text"]
    [rules] = await shopper.say("怎么用")
    assert "不能叠加" in rules["text"]
    [_, upgrade] = await shopper.say("会员怎么升级", replies=2)
    assert "满5000元金卡" in upgrade["text"]


async def test_a_bare_tracking_number_is_answered_with_the_parcel(shopper: Shopper) -> None:
    [answer] = await shopper.say(f"运单号{DEMO_SHIPPED_TRACKING}")
    assert DEMO_SHIPPED_TRACKING in answer["text"] and "最新进度" in answer["text"]


async def test_where_is_my_refund_is_answered_without_asking_which_order(
    shopper: Shopper,
) -> None:
    [answer] = await shopper.say("我的退款呢")
    # The demo shopper has no refund, or one on the delivered order if another test filed it.
    assert not answer.get("quick_replies"), answer["text"]
    assert "没有退款记录" in answer["text"] or DEMO_DELIVERED_ORDER in answer["text"]


async def test_order_number_in_the_question_is_used_directly(shopper: Shopper) -> None:
    [answer, _] = await shopper.say(f"帮我查一下订单{DEMO_SHIPPED_ORDER}的状态", replies=2)
    assert DEMO_SHIPPED_ORDER in answer["text"] and "发货" in answer["text"]


async def test_refund_for_a_gold_member_is_approved_in_the_database(
    stack: Stack, shopper: Shopper
) -> None:
    [ask] = await shopper.say(f"订单{DEMO_DELIVERED_ORDER}我要退款")
    assert "质量问题" in [q["title"] for q in ask["quick_replies"]]
    [confirm] = await shopper.say("质量问题")
    # Nothing is filed until the shopper saw the goods, the amount and the reason.
    assert "降噪蓝牙耳机" in confirm["text"] and "¥699.00" in confirm["text"], confirm["text"]
    assert (await _order(stack, DEMO_DELIVERED_ORDER))[1] == []
    [done] = await shopper.say("确认退款")
    _, refunds = await _order(stack, DEMO_DELIVERED_ORDER)
    assert "极速退款" in done["text"]
    assert [(r.status, r.fast_track) for r in refunds] == [("approved", True)]


async def test_the_reason_no_longer_wanted_files_the_refund(
    stack: Stack, other_shopper: Shopper
) -> None:
    # The first reason button sends 「不想要了」, which also reads as 「算了」.
    [ask] = await other_shopper.say(f"订单{OTHER_SHIPPED_ORDER}我要退款")
    assert "不想要了" in [q["payload"] for q in ask["quick_replies"]]
    [confirm] = await other_shopper.say("不想要了")
    assert "拒收" in confirm["text"], confirm["text"]  # the parcel is still on its way
    [done] = await other_shopper.say("/affirm")
    _, refunds = await _order(stack, OTHER_SHIPPED_ORDER)
    assert [r.reason for r in refunds] == ["不想要了"], done["text"]


async def test_typing_the_confirm_buttons_title_cancels_the_order(
    stack: Stack, other_shopper: Shopper
) -> None:
    # 「确认取消」 typed parses as cancel_order; it is the button that sends /affirm.
    [ask] = await other_shopper.say(f"帮我取消订单{OTHER_PAID_ORDER}")
    assert "确认取消" in [q["title"] for q in ask["quick_replies"]]
    [done] = await other_shopper.say("确认取消")
    order, _ = await _order(stack, OTHER_PAID_ORDER)
    assert order.status == "cancelled", done["text"]


async def test_a_new_address_with_a_receivers_name_changes_the_receiver(
    shopper: Shopper, stack: Stack
) -> None:
    await shopper.say(f"订单{DEMO_PENDING_ORDER}要改地址")
    [confirm] = await shopper.say("浙江省杭州市西湖区文三路100号 张三 13912345678")
    [done] = await shopper.say("确认修改")

    assert "张三" in confirm["text"]
    assert "张三" in done["text"] and "13912345678" in done["text"], done["text"]
    order, _ = await _order(stack, DEMO_PENDING_ORDER)
    assert (order.address, order.receiver, order.receiver_phone) == (
        "浙江省杭州市西湖区文三路100号",
        "张三",
        "13912345678",
    )


async def test_a_refund_request_with_its_reason_and_order_goes_to_its_confirmation(
    other_shopper: Shopper, stack: Stack
) -> None:
    # It asked 「请问退款的原因是什么呢？」 though the message gave one.
    [answer] = await other_shopper.say(f"我要退款 不想要了 {OTHER_SHOPPER_ORDER[-6:]}")
    assert OTHER_SHOPPER_ORDER in answer["text"] and "原因是什么" not in answer["text"]
    assert "确认退款" in [q["title"] for q in answer["quick_replies"]]
    await other_shopper.say("确认退款")
    _, refunds = await _order(stack, OTHER_SHOPPER_ORDER)
    assert [(r.reason, r.status) for r in refunds] == [("不想要了", "pending_review")]

    # 「取消退款」 withdraws it once confirmed: it filed a second refund instead.
    [confirm] = await other_shopper.say(f"订单{OTHER_SHOPPER_ORDER}取消退款")
    assert "确认撤销" in confirm["text"], confirm["text"]
    [withdrawn] = await other_shopper.say("确认撤销")
    assert "已撤销" in withdrawn["text"], withdrawn["text"]
    _, refunds = await _order(stack, OTHER_SHOPPER_ORDER)
    assert [r.status for r in refunds] == ["withdrawn"]


async def test_an_amount_said_before_the_refund_is_not_its_amount(
    stack: Stack, shopper: Shopper
) -> None:
    # 「能便宜20块不」 left ¥20 in a slot that the next refund used.
    await shopper.say("能便宜20块不")
    await shopper.say(f"订单{DEMO_SHIPPED_ORDER}我要退款")
    [confirm] = await shopper.say("不想要了")
    order, _ = await _order(stack, DEMO_SHIPPED_ORDER)
    assert f"¥{order.total_fen / 100:.2f}" in confirm["text"], confirm["text"]
    [kept] = await shopper.say("先不退了")
    assert "没有为订单" in kept["text"], kept["text"]
    assert (await _order(stack, DEMO_SHIPPED_ORDER))[1] == []


JACKET_AND_TSHIRT = [("P1001", "轻薄羽绒服", 1, 39900), ("P1002", "纯棉圆领T恤", 1, 7900)]


async def _new_order(
    stack: Stack,
    order_id: str,
    lines: list[tuple[str, str, int, int]] = JACKET_AND_TSHIRT,
    status: str = "delivered",
) -> None:
    """An order of ``lines`` for u1002, whose refunds wait for review: delivered
    five hours ago, or paid (and not shipped) three days ago."""
    now = datetime.now(timezone.utc)
    shipped = status == "delivered"
    engine = make_engine(stack.settings.shop_database_url)
    try:
        async with make_sessionmaker(engine).begin() as s:
            s.add(Order(
                id=order_id, shopper_id=OTHER_SHOPPER, status=status,
                total_fen=sum(count * price for _, _, count, price in lines),
                receiver="李四", receiver_phone="13900000000", address="上海市浦东新区世纪大道1号",
                created_at=now - timedelta(days=3), paid_at=now - timedelta(days=3),
                shipped_at=now - timedelta(days=2) if shipped else None,
                delivered_at=now - timedelta(hours=5) if shipped else None,
                items=[OrderItem(product_id=pid, name=name, quantity=count, unit_price_fen=price)
                       for pid, name, count, price in lines],
            ))  # fmt: skip
    finally:
        await engine.dispose()


async def test_only_the_goods_named_are_refunded_and_the_rest_can_follow(
    stack: Stack, other_shopper: Shopper
) -> None:
    # 「只退T恤」 confirmed and filed a refund of the whole parcel, jacket included.
    order_id = "2611241200331188"
    await _new_order(stack, order_id)
    [confirm] = await other_shopper.say(f"订单{order_id}里的T恤不想要了，申请退款")
    assert "纯棉圆领T恤 ×1" in confirm["text"] and "¥79.00" in confirm["text"], confirm["text"]
    assert "羽绒服" not in confirm["text"]
    [filed] = await other_shopper.say("确认退款")
    assert "¥79.00" in filed["text"], filed["text"]

    # The jacket is still the shopper's to refund: a refund of the order is of the rest.
    await other_shopper.say(f"订单{order_id}我要退款")
    [confirm] = await other_shopper.say("质量问题")
    assert "轻薄羽绒服 ×1" in confirm["text"] and "¥399.00" in confirm["text"], confirm["text"]
    await other_shopper.say("确认退款")

    _, refunds = await _order(stack, order_id)
    assert sorted((r.amount_fen, r.status) for r in refunds) == [
        (7900, "pending_review"),
        (39900, "pending_review"),
    ]
    progress = await other_shopper.say(f"订单{order_id}退款到哪了", replies=2)
    text = "\n".join(m["text"] for m in progress)
    assert "纯棉圆领T恤" in text and "轻薄羽绒服" in text, text


async def test_withdrawing_asks_which_refund_and_keeps_the_others(
    stack: Stack, other_shopper: Shopper
) -> None:
    # 「取消退款」 withdrew the newest refund under review at once, without a word of which.
    order_id = "2611241230447799"
    await _new_order(stack, order_id)
    engine = make_engine(stack.settings.shop_database_url)
    try:
        shop = ShopService(make_sessionmaker(engine))
        for goods in ({"P1002": 1}, {"P1001": 1}):  # the T-shirt, then the jacket
            await shop.request_refund(OTHER_SHOPPER, order_id, "不想要了", goods=goods)
    finally:
        await engine.dispose()

    [which] = await other_shopper.say(f"订单{order_id}取消退款")
    assert "要撤销哪一笔" in which["text"], which["text"]
    assert [q["title"] for q in which["quick_replies"]] == [
        "撤销：轻薄羽绒服 ×1，不想要了 ¥399.00", "撤销：纯棉圆领T恤 ×1，不想要了 ¥79.00",
        "全部撤销", "不撤销了",
    ]  # fmt: skip
    withdrawn = await other_shopper.say("T恤那个", replies=2)
    text = "\n".join(m["text"] for m in withdrawn)
    assert "纯棉圆领T恤" in withdrawn[0]["text"] and "已撤销" in text, text
    assert "轻薄羽绒服 ×1 ¥399.00（审核中）" in withdrawn[1]["text"], text

    [confirm] = await other_shopper.say(f"订单{order_id}取消退款")
    assert "轻薄羽绒服" in confirm["text"] and "确认撤销" in confirm["text"], confirm["text"]
    [kept] = await other_shopper.say("不撤销了")
    assert "没有撤销" in kept["text"], kept["text"]
    _, refunds = await _order(stack, order_id)
    assert sorted((r.amount_fen, r.status) for r in refunds) == [
        (7900, "withdrawn"),
        (39900, "pending_review"),
    ]
    # Read as cancelling the order, 「全部撤销」 went on to ask to cancel it.
    await other_shopper.say(f"订单{order_id}取消退款")
    [withdrawn] = await other_shopper.say("全部撤销")
    assert "已撤销" in withdrawn["text"] and "轻薄羽绒服" in withdrawn["text"], withdrawn["text"]
    _, refunds = await _order(stack, order_id)
    assert {r.status for r in refunds} == {"withdrawn"}


async def test_one_pack_of_two_is_refunded_alone(stack: Stack, other_shopper: Shopper) -> None:
    # 「只想退一包」 confirmed and filed a refund of both packs and the nuts.
    order_id = "2611241300452277"
    await _new_order(
        stack, order_id, [("P3001", "婴儿纸尿裤", 2, 13900), ("P5001", "每日坚果礼盒", 1, 8990)]
    )
    [ask] = await other_shopper.say(f"{order_id} 纸尿裤买多了 只想退一包")
    [confirm] = await other_shopper.say("不想要了") if "原因是什么" in ask["text"] else [ask]
    assert "婴儿纸尿裤 ×1" in confirm["text"] and "¥139.00" in confirm["text"], confirm["text"]
    await other_shopper.say("确认退款")
    _, refunds = await _order(stack, order_id)
    assert [(r.amount_fen, r.status) for r in refunds] == [(13900, "pending_review")]


async def test_urging_twice_says_it_was_urged_and_a_refund_under_review_stops_it(
    stack: Stack, other_shopper: Shopper
) -> None:
    order_id = "2611241400563366"
    await _new_order(stack, order_id, status="paid")
    [first] = await other_shopper.say(f"订单{order_id}快点发货")
    assert "已为您登记催发货" in first["text"], first["text"]
    [again] = await other_shopper.say(f"订单{order_id}再催一下")
    assert "已经帮您催过了" in again["text"], again["text"]
    assert "转人工跟进" in [q["title"] for q in again["quick_replies"]]

    await other_shopper.say(f"订单{order_id}不想要了 我要退款")
    await other_shopper.say("确认退款")
    [held] = await other_shopper.say(f"订单{order_id}怎么还不发货 催一下")
    assert "暂停发货" in held["text"], held["text"]


async def test_returning_some_goods_before_shipping_refunds_just_those(
    stack: Stack, other_shopper: Shopper
) -> None:
    # 「退1包就行」 before shipping was told to cancel the whole order.
    order_id = "2611241700895588"
    lines = [("P3001", "婴儿纸尿裤", 2, 13900), ("P5001", "每日坚果礼盒", 1, 8990)]
    await _new_order(stack, order_id, lines, status="paid")
    [offer] = await other_shopper.say(f"纸尿裤买了2包 想退货1包 订单{order_id}")
    buttons = {q["title"]: q["payload"] for q in offer["quick_replies"]}
    # Read as a return, it offers the goods' refund; read as a refund, it is one.
    if "原因是什么" not in offer["text"]:
        assert "只退这部分" in buttons and "取消整单" in buttons, offer["text"]
        [confirm] = await other_shopper.say(buttons["只退这部分"])
    else:
        confirm = offer
    [confirm] = (
        await other_shopper.say("不想要了") if "原因是什么" in confirm["text"] else [confirm]
    )
    assert "婴儿纸尿裤 ×1" in confirm["text"] and "¥139.00" in confirm["text"], confirm["text"]
    await other_shopper.say("确认退款")
    order, refunds = await _order(stack, order_id)
    assert [r.amount_fen for r in refunds] == [13900] and order.status == "paid"


async def test_a_size_question_with_height_and_weight_gets_a_size(shopper: Shopper) -> None:
    # It listed the sizes and left the choice to the shopper.
    [answer] = await shopper.say("羽绒服 我175 140斤穿什么码")
    assert "建议选 XL 码" in answer["text"], answer["text"]


async def test_a_refund_set_aside_for_another_question_is_offered_again(
    stack: Stack, other_shopper: Shopper
) -> None:
    # After 「等等 先问下物流」 at the confirmation the refund was gone.
    order_id = "2611241800906699"
    await _new_order(stack, order_id)
    await other_shopper.say(f"订单{order_id}我要退款")
    [confirm] = await other_shopper.say("质量问题")
    assert "确认退款" in [q["title"] for q in confirm["quick_replies"]], confirm["text"]
    replies = await other_shopper.say("等等 先问下物流到哪了", replies=2)
    offer = replies[-1]
    assert "还没有提交" in offer["text"], [m["text"] for m in replies]
    resume = {q["title"]: q["payload"] for q in offer["quick_replies"]}["继续退款"]
    [again] = await other_shopper.say(resume)
    assert order_id in again["text"] and "原因：质量问题" in again["text"], again["text"]
    [kept] = await other_shopper.say("先不退了")
    assert "没有为订单" in kept["text"]


async def test_a_receiver_named_with_who_they_are_is_kept(
    stack: Stack, other_shopper: Shopper
) -> None:
    # 「收货人改成我老婆王丽」 lost the name.
    order_id = "2611241900017700"
    await _new_order(stack, order_id, status="paid")
    [confirm] = await other_shopper.say(f"订单{order_id} 收货人改成我老婆王丽")
    assert "王丽" in confirm["text"], confirm["text"]
    await other_shopper.say("确认修改")
    order, _ = await _order(stack, order_id)
    assert (order.receiver, order.address) == ("王丽", "上海市浦东新区世纪大道1号")


async def test_a_new_phone_with_the_short_order_number_is_confirmed(
    stack: Stack, other_shopper: Shopper
) -> None:
    # 「590142 电话改成…」 asked for a new address, then refused 「确认修改」 as one.
    order_id = "2611241900128811"
    await _new_order(stack, order_id, status="paid")
    [confirm] = await other_shopper.say(f"{order_id[-6:]} 电话改成13955556666")
    assert "13955556666" in confirm["text"], confirm["text"]
    await other_shopper.say("确认修改")
    order, _ = await _order(stack, order_id)
    assert (order.receiver_phone, order.address) == ("13955556666", "上海市浦东新区世纪大道1号")


async def test_a_parcel_asked_about_mid_refund_is_looked_up_in_its_own_order(
    shopper: Shopper,
) -> None:
    # 「羽绒服到哪了」 while refunding the nappies got the nappies' order: 「还没有发出」.
    await shopper.say(f"我要退款 {DEMO_PAID_ORDER[-6:]}")
    [confirm] = await shopper.say("不想要了")
    assert DEMO_PAID_ORDER in confirm["text"], confirm["text"]
    answer = await shopper.say("羽绒服到哪了", replies=2)
    text = "\n".join(m["text"] for m in answer)
    assert DEMO_SHIPPED_TRACKING in text and "还没有发出" not in text, text
    # The refund set aside is offered again, for its own order.
    assert f"订单 {DEMO_PAID_ORDER} 的退款申请还没有提交" in answer[-1]["text"], text


async def test_a_request_the_goods_order_cannot_have_is_refused_with_what_can_be_done(
    shopper: Shopper,
) -> None:
    # 「是下面第一笔订单吗？」 for the shipped coat, then 「那怎么办」 was not understood.
    [answer] = await shopper.say("羽绒服不要了 取消订单")
    assert DEMO_SHIPPED_ORDER in answer["text"] and "不能直接取消" in answer["text"], answer
    assert "申请退款" in [q["title"] for q in answer["quick_replies"]]


async def test_money_asked_after_for_an_order_cancelled_unpaid_was_never_taken(
    shopper: Shopper,
) -> None:
    # 「口红那单的钱退了没」 got 「您目前没有退款记录」 or an offer to file a refund.
    [answer] = await shopper.say("口红那单的钱退了没")
    assert "付款前取消" in answer["text"], answer["text"]


async def test_why_a_coupon_cannot_be_used_right_after_the_list_gets_the_rules(
    shopper: Shopper,
) -> None:
    # 「为什么用不了」 read as a no: 「还有其他可以帮您的吗」.
    [listed] = await shopper.say("我有哪些优惠券")
    assert "到期" in listed["text"], listed["text"]
    [rules] = await shopper.say("为什么用不了")
    assert "不能叠加" in rules["text"], rules["text"]


async def test_how_to_log_in_is_told_not_sent_to_the_security_team(shopper: Shopper) -> None:
    # 「怎么登录」 got a scam warning and the security queue.
    [answer] = await shopper.say("忘记密码了怎么办")
    assert "忘记密码" in answer["text"] and "登录状态" in answer["text"], answer["text"]
    [next_answer] = await shopper.say("你是机器人吗")  # the bot still answers: no handoff
    assert "机器人" in next_answer["text"], next_answer["text"]


async def test_a_company_invoice_asks_for_the_tax_id_alone_and_files_it(
    other_shopper: Shopper, stack: Stack
) -> None:
    order_id = "2611242000128811"  # the shared demo orders are refunded by other tests
    await _new_order(stack, order_id)
    await other_shopper.say("我要开发票")
    [ask_title] = await other_shopper.say(f'/inform{{"order_id":"{order_id}"}}')
    assert "发票抬头" in ask_title["text"]

    [ask_tax_id] = await other_shopper.say("杭州某某科技有限公司")
    assert "「杭州某某科技有限公司」还需要税号" in ask_tax_id["text"]
    [done] = await other_shopper.say("税号 91330100ma2b3c4d5e")

    assert "抬头：杭州某某科技有限公司" in done["text"], done["text"]
    invoice = await _invoice(stack, order_id)
    assert (invoice.title, invoice.tax_id) == ("杭州某某科技有限公司", "91330100MA2B3C4D5E")


async def test_another_orders_button_at_the_title_question_switches_the_order(
    other_shopper: Shopper, stack: Stack
) -> None:
    # The payload of the other order's button was filed as the first order's invoice title.
    first, second = "2611241500671144", "2611241500672255"
    await _new_order(stack, first)
    await _new_order(stack, second)
    [ask_title] = await other_shopper.say(f"订单{first}开发票")
    assert "发票抬头" in ask_title["text"], ask_title["text"]
    [again] = await other_shopper.say(f'/inform{{"order_id":"{second}"}}')
    assert "发票抬头" in again["text"], again["text"]
    assert await _invoice(stack, first) is None and await _invoice(stack, second) is None
    [done] = await other_shopper.say("个人")
    assert second in done["text"], done["text"]
    assert (await _invoice(stack, second)).title == "个人"
    assert await _invoice(stack, first) is None


async def test_a_title_given_with_the_invoice_request_is_kept(
    other_shopper: Shopper, stack: Stack
) -> None:
    # It was asked for again once the order was known.
    order_id = "2611241500673366"
    await _new_order(stack, order_id)
    [ask] = await other_shopper.say(f"订单{order_id}开发票，抬头是上海小林科技有限公司")
    assert "还需要税号" in ask["text"], ask["text"]
    [done] = await other_shopper.say("91310104MA1FL0XX1K")
    assert "上海小林科技有限公司" in done["text"], done["text"]
    invoice = await _invoice(stack, order_id)
    assert (invoice.title, invoice.tax_id) == ("上海小林科技有限公司", "91310104MA1FL0XX1K")


async def test_a_reason_to_the_proposed_order_goes_on_with_the_refund(
    stack: Stack, other_shopper: Shopper
) -> None:
    # 「不想要了」 to 「是下面这笔订单吗」 got 「已为您取消本次操作」.
    order_id = "2611241600784477"
    await _new_order(stack, order_id, [("P1004", "羊毛混纺围巾", 1, 12900)])
    [proposed] = await other_shopper.say("围巾那单我想退款")
    assert order_id in proposed["quick_replies"][0]["payload"], proposed["text"]
    [confirm] = await other_shopper.say("不想要了")
    assert "确认退款" in [q["title"] for q in confirm["quick_replies"]], confirm["text"]
    assert order_id in confirm["text"] and "原因：不想要了" in confirm["text"]
    [kept] = await other_shopper.say("先不退了")
    assert "没有为订单" in kept["text"]


async def test_an_order_asked_for_is_picked_from_a_reply_that_asks_again(
    shopper: Shopper,
) -> None:
    # 「418825能开发票吗」 while asked which order got the same list again.
    [ask] = await shopper.say("发票能开吗")
    assert "哪一笔" in ask["text"] or ask["quick_replies"], ask["text"]
    [answer] = await shopper.say(f"{DEMO_SHIPPED_ORDER[-6:]}能开发票吗")
    assert "发票抬头" in answer["text"], answer["text"]  # the order is known: its title next
    [kept] = await shopper.say("算了")
    assert "取消" in kept["text"], kept["text"]


async def test_a_new_question_while_the_form_waits_is_answered(
    stack: Stack, shopper: Shopper
) -> None:
    [ask] = await shopper.say(f"订单{DEMO_SHIPPED_ORDER}我要退款")
    assert "退款的原因" in ask["text"]

    [answer] = await shopper.say("那先帮我查下物流到哪了")

    assert DEMO_SHIPPED_TRACKING in answer["text"]
    _, refunds = await _order(stack, DEMO_SHIPPED_ORDER)
    assert refunds == []


async def test_a_special_invoice_question_is_answered_before_the_order_question(
    shopper: Shopper,
) -> None:
    [policy, which] = await shopper.say("可以开专票吗", replies=2)
    assert "增值税专用发票" in policy["text"] and which["quick_replies"]


async def test_a_product_the_shop_does_not_sell_gets_what_it_sells(shopper: Shopper) -> None:
    [answer] = await shopper.say("你们家的猫粮有没有无谷的")
    assert "本店目前在售服装、数码、" in answer["text"]


async def test_a_follow_up_product_question_is_about_the_product_described(
    shopper: Shopper,
) -> None:
    await shopper.say("口红是正品吗")
    # Each answered 「我还不知道您问的是哪件商品」: the policy answer kept no product.
    [shades] = await shopper.say("有哪些色号")
    assert "丝绒哑光口红" in shades["text"] and "豆沙" in shades["text"]
    # The price alone, not the whole card again.
    [price] = await shopper.say("多少钱")
    assert price["text"] == "丝绒哑光口红现价 ¥169.00。"


async def test_a_size_question_gets_yes_or_no_about_that_size(shopper: Shopper) -> None:
    [size, stock] = await shopper.say("羽绒服有L码吗", replies=2)
    assert "轻薄羽绒服有L" in size["text"] and "有货" in stock["text"]
    [missing] = await shopper.say("有XXXL码吗")
    assert "没有XXXL" in missing["text"] and "XXL" in missing["text"]
    # The catalogue holds no colours for the coat: 「没有黑色」, with its sizes as the
    # colours, was made up.
    [colour] = await shopper.say("这个羽绒服有黑色吗")
    assert "没有写轻薄羽绒服的颜色" in colour["text"], colour["text"]
    assert "转人工" in [q["title"] for q in colour["quick_replies"]]
    # A size alone right after is about the coat (it was 「这个问题我还不太擅长」).
    [bare] = await shopper.say("XXXL有吗")
    assert "轻薄羽绒服没有XXXL" in bare["text"], bare["text"]


async def test_when_it_ships_after_a_product_answer_is_asked_before_buying(
    shopper: Shopper,
) -> None:
    # 「啥时候发货」 after 「羽绒服有货吗」 asked which order, and 「那T恤呢」 then picked the
    # shipped order and registered a 催派送 nobody asked for (the QA round).
    await shopper.say("羽绒服有L码吗", replies=2)
    [answer] = await shopper.say("啥时候发货")
    assert "48小时内发出" in answer["text"], answer["text"]
    assert [q["payload"] for q in answer["quick_replies"]] == ["/urge_delivery"]
    # Asked with an order, it is about that order as before.
    [urged] = await shopper.say(f"订单{DEMO_PAID_ORDER[-6:]}啥时候发货")
    assert "48小时内发出" not in urged["text"], urged["text"]


async def test_a_colour_the_lipstick_comes_in_is_answered_from_its_shades(shopper: Shopper) -> None:
    [shade, _] = await shopper.say("口红有红色的吗", replies=2)
    assert "正红" in shade["text"] and "枫叶红" in shade["text"], shade["text"]


@pytest.mark.parametrize(
    ("question", "answer_has"),
    [("羽绒服包邮吗", "满99元包邮"), ("可以货到付款吗", "暂不支持货到付款")],
)
async def test_pre_sale_question_gets_the_shops_policy(
    shopper: Shopper, question: str, answer_has: str
) -> None:
    [answer] = await shopper.say(question)
    assert answer_has in answer["text"]


async def test_the_same_answer_again_offers_a_person(shopper: Shopper) -> None:
    # Asked again, the same words came back with no way on to a person.
    [answer] = await shopper.say("可以货到付款吗")
    [again, offer] = await shopper.say("到底能不能货到付款", replies=2)
    assert again["text"] == answer["text"] and "暂不支持货到付款" in again["text"]
    assert "转人工" in offer["text"], offer["text"]
    assert [q["payload"] for q in offer["quick_replies"]] == ["/request_human", "/deny"]
    # A new question is answered alone.
    [other] = await shopper.say("羽绒服包邮吗")
    assert "满99元包邮" in other["text"]
    with pytest.raises(asyncio.TimeoutError):
        await shopper.client.next("bot_uttered", timeout=1)


async def test_a_second_request_in_one_message_is_one_tap_away(
    stack: Stack, other_shopper: Shopper
) -> None:
    # 「…到哪了 顺便开个发票 个人的」 was answered about the invoice only, and its title
    # asked for though given.
    order_id = "2611241800774411"
    await _new_order(stack, order_id)
    [done, offer] = await other_shopper.say(f"{order_id}到哪了 顺便开个发票 个人的", replies=2)
    assert "已为订单" in done["text"] and (await _invoice(stack, order_id)).title == "个人"
    assert f"「{order_id}到哪了」" in offer["text"], offer["text"]
    [button] = offer["quick_replies"]
    [parcel] = await other_shopper.say(button["payload"], title=button["title"])
    assert "签收" in parcel["text"], parcel["text"]


async def _tshirt_refund_to_confirm(stack: Stack, shopper: Shopper, order_id: str) -> dict:
    """A new paid order of the coat and the T-shirt, its T-shirt's refund asked for: the
    confirmation (¥79.00)."""
    await _new_order(stack, order_id, status="paid")
    await shopper.say(f"{order_id} 只退T恤")
    [confirm] = await shopper.say("不想要了")
    assert "纯棉圆领T恤 ×1" in confirm["text"] and "¥79.00" in confirm["text"], confirm["text"]
    return confirm


async def _confirmed_tshirt_refund(stack: Stack, shopper: Shopper, order_id: str) -> None:
    await shopper.say("确认")
    _, refunds = await _order(stack, order_id)
    assert [(r.amount_fen, r.status) for r in refunds] == [(7900, "pending_review")]


async def test_a_yes_typed_to_the_set_aside_refund_goes_on_with_it(
    stack: Stack, other_shopper: Shopper
) -> None:
    # 「好的」 to 「刚才…的退款申请还没有提交，需要继续申请吗？」 was small talk, and the
    # shopper was left thinking the refund was filed.
    order_id = "2611241800778811"
    confirm = await _tshirt_refund_to_confirm(stack, other_shopper, order_id)
    [_, offer] = await other_shopper.say(f"订单{order_id}发货了吗", replies=2)
    assert "退款申请还没有提交" in offer["text"], offer["text"]
    [again] = await other_shopper.say("好的")
    assert again["text"] == confirm["text"]
    await _confirmed_tshirt_refund(stack, other_shopper, order_id)


async def test_how_much_comes_back_at_the_confirmation_is_answered_and_asked_again(
    stack: Stack, other_shopper: Shopper
) -> None:
    # 「退多少钱啊」 set the refund aside and answered 「还没有退款申请」 (the QA round).
    order_id = "2611241800779911"
    confirm = await _tshirt_refund_to_confirm(stack, other_shopper, order_id)
    [money, again] = await other_shopper.say("退多少钱啊", replies=2)
    assert "原路退回" in money["text"], money["text"]
    assert again["text"] == confirm["text"], again["text"]
    await _confirmed_tshirt_refund(stack, other_shopper, order_id)


async def test_a_new_address_given_with_another_request_is_saved_alone(
    stack: Stack, other_shopper: Shopper
) -> None:
    # 「590142的 北京市…1号 另外帮我催一下」 was saved as the address (the QA round).
    order_id = "2611241800770123"
    await _new_order(stack, order_id, status="paid")
    [confirm] = await other_shopper.say(
        f"{order_id[-6:]}的地址改成北京市海淀区中关村大街1号，另外帮我催一下"
    )
    assert "北京市海淀区中关村大街1号" in confirm["text"], confirm["text"]
    assert "另外" not in confirm["text"] and f"{order_id[-6:]}的" not in confirm["text"]
    await other_shopper.say("确认修改")
    order, _ = await _order(stack, order_id)
    assert order.address == "北京市海淀区中关村大街1号"


async def test_a_second_request_is_offered_once_the_order_is_picked(
    stack: Stack, other_shopper: Shopper
) -> None:
    # Under the list of orders it was dropped (the QA re-check).
    order_id = "2611241800771234"
    await _new_order(stack, order_id)
    [pick] = await other_shopper.say("开发票 个人的，另外查下物流")
    payloads = [q["payload"] for q in pick["quick_replies"]]
    button = next(p for p in payloads if order_id in p)
    [done, offer] = await other_shopper.say(button, replies=2, title=order_id[-6:])
    assert (await _invoice(stack, order_id)).title == "个人", done["text"]
    assert "「查下物流」" in offer["text"], offer["text"]


async def test_an_invoice_title_is_a_title_and_nothing_else(
    stack: Stack, other_shopper: Shopper
) -> None:
    # The QA round: 「嗯」 and 「等下我问问财务」 were filed as titles, a studio was
    # refused after the form had finished, and a title with its tax id was asked again.
    personal, studio, company = "2611241800775511", "2611241800776611", "2611241800777711"
    for order_id in (personal, studio, company):
        await _new_order(stack, order_id)
    [ask] = await other_shopper.say(f"订单{personal}开发票")
    assert "发票抬头" in ask["text"], ask["text"]
    for words in ("嗯", "等下我问问我们财务抬头写啥"):
        [unclear, again] = await other_shopper.say(words, replies=2)
        assert "不是发票抬头" in unclear["text"] and "发票抬头" in again["text"], unclear["text"]
        assert await _invoice(stack, personal) is None
    [special, again] = await other_shopper.say("专票能开吗", replies=2)
    assert "增值税专用发票" in special["text"] and "发票抬头" in again["text"]
    [done] = await other_shopper.say("个人的")
    assert "抬头：个人" in done["text"], done["text"]
    assert (await _invoice(stack, personal)).title == "个人"

    await other_shopper.say(f"订单{studio}开发票")
    [ask_tax] = await other_shopper.say("杭州小鹿设计工作室")
    assert "还需要税号" in ask_tax["text"], ask_tax["text"]
    [done] = await other_shopper.say("91330106MA2H3XYZ1K")
    assert "杭州小鹿设计工作室" in done["text"], done["text"]
    assert (await _invoice(stack, studio)).tax_id == "91330106MA2H3XYZ1K"

    [done] = await other_shopper.say(
        f"{company}那单开发票，抬头是北京字节跳动科技有限公司，税号91110108MA01G0FB09"
    )
    assert "北京字节跳动科技有限公司" in done["text"], done["text"]
    assert (await _invoice(stack, company)).tax_id == "91110108MA01G0FB09"


async def test_an_unsure_question_offers_what_it_may_mean(shopper: Shopper, stack: Stack) -> None:
    [offer] = await shopper.say("运费谁出啊")  # shipping before buying, or return postage?
    payloads = [q["payload"] for q in offer["quick_replies"]]
    assert {"/product_consult", "/return_goods"} <= set(payloads)
    assert payloads[-1] == "/request_human"

    [answer] = await shopper.say("/product_consult")

    assert "满99元包邮" in answer["text"]
    # The shopper's pick reaches the trainers' inbox beside the question it answers.
    assert await _shopper_choice(stack, "运费谁出啊") == "product_consult"


async def test_a_question_the_bot_does_not_take_on_reaches_the_trainers(
    shopper: Shopper, stack: Stack
) -> None:
    # Answered 「这个问题我还不太擅长」 with confidence, it never reached the inbox.
    question = "你会下象棋吗"  # an out_of_scope training example: read as such for sure
    await shopper.say(question)
    for _ in range(40):  # the inbox records after the shopper has the answer
        reasons = [item["reason"] for item in await _inbox(stack) if item["text"] == question]
        if reasons:
            break
        await asyncio.sleep(0.25)
    assert reasons == ["out_of_scope"]


async def _shopper_choice(stack: Stack, question: str) -> str | None:
    """The 「您是不是想问」 choice the inbox shows for ``question`` (waits up to 10 s)."""
    for _ in range(40):  # the inbox records after the shopper has the answer
        choices = [
            item["shopper_choice"]
            for item in await _inbox(stack)
            if item["text"] == question and item["shopper_choice"]
        ]
        if choices:
            return choices[0]
        await asyncio.sleep(0.25)
    return None


async def _inbox(stack: Stack) -> list[dict[str, Any]]:
    """The open items of the trainers' inbox, as a trainer sees them."""
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=30) as client:
        login = await client.post(
            "/api/login", json={"username": TRAINER, "password": TRAINER_PASSWORD}
        )
        client.headers["authorization"] = f"Bearer {login.json()['token']}"
        groups = (await client.get("/api/trainer/inbox")).json()["groups"]
    return [item for g in groups for item in g["items"]]


async def test_which_carrier_is_answered_before_the_order_is_asked(shopper: Shopper) -> None:
    # It only asked which order.
    [policy, which] = await shopper.say("发什么快递", replies=2)
    assert "顺丰或中通" in policy["text"] and which["quick_replies"]


async def test_how_soon_orders_ship_is_answered_before_the_order_is_asked(
    shopper: Shopper,
) -> None:
    # It only asked which order (read as 催发货).
    policy, ask = await shopper.say("下单后多久发货", replies=2)
    assert "48小时内发出" in policy["text"]
    assert "哪一笔订单" in ask["text"] and ask["quick_replies"]


async def test_a_pre_sale_return_question_and_a_digression_keep_the_chat_short(
    shopper: Shopper,
) -> None:
    policy, ask = await shopper.say("支持七天无理由吗", replies=2)
    assert "七天无理由退货" in policy["text"]
    # The orders that can still be returned: delivered, and completed.
    assert [q["payload"] for q in ask["quick_replies"]] == [
        f'/inform{{"order_id":"{DEMO_DELIVERED_ORDER}"}}',
        f'/inform{{"order_id":"{DEMO_COMPLETED_ORDER}"}}',
    ]

    answer, reminder = await shopper.say("能用花呗吗", replies=2)

    assert "花呗" in answer["text"]
    assert "不需要了就说「算了」" in reminder["text"] and not reminder.get("quick_replies")


async def test_anonymous_shopper_is_asked_to_log_in(stack: Stack) -> None:
    client = WidgetClient(kefu=False)
    await client.connect(stack.gateway_url)
    try:
        session_id, _ = await client.start_session()
        anonymous = Shopper(client, session_id, None)
        [reply] = await anonymous.say(f"查一下订单{DEMO_SHIPPED_ORDER}")
    finally:
        await client.close()
    assert set(reply) == {"text"} and "登录" in reply["text"]


@pytest.mark.parametrize(("emoji", "response"), [("👍", "utter_affirm"), ("🙏", "utter_thanks")])
async def test_a_thumbs_up_or_thanks_emoji_is_understood(
    shopper: Shopper, emoji: str, response: str
) -> None:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    [answer] = await shopper.say(emoji)
    assert answer["text"] in [variant["text"] for variant in domain["responses"][response]]


async def test_what_the_bot_can_do_is_told_with_the_main_menu(shopper: Shopper) -> None:
    # 「你能做什么」 was out of scope: 「这个问题我还不太擅长」.
    [answer] = await shopper.say("你能做什么")
    assert "退款退货" in answer["text"] and "转人工" in answer["text"]
    assert [q["title"] for q in answer["quick_replies"]][0] == "查订单"


async def test_how_points_work_is_answered_with_the_balance(shopper: Shopper) -> None:
    # It answered the tier's benefits to 「积分怎么用」.
    [balance, rules] = await shopper.say("积分怎么用", replies=2)
    assert "当前积分 2680" in balance["text"] and "100积分抵1元" in rules["text"]
    # The greeting with the balance came again before each answer.
    [upgrade] = await shopper.say("怎么升级白金")
    assert upgrade["text"].startswith("会员等级按近一年的消费自动升级"), upgrade["text"]


async def test_greeting_offers_the_main_menu(shopper: Shopper) -> None:
    [reply] = await shopper.say("你好呀")
    assert [q["title"] for q in reply["quick_replies"]][-1] == "转人工"


async def test_health_is_ok_with_everything_up(stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=stack.gateway_url) as http:
        assert (await http.get("/healthz")).json() == {
            "status": "ok",
            "rasa": True,
            "actions": True,
        }


async def test_an_open_form_carries_on_after_rasa_restarts(stack: Stack, shopper: Shopper) -> None:
    [ask] = await shopper.say(f"订单{DEMO_PAID_ORDER}我想改地址")
    assert "新的收货地址" in ask["text"]
    stack.stop("rasa")
    stack.restart("rasa")
    await _until_healthy(stack)

    [confirm] = await shopper.say("浙江省杭州市西湖区文三路100号")

    assert DEMO_PAID_ORDER in confirm["text"] and "文三路100号" in confirm["text"]
    await shopper.say("不用了")
    order, _ = await _order(stack, DEMO_PAID_ORDER)
    assert "文三路" not in order.address


async def _until_healthy(stack: Stack, timeout: float = 60.0) -> None:
    async with httpx.AsyncClient(base_url=stack.gateway_url) as http:
        for _ in range(int(timeout / 0.5)):
            if (await http.get("/healthz")).json()["status"] == "ok":
                return
            await asyncio.sleep(0.5)
    raise AssertionError("the gateway did not see Rasa again")


async def test_question_asked_while_actions_are_down_is_answered_after(
    stack: Stack, shopper: Shopper
) -> None:
    stack.stop("actions")
    try:
        [apology] = await shopper.say(f"订单{DEMO_SHIPPED_ORDER}到哪了")
        assert apology["sender"] == "system" and "已经保存" in apology["text"]
    finally:
        stack.restart("actions")
    answer = await shopper.client.next("bot_uttered", timeout=60)
    assert re.search(DEMO_SHIPPED_TRACKING + "|" + DEMO_SHIPPED_ORDER, answer["text"])


async def test_a_bare_cancel_while_changing_the_address_keeps_the_order(
    shopper: Shopper, stack: Stack
) -> None:
    # 「取消」 read as cancel_order: 「确认要取消订单…吗？」, and a 「嗯」 cancelled it.
    await shopper.say(f"订单{DEMO_PENDING_ORDER}要改地址")
    [stopped] = await shopper.say("取消")
    assert "已为您取消本次操作" in stopped["text"], stopped["text"]
    order, _ = await _order(stack, DEMO_PENDING_ORDER)
    assert order.status == "pending_payment"


async def test_asked_for_a_delivery_day_it_says_so_and_names_the_courier(
    shopper: Shopper,
) -> None:
    # 「能不能指定周六送」 answered 「已为您登记催派送✅」.
    [answer, courier] = await shopper.say(f"订单{DEMO_SHIPPED_ORDER}能不能指定周六送", replies=2)
    assert "不能指定送货的日期" in answer["text"], answer["text"]
    assert "派送员" in courier["text"] and "催派送" not in answer["text"]


async def test_a_new_phone_alone_changes_the_phone_and_keeps_the_address(
    shopper: Shopper, stack: Stack
) -> None:
    # 「手机号写错了 改成…」 got 「请发给我新的收货地址」 again and again.
    before, _ = await _order(stack, DEMO_PENDING_ORDER)
    await shopper.say(f"订单{DEMO_PENDING_ORDER}要改地址")
    [confirm] = await shopper.say("手机号写错了 改成13811112222")
    assert before.address in confirm["text"] and "13811112222" in confirm["text"], confirm["text"]
    await shopper.say("确认修改")
    after, _ = await _order(stack, DEMO_PENDING_ORDER)
    assert (after.address, after.receiver, after.receiver_phone) == (
        before.address,
        before.receiver,
        "13811112222",
    )


async def test_a_name_alone_changes_the_receiver_and_keeps_the_address(
    shopper: Shopper, stack: Stack
) -> None:
    # 「李道明」 alone to 「请发给我新的收货地址」 was refused as no address.
    before, _ = await _order(stack, DEMO_PENDING_ORDER)
    await shopper.say(f"订单{DEMO_PENDING_ORDER}要改收货信息")
    [confirm] = await shopper.say("李道明")
    assert before.address in confirm["text"] and "李道明" in confirm["text"], confirm["text"]
    await shopper.say("确认修改")
    after, _ = await _order(stack, DEMO_PENDING_ORDER)
    assert (after.address, after.receiver, after.receiver_phone) == (
        before.address,
        "李道明",
        before.receiver_phone,
    )


async def test_a_part_of_the_address_corrected_changes_that_part(
    stack: Stack, other_shopper: Shopper
) -> None:
    # 「不对 门牌号是200号」 was confirmed and saved as the delivery address itself.
    order_id = "2611241800906677"
    await _new_order(stack, order_id, status="paid")
    await other_shopper.say(f"订单{order_id}改地址")
    [confirm] = await other_shopper.say("改成这个吧 麻烦快点 杭州市西湖区文三路100号 谢谢亲")
    assert "改为：\n杭州市西湖区文三路100号\n" in confirm["text"], confirm["text"]
    [again] = await other_shopper.say("不对 门牌号是200号")
    assert "杭州市西湖区文三路200号" in again["text"], again["text"]
    await other_shopper.say("对")
    order, _ = await _order(stack, order_id)
    assert order.address == "杭州市西湖区文三路200号"


async def test_a_correction_at_the_address_confirmation_is_taken(
    shopper: Shopper, stack: Stack
) -> None:
    # 「电话写错了 是…」 got the same confirmation back, with the old number.
    await shopper.say(f"订单{DEMO_PENDING_ORDER}要改地址")
    await shopper.say("浙江省杭州市西湖区文三路100号 张三 13912345678")
    [again] = await shopper.say("电话写错了 是13800138001")
    assert "13800138001" in again["text"] and "确认修改" in [
        q["title"] for q in again["quick_replies"]
    ]
    await shopper.say("确认修改")
    order, _ = await _order(stack, DEMO_PENDING_ORDER)
    assert (order.receiver, order.receiver_phone) == ("张三", "13800138001")


async def test_the_couriers_number_is_on_the_parcels_answer(shopper: Shopper) -> None:
    # 「快递员电话多少」 got 「本店暂不提供电话客服」 and a person, not the courier.
    [answer] = await shopper.say(f"订单{DEMO_SHIPPED_ORDER}的快递员电话多少")
    assert "运单号" in answer["text"] and "电话客服" not in answer["text"], answer["text"]


async def test_only_a_new_phone_keeps_the_receiver_and_the_address(
    shopper: Shopper, stack: Stack
) -> None:
    # 「只改电话…地址不变」 saved 「不变」 as the receiver; 「换个号码…」 read as an exchange.
    for reply in ("只改电话：13822223333，地址不变", "换个号码13844445555，别的都一样"):
        before, _ = await _order(stack, DEMO_PENDING_ORDER)
        await shopper.say(f"订单{DEMO_PENDING_ORDER}要改地址")
        [confirm] = await shopper.say(reply)
        assert "不变" not in confirm["text"] and before.receiver in confirm["text"], confirm["text"]
        await shopper.say("确认修改")
        after, _ = await _order(stack, DEMO_PENDING_ORDER)
        assert (after.address, after.receiver) == (before.address, before.receiver)
        assert after.receiver_phone == reply[reply.index("138") :][:11]


async def test_a_typed_refund_reason_that_reads_as_an_exchange_is_the_reason(
    other_shopper: Shopper,
) -> None:
    # Read as exchange_goods, it switched the refund to an exchange answer.
    await other_shopper.say(f"订单{OTHER_SHOPPER_ORDER}我要退款")
    [confirm] = await other_shopper.say("用了两次就不充电了")
    assert "原因：用了两次就不充电了" in confirm["text"], confirm["text"]
    [kept] = await other_shopper.say("先不退了")
    assert "没有为订单" in kept["text"]


async def test_a_corrected_reason_at_the_refund_confirmation_is_confirmed_again(
    other_shopper: Shopper,
) -> None:
    # 「不对，原因是质量问题」 got 「没太理解」, and 确认退款 filed the old reason.
    await other_shopper.say(f"订单{OTHER_SHOPPER_ORDER}我要退款")
    await other_shopper.say("不想要了")
    [again] = await other_shopper.say("不对，原因是质量问题")
    assert "原因：质量问题" in again["text"], again["text"]
    [kept] = await other_shopper.say("先不退了")
    assert "没有为订单" in kept["text"]


@pytest.fixture
async def platinum_shopper(stack: Stack) -> AsyncIterator[Shopper]:
    """The platinum demo shopper (u1003), who has no coupons."""
    client = WidgetClient()
    await client.connect(stack.gateway_url)
    session_id, _ = await client.start_session()
    yield Shopper(client, session_id, {"shopper_id": "u1003", "signature": sign(SECRET, "u1003")})
    await client.close()


async def test_a_coupon_that_is_gone_is_told_when_it_expired(shopper: Shopper) -> None:
    # It only listed the usable coupons again.
    expired, listed = await shopper.say("我那张满100减10怎么不见了", replies=2)
    assert "满100减10" in expired["text"] and "过期" in expired["text"], expired["text"]
    assert "无法恢复" in expired["text"]
    assert "可用的优惠券" in listed["text"] and "满100减10：" not in listed["text"]


async def test_a_coupon_that_took_nothing_off_is_checked_against_the_order(
    shopper: Shopper,
) -> None:
    # 「我买了367」: the paid order (¥367.90) qualified for 满300减30, which is unused.
    rules, verdict = await shopper.say("满300减30那张我买了367怎么没减", replies=2)
    assert "不含运费" in rules["text"] and "限用一张" in rules["text"], rules["text"]
    assert DEMO_PAID_ORDER in verdict["text"] and "¥367.90" in verdict["text"], verdict["text"]
    assert [q["payload"] for q in verdict["quick_replies"]] == ["/request_human"]
    assert "退差价" not in verdict["text"] and "补偿" not in verdict["text"]


async def test_a_coupon_forgotten_at_checkout_offers_to_cancel_and_order_again(
    shopper: Shopper,
) -> None:
    # It listed the coupons, then 「那怎么办」 was not understood.
    [answer] = await shopper.say("590142下单忘了用券了，能退我30块吗")
    assert "不能再补用" in answer["text"] and DEMO_PAID_ORDER in answer["text"], answer["text"]
    assert [q["title"] for q in answer["quick_replies"]] == ["取消订单"]
    [again] = await shopper.say("那怎么办")
    assert "取消订单" in again["text"] and "没太理解" not in again["text"], again["text"]
    [confirm] = await shopper.say("/cancel_order", title="取消订单")  # not confirmed
    assert DEMO_PAID_ORDER in confirm["text"] and "确认" in confirm["text"], confirm["text"]


async def test_haggling_is_told_prices_are_fixed_and_how_to_save(
    platinum_shopper: Shopper,
) -> None:
    # 「您暂时没有可用的优惠券」 was the whole answer.
    [answer] = await platinum_shopper.say("能便宜点吗")
    assert "不议价" in answer["text"], answer["text"]
    assert "15800 积分" in answer["text"] and "¥158.00" in answer["text"], answer["text"]
    assert "白金权益" in answer["text"] and "价保" in answer["text"]


async def test_whether_points_go_with_the_coupons_gets_the_points_rule(shopper: Shopper) -> None:
    # It told the tier's benefits.
    await shopper.say("我有哪些优惠券")
    _, rules = await shopper.say("积分呢 也能一起用？", replies=2)
    assert "可以和优惠券一起用" in rules["text"], rules["text"]


async def test_a_returns_own_questions_are_answered_not_the_eligibility_again(
    shopper: Shopper,
) -> None:
    # Each got 「订单…支持7天无理由退货…」 again; the postage got 「全店满99元包邮」.
    await shopper.say(f"我要退货 {DEMO_DELIVERED_ORDER[-6:]}")
    [window] = await shopper.say("7天无理由从哪天开始算")
    assert "签收的次日" in window["text"] and DEMO_DELIVERED_ORDER in window["text"]
    [address] = await shopper.say("退货地址是啥")
    assert "审核通过后" in address["text"], address["text"]
    [pickup] = await shopper.say("上门取件要钱吗")
    assert "预约上门取件" in pickup["text"] and "运费险" in pickup["text"], pickup["text"]
    [postage] = await shopper.say("运费要我出吗")
    assert "由买家承担" in postage["text"] and "包邮" not in postage["text"], postage["text"]


async def test_a_platinum_member_is_told_their_return_postage_is_free(
    platinum_shopper: Shopper,
) -> None:
    await platinum_shopper.say("我要退货")
    policy, free, _ = await platinum_shopper.say("运费要我出吗", replies=3)
    assert "退货运费" in policy["text"] and "包邮" not in policy["text"], policy["text"]
    assert "白金会员" in free["text"] and "免费退货运费" in free["text"], free["text"]
