"""The rule set checks itself: ids, categories, examples, and every rephrasing passes the coach."""

from __future__ import annotations

import pytest

from actions.coach import analyze
from actions.coach.engine import rule_ids
from actions.coach.rules import load_categories, load_rules

CATEGORY_IDS = {
    "ordering",
    "advising",
    "warning",
    "moralizing",
    "lecturing",
    "judging",
    "labeling",
    "interpreting",
    "minimizing",
    "expert_positioning",
    "interrogating",
    "diverting",
}
RULES = load_rules()
FLAG_CASES = [(r.id, r.category, text) for r in RULES for text in r.flag_examples]
PASS_CASES = [(r.id, text) for r in RULES for text in r.pass_examples]


def test_categories_are_the_public_twelve() -> None:
    cats = load_categories()
    assert set(cats) == CATEGORY_IDS
    assert sorted(c.rank for c in cats.values()) == list(range(1, 13))
    for cat in cats.values():
        assert 0 < len(cat.explanation.split(".")) <= 4, cat.id
        assert len(cat.rephrasings) >= 3, cat.id


def test_rule_ids_are_unique_and_named_by_category() -> None:
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    for rule in RULES:
        assert rule.id.startswith(rule.category + "."), rule.id


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_rule_has_both_kinds_of_example(rule) -> None:  # type: ignore[no-untyped-def]
    assert rule.flag_examples, f"{rule.id} has no examples that must flag"
    assert rule.pass_examples, f"{rule.id} has no examples that must pass"
    assert rule.description, f"{rule.id} has no description"


@pytest.mark.parametrize(("rule_id", "category", "text"), FLAG_CASES)
def test_flag_example_is_flagged_by_its_rule(rule_id: str, category: str, text: str) -> None:
    fired = rule_ids(text)
    result = analyze(text)
    assert result["directive"], text
    assert category in {f["category"] for f in result["flags"]}, (text, fired)
    assert rule_id in fired or any(r.split(".")[0] == category for r in fired), (text, fired)


@pytest.mark.parametrize(("rule_id", "text"), PASS_CASES)
def test_pass_example_is_not_flagged(rule_id: str, text: str) -> None:
    assert rule_ids(text) == [], (rule_id, text)


@pytest.mark.parametrize(("rule_id", "category", "text"), FLAG_CASES)
def test_rephrasings_keep_content_and_pass_the_coach(rule_id: str, category: str, text: str) -> None:
    for flag in analyze(text)["flags"]:
        assert 1 <= len(flag["rephrasings"]) <= 3, (text, flag)
        for suggestion in flag["rephrasings"]:
            assert suggestion.strip().lower() != text.strip().lower()
            assert "{" not in suggestion and "}" not in suggestion, suggestion
            again = analyze(suggestion)
            assert not again["directive"], (text, suggestion, again["flags"])
