"""Replies for unknown commands and Rasa's fallbacks, so the trainee never meets silence."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import Restarted, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.peer.scenarios import get_scenario
from actions.practice import state
from actions.practice.base import SafeAction

COMMANDS = "/start, /feedback, /end, /coach_quiet, /coach_live, /restart and /help"

#: Longest command name echoed back to the trainee.
COMMAND_ECHO_CHARS = 40


def carry_on_hint(tracker: Tracker) -> str:
    """" Or just carry on talking with <peer>." during practice, else ""."""
    if state.practice_active(tracker):
        scenario = get_scenario(tracker.get_slot(state.SCENARIO))
        if scenario:
            return f" Or just carry on talking with {scenario.name}."
    return ""


def command_name(text: str) -> str:
    """The command a trainee typed, e.g. "/foo" from '/foo{"x": 1} bar'."""
    word = text.strip().split(maxsplit=1)[0] if text.strip() else ""
    for stop in "{@":
        word = word.split(stop, 1)[0]
    return word[:COMMAND_ECHO_CHARS] + ("..." if len(word) > COMMAND_ECHO_CHARS else "")


class ActionUnknownCommand(SafeAction):
    """Answer a slash command the assistant doesn't know, e.g. /foo."""

    def name(self) -> str:
        """Action name."""
        return "action_unknown_command"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        """List the commands that do exist (or treat a misread message as meant for the peer)."""
        text = state.latest_text(tracker)
        if not text.strip().startswith("/"):
            # The NLU model guessed "command" for something without a slash (emoji, an empty line):
            # it is practice talk, or before practice a first hello.
            if state.practice_active(tracker) or text.strip():
                from actions.practice.turn_actions import practice_turn

                return practice_turn(dispatcher, tracker, domain)
            from actions.practice.session_actions import ActionShowScenarios

            dispatcher.utter_message(response="utter_welcome")
            return ActionShowScenarios().act(dispatcher, tracker, domain)
        command = command_name(text)
        dispatcher.utter_message(
            text=f'I don\'t know the command "{command}". The ones I know are {COMMANDS}.'
                 + carry_on_hint(tracker))
        return []


class ActionBack(ActionUnknownCommand):
    """Rasa's /back would silently undo the last message; here it is just an unknown command."""

    def name(self) -> str:
        """Action name (overrides Rasa's default action_back)."""
        return "action_back"


class ActionDefaultFallback(SafeAction):
    """Rasa's core fallback: no rule fits what just happened."""

    def name(self) -> str:
        """Action name (overrides Rasa's default)."""
        return "action_default_fallback"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        """Say so kindly, and forget the message so the conversation carries on as before."""
        dispatcher.utter_message(
            text="Sorry, I'm not sure what to do with that. Type /help to see what you can do."
                 + carry_on_hint(tracker))
        return [UserUtteranceReverted()]


class ActionRestart(SafeAction):
    """Rasa's /restart, with a message: clear the whole conversation."""

    def name(self) -> str:
        """Action name (overrides Rasa's default action_restart)."""
        return "action_restart"

    def on_error(self, tracker: Tracker) -> list[dict[str, Any]]:
        """Restart anyway."""
        return [Restarted()]

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        """Confirm, then restart."""
        if state.probably_said_to_peer(tracker):
            from actions.practice.turn_actions import practice_turn

            return practice_turn(dispatcher, tracker, domain)
        dispatcher.utter_message(
            text="All cleared: we're starting from scratch. Say hi, or type /start to choose someone "
                 "to talk with.")
        return [Restarted()]
