"""Run ``rasa run`` with the HTTP API token taken from the environment, not from the command line.

scripts/cluster starts every Rasa replica through this file (in Rasa's environment, .venv). A token passed
as ``--auth-token TOKEN`` would be readable by every local user in /proc/<pid>/cmdline and in ``ps``; here it
travels in the environment (``RASA_API_TOKEN``, readable only by the process's owner and root) and is added
to Rasa's arguments inside the process. Without a token the HTTP API stays off.

Usage: .venv/bin/python scripts/cluster.d/rasa_run.py [rasa run arguments...]
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    """Build ``rasa run``'s arguments and hand over to Rasa's command line."""
    args = ["rasa", "run", *sys.argv[1:]]
    token = os.environ.get("RASA_API_TOKEN", "")
    if token:
        args += ["--enable-api", "--auth-token", token]
    sys.argv = args
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
