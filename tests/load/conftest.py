"""Fixtures for the load test: the running production profile, and each run of scripts/loadtest.py on it.

Each run (all replicas up; replica 1 stopped with SIGTERM; with SIGKILL; one trainee alone) is its own
`.venv/bin/python scripts/loadtest.py --plan <run>` subprocess, started the first time a test needs it.
The runs' figures are merged into results/load/summary.json and printed at the end.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from load_support import CLUSTER, FIGURES, LOADTEST, RASA_PYTHON, ROOT, SUMMARY, need

#: The runs, in the order the tests ask for them; LOAD_PLAN=load,single (say) leaves the others out.
PLAN = [k for k in os.environ.get("LOAD_PLAN", "load,single,term,kill").split(",") if k]
#: Extra arguments for every run, e.g. LOAD_ARGS="--trainees 20".
EXTRA = shlex.split(os.environ.get("LOAD_ARGS", ""))
RUN_TIMEOUT = 560.0

RUNS: dict[str, dict[str, Any]] = {}
_STARTED = time.monotonic()


@pytest.fixture(scope="session")
def cluster() -> str:
    """The running cluster's status table; fails (make load-test) or skips when it is not healthy."""
    need(RASA_PYTHON.exists(), f"missing {RASA_PYTHON.relative_to(ROOT)}")
    need(CLUSTER.exists(), "missing scripts/cluster")
    status = subprocess.run([str(CLUSTER), "status"], cwd=ROOT, capture_output=True, text=True, check=False)
    need(status.returncode == 0,
         f"the cluster is not running or not healthy:\n{status.stdout}{status.stderr}")
    return status.stdout


@pytest.fixture(scope="session")
def run_load(cluster: str, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A function running one named run of the load test (once per session) and returning its summary."""
    out_dir = tmp_path_factory.mktemp("load")

    def run(kind: str) -> dict[str, Any]:
        if kind not in PLAN:
            pytest.skip(f"run {kind!r} is not in LOAD_PLAN={','.join(PLAN)}")
        if kind in RUNS:
            return RUNS[kind]
        out = out_dir / f"{kind}.json"
        command = [str(RASA_PYTHON), str(LOADTEST), "--plan", kind, "--summary", str(out), *EXTRA]
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=RUN_TIMEOUT,
                              check=False)
        print(done.stdout)
        assert out.exists(), f"the load test wrote no summary:\n{done.stdout}\n{done.stderr[-3000:]}"
        summary = json.loads(out.read_text())
        result: dict[str, Any] = summary["runs"][kind]
        result["log"] = done.stdout
        RUNS[kind] = result
        _record(summary, kind, result)
        return result

    return run


def _record(summary: dict[str, Any], kind: str, result: dict[str, Any]) -> None:
    """Merge one run into results/load/summary.json and note its figures for the end of the session."""
    merged = {key: value for key, value in summary.items() if key not in ("runs", "duration_s")}
    merged["runs"] = {k: {key: v for key, v in r.items() if key != "log"} for k, r in RUNS.items()}
    SUMMARY.parent.mkdir(parents=True, exist_ok=True)
    SUMMARY.write_text(json.dumps(merged, indent=2) + "\n", encoding="utf-8")
    lat = result["latency_s"]
    FIGURES.append(
        f"{kind:6s}: {result['answered']}/{result['messages_sent']} answered in {result['duration_s']} s, "
        f"errors {result['errors']}, retries {result['retries']}, reconnects {result['reconnects']}, "
        f"re-sent replies {result['resent_replies']}, p50 {lat['p50']} s, p95 {lat['p95']} s, "
        f"max {lat['max']} s, replicas {result['replica_split']}")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print the runs' figures and how long the load test took."""
    if not FIGURES:
        return
    terminalreporter.section("load test figures")
    for line in FIGURES:
        terminalreporter.write_line(line)
    terminalreporter.write_line(f"load test session: {time.monotonic() - _STARTED:.0f} s; summary: "
                                f"{Path(SUMMARY).relative_to(ROOT)}")
