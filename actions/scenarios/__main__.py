"""``python -m actions.scenarios``: see actions/scenarios/cli.py."""

from __future__ import annotations

import sys

from actions.scenarios.cli import main

if __name__ == "__main__":
    sys.exit(main())
