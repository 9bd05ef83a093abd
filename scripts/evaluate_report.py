"""Does the debrief score track listening quality? Scores the contrast transcripts and times the CLI.

    .venv-actions/bin/python scripts/evaluate_report.py [FILE]

FILE (default tests/report/data/contrast_sessions.jsonl) holds sessions labelled ("label" or "kind")
"good", "mixed" or "poor" listening, optionally with a trainer's 1-5 "rating" (then the rank correlation
is printed too). Prints each session's score and the figures behind it, the means per label, whether
every good session scores above every poor one (and the gap), and the CLI's speed in turns per minute.
Exits 1 when good does not beat poor or the mixed mean is not between the two.
"""

from __future__ import annotations

import io
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from actions.report.__main__ import run_jsonl  # noqa: E402
from actions.report.core import build_report  # noqa: E402
from actions.report.stats import spearman  # noqa: E402

DEFAULT = ROOT / "tests" / "report" / "data" / "contrast_sessions.jsonl"
LABELS = ("good", "mixed", "poor")


def main(argv: list[str]) -> int:
    """Entry point."""
    path = Path(argv[0]) if argv else DEFAULT
    sessions = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    scores: dict[str, list[int]] = {label: [] for label in LABELS}
    rated: list[tuple[float, int]] = []
    print(f"{'session':<36} {'label':<6} {'score':>5}  {'R:Q':>5} {'%open':>5} {'flagged':>7} {'talk%':>5}")
    for session in sessions:
        report = build_report(session["turns"], session_id=session["id"], scenario_id=session.get("scenario"),
                              include_turns=False)
        label = session.get("label") or session.get("kind") or "?"
        session["label"] = label
        scores.setdefault(label, []).append(report["score"])
        if isinstance(session.get("rating"), (int, float)):
            rated.append((float(session["rating"]), report["score"]))
        rq = report["rq_ratio"]["value"]
        rq_text = "-" if rq is None else f"{rq:.1f}"
        open_text = "-" if report["percent_open"] is None else report["percent_open"]
        print(f"{session['id']:<36} {session.get('label', '?'):<6} {report['score']:>5}  "
              f"{rq_text:>5} {open_text:>5} "
              f"{report['directive']['turns']:>7} {report['talk']['trainee_share'] or '-':>5}")
    means = {label: statistics.mean(values) for label, values in scores.items() if values}
    print("\nmean score: " + ", ".join(f"{label} {means[label]:.1f} (n={len(scores[label])})"
                                      for label in LABELS if label in means))
    gap = min(scores["good"]) - max(scores["poor"])
    separated = gap > 0
    ordered = means["poor"] < means["mixed"] < means["good"]
    print(f"every good session above every poor one: {'yes' if separated else 'NO'} "
          f"(lowest good {min(scores['good'])}, highest poor {max(scores['poor'])}, gap {gap})")
    print(f"mixed mean between poor and good: {'yes' if ordered else 'NO'}")
    if len(rated) >= 3:
        rho = spearman([r for r, _ in rated], [float(s) for _, s in rated])
        print(f"rank correlation (Spearman) of the score with the trainer's 1-5 ratings: {rho:.2f} "
              f"(n={len(rated)})")
    # Speed: the whole file many times over through the JSONL command's own loop.
    text = path.read_text(encoding="utf-8") * 20
    out = io.StringIO()
    started = time.perf_counter()
    run_jsonl(io.StringIO(text), out, io.StringIO(), progress=False)
    elapsed = time.perf_counter() - started
    turns = sum(len(json.loads(line)["turns"]) for line in text.splitlines() if line.strip())
    print(f"speed: {turns} turns in {elapsed:.1f}s = {60 * turns / elapsed:,.0f} turns/minute "
          "(python -m actions.report --jsonl, coach loaded)")
    return 0 if separated and ordered else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
