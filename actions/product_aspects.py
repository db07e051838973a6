"""What a product question asks about: its sizes, price, material or stock.

「有L码吗」 wants a yes or no about L, 「多少钱」 the price: the answer says that,
not the whole product card again. A question that asks none of these
(「介绍一下这款羽绒服」) gets the card.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from actions.text import half_width, simplified

SIZES, PRICE, MATERIAL, STOCK = "sizes", "price", "material", "stock"
# The first aspect with a word in the question wins: 「L码有货吗」 asks about L.
_ASPECT_WORDS = (
    (SIZES, ("码", "尺寸", "规格", "颜色", "色号", "什么色", "几种色", "哪些色", "几个色", "款式",
             "型号", "容量", "大小", "多大", "大一号", "小一号", "口味", "几种味")),
    (PRICE, ("多少钱", "价格", "价钱", "几块", "多钱", "售价", "单价", "什么价", "贵不贵")),
    (MATERIAL, ("材质", "面料", "成分", "什么做的", "材料", "填充", "含绒")),
    (STOCK, ("有货", "库存", "还有吗", "缺货", "没货", "补货", "卖完", "断货", "现货", "有没有货")),
)  # fmt: skip
# A size asked for by its letters or number and 码: 「有XXXL码吗」, 「42码」.
_SIZE_ASKED = re.compile(r"(?<![a-z0-9])(x{0,4}[sml]|\d{2,3})\s*码")
# A colour asked for by name: 「有黑色吗」, 「藏青色的还有吗」.
_COLOUR_ASKED = re.compile(
    r"((?:深|浅|天|宝|藏|酒|军|墨|玫|雾|奶|香槟)?[黑白红蓝灰粉绿黄紫橙棕咖米杏银金青]色"
    r"|卡其色|咖啡色|豆沙色|驼色)"
)


@dataclass(frozen=True)
class Aspect:
    """What the question asks of the product."""

    kind: str
    #: The size or colour named (「L」, 「豆沙」), if any.
    size: str | None = None
    #: Whether the product comes in that size.
    offered: bool = False


def _normal(text: str) -> str:
    return simplified(half_width(text)).lower()


def aspect_of(text: str, sizes: Sequence[str]) -> Aspect | None:
    """The aspect ``text`` asks of a product that comes in ``sizes``, or None for all of it.

    A size or colour the product comes in, named in the question (「豆沙色有吗」),
    counts as asking about sizes; so does a colour it may not come in (「有黑色吗」).
    """
    normal = _normal(text)
    offered = _size_named(normal, sizes)
    if offered is not None:
        return Aspect(SIZES, offered, offered=True)
    colour = _COLOUR_ASKED.search(normal)
    for kind, words in _ASPECT_WORDS:
        if any(word in normal for word in words):
            if kind == STOCK and colour:  # 「黑色的还有货吗」: is there black at all
                return Aspect(SIZES, colour.group(1))
            if kind != SIZES:
                return Aspect(kind)
            asked = _SIZE_ASKED.search(normal)
            if asked:
                return Aspect(SIZES, asked.group(1).upper())
            return Aspect(SIZES, colour.group(1) if colour else None)
    return Aspect(SIZES, colour.group(1)) if colour else None


def _size_named(normal: str, sizes: Sequence[str]) -> str | None:
    """The longest of ``sizes`` in the text, a letter size only where it stands alone."""
    for size in sorted(filter(None, sizes), key=len, reverse=True):
        wanted = _normal(size)
        if wanted.isascii():
            if re.search(rf"(?<![a-z0-9]){re.escape(wanted)}(?![a-z0-9])", normal):
                return size
        elif wanted in normal:
            return size
    return None
