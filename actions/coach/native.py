"""Which build of the coach runs: its compiled modules (``scripts/build_native.py``) or the plain Python.

The compiled modules live in ``build/native``, not beside the sources. They are put ahead of the sources on
the package's search path only while the build's stamp matches every source file of the package, so an
edited module runs as written, never as an older binary. ``COACH_PURE_PYTHON=1`` turns the build off.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import sys
import sysconfig
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent.parent
BUILD_DIR = "build/native"
STAMP = f"{BUILD_DIR}/SOURCES"
# the modules analyze() spends its time in; the others keep what mypyc can't compile (spaCy factories,
# list subclasses) or are rarely run
MODULES = ("context", "matching", "pipes", "rephrase")
PURE_ENV = "COACH_PURE_PYTHON"


def fingerprint(package: Path = PACKAGE) -> str:
    """What a build is made from: the interpreter, and a digest of every source file of the package.

    Args:
        package: The package's folder.

    Returns:
        One line for the interpreter and one per source file; the build's stamp holds this text.
    """
    lines = [f"python {sys.version.split()[0]} {sysconfig.get_config_var('EXT_SUFFIX')}"]
    for path in sorted(package.glob("*.py")):
        lines.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}")
    return "\n".join(lines) + "\n"


def build_is_current() -> bool:
    """Whether a compiled build exists and was made from exactly the sources here."""
    stamp = ROOT / STAMP
    try:
        return stamp.read_text(encoding="utf-8") == fingerprint()
    except OSError:
        return False


def prefer_build(package_path: list[str]) -> bool:
    """Put the compiled modules ahead of the sources on the package's path, when they are current.

    Args:
        package_path: The package's ``__path__``.

    Returns:
        Whether the compiled modules will be imported.
    """
    if os.environ.get(PURE_ENV, "") not in ("", "0") or not build_is_current():
        return False
    compiled = str(ROOT / BUILD_DIR / "actions" / "coach")
    if compiled not in package_path:
        package_path.insert(0, compiled)
    return True


def missing_prerequisite() -> str | None:
    """What keeps a build from working on this machine (a C compiler, Python's headers, mypyc), or None."""
    if shutil.which(os.environ.get("CC", "cc")) is None and shutil.which("gcc") is None:
        return "no C compiler (install gcc)"
    include = Path(sysconfig.get_paths()["include"]) / "Python.h"
    if not include.exists():
        return f"no Python headers ({include}; install python3.10-dev)"
    if importlib.util.find_spec("mypyc") is None:
        return "mypyc is not installed (it comes with mypy, pinned in requirements/actions.txt)"
    return None


def running_compiled() -> bool:
    """Whether the coach's modules imported so far are the compiled ones."""
    module = sys.modules.get(f"{__package__}.{MODULES[0]}")
    return module is not None and not str(getattr(module, "__file__", "")).endswith(".py")
