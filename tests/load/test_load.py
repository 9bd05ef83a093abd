"""The production profile under load: 50 simulated trainees, 20 messages each, over Socket.IO via nginx.

Run 1, every replica up: no error, no retry, exactly one peer reply per message id (by its ``reply_to``),
trainees on both replicas, and in PostgreSQL each message exactly once, in order, the peer's state
counting on. Run 2, Rasa replica 1 stopped part way (SIGTERM, then in another run SIGKILL) and started
again: retries allowed, but the same exactly-once and no-lost-state checks; there, every seventh or so
answered message is also sent again with its id, as by a client that lost the reply, and must get the
recorded reply back without being processed again. The latency of a trainee alone
and under load is printed and kept in results/load/summary.json.

scripts/loadtest.py does the client-side and store checks (its ``problems``); the store checks here run
again independently, through ``scripts/cluster psql``, without the client's code.
"""

from __future__ import annotations

import subprocess
from typing import Any

import pytest
from load_support import CLUSTER, ROOT


def _store_counts(sessions: list[str]) -> dict[str, tuple[int, int, int, int, int]]:
    """Per session, straight from the events table: user events, distinct message ids, user events with no
    id, peer_state slot events, and the highest peer_state turn counter."""
    names = ",".join(f"'{s}'" for s in sessions if s.replace("-", "").isalnum())
    query = f"""
        SELECT sender_id,
               count(*) FILTER (WHERE type_name = 'user'),
               count(DISTINCT data::json->>'message_id') FILTER (WHERE type_name = 'user'),
               count(*) FILTER (WHERE type_name = 'user' AND data::json->>'message_id' IS NULL),
               count(*) FILTER (WHERE type_name = 'slot' AND data::json->>'name' = 'peer_state'
                                AND json_typeof(data::json->'value') = 'object'),
               coalesce(max((data::json->'value'->>'turns')::int)
                        FILTER (WHERE type_name = 'slot' AND data::json->>'name' = 'peer_state'
                                AND json_typeof(data::json->'value') = 'object'), -1)
        FROM events WHERE sender_id IN ({names}) GROUP BY sender_id"""
    done = subprocess.run([str(CLUSTER), "psql", "-At", "-F", "|", "-v", "ON_ERROR_STOP=1", "-c", query],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    rows = [line.split("|") for line in done.stdout.splitlines() if line.strip()]
    return {row[0]: tuple(int(x) for x in row[1:]) for row in rows}  # type: ignore[misc]


def _assert_exactly_once_in_store(run: dict[str, Any]) -> None:
    sessions = [s["session_id"] for s in run["sessions"]]
    counts = _store_counts(sessions)
    assert sorted(counts) == sorted(sessions), f"not in the store: {set(sessions) - set(counts)}"
    n = run["messages_per_trainee"]
    expected = (n, n, 0, n, n - 1)
    wrong = {sid: c for sid, c in counts.items() if c != expected}
    assert not wrong, ("per session (user events, distinct ids, events without id, peer_state events, last "
                       f"turn) should be {expected}: {wrong}")


def _assert_complete(run: dict[str, Any]) -> None:
    assert run["trainees"] == run["planned_trainees"] and run["trainees"] > 1
    expected = run["trainees"] * run["messages_per_trainee"]
    assert run["messages_sent"] == run["answered"] == expected, run["trainee_errors"]
    assert run["errors"] == 0, run["trainee_errors"]
    assert run["store_checked"] == "postgresql"
    assert run["problems"] == [], "\n".join(run["problems"][:30])


def test_run1_all_replicas_up(run_load: Any) -> None:
    run = run_load("load")
    _assert_complete(run)
    assert run["retries"] == 0 and run["reconnects"] == 0 and run["resent_replies"] == 0, run["log"]
    split = run["replica_split"]
    assert len(split) >= 2 and min(split.values()) >= run["trainees"] // 5, f"trainees not spread: {split}"
    assert run["trainees_with_coach_notes"] == run["trainees"], "every trainee sends directive messages"


def test_run1_store_exactly_once(run_load: Any) -> None:
    _assert_exactly_once_in_store(run_load("load"))


def test_single_trainee_latency(run_load: Any) -> None:
    run = run_load("single")
    assert run["errors"] == 0 and run["problems"] == [], run["log"]
    assert run["latency_s"]["n"] == run["messages_per_trainee"]


@pytest.mark.parametrize("kind", ["term", "kill"])
def test_run2_replica_stopped_mid_run(run_load: Any, kind: str) -> None:
    run = run_load(kind)
    steps = run["disruption"]["log"]
    assert [s["status"] for s in steps] == [0, 0], steps
    total = run["duration_s"]
    assert 0 < steps[0]["at"] < total and steps[1]["at"] + steps[1]["seconds"] < total, (
        f"the replica was not stopped and back within the run: {steps}")
    _assert_complete(run)
    # Answered messages sent again with their id (a client that lost the reply): the recorded reply came
    # back each time (the same text: reply_problems), and the store still holds each message once (below).
    assert run["resends"] > 0 and run["resent_replies"] >= run["resends"], run["log"]
    _assert_exactly_once_in_store(run)


def test_latency_printed(run_load: Any) -> None:
    load, single = run_load("load"), run_load("single")
    for name, run in (("under load", load), ("alone", single)):
        lat = run["latency_s"]
        assert lat["p50"] is not None and 0 < lat["p50"] <= lat["p95"], lat
        print(f"reply latency {name}: p50 {lat['p50']} s, p95 {lat['p95']} s ({lat['n']} replies)")
