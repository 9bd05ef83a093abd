"""Helpers for the system tests: free loopback ports, HTTP, process control, memory figures.

The tests run in `.venv-actions` and start `.venv/bin/rasa` as a subprocess. Under `make test`
(E2E_REQUIRED=1, or CI=true) a missing environment or model is a failure, not a skip.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
RASA = ROOT / ".venv" / "bin" / "rasa"
ACTIONS_PY = ROOT / ".venv-actions" / "bin" / "python"
RASA_LOAD_TIMEOUT = float(os.environ.get("E2E_RASA_TIMEOUT", "240"))
ACTION_START_TIMEOUT = 60.0

# Figures measured by the tests, printed at the end of the run (see conftest.pytest_terminal_summary).
FIGURES: list[str] = []

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\r")


def need(ok: bool, what: str, *, flag: str = "E2E_REQUIRED",
         hint: str = "run `make test`, which builds it") -> None:
    """Fail (under make test / CI) or skip (ad-hoc runs) when a prerequisite is missing.

    Args:
        ok: Whether the prerequisite is there.
        what: What is missing.
        flag: The variable a make target sets to 1 to make a miss a failure (as CI=true does).
        hint: How to get the prerequisite.
    """
    if ok:
        return
    message = f"{what} ({hint})"
    if os.environ.get(flag) == "1" or os.environ.get("CI", "").lower() == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def model_path() -> Path:
    """The trained model the system tests load: $PRACTICE_MODEL, else the one `make train` writes."""
    return (ROOT / os.environ.get("PRACTICE_MODEL", "models/practice.tar.gz")).resolve()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def http(method: str, url: str, body: Any = None, timeout: float = 30.0) -> tuple[int, Any]:
    """Send one HTTP request and return (status, decoded JSON body or text)."""
    data = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    text = raw.decode("utf-8", "replace")
    try:
        return status, json.loads(text)
    except ValueError:
        return status, text


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """Memory of a process and all its descendants, in MB, read from /proc.

    Args:
        pid: The process.
        field: "VmRSS" for resident memory now, "VmHWM" for the peak so far.
    """
    total_kb = 0
    for p in [pid, *_descendants(pid)]:
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        match = re.search(rf"^{field}:\s+(\d+) kB", status, re.MULTILINE)
        total_kb += int(match.group(1)) if match else 0
    return total_kb / 1024


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def stop(process: subprocess.Popen[Any], grace: float = 10.0) -> None:
    """Terminate a process group started by these fixtures; kill it if it lingers."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(grace)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)


def tail(path: Path, lines: int = 40) -> str:
    """The last lines of a log file, for failure messages."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@dataclass
class Server:
    """A server process started by a fixture."""

    process: subprocess.Popen[Any]
    port: int
    log: Path
    start_seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """Base URL of the server."""
        return f"http://127.0.0.1:{self.port}"


def wait_until_up(server: Server, path: str, timeout: float, what: str) -> float:
    """Poll GET path until it answers 200; return the seconds it took. Fails with the server's log."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if server.process.poll() is not None:
            code = server.process.returncode
            pytest.fail(f"{what} exited with {code} during start-up:\n{tail(server.log)}")
        try:
            status, _ = http("GET", server.url + path, timeout=2)
            if status == 200:
                return time.monotonic() - start
        except OSError:
            pass
        time.sleep(0.05)
    pytest.fail(f"{what} did not answer {path} within {timeout:.0f} s:\n{tail(server.log)}")


def start_action_server(log_dir: Path) -> Server:
    """Start `python -m rasa_sdk` from .venv-actions on a free loopback port and wait for /health."""
    need(ACTIONS_PY.exists(), f"missing {ACTIONS_PY.relative_to(ROOT)}")
    port = free_port()
    log = log_dir / f"action-server-{port}.log"
    env = {**os.environ, "SANIC_HOST": "127.0.0.1", "PYTHONUNBUFFERED": "1"}
    started = time.monotonic()
    with log.open("w") as out:  # the child keeps its own copy of the descriptor
        process = subprocess.Popen(
            [str(ACTIONS_PY), "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    server = Server(process, port, log)
    try:
        wait_until_up(server, "/health", ACTION_START_TIMEOUT, "the action server")
    except BaseException:
        stop(process)
        raise
    server.start_seconds = time.monotonic() - started
    return server


def endpoints_file(directory: Path, action_port: int) -> Path:
    """An endpoints file that points Rasa at the test's action server (and at nothing else)."""
    path = directory / f"endpoints-{action_port}.yml"
    path.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n')
    return path


def rasa_env() -> dict[str, str]:
    """Environment for Rasa subprocesses: no telemetry prompts, quiet TensorFlow."""
    return {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "PYTHONUNBUFFERED": "1"}
