"""The coach's compiled build (scripts/build_native.py): used only while current, and identical in output."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from actions.coach.native import BUILD_DIR, PURE_ENV, build_is_current, fingerprint, missing_prerequisite

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests/coach/data"
DEV_SET = ROOT.parent / "shared" / "eval" / "dev_utterances.txt"
# Prints which file each hot module came from, then whether the compiled build runs.
PROBE = (
    "import actions.coach as c\n"
    "from actions.coach import analyze, context, matching, rephrase\n"
    "from actions.coach.native import running_compiled\n"
    "analyze('You should see a counsellor.')\n"
    "print(c.COMPILED, running_compiled(), context.__file__, matching.__file__, rephrase.__file__)\n"
)
needs_build = pytest.mark.skipif(
    not build_is_current(), reason="no current compiled build (make native); the coach runs as plain Python"
)


def probe(root: Path, **env: str) -> list[str]:
    """Run PROBE in a fresh interpreter with ``root`` as the working directory."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_the_build_is_current_wherever_it_can_be_made() -> None:
    """`make unit` builds first; a compile that failed (or was skipped by mistake) must not pass unnoticed."""
    if os.environ.get("COACH_NATIVE_REQUIRED") != "1":
        pytest.skip("only under `make unit`, which runs `make native` first")
    reason = missing_prerequisite()
    if reason is not None:
        pytest.skip(f"this machine cannot compile the coach ({reason}); it runs as plain Python")
    assert build_is_current(), "make native did not leave a build matching the sources; run it to see why"


def test_the_fingerprint_follows_every_byte_of_the_sources(tmp_path: Path) -> None:
    package = tmp_path / "coach"
    shutil.copytree(ROOT / "actions/coach", package, ignore=shutil.ignore_patterns("__pycache__"))
    assert fingerprint(package) == fingerprint()
    with (package / "rules.py").open("a", encoding="utf-8") as out:
        out.write("\n")
    assert fingerprint(package) != fingerprint()
    (package / "rules.py").unlink()
    assert fingerprint(package) != fingerprint()


@needs_build
def test_a_current_build_is_what_runs() -> None:
    compiled, running, *files = probe(ROOT)
    assert compiled == running == "True"
    assert all(Path(f).is_relative_to(ROOT / BUILD_DIR) and f.endswith(".so") for f in files), files


@needs_build
@pytest.mark.parametrize("value", ["1", "yes"])
def test_the_environment_switch_runs_plain_python(value: str) -> None:
    compiled, running, *files = probe(ROOT, **{PURE_ENV: value})
    assert compiled == running == "False"
    assert all(f.endswith(".py") for f in files), files


@needs_build
def test_an_edited_source_is_never_shadowed_by_an_older_build(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "actions", tmp_path / "actions", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / BUILD_DIR, tmp_path / BUILD_DIR)
    assert probe(tmp_path)[:2] == ["True", "True"]  # the copy is as current as the original
    with (tmp_path / "actions/coach/context.py").open("a", encoding="utf-8") as out:
        out.write("\n# edited after the build\n")
    compiled, running, *files = probe(tmp_path)
    assert compiled == running == "False"
    assert files[0] == str(tmp_path / "actions/coach/context.py")


def every_message() -> str:
    """Every message of the coach's evaluation files, one per line, labels stripped."""
    lines = []
    for path in sorted(DATA.glob("*.txt")) + ([DEV_SET] if DEV_SET.exists() else []):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                lines.append(line.split("|", 1)[1].strip() if "|" in line else line.strip())
    return "\n".join([*lines, "", "   ", "😭😭😭", "<b>You must</b> go.", "x" * 10_000]) + "\n"


@needs_build
def test_compiled_and_plain_python_give_the_same_analysis() -> None:
    messages = every_message()
    outputs = []
    for pure in ("0", "1"):
        done = subprocess.run(
            [sys.executable, "-m", "actions.coach", "--jsonl"],
            input=messages,
            cwd=ROOT,
            env={**os.environ, PURE_ENV: pure},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout.splitlines())
    compiled, plain = outputs
    assert len(compiled) == len(plain) == messages.count("\n") > 5000
    differing = [(c, p) for c, p in zip(compiled, plain, strict=True) if c != p]
    assert not differing, differing[:3]
