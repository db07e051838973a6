"""The inbox keeps what the bot missed, masked, once, and groups it by question."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from actions.shop.db import create_tables, make_engine, make_sessionmaker
from bot import models as gateway_models
from bot import store
from bot.nlu.encoder import shared_encoder
from bot.trainer.errors import InvalidInput
from bot.trainer.grouping import group
from bot.trainer.inbox import Inbox, button_choice, check_ids, miss_reason
from bot.trainer.models import Base

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


def parse(name: str, confidence: float, *ranking: tuple[str, float]) -> dict:
    return {
        "intent": {"name": name, "confidence": confidence},
        "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
    }


@pytest.fixture
async def sessionmaker(tmp_path: Path) -> AsyncIterator[Any]:
    """The gateway database: conversations and messages beside the inbox's tables."""
    engine = make_engine(f"sqlite:///{tmp_path / 'kefu.db'}")
    await create_tables(engine, gateway_models.Base.metadata, Base.metadata)
    yield make_sessionmaker(engine)
    await engine.dispose()


@pytest.fixture
def inbox(sessionmaker: Any) -> Inbox:
    return Inbox(sessionmaker, lambda text: text.replace("13812345678", "1**"), lambda: NOW)


async def say(sessionmaker: Any, conversation_id: str, text: str) -> int:
    """Store a shopper message as the gateway does; its id."""
    async with sessionmaker.begin() as s:
        await store.ensure_conversation(s, conversation_id, "shopper-1", NOW)
        message = await store.add_message(s, conversation_id, "shopper", text, {}, NOW)
    return int(message.id)


def test_a_fallback_is_a_miss_with_the_guess_behind_it() -> None:
    parsed = parse("nlu_fallback", 0.4, ("nlu_fallback", 0.4), ("product_consult", 0.31))
    assert miss_reason(parsed, False, 0.6) == ("fallback", "product_consult", 0.31)


def test_confident_answers_are_not_misses_but_unsure_ones_are() -> None:
    assert miss_reason(parse("order_status", 0.93), False, 0.6)[0] is None
    assert miss_reason(parse("order_status", 0.52), False, 0.6) == (
        "low_confidence",
        "order_status",
        0.52,
    )


def test_questions_answered_as_out_of_scope_are_misses() -> None:
    # The topics the bot lacks (「店铺直播几点开始」) are where trainers find new intents.
    assert miss_reason(parse("out_of_scope", 0.88), False, 0.6) == (
        "out_of_scope",
        "out_of_scope",
        0.88,
    )
    assert miss_reason(parse("out_of_scope", 0.88), True, 0.6)[0] == "out_of_scope"


def test_handoffs_count_unless_the_shopper_asked_for_a_person() -> None:
    assert miss_reason(parse("complaint", 0.9), True, 0.6)[0] == "handoff"
    assert miss_reason(parse("request_human", 0.97), True, 0.6)[0] is None


async def test_records_masked_once_and_hides_understood_messages(inbox: Inbox) -> None:
    unsure = parse("order_status", 0.3)
    assert await inbox.record("c1", 1, "电话13812345678 直播几点", unsure, False)
    assert not await inbox.record("c1", 1, "电话13812345678 直播几点", unsure, False)  # redelivered
    assert not await inbox.record("c1", 2, "我的订单到哪了", parse("order_status", 0.95), False)
    found = await inbox.groups()
    assert found["total"] == 1
    assert found["groups"][0]["representative"] == "电话1** 直播几点"
    assert found["groups"][0]["reasons"] == ["low_confidence"]
    assert found["groups"][0]["newest_at"] == "2026-12-01T09:00:00+00:00"  # UTC, with its offset


async def test_an_unsure_message_an_open_form_took_as_its_answer_is_no_miss(
    sessionmaker: Any,
) -> None:
    asked: list[tuple[str, str]] = []

    async def form_answered(conversation_id: str, text: str) -> bool:
        asked.append((conversation_id, text))
        return text == "羽绒服那个"

    inbox = Inbox(sessionmaker, lambda text: text, lambda: NOW, form_answered=form_answered)
    fallback = parse("nlu_fallback", 0.5, ("nlu_fallback", 0.5), ("inform", 0.53))

    assert not await inbox.record("c1", 1, "羽绒服那个", fallback, False)
    assert not await inbox.record("c1", 2, "羽绒服那个", parse("inform", 0.53), False)
    assert await inbox.record("c1", 3, "已经五天了", parse("inform", 0.53), False)
    # Confident messages and handoffs never cost a look at the tracker.
    assert not await inbox.record("c1", 4, "我的订单到哪了", parse("order_status", 0.95), False)
    assert await inbox.record("c1", 5, "羽绒服那个", parse("complaint", 0.9), True)

    assert [text for _, text in asked] == ["羽绒服那个", "羽绒服那个", "已经五天了"]
    assert (await inbox.groups())["total"] == 2


async def test_labelled_and_dismissed_messages_leave_the_inbox(inbox: Inbox) -> None:
    for message_id, text in enumerate(["直播几点", "直播几点？", "能开发票吗"], start=1):
        await inbox.record("c1", message_id, text, parse("nlu_fallback", 0.4), False)
    ids = [item["id"] for g in (await inbox.groups())["groups"] for item in g["items"]]
    assert await inbox.resolve(ids[:2], "live_stream_time", "xunlian") == 2
    assert await inbox.resolve(ids[:2], "other", "xunlian") == 0  # only open ones
    assert await inbox.dismiss(ids[2:], "xunlian") == 1
    assert (await inbox.groups())["total"] == 0
    assert await inbox.items(ids) == []


async def test_a_pressed_suggestion_is_the_shoppers_label_for_the_question_before_it(
    inbox: Inbox, sessionmaker: Any
) -> None:
    unsure = parse("nlu_fallback", 0.4, ("nlu_fallback", 0.4), ("logistics_track", 0.3))
    asked = await say(sessionmaker, "c1", "东西到哪儿了呀")
    assert await inbox.record("c1", asked, "东西到哪儿了呀", unsure, False)
    pressed = await say(sessionmaker, "c1", "/logistics_track")
    button = parse("logistics_track", 1.0)
    assert not await inbox.record("c1", pressed, "/logistics_track", button, False)
    # Pressed again (or redelivered): the first press stands, nothing breaks.
    again = await say(sessionmaker, "c1", "/order_status")
    assert not await inbox.record("c1", again, "/order_status", button, False)

    (found,) = (await inbox.groups())["groups"]
    assert found["items"][0]["shopper_choice"] == "logistics_track"
    assert found["shopper_choices"] == [{"intent": "logistics_track", "count": 1}]
    assert (await inbox.items([found["items"][0]["id"]]))[0]["shopper_choice"] == "logistics_track"


async def test_only_a_button_right_after_a_fallback_counts(inbox: Inbox, sessionmaker: Any) -> None:
    unsure = parse("nlu_fallback", 0.4, ("nlu_fallback", 0.4), ("coupon", 0.3))
    first = await say(sessionmaker, "c1", "那个活动怎么弄")
    await inbox.record("c1", first, "那个活动怎么弄", unsure, False)
    typed = await say(sessionmaker, "c1", "优惠券怎么用")
    await inbox.record("c1", typed, "优惠券怎么用", parse("coupon", 0.95), False)
    late = await say(sessionmaker, "c1", "/coupon")  # an old button, pressed after typing
    await inbox.record("c1", late, "/coupon", parse("coupon", 1.0), False)
    low = await say(sessionmaker, "c2", "这个能便宜点吗")
    await inbox.record("c2", low, "这个能便宜点吗", parse("coupon", 0.5), False)
    pressed = await say(sessionmaker, "c2", "/coupon")  # no buttons follow a low-confidence answer
    await inbox.record("c2", pressed, "/coupon", parse("coupon", 1.0), False)
    other = await say(sessionmaker, "c3", "/coupon")  # another conversation, nothing before it
    await inbox.record("c3", other, "/coupon", parse("coupon", 1.0), False)

    groups = (await inbox.groups())["groups"]
    assert [g["shopper_choices"] for g in groups] == [[], []]
    assert all(item["shopper_choice"] is None for g in groups for item in g["items"])


def test_button_payloads_are_told_from_typed_text() -> None:
    assert button_choice("/logistics_track") == "logistics_track"
    assert button_choice(" /request_human ") == "request_human"
    for typed in ("物流/快递", "/", '/inform{"order_id": "1"}', "/Order", "logistics_track"):
        assert button_choice(typed) is None


def test_exact_duplicates_group_without_an_encoder() -> None:
    items = [
        {"id": 1, "text": "直播几点？", "at": "t1", "reason": "fallback", "intent": None,
         "confidence": None},
        {"id": 2, "text": "直播几点", "at": "t2", "reason": "fallback", "intent": None,
         "confidence": None},
        {"id": 3, "text": "能开发票吗", "at": "t3", "reason": "fallback", "intent": None,
         "confidence": None},
    ]  # fmt: skip
    groups = [g.to_dict() for g in group(items, None)]
    assert [g["count"] for g in groups] == [2, 1]
    assert groups[0]["representative"] == "直播几点"  # the newest leads


class FakeEncoder:
    """Embeds texts by a table, so similarity is chosen by the test."""

    def __init__(self, table: dict[str, Sequence[float]]) -> None:
        self.table = table

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return np.array([self.table[t] for t in texts], dtype=np.float32)


def test_similar_texts_join_the_most_similar_group() -> None:
    encoder = FakeEncoder({"a": [1, 0], "a2": [0.95, 0.05], "b": [0, 1]})
    items = [
        {"id": i, "text": t, "at": str(i), "reason": "fallback", "intent": None, "confidence": None}
        for i, t in enumerate(["a", "b", "a2"], start=1)
    ]
    groups = [g.to_dict() for g in group(items, encoder)]
    assert [(g["count"], g["representative"]) for g in groups] == [(2, "a2"), (1, "b")]


def test_the_real_encoder_groups_paraphrases_apart_from_other_questions() -> None:
    texts = ["你们直播几点开始", "直播什么时候开始啊", "可以开增值税专用发票吗"]
    items = [
        {"id": i, "text": t, "at": str(i), "reason": "fallback", "intent": None, "confidence": None}
        for i, t in enumerate(texts, start=1)
    ]
    groups = [g.to_dict() for g in group(items, shared_encoder(1))]
    assert sorted(g["count"] for g in groups) == [1, 2]


def test_ids_must_be_a_short_list_of_numbers() -> None:
    assert check_ids([3, 1, 3]) == [1, 3]
    for bad in ([], "1,2", [True], ["1"], list(range(501))):
        with pytest.raises(InvalidInput):
            check_ids(bad)
