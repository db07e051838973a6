"""Which of the offered orders a shopper's typed reply points at.

Asked 「请问是哪一笔订单呢？」 with their recent orders as buttons, shoppers
often type instead of tapping: the short number the button shows
(「590142」), a position (「第二个」, 「最新的那个」), the status (「已发货的那个」)
or the goods (「耳机那单」). A reply is read as a choice only when it says
nothing else, so 「羽绒服有货吗」 stays a product question.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from actions.shop.format import STATUS_LABELS
from actions.shop.views import OrderView, ProductView
from actions.text import half_width

# Words around a reference that add nothing to it: 「就是耳机那单吧」, 「哦不对，是羽绒服那单」
# (not 「不是」: 「不是羽绒服那单」 picks no coat).
_FILLER = re.compile(
    r"[\s,.!?;:~、。，！？；：～…]|不对|搞错了|错了|应该是|其实是|就是|那个|这个|那一?[单笔件]|这一?[单笔件]|订单|的|是|吧|啊|呀|呢|哦|噢|嗯|哈|要|我|那|这|个"
)
_SHORT_NUMBER = re.compile(r"\d{4,}")
# A short order number standing alone in a request: not part of a phone
# number or a tax id, not an amount, a year or a count (「2023年买的」, 「¥1299」).
_NUMBER_IN_REQUEST = re.compile(
    r"(?<![0-9A-Za-z.¥￥$])\d{4,8}(?![0-9A-Za-z.])(?!\s*[年月日号天元块件个次%])"
)
_POSITION = re.compile(r"第([1-9]|[一二三四五六七八九])[个单笔件]?")
_CHINESE_DIGITS = "一二三四五六七八九"
_NEWEST = ("最新", "最近", "刚买", "刚下", "刚刚")
_LAST = ("最后",)


def chosen_order(
    text: str,
    orders: Sequence[OrderView],
    products: Iterable[ProductView] = (),
    others: Sequence[OrderView] = (),
) -> OrderView | None:
    """The one order among ``orders`` that ``text`` picks.

    Args:
        text: The shopper's reply.
        orders: The orders offered, as the buttons showed them.
        products: Catalogue products named in ``text`` (their names and
            aliases are taken out of it before it must be empty).
        others: Further recent orders, not offered, that the short number
            of one may still pick (「263307」 typed though not on a button).

    Returns:
        The order, or ``None`` when the reply is about something else or
        fits more than one order.
    """
    reply = half_width(text).strip()
    if not reply or not orders:
        return None
    numbered = [*orders, *(o for o in others if o not in orders)]
    return (
        _by_number(reply, numbered)
        or _by_position(reply, orders)
        or _by_status(reply, orders)
        or _by_goods(reply, orders, list(products))
    )


def named_by_number(text: str, orders: Sequence[OrderView]) -> OrderView | None:
    """The one order a request names by the short number its button shows.

    「我要退货 263307」 says what it wants besides the number, so
    :func:`chosen_order` would not read it; as the message that makes the
    request, before any order was asked for, the number alone decides: one
    run of 4 to 8 digits that ends exactly one of ``orders``.
    """
    numbers = _NUMBER_IN_REQUEST.findall(half_width(text))
    if len(numbers) != 1:
        return None
    return _only([o for o in orders if o.id.endswith(numbers[0])])


def _rest(text: str, *words: str) -> str:
    for word in sorted(words, key=len, reverse=True):
        text = text.replace(word, " ")
    return _FILLER.sub("", text)


def _only(candidates: list[OrderView]) -> OrderView | None:
    return candidates[0] if len(candidates) == 1 else None


def _by_number(reply: str, orders: Sequence[OrderView]) -> OrderView | None:
    numbers = _SHORT_NUMBER.findall(reply)
    if len(numbers) != 1 or _rest(reply, *numbers, "尾号", "单号"):
        return None
    return _only([o for o in orders if o.id.endswith(numbers[0])])


def position_in(reply: str) -> int | None:
    """The position a reply picks among buttons (「第二个」: 2), when it says nothing else."""
    match = _POSITION.search(reply)
    if match is None or _rest(reply, match.group(0)):
        return None
    digit = match.group(1)
    return int(digit) if digit.isdigit() else _CHINESE_DIGITS.index(digit) + 1


def _by_position(reply: str, orders: Sequence[OrderView]) -> OrderView | None:
    index = position_in(reply)
    if index is not None:
        return orders[index - 1] if index <= len(orders) else None
    newest = max(orders, key=lambda o: o.created_at)  # not always first: 「是下面第一笔吗」
    for words, order in ((_NEWEST, newest), (_LAST, orders[-1])):
        for word in words:
            if word in reply and not _rest(reply, word, "一"):
                return order
    return None


def _by_status(reply: str, orders: Sequence[OrderView]) -> OrderView | None:
    for status, label in STATUS_LABELS.items():
        if label in reply and not _rest(reply, label):
            return _only([o for o in orders if o.status == status])
    return None


def _by_goods(
    reply: str, orders: Sequence[OrderView], products: list[ProductView]
) -> OrderView | None:
    if not products:
        return None
    names = [word for p in products for word in (p.name, *p.aliases) if word in reply]
    if not names or _rest(reply, *names):
        return None
    return _only(orders_with(orders, products))


def orders_with(orders: Sequence[OrderView], products: Iterable[ProductView]) -> list[OrderView]:
    """The orders that hold any of ``products``, in the order given."""
    wanted = {p.id for p in products}
    return [o for o in orders if wanted & {item.product_id for item in o.items}]
