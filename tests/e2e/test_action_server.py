"""The real action server over HTTP: health, the action list, action_coach on a real tracker, footprint."""

from __future__ import annotations

import functools
import time
from pathlib import Path
from typing import Any

from conversation import BAD_INPUTS, DIRECTIVE, REFLECTION, Turn
from e2e_support import FIGURES, ROOT, Server, http, rss_mb, start_action_server, stop

# Targets from the issue.
MAX_RSS_MB = 250.0
MAX_START_SECONDS = 5.0


@functools.cache
def domain_dict() -> dict[str, Any]:
    """The assistant's domain as Rasa would send it (the action server receives it with every call)."""
    path = ROOT / "domain.yml"
    if not path.exists():
        return {}
    from ruamel.yaml import YAML

    return dict(YAML(typ="safe").load(path.read_text()) or {})


def tracker_dict(text: str, sender: str = "e2e-action-server") -> dict[str, Any]:
    """A tracker as Rasa 3.6 serialises it, right after the trainee sent `text`."""
    now = time.time()
    parse_data = {
        "text": text,
        "intent": {"name": "practice_message", "confidence": 1.0},
        "entities": [],
        "intent_ranking": [{"name": "practice_message", "confidence": 1.0}],
    }
    return {
        "sender_id": sender,
        "slots": {},
        "latest_message": parse_data,
        "latest_event_time": now,
        "followup_action": None,
        "paused": False,
        "events": [
            {"event": "action", "timestamp": now - 2, "name": "action_session_start"},
            {"event": "session_started", "timestamp": now - 2},
            {"event": "action", "timestamp": now - 1, "name": "action_listen"},
            {"event": "user", "timestamp": now, "text": text, "parse_data": parse_data,
             "input_channel": "rest", "message_id": "e2e-1"},
        ],
        "latest_input_channel": "rest",
        "active_loop": {},
        "latest_action": {"action_name": "action_listen"},
        "latest_action_name": "action_listen",
    }


def call_action(server: Server, name: str, text: str) -> tuple[int, Any]:
    """POST /webhook for one action, as Rasa does."""
    body = {"next_action": name, "sender_id": "e2e-action-server", "tracker": tracker_dict(text),
            "domain": domain_dict(), "version": "3.6.2"}
    return http("POST", server.url + "/webhook", body, timeout=30)


def test_health_and_action_list(action_server: Server) -> None:
    status, body = http("GET", action_server.url + "/health")
    assert status == 200
    assert body == {"status": "ok"}

    status, actions = http("GET", action_server.url + "/actions")
    assert status == 200
    names = {a["name"] for a in actions}
    assert "action_coach" in names, f"registered actions: {sorted(names)}"


def test_action_coach_flags_a_directive_message(action_server: Server) -> None:
    status, body = call_action(action_server, "action_coach", DIRECTIVE)
    assert status == 200, body
    assert isinstance(body["events"], list) and body["events"], "the analysis must be stored on the tracker"
    turn = Turn(DIRECTIVE, body["responses"])
    assert turn.coach_notes, f"no 'Coach:' note: {turn.describe()}"
    assert turn.coach_payloads, f"no custom coach payload: {turn.describe()}"
    assert turn.flagged
    assert turn.coach_payloads[0]["flags"][0]["rephrasings"]


def test_action_coach_stays_quiet_on_a_reflection(action_server: Server) -> None:
    status, body = call_action(action_server, "action_coach", REFLECTION)
    assert status == 200, body
    turn = Turn(REFLECTION, body["responses"])
    assert not turn.flagged, turn.describe()


def test_action_coach_survives_bad_input(action_server: Server) -> None:
    for text in BAD_INPUTS:
        status, body = call_action(action_server, "action_coach", text)
        assert status == 200, (text[:40], body)
        assert isinstance(body["events"], list)


def test_footprint_and_start_time(tmp_path: Path) -> None:
    """A fresh server (not the shared one): time to a healthy /health, then RSS after real coach work."""
    server = start_action_server(tmp_path)
    try:
        idle_rss = rss_mb(server.process.pid)
        first = time.monotonic()
        status, _ = call_action(server, "action_coach", DIRECTIVE)
        first_call = time.monotonic() - first
        assert status == 200
        workload = [DIRECTIVE, REFLECTION, *BAD_INPUTS] * 3
        for text in workload:
            call_action(server, "action_coach", text)
        busy_rss = rss_mb(server.process.pid)
        peak_rss = rss_mb(server.process.pid, "VmHWM")
    finally:
        stop(server.process)
    # Started means able to coach: a model loaded lazily on the first call counts towards start-up.
    ready = server.start_seconds + first_call
    FIGURES.append(f"action server (fresh): start to healthy {server.start_seconds:.2f} s, "
                   f"first action_coach call {first_call * 1000:.0f} ms, ready to coach after {ready:.2f} s; "
                   f"RSS idle {idle_rss:.0f} MB, after {len(workload) + 1} coach calls {busy_rss:.0f} MB, "
                   f"peak {peak_rss:.0f} MB")
    assert ready < MAX_START_SECONDS
    assert peak_rss < MAX_RSS_MB
