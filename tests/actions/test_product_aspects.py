"""A product question is read for the one aspect it asks about."""

from __future__ import annotations

import pytest

from actions.product_aspects import (
    COLOURS,
    MATERIAL,
    OTHERS,
    PRICE,
    RESTOCK,
    SIZES,
    STOCK,
    Aspect,
    aspect_of,
    colours_matching,
    colours_of,
)

COAT = ("S", "M", "L", "XL", "XXL")
LIPSTICK = ("正红", "豆沙", "枫叶红")


@pytest.mark.parametrize(
    ("text", "sizes", "aspect"),
    [
        ("有L码吗", COAT, Aspect(SIZES, "L", offered=True)),
        ("xl的还有吗", COAT, Aspect(SIZES, "XL", offered=True)),
        ("ＸＸＬ有吗", COAT, Aspect(SIZES, "XXL", offered=True)),  # full-width
        ("有XXXL码吗", COAT, Aspect(SIZES, "XXXL")),  # not XXL, not L
        ("XXXL有吗", COAT, Aspect(SIZES, "XXXL")),  # a letter size needs no 码
        ("XXXL的还有货吗", COAT, Aspect(SIZES, "XXXL")),
        ("42码有吗", ("25", "26", "27"), Aspect(SIZES, "42")),
        ("有27的吗", ("25", "26", "27"), Aspect(SIZES, "27", offered=True)),
        ("有127的吗", ("25", "26", "27"), None),
        ("智能手表S3有吗", ("41毫米", "45毫米"), None),  # S3 is a name, not a size
        ("豆沙色好看吗", LIPSTICK, Aspect(SIZES, "豆沙", offered=True)),
        ("有没有大一号的", COAT, Aspect(SIZES)),
        # colours are their own question: the coat's sizes do not answer it
        ("有哪些颜色", LIPSTICK, Aspect(COLOURS)),
        ("这个羽绒服有黑色吗", COAT, Aspect(COLOURS, "黑色")),
        ("有没有黑色的", COAT, Aspect(COLOURS, "黑色")),
        ("颜色有藏青色吗", COAT, Aspect(COLOURS, "藏青色")),
        ("黑色的还有货吗", COAT, Aspect(COLOURS, "黑色")),
        ("L码的有黑色吗", COAT, Aspect(COLOURS, "黑色")),  # L is made; black is the question
        ("黑色多少钱", COAT, Aspect(PRICE)),
        ("智能手表S3多少钱", ("41毫米", "45毫米"), Aspect(PRICE)),
        ("什么面料的", COAT, Aspect(MATERIAL)),
        ("還有貨嗎", COAT, Aspect(STOCK)),  # traditional characters
        # when it comes back, not whether it is there
        ("啥时候补货", COAT, Aspect(RESTOCK)),
        ("什么时候有货", COAT, Aspect(RESTOCK)),
        ("这款还会补货吗", COAT, Aspect(RESTOCK)),
        ("黑色什么时候有货", COAT, Aspect(COLOURS, "黑色")),
        # other goods, not this one again
        ("那有别的围巾吗", (), Aspect(OTHERS)),
        ("还有其他款吗", COAT, Aspect(OTHERS)),
        ("有别的颜色吗", LIPSTICK, Aspect(COLOURS)),
        ("介绍一下这款", COAT, None),
        ("怎么样", (), None),
    ],
)
def test_the_aspect_asked(text: str, sizes: tuple[str, ...], aspect: Aspect | None) -> None:
    assert aspect_of(text, sizes) == aspect


@pytest.mark.parametrize(
    ("sizes", "colours"),
    [
        (LIPSTICK, LIPSTICK),
        (("深空灰", "银色", "香槟金"), ("深空灰", "银色", "香槟金")),
        (COAT, ()),  # sizes say nothing of colours
        (("41毫米", "45毫米"), ()),  # 米 here is a length
        (("中度烘焙", "深度烘焙"), ()),
        (("正红", "均码"), ()),  # only if every variant is a colour
        ((), ()),
    ],
)
def test_only_variants_that_all_name_colours_are_colours(
    sizes: tuple[str, ...], colours: tuple[str, ...]
) -> None:
    assert colours_of(sizes) == colours


@pytest.mark.parametrize(
    ("colour", "matching"),
    [("红色", ("正红", "枫叶红")), ("豆沙色", ("豆沙",)), ("黑色", ()), ("深红色", ())],
)
def test_a_colour_asked_matches_the_shades_of_its_hue(
    colour: str, matching: tuple[str, ...]
) -> None:
    assert colours_matching(colour, LIPSTICK) == matching
