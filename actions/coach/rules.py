"""Coach rules as data: loading and checking the YAML rule set.

Every rule has a stable id, a category, spaCy Matcher patterns, where it may match, an explanation (or the
category's), rephrasing templates (or the category's) and examples that must and must not be flagged.
Trainers add rules by editing the YAML files under ``actions/coach/data/rules/``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

DATA_DIR = Path(__file__).parent / "data"
POSITIONS = ("clause_start", "sentence_start", "anywhere")
MOODS = ("statement", "told", "question", "any")
SLOTS = ("after", "from_start", "none")
CONTEXT_KINDS = ("reflective", "peer_mind", "quote", "tentative", "autonomy")


class RuleError(ValueError):
    """A rule or category file that cannot be used; the message names the file, the rule and the field."""


def read_yaml(path: Path) -> Any:
    """Parse one of the coach's data files.

    srsly's bundled pure-Python reader took most of the coach's start-up (about 1.8 s for the rule files);
    ruamel's safe loader with its C parser reads them into the same data in about a tenth of that. Both follow
    YAML 1.2, so "on", "no" and "yes" stay words rather than booleans.

    Args:
        path: The YAML file.

    Returns:
        The parsed data (None for an empty file).

    Raises:
        RuleError: If the file is not valid YAML, naming the file and the line.
    """
    text = Path(path).read_text(encoding="utf-8")
    try:
        return YAML(typ="safe", pure=False).load(text)
    except YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}, line {mark.line + 1}" if mark is not None else str(path)
        problem = getattr(error, "problem", None) or error
        raise RuleError(
            f"{where}: not valid YAML ({problem}); put words containing ':' or '#' in double quotes"
        ) from error


@dataclass(frozen=True)
class Category:
    """One of the twelve coach categories."""

    id: str
    name: str
    rank: int
    explanation: str
    rephrasings: tuple[str, ...]
    blocked_by: frozenset[str]


@dataclass(frozen=True)
class Rule:
    """One coach rule: patterns plus the conditions under which a match is a flag."""

    id: str
    category: str
    patterns: tuple[tuple[dict[str, Any], ...], ...]
    source: str
    position: str = "clause_start"
    mood: str = "statement"
    imperative: bool = False
    min_questions: int = 0
    max_questions: int | None = None
    fallback: bool = False
    slot: str = "after"
    blocked_by: frozenset[str] | None = None
    exclude: tuple[tuple[dict[str, Any], ...], ...] = ()
    explanation: str | None = None
    rephrasings: tuple[str, ...] | None = None
    flag_examples: tuple[str, ...] = ()
    pass_examples: tuple[str, ...] = ()
    description: str = ""


def load_categories(path: Path | None = None) -> dict[str, Category]:
    """Load the categories file.

    Args:
        path: The YAML file; defaults to the packaged ``categories.yml``.

    Returns:
        Categories by id, in file order.

    Raises:
        RuleError: If the file is malformed.
    """
    path = path or DATA_DIR / "categories.yml"
    data = read_yaml(path)
    cats: dict[str, Category] = {}
    for raw in data.get("categories", []):
        try:
            blocked = frozenset(raw.get("blocked_by", []))
            unknown = blocked - set(CONTEXT_KINDS)
            if unknown:
                raise RuleError(f"{path}: category {raw['id']}: unknown blocked_by {sorted(unknown)}")
            cats[raw["id"]] = Category(
                id=raw["id"],
                name=raw["name"],
                rank=int(raw["rank"]),
                explanation=" ".join(raw["explanation"].split()),
                rephrasings=tuple(raw["rephrasings"]),
                blocked_by=blocked,
            )
        except KeyError as err:
            raise RuleError(f"{path}: category {raw.get('id', '?')}: missing field {err}") from None
    return cats


def load_rules(rules_dir: Path | None = None, categories: dict[str, Category] | None = None) -> list[Rule]:
    """Load every ``*.yml`` rule file in a folder, checking each rule.

    Args:
        rules_dir: Folder of rule files; defaults to the packaged rules.
        categories: Known categories; loaded from the packaged file when omitted.

    Returns:
        The rules, in file and then file order.

    Raises:
        RuleError: On a malformed rule, naming the file, the rule and the field.
    """
    rules_dir = rules_dir or DATA_DIR / "rules"
    categories = categories or load_categories()
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for path in sorted(Path(rules_dir).glob("*.yml")):
        data = read_yaml(path) or {}
        file_category = data.get("category")
        for raw in data.get("rules", []):
            rule = _parse_rule(raw, file_category, path, categories)
            if rule.id in seen:
                raise RuleError(f"{path}: rule id {rule.id!r} is already used in {seen[rule.id]}")
            seen[rule.id] = path.name
            rules.append(rule)
    return rules


RULE_KEYS = frozenset(
    {
        "id",
        "category",
        "description",
        "patterns",
        "exclude",
        "where",
        "blocked_by",
        "slot",
        "fallback",
        "explanation",
        "rephrasings",
        "examples",
    }
)
WHERE_KEYS = frozenset({"position", "mood", "imperative", "min_questions", "max_questions", "blocked_by"})


def _parse_rule(
    raw: dict[str, Any], file_category: str | None, path: Path, categories: dict[str, Category]
) -> Rule:
    rid = raw.get("id")
    where = f"{path.name}: rule {rid!r}"
    if not rid or not isinstance(rid, str):
        raise RuleError(f"{path.name}: a rule has no id; add `id: <category>.<short-name>`")
    unknown_keys = set(raw) - RULE_KEYS
    if unknown_keys:
        raise RuleError(f"{where}: unknown field(s) {sorted(unknown_keys)}; a rule has {sorted(RULE_KEYS)}")
    cond = raw.get("where", {}) or {}
    unknown_keys = set(cond) - WHERE_KEYS
    if unknown_keys:
        raise RuleError(f"{where}: unknown where field(s) {sorted(unknown_keys)}; use {sorted(WHERE_KEYS)}")
    category = raw.get("category", file_category)
    if category not in categories:
        raise RuleError(f"{where}: unknown category {category!r}; use one of {sorted(categories)}")
    patterns = raw.get("patterns")
    if not patterns or not all(isinstance(p, list) and p for p in patterns):
        raise RuleError(f"{where}: `patterns` must be a list of spaCy token patterns (lists of dicts)")
    position = cond.get("position", "clause_start")
    mood = cond.get("mood", "statement")
    slot = raw.get("slot", "after")
    for name, value, allowed in (
        ("where.position", position, POSITIONS),
        ("where.mood", mood, MOODS),
        ("slot", slot, SLOTS),
    ):
        if value not in allowed:
            raise RuleError(f"{where}: {name} is {value!r}; use one of {list(allowed)}")
    # written beside `where` in the rule files; inside `where` is accepted too
    blocked = raw.get("blocked_by", cond.get("blocked_by"))
    if blocked is not None:
        unknown = set(blocked) - set(CONTEXT_KINDS)
        if unknown:
            raise RuleError(f"{where}: where.blocked_by has unknown contexts {sorted(unknown)}")
    examples = raw.get("examples", {}) or {}
    return Rule(
        id=rid,
        category=category,
        patterns=tuple(tuple(tok for tok in p) for p in patterns),
        source=path.name,
        position=position,
        mood=mood,
        imperative=bool(cond.get("imperative", False)),
        min_questions=int(cond.get("min_questions", 0)),
        max_questions=int(cond["max_questions"]) if cond.get("max_questions") is not None else None,
        fallback=bool(raw.get("fallback", False)),
        slot=slot,
        blocked_by=frozenset(blocked) if blocked is not None else None,
        exclude=tuple(tuple(p) for p in raw.get("exclude", []) or []),
        explanation=" ".join(raw["explanation"].split()) if raw.get("explanation") else None,
        rephrasings=tuple(raw["rephrasings"]) if raw.get("rephrasings") else None,
        flag_examples=tuple(examples.get("flag", []) or []),
        pass_examples=tuple(examples.get("pass", []) or []),
        description=raw.get("description", ""),
    )
