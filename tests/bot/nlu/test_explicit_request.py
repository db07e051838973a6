"""A message that plainly asks for a person is marked as asking for one."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.explicit_request import ExplicitRequestClassifier, asks_for_a_person

REQUEST = "退货的话运费谁出？我要找人工"


@pytest.mark.parametrize(
    "text",
    [
        "耳机坏了左耳没声音，退货的话运费谁出？我要找人工",
        "转人工",
        "我要人工",
        "快递三天没动了，帮我转一下人工",
        "能转到人工吗",
        "找个真人聊",
        "不行，给我叫人工",
        "不行，叫人工",
        "别废话了 转人工",
    ],
)
def test_requests_for_a_person(text: str) -> None:
    assert asks_for_a_person(text)


@pytest.mark.parametrize(
    "text",
    [
        "你是真人客服吗",  # asks what the bot is (bot_challenge)
        "你是AI客服还是人工客服",
        "人工客服几点上班",  # asks when, not for one now
        "不用转人工了，已经解决了",
        "我不想转人工",
        "别转人工，你帮我查就行",
        "不需要人工",
        "我的订单到哪了",
    ],
)
def test_not_requests_for_a_person(text: str) -> None:
    assert not asks_for_a_person(text)


def parsed(text: str, *ranking: tuple[str, float]) -> Message:
    message = Message({TEXT: text})
    ranks = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    message.set(INTENT, ranks[0])
    message.set(INTENT_RANKING_KEY, ranks)
    return message


@pytest.fixture
def storage(tmp_path: Any) -> LocalModelStorage:
    return LocalModelStorage(tmp_path)


def trained(storage: LocalModelStorage, *intents: str) -> ExplicitRequestClassifier:
    """Trained on one example per intent, persisted and loaded back, as Rasa does."""
    resource = Resource("explicit_request")
    context = ExecutionContext(GraphSchema({}), "test")
    component = ExplicitRequestClassifier.create({}, storage, resource, context)
    component.train(TrainingData([Message({TEXT: i, INTENT: i}) for i in intents]))
    return ExplicitRequestClassifier.load({}, storage, resource, context)


def test_the_request_goes_first_and_the_question_stays_in_the_ranking(
    storage: LocalModelStorage,
) -> None:
    message = parsed(REQUEST, ("return_goods", 0.59), ("request_human", 0.34))

    trained(storage, "return_goods", "request_human").process([message])

    assert message.get(INTENT) == {"name": "request_human", "confidence": 1.0}
    assert [r["name"] for r in message.get(INTENT_RANKING_KEY)] == ["request_human", "return_goods"]
    assert message.as_dict_nlu()["intent"]["name"] == "request_human"  # in Rasa's output


def test_a_question_as_sure_as_the_request_does_not_make_it_ambiguous(
    storage: LocalModelStorage,
) -> None:
    # 「退货运费谁出？我要找人工」 fell back to 「您是不是想问」: 1.0 beside 0.995.
    message = parsed("退货运费谁出？我要找人工", ("return_goods", 0.995), ("request_human", 0.004))
    trained(storage, "return_goods", "request_human").process([message])
    fallback = FallbackClassifier.create(
        {**FallbackClassifier.get_default_config(), "threshold": 0.5, "ambiguity_threshold": 0.1},
        storage,
        Resource("fallback"),
        ExecutionContext(GraphSchema({}), "test"),
    )

    fallback.process([message])

    assert message.get(INTENT)["name"] == "request_human"
    # The question stays for the agent's suggested replies.
    assert [(r["name"], r["confidence"]) for r in message.get(INTENT_RANKING_KEY)][:2] == [
        ("request_human", 1.0),
        ("return_goods", pytest.approx(0.4975)),
    ]


@pytest.mark.parametrize(
    ("text", "ranking"),
    [
        ("快递员威胁我，我要找人工", [("emergency", 0.9), ("request_human", 0.05)]),
        ("我要投诉，转人工", [("complaint", 0.8), ("request_human", 0.2)]),
        ("你是真人客服吗", [("bot_challenge", 0.6), ("request_human", 0.3)]),
    ],
)
def test_intents_that_bring_a_person_anyway_or_no_request_are_left_alone(
    storage: LocalModelStorage, text: str, ranking: list[tuple[str, float]]
) -> None:
    message = parsed(text, *ranking)

    trained(storage, *(name for name, _ in ranking)).process([message])

    assert message.get(INTENT)["name"] == ranking[0][0]


def test_data_without_the_intent_leaves_every_message_alone(storage: LocalModelStorage) -> None:
    message = parsed(REQUEST, ("return_goods", 0.59), ("exchange_goods", 0.3))

    trained(storage, "return_goods", "exchange_goods").process([message])

    assert message.get(INTENT)["name"] == "return_goods"
