from __future__ import annotations

from collections.abc import Callable

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.augment import OutOfScopeAugmenter
from bot.nlu.classifier import SvmIntentClassifier
from bot.nlu.tfidf_featurizer import CharTfidfFeaturizer
from bot.nlu.use_featurizer import UseFeaturizer

Pipeline = Callable[[list[str]], list[Message]]


@pytest.fixture
def trained(
    training_data: TrainingData,
    model_storage: ModelStorage,
    context: Callable[[str], ExecutionContext],
) -> tuple[SvmIntentClassifier, Pipeline]:
    """A classifier trained on featurized data, and a function that featurizes texts."""
    tfidf = CharTfidfFeaturizer.create({}, model_storage, Resource("tfidf"), context("tfidf"))
    tfidf.train(training_data)
    use = UseFeaturizer.create({}, model_storage, Resource("use"), context("use"))
    for featurizer in (tfidf, use):
        featurizer.process_training_data(training_data)
    classifier = SvmIntentClassifier.create(
        {"ranking_length": 3}, model_storage, Resource("svm"), context("svm")
    )
    classifier.train(training_data)

    def featurize(texts: list[str]) -> list[Message]:
        return use.process(tfidf.process([Message(data={"text": t}) for t in texts]))

    return classifier, featurize


def test_predicts_the_intent_of_unseen_paraphrases(
    trained: tuple[SvmIntentClassifier, Pipeline],
) -> None:
    classifier, featurize = trained

    texts = ["请帮我查询一下订单", "我想申请退款", "收货地址能修改吗"]

    messages = classifier.process(featurize(texts))

    assert [m.get("intent")["name"] for m in messages] == [
        "order_status", "refund_request", "change_address"
    ]  # fmt: skip


def test_ranking_is_sorted_truncated_and_a_distribution(
    trained: tuple[SvmIntentClassifier, Pipeline],
) -> None:
    classifier, featurize = trained

    message = classifier.process(featurize(["我要退款"]))[0]

    ranking = message.get("intent_ranking")
    confidences = [r["confidence"] for r in ranking]
    assert len(ranking) == 3
    assert confidences == sorted(confidences, reverse=True)
    assert message.get("intent") == ranking[0]
    assert sum(classifier.predict(featurize(["我要退款"]))[0]) == pytest.approx(1.0)


def test_temperature_is_fitted_on_held_out_scores(
    trained: tuple[SvmIntentClassifier, Pipeline],
) -> None:
    classifier, _ = trained

    assert 0.001 < classifier.temperature < 100
    assert classifier.temperature != pytest.approx(0.1)  # not the untrained default


def test_gibberish_gets_low_confidence_for_every_real_intent(
    training_data: TrainingData,
    model_storage: ModelStorage,
    context: Callable[[str], ExecutionContext],
) -> None:
    augmented = OutOfScopeAugmenter.create({}, model_storage, Resource("a"), context("a"))
    data = augmented.process_training_data(training_data)
    tfidf = CharTfidfFeaturizer.create({}, model_storage, Resource("t"), context("t"))
    tfidf.train(data)
    use = UseFeaturizer.create({}, model_storage, Resource("u"), context("u"))
    for featurizer in (tfidf, use):
        featurizer.process_training_data(data)
    classifier = SvmIntentClassifier.create({}, model_storage, Resource("s"), context("s"))
    classifier.train(data)
    real_intents = [i for i, name in enumerate(classifier.intents) if name != "out_of_scope"]

    def best_real_intent(texts: list[str]) -> list[float]:
        messages = use.process(tfidf.process([Message(data={"text": t}) for t in texts]))
        return [float(p[real_intents].max()) for p in classifier.predict(messages)]

    questions = best_real_intent(["帮我看看订单状态", "我要申请退款", "地址写错了想改", "你好在吗"])
    gibberish = best_real_intent(["qzxvbnmk", "鞂簙帜蹯", "。。？？！", "zzzzzzzz", "🤣🤣👍"])
    assert min(questions) > 0.5
    assert max(gibberish) < 0.4  # below the FallbackClassifier threshold in config.yml


def test_persisted_classifier_loads_and_predicts_the_same(
    trained: tuple[SvmIntentClassifier, Pipeline],
    model_storage: ModelStorage,
    context: Callable[[str], ExecutionContext],
) -> None:
    classifier, featurize = trained

    loaded = SvmIntentClassifier.load(
        {"ranking_length": 3}, model_storage, Resource("svm"), context("svm")
    )

    texts = ["订单到哪了", "讲个笑话吧"]
    assert loaded.intents == classifier.intents
    assert loaded.temperature == pytest.approx(classifier.temperature)
    assert loaded.predict(featurize(texts)) == pytest.approx(classifier.predict(featurize(texts)))


def test_message_without_features_still_gets_a_ranking(
    trained: tuple[SvmIntentClassifier, Pipeline],
) -> None:
    classifier, _ = trained

    message = classifier.process([Message(data={"text": ""})])[0]

    assert message.get("intent")["name"] in classifier.intents
    assert classifier.predict([message]).sum() == pytest.approx(1.0)


def test_untrained_classifier_leaves_messages_alone(
    model_storage: ModelStorage, context: Callable[[str], ExecutionContext]
) -> None:
    classifier = SvmIntentClassifier.load({}, model_storage, Resource("none"), context("c"))

    message = classifier.process([Message(data={"text": "你好"})])[0]

    assert message.get("intent") is None
