"""The load test's own checks catch what they are meant to catch (no cluster needed).

Each check is fed a correct conversation first (no problem reported), then the same conversation with one
fault: a message processed twice, one lost, a replayed message out of order, a peer whose state restarted.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from load_support import loadtest

lt = loadtest()


def _trainee(n: int = 4) -> Any:
    result = lt.TraineeResult(0, "load-x-00", "bullied_at_school", "Sam")
    for i in range(n):
        message = lt.Message(i, f"id-{i}", f"text {i}", "start" if i == 0 else "listening", attempts=1,
                             latency=0.5, peer_replies=[f"Sam: line {i}"], sends=1)
        result.messages.append(message)
    return result


def _events(result: Any) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = [{"event": "action", "name": "action_session_start"}]
    for turn, message in enumerate(result.messages):
        events.append({"event": "user", "text": message.text, "message_id": message.message_id})
        events.append({"event": "bot", "text": message.peer_replies[0]})
        events.append({"event": "slot", "name": "peer_state", "value": {"turns": turn, "rapport": 2}})
    return events


def test_a_clean_conversation_passes() -> None:
    result = _trainee()
    assert lt.tracker_problems(result, _events(result)) == []
    assert lt.reply_problems(result) == []


def test_a_message_stored_twice_is_caught() -> None:
    result = _trainee()
    events = _events(result)
    events.insert(4, copy.deepcopy(events[1]))
    assert any("more than once" in p for p in lt.tracker_problems(result, events))


def test_a_lost_message_and_a_restarted_peer_are_caught() -> None:
    result = _trainee()
    events = [e for e in _events(result) if e.get("message_id") != "id-2"]
    problems = lt.tracker_problems(result, events)
    assert any("missing from the store" in p for p in problems)
    # the peer's turn counter after a lost turn: 0, 1, 3 -> stored state no longer counts on
    result2 = _trainee()
    events2 = _events(result2)
    events2[-1]["value"]["turns"] = 0
    assert any("peer_state turns" in p for p in lt.tracker_problems(result2, events2))


def test_messages_out_of_order_are_caught() -> None:
    result = _trainee()
    events = _events(result)
    events[4], events[7] = events[7], events[4]
    assert any("out of order" in p for p in lt.tracker_problems(result, events))


def test_message_id_is_the_events_own() -> None:
    in_metadata = {"event": "user", "metadata": {"message_id": "abc"}}
    assert lt.user_message_id(in_metadata) is None  # the channel must set the event's own id
    assert lt.user_message_id({"event": "user", "message_id": "top"}) == "top"
    result = _trainee()
    events = _events(result)
    for event in events:
        if event.get("event") == "user":
            event["metadata"] = {"message_id": event.pop("message_id")}
    assert any("missing from the store" in p for p in lt.tracker_problems(result, events))


@pytest.mark.parametrize("replies,sends,resends,bad", [
    (["Sam: a"], 1, 0, False),
    (["Sam: a", "Sam: a"], 2, 0, False),   # a retry re-sent the recorded reply: fine
    (["Sam: a"], 2, 0, False),             # a retry of a message whose first reply never came
    (["Sam: a", "Sam: b"], 2, 0, True),    # a retry was processed again: a different reply
    (["Sam: a", "Sam: a"], 1, 0, True),    # two replies to one send
    (["Sam: a", "Sam: a"], 2, 1, False),   # sent again on purpose: the recorded reply again
    (["Sam: a"], 2, 1, True),              # sent again on purpose: no reply to it
    ([], 1, 0, True),
])
def test_reply_counting(replies: list[str], sends: int, resends: int, bad: bool) -> None:
    result = _trainee(1)
    message = result.messages[0]
    message.peer_replies, message.sends, message.resends = replies, sends, resends
    assert bool(lt.reply_problems(result)) is bad


def test_untagged_and_stray_replies_are_problems() -> None:
    result = _trainee()
    result.untagged = 2
    assert any("without reply_to" in p for p in lt.reply_problems(result))
    result.untagged, result.stray = 0, 1
    assert any("unknown id" in p for p in lt.reply_problems(result))


def test_scripts_vary_per_trainee_and_include_directive_messages() -> None:
    scripts = [lt.trainee_script(n, "bullied_at_school", 20, 5) for n in range(10)]
    assert all(len(s) == 20 and s[0].kind == "start" for s in scripts)
    assert len({tuple(line.text for line in s) for s in scripts}) == 10
    assert all(2 <= sum(line.kind == "directive" for line in s) <= 5 for s in scripts)


def test_percentiles() -> None:
    values = [float(v) for v in range(1, 101)]
    assert lt.percentile(values, 0.5) == 50.0
    assert lt.percentile(values, 0.95) == 95.0
    assert lt.percentile([], 0.5) is None
