"""The first reply to a flagged message fits what the shopper said (real screen, real copy)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.safety import SafetyScreen
from bot.safety.lexicon import URGENT
from handoff import copy


@pytest.fixture(scope="module")
def screen() -> SafetyScreen:
    return SafetyScreen()


@dataclass(frozen=True)
class Flag:
    """A verdict as older screens and fakes give it: no topic."""

    level: str | None
    category: str | None = None
    matched: tuple[str, ...] = ()


def reply_to(screen: SafetyScreen, text: str) -> str:
    verdict = screen.screen(text)
    assert verdict.urgent, text
    return copy.safety_reply(verdict)


def test_an_allergic_reaction_gets_allergy_advice_not_the_swallowing_one(
    screen: SafetyScreen,
) -> None:
    reply = reply_to(screen, "用了你们的面霜脸肿了 现在呼吸有点困难")
    assert reply == copy.SAFETY_TOPIC_REPLIES["allergy"]
    assert "120" in reply and "停止使用" in reply and "清水冲洗" in reply
    assert "催吐" not in reply and "电池" not in reply


def test_the_swallowing_advice_is_for_swallowing(screen: SafetyScreen) -> None:
    for text in ("孩子误吞了一颗纽扣电池", "宝宝吃了两颗磁力珠", "孩子把洗衣凝珠咬破了"):
        reply = reply_to(screen, text)
        assert reply == copy.SAFETY_TOPIC_REPLIES["swallowed"], text
        assert "120" in reply and "不要催吐" in reply


def test_other_medical_danger_gets_the_generic_120_reply(screen: SafetyScreen) -> None:
    reply = reply_to(screen, "我奶奶突然晕倒了，叫不醒")
    assert reply == copy.SAFETY_REPLIES["medical"]
    assert "120" in reply and "催吐" not in reply and "电池" not in reply


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("我老公打我 我能不能把收货地址改到我妈家", "domestic"),
        ("有人跟踪我 能不能别把我的地址给快递", "stalking"),
    ],
)
def test_violence_at_home_or_being_followed_keeps_the_address_private(
    screen: SafetyScreen, text: str, topic: str
) -> None:
    reply = reply_to(screen, text)
    assert reply == copy.SAFETY_TOPIC_REPLIES[topic]
    assert "110" in reply and "地址" in reply and "私下" in reply
    assert "锁好门" not in reply  # the one at home may be the danger


def test_someone_at_the_door_keeps_the_violence_reply(screen: SafetyScreen) -> None:
    reply = reply_to(screen, "快递员一直在我家门口不走，还说知道我住哪")
    assert reply == copy.SAFETY_REPLIES["violence"]


def test_a_verdict_without_a_topic_gets_its_categorys_reply_or_the_default() -> None:
    assert copy.safety_reply(Flag("urgent", "fire")) == copy.SAFETY_REPLIES["fire"]
    assert copy.safety_reply(Flag("urgent", "unheard_of")) == copy.SAFETY_REPLY_DEFAULT
    assert copy.safety_reply(Flag("urgent")) == copy.SAFETY_REPLY_DEFAULT


def test_every_topic_the_lexicon_names_has_its_reply() -> None:
    topics = {part.topic for part in URGENT if part.topic}
    assert topics == set(copy.SAFETY_TOPIC_REPLIES)
