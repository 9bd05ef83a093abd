"""Fixtures for the system tests: the real action server and the real Rasa, on free loopback ports."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_support import (
    FIGURES,
    RASA,
    RASA_LOAD_TIMEOUT,
    ROOT,
    Server,
    endpoints_file,
    free_port,
    model_path,
    need,
    rasa_env,
    rss_mb,
    start_action_server,
    stop,
    wait_until_up,
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this folder as e2e."""
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def log_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where server logs go; copied to tests/artifacts/ when a test fails (see pytest_runtest_makereport)."""
    return tmp_path_factory.mktemp("e2e-logs")


@pytest.fixture(scope="session")
def action_server(log_dir: Path) -> Iterator[Server]:
    """The real action server, shared by the system tests."""
    server = start_action_server(log_dir)
    FIGURES.append(f"action server (shared): healthy after {server.start_seconds:.2f} s, "
                   f"RSS {rss_mb(server.process.pid):.0f} MB")
    yield server
    stop(server.process)


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """The trained model; fails under make test if it is missing."""
    need(RASA.exists(), f"missing {RASA.relative_to(ROOT)}")
    model = model_path()
    need(model.exists(), f"no trained model at {model}")
    need((ROOT / "credentials.yml").exists(), "missing credentials.yml (needs the rest: channel)")
    return model


@pytest.fixture(scope="session")
def rasa_server(action_server: Server, trained_model: Path, log_dir: Path) -> Iterator[Server]:
    """`rasa run` on a free loopback port with the REST channel, talking to the test's action server."""
    port = free_port()
    log = log_dir / f"rasa-run-{port}.log"
    command = [
        str(RASA), "run", "--model", str(trained_model), "--interface", "127.0.0.1", "--port", str(port),
        "--credentials", str(ROOT / "credentials.yml"),
        "--endpoints", str(endpoints_file(log_dir, action_server.port)),
    ]
    started = time.monotonic()
    with log.open("w") as out:  # the child keeps its own copy of the descriptor
        process = subprocess.Popen(command, cwd=ROOT, env=rasa_env(), stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    server = Server(process, port, log)
    try:
        # The REST channel's health route answers only once the model is loaded.
        wait_until_up(server, "/webhooks/rest/", RASA_LOAD_TIMEOUT, "rasa run")
        server.start_seconds = time.monotonic() - started
        FIGURES.append(f"rasa run: model loaded and REST channel up after {server.start_seconds:.1f} s")
        yield server
    finally:
        stop(process)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Keep the server logs of a failed system test in tests/artifacts/ (for CI)."""
    outcome = yield
    report = outcome.get_result()
    if report.failed and "log_dir" in getattr(item, "funcargs", {}):
        target = ROOT / "tests" / "artifacts"
        target.mkdir(parents=True, exist_ok=True)
        for log in Path(item.funcargs["log_dir"]).glob("*.log"):
            shutil.copy(log, target / log.name)
        print(f"server logs copied to {target}", file=sys.stderr)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the figures the system tests measured."""
    if FIGURES:
        terminalreporter.section("figures")
        for line in FIGURES:
            terminalreporter.write_line(line)
