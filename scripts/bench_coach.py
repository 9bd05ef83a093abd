"""Coach speed: time per message against spaCy's blank English tokenizer on the same messages, in one process.

Targets (issue 2): at most 1 ms per message, and at most 8 times the tokenizer's cost.
Run with ``make bench``; exits non-zero when a target is missed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import spacy

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from actions.coach.engine import analyze, get_nlp  # noqa: E402
from actions.coach.native import PURE_ENV, running_compiled  # noqa: E402

SOURCES = [
    ROOT / "tests/coach/data/heldout_labelled.txt",
    ROOT / "tests/coach/data/heldout_positives.txt",
    ROOT / "tests/coach/data/heldout_negatives.txt",
    ROOT.parent / "shared/eval/dev_utterances.txt",
]


def load_messages() -> list[str]:
    """Every message from the project's evaluation files (labels stripped)."""
    out = []
    for path in SOURCES:
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            out.append(
                line.split("|", 1)[1].strip()
                if ("|" in line and path.name.endswith("labelled.txt")) or "utterances" in path.name
                else line.strip()
            )
    return out


def interleaved(fns: list, messages: list[str], rounds: int) -> list[float]:  # type: ignore[type-arg]
    """Best-of-``rounds`` mean seconds per message for each function, rounds interleaved so load is shared."""
    best = [float("inf")] * len(fns)
    for _ in range(rounds):
        for k, fn in enumerate(fns):
            start = time.perf_counter()
            for m in messages:
                fn(m)
            best[k] = min(best[k], (time.perf_counter() - start) / len(messages))
    return best


def main() -> int:
    """Measure and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    messages = load_messages()
    # made first: long-lived state like the coach's own, which get_nlp freezes out of the collector
    tokenizer = spacy.blank("en").tokenizer
    t0 = time.perf_counter()
    get_nlp()
    load_s = time.perf_counter() - t0
    for m in messages[:50]:
        analyze(m)
        tokenizer(m)
    tok, coach = interleaved([tokenizer, analyze], messages, args.rounds)
    ratio = coach / tok
    print(f"messages: {len(messages)} (mean {sum(map(len, messages)) / len(messages):.0f} chars)")
    if running_compiled():
        print(f"coach build: compiled (build/native); {PURE_ENV}=1 measures plain Python")
    else:
        print("coach build: plain Python (make native compiles it)")
    print(f"pipeline load: {load_s * 1000:.0f} ms")
    print(f"blank English tokenizer: {tok * 1e6:.1f} us/message")
    print(f"coach analyze():         {coach * 1e6:.1f} us/message ({ratio:.2f}x the tokenizer)")
    ok = coach <= 1e-3 and ratio <= 8
    print(f"targets: <= 1000 us/message and <= 8x tokenizer: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
