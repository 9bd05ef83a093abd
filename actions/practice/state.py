"""Slot names and small helpers for reading the practice state off a tracker."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

PRACTICE_ACTIVE = "practice_active"
SCENARIO = "scenario"
COACH_MODE = "coach_mode"
#: Set once per practice turn to that turn's coach-log entry; None starts a fresh log. The whole log
#: is read back from these slot events (see coach_log), so each turn stores only its own entry.
COACH_TURN = "coach_turn"
#: Set once per peer turn to the keys of the lines the peer said on it; None starts a fresh record. The
#: whole record is read back from these slot events (see used_lines), so no turn rewrites earlier ones.
PEER_USED_LINES = "peer_used_lines"
PEER_STATE = "peer_state"

LIVE = "live"
QUIET = "quiet"

#: Below this NLU confidence, a command in plain words during practice ("I'm done") is taken as
#: something said to the peer instead: ending or switching by mistake costs the trainee far more than
#: retyping the command with its slash.
SURE_ENOUGH = 0.85

#: The input channel name `rasa shell` gives every message (rasa.core.channels.console.CmdlineInput).
SHELL_CHANNEL = "cmdline"
#: Rasa 3.6's Socket.IO output calls ``sio.emit(event, **custom)``, so a custom payload must be wrapped
#: as ``{"data": payload}`` there; any other top-level key raises a TypeError inside Rasa and the rest
#: of the turn (the peer's reply) is lost.
SOCKETIO_CHANNEL = "socketio"


def is_shell(tracker: Tracker) -> bool:
    """Whether the trainee is in `rasa shell`, which prints custom payloads as raw JSON."""
    return tracker.get_latest_input_channel() == SHELL_CHANNEL


def custom_payload(tracker: Tracker, payload: dict[str, Any]) -> dict[str, Any] | None:
    """The json_message that delivers ``payload`` on the trainee's channel.

    Args:
        tracker: The conversation (its latest input channel decides).
        payload: What the client should receive, e.g. ``{"coach": analysis}``.

    Returns:
        None in `rasa shell` (it prints custom payloads as raw JSON, which is noise to a trainee);
        ``{"data": payload}`` on Socket.IO (the client receives ``payload`` as the bot message);
        ``payload`` itself elsewhere (REST returns it as ``{"custom": payload}``).
    """
    channel = tracker.get_latest_input_channel()
    if channel == SHELL_CHANNEL:
        return None
    if channel == SOCKETIO_CHANNEL:
        return {"data": payload}
    return payload


def latest_text(tracker: Tracker) -> str:
    """The text of the trainee's latest message ("" when there is none)."""
    return str((tracker.latest_message or {}).get("text") or "")


def latest_intent(tracker: Tracker) -> str | None:
    """The intent name of the trainee's latest message, if any."""
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def latest_intent_confidence(tracker: Tracker) -> float:
    """The NLU confidence of the latest intent (1.0 for typed /commands)."""
    value = ((tracker.latest_message or {}).get("intent") or {}).get("confidence")
    return float(value) if isinstance(value, (int, float)) else 1.0


def coach_mode(tracker: Tracker) -> str:
    """"live" or "quiet"."""
    return QUIET if tracker.get_slot(COACH_MODE) == QUIET else LIVE


#: Events after which Rasa starts its applied history afresh. A session start is followed by copies
#: of the session's slot events when slots carry over, so the log carries over in order too.
_FRESH_HISTORY = frozenset({"restart", "session_started"})


def _drop_through(events: list[dict[str, Any]], kind: str) -> None:
    """Remove events from the end of ``events`` up to and including the last one of type ``kind``."""
    while events:
        if events.pop().get("event") == kind:
            return


def applied_session_events(tracker: Tracker) -> list[dict[str, Any]]:
    """The events of the current session that still apply, as Rasa's own tracker counts them.

    Mirrors ``DialogueStateTracker.applied_events`` in Rasa: history starts afresh at a restart or a
    session start, an ``undo`` removes the latest action and a ``rewind`` the latest user message.

    Args:
        tracker: The conversation.

    Returns:
        The applied events, oldest first.
    """
    applied: list[dict[str, Any]] = []
    for event in tracker.events:
        kind = event.get("event")
        if kind in _FRESH_HISTORY:
            applied = []
        elif kind == "undo":
            _drop_through(applied, "action")
        elif kind == "rewind":
            _drop_through(applied, "user")
            _drop_through(applied, "action")
        else:
            applied.append(event)
    return applied


def _values_since_reset(tracker: Tracker, slot: str, kind: type) -> list[Any]:
    """The values a per-turn slot was set to since the record last started afresh.

    A value of another type (None, for a new scenario) or a reset of all slots starts it afresh; so does
    ``/restart``, since the events before it no longer apply.
    """
    values: list[Any] = []
    for event in applied_session_events(tracker):
        if event.get("event") == "reset_slots":
            values = []
        elif event.get("event") == "slot" and event.get("name") == slot:
            value = event.get("value")
            if isinstance(value, kind):
                values.append(value)
            else:
                values = []
    return values


def coach_log(tracker: Tracker) -> list[dict[str, Any]]:
    """The coach log of this conversation, rebuilt from the per-turn ``coach_turn`` slot events.

    A ``coach_turn`` set to None (a new scenario) or a reset of all slots starts the log afresh;
    ``/restart`` does too, since the events before it no longer apply.

    Args:
        tracker: The conversation.

    Returns:
        One entry per practice turn, oldest first (copies; empty when there are none).
    """
    return [dict(value) for value in _values_since_reset(tracker, COACH_TURN, dict)]


def used_lines(tracker: Tracker) -> list[str]:
    """Keys of the peer lines already said in this conversation, rebuilt from the per-turn slot events.

    Each peer turn sets ``peer_used_lines`` to the keys it said; None (a new scenario), a reset of all
    slots or ``/restart`` starts the record afresh, as for ``coach_log``.

    Args:
        tracker: The conversation.

    Returns:
        The keys, oldest first.
    """
    return [str(key) for keys in _values_since_reset(tracker, PEER_USED_LINES, list) for key in keys]


def peer_state(tracker: Tracker) -> dict[str, Any]:
    """The peer's state in the current scenario (a copy; empty when unset)."""
    value = tracker.get_slot(PEER_STATE)
    return dict(value) if isinstance(value, dict) else {}


def practice_active(tracker: Tracker) -> bool:
    """Whether the trainee is in a practice conversation."""
    return bool(tracker.get_slot(PRACTICE_ACTIVE))


def probably_said_to_peer(tracker: Tracker) -> bool:
    """Whether a message the NLU model read as a command was more likely said to the peer.

    True during practice for a message without a leading slash whose intent confidence is below
    SURE_ENOUGH. Typed commands ("/end") are never second-guessed.
    """
    text = latest_text(tracker).strip()
    return (practice_active(tracker) and not text.startswith("/")
            and latest_intent_confidence(tracker) < SURE_ENOUGH)
