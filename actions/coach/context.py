"""Where a match sits in a message: sentences, clauses, mood, and the frames around it.

A blank English pipeline has no parser, so the coach reads structure from surface cues that generalise:
sentence-final punctuation and question openers (mood), clause boundaries (commas, conjunctions), skippable
openers ("honestly", "I think"), imperative verbs at the start of a clause, and frames that put what follows
in the peer's voice ("it sounds like", "you feel", "you said") or make it tentative ("I wonder if").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc

from .matching import TokenView, token_views

TERMINAL_STR = ".!?…"
TERMINAL_CHARS = frozenset(TERMINAL_STR)
WEAK_BOUNDARIES = frozenset({",", ":", "(", ")", '"', "“", "”", "—", "–", "-", "--", "/", "*"})
STRONG_BOUNDARIES = frozenset(
    {
        ";",
        "but",
        "and",
        "so",
        "because",
        "cos",
        "coz",
        "cause",
        "or",
        "though",
        "although",
        "whereas",
        "yet",
        "plus",
    }
)
BOUNDARIES = WEAK_BOUNDARIES | STRONG_BOUNDARIES
# "You said you drink because you're lonely": the reason belongs to what the peer said or feels, so frames
# that report the peer's world carry on through it
ELLIPTICAL_ASKS = frozenset({"do", "did", "get", "got", "see", "hear"})
REASONS = frozenset({"because", "cos", "coz", "cause"})
REASONED_FRAMES = frozenset({"quote", "peer_mind", "reflective"})
# ... and so does the other half of an either-or: "You said you have to go back or you'll lose the job".
CARRIED = REASONS | {"or", "otherwise"}
SUBORDINATORS = frozenset(
    {
        "if",
        "when",
        "whenever",
        "once",
        "before",
        "after",
        "until",
        "till",
        "next",
        "while",
        "whatever",
        "wherever",
        "as",
    }
)
WH_WORDS = frozenset(
    {"what", "how", "why", "where", "when", "who", "which", "whats", "hows", "whose", "whom"}
)
AUX_INVERSION = frozenset(
    {
        "do",
        "does",
        "did",
        "are",
        "is",
        "can",
        "could",
        "would",
        "will",
        "have",
        "has",
        "should",
        "shall",
        "were",
        "was",
        "may",
        "might",
        "am",
        "wo",
        "ca",
        "had",
    }
)
ASIDE_VERBS = frozenset({"think", "reckon", "suppose", "say", "guess"})
INFERENCE_VERBS = frozenset({"tells", "says", "shows", "means", "suggests", "proves", "makes"})
OPENING_QUOTES = frozenset({'"', "“"})
CLOSING_QUOTES = frozenset({'"', "”"})
# an opener that softens what follows into a suggestion: "maybe write it down" is advice wherever it starts
SOFTENERS = frozenset({"maybe", "perhaps", "please", "pls", "plz", "abeg"})
# what a trainee invites the peer to do "whenever you're ready": talk, not act on advice
INVITED_ACTS = frozenset(
    {
        "talk",
        "tell",
        "share",
        "type",
        "say",
        "write",
        "reply",
        "respond",
        "answer",
        "message",
        "text",
        "chat",
        "vent",
        "speak",
        "come",
        "start",
        "begin",
        "continue",
        "carry",
        "go",
        "take",
        "ask",
        "shout",
        "reach",
        "think",
        "sit",  # "sit with it as long as you need"
    }
)
OBJECT_STARTERS = frozenset({"the", "your", "ur", "his", "her", "their", "them", "him", "a", "an", "some"})
ELIDED_SUBJECT_VERBS = frozenset(
    {"get", "got", "know", "see", "hear", "feel", "love", "miss", "mean", "hope", "understand", "relate"}
)
AGREEING_ADVERBS = frozenset(
    {"totally", "completely", "really", "honestly", "fully", "absolutely", "so", "defo"}
)
# after a sentence-initial "don't", words that read as "(I) don't ...", not as a command
ELIDED_AFTER_DONT = frozenset({"want", "wanna", "know", "mean", "need"})
SUBJECTS = frozenset(
    {
        "you",
        "i",
        "he",
        "she",
        "it",
        "they",
        "we",
        "there",
        "that",
        "this",
        "u",
        "anyone",
        "anything",
        "someone",
        "something",
        "anybody",
        "somebody",
        "your",
        "things",
    }
)
FINITE_AFTER_SUBJECT = frozenset(
    {
        "is",
        "are",
        "was",
        "were",
        "'s",
        "'re",
        "will",
        "would",
        "can",
        "could",
        "should",
        "must",
        "might",
        "may",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "'ll",
        "'d",
        "'ve",
        "shall",
        "seems",
        "sounds",
        "feels",
        "looks",
        "gets",
    }
)
# words a sentence put as a statement starts with ("you kind of owe her a call?" rises, but tells)
DECLARATIVE_SUBJECTS = frozenset(
    {"you", "u", "ur", "youre", "that", "thats", "this", "it", "its", "i", "he", "she", "they", "there", "we"}
    | {"the", "your", "my", "his", "her", "their"}
    # "(it) kind of feels like ...?"
    | {"sounds", "seems", "feels", "looks", "kind", "sort", "kinda", "sorta"}
)
INVERTED_SUBJECTS = frozenset(
    {
        "you",
        "u",
        "i",
        "he",
        "she",
        "they",
        "we",
        "anyone",
        "someone",
        "anybody",
        "somebody",
        "ya",
        "ye",
        "people",
        "things",
    }
)
ADJECTIVE_FOLLOWERS = frozenset(
    {"", "if", "by", "enough", "then", "now", "though", "thanks", ",", ".", "!", "?"}
)
MODALS = frozenset({"can", "could", "would", "will", "might", "may", "should", "must", "'ll", "'d", "ca"})
ELIDED_OPINION = frozenset({"think", "reckon", "guess", "suppose", "bet", "hope", "wonder", "believe"})
CLAUSE_SUBJECTS = frozenset({"i", "you", "u", "it", "we", "they", "he", "she", "that", "there", "so"})
GREETINGS = frozenset({"dear", "hi", "hello", "hey", "hiya", "morning", "evening", "afternoon"})
ASSERTED = frozenset({"clearly", "obviously", "surely", "definitely"})
WISH_WORDS = frozenset({"want", "like", "prefer", "rather", "wanna"})
FRAME_BITS = {"reflective": 1, "peer_mind": 2, "quote": 4, "tentative": 8, "autonomy": 16}


@dataclass(slots=True)
class Sentence:
    """One sentence of a message, with its mood."""

    begin: int
    content: int
    body_end: int
    end: int
    question: bool
    tag: bool
    asks: int = 0  # questions it asks: "where did you go, did anyone see you?" asks two
    # where the asking starts: in "It's probably nothing, how did he take it?" the first clause still tells
    ask_from: int = 0
    # a statement said with a rising "?" and no question form: "you kind of owe her a call?"
    uptalk: bool = False

    def asks_at(self, i: int) -> bool:
        """Whether token ``i`` lies in the part of the sentence that asks."""
        return self.question and not self.uptalk and i >= self.ask_from


class MessageContext:
    """Structure of one message, computed once and queried per candidate match."""

    __slots__ = (
        "doc",
        "sentences",
        "sent_of",
        "content_starts",
        "imperatives",
        "frame_mask",
        "invitations",
        "clause_end",
    )

    def __init__(
        self,
        doc: Doc,
        spans: dict[str, list[tuple[int, int]]],
        lex: LexiconView,
        toks: Sequence[TokenView] | None = None,
        lowers: list[str] | None = None,
        kinds: str | None = None,
    ) -> None:
        """Analyse the message.

        Args:
            doc: The tokenised, lemmatised message.
            spans: Context matches by kind ("opener", "reflective", "tag", ...), as token (start, end).
            lex: Word lists the analysis needs.
            toks: The tokens' attributes as the matcher read them (computed when omitted).
            lowers: Their lower-case forms, when the caller has them.
            kinds: Their ``token_kinds``, when the caller has them.
        """
        self.doc = doc
        toks = toks if toks is not None else token_views(doc)
        n = len(toks)
        if lowers is None:
            lowers = [t[0] for t in toks]
        self.sentences: list[Sentence] = []
        self.sent_of = [0] * n
        self.content_starts: set[int] = set()
        self.imperatives: dict[int, int] = {}
        self.frame_mask = [0] * n
        self.clause_end = [n] * n
        # every token of an invitation counts: "no pressure" is skipped to "pressure" like any opener
        self.invitations: set[int] = set()
        for kind in ("invitation", "farewell"):
            for s, e in spans.get(kind, ()):
                self.invitations.update(range(s, e))
        opener_ends: dict[int, int] = {}
        for s, e in spans.get("opener", ()):
            opener_ends[s] = max(e, opener_ends.get(s, 0))
        for s, _ in spans.get("invite_tail", ()):
            b = s
            while b > 0 and not _is_terminal(toks[b - 1][3]):
                b -= 1
            # "Type whenever you're ready" invites; "maybe give that a go when you feel up to it" advises
            v = _skip_openers(toks, lowers, b, s, opener_ends, lex.openers)
            if v < s and (
                # "go and wash your face ... when you're ready": the act is the one after "and"
                (lowers[v] in INVITED_ACTS and not (v + 1 < s and lowers[v + 1] == "and"))
                or (v + 1 < s and lowers[v + 1] in ("me", "us"))
                or (v + 2 < s and lowers[v] == "have" and lowers[v + 2] in INVITED_ACTS)  # "have a think"
            ):
                self.invitations.update(range(b, s))
        tag_spans = spans.get("tag", ())

        if kinds is None:
            kinds = token_kinds(toks)
        for begin, end in _sentence_bounds(kinds):
            body_end = end
            while body_end > begin and (ord(kinds[body_end - 1]) - 48) & _TERMINAL:
                body_end -= 1
            # (the cheap tests first: most sentences have one closing mark and no tag)
            ends_q = body_end < end and (
                "?" in toks[body_end][3] or any("?" in toks[i][3] for i in range(body_end + 1, end))
            )
            tag = (
                bool(tag_spans)
                and any(s >= begin and body_end <= e <= end for s, e in tag_spans)
                and body_end - begin > 3
            )
            self.sent_of[begin:end] = [len(self.sentences)] * (end - begin)
            clauses = _clauses(kinds, begin, body_end)
            content0 = body_end
            prev_lead = ""
            prev_short = False
            prev_imperative = False
            after_filler = False
            last_word = last_subject = ""  # the end of the last clause that said something
            prev_cb = begin
            prev_span = (begin, begin)  # the last clause that said something
            asks = 0
            ask_from = -1
            for k, (cb, ce, strong) in enumerate(clauses):
                self.clause_end[cb:ce] = [ce] * (ce - cb)
                self.content_starts.add(cb)  # a rule may begin with an opener word ("anyway, ...")
                c = _skip_openers(toks, lowers, cb, ce, opener_ends, lex.openers)
                if c >= ce:
                    prev_short = True  # a filler clause ("you could just, like, mention it") hands on
                    after_filler = True
                    prev_cb = cb
                    self.content_starts.update(range(cb, ce))  # "lol well anyway, what are you doing ...?"
                    continue
                # any marker in a run of openers may start a rule: "lol ok anyway did u see ..."
                self.content_starts.update(range(cb, c + 1))
                if c + 1 < ce and lowers[c + 1] in ("you", "u") and _vocative(toks[c], lowers[c], lex):
                    self.content_starts.add(c + 1)  # "Sam you need to chill": a name, then the clause
                if content0 == body_end:
                    content0 = c
                initial = k == 0 or c == content0
                joined = lowers[cb - 1] if cb > begin else ""
                # "ring your mum and make up" joins two commands; "to love someone and be scared" doesn't
                after_conj = strong and (joined not in ("and", "or", "plus") or prev_imperative)
                if (
                    joined == "but"
                    and after_conj
                    and not prev_imperative
                    and _has_infinitive(lowers, *prev_span, lex)
                ):
                    after_conj = False  # "you want to stay in the faith but find another way": one wish
                imperative_ok = (
                    initial
                    or after_conj
                    or prev_lead in SUBORDINATORS
                    or prev_short  # "ok first thing, delete his number"
                    or any(lowers[j] in SOFTENERS for j in range(cb, c))  # "so sorry 💐 maybe write it down"
                    or (joined == "," and _spliced_command(lowers, c, ce, lex))  # "that's awful, ring him"
                )
                if after_filler and (
                    last_word == "to" or (last_word in MODALS and last_subject not in ("you", "u", "ya"))
                ):
                    # "would it help to, like, map it out", "I can, um, sit here": the verb goes on from
                    # before the filler; only "you could, um, call her" still proposes
                    imperative_ok = False
                if (
                    joined in CLOSING_QUOTES
                    and prev_cb - 2 >= begin
                    and lowers[prev_cb - 1] in OPENING_QUOTES
                    and lowers[prev_cb - 2].isalpha()
                ):
                    imperative_ok = False  # there's no "right" amount to share: a word quoted mid-sentence
                # "tl;dr: set boundaries", "My advice: tell him": a short lead-in and a colon start afresh
                fresh = initial or (joined == ":" and prev_short)
                # "..., do you think, or does it ...?" is one question: asides and alternatives don't add one
                if ends_q and joined != "or" and _asks(lowers, c, ce) and not _aside(lowers, c, ce):
                    asks += 1
                    if ask_from < 0:
                        # a lead-in ("Statistically speaking, what ...?") is part of the question
                        ask_from = cb if cb - begin >= 4 and content0 < cb else begin
                # "ok first thing, delete his number"; but "I went back and read ..." has a subject: it tells
                prev_short = ce - cb <= 3 and not strong and lowers[c] not in SUBJECTS
                prev_imperative = False
                if ends_q and not initial and ce - c == 1:
                    imperative_ok = False  # "Ideas, company, or just being heard?": a list of options
                if imperative_ok and c not in self.invitations:
                    verb = _imperative_verb(lowers, toks, c, ce, lex, fresh)
                    if verb is not None:
                        self.imperatives[c] = verb
                        prev_imperative = True
                prev_lead = lowers[c]
                prev_cb = cb
                prev_span = (c, ce)
                after_filler = False
                last_word = lowers[ce - 1]
                last_subject = lowers[ce - 2] if ce - 2 >= cb else ""
            if ask_from == begin and content0 < body_end and lowers[content0] in WH_WORDS:
                for c in [c for c in self.imperatives if content0 < c < body_end]:
                    del self.imperatives[c]  # "What would help? Ideas, company, ...?": options, not commands
            if ends_q and self.sentences and self.sentences[-1].question:
                asked = self.sentences[-1]
                # "What would you want? Vent space, ideas, or ...?", "What would you like me to do? Keep it
                # between us?": options offered back after a question, not commands
                if any(lowers[j] == "or" for j in range(begin, body_end)) or any(
                    lowers[j] in WISH_WORDS for j in range(asked.begin, asked.body_end)
                ):
                    for c in [c for c in self.imperatives if begin <= c < body_end]:
                        del self.imperatives[c]
            wh_led = content0 < body_end and lowers[content0] in WH_WORDS
            if tag and wh_led and not _cleft(lowers, content0, body_end):
                tag = False  # "What might help, do you think?" asks; the tail is an aside, not a tag
            question = False
            if not tag:
                if ends_q:
                    question = True
                elif content0 < body_end and body_end == end:
                    w = lowers[content0]
                    nxt = lowers[content0 + 1] if content0 + 1 < body_end else ""
                    # "what do you ...", "how's ..." ask; "what worked for me was ..." tells
                    question = (
                        w in WH_WORDS
                        and (nxt in AUX_INVERSION or nxt in ("'s", "s", "about", "if"))
                        # "what's really going on is you're jealous" tells: a what-clause as the subject
                        and not any(lowers[j] in ("is", "was") for j in range(content0 + 3, body_end))
                    ) or (w in AUX_INVERSION and nxt in SUBJECTS)
            self.sentences.append(
                Sentence(
                    begin,
                    content0,
                    body_end,
                    end,
                    question,
                    tag,
                    max(asks, question),
                    max(ask_from, begin),
                    question
                    and not asks
                    and (
                        _declarative(lowers, content0, body_end)
                        or _rhetorical(lowers, begin, content0, body_end)
                    ),
                )
            )
        self._mark_frames(spans, lowers)

    def _mark_frames(self, spans: dict[str, list[tuple[int, int]]], lowers: list[str]) -> None:
        # a check ("..., is that right?") or a trailing "you said" frames the whole sentence it ends
        # "you ought to be happy to be out, but mostly you feel lost": a two-sided reflection
        for kind, bit in (
            ("check", FRAME_BITS["tentative"]),
            ("said", FRAME_BITS["quote"]),
            ("contrast", FRAME_BITS["reflective"]),
        ):
            for s, _ in spans.get(kind, ()):
                k = self.sent_of[s]
                sent = self.sentences[k]
                # a check said on its own ("... over it? Have I got that right?") checks the sentence before
                alone = kind == "check" and k and s <= sent.content
                begin = self.sentences[k - 1].begin if alone else sent.begin
                for i in range(begin, sent.end):
                    self.frame_mask[i] |= bit
        # "either is fine", "it's your call": options handed back make the suggestions non-directive
        # ... except after a "but" in the same sentence: "it's up to you, but you really should tell her"
        autonomy = spans.get("autonomy")
        if autonomy:
            last = max(e for _, e in autonomy)
            sent_end = self.sentences[self.sent_of[last - 1]].end
            cut = next((i for i in range(last, sent_end) if lowers[i] in ("but", "though")), sent_end)
            for i in range(len(self.frame_mask)):
                if not cut <= i < sent_end:
                    self.frame_mask[i] |= FRAME_BITS["autonomy"]
        # A frame covers what follows it up to the next strong boundary (a conjunction or ";") or the end of
        # its sentence: commas alone don't end "It sounds like, deep down, you want him back".
        closing_marks: set[int] = set()
        for kind, bit in FRAME_BITS.items():
            found = spans.get(kind)
            if not found:
                continue
            for s, e in sorted(found):
                if s in closing_marks:
                    continue  # a straight quote mark that closes a quotation opens nothing
                if kind in ("reflective", "peer_mind") and s and lowers[s - 1] in ASSERTED:
                    continue  # "clearly you still want his approval": the trainee's claim, not a reflection
                sent = self.sentences[self.sent_of[s]]
                if e < sent.body_end:
                    self.content_starts.add(e)  # what a frame introduces starts a clause of its own
                    if lowers[e] in ("if", "whether", "that") and e + 1 < sent.body_end:
                        self.content_starts.add(e + 1)
                if lowers[s] in OPENING_QUOTES:
                    # words in quotation marks are someone else's, whatever they say, up to the closing mark
                    close = next((j for j in range(e, len(lowers)) if lowers[j] in CLOSING_QUOTES), None)
                    if close is not None:
                        closing_marks.add(close)
                    close = sent.body_end if close is None else close
                    for j in range(e, close):
                        self.frame_mask[j] |= bit
                    continue
                i = e
                carry_reasons = kind in REASONED_FRAMES
                listed = False  # "I'm hearing two things: you want X, and you need Y" frames the whole list
                while i < sent.body_end and (
                    listed
                    or lowers[i] not in STRONG_BOUNDARIES
                    or (carry_reasons and lowers[i] in CARRIED)
                ):
                    if lowers[i] == "which" and i + 1 < sent.body_end and lowers[i + 1] in INFERENCE_VERBS:
                        break  # "you keep saying you're fine, which tells me ...": the trainee's inference
                    if lowers[i] == "," and _verdict_tail(lowers, i + 1, sent.body_end):
                        break  # "... you feel in control, that's what's going on": the trainee's verdict
                    listed = listed or lowers[i] == ":"
                    self.frame_mask[i] |= bit
                    i += 1

    def sentence_at(self, i: int) -> Sentence:
        """The sentence holding token ``i``."""
        return self.sentences[self.sent_of[i]]

    def framed(self, i: int, kinds_mask: int) -> bool:
        """Whether token ``i`` lies inside a frame of one of the kinds in ``kinds_mask``."""
        return bool(self.frame_mask[i] & kinds_mask) if i < len(self.frame_mask) else False


class LexiconView:
    """The few word lists the structural analysis needs."""

    __slots__ = ("openers", "base_verbs", "not_imperative", "adjectives")

    def __init__(
        self,
        openers: frozenset[str],
        base_verbs: frozenset[str],
        not_imperative: frozenset[str],
        adjectives: frozenset[str],
    ) -> None:
        """Hold the word lists."""
        self.openers = openers
        self.base_verbs = base_verbs
        self.not_imperative = not_imperative
        self.adjectives = adjectives


def _verdict_tail(lowers: list[str], i: int, end: int) -> bool:
    """Whether a clause at ``i`` sums up in the trainee's voice: "that's what's ...", "..., admit it"."""
    if i + 1 < end and lowers[i] in ("admit", "own", "face") and lowers[i + 1] == "it":
        return True
    if i < end and lowers[i] == "thats":
        j = i + 1
    elif i + 1 < end and lowers[i] == "that" and lowers[i + 1] in ("'s", "is", "s"):
        j = i + 2
    else:
        return False
    return j < end and lowers[j] in ("what", "all", "why")


def _cleft(lowers: list[str], content: int, body_end: int) -> bool:
    """Whether a what-clause is the subject of a statement: "what's really going on is you're jealous"."""
    return lowers[content] == "what" and any(lowers[j] in ("is", "was") for j in range(content + 3, body_end))


def _after_greeting(lowers: list[str], c: int) -> bool:
    """Whether token ``c`` follows a greeting line such as "Dear Grace," or "Hi Sam,"."""
    return c > 1 and lowers[c - 1] == "," and any(w in GREETINGS for w in lowers[max(0, c - 5) : c - 1])


def _is_terminal(text: str) -> bool:
    return bool(text) and text[0] in TERMINAL_CHARS and not text.strip(TERMINAL_STR)


# One character per token says what the sentence and clause splitting need to know about it, so both are
# found by a regular expression over a short string instead of a Python loop over the tokens.
_ENDS, _CARRIES, _TERMINAL, _BOUNDARY, _STRONG = 1, 2, 4, 8, 16


def _chars(test: Callable[[int], int]) -> str:
    return re.escape("".join(chr(48 + bits) for bits in range(32) if test(bits)))


# a sentence runs to its first closing mark (or line break) and takes in the marks, spaces and quotes after it
_ENDERS, _CARRIED = _chars(lambda b: b & _ENDS), _chars(lambda b: b & _CARRIES)
SENTENCE_RE = re.compile(f"[^{_ENDERS}]*[{_ENDERS}][{_CARRIED}]*|[^{_ENDERS}]+")
BOUNDARY_RE = re.compile(f"[{_chars(lambda b: b & _BOUNDARY)}]")


def token_kind(view: TokenView) -> str:
    """A token's character in ``token_kinds``."""
    lower, text, punct, space = view[0], view[3], view[5], view[6]
    terminal = _is_terminal(text)
    bits = (_ENDS if (punct and terminal) or (space and "\n" in text) else 0) | (_TERMINAL if terminal else 0)
    if terminal or space or text in ('"', "”", ")"):
        bits |= _CARRIES
    if lower in STRONG_BOUNDARIES:
        bits |= _BOUNDARY | _STRONG
    elif lower in BOUNDARIES or (not lower.isascii() and not lower.isalnum()):
        bits |= _BOUNDARY
    return chr(48 + bits)


def token_kinds(toks: Sequence[TokenView]) -> str:
    """One character per token: whether it ends a sentence, is carried into one, is a clause boundary.

    The lemmatizer makes each token's character once per word and leaves the string on the doc; this is
    for docs made without it.
    """
    return "".join(map(token_kind, toks))


def _sentence_bounds(kinds: str) -> list[tuple[int, int]]:
    return [m.span() for m in SENTENCE_RE.finditer(kinds)]


def max_asks(kinds: str) -> int:
    """An upper bound on the questions a message asks, far cheaper than its analysis.

    A sentence asks at most once per clause, and clauses are split at boundary words and marks, so the
    questions are at most the sentences plus the boundaries (``MessageContext`` counts them exactly).

    Args:
        kinds: ``token_kinds`` of the message.
    """
    return len(SENTENCE_RE.findall(kinds)) + len(BOUNDARY_RE.findall(kinds))


def _clauses(kinds: str, begin: int, end: int) -> list[tuple[int, int, bool]]:
    """Split a sentence body into clauses: (begin, end, starts after a strong boundary)."""
    out = []
    cb = begin
    strong = False
    for m in BOUNDARY_RE.finditer(kinds, begin, end):
        i = m.start()
        if i > cb:
            out.append((cb, i, strong))
        cb = i + 1
        strong = bool((ord(kinds[i]) - 48) & _STRONG)
    if cb < end:
        out.append((cb, end, strong))
    return out


def _has_infinitive(lowers: list[str], c: int, ce: int, lex: LexiconView) -> bool:
    """Whether a clause holds "to" + a verb ("you want to stay ...")."""
    return any(lowers[j] == "to" and lowers[j + 1] in lex.base_verbs for j in range(c, ce - 1))


def _spliced_command(lowers: list[str], c: int, ce: int, lex: LexiconView) -> bool:
    """Whether a clause after a comma reads as a command: a verb with its object ("ring the landlord").

    Perception verbs are left out: after a comma "see what you mean", "know the feeling" drop their "I".
    """
    return (
        ce - c >= 3
        and lowers[c] in lex.base_verbs
        and lowers[c] not in ELIDED_SUBJECT_VERBS
        and (
            lowers[c + 1] in OBJECT_STARTERS
            or (lowers[c] == "try" and lowers[c + 1] in ("to", "and"))
            or (lowers[c] == "do" and lowers[c + 1] == "it" and lowers[c + 2] in ("now", "today", "asap"))
        )
    )


def _asks(lowers: list[str], c: int, ce: int) -> bool:
    """Whether the clause starting at ``c`` is put as a question ("where did you go", "what time did you")."""
    w = lowers[c]
    nxt = lowers[c + 1] if c + 1 < ce else ""
    if w in WH_WORDS:
        after = lowers[c + 2] if c + 2 < ce else ""
        # "where did you go", "what time did you leave", "who else knows"
        # "who's gonna ...?", "what'll you do?": a contracted auxiliary asks as well
        return (
            nxt in AUX_INVERSION
            or (after in AUX_INVERSION and nxt.isalpha())
            or nxt in ("else", "knows", "'s", "'re", "'ll", "'d")
        )
    return w in AUX_INVERSION and (nxt in INVERTED_SUBJECTS or nxt in ("it", "that", "this", "there"))


def _declarative(lowers: list[str], c: int, end: int) -> bool:
    """Whether a sentence starting at ``c`` is put as a statement: a subject first, no question word in it."""
    return c < end and lowers[c] in DECLARATIVE_SUBJECTS and not any(w in WH_WORDS for w in lowers[c:end])


def _rhetorical(lowers: list[str], begin: int, content: int, end: int) -> bool:
    """Whether a sentence opened by "surely" states its point: "Surely family should come first?"."""
    return "surely" in lowers[begin:content] and not any(w in WH_WORDS for w in lowers[content:end])


def _aside(lowers: list[str], c: int, ce: int) -> bool:
    """Whether the clause is an aside inside a question: "do you think", "would you say"."""
    return ce - c <= 3 and c + 2 < len(lowers) and lowers[c + 2] in ASIDE_VERBS


def _skip_openers(
    toks: Sequence[TokenView],
    lowers: list[str],
    cb: int,
    ce: int,
    opener_ends: dict[int, int],
    openers: frozenset[str],
) -> int:
    c = cb
    while c < ce:
        if c in opener_ends:
            c = opener_ends[c]
        elif (lowers[c] in openers and not _verb_with_object(lowers, c, ce)) or toks[c][5] or toks[c][6]:
            c += 1
        else:
            break
    return c


def _vocative(tok: TokenView, lower: str, lex: LexiconView) -> bool:
    """Whether a clause's first word reads as a name said to the peer ("Sam you need to ...")."""
    return (
        tok[3][:1].isupper()
        and tok[4]
        and lower not in lex.base_verbs
        and lower not in lex.openers
        and lower not in STOP_WORDS  # "If you could ...", "When you ..."
    )


def _verb_with_object(lowers: list[str], c: int, ce: int) -> bool:
    """Whether an opener word is used as a verb here: "listen to the people ...", "look at the facts"."""
    return lowers[c] in ("listen", "look") and c + 1 < ce and lowers[c + 1] in ("to", "into")


def _imperative_verb(
    lowers: list[str], toks: Sequence[TokenView], c: int, ce: int, lex: LexiconView, initial: bool = True
) -> int | None:
    """Index of the verb if the clause starting at ``c`` is an imperative, else None."""
    w = lowers[c]
    if w in ("do", "dont") and c + 2 < ce + 1 and c + 1 < len(lowers) and toks[c + 1][2] == "not":
        v = c + 2
        if v < ce and lowers[v] in ELIDED_AFTER_DONT:
            return None  # "Don't want to suggest stuff ...": "I" left out; nobody is told to not want
        # after "don't" any word is a verb, even one that usually isn't a command ("don't drink alone")
        return v if v < ce and toks[v][4] and lowers[v] not in SUBJECTS else None
    if c + 1 < ce and toks[c + 1][2] == "not":
        return None  # "... but haven't tried yet": a negated auxiliary states; only "don't" commands
    if w in ELLIPTICAL_ASKS and c + 1 < ce and lowers[c + 1] in ("anything", "any"):
        return None  # "Do anything nice at the weekend?": "did you" left out, a question
    if w == "never" and c + 1 < ce and lowers[c + 1] in lex.base_verbs:
        return c + 1
    if w not in lex.base_verbs or w in lex.not_imperative:
        return None
    if w in ELIDED_SUBJECT_VERBS and c > 0 and lowers[c - 1] in AGREEING_ADVERBS:
        return None  # "Totally get it if you'd rather not": "I" left out, nobody is told to get it
    if not initial and w in lex.adjectives:
        return (
            None  # "... right or wrong way": mid-sentence, a word that is also an adjective isn't a command
        )
    if (
        toks[c][3][:1].isupper()
        and c > 0
        and not _is_terminal(toks[c - 1][3])
        and not toks[c - 1][5]
        and not toks[c][3].isupper()  # "Please DELETE it": capitals for emphasis
        and not _after_greeting(lowers, c)  # "Dear Grace, Please ...": a letter's first line
    ):
        return None  # a capitalised word mid-sentence is a name, not a verb
    nxt = lowers[c + 1] if c + 1 < ce else ""
    if w in AUX_INVERSION and (nxt in INVERTED_SUBJECTS or (nxt == "it" and w != "do")):
        return None  # "Have you ...?", "Do you ...?" ask rather than tell
    if w in lex.adjectives and nxt in ADJECTIVE_FOLLOWERS:
        return None  # "Fine if not.", "Right, so ..." : an adjective, not a command
    if nxt in FINITE_AFTER_SUBJECT:
        return None  # "Time is ...", "People say ..." read as subject + verb
    if (
        nxt
        and nxt not in lex.base_verbs
        and nxt.endswith("s")
        and toks[c + 1][1] in lex.base_verbs
        and toks[c + 1][1] != nxt
        and nxt not in ("yourself", "us", "this", "his", "was", "is", "as")
    ):
        return None  # "Time heals ..." : subject + third-person verb
    if w == "let" and nxt in ("'s", "us", "me"):
        return None
    if w in ELIDED_OPINION and nxt in CLAUSE_SUBJECTS:
        return None  # "think I lost you there", "reckon it's worth it": "I" left out before a clause
    if w == "have" and nxt == "to":
        return None  # "Have to say, this made me cry": "I" left out; nobody is told to have to
    if c > 0 and lowers[c - 1] == "no":
        return None  # "no break since December", "no hay prisa": "no" before a word makes it a noun
    return c
