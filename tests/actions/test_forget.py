"""scripts/forget.py (make forget SENDER=...): one trainee's reports go, everyone else's stay."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("forget", ROOT / "scripts" / "forget.py")
forget = importlib.util.module_from_spec(spec)
spec.loader.exec_module(forget)

FILES = ["2026-11-20-bob.html", "2026-11-20-bob.json", "2026-11-21-bob.html", "2026-11-20-bob-2.html",
         "2026-11-20-alice.json", "2026-11-20-a_b.html", "notes-bob.html"]


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "reports").mkdir()
    for name in FILES:
        (tmp_path / "reports" / name).write_text("x")
    return tmp_path


@pytest.mark.parametrize(("sender", "gone"), [
    ("bob", {"2026-11-20-bob.html", "2026-11-20-bob.json", "2026-11-21-bob.html"}),
    ("a/b", {"2026-11-20-a_b.html"}),
    ("carol", set()),
])
def test_reports_of_one_sender_only(folder, sender, gone, capsys):
    endpoints = folder / "endpoints.yml"
    endpoints.write_text("action_endpoint:\n  url: http://localhost:5055/webhook\n")
    assert forget.main([sender, "--reports", str(folder / "reports"), "--endpoints", str(endpoints)]) == 0
    left = {p.name for p in (folder / "reports").iterdir()}
    assert left == set(FILES) - gone
    assert "in memory" in capsys.readouterr().out


def test_dry_run_deletes_nothing(folder):
    forget.main(["bob", "--reports", str(folder / "reports"), "--dry-run",
                 "--endpoints", str(folder / "none.yml")])
    assert {p.name for p in (folder / "reports").iterdir()} == set(FILES)


@pytest.mark.parametrize(("config", "ok", "said"), [
    ("tracker_store:\n  type: sql\n  dialect: sqlite\n", True, "would delete"),
    ("tracker_store:\n  type: my.module.Store\n", False, "not one this script knows"),
    ("", True, "in memory"),
])
def test_configured_tracker_store(tmp_path, config, ok, said):
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(config)
    done, text = forget.forget_tracker("bob", endpoints, dry_run=True)
    assert done is ok and said in text
