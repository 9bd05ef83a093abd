"""Command line: session debriefs for supervisors.

    python -m actions.report --jsonl < sessions.jsonl > summaries.jsonl
    python -m actions.report --html session.json > report.html

``--jsonl`` reads one session per line, ``{"id": str, "turns": [{"speaker": "trainee" | "peer",
"text": str}], "scenario"?: str}``, and writes one JSON summary per line in the same order,
``{"id", "score", ...metrics}``; a line that cannot be read gets ``{"id", "error"}`` and the run goes on.
Progress goes to stderr on long inputs. ``--html FILE`` renders one session (same shape; ``-`` reads
stdin) as a self-contained HTML page on stdout (or ``--out``).

Trainee turns are read as the live assistant reads them: by the coach, and by the trained NLU model
(``models/practice.tar.gz``, run in Rasa's environment by ``scripts/nlu_parse.py``). ``--nlu MODEL`` names
another model; ``--no-nlu`` (or a missing model, said on stderr) reads moves from the coach's cues alone.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import IO, Any

from actions.report.nlu import NluClient, NluUnavailable

#: Progress is reported every this many sessions (and at the end) when there are at least this many.
PROGRESS_EVERY = 200


def _session(line: str) -> dict[str, Any]:
    data = json.loads(line)
    if not isinstance(data, dict) or "turns" not in data:
        raise ValueError("expected an object with 'turns'")
    return data


def run_jsonl(inp: IO[str], out: IO[str], err: IO[str], *, progress: bool = True,
              nlu: NluClient | None = None) -> int:
    """Summarise every session in ``inp``; returns the number of lines that could not be read."""
    from actions.report.core import build_report

    started = time.perf_counter()
    sessions = turns = failed = 0
    for line in inp:
        if not line.strip():
            continue
        sessions += 1
        session_id: Any = None
        try:
            data = _session(line)
            session_id = data.get("id")
            turns_in = nlu.annotate(data["turns"]) if nlu else data["turns"]
            report = build_report(turns_in, session_id=str(session_id if session_id is not None else ""),
                                  scenario_id=data.get("scenario"), include_turns=False)
            report["id"] = session_id
            turns += report["turns"]["trainee"] + report["turns"]["peer"]
            out.write(json.dumps(report, ensure_ascii=False) + "\n")
        except (ValueError, TypeError, KeyError) as exc:
            failed += 1
            out.write(json.dumps({"id": session_id, "error": str(exc)}) + "\n")
        if progress and sessions % PROGRESS_EVERY == 0:
            _progress(err, sessions, turns, started)
    if progress and sessions >= PROGRESS_EVERY:
        _progress(err, sessions, turns, started)
    return failed


def _progress(err: IO[str], sessions: int, turns: int, started: float) -> None:
    elapsed = max(time.perf_counter() - started, 1e-9)
    err.write(f"{sessions} sessions, {turns} turns, {elapsed:.1f}s ({60 * turns / elapsed:,.0f} turns/min)\n")
    err.flush()


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(prog="python -m actions.report", description=__doc__.split("\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--jsonl", action="store_true", help="sessions on stdin, one JSON summary per line out")
    mode.add_argument("--html", metavar="FILE", help="render one session (JSON; '-' for stdin) as HTML")
    parser.add_argument("--out", metavar="FILE", help="write the HTML here instead of stdout")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    parser.add_argument("--nlu", metavar="MODEL", help="the trained model to read moves with")
    parser.add_argument("--no-nlu", action="store_true", help="read moves from the coach's cues only")
    args = parser.parse_args(argv)
    nlu = None if args.no_nlu else _start_nlu(args.nlu)
    try:
        if args.jsonl:
            failed = run_jsonl(sys.stdin, sys.stdout, sys.stderr, progress=not args.quiet, nlu=nlu)
            return 1 if failed else 0
        return _html(args, nlu)
    finally:
        if nlu is not None:
            nlu.close()


def _start_nlu(model: str | None) -> NluClient | None:
    try:
        return NluClient.for_model(Path(model)) if model else NluClient.for_model()
    except NluUnavailable as error:
        print(f"note: {error}; reading moves from the coach's cues only", file=sys.stderr)
        return None


def _html(args: argparse.Namespace, nlu: NluClient | None) -> int:
    from actions.report.core import build_report
    from actions.report.html import render_html

    try:
        if args.html == "-":
            text = sys.stdin.read()
        else:
            with open(args.html, encoding="utf-8") as fh:
                text = fh.read()
        data = json.loads(text)
        if isinstance(data, list):
            data = {"turns": data}
        turns_in = nlu.annotate(data["turns"]) if nlu else data["turns"]
        report = build_report(turns_in, session_id=str(data.get("id") or ""),
                              scenario_id=data.get("scenario"))
    except (OSError, ValueError, TypeError, KeyError) as exc:
        print(f"error: {args.html}: {exc}", file=sys.stderr)
        return 2
    page = render_html(report)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            fh.write(page)
    else:
        sys.stdout.write(page)
    return 0


if __name__ == "__main__":
    sys.exit(main())
