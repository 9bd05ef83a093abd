"""An anchored token-pattern matcher for spaCy's Matcher pattern language (the subset the rule data uses).

spaCy's ``Matcher`` starts every pattern at every token, so its cost grows with (patterns x tokens); with several
hundred rule and context patterns that was over 0.5 ms a message. Most patterns can only start at a handful of
words, so this matcher indexes patterns by the words their first token accepts and tries a pattern only where it
can start. Patterns are written, validated and documented exactly as for spaCy's Matcher (``tests/coach`` checks
both matchers agree on every rule example).

Supported token keys: LOWER, LEMMA, NORM, ORTH/TEXT, IS_ALPHA, IS_PUNCT, IS_SPACE, OP; values: a string, a bool,
or a dict with IN, NOT_IN, REGEX. "@name" word lists are resolved by the lexicon before compiling.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from spacy.schemas import validate_token_pattern
from spacy.tokens import Doc

from .rules import RuleError

TokenView = tuple[str, str, str, str, bool, bool, bool]  # lower, lemma, norm, text, is_alpha, is_punct, is_space
Test = Callable[[TokenView], bool]
ATTR_INDEX = {"LOWER": 0, "LEMMA": 1, "NORM": 2, "ORTH": 3, "TEXT": 3, "IS_ALPHA": 4, "IS_PUNCT": 5, "IS_SPACE": 6}
INDEXED = ("LOWER", "LEMMA", "NORM", "TEXT")
INF = 10_000


class CompiledPattern:
    """One token pattern: per token a test and a (min, max) repeat count."""

    __slots__ = ("key", "steps", "follow", "fixed", "needs")

    def __init__(self, key: str, steps: list[tuple[Test, int, int]], follow: frozenset[str] | None,
                 needs: tuple[frozenset[str], ...] = ()) -> None:
        """Hold the compiled steps.

        Args:
            key: What matches are reported under.
            steps: Per token: the test and its (min, max) repeat count.
            follow: The lower-case words the token after the first may be, when that is known (a cheap filter).
            needs: For each later required token with a fixed word list, that list: a message must contain a
                word of each before the pattern is tried at all.
        """
        self.key = key
        self.steps = steps
        self.follow = follow
        self.needs = needs
        self.fixed = all(lo == hi == 1 for _, lo, hi in steps)

    def longest(self, toks: Sequence[TokenView], start: int) -> int:
        """End of the longest match starting at ``start``, or -1."""
        if self.fixed:
            end = start + len(self.steps)
            if end > len(toks):
                return -1
            for k, (test, _, _) in enumerate(self.steps):
                if not test(toks[start + k]):
                    return -1
            return end
        return _longest(self.steps, 0, toks, start, len(toks))


def _longest(steps: list[tuple[Test, int, int]], k: int, toks: Sequence[TokenView], i: int, n: int) -> int:
    if k == len(steps):
        return i
    test, lo, hi = steps[k]
    count = 0
    while count < hi and i + count < n and test(toks[i + count]):
        count += 1
    best = -1
    for c in range(count, lo - 1, -1):
        end = _longest(steps, k + 1, toks, i + c, n)
        if end > best:
            best = end
    return best


class AnchoredMatcher:
    """Finds (key, start, end) matches, trying each pattern only at tokens its first step can accept."""

    def __init__(self) -> None:
        """Create an empty matcher."""
        self.index: tuple[dict[str, list[CompiledPattern]], ...] = ({}, {}, {}, {})
        self.anywhere: list[CompiledPattern] = []
        self.size = 0

    def add(self, key: str, patterns: Sequence[Sequence[dict[str, Any]]]) -> None:
        """Add patterns under a key.

        Args:
            key: The rule id or context name the matches are reported under.
            patterns: spaCy Matcher token patterns with word lists already resolved.

        Raises:
            RuleError: If a pattern is not valid spaCy Matcher syntax or uses an unsupported key.
        """
        for pattern in patterns:
            errors = validate_token_pattern(list(pattern))
            if errors:
                raise RuleError(f"{key}: invalid token pattern {pattern}: {'; '.join(errors)}")
            for variant in _required_first(list(pattern)):
                steps = [_compile_token(tok, key) for tok in variant]
                self._index(CompiledPattern(key, steps, _follow(variant), _needs(variant)), variant[0])
                self.size += 1

    def _index(self, pattern: CompiledPattern, first: dict[str, Any]) -> None:
        for slot, attr in enumerate(INDEXED):
            value = first.get(attr) if attr != "TEXT" else first.get("TEXT", first.get("ORTH"))
            if isinstance(value, str):
                self.index[slot].setdefault(value, []).append(pattern)
                return
            if isinstance(value, dict) and isinstance(value.get("IN"), list | tuple | frozenset | set):
                for word in value["IN"]:
                    self.index[slot].setdefault(str(word), []).append(pattern)
                return
        self.anywhere.append(pattern)

    def __call__(self, toks: Sequence[TokenView]) -> list[tuple[str, int, int]]:
        """All matches: for each key and start, the longest end (like spaCy's ``greedy="LONGEST"`` per start)."""
        out: list[tuple[str, int, int]] = []
        slots = [(slot, index) for slot, index in enumerate(self.index) if index]
        anywhere = self.anywhere
        n = len(toks)
        words = {t[0] for t in toks}
        viable: dict[int, bool] = {}
        for i, tok in enumerate(toks):
            buckets = [b for b in (index.get(tok[slot]) for slot, index in slots) if b]
            if anywhere:
                buckets.append(anywhere)
            if not buckets:
                continue
            best: dict[str, int] = {}
            nxt = toks[i + 1][0] if i + 1 < n else ""
            for bucket in buckets:
                for pattern in bucket:
                    if pattern.follow is not None and nxt not in pattern.follow:
                        continue
                    if pattern.needs:
                        ok = viable.get(id(pattern))
                        if ok is None:
                            ok = viable[id(pattern)] = all(not need.isdisjoint(words) for need in pattern.needs)
                        if not ok:
                            continue
                    end = pattern.longest(toks, i)
                    if end > i and end > best.get(pattern.key, 0):
                        best[pattern.key] = end
            out.extend((key, i, end) for key, end in best.items())
        return out


def token_views(doc: Doc) -> list[TokenView]:
    """The attributes the matcher reads, once per token."""
    return [(t.lower_, t.lemma_, t.norm_, t.text, t.is_alpha, t.is_punct, t.is_space) for t in doc]


def _needs(pattern: list[dict[str, Any]]) -> tuple[frozenset[str], ...]:
    """Word lists that later required tokens are drawn from (LOWER, or ORTH/TEXT of punctuation)."""
    needs = []
    for tok in pattern[1:]:
        if _quantifier(tok.get("OP"))[0] == 0:
            continue
        for attr in ("LOWER", "ORTH", "TEXT"):
            value = tok.get(attr)
            if isinstance(value, str):
                needs.append(frozenset({value.lower()}))
            elif isinstance(value, dict) and "IN" in value and not isinstance(value["IN"], str):
                needs.append(frozenset(str(w).lower() for w in value["IN"]))
    return tuple(needs)


def _follow(pattern: list[dict[str, Any]]) -> frozenset[str] | None:
    """Lower-case words the second token of a match must be, or None when that isn't fixed by LOWER tests."""
    words: set[str] = set()
    if _quantifier(pattern[0].get("OP"))[1] > 1:
        return None  # the first token may repeat
    for tok in pattern[1:]:
        lo, _ = _quantifier(tok.get("OP"))
        value = tok.get("LOWER")
        if isinstance(value, str):
            words.add(value)
        elif isinstance(value, dict) and set(value) == {"IN"}:
            words.update(str(w) for w in value["IN"])
        else:
            return None
        if lo > 0:
            return frozenset(words)
    return None  # every later token is optional: a one-token match needs no follower


def _required_first(pattern: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Rewrite a pattern whose first token is optional into variants whose first token is required."""
    if not pattern:
        return []
    first = pattern[0]
    lo, hi = _quantifier(first.get("OP"))
    if lo > 0:
        return [pattern]
    required = {k: v for k, v in first.items() if k != "OP"}
    if hi > 1:
        required["OP"] = "+" if hi >= INF else "{1," + str(hi) + "}"
    return [[required, *pattern[1:]], *_required_first(pattern[1:])]


def _quantifier(op: str | None) -> tuple[int, int]:
    if op is None or op == "1":
        return 1, 1
    if op == "?":
        return 0, 1
    if op == "*":
        return 0, INF
    if op == "+":
        return 1, INF
    if op == "!":
        raise RuleError("the negation operator '!' is not supported; use NOT_IN")
    m = re.fullmatch(r"\{(\d*)(,?)(\d*)\}", op)
    if not m:
        raise RuleError(f"unknown OP {op!r}")
    lo = int(m.group(1) or 0)
    hi = int(m.group(3)) if m.group(3) else (INF if m.group(2) else lo)
    return lo, hi


def _compile_token(tok: dict[str, Any], where: str) -> tuple[Test, int, int]:
    lo, hi = _quantifier(tok.get("OP"))
    checks: list[Test] = []
    for key, value in tok.items():
        if key == "OP":
            continue
        if key not in ATTR_INDEX:
            raise RuleError(f"{where}: token key {key!r} is not supported here; use one of {sorted(ATTR_INDEX)}")
        checks.append(_compile_check(ATTR_INDEX[key], value, where))
    if not checks:
        return (lambda _t: True), lo, hi
    if len(checks) == 1:
        return checks[0], lo, hi
    return (lambda t: all(c(t) for c in checks)), lo, hi


def _compile_check(idx: int, value: Any, where: str) -> Test:
    if isinstance(value, bool):
        return lambda t: t[idx] is value
    if isinstance(value, str):
        return lambda t: t[idx] == value
    if isinstance(value, dict):
        parts: list[Test] = []
        if "IN" in value:
            allowed = frozenset(str(v) for v in value["IN"])
            parts.append(lambda t: t[idx] in allowed)
        if "NOT_IN" in value:
            banned = frozenset(str(v) for v in value["NOT_IN"])
            parts.append(lambda t: t[idx] not in banned)
        if "REGEX" in value:
            rx = re.compile(value["REGEX"])
            parts.append(lambda t: rx.search(t[idx]) is not None)
        unknown = set(value) - {"IN", "NOT_IN", "REGEX"}
        if unknown or not parts:
            raise RuleError(f"{where}: unsupported predicate {sorted(unknown) or value}")
        return parts[0] if len(parts) == 1 else (lambda t: all(p(t) for p in parts))
    raise RuleError(f"{where}: unsupported value {value!r}")
