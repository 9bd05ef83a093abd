"""The coach's public interface: the analysis shape, the CLI, and messages a trainee might really send."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from actions.coach import analyze, listening_moves, render_note

ROOT = Path(__file__).resolve().parents[2]
DEV_SET = ROOT.parent / "shared" / "eval" / "dev_utterances.txt"
DATA = ROOT / "tests/coach/data"
FLAG_KEYS = {"category", "start", "end", "text", "explanation", "rephrasings"}
ODD_INPUT = [
    "",
    "   ",
    "x" * 10_000,
    "😭😭😭",
    "Je ne sais pas quoi faire.",
    "<script>alert(1)</script>",
    "/unknowncommand",
    "you should " * 2000,
    "\u200b\n\t",
    "?!?!",
]


def test_analysis_has_the_public_shape() -> None:
    text = "Honestly, you should see a counsellor."
    result = analyze(text)
    assert set(result) == {"text", "directive", "flags"}
    assert result["text"] == text and result["directive"] is True
    flag = result["flags"][0]
    assert set(flag) == FLAG_KEYS
    assert flag["category"] == "advising"
    assert text[flag["start"] : flag["end"]] == flag["text"] == "you should see a counsellor"
    assert flag["rephrasings"][0] == (
        "I have a thought about seeing a counsellor. Would you like to hear it, "
        "or would you rather keep talking?"
    )
    json.dumps(result)


def test_pipeline_call_writes_spans_like_analyze_flags() -> None:
    """``nlp(text)`` writes ``doc.spans``; analyze() takes the lean path, and both agree."""
    from actions.coach.engine import get_nlp

    text = "Honestly you should see a doctor. You're overreacting."
    doc = get_nlp()(text)
    spans = [(s.label_, s.start_char, s.end_char) for s in doc.spans["coach"]]
    flags = [(f["category"], f["start"], f["end"]) for f in analyze(text)["flags"]]
    assert spans == flags
    assert {label for label, _, _ in spans} == {"advising", "judging"}


def test_pipeline_call_sets_lemmas_and_the_lean_path_keeps_them_in_the_views() -> None:
    """``nlp(text)`` sets ``token.lemma_``; the coach's lean path reads the same lemmas from its views."""
    from actions.coach.engine import get_nlp, process
    from actions.coach.pipes import VIEWS_KEY

    text = "u were crying and she kept telling you to stop"
    doc = get_nlp()(text)
    lean = process(get_nlp(), text)
    assert [t.lemma_ for t in doc][:5] == ["you", "be", "cry", "and", "she"]
    assert [v[1] for v in lean.user_data[VIEWS_KEY]] == [t.lemma_ for t in doc]


@pytest.mark.parametrize(
    "text", ["Hi.\n\nOk...  \"yes.\" (no) ...!?", "so sorry 💐 maybe; but fine…", "a\tb\nc", ""]
)
def test_the_lemmatizers_token_kinds_match_the_views(text: str) -> None:
    """The sentence and clause marks the lemmatizer caches per word are the ones the views give."""
    from actions.coach.context import token_kinds
    from actions.coach.engine import get_nlp, process
    from actions.coach.pipes import KINDS_KEY, VIEWS_KEY

    for _ in range(2):  # the second time from the lemmatizer's cache
        doc = process(get_nlp(), text)
        assert doc.user_data[KINDS_KEY] == token_kinds(doc.user_data[VIEWS_KEY])


def test_flags_are_ordered_by_importance() -> None:
    result = analyze("Professionally speaking, you need to stop that.")
    assert [f["category"] for f in result["flags"]][:2] == ["expert_positioning", "advising"]


@pytest.mark.parametrize("text", ODD_INPUT)
def test_odd_input_gives_a_result(text: str) -> None:
    result = analyze(text)
    assert result["text"] == text
    assert isinstance(result["directive"], bool)
    for flag in result["flags"]:
        assert 0 <= flag["start"] < flag["end"] <= len(text)


@pytest.mark.parametrize(
    ("text", "moves"),
    [
        ("What's been on your mind this week?", ["open_question"]),
        ("Did anything good happen today?", ["closed_question"]),
        ("It sounds like that really hurt.", ["reflection"]),
        ("Would you like to hear what worked for me?", ["asking_permission", "closed_question"]),
        ("You should see a counsellor.", []),
        ("What might help, do you think?", ["open_question"]),
        ("So mornings are the worst.", ["reflection"]),
        ("So I told him I was done.", ["self_disclosure"]),
    ],
)
def test_listening_moves(text: str, moves: list[str]) -> None:
    assert listening_moves(text) == moves


def test_garbled_input_gets_no_garbled_rephrasing() -> None:
    flags = analyze("You should tell teacher should you know tell tell teacher should")["flags"]
    assert flags and all("should" not in r.lower() for f in flags for r in f["rephrasings"])


def test_render_note_names_the_coach_and_offers_rephrasings() -> None:
    note = render_note(analyze("Don't worry, you'll be fine."))
    assert note.startswith("Coach: ")
    assert "minimising" in note and "You could try:" in note
    assert render_note(analyze("Tell me more.")) == ""


def _cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "actions.coach", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_cli_jsonl_writes_one_object_per_line_in_order() -> None:
    lines = ["You should see a counsellor.", "", "What keeps you going?", "<b>hi</b>", "😭"]
    proc = _cli("--jsonl", stdin="\n".join(lines) + "\n")
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [o["text"] for o in out] == lines
    assert [o["directive"] for o in out] == [True, False, False, False, False]


def test_cli_readable_output() -> None:
    proc = _cli("--rules", "Why didn't you just walk away?")
    assert proc.returncode == 0, proc.stderr
    assert "interrogating" in proc.stdout and "interrogating.why-did-you" in proc.stdout


def _labelled(path: Path) -> list[tuple[list[str], str]]:
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or "|" not in line:
            continue
        cats, text = (x.strip() for x in line.split("|", 1))
        items.append(([] if cats == "none" else cats.split(","), text))
    return items


# Sets the rules were built or tuned on must stay at the targets. blind3 is a test set, never tuned:
# its floor sits just under its first measurement (P 0.949, F1 0.838, category 0.935), to catch regressions.
# final5 likewise, never tuned on (first measured P 0.977, F1 0.859, category 0.953), and final6 (first
# measured P 1.000, F1 0.939, category 0.944), and final7 (written at the start of a tuning round and scored
# only after it: P 0.980, F1 0.892, category 0.990), final8 and final9 (written during a later round, scored
# once after it: P 0.981, F1 0.906, category 0.970; and P 0.991, F1 0.966, category 0.947), and final10
# (written during the next round, scored once after it: P 0.991, F1 0.934, category 1.000), and final11 (the
# same, one round later: P 1.000, F1 0.957, category 0.955), and final12 (written after the last round and
# scored once: P 0.982, F1 0.934, category 0.963), and final13 and final14 (each written at the start of a
# round and scored before it: P 0.991, F1 0.979, category 0.957; and P 0.982, F1 0.944, category 0.982), and
# final15, final16 and final17 (the same, one, two and three rounds later: P 1.000, F1 0.974, category 0.939;
# P 1.000, F1 0.957, category 0.973; and P 1.000, F1 0.952, category 0.945), and final18 (written at the start
# of the next round and scored before it: P 0.991, F1 0.952, category 0.973), and final19 (the same, one round
# later: P 0.982, F1 0.944, category 0.982), and final20 and final21 (two and three rounds later: P 1.000,
# F1 0.929, category 0.933; and P 0.991, F1 0.957, category 0.946), and final22 (written at the start of the
# next round and scored before it: P 0.991, F1 0.929, category 0.943).
FLOORS = {"blind3_labelled.txt": (0.92, 0.80, 0.90), "final5_labelled.txt": (0.95, 0.83, 0.92),
          "final6_labelled.txt": (0.97, 0.92, 0.92), "final7_labelled.txt": (0.96, 0.87, 0.96),
          "final8_labelled.txt": (0.96, 0.89, 0.95), "final9_labelled.txt": (0.97, 0.95, 0.93),
          "final10_labelled.txt": (0.97, 0.92, 0.97), "final11_labelled.txt": (0.97, 0.94, 0.93),
          "final12_labelled.txt": (0.96, 0.92, 0.94), "final13_labelled.txt": (0.97, 0.95, 0.94),
          "final14_labelled.txt": (0.96, 0.92, 0.95), "final15_labelled.txt": (0.98, 0.95, 0.92),
          "final16_labelled.txt": (0.98, 0.94, 0.95), "final17_labelled.txt": (0.98, 0.94, 0.93),
          "final18_labelled.txt": (0.98, 0.94, 0.95), "final19_labelled.txt": (0.97, 0.93, 0.97),
          "final20_labelled.txt": (0.98, 0.91, 0.92), "final21_labelled.txt": (0.98, 0.94, 0.93),
          "final22_labelled.txt": (0.98, 0.92, 0.93)}
DEFAULT_FLOOR = (0.90, 0.90, 0.80)


@pytest.mark.parametrize(
    "path",
    [DEV_SET, *sorted((ROOT / "tests/coach/data").glob("*_labelled.txt"))],
    ids=lambda p: p.name,
)
def test_labelled_sets_stay_above_the_floor(path: Path) -> None:
    if not path.exists():
        pytest.fail(f"{path} is missing: ../shared must sit beside the checkout")
    tp = fp = fn = cat_ok = 0
    for cats, text in _labelled(path):
        result = analyze(text)
        if cats and result["directive"]:
            tp += 1
            found = {f["category"] for f in result["flags"]}
            cat_ok += result["flags"][0]["category"] in cats or cats[0] in found
        elif cats:
            fn += 1
        elif result["directive"]:
            fp += 1
    precision = tp / max(tp + fp, 1)
    recall = tp / max(tp + fn, 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-9)
    min_p, min_f1, min_cat = FLOORS.get(path.name, DEFAULT_FLOOR)
    assert precision >= min_p and f1 >= min_f1 and cat_ok / max(tp, 1) >= min_cat, (precision, recall, f1)


def _lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("path", sorted(DATA.glob("*_negatives.txt")), ids=lambda p: p.name)
def test_non_directive_sets_are_left_alone(path: Path) -> None:
    texts = _lines(path)
    flagged = [text for text in texts if analyze(text)["directive"]]
    assert len(flagged) / len(texts) <= 0.05, flagged


@pytest.mark.parametrize("path", sorted(DATA.glob("*_positives.txt")), ids=lambda p: p.name)
def test_advice_sets_are_caught(path: Path) -> None:
    texts = _lines(path)
    missed = [text for text in texts if not analyze(text)["directive"]]
    assert len(missed) / len(texts) <= 0.20, missed


def test_question_bound_never_undercounts() -> None:
    """The cheap bound that lets a barrage-only message skip the analysis is never below the real count."""
    from actions.coach.context import max_asks, token_kinds
    from actions.coach.engine import get_nlp
    from actions.coach.matching import token_views

    nlp = get_nlp()
    coach = nlp.get_pipe("directive_coach")
    texts = [text for path in sorted(DATA.glob("*_labelled.txt")) for _, text in _labelled(path)]
    texts += [*ODD_INPUT, "Where? When? Who?", "where did you go, who saw you, what happened?", "😭 why 😭?"]
    below_three = 0
    for text in texts:
        doc = nlp(text)
        views = token_views(doc)
        bound = max_asks(token_kinds(views))
        asked = sum(sent.asks for sent in coach.context(doc).sentences)
        assert bound >= asked, text
        below_three += bound < 3
    assert below_three > len(texts) // 4  # a barrage needs three: a looser bound would skip nothing
