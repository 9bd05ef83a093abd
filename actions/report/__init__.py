"""Session debriefs: MITI-inspired listening metrics, a 0-100 score and an HTML report.

Pure library (no Rasa imports). ``build_report(turns)`` takes a session's turns, either the live
assistant's stored turns or raw ``{"speaker": "trainee" | "peer", "text"}`` turns (classified by the
same coach and move reader; see ``actions.report.turns``), and returns a JSON-ready dict;
``render_html(report)`` renders it as a self-contained page. ``python -m actions.report`` is the CLI.
"""

from __future__ import annotations

from typing import Any

__all__ = ["build_report", "render_html", "render_text"]


def build_report(turns: Any, **kwargs: Any) -> dict[str, Any]:
    """The debrief of one session; see :func:`actions.report.core.build_report`."""
    from actions.report.core import build_report as _build

    return _build(turns, **kwargs)


def render_html(report: dict[str, Any]) -> str:
    """The self-contained HTML report; see :func:`actions.report.html.render_html`."""
    from actions.report.html import render_html as _render

    return _render(report)


def render_text(report: dict[str, Any], peer_name: str = "the peer") -> str:
    """A short plain-text debrief; see :func:`actions.report.text.render_text`."""
    from actions.report.text import render_text as _render

    return _render(report, peer_name)
