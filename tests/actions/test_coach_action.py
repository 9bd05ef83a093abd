from __future__ import annotations

import json

import pytest
from conftest import apply, coach_entries, practice_tracker, run, slot_events

import actions.coach as coach
from actions.practice import state
from actions.practice.coaching import LOG_TEXT_CHARS, PRAISE_EVERY
from actions.practice.turn_actions import COACH_ERROR, ActionCoach


def test_flagged_message_gets_a_note_a_payload_and_a_log_entry():
    messages, events = run(ActionCoach(), practice_tracker("You should tell a teacher."))

    assert len(messages) == 1
    assert messages[0]["text"].startswith("Coach:")
    payload = messages[0]["custom"]
    assert payload["coach"]["directive"] is True
    assert payload["coach"]["flags"][0]["category"] == "advising"
    assert set(payload["coach"]) == {"text", "directive", "flags", "note", "kind"}
    assert payload["coach"]["note"] == messages[0]["text"]
    assert payload["coach"]["kind"] == "flag"

    assert len(coach_entries(events)) == 1
    entry = slot_events(events)["coach_turn"]
    assert entry["turn"] == 1
    assert entry["text"] == "You should tell a teacher."
    assert entry["directive"] is True
    assert entry["flags"][0]["category"] == "advising"
    assert entry["flags"][0]["rephrasing"] == "What have you thought about trying, if anything?"
    assert entry["note"] == "flag"
    assert entry["held"] is False


def test_shell_gets_the_text_note_without_raw_json():
    messages, _ = run(ActionCoach(), practice_tracker("You should tell a teacher.", channel="cmdline"))

    assert len(messages) == 1
    assert messages[0]["text"].startswith("Coach:")
    assert not messages[0].get("custom")


def test_socketio_gets_the_payload_in_the_shape_rasa_can_emit():
    messages, _ = run(ActionCoach(), practice_tracker("You should tell a teacher.", channel="socketio"))

    assert len(messages) == 1
    assert not messages[0].get("text"), "the web chat renders the card; the text too would show it twice"
    assert set(messages[0]["custom"]) == {"data"}
    coach_card = messages[0]["custom"]["data"]["coach"]
    assert coach_card["flags"][0]["category"] == "advising"
    assert coach_card["note"].startswith("Coach:")


def test_clean_message_gets_no_note_but_is_logged():
    messages, events = run(ActionCoach(), practice_tracker("Thanks for telling me."))

    assert messages == []
    entry = slot_events(events)["coach_turn"]
    assert entry["directive"] is False
    assert entry["flags"] == []
    assert entry["note"] is None


def test_each_turn_stores_only_its_own_entry_after_the_earlier_ones():
    earlier = [{"turn": 1, "text": "hi", "directive": False, "flags": [], "moves": [], "note": None,
                "held": False}]
    tracker = practice_tracker("ok", log=earlier)
    _, events = run(ActionCoach(), tracker)

    assert [e["turn"] for e in coach_entries(events)] == [2]
    assert state.coach_log(apply(tracker, events, "next")) == [earlier[0], coach_entries(events)[0]]


def test_slot_events_per_turn_do_not_grow_with_the_conversation():
    def entry(turn):
        return {"turn": turn, "text": f"What happened on day {turn}?", "directive": False, "flags": [],
                "moves": ["open_question"], "note": None, "held": False}

    sizes = {}
    for turns in (0, 30):
        tracker = practice_tracker("You should tell a teacher.", log=[entry(t) for t in range(1, turns + 1)])
        assert len(state.coach_log(tracker)) == turns
        _, events = run(ActionCoach(), tracker)
        written = [e for e in events if e.get("event") == "slot"]
        assert [e["name"] for e in written] == ["coach_turn"]
        assert isinstance(written[0]["value"], dict) and written[0]["value"]["turn"] == turns + 1
        sizes[turns] = len(json.dumps(written))
    assert sizes[30] - sizes[0] <= 2, sizes  # only the turn number's digits differ


def test_first_open_question_is_praised_then_only_occasionally():
    tracker = practice_tracker("What happened next?")
    praised = []
    for i in range(1, 2 * PRAISE_EVERY + 1):
        messages, events = run(ActionCoach(), tracker)
        tracker = apply(tracker, events, "What happened next?")
        if messages:
            assert messages[0]["text"].startswith("Coach:")
            assert "Sam" in messages[0]["text"]
            assert messages[0]["custom"]["coach"]["kind"] == "praise"
            praised.append(i)
    assert praised == [1, PRAISE_EVERY, 2 * PRAISE_EVERY]
    assert [e["note"] for e in state.coach_log(tracker)].count("praise") == 3


def test_reflection_and_open_question_are_praised_separately_but_not_two_turns_running():
    tracker = practice_tracker("What happened?")
    _, events = run(ActionCoach(), tracker)
    tracker = apply(tracker, events, "It sounds like you're exhausted.")
    messages, events = run(ActionCoach(), tracker)
    assert messages == []  # the turn before was praised

    tracker = apply(tracker, events, "It sounds like mornings are the worst.")
    messages, _ = run(ActionCoach(), tracker)
    assert len(messages) == 1
    assert "reflection" in messages[0]["text"]


def test_quiet_mode_holds_notes_back_for_the_debrief():
    tracker = practice_tracker("You should tell a teacher.", {"coach_mode": "quiet"})
    messages, events = run(ActionCoach(), tracker)

    assert messages == []
    entry = slot_events(events)["coach_turn"]
    assert entry["directive"] is True
    assert entry["held"] is True


def test_quiet_mode_holds_praise_too():
    messages, events = run(ActionCoach(), practice_tracker("What happened?", {"coach_mode": "quiet"}))

    assert messages == []
    assert slot_events(events)["coach_turn"]["held"] is True


def test_long_message_is_logged_compactly():
    text = "You should " + "really " * 2000
    messages, events = run(ActionCoach(), practice_tracker(text))

    assert messages and messages[0]["text"].startswith("Coach:")
    entry = slot_events(events)["coach_turn"]
    assert len(entry["text"]) == LOG_TEXT_CHARS


@pytest.mark.parametrize("text", ["", "   ", "🙂🙂", "<script>alert(1)</script>", "Je suis désolé."])
def test_odd_input_is_logged_without_a_note(text):
    messages, events = run(ActionCoach(), practice_tracker(text))

    assert messages == []
    assert slot_events(events)["coach_turn"]["text"] == text


def test_coach_error_gives_a_friendly_message_and_still_logs_the_turn(monkeypatch):
    def broken(text):
        raise RuntimeError("rules failed to load")

    monkeypatch.setattr(coach, "analyze", broken)
    messages, events = run(ActionCoach(), practice_tracker("You should tell a teacher."))

    assert [m["text"] for m in messages] == [COACH_ERROR]
    entry = slot_events(events)["coach_turn"]
    assert entry["coach_error"] is True
    assert entry["turn"] == 1


def test_a_failing_coach_says_so_only_once_per_conversation(monkeypatch):
    def broken(text):
        raise RuntimeError("rules failed to load")

    monkeypatch.setattr(coach, "analyze", broken)
    tracker = practice_tracker("You should tell a teacher.")
    _, events = run(ActionCoach(), tracker)
    tracker = apply(tracker, events, "You should stop.")
    messages, events = run(ActionCoach(), tracker)

    assert messages == []
    assert [e["turn"] for e in coach_entries(events)] == [2]
    assert [e["turn"] for e in state.coach_log(apply(tracker, events, "ok"))] == [1, 2]


def test_praise_reaches_the_web_chat_as_a_coach_card_and_the_shell_as_text():
    question = "What has this week been like for you?"
    web, _ = run(ActionCoach(), practice_tracker(question, channel="socketio"))
    shell, _ = run(ActionCoach(), practice_tracker(question, channel="cmdline"))

    assert len(web) == 1 and not web[0].get("text")
    card = web[0]["custom"]["data"]["coach"]
    assert card["kind"] == "praise"
    assert card["flags"] == [] and card["directive"] is False
    assert card["note"] == shell[0]["text"]
    assert not shell[0].get("custom")
