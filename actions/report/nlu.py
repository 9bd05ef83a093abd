"""The trained NLU model, for reading raw transcripts exactly as the live assistant reads messages.

The model needs Rasa (and TensorFlow), which the lean action-server environment doesn't have, so the report
streams trainee messages through ``scripts/nlu_parse.py`` running in Rasa's environment and writes the intent
and its confidence onto each trainee turn; the move reader then uses them as it does live.
"""

from __future__ import annotations

import json
import subprocess
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MODEL = ROOT / "models" / "practice.tar.gz"
DEFAULT_PYTHON = ROOT / ".venv" / "bin" / "python"
PARSER = ROOT / "scripts" / "nlu_parse.py"


class NluUnavailable(RuntimeError):
    """The model or Rasa's environment is missing, or the parser stopped."""


class NluClient:
    """A running ``scripts/nlu_parse.py``: one message in, its intent out."""

    def __init__(self, command: Sequence[str]) -> None:
        """Start the parser and wait until its model is loaded.

        Args:
            command: The parser's command line.

        Raises:
            NluUnavailable: If it cannot start or load the model.
        """
        try:
            self._proc = subprocess.Popen(list(command), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, text=True, encoding="utf-8")
        except OSError as error:
            raise NluUnavailable(f"cannot start the NLU parser: {error}") from error
        assert self._proc.stderr is not None
        for line in self._proc.stderr:
            if line.rstrip().endswith("nlu_parse: ready"):  # after any colour codes Rasa left
                break
        else:
            code = self._proc.wait()
            raise NluUnavailable(f"the NLU parser stopped before loading the model (exit {code})")
        # Rasa keeps logging on stderr; drained, or a full pipe would stall the parser
        threading.Thread(target=_drain, args=(self._proc.stderr,), daemon=True).start()

    @classmethod
    def for_model(cls, model: Path = DEFAULT_MODEL, python: Path = DEFAULT_PYTHON) -> NluClient:
        """Start the parser for a trained model in Rasa's environment.

        Raises:
            NluUnavailable: If the model or the environment is missing.
        """
        for path, what in ((model, "trained model"), (python, "Rasa environment")):
            if not Path(path).exists():
                raise NluUnavailable(f"no {what} at {path} (run `make train`)")
        return cls([str(python), str(PARSER), str(model)])

    def parse(self, text: str) -> tuple[str | None, float]:
        """The intent of one message and its confidence."""
        assert self._proc.stdin is not None and self._proc.stdout is not None
        try:
            self._proc.stdin.write(json.dumps(text) + "\n")
            self._proc.stdin.flush()
            line = self._proc.stdout.readline()
        except (BrokenPipeError, OSError) as error:
            raise NluUnavailable(f"the NLU parser stopped: {error}") from error
        if not line:
            raise NluUnavailable("the NLU parser stopped")
        data = json.loads(line)
        return data.get("intent"), float(data.get("confidence") or 0.0)

    def annotate(self, turns: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Trainee turns with the model's intent and confidence added (a turn's own intent is kept)."""
        out = []
        for turn in turns:
            if isinstance(turn, dict) and turn.get("speaker") == "trainee" and "intent" not in turn:
                intent, confidence = self.parse(str(turn.get("text") or ""))
                turn = {**turn, "intent": intent, "confidence": confidence}
            out.append(turn)
        return out

    def close(self) -> None:
        """Stop the parser."""
        if self._proc.stdin is not None:
            self._proc.stdin.close()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()


def _drain(stream: IO[str]) -> None:
    for _ in stream:
        pass
