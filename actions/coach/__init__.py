"""The language coach: flags directive or hierarchical language and suggests collaborative rephrasings.

Public interface (other tools depend on these shapes)::

    analyze(text) -> {"text": str, "directive": bool,
                      "flags": [{"category", "start", "end", "text", "explanation", "rephrasings"}]}

Nothing heavy happens at import: the spaCy pipeline is built on the first call and cached. When a compiled
build of the hot modules matches the sources (``scripts/build_native.py``), it is imported instead of them.
"""

from __future__ import annotations

from typing import Any

from .native import prefer_build

COMPILED = prefer_build(__path__)

__all__ = ["analyze", "analyze_many", "listening_moves", "render_note"]


def analyze(text: str) -> dict[str, Any]:
    """Analyse one trainee message; see :func:`actions.coach.engine.analyze`."""
    from .engine import analyze as _analyze

    return _analyze(text)


def analyze_many(texts: Any) -> Any:
    """Analyse many messages in order, streaming; see :func:`actions.coach.engine.analyze_many`."""
    from .engine import analyze_many as _analyze_many

    return _analyze_many(texts)


def listening_moves(text: str) -> list[str]:
    """Listening moves recognised in a message; see :func:`actions.coach.moves.listening_moves`."""
    from .moves import listening_moves as _moves

    return _moves(text)


def render_note(analysis: dict[str, Any], max_flags: int = 2) -> str:
    """The coach's note for a flagged message; see :func:`actions.coach.notes.render_note`."""
    from .notes import render_note as _render

    return _render(analysis, max_flags)
