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
    r"for me it|in my experience|i live with|i'?ve lived with|i('ve| have) got (a|an|my)|"
    r"i get (seen|treated|called|labell?ed|told|looked at|judged|talked about|asked)|"
    r"i('m| am)( often| always| still)? (seen|treated|known|thought of|labell?ed) as|"
    r"people (see|treat|call|look at|talk to|think of) me)\b",
    re.IGNORECASE,
)
#: An honest "no" to the peer's question about the trainee's experience ("No, I haven't.").
_NOT_SHARED = re.compile(
    r"^\W*(no+|nope|nah|not really|not personally|not myself|not me|not exactly|not like (that|this)|"
    r"never|i haven'?t|i have not|i've never|i have never|i never|i can'?t say i have|honestly,? no|"
    r"no,? i haven'?t|not that i can think of)\b",
    re.IGNORECASE,
)
#: A closed question asking leave to ask or to hear more ("Is it okay to ask what happened?"): the peer
#: answers what would be asked, as if it were an open question. Not permission to share an idea.
_ASK_TO_ASK = re.compile(
    r"\b(is it|would it be|it'?s|is that) (ok|okay|alright|all right|fine)\b[^?]*\b(ask|talk|hear|tell)\b"
    r"|\b(can|could|may|might) i ask\b|\bmind if i ask\b"
    r"|\b(do|would) you mind (me |if i )?(ask|asking|talk|talking)\b"
    r"|\bare you (ok|okay|alright|all right|happy|comfortable) (to |with )(talk|tell|say|share|go)"
    r"|\b(would|do) you (like|want) to (talk|tell me|say more|share more|go on)\b",
    re.IGNORECASE,
)
_OFFER = re.compile(r"\b(idea|ideas|suggest\w*|thought|tip|tips|advice|something that (helped|worked))\b",
                    re.IGNORECASE)
#: Thanks said to the peer ("Thanks for talking with me.").
_THANKS = re.compile(r"^\W*(thanks|thank you|thank-you|thankyou|cheers|many thanks|ta)\b", re.IGNORECASE)
#: Moves a message starting with thanks is read as thanks instead of, when the NLU model says so.
THANKS_OVER = frozenset({"other", "affirmation", "validation", "small_talk", "greet", "closed_question",
                         "reassurance", "support_autonomy"})
#: A bare "You're..." reflection ("You're exhausted by it all."), when the NLU model is unsure.
_YOU_ARE = re.compile(
    r"^\W*(?:so,? |and |it'?s like |sounds like |seems like )?you(?:'re| are|'ve been| have been| feel| felt|"
    r" seem| sound)\s+(?!welcome\b|right\b|wrong\b|kidding\b|joking\b|not alone\b|here\b|back\b|"
    r"going to be\b|gonna be\b|bound to\b|going to get\b)\w+",
    re.IGNORECASE,
)
#: A message whose first clause is about the trainee ("Yes, I get seen as...", "People see me as...").
_OPENS_WITH_SELF = re.compile(
    r"^\W*(?:(?:yes|yeah|yep|a bit|a little|honestly|well|actually|kind of|sort of|sometimes|me too|same)"
    r"\W+)*"
    r"(?:i\b|i'|me\b|my\b|people (?:see|treat|call|look at) me\b)",
    re.IGNORECASE,
)
_GREETING = re.compile(r"^\W*(hi|hiya|hey|hello|heya|good (morning|afternoon|evening))\b", re.IGNORECASE)
_FIRST_PERSON = re.compile(r"\b(i|i'm|i've|i'd|me|my|myself)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Move:
    """A trainee message, read as a move.

    ``kind`` is a trainee move id (see schema.TRAINEE_MOVES and schema.OPTIONAL_MOVES), or "directive",
    "not_shared" (an honest "no" to the peer's question), "empty", "long", "goodbye" or "other".
    ``category`` is the coach category of a directive move.
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
        # The coach saw the trainee talk about themselves where the model heard only a question, or a
        # reflection in a message that opens with the trainee ("I get seen as the anxious one too...").
        if _is_share(text, coach_moves) and (kind in ("open_question", "closed_question", "small_talk") or (
                kind == "reflection" and _OPENS_WITH_SELF.match(text))):
            kind = "self_disclosure"
        return replace(base, kind=_refine(kind, text, coach_moves), source="nlu")
    return replace(base, kind=_refine(_from_text(text, coach_moves), text, coach_moves), source="coach")


def _refine(kind: str, text: str, coach_moves: Sequence[str]) -> str:
    """Moves the intent alone misreads: asking leave to ask, and thanks."""
    if kind in ("closed_question", "ask_permission") and asks_to_ask(text):
        return "open_question"
    if kind in ("greet", "small_talk"):
        # "Hi Sam, I'm Jo. What's been going on?": the greeting is the wrapping, the question is the move
        for move in ("open_question", "reflection"):
            if move in coach_moves:
                return move
    if kind in THANKS_OVER and is_thanks(text, coach_moves):
        return "thanks"
    return kind


def asks_to_ask(text: str) -> bool:
    """Whether a question asks leave to ask or to hear more ("Can I ask what happened?").

    Asking to share an idea ("Can I ask if you'd like a suggestion?") is not: that is asking permission.
    """
    return bool(_ASK_TO_ASK.search(text)) and not _OFFER.search(text)


def is_thanks(text: str, coach_moves: Sequence[str] = ()) -> bool:
    """Whether a message thanks the peer, and does nothing more telling (reflect, ask, validate)."""
    if not _THANKS.match(text) or "?" in text or _VALIDATION.search(text):
        return False
    return not any(move in coach_moves for move in ("reflection", "open_question", "invitation"))


def is_not_shared(text: str) -> bool:
    """Whether an answer to the peer's question says honestly that the trainee hasn't been there.

    "No, I haven't. What's it like for you?" is; "Not exactly, but I was bullied at work" is a share.
    """
    match = _NOT_SHARED.match(text)
    return bool(match) and not _SHARE.search(text[match.end():])


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
    if _YOU_ARE.match(text) and "?" not in text:
        return "reflection"
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
