"""The live debrief: the session's turns read back off the tracker, the report, and its files.

/feedback and /end call ``debrief``: it rebuilds the session's turns from the tracker events (the coach's
per-turn log entries, the peer's lines and the peer state after each turn), builds the report with
actions.report, writes ``<date>-<sender>.html`` and ``.json`` to the reports folder, and returns the
short text lines for the conversation. Anything going wrong here costs the figures, never the summary.
"""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from rasa_sdk import Tracker

from actions.peer.moves import classify
from actions.practice import state

logger = logging.getLogger(__name__)

#: Environment variable naming the folder reports are written to (default ``reports``, relative to the
#: action server's working directory, which is the project root under `make practice` / `make actions`).
REPORTS_ENV = "PRACTICE_REPORTS_DIR"
DEFAULT_REPORTS_DIR = "reports"
#: Environment variable naming where the web chat's server publishes the reports folder (default
#: ``/reports/``: `make web` and the production profile's nginx both serve it there).
REPORTS_URL_ENV = "PRACTICE_REPORTS_URL"
DEFAULT_REPORTS_URL = "/reports/"
#: The hint the peer's goodbye line carries; not part of what the peer said.
_END_HINT = "\n\n(When you're ready"


def reports_dir() -> Path:
    """The folder reports go to (``$PRACTICE_REPORTS_DIR``, default ``reports/``)."""
    return Path(os.environ.get(REPORTS_ENV) or DEFAULT_REPORTS_DIR)


def safe_sender(sender_id: str) -> str:
    """The sender id as it appears in report file names.

    Anything but letters, digits, ``.``, ``_`` and ``-`` becomes ``_`` (``make forget`` applies the same
    rule), so an id cannot reach outside the reports folder.
    """
    cleaned = re.sub(r"[^A-Za-z0-9._-]", "_", sender_id or "unknown").lstrip(".")
    return cleaned[:100] or "unknown"


def report_paths(sender_id: str, when: datetime | None = None) -> tuple[Path, Path]:
    """Where this trainee's report for the day goes: ``<dir>/<YYYY-MM-DD>-<sender>.html`` and ``.json``."""
    day = (when or datetime.now(timezone.utc)).strftime("%Y-%m-%d")
    base = reports_dir() / f"{day}-{safe_sender(sender_id)}"
    return base.with_suffix(".html"), base.with_suffix(".json")


def report_link(html_path: Path, channel: str | None) -> str:
    """How the debrief points at the HTML report: a link in the web chat, the file's path elsewhere.

    Args:
        html_path: Where the report was written.
        channel: The trainee's input channel (``socketio`` is the web chat).

    Returns:
        A markdown link to ``$PRACTICE_REPORTS_URL/<file name>`` in the web chat, else the path.
    """
    if channel != state.SOCKETIO_CHANNEL:
        return str(html_path)
    base = os.environ.get(REPORTS_URL_ENV) or DEFAULT_REPORTS_URL
    return f"[open it in a new tab]({base.rstrip('/')}/{html_path.name})"


def session_turns(tracker: Tracker, peer_name: str | None) -> list[dict[str, Any]]:
    """The current practice conversation as report turns, oldest first.

    Trainee turns come from the ``coach_turn`` entries (text, flags, listening moves) with the
    ``peer_state`` set after them (rapport, layer, and the move the peer read, NLU intent included);
    peer turns are the bot messages that start with the peer's name. A new scenario starts afresh,
    keeping the peer's opening line (said by the same action, just before the reset).

    Args:
        tracker: The conversation.
        peer_name: The current peer's name (None: no peer turns).

    Returns:
        Turns in the enriched shape actions.report reads (see actions.report.metrics).
    """
    prefix = f"{peer_name}: " if peer_name else None
    turns: list[dict[str, Any]] = []
    since_action = 0
    awaiting: dict[str, Any] | None = None
    last: dict[str, Any] = {}
    intent: str | None = None
    confidence = 1.0
    for event in state.applied_session_events(tracker):
        kind = event.get("event")
        name = event.get("name")
        value = event.get("value")
        if kind == "action":
            since_action = len(turns)
        elif kind == "user":
            read = (event.get("parse_data") or {}).get("intent") or {}
            intent = read.get("name")
            confidence = read.get("confidence")
            confidence = float(confidence) if isinstance(confidence, (int, float)) else 1.0
        elif kind == "bot" and prefix and str(event.get("text") or "").startswith(prefix):
            text = str(event["text"])[len(prefix):].split(_END_HINT)[0]
            turns.append({"speaker": "peer", "text": text})
        elif kind == "reset_slots":
            turns, awaiting = [], None
        elif kind == "slot" and name == state.COACH_TURN:
            if isinstance(value, dict):
                awaiting = {"speaker": "trainee", "text": str(value.get("text") or ""),
                            "directive": bool(value.get("directive")),
                            "flags": list(value.get("flags") or []),
                            "moves": list(value.get("moves") or []), "intent": intent,
                            "rapport": _int(last, "rapport"), "layer": _int(last, "layer"),
                            "coach_error": bool(value.get("coach_error"))}
                awaiting["move"] = classify(awaiting["text"], awaiting, awaiting["moves"], intent,
                                            confidence).kind
                turns.append(awaiting)
            else:
                turns = [t for t in turns[since_action:] if t["speaker"] == "peer"]
                awaiting = None
        elif kind == "slot" and name == state.PEER_STATE and isinstance(value, dict):
            last = value
            if awaiting is not None:
                awaiting.update(rapport=_int(value, "rapport"), layer=_int(value, "layer"),
                                reaction=value.get("move"))
                awaiting = None
    return turns


def _int(peer: dict[str, Any], key: str) -> int:
    value = peer.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


@dataclass
class Debrief:
    """The report of a session, the short text for the conversation, and where the files went."""

    report: dict[str, Any]
    text: str
    html_path: Path | None = None
    json_path: Path | None = None


def build(tracker: Tracker, scenario_id: str | None, peer_name: str | None) -> dict[str, Any]:
    """The full report of the conversation on this tracker."""
    from actions.report import build_report

    return build_report(session_turns(tracker, peer_name), session_id=tracker.sender_id or "",
                        scenario_id=scenario_id)


def save(report: dict[str, Any], sender_id: str, when: datetime | None = None) -> tuple[Path, Path]:
    """Write the report as HTML and JSON (the JSON has the annotated transcript too).

    Returns:
        The two paths written.
    """
    from actions.report import render_html

    html_path, json_path = report_paths(sender_id, when)
    html_path.parent.mkdir(parents=True, exist_ok=True)
    stamped = dict(report, written=(when or datetime.now(timezone.utc)).isoformat(timespec="seconds"))
    html_path.write_text(render_html(stamped), encoding="utf-8")
    json_path.write_text(json.dumps(stamped, ensure_ascii=False, indent=1), encoding="utf-8")
    return html_path, json_path


def debrief(tracker: Tracker, scenario_id: str | None, peer_name: str | None) -> Debrief | None:
    """Build the report, write its files and render its short text; None if the report failed.

    A failure to write the files is logged and leaves the text without the "full report" line.
    """
    from actions.report import render_text

    try:
        report = build(tracker, scenario_id, peer_name)
        text = render_text(report, peer_name or "the peer")
    except Exception:
        logger.exception("Could not build the debrief for %s", tracker.sender_id)
        return None
    result = Debrief(report=report, text=text)
    if not report["turns"]["trainee"]:
        return result
    try:
        result.html_path, result.json_path = save(report, tracker.sender_id or "unknown")
        result.text += "\n- Full report (figures, rapport chart, transcript): " + report_link(
            result.html_path, tracker.get_latest_input_channel())
    except OSError:
        logger.exception("Could not write the report for %s", tracker.sender_id)
    return result
