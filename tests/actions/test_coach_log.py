"""The coach log is read back from the per-turn coach_turn slot events, the way Rasa applies them."""

from __future__ import annotations

from typing import Any

from conftest import log_events, make_tracker, practice_tracker, slot_events, turn_events

from actions.practice import state


def entry(turn: int) -> dict[str, Any]:
    return {"turn": turn, "text": f"message {turn}", "directive": False, "flags": [], "moves": [],
            "note": None, "held": False}


def turns(log: list[dict[str, Any]]) -> list[int]:
    return [e["turn"] for e in log]


def session_start(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What Rasa appends when a session expires and slots carry over: every applied slot event again."""
    return [{"event": "action", "name": "action_session_start"}, {"event": "session_started"},
            *[e for e in history if e["event"] == "slot"], {"event": "action", "name": "action_listen"}]


def test_the_log_is_every_turn_in_order():
    assert turns(state.coach_log(practice_tracker("hi", log=[entry(1), entry(2), entry(3)]))) == [1, 2, 3]


def test_the_log_is_a_copy():
    tracker = practice_tracker("hi", log=[entry(1)])
    state.coach_log(tracker)[0]["turn"] = 99

    assert turns(state.coach_log(tracker)) == [1]


def test_no_turns_gives_an_empty_log():
    assert state.coach_log(practice_tracker("hi")) == []


def test_a_new_scenario_starts_a_fresh_log():
    history = [*log_events([entry(1), entry(2)]), {"event": "slot", "name": "coach_turn", "value": None},
               *turn_events(entry(1), text="hello")]

    assert state.coach_log(practice_tracker("hi", history=history)) == [entry(1)]


def test_restart_starts_a_fresh_log():
    history = [*log_events([entry(1), entry(2)]), {"event": "action", "name": "action_restart"},
               {"event": "restart"}]

    assert state.coach_log(make_tracker("hi", history=history)) == []


def test_a_new_session_carries_the_log_over_once():
    before = log_events([entry(1), entry(2)])
    history = [*before, *session_start(before), *turn_events(entry(3))]
    tracker = practice_tracker("hi", history=history)

    assert turns(state.coach_log(tracker)) == [1, 2, 3]
    later = [*history, *session_start(state.applied_session_events(tracker)), *turn_events(entry(4))]
    assert turns(state.coach_log(practice_tracker("hi", history=later))) == [1, 2, 3, 4]


def test_a_rewound_message_leaves_the_log():
    history = [*log_events([entry(1), entry(2)]), {"event": "action", "name": "action_default_fallback"},
               {"event": "rewind"}]

    assert turns(state.coach_log(practice_tracker("hi", history=history))) == [1]


def test_a_slot_reset_empties_the_log():
    history = [*log_events([entry(1)]), {"event": "reset_slots"}]

    assert state.coach_log(practice_tracker("hi", history=history)) == []


def test_history_slots_become_the_trackers_slots():
    tracker = practice_tracker("hi", log=[entry(1), entry(2)])

    assert tracker.get_slot(state.COACH_TURN) == entry(2)
    assert slot_events(log_events([entry(1)]))[state.COACH_TURN] == entry(1)
