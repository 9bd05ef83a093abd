"""The two actions every practice message runs: the coach, then the peer's reply."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.peer.responder import peer_reply
from actions.peer.scenarios import get_scenario
from actions.practice import state
from actions.practice.base import SafeAction
from actions.practice.coaching import LOG_TEXT_CHARS, coach_turn, error_entry

logger = logging.getLogger(__name__)

COACH_ERROR = "(The coach couldn't read that message, so there's no note this time.)"
PEER_ERROR = "Sorry, the peer's reply got lost on my side. Please say that again, or carry on."


def _analyse(text: str) -> tuple[dict[str, Any], list[str]]:
    from actions.coach import analyze, listening_moves

    return analyze(text), list(listening_moves(text))


def coach_message(dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
    """Coach the latest message: send a note if one is due, and return the turn's log entry.

    Args:
        dispatcher: Where the note goes.
        tracker: The conversation.

    Returns:
        The new coach-log entry (the caller stores it in the ``coach_turn`` slot).
    """
    from actions.coach import render_note

    text = state.latest_text(tracker)
    analysis, moves = _analyse(text)
    flagged = bool(analysis.get("directive") and analysis.get("flags"))
    scenario = get_scenario(tracker.get_slot(state.SCENARIO))
    turn = coach_turn(
        text, analysis, moves, state.coach_log(tracker),
        mode=state.coach_mode(tracker),
        peer_name=scenario.name if scenario else "the peer",
        rendered_note=render_note(analysis) if flagged else None,
    )
    if turn.note:
        json_message = state.custom_payload(tracker, turn.payload) if turn.payload else None
        if json_message and tracker.get_latest_input_channel() == state.SOCKETIO_CHANNEL:
            # The web chat renders the payload as the coach's card; the text again would show it twice.
            dispatcher.utter_message(json_message=json_message)
        elif json_message:
            dispatcher.utter_message(text=turn.note, json_message=json_message)
        else:
            dispatcher.utter_message(text=turn.note)
    return turn.entry


def peer_message(dispatcher: CollectingDispatcher, tracker: Tracker,
                 entry: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Reply as the peer to the latest message.

    Args:
        dispatcher: Where the reply goes.
        tracker: The conversation (practice must be active with a known scenario).
        entry: The coach's log entry for this message, or None when the coach did not log it.

    Returns:
        Events setting the peer's state and the keys of the lines said on this turn.
    """
    scenario = get_scenario(tracker.get_slot(state.SCENARIO))
    if scenario is None:
        raise LookupError(f"unknown scenario {tracker.get_slot(state.SCENARIO)!r}")
    text = state.latest_text(tracker)
    if entry is not None:
        analysis: dict[str, Any] | None = {"directive": entry.get("directive"),
                                           "flags": entry.get("flags") or []}
        moves = list(entry.get("moves") or [])
    else:
        try:
            analysis, moves = _analyse(text)
        except Exception:
            logger.exception("The peer could not analyse the message; answering neutrally")
            analysis, moves = None, []
    used = state.used_lines(tracker)
    reply = peer_reply(
        scenario, text=text, analysis=analysis, moves=moves,
        state=state.peer_state(tracker), used=used,
        seed=f"{tracker.sender_id}:{scenario.id}:{len(used)}",
        intent=state.latest_intent(tracker),
        confidence=state.latest_intent_confidence(tracker),
    )
    message = f"{scenario.name}: {reply.text}"
    if reply.reaction == "goodbye":
        message += "\n\n(When you're ready to finish, type /end for your summary.)"
    dispatcher.utter_message(text=message)
    # Only this turn's line keys: state.used_lines reads the whole record back from these events.
    return [SlotSet(state.PEER_STATE, reply.state), SlotSet(state.PEER_USED_LINES, reply.keys)]


def start_instead(dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
    """Outside practice, a message meant for a peer starts the default scenario."""
    from actions.practice.session_actions import ActionStartScenario

    return ActionStartScenario().act(dispatcher, tracker, domain)


def practice_turn(dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
    """Coach and peer in one go, for messages the rules sent elsewhere by mistake.

    Each half fails on its own: a coach error still lets the peer answer.
    """
    if not state.practice_active(tracker) or get_scenario(tracker.get_slot(state.SCENARIO)) is None:
        return start_instead(dispatcher, tracker, domain)
    events: list[dict[str, Any]] = []
    entry = None
    try:
        entry = coach_message(dispatcher, tracker)
        events.append(SlotSet(state.COACH_TURN, entry))
    except Exception:
        logger.exception("Coach failed on a rerouted message")
        log = state.coach_log(tracker)
        if not any(e.get("coach_error") for e in log):
            dispatcher.utter_message(text=COACH_ERROR)
        events.append(SlotSet(state.COACH_TURN, error_entry(state.latest_text(tracker), log)))
    try:
        events += peer_message(dispatcher, tracker, entry)
    except Exception:
        logger.exception("Peer failed on a rerouted message")
        dispatcher.utter_message(text=PEER_ERROR)
    return events


class ActionCoach(SafeAction):
    """Analyse the trainee's message, show a note when it is flagged (live mode), and log the turn."""

    error_message = COACH_ERROR

    def name(self) -> str:
        """Action name."""
        return "action_coach"

    def error_text(self, tracker: Tracker) -> str | None:
        """Say so once per conversation; a coach that keeps failing shouldn't nag every turn."""
        if any(entry.get("coach_error") for entry in state.coach_log(tracker)):
            return None
        return self.error_message

    def on_error(self, tracker: Tracker) -> list[dict[str, Any]]:
        """Still log the turn, marked as not analysed."""
        log = state.coach_log(tracker)
        return [SlotSet(state.COACH_TURN, error_entry(state.latest_text(tracker), log))]

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        """Coach one message; the turn's entry alone is stored (state.coach_log reads them all back)."""
        entry = coach_message(dispatcher, tracker)
        return [SlotSet(state.COACH_TURN, entry)]


class ActionPeerReply(SafeAction):
    """The simulated peer answers the trainee's message."""

    error_message = PEER_ERROR

    def name(self) -> str:
        """Action name."""
        return "action_peer_reply"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        """Reply as the peer."""
        if not state.practice_active(tracker) or get_scenario(tracker.get_slot(state.SCENARIO)) is None:
            return start_instead(dispatcher, tracker, domain)
        log = state.coach_log(tracker)
        text = state.latest_text(tracker)
        entry = log[-1] if log and log[-1].get("text") == text[:LOG_TEXT_CHARS] else None
        if entry is not None and entry.get("coach_error"):
            entry = None
        return peer_message(dispatcher, tracker, entry)
