"""Telling a repeated answer from a new one."""

from __future__ import annotations

from bot.repetition import Answer, LastAnswers, is_repeat, offer_a_person_if_repeated
from bot.replies import ReplyBatch

URGED = Answer(("已为您催促仓库", "预计今天发出"), "urge_delivery")


def test_the_last_answer_of_each_conversation_is_kept() -> None:
    answers = LastAnswers()
    answers.remember("a", URGED)
    answers.remember("b", Answer(("在的",), "greet"))
    assert answers.get("a") == URGED
    answers.add("a", "还有别的问题吗")  # said under it later
    assert answers.get("a") == Answer((*URGED.texts, "还有别的问题吗"), "urge_delivery")
    # A person taking over, or the system speaking, makes it no longer the last.
    answers.forget("a")
    assert answers.get("a") == Answer() and answers.get("unknown") == Answer()


def test_only_the_most_recently_answered_conversations_are_kept() -> None:
    answers = LastAnswers(size=2)
    answers.remember("a", Answer(("1",)))
    answers.remember("b", Answer(("2",)))
    answers.remember("a", Answer(("3",)))  # answered again: kept before b
    answers.remember("c", Answer(("4",)))
    assert [answers.get(c).texts for c in "abc"] == [("3",), (), ("4",)]


def test_the_same_words_to_the_same_request_are_a_repeat() -> None:
    again = [{"text": "已为您催促仓库"}, {"text": "预计今天发出"}]
    assert is_repeat(again, URGED, "urge_delivery")
    assert not is_repeat([{"text": "已为您催促仓库"}], URGED, "urge_delivery")
    assert not is_repeat([{"custom": {"x": 1}}], Answer(("",), "urge_delivery"), "urge_delivery")


def test_the_same_words_to_another_request_are_no_repeat() -> None:
    # The same list of orders for a refund, then for a cancellation.
    assert not is_repeat(
        [{"text": "已为您催促仓库"}, {"text": "预计今天发出"}], URGED, "cancel_order"
    )


def test_small_talk_and_answers_to_the_bots_questions_are_no_repeat() -> None:
    assert not is_repeat([{"text": "您好"}], Answer(("您好",), "greet"), "greet")
    asked = Answer(("请告诉我发票抬头",), "inform")
    assert not is_repeat([{"text": "请告诉我发票抬头"}], asked, "inform")


def test_answers_that_ask_or_offer_a_person_are_no_repeat() -> None:
    # The form's next question after 「只退一包」, and a list of orders to pick from.
    reason = Answer(("请问退款的原因是什么呢？",), "refund_request")
    assert not is_repeat([{"text": "请问退款的原因是什么呢？"}], reason, "refund_request")
    pick = [{"text": "哪一笔", "quick_replies": [{"title": "订单1", "payload": "/inform"}]}]
    assert not is_repeat(pick, Answer(("哪一笔",), "refund_request"), "refund_request")
    person = [
        {"text": "没听懂", "quick_replies": [{"title": "转人工", "payload": "/request_human"}]}
    ]
    assert not is_repeat(person, Answer(("没听懂",), "out_of_scope"), "out_of_scope")


def test_the_offer_follows_a_repeated_answer() -> None:
    offer = {"text": "转人工吗"}
    repeated = ReplyBatch([{"text": "已为您催促仓库"}, {"text": "预计今天发出"}])
    assert offer_a_person_if_repeated(repeated, URGED, "urge_delivery", offer).messages == [
        *repeated.messages,
        offer,
    ]
    new = ReplyBatch([{"text": "已发货"}])
    assert offer_a_person_if_repeated(new, URGED, "urge_delivery", offer) is new
