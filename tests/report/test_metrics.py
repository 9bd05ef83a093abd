"""The report's arithmetic on enriched turns (no coach needed) and its reading of raw turns (real coach)."""

from __future__ import annotations

import pytest

from actions.report import build_report
from actions.report.metrics import behaviours, compute, reflection_kind


def trainee(text="", moves=(), move="other", rapport=1, layer=0, flags=None):
    return {"speaker": "trainee", "text": text, "moves": list(moves), "move": move, "rapport": rapport,
            "layer": layer, "directive": bool(flags), "flags": flags or []}


def peer(text):
    return {"speaker": "peer", "text": text}


FLAG = [{"category": "advising", "text": "you should", "rephrasing": "What have you tried?"}]


@pytest.mark.parametrize(("text", "kind"), [
    ("You feel invisible at school.", "complex"),
    ("Part of you wants to stay, and part of you wants to go.", "complex"),
    ("It really matters to you.", "complex"),
    ("So he said no.", "simple"),
    ("You went to the shop on Tuesday.", "simple"),
])
def test_reflection_kind(text, kind):
    assert reflection_kind(text) == kind


@pytest.mark.parametrize(("turn", "cues", "expected"), [
    (trainee(moves=["open_question"], move="open_question"), (), ["open_question"]),
    (trainee(moves=["invitation"], move="open_question"), (), ["open_question"]),
    (trainee(moves=["reflection", "open_question"], move="reflection"), (), ["reflection", "open_question"]),
    (trainee(moves=["reflection", "closed_question"], move="reflection"), (), ["reflection"]),
    (trainee(moves=[], move="validation"), (), ["validation"]),
    (trainee(moves=["open_question"], move="open_question"), ("validation",),
     ["open_question", "validation"]),
    (trainee(moves=["asking_permission"], move="ask_permission"), (), ["ask_permission"]),
    (trainee(moves=[], move="self_disclosure_asked"), (), ["self_disclosure"]),
    (trainee(moves=[], move="directive", flags=FLAG), ("validation",), []),
])
def test_behaviours(turn, cues, expected):
    assert behaviours(turn, cues) == expected


def _score(turns, start=1):
    return compute(turns, rapport_start=start)


@pytest.mark.parametrize(("turns", "field", "expected"), [
    # two reflections per question: MITI "good"
    ([trainee(moves=["reflection"], move="reflection")] * 2 + [trainee(moves=["open_question"])],
     ("rq_ratio", "level"), "good"),
    ([trainee(moves=["reflection"], move="reflection"), trainee(moves=["open_question"])],
     ("rq_ratio", "level"), "fair"),
    ([trainee(moves=["open_question"]), trainee(moves=["closed_question"])], ("rq_ratio", "level"),
     "below fair"),
    ([trainee(moves=["open_question"]), trainee(moves=["closed_question"])], ("percent_open",), 50),
    ([trainee(moves=["reflection"], move="reflection")], ("rq_ratio", "value"), None),
    ([trainee(flags=FLAG), trainee(moves=["open_question"])], ("directive", "percent"), 50),
    ([trainee(flags=FLAG), trainee(flags=[{"category": "judging"}])], ("directive", "by_category"),
     {"advising": 1, "judging": 1}),
    ([trainee("one two three"), peer("a b c d e f g h i")], ("talk", "trainee_share"), 25),
    ([trainee("one two three")], ("talk", "trainee_share"), None),
    ([trainee(rapport=3, layer=1), trainee(rapport=0, layer=2), trainee(rapport=2, layer=1)],
     ("rapport", "arc"), [1, 3, 0, 2]),
    ([trainee(rapport=3, layer=1), trainee(rapport=0, layer=2), trainee(rapport=2, layer=1)],
     ("layer", "deepest"), 2),
])
def test_compute(turns, field, expected):
    value = _score(turns)
    for key in field:
        value = value[key]
    assert value == expected


@pytest.mark.parametrize(("turns", "low", "high"), [
    ([], 0, 0),
    ([trainee(flags=FLAG)] * 4, 0, 5),
    ([trainee(moves=["reflection"], move="reflection")] * 4 + [trainee(moves=["open_question"])] * 2,
     95, 100),
    ([trainee(moves=["reflection"], move="reflection"), trainee(flags=FLAG)], 40, 80),
])
def test_score_range(turns, low, high):
    assert low <= _score(turns)["score"] <= high


def test_unmeasurable_parts_are_left_out_and_the_rest_scaled():
    report = _score([trainee("a b", moves=["reflection"], move="reflection")])
    parts = {p["key"]: p["points"] for p in report["score_parts"]}
    assert parts["open"] is None and parts["talk"] is None
    assert report["score"] == 100
    assert sum(p["max"] for p in report["score_parts"]) == 100


# Raw turns: classified by the real coach and move reader, rapport replayed through the real peer.
@pytest.mark.parametrize(("text", "counted", "flagged"), [
    ("What's been going on for you?", "open_question", False),
    ("Did you tell anyone?", "closed_question", False),
    ("That makes sense, anyone would be upset.", "validation", False),
    ("You should just tell a teacher.", None, True),
    ("Would it be okay if I shared something that helped me?", "ask_permission", False),
])
def test_raw_turns_are_classified_like_the_live_assistant(text, counted, flagged):
    report = build_report([{"speaker": "peer", "text": "Hi."}, {"speaker": "trainee", "text": text}],
                          scenario_id="bullied_at_school")
    assert (report["directive"]["turns"] == 1) is flagged
    if counted:
        assert report["counts"][counted] == 1
    detail = next(t for t in report["turns_detail"] if t["speaker"] == "trainee")
    if flagged:
        assert report["rapport"]["end"] < report["rapport"]["start"]
        assert report["moments"][0]["rephrasing"]
        assert detail["delta"] < 0


def test_live_turns_pass_through_unchanged():
    turns = [peer("Hi, I'm Sam."), trainee("What happened?", moves=["open_question"], move="open_question",
                                           rapport=2),
             peer("Kids at school."), trainee("You should tell someone.", move="directive", rapport=0,
                                              flags=FLAG)]
    report = build_report(turns, scenario_id="bullied_at_school")
    assert report["rapport"]["arc"] == [1, 2, 0]
    assert report["classified"].startswith("as stored live")
    assert [m["kind"] for m in report["moments"]] == ["worked", "flagged"]
    assert report["moments"][1]["rephrasing"] == "What have you tried?"
    assert report["strengths"][0]["quote"] == "What happened?"


@pytest.mark.parametrize("bad", ["nope", [{"speaker": "coach", "text": "x"}],
                                 [{"speaker": "peer", "text": 3}], ["x"]])
def test_bad_input_is_refused(bad):
    with pytest.raises(ValueError):
        build_report(bad)


def test_strengths_are_only_what_the_trainee_did():
    report = build_report([{"speaker": "trainee", "text": "You should stop worrying and move on."},
                           {"speaker": "trainee", "text": "Just ignore them."}])
    assert report["strengths"] == []
