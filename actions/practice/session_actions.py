"""Actions that run the practice session: menu, start, coach mode, feedback and end."""

from __future__ import annotations

import json
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.peer.responder import closing_line, pick_line, start_state
from actions.peer.scenarios import (
    Scenario,
    default_scenario,
    get_scenario,
    load_scenarios,
    resolve_choice,
)
from actions.practice import state
from actions.practice.base import SafeAction
from actions.practice.debrief import debrief
from actions.practice.fallback_actions import ActionUnknownCommand, command_name
from actions.practice.summary import render_summary, summarize
from actions.practice.turn_actions import practice_turn

CHOOSING_INTENTS = frozenset({"start", "choose_scenario"})
MAX_CHOICE_WORDS = 6

NO_SCENARIOS = ("Sorry, there are no scenarios to practise with right now. "
                "(For trainers: check the files in data/scenarios/ and the action server's log.)")


def scenario_buttons(scenarios: list[Scenario]) -> list[dict[str, str]]:
    """One button per scenario; the payload starts it directly."""
    return [{"title": f"{number}. {s.title}", "payload": "/start" + json.dumps({"scenario": s.id})}
            for number, s in enumerate(scenarios, start=1)]


def coach_mode_line(mode: str) -> str:
    """One line telling the trainee what the coach is doing."""
    if mode == state.QUIET:
        return "The coach is quiet: it saves its notes for /feedback and /end (/coach_live brings them back)."
    return ('The coach is on: its notes are marked "Coach". '
            "/feedback, /end and /help work at any time.")


def layer_reached(scenario: Scenario | None, peer: dict[str, Any]) -> str | None:
    """How far the peer has opened up, in words, e.g. "how he feels (3 of 5 layers)"."""
    if scenario is None or "layer" not in peer:
        return None
    index = max(0, min(int(peer["layer"]), len(scenario.layers) - 1))
    return f"{scenario.layer_labels[index]} ({index + 1} of {len(scenario.layers)} layers)"


def session_summary(tracker: Tracker, heading: str) -> str:
    """The /feedback and /end summary for the conversation on this tracker."""
    scenario = get_scenario(tracker.get_slot(state.SCENARIO))
    log = state.coach_log(tracker)
    held = sum(1 for entry in log if entry.get("held") and entry.get("directive"))
    # The trainee never saw notes held back in quiet mode, so quote up to three of them.
    summary = summarize(log, max_examples=min(3, held) if held else 1)
    name = scenario.name if scenario else "the peer"
    text = render_summary(summary, name, heading=heading,
                          layer_reached=layer_reached(scenario, state.peer_state(tracker)))
    if log:
        # The figures (score, MITI ratio, a quoted strength) and the saved report; the summary stands
        # on its own when they can't be worked out.
        result = debrief(tracker, scenario.id if scenario else None, scenario.name if scenario else None)
        if result and result.text:
            text += "\n" + result.text
    return text


def start_events(scenario: Scenario, opening_key: str) -> list[dict[str, Any]]:
    """Slot events for a fresh conversation with this scenario's peer."""
    return [
        SlotSet(state.PRACTICE_ACTIVE, True),
        SlotSet(state.SCENARIO, scenario.id),
        SlotSet(state.COACH_TURN, None),  # a fresh coach log
        SlotSet(state.PEER_USED_LINES, None),  # a fresh record of the lines said
        SlotSet(state.PEER_USED_LINES, [opening_key]),
        SlotSet(state.PEER_STATE, start_state(scenario)),
    ]


def begin_scenario(dispatcher: CollectingDispatcher, tracker: Tracker, scenario: Scenario,
                   lead_in: str | None = None) -> list[dict[str, Any]]:
    """Introduce the peer, say their opening line, and reset the conversation state.

    Args:
        dispatcher: Where messages go.
        tracker: The conversation.
        scenario: The scenario to start.
        lead_in: An optional first sentence, e.g. why this scenario was chosen.

    Returns:
        The slot events that start the conversation.
    """
    intro = [lead_in] if lead_in else []
    previous = get_scenario(tracker.get_slot(state.SCENARIO))
    turns = len(state.coach_log(tracker))
    if state.practice_active(tracker) and previous and turns:
        intro.append(f"That closes your conversation with {previous.name} ({turns} "
                     f"{'message' if turns == 1 else 'messages'}); this one starts fresh.")
    intro.append(f"You're about to talk with {scenario.name}. {scenario.background}".strip())
    intro.append(coach_mode_line(state.coach_mode(tracker)))
    dispatcher.utter_message(text="\n\n".join(intro))
    picked = pick_line(scenario, ["opening"], [], seed=f"{tracker.sender_id}:{scenario.id}:opening")
    key, opening = picked or ("opening#0", scenario.opening[0])
    dispatcher.utter_message(text=f"{scenario.name}: {opening}")
    return start_events(scenario, key)


class ActionShowScenarios(SafeAction):
    """Show the scenario menu as buttons."""

    def name(self) -> str:
        """Action name."""
        return "action_show_scenarios"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        """Send the menu."""
        scenarios = load_scenarios()
        if not scenarios:
            dispatcher.utter_message(text=NO_SCENARIOS)
            return []
        # rasa shell shows buttons as a list picked with the arrow keys; elsewhere they are buttons.
        hint = "" if state.is_shell(tracker) else " Pick one below, or type its number."
        dispatcher.utter_message(text=f"Who would you like to talk with?{hint}",
                                 buttons=scenario_buttons(scenarios))
        return []


class ActionStartScenario(SafeAction):
    """Start the scenario the trainee chose, or show the menu when the choice is unclear.

    When the trainee starts talking before choosing, the first scenario starts, so they can get going.
    """

    error_message = "Sorry, I couldn't start that scenario. Type /start to see the list again."

    def name(self) -> str:
        """Action name."""
        return "action_start_scenario"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        """Start a scenario or show the menu."""
        intent = state.latest_intent(tracker)
        text = state.latest_text(tracker).strip()
        if text.startswith("/") and command_name(text) not in {f"/{i}" for i in CHOOSING_INTENTS}:
            # An unknown "/command" the NLU model mistook for a choice.
            return ActionUnknownCommand().act(dispatcher, tracker, domain)
        if not text and not state.practice_active(tracker):
            dispatcher.utter_message(response="utter_welcome")
            return ActionShowScenarios().act(dispatcher, tracker, domain)
        if intent in CHOOSING_INTENTS and state.probably_said_to_peer(tracker):
            # Mid-conversation, only a clear request leaves the peer for the menu; anything less
            # sure ("What else?") was most likely said to the peer.
            return practice_turn(dispatcher, tracker, domain)
        entity = next(tracker.get_latest_entity_values("scenario"), None)
        choice = get_scenario(entity) or resolve_choice(entity)
        # Only a short message names a choice ("2", "Sam", "the bullying one"); in a longer one a
        # number or a name is more likely part of what the trainee is saying.
        if choice is None and intent in CHOOSING_INTENTS and len(text.split()) <= MAX_CHOICE_WORDS:
            choice = resolve_choice(text.lstrip("/"))
        if choice is not None:
            return begin_scenario(dispatcher, tracker, choice)

        if intent in CHOOSING_INTENTS or entity:
            if entity:
                dispatcher.utter_message(text=f"I don't have a scenario called \"{entity}\".")
            events = ActionShowScenarios().act(dispatcher, tracker, domain)
            scenario = get_scenario(tracker.get_slot(state.SCENARIO))
            if state.practice_active(tracker) and scenario:
                dispatcher.utter_message(text=f"Or carry on talking with {scenario.name}: "
                                              "your conversation is still open.")
            return events

        if not state.practice_active(tracker) and tracker.get_slot(state.SCENARIO):
            # After /end, "thanks" or "ok" must not quietly open a new conversation.
            dispatcher.utter_message(text="That conversation has ended. Type /start to begin a new one, "
                                          "or /feedback to see your summary again.")
            return []
        # The trainee started talking before choosing anyone: start the one they named, if any
        # ("Sam"), else the first.
        named = resolve_choice(text) if len(text.split()) <= MAX_CHOICE_WORDS else None
        if named is not None:
            return begin_scenario(dispatcher, tracker, named)
        scenario = default_scenario()
        if scenario is None:
            dispatcher.utter_message(text=NO_SCENARIOS)
            return []
        lead_in = (f"You haven't picked anyone yet, so let's start with {scenario.name}. (Type /start "
                   "any time to choose someone else.) You're here to listen: the peer leads, you follow.")
        return begin_scenario(dispatcher, tracker, scenario, lead_in=lead_in)


class ActionSetCoachMode(SafeAction):
    """Switch the coach between live notes and quiet (notes held back for the summary)."""

    def name(self) -> str:
        """Action name."""
        return "action_set_coach_mode"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        """Set the coach_mode slot from the intent."""
        if state.probably_said_to_peer(tracker):
            return practice_turn(dispatcher, tracker, domain)
        wanted = state.QUIET if state.latest_intent(tracker) == "coach_quiet" else state.LIVE
        current = state.coach_mode(tracker)
        if wanted == current:
            text = ("The coach is already quiet. Its notes are waiting for /feedback and /end."
                    if wanted == state.QUIET else "The coach is already on and commenting as you go.")
        elif wanted == state.QUIET:
            text = ("Okay, the coach will stay quiet and save its notes for /feedback and /end. "
                    "Type /coach_live to have them as you go again.")
        else:
            # Praise held back in quiet mode is not worth announcing; flagged messages are.
            held = sum(1 for e in state.coach_log(tracker) if e.get("held") and e.get("directive"))
            text = "The coach is back on and will comment as you go."
            if held:
                text += (f" It saved {held} {'note' if held == 1 else 'notes'} while it was quiet; "
                         f"/feedback shows {'it' if held == 1 else 'them'}.")
        if state.practice_active(tracker):
            scenario = get_scenario(tracker.get_slot(state.SCENARIO))
            if scenario:
                text += f" Carry on with {scenario.name} whenever you're ready."
        dispatcher.utter_message(text=text)
        return [SlotSet(state.COACH_MODE, wanted)]


class ActionFeedback(SafeAction):
    """Summarise the conversation so far from the coach log."""

    error_message = "Sorry, I couldn't put your feedback together just now. Please carry on."

    def name(self) -> str:
        """Action name."""
        return "action_feedback"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        """Send the summary."""
        if not tracker.get_slot(state.SCENARIO):
            dispatcher.utter_message(text="There's nothing to give feedback on yet. Type /start to choose "
                                          "someone to talk with, and ask again once you've chatted a bit.")
            return []
        active = state.practice_active(tracker)
        heading = "Here's how it's going so far." if active else "Here's how your last conversation went."
        text = session_summary(tracker, heading)
        scenario = get_scenario(tracker.get_slot(state.SCENARIO))
        if active and scenario:
            text += (f"\n\n{scenario.name} is still here. Carry on whenever you're ready, "
                     "or type /end to finish.")
        dispatcher.utter_message(text=text)
        return []


class ActionEndPractice(SafeAction):
    """The peer closes the conversation, then the trainee gets the summary."""

    error_message = ("Sorry, something went wrong while wrapping up. The conversation has ended; "
                     "type /start to begin a new one.")

    def name(self) -> str:
        """Action name."""
        return "action_end_practice"

    def on_error(self, tracker: Tracker) -> list[dict[str, Any]]:
        """Still end the conversation."""
        return [SlotSet(state.PRACTICE_ACTIVE, False)]

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        """Close the conversation and summarise it."""
        if state.probably_said_to_peer(tracker):
            return practice_turn(dispatcher, tracker, domain)
        if not state.practice_active(tracker):
            dispatcher.utter_message(text="There's no conversation going on right now. "
                                          "Type /start to choose someone to talk with.")
            return []
        scenario = get_scenario(tracker.get_slot(state.SCENARIO))
        used = state.used_lines(tracker)
        events: list[dict[str, Any]] = [SlotSet(state.PRACTICE_ACTIVE, False)]
        if scenario:
            closing = closing_line(scenario, state.peer_state(tracker), used,
                                   seed=f"{tracker.sender_id}:{scenario.id}:closing")
            if closing:
                dispatcher.utter_message(text=f"{scenario.name}: {closing[1]}")
                events.append(SlotSet(state.PEER_USED_LINES, [closing[0]]))
        text = session_summary(tracker, "That's the end of this conversation. Here's your summary.")
        text += "\n\nTo practise again, type /start (or just say hi). /restart clears everything."
        dispatcher.utter_message(text=text)
        return events
