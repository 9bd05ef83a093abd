from __future__ import annotations

from actions.practice.coaching import coach_turn, praise_move
from actions.practice.summary import render_summary, summarize


def test_summary_counts_each_category_once_per_turn():
    log = [{"turn": 1, "text": "a", "directive": True, "moves": [],
            "flags": [{"category": "advising", "rephrasing": "x"},
                      {"category": "advising", "rephrasing": "y"}]}]
    summary = summarize(log)
    assert summary.by_category == {"advising": 1}
    assert summary.flagged_turns == 1


def test_summary_quotes_the_most_common_category_first_and_trims_quotes():
    long_text = "You should " + "really " * 100
    log = [
        {"turn": 1, "text": "Don't worry.", "directive": True, "moves": [],
         "flags": [{"category": "minimizing", "rephrasing": "m"}]},
        {"turn": 2, "text": long_text, "directive": True, "moves": [],
         "flags": [{"category": "advising", "rephrasing": "a"}]},
        {"turn": 3, "text": "You need to", "directive": True, "moves": [],
         "flags": [{"category": "advising", "rephrasing": "b"}]},
    ]
    text = render_summary(summarize(log), "Sam", heading="H")
    assert 'You could try: "a"' in text
    assert "..." in text
    assert len(max(text.splitlines(), key=len)) < 200


def test_summary_without_flags_or_moves():
    log = [{"turn": 1, "text": "ok", "directive": False, "flags": [], "moves": []}]
    text = render_summary(summarize(log), "Sam", heading="H")
    assert "didn't flag" in text
    assert "Something to try" in text


def test_praise_is_deterministic():
    assert praise_move(["open_question"], []) == ("open_question", True)
    log = [{"moves": ["open_question"], "praised": "open_question"}]
    assert praise_move(["open_question"], log) is None
    assert praise_move(["reflection", "open_question"], log) == ("reflection", True)


def test_praise_never_comes_two_turns_running():
    praised = [{"moves": ["open_question"], "note": "praise", "praised": "open_question"}]
    assert praise_move(["reflection"], praised) is None
    quiet_after = [*praised, {"moves": ["open_question"], "note": None}]
    assert praise_move(["reflection"], quiet_after) == ("reflection", True)


def test_coach_turn_payload_carries_the_analysis_and_the_note():
    analysis = {"text": "x", "directive": True,
                "flags": [{"category": "advising", "start": 0, "end": 1, "text": "x", "explanation": "e",
                           "rephrasings": ["r1", "r2"]}]}
    turn = coach_turn("x", analysis, [], [], mode="live", peer_name="Sam", rendered_note="Coach: n")
    assert turn.note == "Coach: n"
    labelled = [{**analysis["flags"][0], "label": "Advising"}]
    assert turn.payload == {"coach": {**analysis, "flags": labelled, "note": "Coach: n", "kind": "flag"}}
    assert turn.entry["flags"][0]["rephrasing"] == "r1"
    assert "explanation" not in turn.entry["flags"][0]


def test_summary_quotes_notes_held_back_in_quiet_mode_first():
    log = [
        {"turn": 1, "text": "You should go.", "directive": True, "moves": [], "held": False,
         "flags": [{"category": "advising", "rephrasing": "seen"}]},
        {"turn": 2, "text": "You should stay.", "directive": True, "moves": [], "held": False,
         "flags": [{"category": "advising", "rephrasing": "seen too"}]},
        {"turn": 3, "text": "Stop it.", "directive": True, "moves": [], "held": True,
         "flags": [{"category": "ordering", "rephrasing": "not seen"}]},
    ]
    summary = summarize(log, max_examples=1)
    assert [e["rephrasing"] for e in summary.examples] == ["not seen"]


def test_strengths_list_reads_naturally():
    log = [{"turn": i, "text": "x", "directive": False, "flags": [], "moves": moves}
           for i, moves in enumerate([["open_question"], ["reflection"], ["invitation"], ["open_question"]])]
    text = render_summary(summarize(log), "Sam", heading="H")
    assert "Going well: 2 open questions, 1 reflection and 1 invitation to say more." in text


def test_turns_the_coach_could_not_read_are_not_praised_as_clean():
    log = [{"turn": 1, "text": "x", "directive": False, "flags": [], "moves": [], "coach_error": True}]
    text = render_summary(summarize(log), "Sam", heading="H")
    assert "couldn't read 1 of them" in text
    assert "didn't flag" not in text

    log.append({"turn": 2, "text": "ok", "directive": False, "flags": [], "moves": []})
    text = render_summary(summarize(log), "Sam", heading="H")
    assert "couldn't read 1 of them" in text and "didn't flag any of them" in text
