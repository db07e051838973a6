from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.encoder import EMBEDDING_DIM, shared_encoder
from bot.nlu.use_featurizer import UseFeaturizer


@pytest.fixture
def featurizer(
    model_storage: ModelStorage, context: Callable[[str], ExecutionContext]
) -> UseFeaturizer:
    return UseFeaturizer.create({}, model_storage, Resource("use"), context("use"))


def test_adds_a_512_dim_unit_sentence_feature_and_no_sequence(featurizer: UseFeaturizer) -> None:
    message = featurizer.process([Message(data={"text": "我的快递到哪了"})])[0]

    sequence, sentence = message.get_dense_features("text")
    assert sequence is None and sentence is not None
    assert sentence.features.shape == (1, EMBEDDING_DIM)
    assert np.linalg.norm(sentence.features) == pytest.approx(1.0, abs=1e-4)


def test_paraphrases_are_closer_than_unrelated_text(featurizer: UseFeaturizer) -> None:
    texts = ["我要退款", "帮我把钱退回来", "今天天气怎么样"]
    messages = featurizer.process([Message(data={"text": t}) for t in texts])
    vectors = [m.get_dense_features("text")[1].features[0] for m in messages]

    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_featurizes_training_data_in_batches(
    featurizer: UseFeaturizer, training_data: TrainingData
) -> None:
    featurizer._config["batch_size"] = 7

    featurizer.process_training_data(training_data)

    assert all(
        m.get_dense_features("text")[1].features.shape == (1, EMBEDDING_DIM)
        for m in training_data.training_examples
    )


def test_skips_messages_without_text(featurizer: UseFeaturizer) -> None:
    message = featurizer.process([Message(data={"intent": "greet"})])[0]

    assert message.get_dense_features("text") == (None, None)


def test_encoder_is_shared_and_handles_empty_batches() -> None:
    assert shared_encoder(1) is shared_encoder(1)
    assert shared_encoder(1).encode([]).shape == (0, EMBEDDING_DIM)
