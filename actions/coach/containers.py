"""The matcher's list types: subclasses of ``list``, kept apart because mypyc can't compile them.

``matching.py`` is compiled to a C extension when a compiler is available (``scripts/build_native.py``);
a compiled class can't inherit from a built-in type, so these stay plain Python, in a module left
uncompiled.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

# a pattern as the matcher's inner loop reads it: follow words, need mask, trivial, key, regex match
Spec = tuple[frozenset[str] | None, int, bool, str, Callable[[str, int], "re.Match[str] | None"]]


class WordList(list):  # type: ignore[type-arg]
    """A named word list: a plain list to spaCy's pattern schema, a class code to this matcher."""

    def __init__(self, name: str, words: Iterable[str]) -> None:
        """Hold the list's name and its words."""
        super().__init__(sorted(words))
        self.name = name


class Bucket(list):  # type: ignore[type-arg]
    """The patterns that can start at one anchor, in the order they are tried.

    Most patterns tried at a token fail on their needed words, and which of a bucket's patterns pass that test
    depends only on which of its needed word lists the message holds (``have & mask``). The passing patterns
    are kept per such key in ``live``, so a bucket of a hundred patterns costs one lookup instead of a hundred
    tests. Over 27,000 messages read once each, 93% of the lookups found their key already there.
    """

    __slots__ = ("mask", "live")

    def __init__(self) -> None:
        """Create an empty bucket."""
        super().__init__()
        self.mask = 0  # the bits of every needed word list of the bucket's patterns
        self.live: dict[int, tuple[Spec, ...]] = {}
