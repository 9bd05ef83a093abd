"""MITI-inspired metrics and the 0-100 score for one practice session, from enriched turns.

Pure arithmetic over turns that already carry their coach analysis, move kind, rapport and layer (see
``actions.report.turns`` for how raw text gets them). Nothing here runs the coach or imports Rasa.

An enriched trainee turn is a dict::

    {"speaker": "trainee", "text": str, "directive": bool,
     "flags": [{"category", "text", "rephrasing"}, ...],   # the coach's flags (compact form)
     "moves": [str, ...],          # the coach's listening moves (actions.coach.listening_moves)
     "move": str,                  # the move reader's kind (actions.peer.moves.classify)
     "rapport": int, "layer": int} # the peer's state after this turn

and a peer turn is ``{"speaker": "peer", "text": str}``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

#: MITI 4.2.1 reflection-to-question thresholds (see /work/shared/reference/listening.md).
RQ_FAIR = 1.0
RQ_GOOD = 2.0
#: MITI 4.2.1 share of reflections that are complex.
CR_FAIR = 0.40
CR_GOOD = 0.50

#: The behaviours counted, with their names in the report.
BEHAVIOURS = {
    "open_question": "Open questions",
    "closed_question": "Closed questions",
    "reflection": "Reflections",
    "validation": "Validation",
    "affirmation": "Affirmation",
    "support_autonomy": "Emphasising autonomy",
    "self_disclosure": "Self-disclosure",
    "ask_permission": "Asking permission",
    "repair": "Repairs after a directive turn",
}
#: Behaviours that count as listening for the score's "listening turns" part.
LISTENING = frozenset({"open_question", "reflection", "validation", "affirmation", "support_autonomy",
                       "ask_permission", "repair", "summary"})
#: The coach's listening moves, as behaviours.
_COACH_TO_BEHAVIOUR = {"open_question": "open_question", "invitation": "open_question",
                       "closed_question": "closed_question", "reflection": "reflection",
                       "self_disclosure": "self_disclosure", "asking_permission": "ask_permission"}

#: A reflection that names a feeling, a meaning or a tension is complex (MITI: it adds to what was said).
_COMPLEX = re.compile(
    r"\b(feel\w*|felt|afraid|scared|frighten\w*|angry|anger|furious|hurt\w*|sad\w*|lonely|alone|ashamed|"
    r"shame|guilt\w*|exhaust\w*|tired|worn|overwhelm\w*|anxious|worr\w*|torn|stuck|trapped|hopeless|"
    r"helpless|confus\w*|relie\w*|proud|grief|griev\w*|loss|lost|betray\w*|humiliat\w*|invisible|"
    r"isolat\w*|frustrat\w*|upset|heartbroken|numb|terrif\w*|dread\w*|matters?|important|care\w* about|"
    r"mean[st]? (a lot|so much|everything)|part of you|on (the )?one hand|as if|like you('re| are| were)|"
    r"and yet|but (also|at the same time)|both\b.*\band|wonder(ing)? whether|what you want)\b",
    re.IGNORECASE,
)

#: The score's parts: (key, name, points).
SCORE_PARTS = (
    ("rq", "Reflections per question (full at MITI 'good', 2:1)", 25),
    ("listening", "Turns with a listening move", 25),
    ("directive", "Turns free of directive language (none left when half the turns are flagged)", 30),
    ("open", "Questions that are open", 10),
    ("talk", "Talking less than the peer (full at 40% of the words or less, none at 70% or more)", 10),
)


def reflection_kind(text: str) -> str:
    """Whether a reflection is "complex" (names a feeling, meaning or tension) or "simple".

    A heuristic over words, not a trained coder: it tells "you felt invisible" (complex) from
    "so he said no" (simple) but cannot judge whether the meaning added is accurate.

    Args:
        text: The trainee's message (already known to contain a reflection).

    Returns:
        "complex" or "simple".
    """
    return "complex" if _COMPLEX.search(text) else "simple"


def behaviours(turn: dict[str, Any], cues: Sequence[str] = ()) -> list[str]:
    """The MITI-style behaviours in one trainee turn, each at most once.

    Args:
        turn: An enriched trainee turn.
        cues: Extra behaviours read from the text (validation, affirmation, autonomy) by the caller.

    Returns:
        Behaviour ids (keys of BEHAVIOURS, or "summary"), in a stable order; empty for a directive turn.
    """
    if turn.get("directive"):
        return []
    found: list[str] = []
    for move in turn.get("moves") or ():
        behaviour = _COACH_TO_BEHAVIOUR.get(move)
        if behaviour and behaviour not in found:
            found.append(behaviour)
    kind = turn.get("move")
    if kind == "self_disclosure_asked":
        kind = "self_disclosure"
    if (kind in BEHAVIOURS or kind == "summary") and kind not in found:
        found.append(str(kind))
    for cue in cues:
        if cue not in found:
            found.append(cue)
    # A reflection that is also read as a closed question ("You felt let down?") counts as a reflection.
    if "reflection" in found and "closed_question" in found and turn.get("move") == "reflection":
        found.remove("closed_question")
    return found


def _ratio(num: float, den: float) -> float | None:
    return round(num / den, 2) if den else None


def _level(value: float | None, fair: float, good: float) -> str:
    if value is None:
        return "n/a"
    return "good" if value >= good else "fair" if value >= fair else "below fair"


def _words(text: str) -> int:
    return len(str(text or "").split())


def compute(turns: Sequence[dict[str, Any]], *, rapport_start: int = 0,
            layer_labels: Sequence[str] = ()) -> dict[str, Any]:
    """All the debrief's figures for one session.

    Args:
        turns: Enriched trainee turns and peer turns, in order. Trainee turns may carry ``behaviours``
            (from ``behaviours``); otherwise they are computed without text cues.
        rapport_start: The peer's rapport before the first trainee turn.
        layer_labels: The scenario's layer names, surface first, if known.

    Returns:
        A JSON-ready dict: ``turns``, ``counts``, ``reflections``, ``rq_ratio``, ``percent_open``,
        ``directive``, ``talk``, ``rapport``, ``layer``, ``score`` and ``score_parts``.
    """
    trainee = [t for t in turns if t.get("speaker") == "trainee"]
    peer_words = sum(_words(t.get("text")) for t in turns if t.get("speaker") == "peer")
    trainee_words = sum(_words(t.get("text")) for t in trainee)
    counts: Counter = Counter()
    simple = complex_ = 0
    listening_turns = 0
    flagged = 0
    categories: Counter = Counter()
    for turn in trainee:
        found = turn.get("behaviours")
        if found is None:
            found = behaviours(turn)
        counts.update(found)
        if "reflection" in found:
            if reflection_kind(str(turn.get("text") or "")) == "complex":
                complex_ += 1
            else:
                simple += 1
        if LISTENING & set(found):
            listening_turns += 1
        if turn.get("directive"):
            flagged += 1
            cats = {str(f.get("category")) for f in turn.get("flags") or ()} or {"advising"}
            categories.update(cats)
    n = len(trainee)
    questions = counts["open_question"] + counts["closed_question"]
    reflections = counts["reflection"]
    rq = _ratio(reflections, questions)
    percent_open = round(100 * counts["open_question"] / questions) if questions else None
    share = round(100 * trainee_words / (trainee_words + peer_words)) if peer_words else None
    arc = [rapport_start] + [int(t.get("rapport", rapport_start) or 0) for t in trainee]
    deepest = max([int(t.get("layer") or 0) for t in trainee] or [0])
    parts = _score_parts(n=n, reflections=reflections, questions=questions, rq=rq,
                         listening_turns=listening_turns, flagged=flagged,
                         open_questions=counts["open_question"], share=share)
    measured = [p for p in parts if p["points"] is not None]
    available = sum(p["max"] for p in measured)
    score = round(100 * sum(p["points"] for p in measured) / available) if available and n else 0
    return {
        "turns": {"trainee": n, "peer": len(turns) - n},
        "counts": {key: counts[key] for key in BEHAVIOURS} | {"summary": counts["summary"]},
        "reflections": {"total": reflections, "simple": simple, "complex": complex_,
                        "percent_complex": round(100 * complex_ / reflections) if reflections else None,
                        "level": _level(complex_ / reflections if reflections else None, CR_FAIR, CR_GOOD)},
        "rq_ratio": {"value": rq, "reflections": reflections, "questions": questions,
                     "level": _level(rq if questions else (None if not reflections else RQ_GOOD),
                                     RQ_FAIR, RQ_GOOD),
                     "fair": RQ_FAIR, "good": RQ_GOOD},
        "percent_open": percent_open,
        "directive": {"turns": flagged, "percent": round(100 * flagged / n) if n else 0,
                      "by_category": dict(categories.most_common())},
        "talk": {"trainee_words": trainee_words, "peer_words": peer_words, "trainee_share": share},
        "rapport": {"start": rapport_start, "end": arc[-1], "min": min(arc), "max": max(arc), "arc": arc},
        "layer": {"deepest": deepest,
                  "label": layer_labels[min(deepest, len(layer_labels) - 1)] if layer_labels else None,
                  "of": len(layer_labels) or None},
        "listening_turns": listening_turns,
        "score": score,
        "score_parts": parts,
    }


def _score_parts(*, n: int, reflections: int, questions: int, rq: float | None, listening_turns: int,
                 flagged: int, open_questions: int, share: int | None) -> list[dict[str, Any]]:
    """Each part of the score: points earned (None when it cannot be measured) out of its maximum."""
    values: dict[str, float | None] = {}
    if questions:
        values["rq"] = min((rq or 0.0) / RQ_GOOD, 1.0)
    else:
        values["rq"] = 1.0 if reflections else (0.0 if n else None)
    values["listening"] = listening_turns / n if n else None
    values["directive"] = max(0.0, 1.0 - 2.0 * flagged / n) if n else None
    values["open"] = open_questions / questions if questions else None
    values["talk"] = None if share is None else min(1.0, max(0.0, (70 - share) / 30))
    parts = []
    for key, name, points in SCORE_PARTS:
        value = values[key]
        parts.append({"key": key, "name": name, "max": points,
                      "points": None if value is None else round(value * points, 1)})
    return parts


SCORE_EXPLANATION = (
    "The score adds five parts, each from what you did, not from what the peer said: "
    + "; ".join(f"{name} ({points} points)" for _, name, points in SCORE_PARTS)
    + ". A part that cannot be measured (no questions asked, or no peer turns to compare word counts "
    "with) is left out and the rest is scaled to 100. It counts listening behaviours and directive "
    "language as the coach reads them; it does not judge whether a reflection was accurate, how warm "
    "you sounded, or whether the peer felt helped."
)
