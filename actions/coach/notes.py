"""What the trainee reads: the coach's note in the shell, and the CLI's readable analysis."""

from __future__ import annotations

from typing import Any

from .rules import load_categories


def render_note(analysis: dict[str, Any], max_flags: int = 2) -> str:
    """Render the coach's note for a flagged message.

    The first flag is explained in full; further categories are named so the trainee isn't buried.

    Args:
        analysis: The result of :func:`actions.coach.analyze`.
        max_flags: How many flags get their own line.

    Returns:
        Plain text starting with "Coach:", or "" when nothing was flagged.
    """
    flags = analysis.get("flags") or []
    if not flags:
        return ""
    names = {c.id: c.name for c in _categories()}
    lines = []
    shown = []
    for flag in flags:
        if flag["category"] in shown or len(shown) == max_flags:
            continue
        shown.append(flag["category"])
        name = names.get(flag["category"], flag["category"])
        head = "Coach:" if len(shown) == 1 else "Also:"
        lines.append(f'{head} "{flag["text"]}" sounds like {name.lower()}. {flag["explanation"]}')
        if flag["rephrasings"]:
            lines.append("  You could try: " + " / ".join(f'"{r}"' for r in flag["rephrasings"]))
    return "\n".join(lines)


def render_report(analysis: dict[str, Any]) -> str:
    """A readable analysis for the command line."""
    if not analysis["flags"]:
        return f"{analysis['text']!r}\n  No directive language found. Nice listening."
    return f"{analysis['text']!r}\n" + "\n".join(
        "  " + line for line in render_note(analysis, 12).splitlines()
    )


_CATEGORIES: list[Any] = []


def _categories() -> list[Any]:
    if not _CATEGORIES:
        _CATEGORIES.extend(load_categories().values())
    return _CATEGORIES
