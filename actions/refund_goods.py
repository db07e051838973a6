"""Which goods of an order a refund is for: 「只退T恤」 refunds the T-shirt, not the parcel.

The shopper names goods anywhere in the request (「T恤不想要了 退款」, at the
reason, or 「不对，只退T恤」 at the confirmation); the latest naming counts,
and 「全部退」 goes back to the whole order. An order of one kind of goods is
refunded whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rasa_sdk import Tracker

from actions.shop.policy import match_length
from actions.shop.service import ShopService
from actions.shop.views import OrderView, ProductView

#: The form that asks what a refund needs.
FORM = "order_form"
# 「全部退」, 「整单退款」: the whole order after all (「不是全部」 is not).
_WHOLE_ORDER = re.compile("(?<!不是)(?<!不)(?:全部|整单|都退|全退|一起退|所有)")
# 「羽绒服留着」, 「羽绒服不退」: these goods stay with the shopper.
_KEEP = ("留着", "不退", "保留", "要留", "不用退", "还要")
_CLAUSE_BREAK = re.compile(r"[，,。.;；！!？?\s]+|但是|但|只")
# 「T恤那单」 picks the order by its goods; it does not choose the goods.
_PICKS_THE_ORDER = ("那单", "那笔", "那个订单", "的订单", "那一单")


def request_texts(tracker: Tracker) -> list[str]:
    """The shopper's words since the form began, oldest first: the request and every
    answer (tapped buttons left out; typed, 「确认退款」 reads as a new refund request)."""
    texts: list[str] = []
    began = False
    for event in reversed(tracker.events):
        if event.get("event") == "active_loop" and event.get("name") == FORM:
            began = True
        elif event.get("event") == "user":
            text = str(event.get("text") or "")
            if not text.startswith("/"):
                texts.append(text)
            if began:
                break
    return texts[::-1]


async def goods_named(shop: ShopService, order: OrderView, texts: Iterable[str]) -> tuple[str, ...]:
    """The product ids of ``order`` the latest of ``texts`` to name any chose; () for all."""
    in_order = list(dict.fromkeys(item.product_id for item in order.items))
    if len(in_order) < 2:
        return ()
    products = await shop.products(in_order)
    chosen: tuple[str, ...] = ()
    for text in texts:
        if _WHOLE_ORDER.search(text):
            chosen = ()
        elif not any(word in text for word in _PICKS_THE_ORDER):
            named = _chosen_in(products, text)
            chosen = chosen if named is None else named
    return chosen


def _chosen_in(products: list[ProductView], text: str) -> tuple[str, ...] | None:
    """Goods named to refund in ``text`` (() all of them, None none named); 「羽绒服留着」
    names goods to keep, leaving the rest."""
    in_order = [product.id for product in products]
    refund: set[str] = set()
    keep: set[str] = set()
    for clause in filter(None, _CLAUSE_BREAK.split(text)):
        named = {product.id for product in products if match_length(product, clause)}
        (keep if any(word in clause for word in _KEEP) else refund).update(named)
    if not refund and not keep:
        return None
    if not refund:
        refund = set(in_order) - keep
    chosen = tuple(pid for pid in in_order if pid in refund - keep)
    return () if len(chosen) == len(in_order) else chosen


def goods_text(order: OrderView, product_ids: Iterable[str]) -> str:
    """「纯棉圆领T恤 ×1」 for the goods chosen, the order's summary for all of it."""
    chosen = set(product_ids)
    if not chosen:
        return order.item_summary
    return "、".join(f"{i.name} ×{i.quantity}" for i in order.items if i.product_id in chosen)
