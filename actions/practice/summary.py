"""The session summary behind /feedback and /end, built from the coach log.

A fuller debrief is a later issue; this one is real but short: turns so far, flagged turns by
category, an example with a rephrasing, and a strength.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

#: Longest quote of a trainee message in the summary.
QUOTE_CHARS = 160

_MOVE_NAMES = {"open_question": ("open question", "open questions"),
               "reflection": ("reflection", "reflections"),
               "invitation": ("invitation to say more", "invitations to say more")}


@dataclass
class Summary:
    """Counts and examples from one conversation's coach log."""

    turns: int = 0
    flagged_turns: int = 0
    by_category: Counter = field(default_factory=Counter)
    moves: Counter = field(default_factory=Counter)
    examples: list[dict[str, Any]] = field(default_factory=list)
    held_notes: int = 0
    unread: int = 0


def summarize(log: Sequence[dict[str, Any]], max_examples: int = 1) -> Summary:
    """Count what happened in a conversation.

    Args:
        log: Coach log entries (see coaching.coach_turn).
        max_examples: How many flagged messages to quote, each from a different category when possible.

    Returns:
        The summary. A turn with two flags of different categories counts once in each category.
    """
    summary = Summary(turns=len(log))
    candidates: list[dict[str, Any]] = []
    for entry in log:
        summary.moves.update(set(entry.get("moves") or ()))
        if entry.get("held"):
            summary.held_notes += 1
        if entry.get("coach_error"):
            summary.unread += 1
        flags = entry.get("flags") or []
        if not (entry.get("directive") and flags):
            continue
        summary.flagged_turns += 1
        summary.by_category.update({str(f.get("category")) for f in flags})
        first = next((f for f in flags if f.get("rephrasing")), None)
        if first:
            candidates.append({"text": entry.get("text", ""), "category": first.get("category"),
                               "rephrasing": first["rephrasing"], "turn": entry.get("turn"),
                               "held": bool(entry.get("held"))})
    # Notes the trainee has not seen (held back in quiet mode) first, then the most frequent
    # categories: those are the habits most worth changing.
    rank = {category: i for i, (category, _) in enumerate(summary.by_category.most_common())}
    candidates.sort(key=lambda c: (not c["held"], rank.get(c["category"], 99), c["turn"] or 0))
    seen: set[str] = set()
    for candidate in candidates:
        if len(summary.examples) >= max_examples:
            break
        if candidate["category"] not in seen:
            seen.add(candidate["category"])
            summary.examples.append(candidate)
    return summary


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 3].rstrip() + "..."


def render_summary(summary: Summary, peer_name: str, *, heading: str,
                   layer_reached: str | None = None) -> str:
    """Plain-text summary for the trainee.

    Args:
        summary: From ``summarize``.
        peer_name: The peer's name.
        heading: First line, e.g. "Here's how it's going so far."
        layer_reached: How far the peer opened up, e.g. "how they feel (3 of 5)", if known.

    Returns:
        A few short lines of text.
    """
    if summary.turns == 0:
        return (f"{heading}\nNo messages to {peer_name} yet. Once you've talked for a bit, "
                "I'll show you what went well and what to try.")
    lines = [heading, f"- You sent {peer_name} {_plural(summary.turns, 'message', 'messages')}."]
    if summary.unread:
        lines.append(f"- The coach couldn't read {summary.unread} of them, so those aren't counted below.")
    if summary.flagged_turns:
        categories = ", ".join(f"{c.replace('_', ' ')} ({n})" for c, n in summary.by_category.most_common())
        lines.append(f"- The coach flagged {summary.flagged_turns} of them: {categories}.")
        for example in summary.examples:
            lines.append(f'- You wrote: "{_quote(example["text"])}"\n'
                         f'  You could try: "{example["rephrasing"]}"')
    elif summary.unread < summary.turns:
        lines.append("- The coach didn't flag any of them. That's listening that leaves "
                     f"{peer_name} in charge.")
    strengths = [_plural(summary.moves[m], *_MOVE_NAMES[m]) for m in _MOVE_NAMES if summary.moves[m]]
    if strengths:
        listed = strengths[0] if len(strengths) == 1 else f"{', '.join(strengths[:-1])} and {strengths[-1]}"
        lines.append(f"- Going well: {listed}. That's what helps {peer_name} open up.")
    else:
        lines.append("- Something to try: an open question (\"What's that been like?\") or saying back "
                     "a feeling you heard.")
    if layer_reached:
        lines.append(f"- How far {peer_name} opened up: {layer_reached}.")
    return "\n".join(lines)
