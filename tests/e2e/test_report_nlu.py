"""The supervisors' report reads trainee messages with the trained NLU model, as the live assistant does."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from e2e_support import FIGURES

from actions.report.nlu import NluClient

ROOT = Path(__file__).resolve().parents[2]
SESSION = {
    "id": "nlu-check",
    "scenario": "bullied_at_school",
    "turns": [
        {"speaker": "peer", "text": "Hey. I don't really know what I'm meant to say."},
        {"speaker": "trainee", "text": "What's been happening at school?"},
        {"speaker": "peer", "text": "There's this group in my year. They've been saying stuff."},
        {"speaker": "trainee", "text": "Sounds like it's been really hard to get away from them."},
    ],
}


def test_the_model_reads_moves_as_live(trained_model: Path) -> None:
    client = NluClient.for_model(trained_model)
    try:
        started = time.perf_counter()
        intents = [client.parse(text)[0] for text in ("What has been going on for you?",
                                                       "You should tell a teacher.",
                                                       "It sounds like mornings are the worst.")]
        per_message = (time.perf_counter() - started) / 3
    finally:
        client.close()
    assert intents == ["open_question", "advice", "reflection"]
    FIGURES.append(f"report NLU: {per_message * 1000:.0f} ms a message once the model is loaded")


def test_the_report_cli_uses_the_model(trained_model: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "actions.report", "--jsonl", "--nlu", str(trained_model)],
        input=json.dumps(SESSION) + "\n", capture_output=True, text=True, cwd=ROOT, timeout=180, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["id"] == "nlu-check"
    assert "reading moves from the coach's cues only" not in done.stderr
