"""The score tracks listening quality on transcripts written to contrast good, mixed and poor listening.

tests/report/data/contrast_sessions.jsonl (source: make_sessions.py) has one good, one mixed and one poor
session for each of the five scenarios, written from MITI descriptions of the behaviours before the score
was looked at on them.
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import pytest

from actions.report import build_report

DATA = Path(__file__).resolve().parent / "data" / "contrast_sessions.jsonl"
SESSIONS = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
#: Good sessions must beat poor ones by at least this much: "clearly above".
MIN_GAP = 20


@pytest.fixture(scope="module")
def scores():
    by_label: dict[str, list[int]] = {"good": [], "mixed": [], "poor": []}
    for session in SESSIONS:
        report = build_report(session["turns"], scenario_id=session["scenario"], include_turns=False)
        by_label[session["label"]].append(report["score"])
    return by_label


def test_every_scenario_has_all_three_labels():
    seen = {(s["scenario"], s["label"]) for s in SESSIONS}
    scenarios = {s["scenario"] for s in SESSIONS}
    assert len(scenarios) == 5
    assert seen == {(sc, label) for sc in scenarios for label in ("good", "mixed", "poor")}


def test_every_good_session_scores_clearly_above_every_poor_one(scores):
    assert min(scores["good"]) - max(scores["poor"]) >= MIN_GAP, scores


def test_mixed_sessions_fall_between_on_average(scores):
    means = {label: statistics.mean(values) for label, values in scores.items()}
    assert means["poor"] < means["mixed"] < means["good"], means


@pytest.mark.parametrize("session", [s for s in SESSIONS if s["label"] == "poor"], ids=lambda s: s["id"])
def test_poor_sessions_have_flags_and_a_moment_with_a_rephrasing(session):
    report = build_report(session["turns"], scenario_id=session["scenario"], include_turns=False)
    assert report["directive"]["turns"] >= 3
    assert any(m["kind"] == "flagged" and m["rephrasing"] for m in report["moments"])


@pytest.mark.parametrize("session", [s for s in SESSIONS if s["label"] == "good"], ids=lambda s: s["id"])
def test_good_sessions_get_two_quoted_strengths(session):
    report = build_report(session["turns"], scenario_id=session["scenario"], include_turns=False)
    said = [t["text"] for t in session["turns"] if t["speaker"] == "trainee"]
    assert len(report["strengths"]) == 2
    assert all(s["quote"] in said for s in report["strengths"])
    assert report["directive"]["turns"] == 0
