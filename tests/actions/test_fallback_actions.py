from __future__ import annotations

from conftest import make_tracker, practice_tracker, run, slot_events

from actions.practice.fallback_actions import (
    ActionBack,
    ActionDefaultFallback,
    ActionRestart,
    ActionUnknownCommand,
    command_name,
)


def test_unknown_command_lists_the_real_ones():
    messages, events = run(ActionUnknownCommand(), make_tracker("/foo", "unknown_command"))

    text = messages[0]["text"]
    assert '"/foo"' in text
    for command in ["/start", "/feedback", "/end", "/coach_quiet", "/coach_live", "/restart", "/help"]:
        assert command in text
    assert events == []


def test_unknown_command_during_practice_invites_carrying_on():
    messages, _ = run(ActionUnknownCommand(), practice_tracker("/xyz", intent="unknown_command"))

    assert "carry on talking with Sam" in messages[0]["text"]


def test_command_name_is_short_and_clean():
    assert command_name('/foo{"a": 1} extra') == "/foo"
    assert command_name("/bar@0.5") == "/bar"
    assert len(command_name("/" + "x" * 500)) <= 44


def test_message_without_slash_misread_as_a_command_goes_to_the_peer():
    messages, events = run(ActionUnknownCommand(), practice_tracker("🙂", intent="unknown_command"))

    assert messages[-1]["text"].startswith("Sam: ")
    assert "coach_turn" in slot_events(events)


def test_empty_message_misread_as_a_command_before_practice_gets_the_welcome():
    messages, _ = run(ActionUnknownCommand(), make_tracker("", "unknown_command"))

    assert messages[0]["response"] == "utter_welcome"


def test_back_is_an_unknown_command():
    messages, _ = run(ActionBack(), make_tracker("/back", "back"))

    assert '"/back"' in messages[0]["text"]


def test_default_fallback_is_friendly_and_reverts():
    messages, events = run(ActionDefaultFallback(), practice_tracker("/out_of_scope", intent="out_of_scope"))

    assert "/help" in messages[0]["text"]
    assert events == [{"event": "rewind", "timestamp": None}]


def test_restart_confirms_and_restarts():
    messages, events = run(ActionRestart(), practice_tracker("/restart", intent="restart"))

    assert "starting from scratch" in messages[0]["text"]
    assert [e["event"] for e in events] == ["restart"]


def test_unsure_plain_words_restart_during_practice_goes_to_the_peer():
    tracker = practice_tracker("start over from the beginning of the story", intent="restart", confidence=0.6)
    messages, events = run(ActionRestart(), tracker)

    assert messages[-1]["text"].startswith("Sam: ")
    assert "restart" not in [e["event"] for e in events]


def test_typed_restart_is_never_second_guessed():
    _, events = run(ActionRestart(), practice_tracker("/restart", intent="restart", confidence=0.1))

    assert [e["event"] for e in events] == ["restart"]
