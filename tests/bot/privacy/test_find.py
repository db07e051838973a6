"""The masker finds phones, ID and bank cards and addresses, and nothing else."""

from __future__ import annotations

import pytest

from bot.privacy import PrivacyMasker, Span
from tests.bot.privacy.cases import NEGATIVES, POSITIVES


@pytest.mark.parametrize(("text", "expected"), POSITIVES, ids=[t for t, _ in POSITIVES])
def test_finds_each_private_item_exactly(
    masker: PrivacyMasker, text: str, expected: list[tuple[str, str]]
) -> None:
    spans = masker.find(text)
    assert [(s.kind, s.text) for s in spans] == expected
    for span in spans:
        assert text[span.start : span.end] == span.text


@pytest.mark.parametrize("text", NEGATIVES)
def test_leaves_look_alikes_alone(masker: PrivacyMasker, text: str) -> None:
    assert masker.find(text) == []
    assert masker.mask(text) == text


def test_offsets_point_into_the_original_full_width_text(masker: PrivacyMasker) -> None:
    text = "订单２６１１２１０９３０４１８８２５，手机１３８ １２３４ ５６７８"
    start = text.index("１３８")
    assert masker.find(text) == [Span("phone", start, start + 13, "１３８ １２３４ ５６７８")]


def test_spans_are_frozen(masker: PrivacyMasker) -> None:
    (span,) = masker.find("13812345678")
    with pytest.raises(AttributeError):
        span.kind = "address"  # type: ignore[misc]


def test_an_order_shaped_card_number_is_a_card_only_when_the_shopper_says_so(
    masker: PrivacyMasker,
) -> None:
    number = "2611210930418829"  # this shop's order shape, and it passes Luhn
    assert masker.find(f"订单{number}") == []
    assert masker.find(f"{number}") == []
    assert [s.kind for s in masker.find(f"银行卡号：{number}")] == ["bank_card"]
    assert [s.kind for s in masker.find(f"订单号有了，退款到信用卡{number}")] == ["bank_card"]


def test_a_card_cue_in_another_clause_does_not_count(masker: PrivacyMasker) -> None:
    assert masker.find("银行卡不用了，订单2611210930418829") == []


def test_a_phone_glued_to_a_room_number_wins_over_the_address(masker: PrivacyMasker) -> None:
    text = "送到成都市武侯区人民南路四段12号0086-17712345678"
    assert [(s.kind, s.text) for s in masker.find(text)] == [
        ("address", "成都市武侯区人民南路四段12号"),
        ("phone", "0086-17712345678"),
    ]


def test_long_texts_are_masked_piece_by_piece(masker: PrivacyMasker) -> None:
    line = "用户说：我的手机13812345678，地址上海市浦东新区张江路88号3栋101室\n"
    text = line * 1000  # 42,000 characters, past one piece
    spans = masker.find(text)
    assert len(spans) == 2000
    assert {(s.kind, text[s.start : s.end]) for s in spans} == {
        ("phone", "13812345678"),
        ("address", "上海市浦东新区张江路88号3栋101室"),
    }
