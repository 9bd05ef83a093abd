"""An anchored token-pattern matcher for spaCy's Matcher pattern language (the subset the rule data uses).

spaCy's ``Matcher`` starts every pattern at every token, so its cost grows with (patterns x tokens); with
several hundred rule and context patterns it took over 0.5 ms a message. Here each pattern is compiled to a
regular expression over a one-line-per-token encoding of the message, indexed by the words its first token
accepts, and tried only where it can start and only when the message holds the words it needs. Patterns are
written, validated and documented exactly as for spaCy's Matcher; ``tests/coach`` checks both matchers agree
on every rule example.

Supported token keys: LOWER, LEMMA, NORM, ORTH/TEXT, IS_ALPHA, IS_PUNCT, IS_SPACE, OP; values: a string, a
bool, or a dict with IN, NOT_IN, REGEX. A named word list ("@name" in the data) is a :class:`WordList`,
matched by a class code in the encoding instead of spelling out thousands of words.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Sequence
from itertools import accumulate
from typing import Any

from spacy.schemas import validate_token_pattern
from spacy.tokens import Doc

from .containers import Bucket, Spec, WordList
from .rules import RuleError

# lower, lemma, norm, text, is_alpha, is_punct, is_space
TokenView = tuple[str, str, str, str, bool, bool, bool]
# encoded text, token start offsets (and the end), class codes, lower-case words, the set of them, and each
# token's line of the encoding
Encoded = tuple[str, list[int], Sequence[str], list[str], set[str], Sequence[str]]
FIELDS = {"LOWER": 0, "LEMMA": 1, "NORM": 2, "ORTH": 3, "TEXT": 3}
FLAGS = {"IS_ALPHA": 0, "IS_PUNCT": 1, "IS_SPACE": 2}
ANY_FIELD = r"[^\t\n]*"
CLASS_FIELD = r"(?:[^\t\n]*\t){5}[^\t\n]*"
ANY_FLAGS = "[a-][p-][s-]"
REST_OF_LINE = r"[^\n]*\n"
INF = 10_000
MAX_FOLLOW = 400
# the written forms of a normalised word, so "do" + NORM "not" can be indexed by word pairs
NORM_FORMS = {"not": ("not", "n't", "nt")}
CODES = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
CACHE_LIMIT = 200_000


class Encoding:
    """Turns a message into one line per token: lower, lemma, norm, text, flags, classes (tab-separated)."""

    def __init__(self, lists: dict[str, frozenset[str]]) -> None:
        """Assign a class code to every named word list.

        Args:
            lists: Word lists by name; a token belongs to a list when its lower-case form is in it.
        """
        if len(lists) > len(CODES):
            raise RuleError(f"at most {len(CODES)} named word lists")
        self.codes = {name: CODES[i] for i, name in enumerate(sorted(lists))}
        self.lists = lists
        self._classes: dict[str, str] = {}
        self._lines: dict[TokenView, tuple[str, str]] = {}

    def classes(self, lower: str) -> str:
        """Class codes of the lists a word belongs to."""
        got = self._classes.get(lower)
        if got is None:
            got = "".join(code for name, code in self.codes.items() if lower in self.lists[name])
            self._classes[lower] = got
        return got

    def encode(
        self, toks: Sequence[TokenView], prepared: tuple[Sequence[str], Sequence[str]] | None = None
    ) -> Encoded:
        """The encoded message, token start offsets (then its length), class codes, and the words.

        Args:
            toks: The token views.
            prepared: Each token's line and class codes, when the lemmatizer already made them.
        """
        lines: Sequence[str]
        classes: Sequence[str]
        if prepared is not None:
            lines, classes = prepared
        else:
            cache = self._lines
            if len(cache) > CACHE_LIMIT:
                cache.clear()
            made_lines: list[str] = []
            made_classes: list[str] = []
            for view in toks:
                hit = cache.get(view)
                if hit is None:
                    hit = cache[view] = self.line(view)
                made_lines.append(hit[0])
                made_classes.append(hit[1])
            lines, classes = made_lines, made_classes
        starts = list(accumulate(map(len, lines), initial=0))
        lowers = [view[0] for view in toks]
        return "".join(lines), starts, classes, lowers, set(lowers), lines

    def line(self, view: TokenView) -> tuple[str, str]:
        """One token's line of the encoding, and its class codes."""
        lower, lemma, norm, text, alpha, punct, space = view
        fields = (lower, lemma, norm, text)
        if space or "\t" in text or "\n" in text:
            fields = (_clean(lower), _clean(lemma), _clean(norm), _clean(text))
        flags = ("a" if alpha else "-") + ("p" if punct else "-") + ("s" if space else "-")
        cls = self.classes(fields[0])
        return "\t".join((*fields, flags, cls)) + "\n", cls


def _clean(field: str) -> str:
    return field.replace("\t", " ").replace("\n", " ")


class CompiledPattern:
    """One token pattern compiled to a regular expression over the encoding."""

    __slots__ = ("key", "regex", "follow", "needs", "need_mask", "trivial", "spec")

    def __init__(
        self,
        key: str,
        regex: re.Pattern[str],
        follow: frozenset[str] | None,
        needs: tuple[frozenset[str], ...],
    ) -> None:
        """Hold the compiled pattern.

        Args:
            key: What matches are reported under.
            regex: The pattern over the encoding.
            follow: The lower-case words the token after the first may be, when that is known (a cheap
            filter).
            needs: For each later required token with a fixed word list, that list: a message must contain a
                word of each before the pattern is tried at all.
        """
        self.key = key
        self.regex = regex
        self.follow = follow
        self.needs = needs
        self.need_mask = 0  # one bit per entry of ``needs``, set by the matcher that holds the pattern
        self.trivial = False  # one token, tested by its anchor alone: found means matched
        # typed as a plain tuple: compiled, a fixed-shape tuple attribute would be stored unboxed and rebuilt
        # on every read, and renumber_needs finds a pattern's bucket entries by their identity
        self.spec: tuple[Any, ...] = (follow, 0, False, key, regex.match)

    def freeze(self) -> None:
        """Fix what the inner loop of matching reads, as one tuple (faster to unpack than attributes)."""
        self.spec = (self.follow, self.need_mask, self.trivial, self.key, self.regex.match)



# where patterns can start at a token: by its first word, by word pair (second word -> patterns), and by the
# other indexes (index rank, patterns); empty when nowhere
Anchors = (
    tuple[
        Bucket | None,
        dict[str, Bucket] | None,
        tuple[tuple[int, Bucket], ...],
    ]
    | tuple[()]
)
NOWHERE: Anchors = ()


class AnchoredMatcher:
    """Finds (key, start, end) matches, trying each pattern only at tokens its first token can accept."""

    def __init__(self, encoding: Encoding) -> None:
        """Create an empty matcher over an encoding."""
        self.encoding = encoding
        self.index: tuple[dict[str, Bucket], ...] = ({}, {}, {}, {})
        self.by_class: dict[str, Bucket] = {}
        self.pairs: dict[str, dict[str, Bucket]] = {}  # first word -> second word -> patterns
        self.by_regex: dict[tuple[int, str], Bucket] = {}  # (field, REGEX) of a first token -> patterns
        self._regex_tests: tuple[tuple[int, Callable[[str], Any], Bucket], ...] = ()
        self.anywhere = Bucket()
        self._buckets: list[Bucket] = []  # every bucket, once sealed; empty while patterns are being added
        self._met: tuple[set[str] | None, int] = (None, 0)  # the last message's words and the needs they meet
        self._live_size = 0
        self.by_key: dict[str, list[CompiledPattern]] = {}
        self.size = 0
        self.need_bits: dict[frozenset[str], int] = {}  # each distinct needed word list -> its bit
        self.word_needs: dict[str, int] = {}  # word -> the bits of the needed lists holding it
        self.need_words: frozenset[str] = frozenset()
        # a token's line of the encoding -> where patterns start there, and the needed lists its word is in
        self.anchors: dict[str, tuple[Anchors, int]] = {}

    def add(self, key: str, patterns: Sequence[Sequence[dict[str, Any]]]) -> None:
        """Add patterns under a key.

        Args:
            key: The rule id or context name the matches are reported under.
            patterns: spaCy Matcher token patterns, named word lists as :class:`WordList`.

        Raises:
            RuleError: If a pattern is not valid spaCy Matcher syntax or uses an unsupported key.
        """
        for pattern in patterns:
            errors = validate_token_pattern(list(pattern))
            if errors:
                raise RuleError(f"{key}: invalid token pattern {pattern}: {'; '.join(errors)}")
            for variant in _required_first(list(pattern)):
                source = "".join(self._token_regex(tok, key) for tok in variant)
                compiled = CompiledPattern(key, re.compile(source), _follow(variant), _needs(variant))
                first = variant[0]
                compiled.trivial = len(variant) == 1 and _anchor_only(first)
                compiled.need_mask = self._need_mask(compiled.needs)
                compiled.freeze()
                self._index(compiled, variant[0])
                self.by_key.setdefault(key, []).append(compiled)
                self.size += 1
        self.need_words = frozenset(self.word_needs)
        self.anchors.clear()
        self._buckets = []
        self._met = (None, 0)

    def renumber_needs(self) -> None:
        """Give the needed word lists of the most-tried patterns the lowest bits; call after the last ``add``.

        Bits are first handed out in the order patterns are added, so a bucket filed under a common word
        ("you", "it") can hold needs numbered in the thousands, and its key in ``Bucket.live`` (``have &
        mask``) is a many-digit integer to build and hash for every "you" of every message. The largest
        buckets are filed under the commonest words; their patterns' needs are numbered first, which keeps
        those keys shorter. Which patterns are tried, and in what order, does not change.
        """
        buckets = self._all_buckets()
        compiled = {id(p.spec): p for patterns in self.by_key.values() for p in patterns}
        order: dict[frozenset[str], int] = {}
        for bucket in sorted(buckets, key=len, reverse=True):
            for spec in bucket:
                for need in compiled[id(spec)].needs:
                    order.setdefault(need, 1 << len(order))
        for patterns in self.by_key.values():  # needs of patterns filed nowhere (none today) keep a bit too
            for p in patterns:
                for need in p.needs:
                    order.setdefault(need, 1 << len(order))
        self.need_bits = order
        self.word_needs = {}
        for need, bit in order.items():
            for word in need:
                self.word_needs[word] = self.word_needs.get(word, 0) | bit
        renewed: dict[int, Spec] = {}
        for p in compiled.values():
            old = p.spec
            p.need_mask = self._need_mask(p.needs)
            p.freeze()
            renewed[id(old)] = p.spec
        for bucket in buckets:
            bucket[:] = [renewed[id(spec)] for spec in bucket]
        self.need_words = frozenset(self.word_needs)
        self.anchors.clear()
        self._buckets = []
        self._met = (None, 0)

    def _all_buckets(self) -> list[Bucket]:
        buckets: list[Bucket] = [*self.index[0].values()]
        buckets += [bucket for following in self.pairs.values() for bucket in following.values()]
        buckets += [bucket for index in self.index[1:] for bucket in index.values()]
        return [*buckets, *self.by_class.values(), *self.by_regex.values(), self.anywhere]

    def _seal(self) -> None:
        """Compute each bucket's mask of needed word lists and forget what was kept for the old masks."""
        self._buckets = self._all_buckets()
        for bucket in self._buckets:
            mask = 0
            for spec in bucket:
                mask |= spec[1]
            bucket.mask = mask
            bucket.live.clear()
        self._live_size = 0

    def _need_mask(self, needs: tuple[frozenset[str], ...]) -> int:
        mask = 0
        for need in needs:
            bit = self.need_bits.get(need)
            if bit is None:
                bit = self.need_bits[need] = 1 << len(self.need_bits)
                for word in need:
                    self.word_needs[word] = self.word_needs.get(word, 0) | bit
            mask |= bit
        return mask

    def _index(self, pattern: CompiledPattern, first: dict[str, Any]) -> None:
        for attr, slot in FIELDS.items():
            value = first.get(attr)
            if isinstance(value, str):
                self._index_word(slot, value, pattern)
                return
            if isinstance(value, dict) and "IN" in value:
                words = value["IN"]
                if isinstance(words, WordList) and len(words) > MAX_FOLLOW:
                    self.by_class.setdefault(self.encoding.codes[words.name], Bucket()).append(pattern.spec)
                else:
                    for word in words:
                        self._index_word(slot, str(word), pattern)
                return
            if isinstance(value, dict) and set(value) == {"REGEX"}:
                # tested once per distinct word, when its anchors are first looked up, not at every token
                rx = str(value["REGEX"])
                bucket = self.by_regex.get((slot, rx))
                if bucket is None:
                    bucket = self.by_regex[(slot, rx)] = Bucket()
                    self._regex_tests += ((slot, re.compile(rx).search, bucket),)
                bucket.append(pattern.spec)
                return
        self.anywhere.append(pattern.spec)

    def _index_word(self, slot: int, word: str, pattern: CompiledPattern) -> None:
        if slot == 3 and not any(ch.isalpha() for ch in word):
            slot = 0  # punctuation reads the same in every case: index it with the words
        if slot == 0 and pattern.follow is not None and len(pattern.follow) <= MAX_FOLLOW:
            # known first and second words: found by one lookup of the word pair
            following = self.pairs.setdefault(word, {})
            for nxt in pattern.follow:
                following.setdefault(nxt, Bucket()).append(pattern.spec)
        else:
            self.index[slot].setdefault(word, Bucket()).append(pattern.spec)

    def __call__(
        self, toks: Sequence[TokenView], encoded: Encoded | None = None
    ) -> list[tuple[str, int, int]]:
        """All matches: for each key and start, the longest end (like spaCy's ``greedy="LONGEST"`` per start).

        Args:
            toks: The message's token views.
            encoded: ``Encoding.encode(toks)``, when the caller already has it.
        """
        if not self._buckets:
            self._seal()
        text, starts, classes, lowers, _words, lines = encoded or self.encoding.encode(toks)
        hits, have = self._hits(toks, classes, lowers, lines)
        if not hits:
            return []
        if self._live_size > CACHE_LIMIT:
            for bucket in self._buckets:
                bucket.live.clear()
            self._live_size = 0
        n = len(toks)
        best: dict[tuple[str, int], int] = {}
        for i, bucket in hits:
            met = have & bucket.mask
            live = bucket.live.get(met)
            if live is None:
                live = bucket.live[met] = tuple(spec for spec in bucket if spec[1] & met == spec[1])
                self._live_size += 1
            if not live:
                continue
            nxt = lowers[i + 1] if i + 1 < n else ""
            start = starts[i]
            for follow, _need, trivial, key, match in live:
                if follow is not None and nxt not in follow:
                    continue
                if trivial:
                    end = i + 1
                else:
                    m = match(text, start)
                    if m is None:
                        continue
                    end = bisect_left(starts, m.end())  # matches end on a line break: a token boundary
                if end > best.get((key, i), i):
                    best[(key, i)] = end
        return [(key, i, end) for (key, i), end in best.items()]

    def _needs_met(self, words: set[str]) -> int:
        """The bits of the needed word lists that a message holds a word of."""
        have = 0
        word_needs = self.word_needs
        for word in words & self.need_words:
            have |= word_needs[word]
        return have

    def _hits(
        self, toks: Sequence[TokenView], classes: Sequence[str], lowers: list[str], lines: Sequence[str]
    ) -> tuple[list[tuple[int, Bucket]], int]:
        """Where patterns can start (token, patterns), and the needed word lists the message meets.

        In the order of a pass per index (first words, word pairs, lemmas, norms, texts, word lists,
        anywhere), as that order decides which of two overlapping flags is kept. The needs are read from the
        same per-word cache, instead of looking every word up in the large table of needed words.
        """
        anchors = self.anchors
        if len(anchors) > CACHE_LIMIT:
            anchors.clear()
        hits: list[tuple[int, Bucket]] = []
        pair_hits: list[tuple[int, Bucket]] = []
        others: list[tuple[int, int, Bucket]] = []
        last = len(lines) - 1
        have = 0
        known = anchors.get  # bound once: this loop runs for every token of every message
        for i, line in enumerate(lines):
            entry = known(line)
            if entry is None:
                entry = self._anchors_at(toks[i], classes[i], line)
            found, needs = entry
            if needs:
                have |= needs
            if not found:
                continue
            first, following, rest = found
            if first is not None:
                hits.append((i, first))
            if following is not None and i < last:
                bucket = following.get(lowers[i + 1])
                if bucket is not None:
                    pair_hits.append((i, bucket))
            for index_rank, bucket in rest:
                others.append((index_rank, i, bucket))
        hits += pair_hits
        if others:
            others.sort()  # by index rank, then token: no two share both, so buckets are never compared
            hits.extend((i, bucket) for _, i, bucket in others)
        return hits, have

    def _anchors_at(self, view: TokenView, classes: str, line: str) -> tuple[Anchors, int]:
        """The patterns that can start at a token, and the bits of the needed word lists its word is in.

        Patterns are found by the token's first word, by word pair, and by the other indexes.
        """
        lower_index = self.index[0]
        words = (view[0], view[1], view[2], view[3])  # the text fields alone: one type to index by
        rest = [(s, self.index[s][words[s]]) for s in (1, 2, 3) if words[s] in self.index[s]]
        rank = 4
        for code, bucket in self.by_class.items():
            if code in classes:
                rest.append((rank, bucket))
            rank += 1
        for field, search, bucket in self._regex_tests:
            if search(words[field]):
                rest.append((rank, bucket))
            rank += 1
        if self.anywhere:
            rest.append((rank, self.anywhere))
        lower = view[0]
        found: Anchors = NOWHERE
        if lower in lower_index or lower in self.pairs or rest:
            found = (lower_index.get(lower), self.pairs.get(lower), tuple(rest))
        entry = (found, self.word_needs.get(lower, 0))
        # a token whose fields were cleaned for the encoding shares its line with others: not cached
        if not (view[6] or "\t" in view[3] or "\n" in view[3]):
            self.anchors[line] = entry
        return entry

    def overlaps(self, key: str, encoded: Encoded, start: int, end: int, reach: int = 3) -> bool:
        """Whether a pattern under ``key`` matches a span overlapping tokens ``start``..``end``.

        Only starts from ``reach`` tokens before the span to its end are tried: a cheap check for one span,
        instead of a pass over the whole message.
        """
        text, starts = encoded[0], encoded[1]
        words = encoded[4]
        if self._met[0] is not words:  # a message's candidates are checked one after another
            self._met = (words, self._needs_met(words))
        have = self._met[1]
        patterns = [p for p in self.by_key.get(key, ()) if p.need_mask & have == p.need_mask]
        for pos in range(max(0, start - reach), end):
            for pattern in patterns:
                m = pattern.regex.match(text, starts[pos])
                if m is not None and bisect_left(starts, m.end()) > start:
                    return True
        return False

    def _token_regex(self, tok: dict[str, Any], where: str) -> str:
        fields = [ANY_FIELD] * 4
        flags = ["[a-]", "[p-]", "[s-]"]
        class_parts: list[str] = []
        for key, value in tok.items():
            if key == "OP":
                continue
            if key in FLAGS:
                if not isinstance(value, bool):
                    raise RuleError(f"{where}: {key} takes true or false")
                flags[FLAGS[key]] = ("a", "p", "s")[FLAGS[key]] if value else "-"
            elif key in FIELDS:
                field, cls = self._field_regex(value, where)
                if field is not None:
                    fields[FIELDS[key]] = field
                class_parts.extend(cls)
            else:
                raise RuleError(
                    f"{where}: token key {key!r} is not supported; use one of "
                    f"{sorted(FIELDS) + sorted(FLAGS)}"
                )
        body = "".join(class_parts) + _line_regex([*fields, "".join(flags)])
        lo, hi = _quantifier(tok.get("OP"))
        if lo == hi == 1:
            return body
        return f"(?:{body}){{{lo},{'' if hi >= INF else hi}}}"

    def _field_regex(self, value: Any, where: str) -> tuple[str | None, list[str]]:
        """The regex for one field, and lookaheads on the class field (for named word lists)."""
        if isinstance(value, str):
            return re.escape(value), []
        if isinstance(value, bool):
            raise RuleError(f"{where}: a word can't be true or false")
        if not isinstance(value, dict):
            raise RuleError(f"{where}: unsupported value {value!r}")
        unknown = set(value) - {"IN", "NOT_IN", "REGEX"}
        if unknown:
            raise RuleError(f"{where}: unsupported predicate {sorted(unknown)}")
        head = ""
        body = ANY_FIELD
        cls: list[str] = []
        for op, words in value.items():
            if op == "REGEX":
                rx = str(words)
                inner = rx[1:] if rx.startswith("^") else ANY_FIELD + rx
                inner = inner[:-1] if inner.endswith("$") else inner + ANY_FIELD
                head += f"(?=(?:{inner})\t)"
            elif isinstance(words, WordList):
                # membership is read off the class field, the line's last: looked ahead to from the line start
                code = self.encoding.codes[words.name]
                cls.append(("(?=" if op == "IN" else "(?!") + CLASS_FIELD + code + ")")
            else:
                alts = "|".join(re.escape(str(w)) for w in sorted(words, key=len, reverse=True))
                if op == "IN":
                    body = f"(?:{alts})"
                else:
                    head += f"(?!(?:{alts})\t)"
        return head + body, cls


def _line_regex(tests: list[str]) -> str:
    """One line of the encoding from its field tests; the fields after the last real test are skipped over.

    Every line has the same six fields, so the rest of a line is read in one step: a pattern's many "any
    token" positions cost the regex engine one scan each instead of six.
    """
    while tests and tests[-1] in (ANY_FIELD, ANY_FLAGS):
        tests.pop()
    return "\t".join(tests) + ("\t" if tests else "") + REST_OF_LINE


def _anchor_only(tok: dict[str, Any]) -> bool:
    """Whether finding a token through the index already proves it matches (one plain word test)."""
    if len(tok) != 1:
        return False
    ((key, value),) = tok.items()
    return key in FIELDS and (isinstance(value, str) or (isinstance(value, dict) and set(value) == {"IN"}))


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
            elif isinstance(value, dict) and "IN" in value:
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
        if set(tok) - {"OP"} == {"NORM"} and tok["NORM"] in NORM_FORMS:
            value = {"IN": NORM_FORMS[tok["NORM"]]}
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
