"""The language coach: flags directive or hierarchical language and suggests collaborative rephrasings.

Public interface (other tools depend on these shapes):
    analyze(text) -> {"text", "directive", "flags": [{"category", "start", "end", "text",
                      "explanation", "rephrasings"}]}

PROVISIONAL STUB: the real engine is being written; the shapes are final.
"""

from __future__ import annotations

from typing import Any


def analyze(text: str) -> dict[str, Any]:
    """Analyse one trainee message (provisional stub, shape is final)."""
    flags: list[dict[str, Any]] = []
    low = text.lower()
    if "you should" in low:
        i = low.index("you should")
        flags.append({"category": "advising", "start": i, "end": i + 10, "text": text[i:i + 10],
                      "explanation": "Advice the peer didn't ask for puts you in charge of their life.",
                      "rephrasings": ["What have you thought about trying, if anything?"]})
    return {"text": text, "directive": bool(flags), "flags": flags}


def listening_moves(text: str) -> list[str]:
    """Listening moves recognised in a message (provisional stub)."""
    t = text.strip().lower()
    if t.endswith("?") and t.split()[:1] and t.split()[0] in {"what", "how"}:
        return ["open_question"]
    if t.startswith(("it sounds like", "sounds like", "you feel")):
        return ["reflection"]
    return []


def render_note(analysis: dict[str, Any], max_flags: int = 2) -> str:
    """Render a coach note for a flagged analysis as plain text starting with "Coach:" (provisional)."""
    parts = []
    for flag in analysis["flags"][:max_flags]:
        tries = " / ".join(f'"{r}"' for r in flag["rephrasings"])
        parts.append(f'"{flag["text"]}" ({flag["category"]}): {flag["explanation"]} Try: {tries}')
    return "Coach: " + "\n".join(parts)
