"""What the coach says on one practice turn, and the compact log entry kept for the debrief.

Pure functions: the analysis comes from actions.coach, the wording of flag notes from its
render_note; this module decides when to speak and what to store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

#: Longest message text kept in the log (the log lives on the tracker, so it stays compact).
LOG_TEXT_CHARS = 500
LOG_FLAG_TEXT_CHARS = 200

#: Listening moves the coach may praise, most valued first.
PRAISED_MOVES = ("reflection", "open_question")

#: After the first time, a move is praised again only on every PRAISE_EVERY-th occurrence.
PRAISE_EVERY = 5

_FIRST_PRAISE = {
    "reflection": "Coach: Nice reflection. Saying back what you heard shows {name} you're listening, "
                  "and leaves {name} in charge of the story.",
    "open_question": "Coach: Good open question. It gives {name} room to answer however feels right.",
}
_LATER_PRAISE = {
    "reflection": "Coach: Another good reflection. That's what helps {name} keep talking.",
    "open_question": "Coach: Another good open question: {name} gets to choose where to go next.",
}


@dataclass
class CoachTurn:
    """The coach's response to one message: what to show now, and what to log."""

    entry: dict[str, Any]
    note: str | None = None
    payload: dict[str, Any] | None = None


def compact_flags(analysis: dict[str, Any]) -> list[dict[str, Any]]:
    """The flags of an analysis, trimmed to what a debrief needs."""
    flags = []
    for flag in analysis.get("flags") or []:
        rephrasings = flag.get("rephrasings") or []
        flags.append({
            "category": flag.get("category"),
            "start": flag.get("start"),
            "end": flag.get("end"),
            "text": str(flag.get("text") or "")[:LOG_FLAG_TEXT_CHARS],
            "rephrasing": rephrasings[0] if rephrasings else None,
        })
    return flags


def error_entry(text: str, log: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """A log entry for a turn the coach could not analyse, so turn counts stay right."""
    return {"turn": len(log) + 1, "text": text[:LOG_TEXT_CHARS], "directive": False, "flags": [],
            "moves": [], "note": None, "held": False, "coach_error": True}


def praise_move(moves: Sequence[str], log: Sequence[dict[str, Any]]) -> tuple[str, bool] | None:
    """Which listening move, if any, earns a short positive note on this turn.

    Deterministic: a move is praised the first time it can be, then on every PRAISE_EVERY-th time it is
    made, but never on two turns running: notes that come every turn stop being read.

    Args:
        moves: Listening moves in the current message.
        log: Earlier log entries of this conversation.

    Returns:
        ``(move, first_time)``, or None when the coach should stay quiet.
    """
    if log and log[-1].get("note") == "praise":
        return None
    for move in PRAISED_MOVES:
        if move not in moves:
            continue
        if not any(entry.get("praised") == move for entry in log):
            return move, True
        occurrence = sum(1 for entry in log if move in (entry.get("moves") or ())) + 1
        if occurrence % PRAISE_EVERY == 0:
            return move, False
    return None


def coach_turn(
    text: str,
    analysis: dict[str, Any],
    moves: Sequence[str],
    log: Sequence[dict[str, Any]],
    *,
    mode: str,
    peer_name: str,
    rendered_note: str | None,
) -> CoachTurn:
    """Decide what the coach says about one practice message and build its log entry.

    Args:
        text: The trainee's message.
        analysis: ``analyze(text)``.
        moves: ``listening_moves(text)``.
        log: Earlier entries of this conversation's coach log.
        mode: "live" (notes now) or "quiet" (notes held back for the debrief).
        peer_name: The peer's name, for positive notes.
        rendered_note: ``render_note(analysis)`` when the message was flagged, else None.

    Returns:
        The note to show now (None to stay quiet), the custom payload for web clients, and the entry
        to append to the log.
    """
    flagged = bool(analysis.get("directive") and analysis.get("flags"))
    entry: dict[str, Any] = {
        "turn": len(log) + 1,
        "text": text[:LOG_TEXT_CHARS],
        "directive": flagged,
        "flags": compact_flags(analysis) if flagged else [],
        "moves": list(moves),
        "note": None,
        "held": False,
    }
    note: str | None = None
    if flagged:
        entry["note"] = "flag"
        note = rendered_note
    else:
        praise = praise_move(moves, log)
        if praise:
            move, first = praise
            entry["note"] = "praise"
            entry["praised"] = move
            note = (_FIRST_PRAISE if first else _LATER_PRAISE)[move].format(name=peer_name)
    if note is None:
        return CoachTurn(entry=entry)
    if mode == "quiet":
        entry["held"] = True
        return CoachTurn(entry=entry)
    return CoachTurn(entry=entry, note=note, payload=coach_payload(text, analysis, note, flagged))


def coach_payload(text: str, analysis: dict[str, Any], note: str, flagged: bool) -> dict[str, Any]:
    """The custom payload web clients render as the coach's card.

    Args:
        text: The trainee's message.
        analysis: ``analyze(text)``.
        note: The note as plain text (what the shell shows).
        flagged: Whether the note is about flagged language (else it is praise).

    Returns:
        ``{"coach": {...}}``: the analysis (``text``, ``directive``, ``flags``, each flag with its category's
        ``label`` too, e.g. "Minimising") plus ``note`` and ``kind`` ("flag" or "praise"); praise carries
        no flags.
    """
    if not flagged:
        return {"coach": {"text": text, "directive": False, "flags": [], "note": note, "kind": "praise"}}
    from actions.coach.notes import category_names

    names = category_names()
    flags = [{**flag, "label": names.get(flag["category"], flag["category"])} for flag in analysis["flags"]]
    return {"coach": {**analysis, "flags": flags, "note": note, "kind": "flag"}}
