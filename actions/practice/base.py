"""A base class that keeps every action from failing silently."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

logger = logging.getLogger(__name__)

DEFAULT_ERROR_MESSAGE = ("Sorry, something went wrong on my side there. Please carry on, "
                         "or type /help if you're stuck.")


class SafeAction(Action, ABC):
    """An action whose errors are logged and turned into a friendly message instead of silence.

    Subclasses implement ``act`` instead of ``run``.
    """

    #: What the trainee sees when ``act`` raises.
    error_message: str = DEFAULT_ERROR_MESSAGE

    @abstractmethod
    def name(self) -> str:
        """The action's name in the domain."""

    @abstractmethod
    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        """Do the action's work; may raise."""

    def on_error(self, tracker: Tracker) -> list[dict[str, Any]]:
        """Events to return after an error (none by default)."""
        return []

    def error_text(self, tracker: Tracker) -> str | None:
        """What to tell the trainee after an error (None to say nothing more)."""
        return self.error_message

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        """Run ``act``; on an error, log it and send the trainee ``error_message``."""
        try:
            return self.act(dispatcher, tracker, domain)
        except Exception:
            logger.exception("Action %s failed for conversation %s", self.name(), tracker.sender_id)
            try:
                text = self.error_text(tracker)
            except Exception:
                text = DEFAULT_ERROR_MESSAGE
            if text:
                dispatcher.utter_message(text=text)
            try:
                return self.on_error(tracker)
            except Exception:
                logger.exception("Action %s failed while recovering", self.name())
                return []
