"""An intent classifier: linear SVM on sentence features, temperature-calibrated."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers import LABEL_RANKING_LENGTH
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.calibration import fit_temperature, softmax
from bot.nlu.linear import LinearModel, SvmSettings, fit_svm, held_out_scores
from bot.nlu.storage import load_arrays, save_arrays

logger = logging.getLogger(__name__)

# Used when there are too few examples per intent to fit a temperature; the
# value fitted on kefu's own data is close to it.
DEFAULT_TEMPERATURE = 0.1


def sentence_features(message: Message, featurizers: list[str]) -> scipy.sparse.csr_matrix:
    """The message's sparse and dense sentence features side by side, one row."""
    sparse = message.get_sparse_features(TEXT, featurizers)[1]
    dense = message.get_dense_features(TEXT, featurizers)[1]
    parts = [scipy.sparse.csr_matrix(f.features) for f in (sparse, dense) if f is not None]
    if not parts:
        return scipy.sparse.csr_matrix((1, 0))
    return scipy.sparse.hstack(parts, format="csr")


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class SvmIntentClassifier(IntentClassifier, GraphComponent):
    """Linear SVM over all sentence features, with softmax-calibrated confidences.

    The softmax temperature is fitted on cross-validated decision scores, so
    ``confidence`` behaves like a probability and a FallbackClassifier
    threshold can be chosen by measurement.
    """

    @classmethod
    def required_components(cls) -> list[type]:
        """Featurizers must run first."""
        return [Featurizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's default config."""
        return {
            "C": 1.0,
            "class_weight": None,
            # Folds for the held-out scores the temperature is fitted on.
            "calibration_folds": 5,
            # Label smoothing of the temperature fit: keeps confidences below
            # about 1 - smoothing when the held-out predictions are all right.
            "calibration_smoothing": 0.001,
            "random_state": 42,
            "max_iter": 5000,
            # Names (or aliases) of featurizers to read; empty means all of them.
            "featurizers": [],
            "ranking_length": LABEL_RANKING_LENGTH,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        intents: list[str] | None = None,
        model: LinearModel | None = None,
        temperature: float = DEFAULT_TEMPERATURE,
    ) -> None:
        """Create the classifier, trained if ``intents`` and ``model`` are given."""
        self.component_config = config
        self._model_storage = model_storage
        self._resource = resource
        self.intents = intents or []
        self.model = model
        self.temperature = temperature

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SvmIntentClassifier:
        """Create an untrained classifier."""
        return cls({**cls.get_default_config(), **config}, model_storage, resource)

    def _settings(self) -> SvmSettings:
        config = self.component_config
        return SvmSettings(
            C=float(config["C"]),
            class_weight=config["class_weight"],
            random_state=int(config["random_state"]),
            max_iter=int(config["max_iter"]),
        )

    def _features(
        self, messages: list[Message], width: int | None = None
    ) -> scipy.sparse.csr_matrix:
        featurizers = list(self.component_config["featurizers"])
        rows = [sentence_features(m, featurizers) for m in messages]
        if width is not None:
            rows = [r if r.shape[1] == width else scipy.sparse.csr_matrix((1, width)) for r in rows]
        return scipy.sparse.vstack(rows, format="csr")

    def train(self, training_data: TrainingData) -> Resource:
        """Fit the SVM on all examples and the temperature on held-out scores."""
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        if not examples:
            logger.debug("SvmIntentClassifier: no intent examples, nothing trained.")
            return self._resource
        self.intents = sorted({e.get(INTENT) for e in examples})
        index = {name: i for i, name in enumerate(self.intents)}
        targets = np.array([index[e.get(INTENT)] for e in examples])
        features = self._features(examples)
        settings = self._settings()
        folds = int(self.component_config["calibration_folds"])
        held_out = held_out_scores(features, targets, len(self.intents), settings, folds)
        if held_out is None:
            logger.warning("SvmIntentClassifier: too few examples to calibrate confidences.")
        else:
            smoothing = float(self.component_config["calibration_smoothing"])
            self.temperature = fit_temperature(held_out, targets, smoothing)
        self.model = fit_svm(features, targets, len(self.intents), settings)
        logger.debug("SvmIntentClassifier: temperature %.4f", self.temperature)
        self.persist()
        return self._resource

    def predict(self, messages: list[Message]) -> np.ndarray:
        """Calibrated probabilities, shape ``(messages, intents)``.

        A message whose features do not fit the model (e.g. an empty text has
        none) gets the scores of an all-zero feature row.
        """
        assert self.model is not None
        features = self._features(messages, width=self.model.n_features)
        return softmax(self.model.scores(features), self.temperature)

    def process(self, messages: list[Message]) -> list[Message]:
        """Set ``intent`` and a ranking of the most likely intents on each message."""
        if self.model is None or not messages:
            return messages
        length = int(self.component_config["ranking_length"]) or len(self.intents)
        for message, probabilities in zip(messages, self.predict(messages)):
            order = np.argsort(-probabilities, kind="stable")[:length]
            ranking = [
                {"name": self.intents[i], "confidence": float(probabilities[i])} for i in order
            ]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

    def persist(self) -> None:
        """Store intents, weights and temperature as plain arrays."""
        assert self.model is not None
        arrays = {
            "intents": np.array(self.intents, dtype=str),
            # float32 halves the file; loading restores float64 (see LinearModel).
            "weights": self.model.weights.astype(np.float32),
            "intercept": self.model.intercept,
            "temperature": np.array(self.temperature),
        }
        save_arrays(self._model_storage, self._resource, arrays)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SvmIntentClassifier:
        """Load the trained classifier (an untrained one if nothing was stored)."""
        merged = {**cls.get_default_config(), **config}
        try:
            arrays = load_arrays(model_storage, resource)
        except ValueError:
            logger.debug("SvmIntentClassifier: resource '%s' not found", resource.name)
            return cls(merged, model_storage, resource)
        model = LinearModel(arrays["weights"], arrays["intercept"])
        intents = [str(name) for name in arrays["intents"]]
        return cls(merged, model_storage, resource, intents, model, float(arrays["temperature"]))
