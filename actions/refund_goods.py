"""Which goods of an order a refund is for: 「只退T恤」 refunds the T-shirt, not the parcel,
and 「纸尿裤只想退一包」 one pack of two.

The shopper names goods anywhere in the request (「T恤不想要了 退款」, at the
reason, or 「不对，只退T恤」 at the confirmation); the latest naming counts,
and 「全部退」 goes back to the whole order. The goods are kept in the
``refund_goods`` slot as 「P1002:1」 (product id and how many).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from rasa_sdk import Tracker

from actions.common import suggested_for
from actions.shop.policy import held_counts, match_length
from actions.shop.service import ShopService
from actions.shop.views import OrderView, ProductView

#: The form that asks what a refund needs.
FORM = "order_form"
#: A refund set aside for another question (「等等 先问下物流」), offered again after it.
PAUSED_REFUND = "paused_refund"
# 「全部退」, 「整单退款」: the whole order after all (「不是全部」 is not).
_WHOLE_ORDER = re.compile("(?<!不是)(?<!不)(?:全部|整单|都退|全退|一起退|所有)")
# 「羽绒服留着」, 「羽绒服不退」: these goods stay with the shopper.
_KEEP = ("留着", "不退", "保留", "要留", "不用退", "还要")
_CLAUSE_BREAK = re.compile(r"[，,。.;；！!？?\s]+|但是|但|只")
# 「T恤那单」 picks the order by its goods; it does not choose the goods.
_PICKS_THE_ORDER = ("那单", "那笔", "那个订单", "的订单", "那一单")
# 「退一包」, 「1袋」: how many; 「买了2包」 is how many were bought.
_COUNT = re.compile(
    r"(?<!买了)(?<!买)(?<!共)(\d{1,3}|[一两二三四五六七八九十])\s*"
    r"(?:包|袋|件|个|盒|瓶|支|双|条|台|只|箱|罐|本|套|份|块|片|副|顶|把)"
)
_NUMERALS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9, "十": 10}  # fmt: skip

# What is left of 「我只想退这个坚果吧」 once the goods are out: no reason.
_NOT_A_REASON = re.compile(
    r"[\s，,。.!！?？~～]|只|退款|退掉|退了|退|要|想|我|的|了|吧|这个|那个|一下|也|都|就行|就好"
    r"|麻烦|把|给|申请|帮"
)
Goods = dict[str, int]  # product id → how many; empty for the whole order


def request_texts(tracker: Tracker) -> list[str]:
    """The shopper's words since the form began, oldest first: the request and every
    answer (tapped buttons left out; typed, 「确认退款」 reads as a new refund request)."""
    texts: list[str] = []
    began = False
    events = tracker.events
    for at in range(len(events) - 1, -1, -1):
        event = events[at]
        if event.get("event") == "active_loop" and event.get("name") == FORM:
            began = True
        elif event.get("event") == "user":
            text = str(event.get("text") or "")
            if not text.startswith("/"):
                texts.append(text)
            if began:
                # Begun by a 「您是不是想问」 button: its words were said before it.
                suggested = suggested_for(events[: at + 1])
                texts += [suggested] if suggested else []
                break
    return texts[::-1]


async def goods_named(shop: ShopService, order: OrderView, texts: Iterable[str]) -> Goods:
    """The goods of ``order`` the latest of ``texts`` to name any chose; {} for all of it."""
    held = held_counts(order)
    products = await shop.products(list(held))
    chosen: Goods = {}
    for text in texts:
        if _WHOLE_ORDER.search(text):
            chosen = {}
        else:
            named = _chosen_in(products, held, text)
            chosen = chosen if named is None else named
    return chosen


def _chosen_in(products: list[ProductView], held: Goods, text: str) -> Goods | None:
    """Goods named to refund in ``text`` ({} all of them, None none named); 「羽绒服留着」
    names goods to keep, leaving the rest; a count applies to the goods named with it
    or just before it (「纸尿裤 只想退一包」), or to an order of one kind of goods."""
    refund: Goods = {}
    keep: set[str] = set()
    last: set[str] = set(held) if len(held) == 1 else set()
    for clause in filter(None, _CLAUSE_BREAK.split(text)):
        if any(word in clause for word in _PICKS_THE_ORDER):
            continue  # 「418825那单」 picks the order; 「只退T恤」 after it picks goods
        named = {p.id for p in products if match_length(p, clause)}
        count = _count_in(clause)
        if any(word in clause for word in _KEEP):
            keep |= named
            continue
        if not named and count is not None and len(last) == 1:
            named = last  # 「纸尿裤买多了 只想退一包」
        for pid in named:
            refund[pid] = min(count or held[pid], held[pid])
        last = named or last
    if not refund and not keep:
        return None
    if not refund:
        refund = {pid: held[pid] for pid in held if pid not in keep}
    refund = {pid: n for pid, n in refund.items() if pid not in keep}
    return {} if refund == held else refund


def names_only_goods(products: Iterable[ProductView], text: str) -> bool:
    """Whether ``text`` only names goods to refund (「只退坚果」), giving no reason."""
    rest = text
    for product in products:
        for word in sorted((product.name, *product.aliases), key=len, reverse=True):
            if word:
                rest = rest.replace(word, " ")
    return len(_NOT_A_REASON.sub("", _COUNT.sub("", rest))) < 2


def _count_in(clause: str) -> int | None:
    match = _COUNT.search(clause)
    if match is None:
        return None
    number = match.group(1)
    return int(number) if number.isdigit() else _NUMERALS[number]


def goods_slot(goods: Mapping[str, int]) -> list[str] | None:
    """The ``refund_goods`` slot's value: 「P1002:1」 each, None for the whole order."""
    return [f"{pid}:{count}" for pid, count in goods.items()] or None


def goods_of(slot: Iterable[str] | None) -> Goods:
    """The goods a ``refund_goods`` slot value holds (bad entries skipped)."""
    goods: Goods = {}
    for entry in slot or []:
        pid, _, count = str(entry).partition(":")
        if pid and count.isdigit() and int(count) > 0:
            goods[pid] = int(count)
    return goods


def paused_refund(tracker: Tracker) -> dict[str, Any]:
    """What a refund not yet filed had: its order, reason and goods (the slot's value)."""
    return {
        "order_id": tracker.get_slot("order_id"),
        "reason": tracker.get_slot("refund_reason"),
        "goods": tracker.get_slot("refund_goods"),
    }


def resume_words(order: OrderView, paused: Mapping[str, Any]) -> str:
    """The set-aside refund asked for again in words (for its 「继续退款」 button)."""
    goods = goods_of(paused.get("goods"))
    words = refund_words(order, goods) if goods else f"订单{order.id}申请退款"
    reason = paused.get("reason")
    return f"{words}，原因：{reason}" if reason else words


def refund_words(order: OrderView, goods: Mapping[str, int]) -> str:
    """A refund request in words that name ``goods`` again, for a button: the words go
    through the NLU like typed ones (「订单…申请退款，只退婴儿纸尿裤1件」)."""
    names = {item.product_id: item.name for item in order.items}
    said = "、".join(f"{names[pid]}{n}件" for pid, n in goods.items() if pid in names)
    return f"订单{order.id}申请退款，只退{said}"


def goods_text(order: OrderView, goods: Mapping[str, int]) -> str:
    """「纯棉圆领T恤 ×1」 for the goods chosen, the order's summary for all of it."""
    if not goods:
        return order.item_summary
    names = {item.product_id: item.name for item in order.items}
    return "、".join(f"{names[pid]} ×{n}" for pid, n in goods.items() if pid in names)
