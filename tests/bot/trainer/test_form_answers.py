"""A message an open form took as its answer is no miss, however unsure the NLU was."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from bot.rasa_client import RasaClient
from bot.trainer.form_answers import FormAnswers, slot_answered


def user(text: str) -> dict[str, Any]:
    return {"event": "user", "text": text}


def slot(name: str, value: Any) -> dict[str, Any]:
    return {"event": "slot", "name": name, "value": value}


def action(name: str) -> dict[str, Any]:
    return {"event": "action", "name": name}


# As Rasa's tracker holds them (seen live): the order form asks, 「羽绒服那个」 picks.
ASKED = [
    action("action_listen"),
    user("我的订单到哪了"),
    slot("request_kind", "order_status"),
    action("order_form"),
    {"event": "active_loop", "name": "order_form"},
    slot("requested_slot", "order_id"),
    {"event": "bot", "text": "请问是哪一笔订单呢？"},
    action("action_listen"),
]
PICKED = [
    *ASKED,
    user("羽绒服那个"),
    action("order_form"),
    slot("order_id", "2611210930418825"),
    slot("requested_slot", None),
    {"event": "active_loop", "name": None},
    action("action_handle_order_request"),
    action("action_listen"),
]


def test_the_slot_the_form_asked_for_and_got_is_named() -> None:
    assert slot_answered(PICKED, "羽绒服那个") == "order_id"


def test_a_reply_that_left_the_slot_empty_was_not_taken() -> None:
    asked_again = [*ASKED, user("已经五天了"), action("order_form"), action("action_listen")]
    assert slot_answered(asked_again, "已经五天了") is None
    emptied = [*ASKED, user("已经五天了"), action("order_form"), slot("order_id", None)]
    assert slot_answered(emptied, "已经五天了") is None


def test_without_an_open_form_nothing_was_an_answer() -> None:
    chat = [action("action_listen"), user("羽绒服那个"), slot("order_id", "2611210930418825")]
    assert slot_answered(chat, "羽绒服那个") is None
    closed = [
        *ASKED[:-1],
        {"event": "active_loop", "name": None},
        action("action_listen"),
        user("羽绒服那个"),
        slot("order_id", "2611210930418825"),
    ]
    assert slot_answered(closed, "羽绒服那个") is None


def test_another_slot_or_one_set_after_the_bot_listened_again_does_not_count() -> None:
    other = [*ASKED, user("羽绒服那个"), action("order_form"), slot("refund_reason", "质量问题")]
    assert slot_answered(other, "羽绒服那个") is None
    later = [*ASKED, user("羽绒服那个"), action("action_listen"), slot("order_id", "26112109")]
    assert slot_answered(later, "羽绒服那个") is None


def test_a_tracker_that_moved_on_to_another_message_answers_nothing() -> None:
    assert slot_answered(PICKED, "耳机那个") is None
    assert slot_answered([], "羽绒服那个") is None


async def test_form_answers_reads_the_conversations_tracker_from_rasa() -> None:
    seen: list[httpx.URL] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url)
        return httpx.Response(200, json={"sender_id": "c1", "events": PICKED})

    answered = FormAnswers(
        RasaClient("http://rasa", transport=httpx.MockTransport(handler), token="t")
    )

    assert await answered("c1", "羽绒服那个")
    assert not await answered("c1", "别的话")
    assert seen[0].path == "/conversations/c1/tracker"
    assert seen[0].params["token"] == "t"
    assert seen[0].params["include_events"] == "AFTER_RESTART"


@pytest.mark.parametrize(
    "response",
    [httpx.Response(503), httpx.Response(200, text="<html>"), httpx.Response(200, json=[1, 2])],
)
async def test_an_unreadable_tracker_counts_as_a_miss(response: httpx.Response) -> None:
    client = RasaClient("http://rasa", transport=httpx.MockTransport(lambda request: response))
    assert not await FormAnswers(client)("c1", "羽绒服那个")
