"""Collaborative rephrasings: fill a rule's templates with the action the trainee proposed."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from spacy.tokens import Doc

from .matching import TokenView

SLOT_STOP = frozenset(
    {
        "should",
        "must",
        "would",
        "could",
        "can",
        "will",
        "might",
        "shall",
        "'ll",
        "'d",
        "because",
        "cos",
        "coz",
        "cause",
        "but",
        "or",
        "so",
        "if",
        "before",
        "and",
        "then",
        "otherwise",
        "unless",
        "though",
        "although",
        "instead",
        "asap",
        "okay",
        "ok",
        "please",
        "lol",
        "haha",
        "tbh",
        "honestly",
    }
)
FIRST_PERSON = frozenset({"i", "me", "my", "mine", "myself", "'m", "i'm", "we", "us", "our"})
MAX_SLOT_TOKENS = 10
LEADING_FILLERS = ("to", "just", "really", "definitely", "maybe", "simply", "try", "and")
DOUBLED = frozenset(
    {
        "stop",
        "get",
        "set",
        "put",
        "let",
        "sit",
        "run",
        "cut",
        "shut",
        "quit",
        "plan",
        "chat",
        "hug",
        "jog",
        "shop",
        "drop",
        "grab",
        "step",
        "skip",
        "nag",
        "beg",
        "rob",
        "swim",
        "begin",
        "forget",
        "admit",
        "commit",
        "regret",
        "submit",
        "omit",
        "refer",
        "prefer",
        "hit",
        "spit",
        "slip",
        "trip",
        "grip",
        "dig",
        "nap",
        "tap",
        "wrap",
        "clap",
        "ban",
        "bet",
        "pat",
        "rub",
    }
)
NO_ELISION = frozenset({"be", "see", "flee", "agree", "free", "knee", "dye", "eye", "hoe", "toe", "canoe"})
PLACEHOLDER = re.compile(r"\{(\w+)\}")
CLITIC = re.compile(r" (n't|'s|'re|'ll|'ve|'d)\b")


@lru_cache(maxsize=1024)
def _placeholders(template: str) -> tuple[str, ...]:
    return tuple(PLACEHOLDER.findall(template))


def gerund(verb: str) -> str:
    """The -ing form of an English verb in base form ("take" -> "taking", "stop" -> "stopping")."""
    v = verb.lower()
    if v.endswith("ing") and len(v) > 4:
        return v
    if v in DOUBLED:
        return v + v[-1] + "ing"
    if v in NO_ELISION or v.endswith(("ee", "ye", "oe")):
        return v + "ing"
    if v.endswith("ie"):
        return v[:-2] + "ying"
    if v.endswith("e") and len(v) > 2:
        return v[:-1] + "ing"
    return v + "ing"


def extract_action(
    doc: Doc,
    toks: Sequence[TokenView],
    start: int,
    end: int,
    base_verbs: frozenset[str],
    nominal: bool = False,
) -> tuple[str, str] | None:
    """Read the action a directive proposes, as (base form, gerund form).

    Args:
        doc: The message.
        toks: Its token views (read instead of spaCy tokens, which cost an object each).
        start: First token of the action.
        end: Token after the clause the action sits in.
        base_verbs: English verbs in base form.
        nominal: Accept a noun phrase ("yoga"); then the base form is empty.

    Returns:
        None when there is no short, second-person action to quote back.
    """
    taken: list[int] = []
    for i in range(start, min(end, len(toks))):
        low, _, _, text, alpha, punct, space = toks[i]
        if taken and low == toks[taken[-1]][0]:
            return None  # "tell tell": nothing sensible to quote back
        if low in SLOT_STOP or punct or space or (not text.isascii() and not alpha):
            break
        if low in FIRST_PERSON:
            return None
        taken.append(i)
    while taken and toks[taken[0]][0] in LEADING_FILLERS:
        if (
            toks[taken[0]][0] == "try"
            and len(taken) > 1
            and toks[taken[1]][0] != "to"
            and not toks[taken[1]][0].endswith("ing")
        ):
            break
        taken = taken[1:]
    if not taken or len(taken) > MAX_SLOT_TOKENS:
        return None
    texts = [toks[i][3] for i in taken]
    words = [t if t == "I" else t.lower() if k == 0 else t for k, t in enumerate(texts)]
    first_lower, first_lemma = toks[taken[0]][:2]
    lemma = first_lemma.lower()
    if first_lower.endswith("ing") and lemma in base_verbs:
        base = [lemma, *words[1:]]
        ing = words
    elif first_lower in base_verbs or (lemma == first_lower and lemma in base_verbs):
        base = words
        ing = [gerund(words[0]), *words[1:]]
    elif nominal and not doc[taken[0]].is_stop:
        return "", _join(words)  # "have you tried yoga": a thing, usable only where a noun fits
    else:
        return None
    return _join(base), _join(ing)


def _join(words: Sequence[str]) -> str:
    text = " ".join(words)
    return CLITIC.sub(r"\1", text) if "'" in text else text  # every clitic has an apostrophe


def fill(templates: Sequence[str], action: tuple[str, str] | None, limit: int = 3) -> list[str]:
    """Choose up to ``limit`` rephrasings, in the order given, filling placeholders when the action is known.

    Data files list the templates that quote the trainee's own action first, so their content is kept when
    the coach could read it; templates whose placeholder can't be filled are skipped.
    """
    values = {k: v for k, v in (("action", action[0]), ("action_ing", action[1])) if v} if action else {}
    out: list[str] = []
    for template in templates:
        names = _placeholders(template)
        if names:
            if not all(n in values for n in names):
                continue
            text = template.format_map(values)
            text = text[:1].upper() + text[1:]
        else:
            text = template
        if text not in out:
            out.append(text)
        if len(out) == limit:
            break
    return out
