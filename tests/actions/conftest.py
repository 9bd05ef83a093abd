"""Shared helpers for the action tests: trackers built with Tracker.from_dict, and a fake coach.

The coach is replaced by a small deterministic fake so these tests check the actions' behaviour, not
the coach's rules (tests/coach covers those).
"""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.coach as coach

DEFAULT_SLOTS: dict[str, Any] = {
    "practice_active": False,
    "scenario": None,
    "coach_mode": "live",
    "coach_turn": None,
    "peer_used_lines": [],
    "peer_state": {},
}

PRACTICE_SLOTS: dict[str, Any] = {
    "practice_active": True,
    "scenario": "bullied_at_school",
    "peer_used_lines": ["opening#0"],
    "peer_state": {"layer": 0},
}

#: Fake coach: phrase -> (category, rephrasing).
FAKE_FLAGS = {
    "you should": ("advising", "What have you thought about trying, if anything?"),
    "don't worry": ("minimizing", "It sounds like this has been weighing on you."),
    "overreacting": ("judging", "It sounds like this has hit you hard."),
    "you're a victim": ("labeling", "How would you describe what's been happening?"),
    "stop": ("ordering", "What feels possible for you right now?"),
}


def fake_analyze(text: str) -> dict[str, Any]:
    low = text.lower()
    flags = []
    for phrase, (category, rephrasing) in FAKE_FLAGS.items():
        i = low.find(phrase)
        if i >= 0:
            flags.append({"category": category, "start": i, "end": i + len(phrase),
                          "text": text[i:i + len(phrase)], "explanation": f"{category} explanation.",
                          "rephrasings": [rephrasing]})
    return {"text": text, "directive": bool(flags), "flags": flags}


def fake_moves(text: str) -> list[str]:
    low = text.strip().lower()
    if low.startswith(("what", "how")) and low.endswith("?"):
        return ["open_question"]
    if low.startswith(("it sounds like", "you feel")):
        return ["reflection"]
    return []


def fake_render(analysis: dict[str, Any], max_flags: int = 2) -> str:
    flag = analysis["flags"][0]
    return f'Coach: "{flag["text"]}" ({flag["category"]}). Try: "{flag["rephrasings"][0]}"'


@pytest.fixture(autouse=True)
def fake_coach(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(coach, "analyze", fake_analyze)
    monkeypatch.setattr(coach, "listening_moves", fake_moves)
    monkeypatch.setattr(coach, "render_note", fake_render)


@pytest.fixture(autouse=True)
def reports_dir(tmp_path, monkeypatch: pytest.MonkeyPatch):
    """Reports written by /feedback and /end go to a temporary folder, never the project's reports/."""
    folder = tmp_path / "reports"
    monkeypatch.setenv("PRACTICE_REPORTS_DIR", str(folder))
    return folder


def turn_events(entry: dict[str, Any], text: str | None = None) -> list[dict[str, Any]]:
    """The events one earlier practice turn left on the tracker, as Rasa logs them."""
    said = entry.get("text", "") if text is None else text
    return [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": said, "parse_data": {"text": said, "intent": {"name": "practice_talk"}}},
        {"event": "action", "name": "action_coach"},
        {"event": "slot", "name": "coach_turn", "value": entry},
        {"event": "action", "name": "action_peer_reply"},
        {"event": "bot", "text": "Sam: ..."},
        {"event": "slot", "name": "peer_state", "value": {"layer": 0}},
    ]


def log_events(log: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events of earlier practice turns whose coach entries make up ``log``."""
    return [event for entry in log for event in turn_events(entry)]


def make_tracker(
    text: str = "",
    intent: str | None = "practice_talk",
    slots: dict[str, Any] | None = None,
    *,
    channel: str = "rest",
    confidence: float = 1.0,
    entities: list[dict[str, Any]] | None = None,
    sender: str = "trainee-1",
    history: list[dict[str, Any]] | None = None,
) -> Tracker:
    """A tracker whose latest event is the trainee's message, after the events in ``history``.

    Slots set in ``history`` keep their last value unless ``slots`` says otherwise.
    """
    latest = {"text": text, "intent": {"name": intent, "confidence": confidence},
              "entities": entities or [], "intent_ranking": []}
    events = [*(history or []),
              {"event": "action", "name": "action_listen", "timestamp": 1.0},
              {"event": "user", "text": text, "parse_data": latest, "input_channel": channel,
               "timestamp": 2.0}]
    return Tracker.from_dict({
        "sender_id": sender,
        "slots": {**DEFAULT_SLOTS, **slot_events(history or []), **(slots or {})},
        "latest_message": latest,
        "events": events,
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": "action_listen",
    })


def practice_tracker(text: str, slots: dict[str, Any] | None = None, *,
                     log: list[dict[str, Any]] | None = None,
                     history: list[dict[str, Any]] | None = None, **kwargs: Any) -> Tracker:
    """A tracker in the middle of a practice conversation with Sam, after ``history`` and ``log``'s turns."""
    return make_tracker(text, slots={**PRACTICE_SLOTS, **(slots or {})},
                        history=[*(history or []), *log_events(log or [])], **kwargs)


def run(action: Any, tracker: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Run an action; returns (messages, events)."""
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, tracker, {})
    return dispatcher.messages, events


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The slot values the events set (last one wins)."""
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def coach_entries(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The values of the ``coach_turn`` slot events among ``events``, in order."""
    return [e["value"] for e in events if e.get("event") == "slot" and e.get("name") == "coach_turn"]


def apply(tracker: Tracker, events: list[dict[str, Any]], next_text: str, **kwargs: Any) -> Tracker:
    """The tracker for the trainee's next message, after the tracker's events and these ones."""
    slots = {**tracker.current_slot_values(), **slot_events(events)}
    return make_tracker(next_text, slots=slots, sender=tracker.sender_id,
                        history=[*tracker.events, *events], **kwargs)
