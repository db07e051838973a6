"""Telling a repeated answer from a new one."""

from __future__ import annotations

from bot.repetition import LastAnswers, is_repeat, offers_a_person, with_person_offered


def test_the_last_answer_of_each_conversation_is_kept() -> None:
    answers = LastAnswers()
    answers.remember("a", ["已为您催促仓库", "预计今天发出"])
    answers.remember("b", ["在的"])
    assert answers.get("a") == ["已为您催促仓库", "预计今天发出"]
    answers.remember("a", ["好的"])
    assert answers.get("a") == ["好的"] and answers.get("b") == ["在的"]
    answers.add("a", "还有别的问题吗")  # said under it later
    assert answers.get("a") == ["好的", "还有别的问题吗"]
    # A person taking over, or the safety screen, makes it no longer the last.
    answers.forget("a")
    assert answers.get("a") == [] and answers.get("unknown") == []


def test_only_the_most_recently_answered_conversations_are_kept() -> None:
    answers = LastAnswers(size=2)
    answers.remember("a", ["1"])
    answers.remember("b", ["2"])
    answers.remember("a", ["3"])  # answered again: kept before b
    answers.remember("c", ["4"])
    assert (answers.get("a"), answers.get("b"), answers.get("c")) == (["3"], [], ["4"])


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
