"""One session's debrief: metrics, score, instructive moments and strengths."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from actions.report.metrics import SCORE_EXPLANATION, behaviours, compute, reflection_kind
from actions.report.turns import enrich, is_enriched, rapport_start, validate_turns

#: Longest quote of a trainee message.
QUOTE_CHARS = 200

#: Strengths, most telling first: (behaviour, title, why it helps).
_STRENGTHS = (
    ("complex_reflection", "A reflection that named what lay underneath",
     "Saying back the feeling or meaning, not only the facts, shows you heard more than the words."),
    ("open_question", "An open question",
     "It let the peer choose what to talk about and how much to say."),
    ("validation", "Validation", "It told the peer their reaction makes sense, without fixing anything."),
    ("reflection", "A reflection", "Saying back what you heard keeps the peer in charge of the story."),
    ("affirmation", "Affirmation", "Noticing the peer's strength, not only their problem, builds trust."),
    ("ask_permission", "Asking permission",
     "Asking before offering anything keeps the choice with the peer."),
    ("support_autonomy", "Emphasising autonomy", "It left the decision where it belongs: with the peer."),
    ("repair", "A repair", "Owning a misstep and coming back to listening wins trust back."),
)


def text_cues(text: str) -> list[str]:
    """Validation, affirmation and autonomy cues in a message, read by the move reader's own patterns.

    These are the cues ``actions.peer.moves.classify`` uses when no NLU intent is given; they are
    read here on every turn so a message that also asks a question still counts its validation.
    """
    from actions.peer import moves as reader

    found = []
    for name, pattern in (("validation", reader._VALIDATION), ("affirmation", reader._AFFIRMATION),
                          ("support_autonomy", reader._AUTONOMY)):
        if pattern.search(text):
            found.append(name)
    return found


def _quote(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 3].rstrip() + "..."


def annotate(turns: Sequence[dict[str, Any]], start: int) -> list[dict[str, Any]]:
    """Add each trainee turn's behaviours, its rapport change and its index among trainee turns."""
    previous = start
    number = 0
    out = []
    for turn in turns:
        turn = dict(turn)
        if turn.get("speaker") == "trainee":
            number += 1
            cues = [] if turn.get("directive") else text_cues(str(turn.get("text") or ""))
            turn["behaviours"] = behaviours(turn, cues)
            if "reflection" in turn["behaviours"]:
                turn["reflection"] = reflection_kind(str(turn.get("text") or ""))
            rapport = int(turn.get("rapport", previous) or 0)
            turn["delta"] = rapport - previous
            turn["number"] = number
            previous = rapport
        out.append(turn)
    return out


def _effect(delta: int) -> str:
    if delta < 0:
        return f"rapport fell by {-delta}"
    if delta > 0:
        return f"rapport rose by {delta}"
    return "rapport did not change"


def _category(turn: dict[str, Any]) -> str:
    flags = turn.get("flags") or []
    return str(flags[0].get("category")) if flags else "advising"


def moments(turns: Sequence[dict[str, Any]], limit: int = 3) -> list[dict[str, Any]]:
    """The most instructive moments: flagged turns that cost the most rapport, then the best listening.

    Args:
        turns: Annotated turns (see ``annotate``).
        limit: At most this many (two or three is what a trainee can take in).

    Returns:
        ``[{"turn", "text", "kind": "flagged" | "worked", "category", "effect", "delta", "rephrasing"}]``,
        flagged moments of different categories first.
    """
    trainee = [t for t in turns if t.get("speaker") == "trainee"]
    flagged = sorted((t for t in trainee if t.get("directive")), key=lambda t: (t["delta"], t["number"]))
    # Different categories first: two notes about the same habit teach less than two habits.
    picked: list[dict[str, Any]] = []
    seen: set[str] = set()
    for turn in flagged:
        category = _category(turn)
        if category not in seen:
            seen.add(category)
            picked.append(turn)
    picked += [t for t in flagged if t not in picked]
    chosen: list[dict[str, Any]] = []
    for turn in picked[: limit - 1]:
        flags = turn.get("flags") or []
        rephrasing = next((f.get("rephrasing") for f in flags if f.get("rephrasing")), None)
        chosen.append({"turn": turn["number"], "text": _quote(turn["text"]), "kind": "flagged",
                       "category": _category(turn), "delta": turn["delta"], "effect": _effect(turn["delta"]),
                       "rephrasing": rephrasing})
    good = sorted((t for t in trainee if not t.get("directive") and t["delta"] > 0),
                  key=lambda t: (-t["delta"], t["number"]))
    for turn in good[: limit - len(chosen) if not chosen else 1]:
        chosen.append({"turn": turn["number"], "text": _quote(turn["text"]), "kind": "worked",
                       "category": None, "delta": turn["delta"], "effect": _effect(turn["delta"]),
                       "rephrasing": None})
    return sorted(chosen, key=lambda c: c["turn"])


def strengths(turns: Sequence[dict[str, Any]], limit: int = 2) -> list[dict[str, Any]]:
    """Genuine strengths, each quoting the trainee's own best example of it.

    Only behaviours the trainee actually showed are listed, so a session may have fewer than ``limit``.

    Returns:
        ``[{"behaviour", "title", "why", "quote", "turn", "count"}]``.
    """
    trainee = [t for t in turns if t.get("speaker") == "trainee" and not t.get("directive")]
    examples: dict[str, list[dict[str, Any]]] = {}
    for turn in trainee:
        for behaviour in turn.get("behaviours") or ():
            examples.setdefault(behaviour, []).append(turn)
            if behaviour == "reflection" and turn.get("reflection") == "complex":
                examples.setdefault("complex_reflection", []).append(turn)
    found: list[dict[str, Any]] = []
    quoted: set[int] = set()
    for behaviour, title, why in _STRENGTHS:
        if len(found) >= limit:
            break
        if behaviour == "reflection" and any(f["behaviour"] == "complex_reflection" for f in found):
            continue
        candidates = [t for t in examples.get(behaviour, []) if t["number"] not in quoted]
        if not candidates:
            continue
        best = max(candidates, key=lambda t: (t["delta"], len(t["text"].split()) <= 40, -t["number"]))
        quoted.add(best["number"])
        found.append({"behaviour": behaviour, "title": title, "why": why, "quote": _quote(best["text"]),
                      "turn": best["number"], "count": len(examples[behaviour])})
    return found


def build_report(turns: Any, *, session_id: str = "", scenario_id: str | None = None,
                 analyses: Sequence[dict[str, Any]] | None = None,
                 include_turns: bool = True) -> dict[str, Any]:
    """The full debrief of one session.

    Args:
        turns: Raw turns (``{"speaker", "text"}``) or the live assistant's enriched turns, in order.
        session_id: The session's id, copied to the output.
        scenario_id: The scenario practised, if known (names the layers; replays rapport for raw turns).
        analyses: Precomputed coach analyses of the raw trainee texts, in order (optional).
        include_turns: Whether to include the annotated transcript (the HTML report needs it).

    Returns:
        ``{"id", "score", "score_explanation", ...metrics (see metrics.compute), "moments", "strengths",
        "scenario", "turns_detail"?}``.
    """
    turns = validate_turns(turns)
    raw = any(t["speaker"] == "trainee" and not is_enriched(t) for t in turns)
    scenario = None
    if raw:
        turns, scenario = enrich(turns, scenario_id, analyses)
    elif scenario_id:
        from actions.peer.scenarios import get_scenario

        scenario = get_scenario(scenario_id)
    start = rapport_start(scenario) if scenario is not None else _start_of(turns)
    annotated = annotate(turns, start)
    labels = scenario.layer_labels if scenario is not None else ()
    metrics = compute(annotated, rapport_start=start, layer_labels=labels)
    report: dict[str, Any] = {"id": session_id, "score": metrics.pop("score")}
    report.update(metrics)
    report["score_explanation"] = SCORE_EXPLANATION
    report["moments"] = moments(annotated)
    report["strengths"] = strengths(annotated)
    report["scenario"] = ({"id": scenario.id, "peer": scenario.name, "title": scenario.title}
                          if scenario is not None else None)
    report["classified"] = ("replayed offline: coach + move reader cues (and intents where given)"
                            if raw else "as stored live (coach + NLU intent)")
    if include_turns:
        report["turns_detail"] = annotated
    return report


def _start_of(turns: Sequence[dict[str, Any]]) -> int:
    """Rapport before the first turn when the scenario is unknown: the default start in rapport.yml.

    Turns store rapport after each turn only, so the start comes from the scenario when it is known
    (``rapport_start``) and from the defaults otherwise.
    """
    from actions.peer.rapport import build_rules

    return build_rules().start
