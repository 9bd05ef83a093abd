"""Command line: ``python -m actions.coach "message"`` or ``python -m actions.coach --jsonl < messages``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator


def main(argv: list[str] | None = None) -> int:
    """Run the coach CLI.

    Args:
        argv: Arguments (defaults to ``sys.argv[1:]``).

    Returns:
        The process exit code.
    """
    parser = argparse.ArgumentParser(
        prog="python -m actions.coach", description="Flag directive language in trainee messages."
    )
    parser.add_argument("message", nargs="*", help="message(s) to analyse; reads stdin when none are given")
    parser.add_argument(
        "--jsonl",
        action="store_true",
        help="read one message per line from stdin, write one JSON object per line",
    )
    parser.add_argument("--rules", action="store_true", help="also print the ids of the rules that fired")
    args = parser.parse_args(argv)

    from .engine import analyze_many, rule_ids
    from .notes import render_report

    if args.jsonl:
        for result in analyze_many(_stdin_lines()):
            sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
            sys.stdout.flush() if not sys.stdout.isatty() else None
        return 0
    messages = args.message or [line for line in _stdin_lines() if line.strip()]
    for text, result in zip(messages, analyze_many(messages), strict=True):
        print(render_report(result))
        if args.rules and result["flags"]:
            print("  rules: " + ", ".join(rule_ids(text)))
    return 0


def _stdin_lines() -> Iterator[str]:
    for line in sys.stdin:
        yield line.rstrip("\r\n")


if __name__ == "__main__":
    sys.exit(main())
