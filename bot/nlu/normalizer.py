"""A Rasa NLU component that normalises Chinese shopper text before tokenising."""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from actions.text import half_width, simplified


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class TextNormalizer(GraphComponent):
    """Maps full-width characters to ASCII and traditional characters to simplified, in place.

    Shoppers typing on phone keyboards send ``２６１１…`` for order numbers, and
    shoppers from Hong Kong or Taiwan write 「退貨運費誰出」; the regexes, the
    features and the actions downstream then see the same text either way.
    Both maps are one character for one, so entity offsets hold.
    """

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> TextNormalizer:
        """Create the component (it has no state)."""
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        """Normalise each message's text."""
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str):
                message.set(TEXT, simplified(half_width(text)))
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Normalise the training examples the same way."""
        self.process(training_data.training_examples)
        return training_data
