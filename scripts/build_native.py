"""Compile the coach's hot modules to C extensions with mypyc, into build/native (not next to the sources).

The coach runs the same Python either way; compiled, its structural analysis and matcher run about 12%
faster (``make bench``). ``actions/coach/__init__.py`` uses the build only while the stamp written here
matches the sources byte for byte, so an edited module is never shadowed by an older binary.

Without a C compiler or Python's headers the build is skipped with a note, and the coach runs as plain
Python. Usage: ``python scripts/build_native.py`` (``make native``; ``make test`` and ``make practice``
run it when a source changed).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from actions.coach.native import BUILD_DIR, MODULES, STAMP, fingerprint, missing_prerequisite  # noqa: E402

# Imports the build and analyses a message with it; exits non-zero when anything else runs.
SMOKE = (
    "import sys\n"
    "from actions.coach import analyze\n"
    "from actions.coach.native import running_compiled\n"
    "flags = analyze('You should talk to a therapist about this.')['flags']\n"
    "ok = running_compiled() and flags and flags[0]['category'] == 'advising'\n"
    "sys.exit(0 if ok else 'the build is not what runs, or it analyses wrongly')\n"
)


def build() -> int:
    """Build the extensions and write the stamp; returns the exit status."""
    stamp = ROOT / STAMP
    stamp.unlink(missing_ok=True)
    reason = missing_prerequisite()
    if reason:
        print(f">>> Coach runs as plain Python: {reason}")
        return 0
    sources = [str(Path("actions/coach") / f"{name}.py") for name in MODULES]
    out = ROOT / BUILD_DIR
    shutil.rmtree(out, ignore_errors=True)
    print(f">>> Compiling the coach with mypyc ({', '.join(MODULES)}; ~1 min)")
    with tempfile.TemporaryDirectory() as tmp:
        setup = Path(tmp) / "setup.py"
        setup.write_text(
            "import sys\n"
            "from setuptools import setup\n"
            "from mypyc.build import mypycify\n"
            f"mods = {sources!r}\n"
            # a cache of its own: mypy's incremental cache would skip modules it thinks unchanged, whose
            # C code was in an earlier, deleted temporary folder
            f"opts = ['--ignore-missing-imports', '--cache-dir', {str(Path(tmp) / 'mypy_cache')!r}]\n"
            "exts = mypycify([*opts, *mods], opt_level='3', separate=True)\n"
            "setup(name='coach-native', py_modules=[], packages=[], ext_modules=exts)\n",
            encoding="utf-8",
        )
        cmd = [sys.executable, str(setup), "-q", "build_ext", "--build-lib", str(out), "--build-temp", tmp]
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if done.returncode == 0:
        # the stamp is what makes the coach import the build, so it is checked in a fresh interpreter
        # before it stays: a build that cannot load must never stand between the trainee and the coach
        stamp.write_text(fingerprint(), encoding="utf-8")
        done = subprocess.run([sys.executable, "-c", SMOKE], cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
        print(">>> Compiling the coach failed (above); it runs as plain Python", file=sys.stderr)
        stamp.unlink(missing_ok=True)
        shutil.rmtree(out, ignore_errors=True)
        return 1
    print(f">>> Compiled coach in {BUILD_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(build())
