"""The safety screen on its test set, on complaints, and on context."""

from __future__ import annotations

import dataclasses
import re
import time
from pathlib import Path

import pytest
import yaml

from bot.safety import SafetyScreen, SafetyVerdict
from tests.safety.cases import Case, load

URGENT = load("urgent")
NEGATIVES = load("negatives")
FRAUD_CASES = load("fraud")
SHOP_DATA = Path(__file__).parents[2] / "nlu_data" / "nlu"
MAX_FALSE_POSITIVE_RATE = 0.05
MIN_CATEGORY_ACCURACY = 0.95


def _id(case: Case) -> str:
    return f"{case.split}:{case.text[:24]}"


@pytest.mark.parametrize("case", URGENT, ids=_id)
def test_every_urgent_message_is_urgent(screen: SafetyScreen, case: Case) -> None:
    verdict = screen.screen(case.text)
    assert verdict.level == "urgent", verdict
    assert verdict.matched


def test_urgent_categories_are_mostly_right(screen: SafetyScreen) -> None:
    right = [c for c in URGENT if screen.screen(c.text).category == c.category]
    accuracy = len(right) / len(URGENT)
    print(f"category accuracy {len(right)}/{len(URGENT)} = {accuracy:.1%}")
    assert accuracy >= MIN_CATEGORY_ACCURACY


@pytest.mark.parametrize("split", ["tune", "held_out", None])
def test_few_negatives_screen_urgent(screen: SafetyScreen, split: str | None) -> None:
    cases = [c for c in NEGATIVES if split in (None, c.split)]
    alarms = [c.text for c in cases if screen.screen(c.text).level == "urgent"]
    rate = len(alarms) / len(cases)
    print(f"false-positive urgent rate ({split or 'all'}) {len(alarms)}/{len(cases)} = {rate:.1%}")
    assert rate <= MAX_FALSE_POSITIVE_RATE, alarms


def test_labelled_complaints_are_high(screen: SafetyScreen) -> None:
    complaints = [c for c in NEGATIVES if c.level == "high"]
    missed = [c.text for c in complaints if screen.screen(c.text).level != "high"]
    assert len(complaints) >= 30
    assert not missed


def test_test_set_is_big_enough_with_a_held_out_quarter() -> None:
    for cases in (URGENT, NEGATIVES):
        held_out = [c for c in cases if c.split == "held_out"]
        assert len(cases) >= 170
        assert len(held_out) >= len(cases) / 4


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("再不发货我就投诉你们", "投诉"),
        ("我已经打了12315", "12315"),
        ("我要找记者曝光你们", "记者"),
        ("律师函已经发出去了", "律师函"),
        ("不给退款就给你们差评", "给你们差评"),
        ("骗子！垃圾！", "骗子"),
    ],
)
def test_complaints_are_high(screen: SafetyScreen, text: str, phrase: str) -> None:
    verdict = screen.screen(text)
    assert (verdict.level, verdict.category) == ("high", "complaint")
    assert any(phrase in matched for matched in verdict.matched)


@pytest.mark.parametrize(
    "text",
    ["你们是骗子", "买了一卷垃圾袋", "usb充电线多长", "相机曝光怎么调", "订单号2631511234567890"],
)
def test_one_insult_or_a_product_word_is_no_complaint(screen: SafetyScreen, text: str) -> None:
    assert screen.screen(text).level is None


def test_danger_outranks_a_complaint(screen: SafetyScreen) -> None:
    verdict = screen.screen("我要投诉，快递员说我敢投诉他就弄死我")
    assert (verdict.level, verdict.category) == ("urgent", "violence")


@pytest.mark.parametrize("case", FRAUD_CASES, ids=_id)
def test_fraud_under_way_is_told_from_what_only_looks_like_it(
    screen: SafetyScreen, case: Case
) -> None:
    verdict = screen.screen(case.text)
    assert (verdict.level, verdict.category if verdict.level else None) == (
        case.level,
        case.category,
    )


def test_the_shops_own_questions_are_not_taken_for_fraud(screen: SafetyScreen) -> None:
    """Of the intent model's training examples, only account-security ones may screen fraud."""
    flagged = []
    for path in sorted(SHOP_DATA.glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            if "intent" not in block:
                continue
            for line in block["examples"].splitlines():
                text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line.lstrip("- ").strip())
                if text and screen.screen(text).category == "fraud":
                    flagged.append((block["intent"], text))
    assert len(flagged) >= 30  # the data holds scam reports
    assert {intent for intent, _ in flagged} == {"account_security"}, flagged


def test_danger_outranks_fraud_and_fraud_a_complaint(screen: SafetyScreen) -> None:
    threat = screen.screen("有人冒充你们的客服打电话威胁我，说不转钱就去我家")
    report = screen.screen("冒充客服的骗子在哪里投诉")
    assert (threat.level, threat.category) == ("urgent", "violence")
    assert (report.level, report.category) == ("high", "fraud")


def test_the_documented_example(screen: SafetyScreen) -> None:
    verdict = screen.screen("快递员一直在我家门口不走，还说知道我住哪")
    assert verdict == SafetyVerdict("urgent", "violence", verdict.matched)
    assert any("不走" in phrase for phrase in verdict.matched)


def test_a_safe_message_has_no_verdict(screen: SafetyScreen) -> None:
    assert screen.screen("请问这件外套有XL吗") == SafetyVerdict(None, None, ())
    assert screen.screen("") == SafetyVerdict()
    assert screen.screen("！！！ 😀") == SafetyVerdict()


def test_the_verdict_is_frozen(screen: SafetyScreen) -> None:
    verdict = screen.screen("我不想活了")
    with pytest.raises(dataclasses.FrozenInstanceError):
        verdict.level = None  # type: ignore[misc]
    assert verdict.urgent and isinstance(verdict.matched, tuple)


def test_danger_buried_in_a_long_message_is_found(screen: SafetyScreen) -> None:
    filler = "请问订单2611020304050607什么时候发货，能不能开发票，尺码偏大还是偏小？" * 60
    text = filler + "对了，孩子刚才把纽扣电池吞下去了。" + filler
    assert len(text) > 4000
    verdict = screen.screen(text)
    assert (verdict.level, verdict.category) == ("urgent", "medical")


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("充电宝会不会爆炸", None),
        ("充电宝冒烟了会不会爆炸", "urgent"),
        ("如果电动车着火了怎么办", None),
        ("厨房着火了怎么办", "urgent"),
        ("新闻说有人的电动车在楼道起火了", None),
        ("上个月充电宝冒烟了，后来没事了，想申请售后", None),
        ("上次冒烟后来没事了，现在又冒烟了，救命", "urgent"),
        ("电影里的主角最后自杀了", None),
        ("我看了新闻以后就不想活了", "urgent"),
        ("晚上回家怕被跟踪，防狼喷雾有效吗", None),
        ("要是我敢投诉他就弄死我", "urgent"),
    ],
)
def test_context_lowers_or_keeps_the_risk(
    screen: SafetyScreen, text: str, level: str | None
) -> None:
    assert screen.screen(text).level == level


def test_screening_is_cheap(screen: SafetyScreen) -> None:
    texts = [c.text for c in URGENT + NEGATIVES]
    start = time.perf_counter()
    for text in texts:
        screen.screen(text)
    mean_us = (time.perf_counter() - start) / len(texts) * 1e6
    print(f"mean {mean_us:.0f} µs per message")
    assert mean_us < 2000  # generous: a loaded CI machine; typical is under 100 µs


def test_a_huge_message_is_screened_whole_and_in_time(screen: SafetyScreen) -> None:
    text = "lorem ipsum dolor sit amet " * 20_000 + "孩子吞了纽扣电池"
    start = time.perf_counter()
    verdict = screen.screen(text)
    assert time.perf_counter() - start < 10
    assert verdict.category == "medical"
