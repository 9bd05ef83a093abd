"""Read trainee messages with the trained NLU model, for the supervisors' report (runs in Rasa's env).

    .venv/bin/python scripts/nlu_parse.py models/practice.tar.gz

Reads one JSON string per line on stdin and writes one JSON object per line on stdout,
``{"intent": str | None, "confidence": float}``, flushed after each line, so a caller can keep the process
open and stream messages through it. Prints ``nlu_parse: ready`` on stderr once the model is loaded.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
from pathlib import Path

# the model's own components (nlu_components/) are imported from the repository root
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> int:
    """Load the model, then answer one line per line until stdin closes."""
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    # Rasa logs to stdout (structlog debug lines); keep stdout for the answers only
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    logging.disable(logging.WARNING)
    from rasa.core.agent import Agent

    agent = Agent.load(sys.argv[1])
    loop = asyncio.new_event_loop()
    print("nlu_parse: ready", file=sys.stderr, flush=True)
    for line in sys.stdin:
        try:
            text = str(json.loads(line))
        except ValueError:
            text = ""
        parsed = loop.run_until_complete(agent.parse_message(text)) if text.strip() else {}
        intent = parsed.get("intent") or {}
        out = {"intent": intent.get("name"), "confidence": float(intent.get("confidence") or 0.0)}
        answers.write(json.dumps(out) + "\n")
        answers.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
