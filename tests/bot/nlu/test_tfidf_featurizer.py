from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from bot.nlu.tfidf_featurizer import CharTfidfFeaturizer, smooth_idf, tfidf

TEXTS = ["帮我查下订单", "订单到哪了", "我要退款", "退款什么时候到账", "Hello 客服"]


def sentence_vector(message: Message) -> np.ndarray:
    sequence, sentence = message.get_sparse_features("text")
    assert sequence is None and sentence is not None
    return sentence.features.toarray()[0]


def test_weighting_matches_scikit_learns_sublinear_tfidf() -> None:
    counts = CountVectorizer(analyzer="char_wb", ngram_range=(1, 3)).fit_transform(TEXTS)
    expected = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True)

    ours = tfidf(counts, smooth_idf(counts)).toarray()

    assert ours == pytest.approx(expected.fit_transform(TEXTS).toarray())


def test_trained_featurizer_adds_unit_length_sentence_features(
    training_data: TrainingData,
    model_storage: ModelStorage,
    context: Callable[[str], ExecutionContext],
) -> None:
    featurizer = CharTfidfFeaturizer.create({}, model_storage, Resource("tfidf"), context("tfidf"))
    featurizer.train(training_data)

    message = featurizer.process([Message(data={"text": "订单查询"})])[0]

    vector = sentence_vector(message)
    assert np.linalg.norm(vector) == pytest.approx(1.0)


def test_loaded_featurizer_gives_the_same_features(
    training_data: TrainingData,
    model_storage: ModelStorage,
    context: Callable[[str], ExecutionContext],
) -> None:
    resource = Resource("tfidf")
    trained = CharTfidfFeaturizer.create({"max_ngram": 2}, model_storage, resource, context("t"))
    trained.train(training_data)

    loaded = CharTfidfFeaturizer.load({"max_ngram": 2}, model_storage, resource, context("t"))

    texts = ["我想改地址", "ＡＢＣ退款", "zzz"]
    for text in texts:
        before = sentence_vector(trained.process([Message(data={"text": text})])[0])
        after = sentence_vector(loaded.process([Message(data={"text": text})])[0])
        assert after == pytest.approx(before)


def test_untrained_or_missing_resource_adds_nothing(
    model_storage: ModelStorage, context: Callable[[str], ExecutionContext]
) -> None:
    featurizer = CharTfidfFeaturizer.load({}, model_storage, Resource("missing"), context("t"))

    message = featurizer.process([Message(data={"text": "你好"})])[0]

    assert message.get_sparse_features("text") == (None, None)


def test_invalid_config_is_rejected() -> None:
    with pytest.raises(ValueError):
        CharTfidfFeaturizer.validate_config({"analyzer": "sentence"})
    with pytest.raises(ValueError):
        CharTfidfFeaturizer.validate_config({"min_ngram": 3, "max_ngram": 2})


def test_word_analyzer_uses_the_tokenizers_words_at_its_weight(
    model_storage: ModelStorage, context: Callable[[str], ExecutionContext]
) -> None:
    from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer

    tokenizer = JiebaTokenizer.create(
        {**JiebaTokenizer.get_default_config(), "dictionary_path": None},
        model_storage,
        Resource("jieba"),
        context("jieba"),
    )
    data = TrainingData([Message(data={"text": t, "intent": "x"}) for t in TEXTS])
    tokenizer.process_training_data(data)
    config = {"analyzer": "word", "min_ngram": 1, "max_ngram": 2, "weight": 0.5}
    featurizer = CharTfidfFeaturizer.create(config, model_storage, Resource("w"), context("w"))
    featurizer.train(data)

    known, unknown = tokenizer.process(
        [Message(data={"text": "订单退款"}), Message(data={"text": "天气"})]
    )
    featurizer.process([known, unknown])

    # 订单 and 退款 are words of the training data; single characters are not terms.
    assert np.linalg.norm(sentence_vector(known)) == pytest.approx(0.5)
    assert not sentence_vector(unknown).any()


@pytest.mark.parametrize(("min_digits", "same"), [(5, True), (0, False)])
def test_long_numbers_can_count_as_one_placeholder(
    training_data: TrainingData,
    model_storage: ModelStorage,
    context: Callable[[str], ExecutionContext],
    min_digits: int,
    same: bool,
) -> None:
    config = {"number_min_digits": min_digits}
    featurizer = CharTfidfFeaturizer.create(config, model_storage, Resource("n"), context("n"))
    featurizer.train(TrainingData([*training_data.training_examples, Message(
        data={"text": "订单2611180815263307取消退款", "intent": "cancel_refund"}
    )]))  # fmt: skip

    one, other = (
        sentence_vector(featurizer.process([Message(data={"text": f"订单{n}取消退款"})])[0])
        for n in ("2611180815263307", "2599004417738812")
    )

    # Which order it is says nothing about what the shopper wants done with it.
    assert (one == pytest.approx(other)) is same
    short = sentence_vector(featurizer.process([Message(data={"text": "尾号1234"})])[0])
    assert np.count_nonzero(short) > 1  # four digits are kept: 「尾号1234」
