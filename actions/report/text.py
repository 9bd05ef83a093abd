"""The debrief's figures in a few plain-text lines, for the conversation itself (shell and web)."""

from __future__ import annotations

from typing import Any

#: Longest quote in the text form.
QUOTE_CHARS = 120


def _quote(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 3].rstrip() + "..."


def render_text(report: dict[str, Any], peer_name: str = "the peer") -> str:
    """Three or four short lines: the score, the MITI figures and the trainee's best strength.

    Args:
        report: From ``actions.report.build_report``.
        peer_name: The peer's name.

    Returns:
        Plain text, one figure per line (empty when there were no trainee turns).
    """
    if not report["turns"]["trainee"]:
        return ""
    rq = report["rq_ratio"]
    ratio = ("no questions yet" if rq["value"] is None else f"{rq['value']:.1f} to 1 ({rq['level']}; "
             "MITI counts 1 to 1 as fair, 2 to 1 as good)")
    lines = [f"- Listening score: {report['score']}/100 (it counts listening moves and directive language; "
             "the full report shows how).",
             f"- Reflections per question: {ratio}."]
    extras = []
    if report["percent_open"] is not None:
        extras.append(f"{report['percent_open']}% of your questions were open")
    share = report["talk"]["trainee_share"]
    if share is not None:
        extras.append(f"you wrote {share}% of the words")
    if extras:
        joined = "; ".join(extras)
        lines.append(f"- {joined[0].upper()}{joined[1:]}.")
    strengths = report.get("strengths") or []
    if strengths:
        best = strengths[0]
        lines.append(f'- A strength: {best["title"].lower()}: "{_quote(best["quote"])}"')
    return "\n".join(lines)
