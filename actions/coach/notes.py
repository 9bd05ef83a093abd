"""What the trainee reads: the coach's note in the shell, and the CLI's readable analysis."""

from __future__ import annotations

from typing import Any

from .rules import load_categories


def render_note(analysis: dict[str, Any], max_flags: int = 2) -> str:
    """Render the coach's note for a flagged message.

    Flags on the same words make one note ("sounds like ordering and advising"), explained by the most
    important; at most ``max_flags`` notes, so the trainee isn't buried.

    Args:
        analysis: The result of :func:`actions.coach.analyze`.
        max_flags: How many notes to show.

    Returns:
        Plain text starting with "Coach:", or "" when nothing was flagged.
    """
    flags = analysis.get("flags") or []
    if not flags:
        return ""
    names = {c.id: c.name.lower() for c in _categories()}
    notes: list[tuple[dict[str, Any], list[str]]] = []  # (lead flag, categories) per span
    seen: set[str] = set()
    for flag in flags:
        if flag["category"] in seen:
            continue
        seen.add(flag["category"])
        same = next((n for n in notes if (n[0]["start"], n[0]["end"]) == (flag["start"], flag["end"])), None)
        if same is not None:
            same[1].append(flag["category"])
        elif len(notes) < max_flags:
            notes.append((flag, [flag["category"]]))
    lines = []
    for k, (flag, cats) in enumerate(notes):
        kinds = " and ".join(names.get(c, c) for c in cats)
        head = "Coach:" if k == 0 else "Also:"
        lines.append(f'{head} "{flag["text"]}" sounds like {kinds}. {flag["explanation"]}')
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


def category_names() -> dict[str, str]:
    """Each category id's name as trainees read it, e.g. ``{"minimizing": "Minimising", ...}``."""
    return {c.id: c.name for c in _categories()}


def _categories() -> list[Any]:
    if not _CATEGORIES:
        _CATEGORIES.extend(load_categories().values())
    return _CATEGORIES
