from __future__ import annotations

from collections.abc import Callable

from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.augment import OutOfScopeAugmenter, nonsense
from tests.bot.nlu.conftest import EXAMPLES, make_training_data


def test_nonsense_is_deterministic_varied_and_free_of_digits() -> None:
    texts = nonsense(60, seed=3)

    assert texts == nonsense(60, seed=3)
    assert texts != nonsense(60, seed=4)
    assert len(set(texts)) > 50
    assert all(text and not any(c.isdigit() for c in text) for text in texts)


def make_augmenter(
    model_storage: ModelStorage, context: Callable[[str], ExecutionContext], **config: object
) -> OutOfScopeAugmenter:
    return OutOfScopeAugmenter.create(config, model_storage, Resource("a"), context("a"))


def test_adds_labelled_examples_and_keeps_the_rest(
    training_data: TrainingData,
    model_storage: ModelStorage,
    context: Callable[[str], ExecutionContext],
) -> None:
    before = len(training_data.intent_examples)

    augmented = make_augmenter(model_storage, context, count=30).process_training_data(
        training_data
    )

    added = augmented.intent_examples[before:]
    assert len(augmented.intent_examples) == before + 30
    assert {m.get("intent") for m in added} == {"out_of_scope"}
    assert [m.get("text") for m in added] == nonsense(30)


def test_leaves_data_without_the_intent_alone(
    model_storage: ModelStorage, context: Callable[[str], ExecutionContext]
) -> None:
    data = make_training_data({k: v for k, v in EXAMPLES.items() if k != "out_of_scope"})

    augmented = make_augmenter(model_storage, context).process_training_data(data)

    assert augmented is data


def test_does_nothing_at_inference(
    model_storage: ModelStorage, context: Callable[[str], ExecutionContext]
) -> None:
    messages = [Message(data={"text": "你好"})]

    assert make_augmenter(model_storage, context).process(messages) == messages
