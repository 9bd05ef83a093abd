"""How the simple peer answers a trainee message: pure functions, no Rasa types.

The peer withdraws or pushes back when the coach flagged the message (with a line for the flag's
category when the scenario has one), opens up a disclosure layer on an open question, a reflection or
an invitation (after a directive message, the first such move only wins back the current layer), and
otherwise says a neutral line. No line repeats while unused alternatives remain.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from actions.peer.scenarios import Scenario

#: Listening moves (from the coach's listening_moves) that make the peer open up a layer. An
#: invitation ("Tell me more", "Go on") does the work of an open question.
OPENING_MOVES = frozenset({"open_question", "reflection", "invitation"})

#: Messages longer than this get a "that's a lot" reaction instead of a layer or a neutral line.
LONG_MESSAGE_CHARS = 1200


@dataclass
class PeerReply:
    """What the peer says, and the peer state to store afterwards."""

    text: str
    key: str
    reaction: str
    state: dict[str, Any] = field(default_factory=dict)
    used: list[str] = field(default_factory=list)


def pick_line(
    scenario: Scenario, pool_keys: Sequence[str], used: Iterable[str], seed: str
) -> tuple[str, str] | None:
    """Pick a line, never one already used while unused lines remain in the given pools.

    Pools are tried in order; the first with an unused line wins. Only when every line of every pool
    has been used does a line repeat (then the pools' lines are picked from again, avoiding the last
    one said). The choice among unused lines is a stable hash of ``seed``, so it is deterministic.

    Args:
        scenario: The scenario whose lines are used.
        pool_keys: Dotted pool keys, best first (see ``Scenario.pool``).
        used: Keys ("<pool>#<index>") of the lines already said in this conversation.
        seed: Varies the choice between conversations and turns, e.g. "<sender>:<turn>".

    Returns:
        ``(line_key, text)``, or None when none of the pools has any lines.
    """
    used_list = list(used)
    used_set = set(used_list)
    all_keys: list[tuple[str, str]] = []
    for pool_key in pool_keys:
        lines = scenario.pool(pool_key)
        keys = [(f"{pool_key}#{i}", line) for i, line in enumerate(lines)]
        all_keys.extend(keys)
        fresh = [item for item in keys if item[0] not in used_set]
        if fresh:
            return fresh[_stable_index(seed, len(fresh))]
    if not all_keys:
        return None
    last = used_list[-1] if used_list else None
    candidates = [item for item in all_keys if item[0] != last] or all_keys
    return candidates[_stable_index(seed, len(candidates))]


def _stable_index(seed: str, size: int) -> int:
    digest = hashlib.sha256(seed.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % size


def classify_reaction(
    text: str, analysis: dict[str, Any] | None, moves: Sequence[str], intent: str | None = None
) -> tuple[str, str | None]:
    """Decide what kind of reaction a trainee message gets.

    Args:
        text: The trainee's message.
        analysis: The coach's analysis of it (``analyze`` output), or None if unavailable.
        moves: Listening moves the coach recognised in it.
        intent: The NLU intent, if known (only "goodbye" and "greet" change the reaction).

    Returns:
        ``(reaction, category)``: reaction is one of "empty", "directive", "long", "open_up",
        "goodbye", "greeting", "neutral"; category is the first flag's category for "directive",
        else None.
    """
    if not text.strip():
        return "empty", None
    if analysis and analysis.get("directive") and analysis.get("flags"):
        return "directive", str(analysis["flags"][0].get("category") or "")
    if len(text) > LONG_MESSAGE_CHARS:
        return "long", None
    if OPENING_MOVES.intersection(moves):
        return "open_up", None
    if intent == "goodbye":
        return "goodbye", None
    if intent == "greet":
        return "greeting", None
    return "neutral", None


def peer_reply(
    scenario: Scenario,
    *,
    text: str,
    analysis: dict[str, Any] | None,
    moves: Sequence[str],
    state: dict[str, Any] | None,
    used: Sequence[str],
    seed: str,
    intent: str | None = None,
) -> PeerReply:
    """The peer's answer to one trainee message.

    Args:
        scenario: The scenario being practised.
        text: The trainee's message.
        analysis: The coach's analysis of the message, or None.
        moves: Listening moves the coach recognised.
        state: The peer state so far, e.g. ``{"layer": 1}``.
        used: Line keys already said in this conversation.
        seed: Deterministic variation, e.g. "<sender>:<turn>".
        intent: The NLU intent of the message, if known.

    Returns:
        The reply line (without the peer's name) and the updated state and used-line keys.
    """
    state = dict(state or {})
    layer = int(state.get("layer", 0))
    deepest = len(scenario.layers) - 1
    reaction, category = classify_reaction(text, analysis, moves, intent)

    if reaction == "directive":
        pools = [f"reactions.categories.{category}", "reactions.directive"] if category else []
        pools = pools or ["reactions.directive"]
        # Told what to do, the peer holds back: the next listening move only wins back where they
        # were, and the one after that goes deeper again.
        state["guarded"] = True
    elif reaction == "open_up":
        if state.pop("guarded", False):
            pools = [f"layers.{layer}"]
        else:
            layer = min(layer + 1, deepest)
            pools = []
        # The new layer first, then unused lines from the layers just above it: a listening trainee
        # never hears filler while the peer still has something to say. Surface small talk is left
        # out once past it, since it would read as the peer closing up again.
        pools += [f"layers.{i}" for i in range(layer, 0, -1)] or ["layers.0"]
        pools.append("reactions.neutral")
    elif reaction in {"empty", "long", "goodbye", "greeting"}:
        pools = [f"reactions.{reaction}", "reactions.neutral"]
    else:
        pools = ["reactions.neutral"]

    picked = pick_line(scenario, pools, used, seed) or ("reactions.neutral#0", "...")
    state["layer"] = layer
    return PeerReply(text=picked[1], key=picked[0], reaction=reaction, state=state,
                     used=[*used, picked[0]])


def closing_line(scenario: Scenario, state: dict[str, Any] | None, used: Sequence[str],
                 seed: str) -> tuple[str, str] | None:
    """How the peer closes the conversation: warmer once they have reached their feelings.

    Args:
        scenario: The scenario being practised.
        state: The peer state, e.g. ``{"layer": 2}``.
        used: Line keys already said.
        seed: Deterministic variation.

    Returns:
        ``(line_key, text)``, or None when the scenario has no closing lines.
    """
    layer = int((state or {}).get("layer", 0))
    opened = layer >= min(2, len(scenario.layers) - 1)
    pools = ["closing.open", "closing.guarded"] if opened else ["closing.guarded", "closing.open"]
    return pick_line(scenario, pools, used, seed)
