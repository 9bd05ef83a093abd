"""Turning a session's turns into enriched turns: coach analysis, move kind, rapport and layer.

Two kinds of input:

* **Live sessions** (the assistant's tracker): every trainee turn already carries what the assistant
  stored at the time: the coach's log entry (flags, listening moves) and the peer's state after the
  turn (rapport, layer, the move kind read with the NLU intent). ``is_enriched`` turns pass through.
* **Raw turns** (``{"speaker": "trainee" | "peer", "text": str}``, e.g. supervisors' logs): each
  trainee message is analysed by the same coach (``actions.coach.analyze`` and ``listening_moves``)
  and replayed through the same peer (``actions.peer.responder.peer_reply``, which reads the move with
  ``actions.peer.moves.classify``) to get rapport and layer. The NLU model is not available in the lean
  action-server environment, so unless a turn gives its ``intent``, the move is read from the coach's
  listening moves and the move reader's text cues, exactly as the live peer does when NLU is unsure.
  The peer's rapport is replayed against the session's ``scenario`` (default: the first scenario in
  the menu), so the arc is what that peer would have felt, not a measurement of the real listener.

No Rasa imports: the coach (spaCy) and the peer are imported when first needed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

#: Longest flag text kept per flag.
FLAG_TEXT_CHARS = 200


def compact_flags(analysis: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The coach's flags, trimmed to what a report needs (category, text, first rephrasing)."""
    flags = []
    for flag in (analysis or {}).get("flags") or []:
        rephrasings = flag.get("rephrasings") or []
        flags.append({"category": flag.get("category"), "text": str(flag.get("text") or "")[:FLAG_TEXT_CHARS],
                      "rephrasing": rephrasings[0] if rephrasings else flag.get("rephrasing")})
    return flags


def is_enriched(turn: dict[str, Any]) -> bool:
    """Whether a trainee turn already carries its analysis (a live session's stored turn)."""
    return "moves" in turn and "rapport" in turn


def validate_turns(turns: Any) -> list[dict[str, Any]]:
    """Check the input shape and normalise it.

    Args:
        turns: A list of ``{"speaker": "trainee" | "peer", "text": str, ...}``.

    Returns:
        Copies of the turns with ``speaker`` lower-cased and ``text`` a string.

    Raises:
        ValueError: When the input is not a list of such turns.
    """
    if not isinstance(turns, list):
        raise ValueError("'turns' must be a list")
    out = []
    for i, turn in enumerate(turns):
        if not isinstance(turn, dict):
            raise ValueError(f"turn {i}: expected an object")
        speaker = str(turn.get("speaker") or "").lower()
        if speaker not in ("trainee", "peer"):
            raise ValueError(f"turn {i}: speaker must be 'trainee' or 'peer', not {turn.get('speaker')!r}")
        text = turn.get("text")
        if not isinstance(text, str):
            raise ValueError(f"turn {i}: text must be a string")
        out.append(dict(turn, speaker=speaker, text=text))
    return out


def enrich(turns: Sequence[dict[str, Any]], scenario_id: str | None = None,
           analyses: Iterable[dict[str, Any]] | None = None) -> tuple[list[dict[str, Any]], Any]:
    """Analyse and replay the trainee turns of one session.

    Args:
        turns: Validated turns, in order. Trainee turns that are already enriched are kept as they are.
        scenario_id: The scenario whose peer replays rapport (None: the first in the menu).
        analyses: The coach's analyses of the raw trainee texts, in order, if already computed
            (``analyze_many`` is faster on many sessions).

    Returns:
        The enriched turns and the scenario used (None when no scenario could be loaded).
    """
    from actions.coach import analyze, listening_moves
    from actions.peer.responder import peer_reply, start_state
    from actions.peer.scenarios import default_scenario, get_scenario

    scenario = get_scenario(scenario_id) or default_scenario()
    peer_state: dict[str, Any] = start_state(scenario) if scenario else {"rapport": 0, "layer": 0}
    used: list[str] = []
    pending = iter(analyses) if analyses is not None else None
    out: list[dict[str, Any]] = []
    for turn in turns:
        if turn["speaker"] != "trainee" or is_enriched(turn):
            out.append(dict(turn))
            continue
        text = turn["text"]
        analysis = next(pending) if pending is not None else analyze(text)
        flagged = bool(analysis.get("directive") and analysis.get("flags"))
        moves = [] if flagged else list(listening_moves(text))
        intent = turn.get("intent")
        confidence = float(turn.get("confidence", 1.0)) if intent else 0.0
        if scenario is not None:
            reply = peer_reply(scenario, text=text, analysis=analysis, moves=moves, state=peer_state,
                               used=used, seed=f"report:{len(used)}", intent=intent, confidence=confidence)
            peer_state = reply.state
            used.extend(reply.keys)
            kind = reply.move.kind
        else:
            from actions.peer.moves import classify

            kind = classify(text, analysis, moves, intent, confidence).kind
        out.append({"speaker": "trainee", "text": text, "directive": flagged,
                    "flags": compact_flags(analysis) if flagged else [], "moves": moves, "move": kind,
                    "rapport": int(peer_state.get("rapport", 0)), "layer": int(peer_state.get("layer", 0)),
                    "intent": intent, "source": "replayed"})
    return out, scenario


def rapport_start(scenario: Any) -> int:
    """The rapport a conversation with this scenario's peer starts at (0 when unknown)."""
    return int(scenario.rapport.start) if scenario is not None else 0
