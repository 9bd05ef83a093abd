"""python -m actions.report: JSONL in, one summary per line out, in order; HTML for one session."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from actions.report.__main__ import PROGRESS_EVERY, main, run_jsonl

ROOT = Path(__file__).resolve().parents[2]
SESSION = {"id": "a", "turns": [{"speaker": "peer", "text": "Hi."},
                                {"speaker": "trainee", "text": "What's been happening?"}]}


def _run(lines):
    out, err = io.StringIO(), io.StringIO()
    failed = run_jsonl(io.StringIO("".join(lines)), out, err)
    return failed, [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


@pytest.mark.parametrize(("lines", "ids", "errors"), [
    ([json.dumps(SESSION) + "\n"], ["a"], 0),
    ([json.dumps(dict(SESSION, id="x")) + "\n", "\n", json.dumps(dict(SESSION, id="y")) + "\n"],
     ["x", "y"], 0),
    (["not json\n", json.dumps(SESSION) + "\n"], [None, "a"], 1),
    ([json.dumps({"id": "b", "turns": [{"speaker": "bot", "text": "x"}]}) + "\n"], ["b"], 1),
])
def test_jsonl_keeps_order_and_reports_bad_lines(lines, ids, errors):
    failed, out, _ = _run(lines)
    assert failed == errors
    assert [o["id"] for o in out] == ids
    assert sum("error" in o for o in out) == errors
    for o in out:
        if "error" not in o:
            assert 0 <= o["score"] <= 100 and "rq_ratio" in o and "turns_detail" not in o


def test_progress_on_long_inputs():
    _, out, err = _run([json.dumps(dict(SESSION, id=str(i))) + "\n" for i in range(PROGRESS_EVERY)])
    assert len(out) == PROGRESS_EVERY
    assert "turns/min" in err


def test_html_from_a_file(tmp_path):
    src = tmp_path / "s.json"
    src.write_text(json.dumps(SESSION), encoding="utf-8")
    dest = tmp_path / "r.html"
    assert main(["--html", str(src), "--out", str(dest), "--no-nlu"]) == 0
    assert dest.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert main(["--html", str(tmp_path / "missing.json"), "--no-nlu"]) == 2


def test_module_runs_as_a_command():
    done = subprocess.run([sys.executable, "-m", "actions.report", "--jsonl", "--no-nlu"],
                          input=json.dumps(SESSION) + "\n", capture_output=True, text=True, cwd=ROOT,
                          timeout=120, check=True)
    assert json.loads(done.stdout)["id"] == "a"
