"""action_peer_reply on real trackers: moves from the NLU intent and the coach, and the per-turn record."""

from __future__ import annotations

import pytest
from conftest import apply, make_tracker, practice_tracker, run, slot_events

from actions.peer.scenarios import get_scenario
from actions.practice import state
from actions.practice.turn_actions import PEER_ERROR, ActionCoach, ActionPeerReply

SAM = get_scenario("bullied_at_school")


def lines(group, name, layer=0):
    return {line for key in SAM.scoped(group, name, layer) for line in SAM.lines(key)}


def coach_then_peer(tracker):
    """One practice turn as the rules run it: action_coach, then action_peer_reply."""
    coach_messages, coach_events = run(ActionCoach(), tracker)
    latest = tracker.latest_message
    after_coach = apply(tracker, coach_events, latest["text"], intent=latest["intent"]["name"],
                        confidence=latest["intent"]["confidence"], channel=tracker.get_latest_input_channel())
    peer_messages, peer_events = run(ActionPeerReply(), after_coach)
    return coach_messages, peer_messages, coach_events + peer_events


def peer_text(messages):
    assert len(messages) == 1
    text = messages[0]["text"]
    assert text.startswith("Sam: ")
    return text.removeprefix("Sam: ")


def conversation(turns, sender="trainee-1", slots=None):
    """Run (text, intent) turns through both actions; returns the peer's lines and the last tracker."""
    tracker = practice_tracker(turns[0][0], slots, intent=turns[0][1], sender=sender)
    said = []
    for i in range(len(turns)):
        _, peer, events = coach_then_peer(tracker)
        said.append(peer_text(peer))
        following = turns[i + 1] if i + 1 < len(turns) else ("(next)", "practice_talk")
        tracker = apply(tracker, events, following[0], intent=following[1])
    return said, tracker


@pytest.mark.parametrize(("text", "intent", "group", "name"), [
    # The coach flags it: directive, whatever the model says.
    ("You should tell a teacher.", "practice_talk", "directive", "advising"),
    ("You should tell a teacher.", "validation", "directive", "advising"),
    ("Don't worry about it.", "reassurance", "directive", "minimizing"),
    ("You're a victim here.", "reflection", "directive", "labeling"),
    ("Stop reading it.", "nlu_fallback", "directive", "ordering"),
    ("You're overreacting.", "practice_talk", "directive", "judging"),
    # The model's trainee moves.
    ("That makes sense.", "validation", "moves", "validation"),
    ("It took guts to come.", "affirmation", "moves", "affirmation"),
    ("It's your call.", "support_autonomy", "moves", "support_autonomy"),
    ("Is it every day?", "closed_question", "moves", "closed_question"),
    ("hi", "greet", "moves", "greet"),
    ("Nice weather today.", "small_talk", "moves", "small_talk"),
    # The old catch-all intent or an unsure one: the coach's listening moves.
    ("ok", "practice_talk", "reactions", "neutral"),
    ("   ", "practice_talk", "reactions", "empty"),
    ("I hear you. " * 200, "practice_talk", "reactions", "long"),
])
def test_reply_follows_the_move(text, intent, group, name):
    _, peer, _ = coach_then_peer(practice_tracker(text, intent=intent))
    assert peer_text(peer) in lines(group, name)


def test_a_confident_intent_wins_over_the_coachs_move_but_an_unsure_one_does_not():
    # fake coach: "what ...?" is an open question
    _, _, events = coach_then_peer(practice_tracker("What time is it there?", intent="closed_question",
                                                    confidence=0.9))
    assert slot_events(events)["peer_state"]["move"] == "closed_question"
    _, _, events = coach_then_peer(practice_tracker("What a day, huh?", intent="small_talk", confidence=0.3))
    assert slot_events(events)["peer_state"]["move"] == "open_question"


def test_advice_drops_rapport_and_a_listening_turn_then_gets_a_withdrawn_reply():
    said, tracker = conversation([("You should tell a teacher.", "advice"),
                                  ("What happened?", "open_question")])
    assert said[0] in lines("directive", "advising")
    assert said[1] in lines("reactions", "withdrawn")
    peer = state.peer_state(tracker)
    assert peer["rapport"] == SAM.rapport.start - 2 + 1 and peer["locked"]


def test_goodbye_to_the_peer_mentions_end():
    _, peer, _ = coach_then_peer(practice_tracker("bye", intent="goodbye"))
    assert "/end" in peer[0]["text"]
    assert peer[0]["text"].split("\n")[0].removeprefix("Sam: ") in lines("reactions", "goodbye")


def test_each_turn_stores_only_its_own_line_keys_and_the_record_is_rebuilt_from_events():
    turns = [("ok", "practice_talk"), ("What happened?", "open_question"), ("mm", "practice_talk"),
             ("It sounds like it's hard.", "reflection")]
    tracker = practice_tracker(turns[0][0], intent=turns[0][1], sender="record")
    record = []
    for i in range(len(turns)):
        _, _, events = coach_then_peer(tracker)
        new = slot_events(events)[state.PEER_USED_LINES]
        assert len(new) == 1  # only what this turn said, never the whole list again
        record += new
        following = turns[i + 1][0] if i + 1 < len(turns) else "next"
        tracker = apply(tracker, events, following)
        assert state.used_lines(tracker) == record


def test_the_peer_never_repeats_in_a_twenty_turn_conversation():
    turns = [("hi", "greet"), ("What's been going on?", "open_question"),
             ("You should tell someone.", "advice"), ("What happened?", "open_question"),
             ("mm", "practice_talk"), ("You should block them.", "advice"),
             ("Sorry, I jumped in with advice there.", "repair"), ("It sounds like it's hard.", "reflection"),
             ("That makes sense.", "validation"), ("What's that like?", "open_question"),
             ("Is it every day?", "closed_question"), ("How do you feel about it?", "open_question"),
             ("I was picked on too. How is it for you?", "self_disclosure"),
             ("It sounds like you feel alone with it.", "reflection"),
             ("It took guts to say that.", "affirmation"), ("What matters most to you?", "open_question"),
             ("It sounds like art is your thing.", "reflection"),
             ("It's your call.", "support_autonomy"), ("What might help?", "open_question"),
             ("So you might talk to Miss Patel.", "summary")]
    said, tracker = conversation(turns, sender="no-repeat")
    assert len(said) == 20
    assert len(said) == len(set(said)), said
    assert state.peer_state(tracker)["layer"] >= 3


def test_a_new_scenario_starts_a_fresh_record_of_lines():
    history = [{"event": "slot", "name": state.PEER_USED_LINES, "value": ["layers.surface#0"]},
               {"event": "slot", "name": state.PEER_USED_LINES, "value": None},
               {"event": "slot", "name": state.PEER_USED_LINES, "value": ["opening#1"]}]
    assert state.used_lines(practice_tracker("hi", history=history)) == ["opening#1"]


def test_restart_clears_the_record_of_lines():
    history = [{"event": "slot", "name": state.PEER_USED_LINES, "value": ["layers.surface#0"]},
               {"event": "restart"}]
    assert state.used_lines(make_tracker("hi", history=history)) == []


def test_peer_uses_the_coach_log_entry_for_this_turn():
    entry = {"turn": 1, "text": "hmm", "directive": True, "moves": [], "note": "flag", "held": True,
             "flags": [{"category": "minimizing", "start": 0, "end": 3, "text": "hmm", "rephrasing": "x"}]}
    messages, _ = run(ActionPeerReply(), practice_tracker("hmm", log=[entry]))
    assert peer_text(messages) in lines("directive", "minimizing")


def test_talking_before_a_scenario_starts_one():
    messages, events = run(ActionPeerReply(), make_tracker("hello?"))
    assert messages[-1]["text"].startswith("Sam: ")
    assert slot_events(events)["practice_active"] is True
    assert slot_events(events)["peer_state"]["rapport"] == SAM.rapport.start


def test_peer_error_gives_a_friendly_message(monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("bad scenario data")

    monkeypatch.setattr("actions.practice.turn_actions.peer_reply", broken)
    messages, events = run(ActionPeerReply(), practice_tracker("What happened?"))
    assert [m["text"] for m in messages] == [PEER_ERROR]
    assert events == []
