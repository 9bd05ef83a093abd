"""How well a peer line fits what the trainee just said: shared content words, crudely stemmed.

Enough to answer "How do you feel on the bus?" with the line about the bus rather than another line of
the same layer; not a language model, and never a reason to say something the peer isn't ready for.
"""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
_SUFFIXES = ("ings", "ing", "ies", "ed", "es", "s", "ly")
#: Words too common to say what a message is about.
_STOP = frozenset({
    "about", "after", "again", "also", "always", "anything", "been", "being", "could", "didn't", "does",
    "doesn't", "doing", "done", "don't", "even", "ever", "every", "from", "going", "gonna", "have",
    "haven't", "having", "here", "it's", "just", "know", "like", "little", "make", "maybe", "more", "most",
    "much", "never", "only", "other", "really", "right", "same", "some", "something", "sometimes", "sort",
    "still", "such", "sure", "than", "that", "that's", "their", "them", "then", "there", "these", "they",
    "they're", "thing", "things", "think", "this", "those", "through", "very", "want", "wanted", "what",
    "what's", "when", "where", "which", "while", "will", "with", "would", "yeah", "your", "you're",
    "yourself", "i'm", "i've", "kind", "okay", "well", "there's",
})


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=4096)
def content_words(text: str) -> frozenset[str]:
    """The stems of a text's content words (four letters or more, common words left out)."""
    words = _WORD.findall(text.lower())
    return frozenset(_stem(w) for w in words if len(w) >= 4 and w not in _STOP)


def overlap(message: str, line: str, extra: str = "") -> int:
    """How many content words a peer line (plus ``extra``, e.g. its layer's label) shares with a message."""
    wanted = content_words(message)
    if not wanted:
        return 0
    return len(wanted & (content_words(line) | content_words(extra)))
