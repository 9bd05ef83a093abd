"""Rasa's logistic-regression intent classifier, with a configurable `C` and a guard for unreadable input.

- `C` (inverse regularisation strength, scikit-learn's name) is fixed at 1.0 in Rasa's
  `LogisticRegressionClassifier`; here config.yml sets it. A weakly regularised model is sure of the
  commands it was taught ("end the practice"), which the actions require before they act on words typed
  during practice (actions/practice/state.py: SURE_ENOUGH).
- A message with no feature the model knows (empty, emoji only, another language, a typo of nothing) gets
  no intent and confidence 0, which the FallbackClassifier after it turns into `nlu_fallback`. Without
  this the prediction would be the model's prior, and an empty message would even raise: Rasa's
  RegexFeaturizer adds no columns for a message without tokens.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

#: What a message the model can't read is given: no intent, no confidence, no ranking.
NO_INTENT = {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}


def has_words(message: Message) -> bool:
    """Whether the message has any text beyond white space."""
    return bool((message.get(TEXT) or "").strip())


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class KnownWordsLogisticRegressionClassifier(LogisticRegressionClassifier):
    """LogisticRegressionClassifier with a configurable `C` that classifies only what it can read."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Rasa's defaults, plus scikit-learn's default `C`."""
        return {**LogisticRegressionClassifier.get_default_config(), "C": 1.0}

    def __init__(self, config: dict[str, Any], name: str, model_storage: ModelStorage,
                 resource: Resource) -> None:
        super().__init__(config, name, model_storage, resource)
        self.clf.set_params(C=float(self.config["C"]))

    def readable(self, message: Message) -> bool:
        """Whether the message has words and at least one feature the model was trained on."""
        return has_words(message) and self._create_X([message]).nnz > 0

    def process(self, messages: list[Message]) -> list[Message]:
        """Classify the messages the model can read; give the others no intent."""
        readable = [message for message in messages if self.readable(message)]
        if readable:
            super().process(readable)
        classified = {id(message) for message in readable}
        for message in messages:
            # A training example without text (an intent from a story) keeps its label.
            if id(message) not in classified and not message.get(INTENT):
                message.set(INTENT, dict(NO_INTENT), add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
        return messages
