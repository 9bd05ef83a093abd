"""Helpers for the load test: paths, the load script as a module, fail-or-skip for missing prerequisites.

The tests run in `.venv-actions`; the load client itself runs in `.venv` (python-socketio's asyncio client,
aiohttp, psycopg2) as a subprocess. Under `make load-test` (LOAD_REQUIRED=1, or CI=true) a missing
environment, model or cluster is a failure, not a skip.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from e2e_support import need as e2e_need  # noqa: E402

LOADTEST = ROOT / "scripts" / "loadtest.py"
RASA_PYTHON = ROOT / ".venv" / "bin" / "python"
CLUSTER = ROOT / "scripts" / "cluster"
SUMMARY = ROOT / "results" / "load" / "summary.json"

#: Figures printed at the end of the run (see conftest.pytest_terminal_summary).
FIGURES: list[str] = []


def need(ok: bool, what: str) -> None:
    """Fail (under make load-test / CI) or skip (ad-hoc runs) when a prerequisite is missing."""
    e2e_need(ok, what, flag="LOAD_REQUIRED", hint="run `make load-test`, which starts the cluster")


def loadtest() -> ModuleType:
    """scripts/loadtest.py as a module (its checks import without the client's libraries)."""
    spec = importlib.util.spec_from_file_location("loadtest", LOADTEST)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["loadtest"] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module
