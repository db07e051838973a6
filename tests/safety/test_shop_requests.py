"""Danger told together with a shop request, the kind of danger, and the shop talk near it."""

from __future__ import annotations

import time

import pytest

from bot.safety import SafetyScreen
from bot.safety.lexicon import URGENT

# QA's three messages: each was answered by the bot's order form.
FOUND_BY_QA = [
    ("我老公打我 我能不能把收货地址改到我妈家", "violence", "domestic"),
    ("有人跟踪我 能不能别把我的地址给快递", "violence", "stalking"),
    ("宝宝吃了过敏起疹子了 要退货", "medical", "allergy"),
]


@pytest.mark.parametrize(("text", "category", "topic"), FOUND_BY_QA)
def test_danger_with_a_shop_request_is_urgent_and_of_its_kind(
    screen: SafetyScreen, text: str, category: str, topic: str
) -> None:
    verdict = screen.screen(text)
    assert (verdict.level, verdict.category, verdict.topic) == ("urgent", category, topic)


@pytest.mark.parametrize(
    "text",
    [
        "我老公打我我能不能把收货地址改到我妈家",  # no space: the request asks for no safety
        "我老公家暴，地址能改吗",
        "有人跟踪我能不能帮我改下地址",
        "有人跟踪我 你们能帮我吗",  # asking for help is no product question either
    ],
)
def test_a_request_in_the_same_clause_does_not_cancel_the_danger(
    screen: SafetyScreen, text: str
) -> None:
    assert screen.screen(text).level == "urgent"


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("我老公打我 这件会不会起球", "urgent"),  # what follows a space asks about something else
        ("充电宝会不会着火 能退吗", None),  # the question about the danger is before the space
        ("如果 孩子误吞了电池 怎么办", None),  # and so is the hypothetical
        ("新闻说 有人被跟踪 好可怕", None),  # and the news
        ("孩子误吞了纽扣电池 后来排出来了 没事了", None),  # over, said at the end
    ],
)
def test_a_space_ends_what_the_next_words_may_cancel(
    screen: SafetyScreen, text: str, level: str | None
) -> None:
    assert screen.screen(text).level == level


@pytest.mark.parametrize(
    "text",
    [
        "羽绒服被打折了吗",
        "打个折吧",
        "跟踪物流",
        "物流跟踪",
        "帮我跟踪一下物流",
        "跟踪单号是多少",
        "过敏体质能用吗",
        "衣服起球了",
        "孩子对花生过敏 这个饼干含花生吗",
        "宝宝用了会不会起疹子",
        "宝宝起疹子了 用什么护臀膏好",
        "我老公打我电话 说快递到了",
        "老公推我买这个 说好用",
    ],
)
def test_shop_talk_near_those_words_is_not_danger(screen: SafetyScreen, text: str) -> None:
    assert screen.screen(text).level is None


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("用了你们的面霜脸肿了 现在呼吸有点困难", "allergy"),
        ("孩子误吞了一颗纽扣电池", "swallowed"),
        ("宝宝把磁力珠吞下去了，现在呼吸困难", "swallowed"),  # swallowed outranks the rest
        ("我奶奶晕倒了叫不醒", None),
        ("我男朋友掐着我脖子", "domestic"),
        ("前男友一直跟着我", "stalking"),  # following outranks who
        ("快递员一直在我家门口不走，还说知道我住哪", None),
    ],
)
def test_the_topic_is_what_was_said(screen: SafetyScreen, text: str, topic: str | None) -> None:
    verdict = screen.screen(text)
    assert verdict.urgent and verdict.topic == topic


def test_the_parts_of_a_category_are_listed_together_specific_first() -> None:
    names = [part.name for part in URGENT]
    for name in set(names):
        first, last = names.index(name), len(names) - names[::-1].index(name) - 1
        assert names[first : last + 1] == [name] * (last - first + 1), name
        topics = [part.topic for part in URGENT if part.name == name]
        assert None not in topics[:-1] and topics[-1] is None, name


def test_a_long_spaced_message_with_a_doubted_hit_is_screened_in_time(
    screen: SafetyScreen,
) -> None:
    filler = "请问 订单 什么时候 发货 " * 60
    text = filler + "我老公打我 这件会不会起球 " + filler  # one clause: a question after the hit
    start = time.perf_counter()
    verdict = screen.screen(text)
    assert time.perf_counter() - start < 0.5
    assert verdict.topic == "domestic"
