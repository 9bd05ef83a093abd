"""How well a peer line fits what the trainee just said: shared content words, crudely stemmed.

Enough to answer "How do you feel on the bus?" with the line about the bus rather than another line of
the same layer; not a language model, and never a reason to say something the peer isn't ready for.
Names and short nouns count ("Tom", "mum", "bus"), and a possessive or contraction counts as its word
("Becca's", "wall's", "Home's").
"""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[a-z]+(?:'[a-z]+)*")
#: Endings dropped from a word, with the shortest stem each may leave.
_SUFFIXES = (("ings", 4), ("ing", 4), ("ies", 4), ("ed", 4), ("es", 3), ("s", 3), ("ly", 4))
#: Contractions and possessives: "wall's" is "wall", "they're" is "they".
_CLITIC = re.compile(r"'(?:s|re|ll|ve|d|m|t)$")
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
    # Three-letter words that say nothing about the subject (names and nouns such as "mum" still count).
    "all", "and", "any", "are", "bit", "but", "can", "did", "for", "get", "got", "had", "has", "her", "hers",
    "him", "his", "how", "its", "let", "lot", "may", "now", "off", "one", "our", "out", "own", "per", "put",
    "say", "see", "she", "the", "too", "two", "use", "was", "way", "who", "why", "yes", "yet", "you",
    "not", "nor", "ago", "isn", "wasn", "won", "ain", "aren", "hmm", "ooh", "huh", "wow", "yep", "nah",
    "lol", "ive", "dont", "cant", "youre", "thats", "whats", "into", "onto", "over", "each",
    "ones", "ours", "mine", "myself", "himself", "herself", "themselves", "who's", "he's", "she's",
    "we're", "we've", "you've", "you'd", "i'd", "i'll", "you'll", "it'll", "can't", "won't", "isn't",
    "wasn't", "aren't", "weren't", "wouldn't", "couldn't", "shouldn't", "hasn't", "hadn't",
    # How trainees frame what they say ("It sounds like...", "Can I ask...", "Tell me more").
    "tell", "ask", "sound", "seem", "mean", "hear", "guess", "mind", "please", "might", "must", "should",
    "shall", "ought", "next", "last", "first",
})


def _stem(word: str) -> str:
    for suffix, shortest in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= shortest and not (
                suffix == "s" and word.endswith("ss")):
            return word[: -len(suffix)]
    return word


def _content(word: str) -> str | None:
    """A word's stem, or None when the word says nothing about the subject."""
    if word in _STOP:
        return None
    base = _CLITIC.sub("", word)
    if len(base) < 3 or base in _STOP:
        return None
    return _stem(base)


@lru_cache(maxsize=4096)
def content_words(text: str) -> frozenset[str]:
    """The stems of a text's content words (three letters or more, common words left out)."""
    words = _WORD.findall(text.lower().replace("\u2019", "'").replace("\u2018", "'"))
    return frozenset(stem for stem in map(_content, words) if stem)


def overlap(message: str, line: str, extra: str = "") -> int:
    """How many content words a peer line (plus ``extra``, e.g. its layer's label) shares with a message."""
    wanted = content_words(message)
    if not wanted:
        return 0
    return len(wanted & (content_words(line) | content_words(extra)))
