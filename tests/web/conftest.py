"""Fixtures for the browser test: the real action server and `rasa run` with the web chat's channels, a SQLite
tracker store, and Debian's Chromium driven by Playwright.

The helpers and the shared fixtures (logs, model, failure artifacts, figures) are the system tests' own
(tests/e2e/e2e_support.py and conftest.py), imported rather than copied.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

E2E = Path(__file__).resolve().parents[1] / "e2e"
sys.path.insert(0, str(E2E))

from e2e_support import ROOT, Server, need, start_action_server, stop  # noqa: E402
from web_support import WebStack  # noqa: E402


def _e2e_conftest() -> Any:
    spec = importlib.util.spec_from_file_location("e2e_conftest", E2E / "conftest.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_E2E_CONFTEST = _e2e_conftest()
# The system tests' fixtures and hooks, used here as they are.
log_dir = _E2E_CONFTEST.log_dir
trained_model = _E2E_CONFTEST.trained_model
pytest_runtest_makereport = _E2E_CONFTEST.pytest_runtest_makereport
pytest_terminal_summary = _E2E_CONFTEST.pytest_terminal_summary

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# Debian's Chromium, headless, with nothing that talks to the network on its own.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = ROOT / "results" / "web"
VENDOR = [ROOT / "web/node_modules/rasa-webchat/lib/index.js",
          ROOT / "web/node_modules/react/umd/react.production.min.js"]
WEB_CHANNEL = "channels.webpage.WebPageInput"


@pytest.fixture(scope="session")
def web_ready(trained_model: Path) -> Path:
    """The prerequisites of the web chat: npm packages, the channel in credentials.yml, Chromium."""
    for vendor in VENDOR:
        need(vendor.exists(), f"missing {vendor.relative_to(ROOT)} (npm ci in web/)")
    credentials = (ROOT / "credentials.yml").read_text()
    need(f"\n{WEB_CHANNEL}:" in f"\n{credentials}", f"credentials.yml does not list {WEB_CHANNEL}")
    need(CHROMIUM.exists(), f"missing {CHROMIUM} (scripts/apt-install chromium)")
    return trained_model


@pytest.fixture(scope="session")
def reports_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where this run's action server writes reports, and the web channel serves them from."""
    return tmp_path_factory.mktemp("web-reports")


@pytest.fixture(scope="session")
def action_server(log_dir: Path, reports_dir: Path) -> Iterator[Server]:
    """The real action server, writing reports to this run's folder."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PRACTICE_REPORTS_DIR", str(reports_dir))
        server = start_action_server(log_dir)
    yield server
    stop(server.process)


def make_stack(action_server: Server, model: Path, reports: Path, log_dir: Path,
               tmp: pytest.TempPathFactory) -> WebStack:
    """A web stack with a fresh SQLite file of its own."""
    return WebStack(action_port=action_server.port, model=model, state=tmp.mktemp("web-state"),
                    reports=reports, log_dir=log_dir)


@pytest.fixture(scope="session")
def web_stack(action_server: Server, web_ready: Path, reports_dir: Path, log_dir: Path,
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebStack]:
    """`rasa run` with credentials.yml (Socket.IO + the page) and a SQLite tracker store, shared."""
    stack = make_stack(action_server, web_ready, reports_dir, log_dir, tmp_path_factory)
    stack.start()
    yield stack
    stack.stop()


@pytest.fixture(scope="session")
def browser(web_ready: Path) -> Iterator[Any]:
    """Debian's Chromium under Playwright (never a browser Playwright downloads)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """results/web/, where the test leaves its screenshots (git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
