"""spaCy components: a lookup lemmatizer for trainee text, and the directive-language coach.

The coach matches the rules' spaCy token patterns (``matching.py``), reads where each match sits
(``context.py``), keeps the matches whose conditions hold, and writes them to ``doc.spans["coach"]`` (label =
category) and ``doc._.coach_flags``. Rule data is loaded in ``initialize``, not at import.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .context import (
    FRAME_BITS,
    STRONG_BOUNDARIES,
    LexiconView,
    MessageContext,
    max_asks,
    token_kind,
    token_kinds,
)
from .lexicon import Lexicon, load_lexicon
from .matching import AnchoredMatcher, Encoded, Encoding, TokenView, token_views
from .rephrase import extract_action
from .rules import Category, Rule, load_categories, load_rules

VIEWS_KEY = "coach.token_views"
LINES_KEY = "coach.token_lines"
KINDS_KEY = "coach.token_kinds"
CACHE_LIMIT = 200_000
CLAUSE_OPENERS = STRONG_BOUNDARIES | {"if", "when", "whenever", "then", "first", "thing"}
CONTEXT_KEY = "\x00context:"  # rule matches and context matches share one pass; context keys start so

FLAGS_KEY = "coach.flags"
if not Doc.has_extension("coach_flags"):
    # read from user_data: setting an extension attribute costs as much as a rule match
    Doc.set_extension("coach_flags", getter=lambda doc: doc.user_data.get(FLAGS_KEY, []))


@dataclass(frozen=True, slots=True)
class Flag:
    """A rule that fired on a span of the message."""

    rule: Rule
    category: Category
    start: int
    end: int
    action: tuple[str, str] | None


class CoachLemmatizer:
    """Lower-case lookup lemmas from spacy-lookups-data, with overrides for informal writing ("u")."""

    def __init__(self, nlp: Language, name: str) -> None:
        """Create an uninitialised lemmatizer."""
        self.name = name
        self.strings = nlp.vocab.strings
        self.cache: dict[tuple[int, int], tuple[int, TokenView, str, str, str]] = {}
        self.lexicon: Lexicon | None = None

    def initialize(
        self, get_examples: Any = None, *, nlp: Language | None = None, lexicon: Lexicon | None = None
    ) -> None:
        """Load the lemma tables."""
        self.lexicon = lexicon or load_lexicon()

    def __call__(self, doc: Doc) -> Doc:
        """Set ``token.lemma_`` on every token; keep the coach's token views in ``doc.user_data``."""
        self._prepare(doc, set_lemmas=True)
        return doc

    def prepare(self, doc: Doc) -> Doc:
        """Keep the coach's token views in ``doc.user_data`` only, leaving ``token.lemma_`` unset.

        ``analyze()`` reads the lemmas from the views; writing them to every token costs about 2% of an
        analysis.
        """
        self._prepare(doc, set_lemmas=False)
        return doc

    def _prepare(self, doc: Doc, set_lemmas: bool) -> None:
        if self.lexicon is None:
            raise RuntimeError("coach_lemmatizer used before initialize()")
        cache = self.cache
        if len(cache) > CACHE_LIMIT:
            cache.clear()
        lookup = cache.get
        found = [lookup((tok.orth, tok.norm)) for tok in doc]
        if None in found:
            for i, hit in enumerate(found):
                if hit is None:
                    tok = doc[i]
                    found[i] = cache[(tok.orth, tok.norm)] = self._analyse(tok)
        hits = cast(list[tuple[int, TokenView, str, str, str]], found)
        if set_lemmas:
            for tok, hit in zip(doc, hits, strict=True):
                tok.lemma = hit[0]
        # one transposition instead of four appends a token: this runs for every token of every message
        _, views, lines, classes, kinds = zip(*hits, strict=True) if hits else ((), (), (), (), ())
        doc.user_data[VIEWS_KEY] = views
        doc.user_data[LINES_KEY] = (self.lexicon.encoding, lines, classes)
        doc.user_data[KINDS_KEY] = "".join(kinds)

    def _analyse(self, tok: Token) -> tuple[int, TokenView, str, str, str]:
        lex = self.lexicon
        assert lex is not None
        norm = tok.norm_
        lemma = lex.lemma_overrides.get(norm) or lex.lemma_table.get(norm) or norm
        view = (tok.lower_, lemma, norm, tok.text, tok.is_alpha, tok.is_punct, tok.is_space)
        line, cls = lex.encoding.line(view)  # the matchers' encoding of this token, made once per word
        return self.strings.add(lemma), view, line, cls, token_kind(view)


class DirectiveCoach:
    """Flags directive or hierarchical language according to the rule data."""

    def __init__(self, nlp: Language, name: str, *, spans_key: str = "coach", data_dir: str = "") -> None:
        """Create an uninitialised coach."""
        self.name = name
        self.vocab = nlp.vocab
        self.spans_key = spans_key
        self.data_dir = Path(data_dir) if data_dir else None
        self.encoding = Encoding({})
        self.matcher = AnchoredMatcher(self.encoding)
        self.exclude_matcher = AnchoredMatcher(self.encoding)
        self.rules: dict[str, Rule] = {}
        self.blocked_masks: dict[str, int] = {}  # rule id -> the frames that keep it from firing
        self.categories: dict[str, Category] = {}
        self.lexicon: Lexicon | None = None
        self.view: LexiconView | None = None
        # the last words of multi-word openers ("I'd say", "I think")
        self.opener_ends: frozenset[str] = frozenset()

    def initialize(
        self, get_examples: Any = None, *, nlp: Language | None = None, lexicon: Lexicon | None = None
    ) -> None:
        """Load categories, lexicon and rules, and compile their patterns."""
        base = self.data_dir
        self.categories = load_categories(base / "categories.yml" if base else None)
        self.lexicon = lexicon or load_lexicon(base / "lexicon.yml" if base else None)
        rules = load_rules(base / "rules" if base else None, self.categories)
        self.rules = {r.id: r for r in rules}
        self.blocked_masks = {r.id: self._blocked_mask(r) for r in rules}
        lex = self.lexicon
        self.view = LexiconView(
            lex.words.get("openers", frozenset()),
            lex.words["base_verbs"],
            lex.words.get("not_imperative", frozenset()),
            lex.words["adjectives"],
        )
        self.opener_ends = _last_words(lex.contexts.get("opener", []))
        self.encoding = lex.encoding
        self.matcher = AnchoredMatcher(self.encoding)
        self.exclude_matcher = AnchoredMatcher(self.encoding)
        for kind, patterns in lex.contexts.items():
            self.matcher.add(CONTEXT_KEY + kind, [lex.expand(p, f"lexicon context {kind}") for p in patterns])
        for rule in rules:
            self.matcher.add(rule.id, [lex.expand(list(p), rule.id) for p in rule.patterns])
            if rule.exclude:
                self.exclude_matcher.add(rule.id, [lex.expand(list(p), rule.id) for p in rule.exclude])
        self.matcher.renumber_needs()

    def __call__(self, doc: Doc) -> Doc:
        """Find the flags in a message; store them on the doc and as spans in ``doc.spans``."""
        self.find_flags(doc)
        flags = doc.user_data[FLAGS_KEY]
        if flags:
            doc.spans[self.spans_key] = [Span(doc, f.start, f.end, label=f.category.id) for f in flags]
        return doc

    def find_flags(self, doc: Doc) -> Doc:
        """Find the flags in a message and store them as ``doc._.coach_flags`` only.

        ``analyze()`` reads nothing else; building a span group costs about 4% of an analysis.
        """
        if self.view is None:
            raise RuntimeError("directive_coach used before initialize()")
        toks, encoded = self._read(doc)
        matches, contexts = self._match(toks, encoded)
        rules = self.rules
        candidates = [m for m in matches if not rules[m[0]].imperative or self._may_open_clause(toks, m[1])]
        # only question-count rules (a barrage): when the message can't hold that many questions, the
        # structural analysis is skipped (a sixth of messages: a short question or two)
        if (
            candidates
            and all(rules[m[0]].min_questions for m in candidates)
            and max_asks(self._kinds(doc, toks)) < min(rules[m[0]].min_questions for m in candidates)
        ):
            candidates = []
        flags: list[Flag] = []
        if candidates:
            ctx = self._context(doc, toks, encoded, contexts)
            for rule_id, s, e in candidates:
                rule = self.rules[rule_id]
                if self._holds(rule, s, e, ctx) and not (
                    rule.exclude and self.exclude_matcher.overlaps(rule_id, encoded, s, e)
                ):
                    flags.append(self._flag(doc, toks, rule, s, e, ctx))
            flags = _resolve(flags)
        doc.user_data[FLAGS_KEY] = flags
        return doc

    def context(self, doc: Doc) -> MessageContext:
        """The structural analysis of a processed message (for listening-move recognition)."""
        toks, encoded = self._read(doc)
        return self._context(doc, toks, encoded, self._match(toks, encoded)[1])

    def _match(
        self, toks: Sequence[TokenView], encoded: Encoded
    ) -> tuple[list[tuple[str, int, int]], dict[str, list[tuple[int, int]]]]:
        """One matcher pass: the rule matches, and the context matches by kind."""
        matches = []
        contexts: dict[str, list[tuple[int, int]]] = {}
        for key, s, e in self.matcher(toks, encoded):
            if key.startswith(CONTEXT_KEY):
                contexts.setdefault(key[len(CONTEXT_KEY) :], []).append((s, e))
            else:
                matches.append((key, s, e))
        return matches, contexts

    def _read(self, doc: Doc) -> tuple[Sequence[TokenView], Encoded]:
        """The token views and their encoding, as the lemmatizer left them on the doc when it could."""
        toks = doc.user_data.get(VIEWS_KEY) or token_views(doc)
        prepared = doc.user_data.get(LINES_KEY)
        lines = None
        # lines made by a lemmatizer with another lexicon would carry other class codes
        if prepared is not None and prepared[0] is self.encoding and VIEWS_KEY in doc.user_data:
            lines = (prepared[1], prepared[2])
        return toks, self.encoding.encode(toks, lines)

    def _context(
        self,
        doc: Doc,
        toks: Sequence[TokenView],
        encoded: Encoded,
        contexts: dict[str, list[tuple[int, int]]],
    ) -> MessageContext:
        assert self.view is not None
        return MessageContext(doc, contexts, self.view, toks, encoded[3], self._kinds(doc, toks))

    @staticmethod
    def _kinds(doc: Doc, toks: Sequence[TokenView]) -> str:
        kinds = doc.user_data.get(KINDS_KEY)
        # the lemmatizer's string, when it made the views in use
        if isinstance(kinds, str) and len(kinds) == len(toks) and VIEWS_KEY in doc.user_data:
            return kinds
        return token_kinds(toks)

    def _may_open_clause(self, toks: Sequence[TokenView], s: int) -> bool:
        # A cheap test before the full analysis: a command starts a sentence or follows punctuation, a
        # conjunction or an opener ("so", "please", "just"); most verbs in a message don't.
        if s == 0:
            return True
        prev = toks[s - 1]
        return (
            prev[5]
            or prev[6]
            or prev[0] in CLAUSE_OPENERS
            or prev[0] in self.opener_ends
            or (self.view is not None and prev[0] in self.view.openers)
        )

    def _holds(self, rule: Rule, s: int, e: int, ctx: MessageContext) -> bool:
        sent = ctx.sentence_at(s)
        if rule.mood == "statement" and sent.asks_at(s):
            return False
        if rule.mood == "told" and sent.question:
            return False  # said without any "?": a rising "less about X, more about Y?" checks
        if rule.mood == "question" and not sent.question:
            return False
        if rule.min_questions or rule.max_questions is not None:
            asked = sum(sent.asks for sent in ctx.sentences)
            if asked < rule.min_questions or (rule.max_questions is not None and asked > rule.max_questions):
                return False
        if rule.imperative:
            if s not in ctx.imperatives:
                return False
        elif not _position_ok(rule.position, s, sent.content, ctx.content_starts):
            return False
        mask = self.blocked_masks[rule.id]
        return not (mask and ctx.framed(s, mask))

    def _blocked_mask(self, rule: Rule) -> int:
        blocked = (
            rule.blocked_by if rule.blocked_by is not None else self.categories[rule.category].blocked_by
        )
        mask = 0
        for kind in blocked:
            mask |= FRAME_BITS[kind]
        return mask

    def _flag(
        self, doc: Doc, toks: Sequence[TokenView], rule: Rule, s: int, e: int, ctx: MessageContext
    ) -> Flag:
        action = None
        if rule.slot != "none":
            assert self.view is not None
            verbs = self.view.base_verbs
            if rule.slot == "from_start":
                action = extract_action(doc, toks, ctx.imperatives.get(s, s), ctx.clause_end[s], verbs)
            else:
                # the action starts at the pattern's last word ("you should SEE a counsellor") or just after
                # it ("why don't you just | block him"); a thing ("have you tried YOGA") is the last resort
                end = ctx.clause_end[s]
                action = (
                    extract_action(doc, toks, e - 1, end, verbs)
                    or extract_action(doc, toks, e, end, verbs)
                    or extract_action(doc, toks, e - 1, end, verbs, nominal=True)
                )
            e = max(e, ctx.clause_end[s])  # show the whole directive, not just its opening words
        if rule.min_questions:
            questions = [sent for sent in ctx.sentences if sent.question]
            s, e = questions[0].begin, questions[-1].end  # the barrage, not one question mark
        return Flag(rule, self.categories[rule.category], s, e, action)


def _last_words(patterns: list[list[dict[str, Any]]]) -> frozenset[str]:
    """The words a pattern can end on: its last token's, and an optional last token's predecessors'."""
    words: set[str] = set()
    for pattern in patterns:
        for tok in reversed(pattern):
            value = tok.get("LOWER")
            if isinstance(value, str):
                words.add(value)
            elif isinstance(value, dict) and isinstance(value.get("IN"), list):
                words.update(str(w) for w in value["IN"])
            if tok.get("OP") not in ("?", "*"):
                break
    return frozenset(words)


def _position_ok(position: str, s: int, sentence_start: int, clause_starts: set[int]) -> bool:
    if position == "clause_start":
        return s in clause_starts
    return position != "sentence_start" or s == sentence_start


def _resolve(flags: list[Flag]) -> list[Flag]:
    """Drop fallback flags that a specific flag covers, and repeats of a category in one sentence span."""
    specific = [f for f in flags if not f.rule.fallback]
    kept: list[Flag] = []
    for f in flags:
        if f.rule.fallback and any(o.start < f.end and f.start < o.end for o in specific):
            continue
        if any(k.category.id == f.category.id and k.start < f.end and f.start < k.end for k in kept):
            continue
        kept.append(f)
    kept.sort(key=lambda f: (f.category.rank, f.start))
    return kept
