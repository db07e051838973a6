"""Sparse TF-IDF sentence features over character n-grams of the whole text.

Rasa's CountVectorsFeaturizer counts n-grams inside each token and has no
IDF weighting. For short Chinese messages, n-grams across jieba's token
boundaries and sublinear TF-IDF (``1 + log tf`` times smoothed IDF, rows
L2-normalised, as scikit-learn's ``TfidfVectorizer(sublinear_tf=True)``)
classify better.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.sparse_featurizer import SparseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.preprocessing import normalize

from bot.nlu.storage import load_arrays, save_arrays

logger = logging.getLogger(__name__)

ANALYZERS = ("char_wb", "char", "word")
NUMBER = "###"  # what a long number reads as (see number_min_digits)


def smooth_idf(counts: scipy.sparse.spmatrix) -> np.ndarray:
    """Smoothed inverse document frequency, ``ln((1 + n) / (1 + df)) + 1``."""
    documents = counts.shape[0]
    frequency = np.bincount(scipy.sparse.csr_matrix(counts).indices, minlength=counts.shape[1])
    return np.log((1.0 + documents) / (1.0 + frequency)) + 1.0


def tfidf(counts: scipy.sparse.spmatrix, idf: np.ndarray) -> scipy.sparse.csr_matrix:
    """Weight raw n-gram counts by ``(1 + ln tf) * idf`` and L2-normalise each row."""
    weighted = scipy.sparse.csr_matrix(counts, dtype=np.float64, copy=True)
    weighted.data = (1.0 + np.log(weighted.data)) * idf[weighted.indices]
    return normalize(weighted, norm="l2", copy=False)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=True)
class CharTfidfFeaturizer(SparseFeaturizer, GraphComponent):
    """Adds character n-gram TF-IDF vectors of ``text`` as sparse sentence features."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's default config."""
        return {
            **SparseFeaturizer.get_default_config(),
            # "char_wb" pads the text with spaces so n-grams also mark its edges;
            # "word" takes n-grams of the tokenizer's words (jieba's, for Chinese).
            "analyzer": "char_wb",
            "min_ngram": 1,
            "max_ngram": 3,
            "lowercase": True,
            # Scales the rows (L2 norm 1) against the other features a linear model sees.
            "weight": 1.0,
            # Runs of at least this many digits (order, phone and tracking numbers)
            # count as one placeholder: their digits say nothing about the intent,
            # but a 16-digit number's many n-grams outweigh 「取消退款」 beside it.
            # 0 keeps the digits.
            "number_min_digits": 0,
        }

    def __init__(
        self,
        config: dict[str, Any],
        name: str,
        model_storage: ModelStorage,
        resource: Resource,
        vocabulary: list[str] | None = None,
        idf: np.ndarray | None = None,
    ) -> None:
        """Create the featurizer, trained if ``vocabulary`` and ``idf`` are given."""
        super().__init__(name, config)
        self._model_storage = model_storage
        self._resource = resource
        self._idf = idf
        self._vectorizer = self._counter(vocabulary) if vocabulary is not None else None

    def _counter(self, vocabulary: list[str] | None = None) -> CountVectorizer:
        words = self._config["analyzer"] == "word"
        return CountVectorizer(
            analyzer=self._config["analyzer"],
            # Words arrive joined by spaces (see _documents); one word is one term.
            token_pattern=r"\S+" if words else None,
            ngram_range=(int(self._config["min_ngram"]), int(self._config["max_ngram"])),
            lowercase=bool(self._config["lowercase"]),
            vocabulary=vocabulary,
            dtype=np.float64,
        )

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CharTfidfFeaturizer:
        """Create an untrained component."""
        merged = {**cls.get_default_config(), **config}
        return cls(merged, execution_context.node_name, model_storage, resource)

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """Check the analyzer and the n-gram range."""
        if config.get("analyzer", "char_wb") not in ANALYZERS:
            raise ValueError(f"CharTfidfFeaturizer: 'analyzer' must be one of {ANALYZERS}")
        if not 1 <= int(config.get("min_ngram", 1)) <= int(config.get("max_ngram", 1)):
            raise ValueError("CharTfidfFeaturizer: need 1 <= min_ngram <= max_ngram")

    @staticmethod
    def _texts(messages: list[Message]) -> list[Message]:
        return [m for m in messages if isinstance(m.get(TEXT), str) and m.get(TEXT)]

    def _documents(self, messages: list[Message]) -> list[str]:
        if self._config["analyzer"] != "word":
            return [self._masked(m.get(TEXT)) for m in messages]
        return [" ".join(token.text for token in m.get(TOKENS_NAMES[TEXT]) or []) for m in messages]

    def _masked(self, text: str) -> str:
        digits = int(self._config.get("number_min_digits") or 0)
        return re.sub(rf"\d{{{digits},}}", NUMBER, text) if digits else text

    def train(self, training_data: TrainingData) -> Resource:
        """Learn the n-gram vocabulary and IDF of the training examples."""
        texts = self._documents(self._texts(training_data.training_examples))
        if not texts:
            logger.debug("CharTfidfFeaturizer: no training texts, nothing learned.")
            return self._resource
        counter = self._counter()
        counts = counter.fit_transform(texts)
        self._vectorizer, self._idf = counter, smooth_idf(counts)
        self.persist()
        return self._resource

    def persist(self) -> None:
        """Store the vocabulary (in column order) and the IDF weights."""
        assert self._vectorizer is not None and self._idf is not None
        terms = self._vectorizer.get_feature_names_out()
        save_arrays(
            self._model_storage, self._resource, {"terms": terms.astype(str), "idf": self._idf}
        )

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> CharTfidfFeaturizer:
        """Load the trained featurizer (an untrained one if nothing was stored)."""
        merged = {**cls.get_default_config(), **config}
        try:
            arrays = load_arrays(model_storage, resource)
        except ValueError:
            logger.debug("CharTfidfFeaturizer: resource '%s' not found", resource.name)
            return cls(merged, execution_context.node_name, model_storage, resource)
        return cls(
            merged,
            execution_context.node_name,
            model_storage,
            resource,
            vocabulary=[str(term) for term in arrays["terms"]],
            idf=arrays["idf"],
        )

    def process(self, messages: list[Message]) -> list[Message]:
        """Add one sparse ``1 x vocabulary`` sentence feature per message with text."""
        if self._vectorizer is None or self._idf is None:
            return messages
        with_text = self._texts(messages)
        if not with_text:
            return messages
        rows = tfidf(self._vectorizer.transform(self._documents(with_text)), self._idf)
        rows = rows * float(self._config["weight"])
        for index, message in enumerate(with_text):
            self.add_features_to_message(None, rows[index].tocoo(), TEXT, message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Featurize the training examples."""
        self.process(training_data.training_examples)
        return training_data
