"""Delete one trainee's data: their conversation in the tracker store and their reports.

    python scripts/forget.py SENDER [--endpoints endpoints.yml] [--reports DIR] [--dry-run]

(`make forget SENDER=<id>` runs it with the Rasa environment.)

* Reports: every ``<YYYY-MM-DD>-<sender>.html`` / ``.json`` in the reports folder (``$PRACTICE_REPORTS_DIR``,
  default ``reports/``), the sender written as actions.practice.debrief.safe_sender writes it.
* Tracker: whatever ``tracker_store`` endpoints.yml configures. With none (the default) Rasa keeps
  conversations in memory only: they vanish when `rasa shell` / `rasa run` stops, and there is nothing on
  disk to delete. SQL, Redis, MongoDB and DynamoDB stores are cleared with Rasa's own store classes
  (which need the Rasa environment); another type is reported and the exit status is 1.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from actions.practice.debrief import DEFAULT_REPORTS_DIR, REPORTS_ENV, safe_sender  # noqa: E402


def report_files(sender: str, folder: Path) -> list[Path]:
    """This trainee's report files in ``folder``."""
    if not folder.is_dir():
        return []
    name = safe_sender(sender)
    return sorted(p for p in folder.glob(f"????-??-??-{name}.*") if p.suffix in (".html", ".json")
                  and p.stem[11:] == name)


def tracker_config(endpoints: Path) -> dict[str, Any] | None:
    """The ``tracker_store`` section of endpoints.yml (None when there is none)."""
    if not endpoints.is_file():
        return None
    from ruamel.yaml import YAML

    data = YAML(typ="safe", pure=True).load(endpoints.read_text(encoding="utf-8")) or {}
    section = data.get("tracker_store") if isinstance(data, dict) else None
    return section if isinstance(section, dict) else None


def forget_tracker(sender: str, endpoints: Path, dry_run: bool) -> tuple[bool, str]:
    """Delete the sender's conversation from the configured tracker store.

    Returns:
        Whether it worked (or there was nothing to do), and what happened in words.
    """
    section = tracker_config(endpoints)
    kind = str((section or {}).get("type") or "").lower()
    if not kind:
        return True, ("tracker store: in memory (endpoints.yml configures none), so conversations are "
                      "held only by a running `rasa shell` / `rasa run` and go when it stops; "
                      "nothing on disk.")
    if kind not in ("sql", "redis", "mongod", "dynamo"):
        return False, (f"tracker store: type {kind!r} is not one this script knows how to clear; "
                       "delete by hand.")
    if dry_run:
        return True, f"tracker store ({kind}): would delete conversation {sender!r}."
    import warnings

    warnings.simplefilter("ignore")  # Rasa's imports chatter about deprecations
    from rasa.core.tracker_store import TrackerStore
    from rasa.utils.endpoints import read_endpoint_config

    store: Any = TrackerStore.create(read_endpoint_config(str(endpoints), "tracker_store"))
    if kind == "sql":
        with store.session_scope() as session:
            count = session.query(store.SQLEvent).filter(store.SQLEvent.sender_id == sender).delete()
            session.commit()
    elif kind == "redis":
        count = store.red.delete(store.key_prefix + sender)
    elif kind == "mongod":
        count = store.conversations.delete_many({"sender_id": sender}).deleted_count
    else:
        store.db.delete_item(Key={"sender_id": sender})
        count = "the"
    return True, f"tracker store ({kind}): deleted {count} record(s) of conversation {sender!r}."


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description="Delete one trainee's tracker data and reports.")
    parser.add_argument("sender", help="the conversation's sender id")
    parser.add_argument("--endpoints", default=str(ROOT / "endpoints.yml"))
    parser.add_argument("--reports", default=os.environ.get(REPORTS_ENV) or DEFAULT_REPORTS_DIR)
    parser.add_argument("--dry-run", action="store_true", help="say what would be deleted, delete nothing")
    args = parser.parse_args(argv)
    if not args.sender.strip():
        parser.error("SENDER is empty")
    files = report_files(args.sender, Path(args.reports))
    for path in files:
        if not args.dry_run:
            path.unlink()
    verb = "would delete" if args.dry_run else "deleted"
    print(f"reports: {verb} {len(files)} file(s) in {args.reports}/" +
          "".join(f"\n  {p}" for p in files))
    ok, said = forget_tracker(args.sender, Path(args.endpoints), args.dry_run)
    print(said)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
