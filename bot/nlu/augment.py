"""Synthetic nonsense added to the out-of-scope intent at training time.

A linear classifier extrapolates: a keyboard mash such as ``mnbvcxz`` lands
wherever its few n-grams point (often ``inform``, which is full of codes
and names) with a high confidence, and no fallback threshold catches it. A
hundred generated strings of a few kinds of nonsense, labelled as the
out-of-scope intent, teach the classifier where such text belongs.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

LETTERS = "abcdefghijklmnopqrstuvwxyz"
KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
REPEATABLE = "啊哈嗯额呃哦噢嘿呵哇唉hkjz.。?？!！~"
# Not 👍, 👌 or 🙏: alone they mean 「好的」 and 「谢谢」 (affirm and thanks in nlu_data).
EMOJI = "😂🤣😭😅🔥🤔😡🐶🌚🍉🎈🌈"
PUNCTUATION = ".。,，?？!！~…、;；"


def _kinds(rng: random.Random) -> list[Callable[[], str]]:
    def cjk() -> str:  # uniform over the basic block: mostly rare characters
        return "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(rng.randint(2, 8)))

    def letters() -> str:
        return "".join(rng.choice(LETTERS) for _ in range(rng.randint(3, 10)))

    def keyboard() -> str:
        row = rng.choice(KEYBOARD_ROWS)
        start = rng.randint(0, len(row) - 3)
        return row[start : rng.randint(start + 3, len(row))]

    def repeated() -> str:
        return rng.choice(REPEATABLE) * rng.randint(3, 8)

    def emoji() -> str:
        return "".join(rng.choice(EMOJI) for _ in range(rng.randint(1, 5)))

    def punctuation() -> str:
        return "".join(rng.choice(PUNCTUATION) for _ in range(rng.randint(2, 6)))

    return [cjk, letters, keyboard, repeated, emoji, punctuation]


def nonsense(count: int, seed: int = 0) -> list[str]:
    """``count`` deterministic nonsense strings, the kinds taken in turn."""
    rng = random.Random(seed)
    kinds = _kinds(rng)
    return [kinds[i % len(kinds)]() for i in range(count)]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class OutOfScopeAugmenter(GraphComponent):
    """Adds generated nonsense examples to the out-of-scope intent before featurizing.

    Put it before the tokenizer so every later component sees the examples.
    Training data without the out-of-scope intent is left unchanged, and
    messages at inference pass through untouched.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's default config."""
        return {"intent": "out_of_scope", "count": 100, "seed": 0}

    def __init__(self, config: dict[str, Any]) -> None:
        """Create the augmenter from its merged config."""
        self._config = config

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> OutOfScopeAugmenter:
        """Create the component (it has no state)."""
        return cls({**cls.get_default_config(), **config})

    def process(self, messages: list[Message]) -> list[Message]:
        """Leave messages at inference as they are."""
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Return the data plus the nonsense examples, if it has the intent."""
        intent = str(self._config["intent"])
        count = int(self._config["count"])
        if count <= 0 or intent not in training_data.intents:
            return training_data
        extra = [
            Message(data={TEXT: text, INTENT: intent})
            for text in nonsense(count, int(self._config["seed"]))
        ]
        return training_data.merge(TrainingData(training_examples=extra))
