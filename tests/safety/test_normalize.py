"""Normalisation, pinyin and homophone folding: the screen reads one form of each word."""

from __future__ import annotations

import pytest

from bot.safety import SafetyScreen
from bot.safety.normalize import Normaliser, merge_spelled_out


@pytest.fixture(scope="module")
def normalise() -> Normaliser:
    return Normaliser()


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("ＨＥＬＰ！１２３", "help|123"),
        ("自 杀", "自杀"),
        ("自🔪杀", "自杀"),
        ("不，想，活，了", "不想活了"),
        ("快遞員一直跟蹤我，還在樓下", "快递员一直跟踪我|还在楼下"),
        ("充電寶著火了", "充电宝着火了"),
        ("怎么办", "怎么办"),
        ("《活着》这本书", "_这本书"),
        ("He won't leave!!", "hewontleave"),
    ],
)
def test_normalise(normalise: Normaliser, raw: str, normal: str) -> None:
    assert normalise(raw) == normal


def test_only_characters_typed_one_per_clause_are_joined() -> None:
    assert merge_spelled_out("救命|自|杀") == "救命|自杀"
    assert merge_spelled_out("好的|谢谢") == "好的|谢谢"


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("zisha", "自杀"),
        ("wo bu xiang huo le", "我不想活了"),
        ("不想活le", "不想活了"),
        ("我想zi sha", "我想自杀"),
        ("chongdianbao zhaohuo le", "充电宝着火了"),
        ("冲电宝冒烟了", "充电宝冒烟了"),
        ("我想自刹", "我想自杀"),
        ("紫砂壶泡茶", "_壶泡茶"),
        ("zi sha hu duo shao qian", "_壶duoshaoqian"),
        ("i want to kill myself", "iwanttokillmyself"),
    ],
)
def test_pinyin_and_homophones_fold_back(screen: SafetyScreen, raw: str, folded: str) -> None:
    assert screen.prepare(raw) == folded


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("ZISHA", "self_harm"),
        ("不 想 活 了", "self_harm"),
        ("bu xiang huo le", "self_harm"),
        ("冲电宝着火了", "fire"),
        ("寶寶吞了一個磁鐵", "medical"),
        ("help, he won't leave", "violence"),
        ("my son swallowed a battery", "medical"),
    ],
)
def test_variants_still_screen_urgent(screen: SafetyScreen, text: str, category: str) -> None:
    verdict = screen.screen(text)
    assert (verdict.level, verdict.category) == ("urgent", category)


@pytest.mark.parametrize(
    "text",
    [
        "救命这个颜色太好看了",
        "笑死我了",
        "气死我了",
        "要死了这么贵",
        "杀价",
        "秒杀",
        "爆款",
        "炸街",
        "火锅",
        "火爆",
        "价格上调了",
        "我不想货到付款",
        "紫砂壶",
    ],
)
def test_slang_and_lookalikes_are_not_urgent(screen: SafetyScreen, text: str) -> None:
    assert screen.screen(text).level is None
