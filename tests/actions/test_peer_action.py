from __future__ import annotations

import itertools

from conftest import apply, practice_tracker, run, slot_events

import actions.peer.responder as responder
from actions.peer.scenarios import get_scenario
from actions.practice.turn_actions import PEER_ERROR, ActionCoach, ActionPeerReply

SAM = get_scenario("bullied_at_school")


def coach_then_peer(tracker):
    """One practice turn as the rules run it: action_coach, then action_peer_reply."""
    coach_messages, coach_events = run(ActionCoach(), tracker)
    after_coach = apply(tracker, coach_events, tracker.latest_message["text"],
                        intent=tracker.latest_message["intent"]["name"],
                        channel=tracker.get_latest_input_channel())
    peer_messages, peer_events = run(ActionPeerReply(), after_coach)
    return coach_messages, peer_messages, coach_events + peer_events


def peer_text(messages):
    assert len(messages) == 1
    text = messages[0]["text"]
    assert text.startswith("Sam: ")
    return text.removeprefix("Sam: ")


def test_flagged_advice_gets_an_advising_reaction():
    _, peer, events = coach_then_peer(practice_tracker("You should tell a teacher."))

    assert peer_text(peer) in SAM.pool("reactions.categories.advising")
    assert slot_events(events)["peer_state"]["layer"] == 0


def test_each_main_category_has_its_own_reaction():
    for text, category in [("Don't worry about it.", "minimizing"), ("You're a victim here.", "labeling"),
                           ("Stop reading it.", "ordering"), ("You're overreacting.", "judging")]:
        _, peer, _ = coach_then_peer(practice_tracker(text))
        assert peer_text(peer) in SAM.pool(f"reactions.categories.{category}"), text


def test_open_question_opens_up_the_next_layer():
    _, peer, events = coach_then_peer(practice_tracker("What's been going on?"))

    assert peer_text(peer) in SAM.pool("layers.1")
    assert slot_events(events)["peer_state"] == {"layer": 1}


def test_reflection_opens_up_too():
    _, peer, events = coach_then_peer(practice_tracker("It sounds like school is hard.",
                                                       {"peer_state": {"layer": 1}}))

    assert peer_text(peer) in SAM.pool("layers.2")
    assert slot_events(events)["peer_state"]["layer"] == 2


def test_plain_message_gets_a_neutral_line():
    _, peer, _ = coach_then_peer(practice_tracker("ok"))

    assert peer_text(peer) in SAM.pool("reactions.neutral")


def test_empty_message_gets_a_still_there_line():
    _, peer, _ = coach_then_peer(practice_tracker("   "))

    assert peer_text(peer) in SAM.pool("reactions.empty")


def test_very_long_message_gets_a_lost_track_line():
    _, peer, _ = coach_then_peer(practice_tracker("I hear you. " * 900))

    assert peer_text(peer) in SAM.pool("reactions.long")


def test_goodbye_to_the_peer_mentions_end():
    _, peer, _ = coach_then_peer(practice_tracker("bye", intent="goodbye"))

    assert "/end" in peer[0]["text"]
    assert peer[0]["text"].split("\n")[0].removeprefix("Sam: ") in SAM.pool("reactions.goodbye")


def test_hello_during_practice_gets_a_hello_back():
    _, peer, _ = coach_then_peer(practice_tracker("hi", intent="greet"))

    assert peer_text(peer) in SAM.pool("reactions.greeting")


def test_the_peer_never_repeats_while_unused_lines_remain():
    messages = ["ok", "You should tell someone.", "What happened?", "mm", "You should block them.",
                "It sounds like it's hard.", "right", "You should talk to your mum.", "yeah", "I see"]
    tracker = practice_tracker(messages[0], sender="no-repeat")
    said = []
    for i, _ in enumerate(messages):
        _, peer, events = coach_then_peer(tracker)
        said.append(peer_text(peer))
        if i + 1 < len(messages):
            tracker = apply(tracker, events, messages[i + 1])
    advising = [s for s in said if s in SAM.pool("reactions.categories.advising")]
    assert len(advising) == 3
    assert len(said) == len(set(said)), said


def test_lines_repeat_only_once_a_pool_is_used_up():
    tracker = practice_tracker("ok", sender="exhaust")
    said = []
    pool = SAM.pool("reactions.neutral")
    for _ in range(len(pool) + 3):
        _, peer, events = coach_then_peer(tracker)
        said.append(peer_text(peer))
        tracker = apply(tracker, events, "ok")
    assert sorted(said[: len(pool)]) == sorted(pool)
    assert all(a != b for a, b in itertools.pairwise(said))


def test_peer_uses_the_coach_log_entry_for_this_turn():
    entry = {"turn": 1, "text": "hmm", "directive": True, "moves": [], "note": "flag", "held": True,
             "flags": [{"category": "minimizing", "start": 0, "end": 3, "text": "hmm", "rephrasing": "x"}]}
    messages, _ = run(ActionPeerReply(), practice_tracker("hmm", log=[entry]))

    assert peer_text(messages) in SAM.pool("reactions.categories.minimizing")


def test_talking_before_a_scenario_starts_one():
    from conftest import make_tracker

    messages, events = run(ActionPeerReply(), make_tracker("hello?"))

    assert messages[-1]["text"].startswith("Sam: ")
    assert slot_events(events)["practice_active"] is True


def test_peer_error_gives_a_friendly_message(monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("bad scenario data")

    monkeypatch.setattr("actions.practice.turn_actions.peer_reply", broken)
    messages, events = run(ActionPeerReply(), practice_tracker("What happened?"))

    assert [m["text"] for m in messages] == [PEER_ERROR]
    assert events == []


def test_pick_line_is_deterministic():
    first = responder.pick_line(SAM, ["reactions.neutral"], [], seed="a:1")
    again = responder.pick_line(SAM, ["reactions.neutral"], [], seed="a:1")
    assert first == again
