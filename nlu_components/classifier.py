"""Rasa's logistic-regression intent classifier, safe for messages without any words.

Rasa's RegexFeaturizer adds no features to a message without tokens (an empty or blank message), so
such a message has fewer feature columns than the classifier was trained on and
`LogisticRegressionClassifier` raises. Here a message without words gets no intent (confidence 0), which
the FallbackClassifier after it turns into `nlu_fallback`, like any message the model can't read.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

#: What a message without words is given: no intent, no confidence, no ranking.
NO_INTENT = {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}


def has_words(message: Message) -> bool:
    """Whether the message has any text beyond white space."""
    return bool((message.get(TEXT) or "").strip())


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class WordsLogisticRegressionClassifier(LogisticRegressionClassifier):
    """LogisticRegressionClassifier that leaves messages without words to the fallback."""

    def process(self, messages: list[Message]) -> list[Message]:
        """Classify the messages that have words; give the others no intent."""
        readable = [message for message in messages if has_words(message)]
        if readable:
            super().process(readable)
        for message in messages:
            # A training example without text (an intent from a story) keeps its label.
            if not has_words(message) and not message.get(INTENT):
                message.set(INTENT, dict(NO_INTENT), add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
        return messages
