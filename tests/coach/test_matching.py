"""The anchored matcher agrees with spaCy's Matcher on the rule data, and compiles the pattern language."""

from __future__ import annotations

import pytest
from spacy.matcher import Matcher

from actions.coach.engine import get_nlp
from actions.coach.matching import AnchoredMatcher, Encoding, token_views
from actions.coach.rules import RuleError, load_rules

RULES = load_rules()
TEXTS = sorted({t for r in RULES for t in (*r.flag_examples, *r.pass_examples)})


def _longest_by_start(matches: list[tuple[str, int, int]]) -> dict[tuple[str, int], int]:
    best: dict[tuple[str, int], int] = {}
    for key, s, e in matches:
        best[(key, s)] = max(e, best.get((key, s), 0))
    return best


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_anchored_matcher_agrees_with_spacy(rule) -> None:  # type: ignore[no-untyped-def]
    nlp = get_nlp()
    lexicon = nlp.get_pipe("directive_coach").lexicon
    patterns = [lexicon.expand(list(p), rule.id) for p in rule.patterns]
    spacy_matcher = Matcher(nlp.vocab)
    spacy_matcher.add(rule.id, patterns)
    ours = AnchoredMatcher(Encoding(lexicon.words))
    ours.add(rule.id, patterns)
    for text in TEXTS:
        doc = nlp(text)  # the full call: spaCy's Matcher reads token.lemma_
        expected = _longest_by_start([(rule.id, s, e) for _, s, e in spacy_matcher(doc)])
        assert _longest_by_start(ours(token_views(doc))) == expected, text


@pytest.mark.parametrize(
    ("pattern", "text", "spans"),
    [
        (
            [{"LOWER": "you"}, {"LOWER": {"IN": ["really", "just"]}, "OP": "*"}, {"LOWER": "should"}],
            "You really just should. you should",
            [(0, 4), (5, 7)],
        ),
        (
            [{"LOWER": "at"}, {"LOWER": "least"}, {"IS_ALPHA": True, "LOWER": {"NOT_IN": ["for"]}}],
            "At least for me. At least you tried",
            [(5, 8)],
        ),
        (
            [{"LOWER": {"IN": ["what", "how"]}}, {"LOWER": "about"}, {"LOWER": {"REGEX": "^[a-z]{2,}ing$"}}],
            "What about trying? How about you?",
            [(0, 3)],
        ),
        (
            [{"LOWER": "it", "OP": "?"}, {"LEMMA": "sound"}, {"LOWER": "like"}],
            "It sounds like that. Sounds like you",
            [(0, 3), (1, 3), (5, 7)],
        ),
        ([{"ORTH": ","}, {"LOWER": "right"}], "You know, right?", [(2, 4)]),
        (
            [{"IS_ALPHA": True, "LOWER": {"REGEX": "ing$"}}, {"LOWER": "is"}, {"LOWER": "selfish"}],
            "Leaving is selfish. Sing is selfish? King is kind",
            [(0, 3), (4, 7)],
        ),
        ([{"LOWER": "why"}, {"IS_ALPHA": True, "OP": "{1,2}"}, {"ORTH": "?"}], "why did you? why?", [(0, 4)]),
    ],
)
def test_pattern_language(pattern: list[dict], text: str, spans: list[tuple[int, int]]) -> None:  # type: ignore[type-arg]
    nlp = get_nlp()
    matcher = AnchoredMatcher(Encoding({}))
    matcher.add("k", [pattern])
    found = sorted((s, e) for _, s, e in matcher(token_views(nlp(text))))
    assert found == spans


def test_a_regex_first_token_is_indexed_not_tried_everywhere() -> None:
    """A pattern whose first token is a REGEX is found through its words, not tried at every token."""
    matcher = AnchoredMatcher(Encoding({}))
    matcher.add("k", [[{"LOWER": {"REGEX": "ing$"}}, {"LOWER": "is"}]])
    assert not matcher.anywhere
    found = matcher(token_views(get_nlp()("Walking is good. Talk is cheap")))
    assert [(s, e) for _, s, e in found] == [(0, 2)]


@pytest.mark.parametrize(
    "pattern",
    [[{"LOWER": "x", "OP": "!"}], [{"POS": "VERB"}], [{"LOWER": {"FUZZY": "x"}}], [{"LOWER": 3}]],
)
def test_unsupported_patterns_are_reported(pattern: list[dict]) -> None:  # type: ignore[type-arg]
    with pytest.raises(RuleError):
        AnchoredMatcher(Encoding({})).add("k", [pattern])


def test_needed_words_are_read_per_message_and_patterns_added_later_are_found() -> None:
    """A bucket keeps which patterns pass its needed-word test per message kind; that must never go stale."""
    nlp = get_nlp()
    matcher = AnchoredMatcher(Encoding({}))
    matcher.add("must", [[{"LOWER": "you"}, {"IS_ALPHA": True, "OP": "*"}, {"LOWER": "must"}]])
    matcher.add("should", [[{"LOWER": "you"}, {"IS_ALPHA": True, "OP": "*"}, {"LOWER": "should"}]])

    def keys(text: str) -> list[str]:
        return sorted(key for key, _, _ in matcher(token_views(nlp(text))))

    for _ in range(2):  # the second round reads what the first one kept
        assert keys("you really must go") == ["must"]
        assert keys("you really should go") == ["should"]
        assert keys("you should and must") == ["must", "should"]
        assert keys("you could go") == []
    matcher.add("could", [[{"LOWER": "you"}, {"LOWER": "could"}]])
    assert keys("you could go") == ["could"]
    assert keys("you really must go") == ["must"]
