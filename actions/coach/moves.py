"""Listening moves the coach can recognise (for the occasional positive note and the simple peer)."""

from __future__ import annotations

from typing import cast

from spacy.tokens import Doc

from .context import FRAME_BITS, WH_WORDS
from .engine import get_nlp, process
from .pipes import VIEWS_KEY, DirectiveCoach

FIRST_PERSON = frozenset({"i", "my", "me"})
REFLECTIVE_MASK = FRAME_BITS["reflective"] | FRAME_BITS["peer_mind"]
OPEN_STARTS = WH_WORDS - {"why"} | {"tell", "say", "describe", "walk", "talk"}
PERMISSION = (
    "would it help if i",
    "would you like to hear",
    "would you like me to",
    "is it okay if i",
    "is it ok if i",
    "can i share",
    "could i share",
    "would it be okay if i",
    "may i share",
    "do you mind if i",
    "would it be ok if i",
    "would it be alright if i",
)


def listening_moves(text: str) -> list[str]:
    """Listening moves in a message, in the order they appear.

    Args:
        text: A trainee message.

    Returns:
        Any of "open_question", "closed_question", "reflection", "self_disclosure", "asking_permission",
        "invitation"; empty when the message is directive or none is recognised.
    """
    nlp = get_nlp()
    doc = process(nlp, text)
    if doc._.coach_flags:
        return []
    ctx = cast(DirectiveCoach, nlp.get_pipe("directive_coach")).context(doc)
    moves: list[str] = []
    low = text.lower()
    if any(p in low for p in PERMISSION):
        moves.append("asking_permission")
    for sent in ctx.sentences:
        if sent.content >= sent.body_end:
            continue
        first = doc[sent.content].lower_
        if sent.question:
            moves.append("open_question" if first in OPEN_STARTS else "closed_question")
        elif sent.content in ctx.invitations:
            moves.append("invitation")
        elif (
            any(ctx.framed(i, REFLECTIVE_MASK) for i in range(sent.content, sent.body_end))
            or (first == "you" and _feels(doc, sent.content, sent.body_end))
            or (doc[sent.begin].lower_ == "so" and not _first_person(doc, sent.content, sent.body_end))
        ):
            moves.append("reflection")
        elif first in ("i", "my", "when") and any(
            t.lower_ in FIRST_PERSON for t in doc[sent.content : sent.body_end]
        ):
            moves.append("self_disclosure")
    seen: list[str] = []
    for m in moves:
        if m not in seen:
            seen.append(m)
    return seen


def _first_person(doc: Doc, start: int, end: int) -> bool:
    return any(t.lower_ in FIRST_PERSON for t in doc[start:end])


def _feels(doc: Doc, start: int, end: int) -> bool:
    views = doc.user_data[VIEWS_KEY]  # process() leaves token.lemma_ unset: the lemmas are in the views
    return any(v[1] in ("feel", "sound", "seem") or v[0] in ("torn", "sure") for v in views[start:end])
