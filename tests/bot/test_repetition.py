"""Telling a repeated answer from a new one."""

from __future__ import annotations

from bot.models import Message
from bot.repetition import is_repeat, offers_a_person, previous_answer, with_person_offered


def _messages(*rows: tuple[str, str]) -> list[Message]:
    return [
        Message(id=number, sender=sender, text=text)
        for number, (sender, text) in enumerate(rows, start=1)
    ]


def test_previous_answer_is_the_bots_reply_to_the_message_before() -> None:
    recent = _messages(
        ("shopper", "怎么还没发货"),
        ("bot", "已为您催促仓库"),
        ("bot", "预计今天发出"),
        ("shopper", "怎么还没发货"),  # id 4: being answered now
    )
    assert previous_answer(recent, 4) == ["已为您催促仓库", "预计今天发出"]


def test_messages_sent_after_the_one_being_answered_do_not_count() -> None:
    recent = _messages(
        ("shopper", "在吗"),
        ("bot", "在的"),
        ("shopper", "查订单"),  # id 3: being answered now
        ("shopper", "快点"),
    )
    assert previous_answer(recent, 3) == ["在的"]


def test_no_previous_answer_when_a_person_or_the_system_spoke_last() -> None:
    recent = _messages(("shopper", "在吗"), ("agent", "您好，我是小王"), ("shopper", "在吗"))
    assert previous_answer(recent, 3) == []
    assert previous_answer(_messages(("shopper", "在吗")), 1) == []


def test_no_previous_answer_when_its_start_is_older_than_what_was_read() -> None:
    # The shopper message before is not among those read: the answer may be cut.
    recent = _messages(("bot", "第二段"), ("shopper", "然后呢"))
    assert previous_answer(recent, 2) == []


def test_the_same_words_again_are_a_repeat() -> None:
    again = [{"text": "已为您催促仓库"}, {"text": "预计今天发出"}]
    assert is_repeat(again, ["已为您催促仓库", "预计今天发出"], "urge_delivery")
    assert not is_repeat(again, ["已为您催促仓库"], "urge_delivery")
    assert not is_repeat([{"text": "预计明天发出"}], ["预计今天发出"], "urge_delivery")
    assert not is_repeat([{"custom": {"x": 1}}], [""], "urge_delivery")  # nothing said


def test_small_talk_and_answers_offering_a_person_are_no_repeat() -> None:
    assert not is_repeat([{"text": "您好"}], ["您好"], "greet")
    assert not is_repeat([{"text": "不客气"}], ["不客气"], "thanks")
    with_person = [
        {"text": "没听懂", "quick_replies": [{"title": "转人工", "payload": "/request_human"}]}
    ]
    assert offers_a_person(with_person)
    assert not is_repeat(with_person, ["没听懂"], None)


def test_answers_to_the_bots_questions_are_no_repeat() -> None:
    # 「请告诉我发票抬头」 again once the shopper picked another order.
    assert not is_repeat([{"text": "请告诉我发票抬头"}], ["请告诉我发票抬头"], "inform")
    assert not is_repeat([{"text": "是这笔吗"}], ["是这笔吗"], "deny")


def test_the_offer_follows_an_answer_or_joins_its_buttons() -> None:
    person = {"title": "转人工", "payload": "/request_human"}
    offer = {"text": "转人工吗", "quick_replies": [person]}
    assert with_person_offered([{"text": "不支持"}], offer) == [{"text": "不支持"}, offer]
    pick = {"text": "哪一笔", "quick_replies": [{"title": "订单1", "payload": "1"}]}
    assert with_person_offered([{"text": "您有两笔"}, pick], offer) == [
        {"text": "您有两笔"},
        {"text": "哪一笔", "quick_replies": [*pick["quick_replies"], *offer["quick_replies"]]},
    ]
