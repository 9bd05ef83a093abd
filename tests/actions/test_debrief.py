"""/feedback and /end: the debrief figures in the conversation, and the report files they write."""

from __future__ import annotations

import json

import pytest
from conftest import make_tracker, practice_tracker, run

from actions.practice.debrief import report_paths, safe_sender, session_turns
from actions.practice.session_actions import ActionEndPractice, ActionFeedback


def entry(turn, text, flags=(), moves=()):
    return {"turn": turn, "text": text, "directive": bool(flags), "moves": list(moves),
            "note": None, "held": False,
            "flags": [{"category": c, "start": 0, "end": 3, "text": text[:10], "rephrasing": r}
                      for c, r in flags]}


def start_events():
    return [{"event": "action", "name": "action_start_scenario"},
            {"event": "bot", "text": "You're about to talk with Sam."},
            {"event": "bot", "text": "Sam: Hi. I don't really know what to say."},
            {"event": "slot", "name": "coach_turn", "value": None},
            {"event": "slot", "name": "peer_state", "value": {"layer": 0, "rapport": 1}}]


def turn(log_entry, reply, rapport, layer=0, move="other", intent="practice_talk"):
    text = log_entry["text"]
    return [{"event": "action", "name": "action_listen"},
            {"event": "user", "text": text, "parse_data": {"text": text, "intent": {"name": intent}}},
            {"event": "action", "name": "action_coach"},
            {"event": "slot", "name": "coach_turn", "value": log_entry},
            {"event": "action", "name": "action_peer_reply"},
            {"event": "bot", "text": f"Sam: {reply}"},
            {"event": "slot", "name": "peer_state",
             "value": {"layer": layer, "rapport": rapport, "move": move}}]


HISTORY = [
    *start_events(),
    *turn(entry(1, "What's been going on?", moves=["open_question"]), "Kids at school.", 2,
          move="open_question", intent="open_question"),
    *turn(entry(2, "You should tell a teacher.", flags=[("advising", "What have you thought about trying?")]),
          "Maybe.", 0, move="directive", intent="advice"),
    *turn(entry(3, "It sounds like you feel stuck.", moves=["reflection"]),
          "Yeah.\n\n(When you're ready to finish, type /end for your summary.)", 2, layer=1,
          move="reflection"),
]


def test_turns_are_read_back_off_the_tracker():
    turns = session_turns(practice_tracker("/feedback", history=HISTORY, intent="feedback"), "Sam")

    assert [t["speaker"] for t in turns] == ["peer", "trainee", "peer", "trainee", "peer", "trainee", "peer"]
    assert turns[0]["text"] == "Hi. I don't really know what to say."
    assert turns[-1]["text"] == "Yeah."
    trainee = [t for t in turns if t["speaker"] == "trainee"]
    assert [(t["rapport"], t["layer"], t["move"]) for t in trainee] == [
        (2, 0, "open_question"), (0, 0, "directive"), (2, 1, "reflection")]
    assert [t["reaction"] for t in trainee] == ["open_question", "directive", "reflection"]
    assert trainee[0]["intent"] == "open_question"
    assert trainee[1]["flags"][0]["rephrasing"] == "What have you thought about trying?"


def test_a_new_scenario_starts_the_turns_afresh():
    history = [*HISTORY, *start_events(),
               *turn(entry(1, "How are you?", moves=["open_question"]), "Fine.", 2)]
    turns = session_turns(practice_tracker("/feedback", history=history, intent="feedback"), "Sam")

    assert [t["text"] for t in turns] == ["Hi. I don't really know what to say.", "How are you?", "Fine."]


@pytest.mark.parametrize(("action", "text"), [(ActionFeedback(), "/feedback"), (ActionEndPractice(), "/end")])
def test_debrief_in_the_conversation_and_report_files(action, text, reports_dir):
    tracker = practice_tracker(text, history=HISTORY, intent=text[1:], sender="trainee <7>")
    messages, _ = run(action, tracker)
    summary = messages[-1]["text"]

    assert "3 messages" in summary and "flagged 1 of them" in summary
    assert "- Listening score: " in summary and "/100" in summary
    assert "Reflections per question: 1.0 to 1 (fair" in summary
    assert "Full report" in summary
    assert len(summary.splitlines()) <= 16
    html_path, json_path = report_paths("trainee <7>")
    assert html_path.parent == reports_dir and html_path.name.endswith("-trainee__7_.html")
    assert str(html_path) in summary
    page = html_path.read_text(encoding="utf-8")
    assert "You should tell a teacher." in page and "<svg" in page
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data["id"] == "trainee <7>" and data["rapport"]["arc"] == [1, 2, 0, 2]
    assert data["directive"]["by_category"] == {"advising": 1}
    assert data["layer"]["label"] == "what's been happening"


def test_no_report_without_messages(reports_dir):
    tracker = practice_tracker("/feedback", history=start_events(), intent="feedback")
    messages, _ = run(ActionFeedback(), tracker)

    assert "No messages to Sam yet" in messages[0]["text"]
    assert not reports_dir.exists()


def test_report_folder_unwritable_still_gives_the_summary(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("PRACTICE_REPORTS_DIR", str(blocker))
    messages, _ = run(ActionFeedback(), practice_tracker("/feedback", history=HISTORY, intent="feedback"))

    assert "3 messages" in messages[0]["text"] and "Listening score" in messages[0]["text"]
    assert "Full report" not in messages[0]["text"]


def test_report_failure_still_gives_the_summary(monkeypatch):
    import actions.report.core as core

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(core, "build_report", broken)
    messages, _ = run(ActionFeedback(), practice_tracker("/feedback", history=HISTORY, intent="feedback"))

    assert "3 messages" in messages[0]["text"] and "Listening score" not in messages[0]["text"]


@pytest.mark.parametrize(("sender", "safe"), [
    ("abc-123", "abc-123"), ("a/b/../c", "a_b_.._c"), ("../../etc", "_.._etc"), ("", "unknown"),
    ("x y", "x_y"), ("é", "_"),
])
def test_sender_ids_cannot_leave_the_reports_folder(sender, safe):
    assert safe_sender(sender) == safe


def test_feedback_before_practice_writes_nothing(reports_dir):
    run(ActionFeedback(), make_tracker("/feedback", "feedback"))
    assert not reports_dir.exists()


@pytest.mark.parametrize(("intent", "text", "counted"), [
    ("affirmation", "Coming here today shows a lot.", "affirmation"),
    ("validation", "Anybody in your shoes would feel that.", "validation"),
    ("practice_talk", "That makes sense.", "validation"),  # no move intent: the move reader's cues
    ("summary", "So far you've told me about school and home.", "summary"),
])
def test_live_nlu_intents_are_counted(intent, text, counted, reports_dir):
    history = [*start_events(), *turn(entry(1, text), "Mm.", 3, intent=intent)]
    run(ActionFeedback(), practice_tracker("/feedback", history=history, intent="feedback"))
    data = json.loads(next(reports_dir.glob("*.json")).read_text(encoding="utf-8"))
    assert data["counts"][counted] == 1


@pytest.mark.parametrize(("base", "prefix"), [(None, "/reports/"),
                                              ("https://practice.example.org/r", "https://practice.example.org/r/")])
def test_web_chat_debrief_links_to_the_report(reports_dir, monkeypatch, base, prefix):
    if base:
        monkeypatch.setenv("PRACTICE_REPORTS_URL", base)
    tracker = practice_tracker("/feedback", history=HISTORY, intent="feedback", sender="a1b2",
                               channel="socketio")
    messages, _ = run(ActionFeedback(), tracker)

    html_path, _ = report_paths("a1b2")
    assert f"[open it in a new tab]({prefix}{html_path.name})" in messages[-1]["text"]
    assert str(reports_dir) not in messages[-1]["text"], "no server paths in the web chat"
