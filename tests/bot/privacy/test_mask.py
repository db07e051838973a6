"""Masked text keeps just enough to recognise each item, and masking is stable."""

from __future__ import annotations

import random

import pytest

from bot.privacy import PrivacyMasker
from tests.bot.privacy.cases import NEGATIVES, POSITIVES

MASKED = [
    ("我的手机号是13812345678", "我的手机号是138****5678"),
    ("电话 138-1234-5678", "电话 138****5678"),
    ("+86 15912345678", "159****5678"),
    ("手机１３８１２３４５６７８", "手机138****5678"),
    ("座机021-62345678", "座机021-****5678"),
    ("总机021-62345678-801转客服", "总机021-****5678-801转客服"),
    ("公司电话(0755)88886666", "公司电话0755-****6666"),
    ("家里0571-8765432", "家里0571-***5432"),
    ("身份证11010519491231002X", "身份证1101**********002X"),
    ("身份证号110105491231002", "身份证号1101*******1002"),
    ("卡号6222021234567894", "卡号************7894"),
    ("银行卡 6217 0000 1234 5670", "银行卡 ************5670"),
    ("6214830000123456789", "***************6789"),
    ("上海市浦东新区张江路88号3栋101室", "上海市浦东新区****"),
    ("北京朝阳区建国路88号SOHO现代城2号楼1801", "北京朝阳区****"),
    ("浦东新区张江路88号", "浦东新区****"),
    ("我住张江路88号3栋101室", "我住****"),
    ("广州市天河区天河路385号太古汇", "广州市天河区****太古汇"),
    (
        "我家住在杭州市西湖区文三路478号华星时代广场A座1203室，麻烦快点发货",
        "我家住在杭州市西湖区****，麻烦快点发货",
    ),
    (
        "你好，电话13812345678，地址上海市浦东新区张江路88号3栋101室，"
        "身份证11010519491231002X，订单2611210930418825",
        "你好，电话138****5678，地址上海市浦东新区****，"
        "身份证1101**********002X，订单2611210930418825",
    ),
]


@pytest.mark.parametrize(("text", "masked"), MASKED, ids=[t for t, _ in MASKED])
def test_masks_to_the_recognisable_form(masker: PrivacyMasker, text: str, masked: str) -> None:
    assert masker.mask(text) == masked


ALL_TEXTS = [text for text, _ in POSITIVES] + NEGATIVES


@pytest.mark.parametrize("text", ALL_TEXTS)
def test_masking_is_idempotent(masker: PrivacyMasker, text: str) -> None:
    once = masker.mask(text)
    assert masker.mask(once) == once
    assert masker.find(once) == []


@pytest.mark.parametrize(("text", "expected"), POSITIVES, ids=[t for t, _ in POSITIVES])
def test_no_private_item_survives_masking(
    masker: PrivacyMasker, text: str, expected: list[tuple[str, str]]
) -> None:
    masked = masker.mask(text)
    for _, original in expected:
        assert original not in masked


def test_empty_text(masker: PrivacyMasker) -> None:
    assert masker.mask("") == ""
    assert masker.find("") == []


@pytest.mark.parametrize("seed", range(5))
def test_glued_messages_mask_once_and_for_all(masker: PrivacyMasker, seed: int) -> None:
    # Examples run together without separators (as in a pasted transcript)
    # must not reveal a new item once their neighbours are masked.
    rng = random.Random(seed)
    for _ in range(40):
        text = "".join(rng.choice(ALL_TEXTS) for _ in range(rng.randint(2, 5)))
        once = masker.mask(text)
        assert masker.mask(once) == once, text
