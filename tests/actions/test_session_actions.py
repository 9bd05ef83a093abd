from __future__ import annotations

import json

from conftest import apply, log_events, make_tracker, practice_tracker, run, slot_events

from actions.peer.scenarios import get_scenario
from actions.practice import state
from actions.practice.session_actions import (
    ActionEndPractice,
    ActionFeedback,
    ActionSetCoachMode,
    ActionShowScenarios,
    ActionStartScenario,
)

SAM = get_scenario("bullied_at_school")


def entry(turn, text, flags=(), moves=(), held=False):
    return {"turn": turn, "text": text, "directive": bool(flags), "moves": list(moves),
            "note": "flag" if flags else None, "held": held,
            "flags": [{"category": c, "start": 0, "end": 3, "text": text[:3], "rephrasing": r}
                      for c, r in flags]}


LOG = [
    entry(1, "What's been going on?", moves=["open_question"]),
    entry(2, "You should tell a teacher.", flags=[("advising", "What have you thought about trying?")]),
    entry(3, "It sounds like mornings are the worst.", moves=["reflection"]),
    entry(4, "Don't worry, you should relax.",
          flags=[("minimizing", "It sounds like this is weighing on you."), ("advising", "What helps?")]),
    entry(5, "What happened next?", moves=["open_question"]),
]


def test_menu_has_a_button_per_scenario():
    messages, events = run(ActionShowScenarios(), make_tracker("hi", "greet"))

    buttons = messages[0]["buttons"]
    assert buttons[0]["title"] == f"1. {SAM.title}"
    assert buttons[0]["payload"].startswith("/start{")
    assert json.loads(buttons[0]["payload"].removeprefix("/start")) == {"scenario": SAM.id}
    assert events == []


def test_start_with_a_scenario_introduces_the_peer_and_resets_state():
    old = {"peer_used_lines": ["layers.1#0"], "peer_state": {"layer": 3}}
    tracker = make_tracker('/start{"scenario": "bullied_at_school"}', "start", old, history=log_events(LOG),
                           entities=[{"entity": "scenario", "value": "bullied_at_school"}])
    messages, events = run(ActionStartScenario(), tracker)

    assert "You're about to talk with Sam." in messages[0]["text"]
    assert 'marked "Coach"' in messages[0]["text"]
    opening = messages[1]["text"].removeprefix("Sam: ")
    assert opening in SAM.opening
    slots = slot_events(events)
    assert {k: slots[k] for k in ("practice_active", "scenario", "coach_turn")} == {
        "practice_active": True, "scenario": SAM.id, "coach_turn": None}
    assert slots["peer_state"]["layer"] == 0 and slots["peer_state"]["rapport"] == SAM.rapport.start
    # The record of lines said starts afresh with the opening line.
    assert state.used_lines(apply(tracker, events, "hi Sam")) == [f"opening#{SAM.opening.index(opening)}"]


def test_switching_mid_conversation_says_the_old_one_is_closed():
    tracker = practice_tracker('/start{"scenario": "bullied_at_school"}', log=LOG, intent="start",
                               entities=[{"entity": "scenario", "value": "bullied_at_school"}])
    messages, events = run(ActionStartScenario(), tracker)

    assert messages[0]["text"].startswith("That closes your conversation with Sam (5 messages)")
    assert slot_events(events)["coach_turn"] is None
    assert state.coach_log(apply(tracker, events, "hi Sam")) == []


def test_start_by_number_or_name():
    for text in ["1", "scenario 1", "Sam", "the bullying one"]:
        _, events = run(ActionStartScenario(), make_tracker(text, "choose_scenario"))
        assert slot_events(events).get("scenario") == SAM.id, text


def test_start_without_a_choice_shows_the_menu():
    messages, events = run(ActionStartScenario(), make_tracker("/start", "start"))

    assert "buttons" in messages[0]
    assert events == []


def test_unknown_scenario_says_so_and_shows_the_menu():
    tracker = make_tracker('/start{"scenario": "nope"}', "start",
                           entities=[{"entity": "scenario", "value": "nope"}])
    messages, events = run(ActionStartScenario(), tracker)

    assert "nope" in messages[0]["text"]
    assert "buttons" in messages[1]
    assert events == []


def test_talking_before_choosing_starts_the_first_scenario():
    messages, events = run(ActionStartScenario(), make_tracker("How are you doing today?"))

    assert "start with Sam" in messages[0]["text"]
    assert messages[-1]["text"].startswith("Sam: ")
    assert slot_events(events)["practice_active"] is True


def test_naming_a_scenario_before_choosing_starts_it_without_a_lead_in():
    messages, events = run(ActionStartScenario(), make_tracker("1"))

    assert messages[0]["text"].startswith("You're about to talk with Sam.")
    assert slot_events(events)["scenario"] == SAM.id


def test_talking_after_the_end_does_not_start_a_new_conversation():
    ended = {"practice_active": False, "scenario": SAM.id}
    tracker = make_tracker("thanks Sam", slots=ended, history=log_events(LOG))
    messages, events = run(ActionStartScenario(), tracker)

    assert messages[0]["text"].startswith("That conversation has ended.")
    assert events == []


def test_empty_message_before_choosing_gets_the_welcome():
    messages, events = run(ActionStartScenario(), make_tracker("  "))

    assert messages[0]["response"] == "utter_welcome"
    assert "buttons" in messages[1]
    assert events == []


def test_unsure_menu_request_mid_conversation_is_treated_as_talk_to_the_peer():
    tracker = practice_tracker("What else?", intent="choose_scenario", confidence=0.8)
    messages, events = run(ActionStartScenario(), tracker)

    assert messages[-1]["text"].startswith("Sam: ")
    assert "coach_turn" in slot_events(events)
    assert slot_events(events).get("practice_active") is None


def test_clear_menu_request_mid_conversation_keeps_the_conversation_open():
    tracker = practice_tracker("show me the scenarios", intent="choose_scenario", confidence=0.99)
    messages, events = run(ActionStartScenario(), tracker)

    assert "buttons" in messages[0]
    assert "Sam" in messages[1]["text"]
    assert events == []


def test_unknown_command_misread_as_a_choice_is_an_unknown_command():
    messages, events = run(ActionStartScenario(), practice_tracker('/foo{"a": 1}', intent="choose_scenario"))

    assert '"/foo"' in messages[0]["text"]
    assert events == []


def test_feedback_summarises_the_log():
    messages, events = run(ActionFeedback(), practice_tracker("/feedback", log=LOG, intent="feedback"))
    text = messages[0]["text"]

    assert "5 messages" in text
    assert "flagged 2 of them" in text
    assert "advising (2)" in text and "minimizing (1)" in text
    assert 'You wrote: "You should tell a teacher."' in text
    assert 'You could try: "What have you thought about trying?"' in text
    assert "2 open questions and 1 reflection" in text
    assert "Sam is still here" in text
    assert events == []


def test_feedback_before_any_practice():
    messages, _ = run(ActionFeedback(), make_tracker("/feedback", "feedback"))

    assert "nothing to give feedback on yet" in messages[0]["text"]


def test_feedback_with_no_turns_yet():
    messages, _ = run(ActionFeedback(), practice_tracker("/feedback", intent="feedback"))

    assert "No messages to Sam yet" in messages[0]["text"]


def test_feedback_in_quiet_mode_quotes_the_held_notes():
    held = [entry(1, "You should tell a teacher.", flags=[("advising", "A?")], held=True),
            entry(2, "Don't worry.", flags=[("minimizing", "B?")], held=True)]
    messages, _ = run(ActionFeedback(), practice_tracker("/feedback", log=held, intent="feedback"))

    assert '"A?"' in messages[0]["text"] and '"B?"' in messages[0]["text"]


def test_end_closes_summarises_and_explains_how_to_start_again():
    tracker = practice_tracker("/end", {"peer_state": {"layer": 3, "rapport": 10}}, log=LOG, intent="end")
    messages, events = run(ActionEndPractice(), tracker)

    assert messages[0]["text"].removeprefix("Sam: ") in SAM.lines("closing.open")
    assert "5 messages" in messages[1]["text"]
    assert "How far Sam opened up: what matters to him (4 of 5 layers)." in messages[1]["text"]
    assert "/start" in messages[1]["text"]
    slots = slot_events(events)
    assert slots["practice_active"] is False
    assert len(slots["peer_used_lines"]) == 1 and slots["peer_used_lines"][0].startswith("closing.open#")


def test_end_early_gets_a_guarded_goodbye():
    messages, _ = run(ActionEndPractice(), practice_tracker("/end", intent="end"))

    assert messages[0]["text"].removeprefix("Sam: ") in SAM.lines("closing.guarded")


def test_end_when_not_practising():
    messages, events = run(ActionEndPractice(), make_tracker("/end", "end"))

    assert "no conversation" in messages[0]["text"]
    assert events == []


def test_coach_quiet_then_live():
    messages, events = run(ActionSetCoachMode(), practice_tracker("/coach_quiet", intent="coach_quiet"))
    assert slot_events(events) == {"coach_mode": "quiet"}
    assert "quiet" in messages[0]["text"] and "Sam" in messages[0]["text"]

    held = [entry(1, "You should go.", flags=[("advising", "?")], held=True),
            entry(2, "What happened?", moves=["open_question"], held=True)]
    messages, events = run(ActionSetCoachMode(), practice_tracker(
        "turn the coach on", {"coach_mode": "quiet"}, log=held, intent="coach_live"))
    assert slot_events(events) == {"coach_mode": "live"}
    assert "saved 1 note" in messages[0]["text"]


def test_coach_mode_already_set():
    messages, _ = run(ActionSetCoachMode(), make_tracker("/coach_live", "coach_live"))

    assert "already" in messages[0]["text"]


def test_session_action_error_is_friendly(monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk gone")

    monkeypatch.setattr("actions.practice.session_actions.load_scenarios", broken)
    messages, events = run(ActionShowScenarios(), make_tracker("hi", "greet"))

    assert "Sorry" in messages[0]["text"]
    assert events == []


def test_unsure_plain_words_end_during_practice_goes_to_the_peer():
    tracker = practice_tracker("I'd recommend writing things down.", intent="end", confidence=0.79)
    messages, events = run(ActionEndPractice(), tracker)

    assert messages[-1]["text"].startswith("Sam: ")
    assert slot_events(events).get("practice_active") is None


def test_sure_plain_words_end_ends():
    tracker = practice_tracker("I'm done practising", intent="end", confidence=0.99)
    _, events = run(ActionEndPractice(), tracker)

    assert slot_events(events)["practice_active"] is False


def test_unsure_coach_mode_during_practice_goes_to_the_peer():
    tracker = practice_tracker("Don't come crying to me.", intent="coach_live", confidence=0.62)
    messages, events = run(ActionSetCoachMode(), tracker)

    assert messages[-1]["text"].startswith("Sam: ")
    assert "coach_mode" not in slot_events(events)
