"""A product question is read for the one aspect it asks about."""

from __future__ import annotations

import pytest

from actions.product_aspects import MATERIAL, PRICE, SIZES, STOCK, Aspect, aspect_of

COAT = ("S", "M", "L", "XL", "XXL")


@pytest.mark.parametrize(
    ("text", "sizes", "aspect"),
    [
        ("有L码吗", COAT, Aspect(SIZES, "L", offered=True)),
        ("xl的还有吗", COAT, Aspect(SIZES, "XL", offered=True)),
        ("ＸＸＬ有吗", COAT, Aspect(SIZES, "XXL", offered=True)),  # full-width
        ("有XXXL码吗", COAT, Aspect(SIZES, "XXXL")),  # not XXL, not L
        ("42码有吗", ("25", "26", "27"), Aspect(SIZES, "42")),
        ("有27的吗", ("25", "26", "27"), Aspect(SIZES, "27", offered=True)),
        ("有127的吗", ("25", "26", "27"), None),
        ("豆沙色好看吗", ("正红", "豆沙", "枫叶红"), Aspect(SIZES, "豆沙", offered=True)),
        ("有哪些颜色", ("正红", "豆沙"), Aspect(SIZES)),
        # a colour it may not come in: yes or no about it, not the whole card
        ("这个羽绒服有黑色吗", COAT, Aspect(SIZES, "黑色")),
        ("颜色有藏青色吗", COAT, Aspect(SIZES, "藏青色")),
        ("黑色的还有货吗", COAT, Aspect(SIZES, "黑色")),
        ("黑色多少钱", COAT, Aspect(PRICE)),
        ("有没有大一号的", COAT, Aspect(SIZES)),
        ("智能手表S3多少钱", ("41毫米", "45毫米"), Aspect(PRICE)),
        ("什么面料的", COAT, Aspect(MATERIAL)),
        ("還有貨嗎", COAT, Aspect(STOCK)),  # traditional characters
        ("介绍一下这款", COAT, None),
        ("怎么样", (), None),
    ],
)
def test_the_aspect_asked(text: str, sizes: tuple[str, ...], aspect: Aspect | None) -> None:
    assert aspect_of(text, sizes) == aspect
