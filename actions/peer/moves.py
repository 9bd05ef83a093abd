"""What kind of move a trainee message is, from the NLU intent and the coach together.

A message the coach flags is always directive, whatever the NLU model thought. Otherwise a confident
trainee-move intent decides; when the intent is unknown, unsure or a fallback (NLU is imperfect), the
coach's listening moves and a few plain cues decide instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from actions.peer.schema import TRAINEE_MOVES

#: Intents below this confidence are not trusted to name the move.
MIN_INTENT_CONFIDENCE = 0.5
#: Messages longer than this get a "that's a lot" reaction, whatever they are.
LONG_MESSAGE_CHARS = 1200

#: NLU intents that name a move. "advice" is answered like a flagged message (category advising).
ADVICE = "advice"
NLU_MOVES = frozenset({*TRAINEE_MOVES, ADVICE})
ADVICE_CATEGORY = "advising"

#: The coach's listening moves (actions.coach.listening_moves), as trainee moves, most telling first.
COACH_MOVES = (
    ("reflection", "reflection"),
    ("open_question", "open_question"),
    ("invitation", "open_question"),
    ("asking_permission", "ask_permission"),
    ("closed_question", "closed_question"),
)

_REPAIR = re.compile(
    r"\b(sorry|apologi[sz]e|my bad)\b.*\b(advice|jump(ed|ing)? (in|ahead)|told you|telling you|lectur\w*|"
    r"preach\w*|shouldn'?t have|didn'?t mean|not my place|got ahead|fix(ing)? (it|things))\b"
    r"|\b(let me|can i|i'll) (try|say) that (again|differently|another way)\b"
    r"|\b(scratch|forget) (that|what i said)\b",
    re.IGNORECASE,
)
_VALIDATION = re.compile(
    r"\b(that|it) makes (so much |a lot of |total )?sense\b|\bno wonder\b|\banyone would\b|\bi hear you\b"
    r"|\bof course you('d| would)\b|\bi('m| am) (so |really |very )?sorry (that|to hear|you)\b"
    r"|\bthat sounds (really |so |very |incredibly )?(hard|tough|painful|awful|difficult|horrible|rough|"
    r"exhausting|lonely|scary|frightening|overwhelming|heavy)\b",
    re.IGNORECASE,
)
_AUTONOMY = re.compile(
    r"\b(it'?s|that'?s) (completely |totally |entirely )?up to you\b|\byour (call|choice|decision)\b"
    r"|\byou know (yourself|your (own )?(situation|life|family|body|mind)) (best|better)\b"
    r"|\bwhatever you (decide|choose)\b",
    re.IGNORECASE,
)
_AFFIRMATION = re.compile(
    r"\b(took|takes|taking) (real )?(guts|courage|strength)\b|\bthat'?s (really |so )?(brave|strong)\b"
    r"|\byou'?(re| are) (really |so )?(brave|strong|resourceful|thoughtful)\b"
    r"|\b(i|i'm) (admire|impressed)\b",
    re.IGNORECASE,
)
#: A statement about the trainee's own experience ("I went through something like that").
_SHARE = re.compile(
    r"\b(me too|same here|i was|i've been|i have been|i went|i had|i've had|i used to|i remember|when i "
    r"was|happened to me|my own|i felt|i've felt|i know what it'?s like|i got|i lost|i've lost|i grew up|"
    r"for me it|in my experience)\b",
    re.IGNORECASE,
)
_GREETING = re.compile(r"^\W*(hi|hiya|hey|hello|heya|good (morning|afternoon|evening))\b", re.IGNORECASE)
_FIRST_PERSON = re.compile(r"\b(i|i'm|i've|i'd|me|my|myself)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Move:
    """A trainee message, read as a move.

    ``kind`` is a trainee move id (see schema.TRAINEE_MOVES), or "directive", "empty", "long",
    "goodbye" or "other". ``category`` is the coach category of a directive move.
    """

    kind: str
    category: str | None = None
    source: str = "nlu"
    question: bool = False
    words: int = 0


def classify(
    text: str,
    analysis: dict[str, Any] | None,
    coach_moves: Sequence[str],
    intent: str | None,
    confidence: float = 1.0,
) -> Move:
    """Read a trainee message as one move.

    Args:
        text: The message.
        analysis: The coach's analysis (``analyze`` output), or None if unavailable.
        coach_moves: The coach's listening moves for the message.
        intent: The NLU intent name, if any.
        confidence: The NLU confidence of that intent.

    Returns:
        The move. A flagged message is "directive" with the first flag's category.
    """
    words = len(text.split())
    question = "?" in text
    base = Move(kind="other", source="none", question=question, words=words)
    if not text.strip():
        return replace(base, kind="empty")
    flags = (analysis or {}).get("flags") or []
    if analysis and analysis.get("directive") and flags:
        return replace(base, kind="directive", category=str(flags[0].get("category") or "") or None,
                       source="coach")
    if len(text) > LONG_MESSAGE_CHARS:
        return replace(base, kind="long")
    if intent == "goodbye":
        return replace(base, kind="goodbye")
    if intent in NLU_MOVES and confidence >= MIN_INTENT_CONFIDENCE:
        if intent == ADVICE:
            return replace(base, kind="directive", category=ADVICE_CATEGORY, source="nlu")
        kind = intent
        # The coach saw the trainee talk about themselves where the model heard only a question.
        if kind in ("open_question", "closed_question", "small_talk") and _is_share(text, coach_moves):
            kind = "self_disclosure"
        return replace(base, kind=kind, source="nlu")
    return replace(base, kind=_from_text(text, coach_moves), source="coach")


def _is_share(text: str, coach_moves: Sequence[str]) -> bool:
    return "self_disclosure" in coach_moves and bool(_SHARE.search(text))


def _from_text(text: str, coach_moves: Sequence[str]) -> str:
    if _REPAIR.search(text):
        return "repair"
    if _is_share(text, coach_moves) or (not coach_moves and _SHARE.match(text.strip())):
        return "self_disclosure"
    for coach_move, move in COACH_MOVES[:4]:
        if coach_move in coach_moves:
            return move
    if _VALIDATION.search(text):
        return "validation"
    if _AUTONOMY.search(text):
        return "support_autonomy"
    if _AFFIRMATION.search(text):
        return "affirmation"
    if _GREETING.match(text) and len(text.split()) <= 10 and "?" not in text:
        return "greet"
    if "closed_question" in coach_moves:
        return "closed_question"
    return "other"


def speaks_of_self(text: str) -> bool:
    """Whether a message talks about the trainee (first person): an answer to the peer's question."""
    return bool(_FIRST_PERSON.search(text))


def turns_back(move: Move, short_words: int) -> bool:
    """Whether a share leaves the floor to the peer: it asks them something, or it is short."""
    return move.question or move.words <= short_words
