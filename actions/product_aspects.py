"""What a product question asks about: its sizes, colours, price, material or stock.

「有L码吗」 wants a yes or no about L, 「多少钱」 the price: the answer says that,
not the whole product card again. A question that asks none of these
(「介绍一下这款羽绒服」) gets the card.

A product's ``sizes`` are its variants, whatever they vary in: letter sizes
for the coat, shades for the lipstick, 「5升」 for the air fryer. Only variants
that all name colours say which colours a product comes in; the coat's list
says nothing about its colours.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from actions.text import half_width, simplified

SIZES, COLOURS, PRICE, MATERIAL = "sizes", "colours", "price", "material"
OTHERS, RESTOCK, STOCK = "others", "restock", "stock"
# The first aspect with a word in the question wins: 「L码有货吗」 asks about L.
_ASPECT_WORDS = (
    (COLOURS, ("颜色", "色号", "什么色", "几种色", "哪些色", "几个色", "配色", "色系")),
    (SIZES, ("码", "尺寸", "规格", "款式", "型号", "容量", "大小", "多大", "大一号", "小一号",
             "口味", "几种味")),
    (PRICE, ("多少钱", "价格", "价钱", "几块", "多钱", "售价", "单价", "什么价", "贵不贵")),
    (MATERIAL, ("材质", "面料", "成分", "什么做的", "材料", "填充", "含绒")),
    # 「那有别的围巾吗」: other goods like it, not this one again.
    (OTHERS, ("别的", "其他", "其它", "别款", "换一款", "换个款", "类似", "同类")),
    # 「啥时候补货」: when, not whether; asked after 「暂时缺货」.
    (RESTOCK, ("补货", "补吗", "还补", "再补", "上架", "时候有货", "时候能有货", "时候到货",
               "几时有货", "多久有货", "多久能有货", "到货提醒", "到货通知")),
    (STOCK, ("有货", "库存", "还有吗", "缺货", "没货", "卖完", "断货", "现货", "有没有货")),
)  # fmt: skip
# A size asked for by its letters or number and 码: 「有XXXL码吗」, 「42码」.
_SIZE_ASKED = re.compile(r"(?<![a-z0-9])(x{0,4}[sml]|\d{2,3})\s*码")
# A letter size on its own: 「XXXL有吗」, 「M的呢」.
_LETTER_SIZE = re.compile(r"(?<![a-z0-9])(x{0,4}[sml])(?![a-z0-9])")
# A colour asked for by name: 「有黑色吗」, 「藏青色的还有吗」.
_COLOUR_ASKED = re.compile(
    r"((?:深|浅|天|宝|藏|酒|军|墨|玫|雾|奶|香槟)?[黑白红蓝灰粉绿黄紫橙棕咖米杏银金青]色"
    r"|卡其色|咖啡色|豆沙色|驼色)"
)
# A variant that names a colour: 「枫叶红」, 「豆沙」, 「深空灰」, 「米白色」.
_COLOUR_VALUE = re.compile(r"(?:色|[黑白红蓝灰粉绿黄紫橙棕咖杏银金青驼]|豆沙|卡其|香槟)$")


@dataclass(frozen=True)
class Aspect:
    """What the question asks of the product."""

    kind: str
    #: The size or colour named (「L」, 「豆沙」, 「黑色」), if any.
    size: str | None = None
    #: Whether the product comes in that size.
    offered: bool = False


def _normal(text: str) -> str:
    return simplified(half_width(text)).lower()


def aspect_of(text: str, sizes: Sequence[str]) -> Aspect | None:
    """The aspect ``text`` asks of a product that comes in ``sizes``, or None for all of it.

    A variant the product comes in, named in the question (「豆沙色有吗」), counts
    as asking about sizes; a colour it may not come in (「有黑色吗」) as asking
    about colours, and a size it may not (「XXXL有吗」) about sizes.
    """
    normal = _normal(text)
    colour_match = _COLOUR_ASKED.search(normal)
    colour = colour_match.group(1) if colour_match else None
    offered = _size_named(normal, sizes)
    if offered is not None and (colour is None or _normal(offered) in colour):
        return Aspect(SIZES, offered, offered=True)
    asked = _SIZE_ASKED.search(normal) or _LETTER_SIZE.search(normal)
    named = Aspect(COLOURS, colour) if colour else None
    if named is None and asked:
        named = Aspect(SIZES, asked.group(1).upper())
    for kind, words in _ASPECT_WORDS:
        if not any(word in normal for word in words):
            continue
        if kind in (COLOURS, SIZES, RESTOCK, STOCK) and named:
            return named  # 「黑色的还有货吗」: is there black at all
        return Aspect(kind)
    return named


def colours_of(sizes: Sequence[str]) -> tuple[str, ...]:
    """The product's variants if every one names a colour (口红's 正红、豆沙), else none."""
    if sizes and all(_COLOUR_VALUE.search(_normal(size)) for size in sizes):
        return tuple(sizes)
    return ()


def colours_matching(colour: str, colours: Sequence[str]) -> tuple[str, ...]:
    """Those of ``colours`` of the hue asked: 「红色」 is 正红 and 枫叶红."""
    hue = _normal(colour).removesuffix("色")
    return tuple(c for c in colours if hue in _normal(c))


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
