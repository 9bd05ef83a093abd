"""Macro F1 over the trainee-move intents, from a `rasa test nlu` intent report.

Usage: python scripts/nlu_move_f1.py results/nlu/intent_report.json [--floor 0.80]

Prints each move's precision, recall, F1 and its most frequent confusions, then, as the last line,
the macro F1 over the moves (the figure `make evaluate` puts in its summary). Exits 1 when the macro
F1 is under the floor, or when a move is missing from the report.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

#: The intents that drive the peer (actions/peer/ reads them as the trainee's move). Commands and
#: goodbye are not moves, so they are left out of the macro average; the report still lists them.
MOVE_INTENTS = (
    "open_question", "closed_question", "reflection", "validation", "affirmation", "summary",
    "self_disclosure", "ask_permission", "support_autonomy", "advice", "reassurance", "greet",
    "small_talk", "repair",
)

#: The issue's aim for the cross-validated macro F1 over the moves.
DEFAULT_FLOOR = 0.80


def move_scores(report: dict) -> dict[str, dict]:
    """The report's entries for the move intents, in MOVE_INTENTS order.

    Raises:
        KeyError: A move intent has no entry in the report.
    """
    missing = [name for name in MOVE_INTENTS if name not in report]
    if missing:
        raise KeyError(f"not in the intent report: {', '.join(missing)}")
    return {name: report[name] for name in MOVE_INTENTS}


def macro_f1(scores: dict[str, dict]) -> float:
    """Unweighted mean of the F1 scores."""
    return sum(entry["f1-score"] for entry in scores.values()) / len(scores)


def describe(name: str, entry: dict) -> str:
    """One line for one intent: precision, recall, F1, support and its top confusions."""
    confused = sorted((entry.get("confused_with") or {}).items(), key=lambda item: -item[1])[:2]
    confusions = ", ".join(f"{other} {count}" for other, count in confused)
    return (f"  {name:<17} P {entry['precision']:.3f}  R {entry['recall']:.3f}  "
            f"F1 {entry['f1-score']:.3f}  n={entry['support']:<4} {confusions}")


def main(argv: list[str] | None = None) -> int:
    """Print the per-move figures and the macro F1; the exit status says whether it met the floor."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path, help="intent_report.json written by rasa test nlu")
    parser.add_argument("--floor", type=float, default=DEFAULT_FLOOR, help="lowest acceptable macro F1")
    args = parser.parse_args(argv)

    try:
        scores = move_scores(json.loads(args.report.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError) as error:
        print(f"ERROR: {args.report}: {error}", file=sys.stderr)
        return 1
    print("Trainee moves, weakest first (P precision, R recall, most frequent confusions):")
    for name, entry in sorted(scores.items(), key=lambda item: item[1]["f1-score"]):
        print(describe(name, entry))
    score = macro_f1(scores)
    verdict = "ok" if score >= args.floor else "UNDER THE FLOOR"
    print(f"macro F1 over {len(scores)} move intents: {score:.3f} (floor {args.floor:.2f}: {verdict})")
    return 0 if score >= args.floor else 1


if __name__ == "__main__":
    sys.exit(main())
