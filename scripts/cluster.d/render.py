"""Render a configuration template: ``${NAME}`` (upper case) is replaced by the environment variable NAME.

Used by scripts/cluster for deploy/*.template. Lower-case ``$names`` (nginx's variables) are left alone.
An unset variable is an error naming the variable and the template, so a typo cannot render an empty value.

Usage: render.py TEMPLATE OUTPUT
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

PLACEHOLDER = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")


def render(text: str, env: dict[str, str]) -> tuple[str, list[str]]:
    """Fill the placeholders of a template.

    Args:
        text: The template.
        env: The values.

    Returns:
        The rendered text and the names that had no value (the text is unusable if there are any).
    """
    missing: list[str] = []

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in env:
            missing.append(name)
            return match.group(0)
        return env[name]

    return PLACEHOLDER.sub(fill, text), sorted(set(missing))


def main(argv: list[str]) -> int:
    """Render argv[1] into argv[2] (written atomically, mode 0600)."""
    if len(argv) != 3:
        print("usage: render.py TEMPLATE OUTPUT", file=sys.stderr)
        return 2
    template, output = Path(argv[1]), Path(argv[2])
    text, missing = render(template.read_text(), dict(os.environ))
    if missing:
        print(f"ERROR: {template}: no value for {', '.join(missing)} (set them in the environment)",
              file=sys.stderr)
        return 1
    tmp = output.with_name(output.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
    os.replace(tmp, output)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
